/**
 * The gateway's store: configuration, a pooled and migrated JDBC store on H2 (embedded default) or
 * PostgreSQL (production), and the transactional outbox that delivery workers claim from.
 */
package dev.fangxin.gateway.store;
