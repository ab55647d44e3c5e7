/**
 * Merchants' webhook endpoints: URL, HMAC secrets with rotation overlap, the optional Ed25519
 * {@code v1a} key, and the circuit state that pauses an endpoint (always with notices first). See
 * {@link dev.fangxin.gateway.endpoint.Endpoints} and its HTTP API {@link
 * dev.fangxin.gateway.endpoint.EndpointRoutes}. Every parameter and return value is non-null.
 */
package dev.fangxin.gateway.endpoint;
