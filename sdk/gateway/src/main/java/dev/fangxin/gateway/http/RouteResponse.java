package dev.fangxin.gateway.http;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link RouteHandler} answers: a status, a content type and a body. The server adds {@code
 * Content-Length}, {@code Cache-Control: no-store}, {@code X-Content-Type-Options: nosniff} and the
 * connection header. Immutable and thread-safe.
 */
public final class RouteResponse {
  private final int status;
  private final String contentType;
  private final byte[] body;
  private final Map<String, String> headers;

  private RouteResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.headers = headers;
  }

  /**
   * A response with an explicit content type.
   *
   * @throws IllegalArgumentException if {@code status} is outside [200, 599] or the content type is
   *     blank or contains a line break
   */
  public static RouteResponse of(int status, String contentType, byte[] body) {
    Objects.requireNonNull(contentType, "contentType == null");
    Objects.requireNonNull(body, "body == null");
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException("status must be in [200, 599], got " + status + ".");
    }
    if (contentType.isBlank() || contentType.indexOf('\r') >= 0 || contentType.indexOf('\n') >= 0) {
      throw new IllegalArgumentException(
          "contentType must be a non-blank single-line media type, got \"" + contentType + "\".");
    }
    return new RouteResponse(status, contentType, body.clone(), Map.of());
  }

  /** A {@code text/plain; charset=utf-8} response. */
  public static RouteResponse text(int status, String text) {
    return of(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  /** An {@code application/json} response; {@code json} is sent as is, in UTF-8. */
  public static RouteResponse json(int status, String json) {
    return of(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** An {@code application/problem+json} response carrying {@code problem}. */
  public static RouteResponse problem(Problem problem) {
    return new RouteResponse(problem.status(), Problem.MEDIA_TYPE, problem.toJsonBytes(), Map.of());
  }

  /**
   * This response with one more header, such as {@code Location}, {@code Retry-After} or {@code
   * WWW-Authenticate}. A later value for the same name (compared case-insensitively) replaces an
   * earlier one. {@code Content-Type}, {@code Content-Length} and {@code Connection} belong to the
   * server and are refused.
   *
   * @throws IllegalArgumentException if the name is not an HTTP token, is reserved, or the value
   *     contains a control character
   */
  public RouteResponse withHeader(String name, String value) {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(value, "value == null");
    if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
      throw new IllegalArgumentException(
          "Header name must be an HTTP token, got \"" + name + "\".");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals("content-type")
        || lower.equals("content-length")
        || lower.equals("connection")) {
      throw new IllegalArgumentException("Header " + name + " is set by the server.");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        throw new IllegalArgumentException(
            "Header " + name + " value contains a control character.");
      }
    }
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.keySet().removeIf(k -> k.equalsIgnoreCase(name));
    copy.put(name, value);
    return new RouteResponse(status, contentType, body, Collections.unmodifiableMap(copy));
  }

  /** The extra headers set with {@link #withHeader}, in the order they were set. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The {@code Content-Type} header value. */
  public String contentType() {
    return contentType;
  }

  /** A copy of the body. */
  public byte[] body() {
    return body.clone();
  }

  byte[] bodyNoCopy() {
    return body;
  }

  @Override
  public String toString() {
    return "RouteResponse{" + status + ", " + contentType + ", " + body.length + " bytes}";
  }
}
