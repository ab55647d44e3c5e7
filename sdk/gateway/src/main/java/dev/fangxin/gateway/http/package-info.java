/**
 * The gateway's HTTP/1.1 server on Netty: bounded decoding, RFC 9457 problem+json errors, a small
 * router whose handlers run on worker threads, health and readiness routes, and graceful shutdown.
 */
package dev.fangxin.gateway.http;
