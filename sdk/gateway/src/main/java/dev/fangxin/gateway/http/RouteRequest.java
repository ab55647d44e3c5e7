package dev.fangxin.gateway.http;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One fully received request as seen by a {@link RouteHandler}: a copy detached from Netty's
 * buffers, so handlers never touch reference counts. Immutable and thread-safe.
 */
public final class RouteRequest {
  private final String method;
  private final String path;
  private final Map<String, String> pathParams;
  private final Map<String, List<String>> query;
  private final Map<String, List<String>> headers;
  private final byte[] body;
  private final X509Certificate clientCertificate;

  private RouteRequest(
      String method,
      String path,
      Map<String, String> pathParams,
      Map<String, List<String>> query,
      Map<String, List<String>> headers,
      byte[] body,
      X509Certificate clientCertificate) {
    this.method = method;
    this.path = path;
    this.pathParams = Map.copyOf(pathParams);
    this.query = Map.copyOf(query);
    this.headers = Map.copyOf(headers);
    this.body = body.clone();
    this.clientCertificate = clientCertificate;
  }

  /**
   * Builds a request. Header names must already be lower case.
   *
   * @throws NullPointerException if any argument is null
   */
  public static RouteRequest of(
      String method,
      String path,
      Map<String, String> pathParams,
      Map<String, List<String>> query,
      Map<String, List<String>> headers,
      byte[] body) {
    return new RouteRequest(method, path, pathParams, query, headers, body, null);
  }

  /**
   * This request as received over a TLS connection whose handshake verified {@code certificate}
   * (the client's end-entity certificate). The server sets it; handlers read it with {@link
   * #clientCertificate()}.
   *
   * @throws NullPointerException if {@code certificate} is null
   */
  public RouteRequest withClientCertificate(X509Certificate certificate) {
    return new RouteRequest(
        method,
        path,
        pathParams,
        query,
        headers,
        body,
        java.util.Objects.requireNonNull(certificate, "certificate == null"));
  }

  /**
   * The client certificate the TLS handshake of this request's connection verified; empty on plain
   * HTTP, or when the client presented none (see {@code tls.client-auth} in the gateway README).
   * The handshake proved the client holds its private key; whom it identifies is for the route to
   * decide (for example by fingerprint).
   */
  public Optional<X509Certificate> clientCertificate() {
    return Optional.ofNullable(clientCertificate);
  }

  /** The method, upper case, e.g. {@code GET}. */
  public String method() {
    return method;
  }

  /** The decoded path without the query string. */
  public String path() {
    return path;
  }

  /**
   * The value bound to {@code {name}} in the route pattern, percent-decoded.
   *
   * @throws IllegalArgumentException if the pattern has no such parameter
   */
  public String pathParam(String name) {
    String v = pathParams.get(name);
    if (v == null) {
      throw new IllegalArgumentException(
          "The route has no path parameter \"" + name + "\"; it has " + pathParams.keySet() + ".");
    }
    return v;
  }

  /** Every path parameter, by name. */
  public Map<String, String> pathParams() {
    return pathParams;
  }

  /** The decoded query parameters. */
  public Map<String, List<String>> query() {
    return query;
  }

  /** The first value of header {@code name} (case-insensitive), if present. */
  public Optional<String> header(String name) {
    List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /** A copy of the body bytes (empty when there was none). */
  public byte[] body() {
    return body.clone();
  }

  /** The body decoded as UTF-8. */
  public String bodyUtf8() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "RouteRequest{" + method + " " + path + ", " + body.length + " body bytes}";
  }
}
