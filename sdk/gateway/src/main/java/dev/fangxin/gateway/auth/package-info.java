/**
 * Who is calling: API-key roles ({@link dev.fangxin.gateway.auth.Role}), the authenticated {@link
 * dev.fangxin.gateway.auth.Principal}, and {@link dev.fangxin.gateway.auth.Guard}, which turns a
 * request's {@code Authorization: Bearer} header into a principal or a 401/403 problem.
 */
package dev.fangxin.gateway.auth;
