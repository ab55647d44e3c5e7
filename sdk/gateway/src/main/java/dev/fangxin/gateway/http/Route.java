package dev.fangxin.gateway.http;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A method, a path pattern and the {@link RouteHandler} that answers it. Immutable and thread-safe.
 *
 * <p>A pattern is {@code /} or a sequence of {@code /segment}s; a segment is either literal text or
 * exactly {@code {name}} (a letter, then letters, digits or {@code _}), which matches one non-empty
 * path segment and binds its percent-decoded value. Example: {@code /receipts/{receiptId}/dispute}.
 */
public final class Route {
  /** The largest per-route body limit {@link #withBodyLimit} accepts: 64 MiB. */
  public static final int MAX_BODY_LIMIT = 64 << 20;

  private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
  private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*)\\}");
  private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=:@-]+");

  private final String method;
  private final String pattern;
  private final List<String> segments;
  private final RouteHandler handler;
  private final int errorStatus;
  private final boolean onEventLoop;
  private final int maxBodySize;
  private final RouteHandler tooLarge;

  private Route(
      String method,
      String pattern,
      List<String> segments,
      RouteHandler handler,
      int errorStatus,
      boolean onEventLoop) {
    this(method, pattern, segments, handler, errorStatus, onEventLoop, 0, null);
  }

  private Route(
      String method,
      String pattern,
      List<String> segments,
      RouteHandler handler,
      int errorStatus,
      boolean onEventLoop,
      int maxBodySize,
      RouteHandler tooLarge) {
    this.method = method;
    this.pattern = pattern;
    this.segments = segments;
    this.handler = handler;
    this.errorStatus = errorStatus;
    this.onEventLoop = onEventLoop;
    this.maxBodySize = maxBodySize;
    this.tooLarge = tooLarge;
  }

  /**
   * A route whose {@link dev.fangxin.core.FangxinException}s are answered with 400.
   *
   * @param method an upper-case token such as {@code GET} or {@code POST}
   * @param pattern see the class comment
   * @throws HttpException with reason {@link HttpException.Reason#INVALID_ROUTE} naming what is
   *     wrong with the method or pattern
   */
  public static Route of(String method, String pattern, RouteHandler handler) {
    Objects.requireNonNull(handler, "handler == null");
    if (method == null || !METHOD.matcher(method).matches()) {
      throw invalid("Route method must be 1 to 16 upper-case letters, got \"" + method + "\".");
    }
    return new Route(method, pattern, parse(pattern), handler, 400, false);
  }

  static Route onEventLoop(String method, String pattern, RouteHandler handler) {
    return new Route(method, pattern, parse(pattern), handler, 400, true);
  }

  /**
   * This route answering its {@link dev.fangxin.core.FangxinException}s with {@code status} instead
   * of 400.
   *
   * @throws HttpException with reason {@link HttpException.Reason#INVALID_ROUTE} if {@code status}
   *     is outside [400, 599]
   */
  public Route withErrorStatus(int status) {
    if (status < 400 || status > 599) {
      throw invalid("Route error status must be in [400, 599], got " + status + ".");
    }
    return new Route(
        method, pattern, segments, handler, status, onEventLoop, maxBodySize, tooLarge);
  }

  /**
   * This route with its own request body limit instead of the server's ({@link
   * HttpServerConfig#maxBodySize()}): a body over {@code bytes} (by {@code Content-Length}, or
   * counted as it arrives) is not read; {@code tooLarge} is called with the request's line and
   * headers and an empty body, on the connection's event loop (it must be quick and must not
   * block), and its answer is sent with {@code Connection: close}. If it throws, the server's 413
   * {@code http.payload_too_large} problem is sent instead.
   *
   * @param bytes at least 1 and at most 64 MiB
   * @throws HttpException {@code INVALID_ROUTE} if {@code bytes} is out of range
   * @throws NullPointerException if {@code tooLarge} is null
   */
  public Route withBodyLimit(int bytes, RouteHandler tooLarge) {
    Objects.requireNonNull(tooLarge, "tooLarge == null");
    if (bytes < 1 || bytes > MAX_BODY_LIMIT) {
      throw invalid(
          "Route body limit must be in [1, " + MAX_BODY_LIMIT + "] bytes, got " + bytes + ".");
    }
    return new Route(method, pattern, segments, handler, errorStatus, onEventLoop, bytes, tooLarge);
  }

  /** This route's own body limit in bytes, or empty when the server's limit applies. */
  public java.util.OptionalInt maxBodySize() {
    return maxBodySize > 0 ? java.util.OptionalInt.of(maxBodySize) : java.util.OptionalInt.empty();
  }

  /** What answers a body over {@link #maxBodySize()}; null when the server's 413 does. */
  RouteHandler tooLargeHandler() {
    return tooLarge;
  }

  private static List<String> parse(String pattern) {
    if (pattern == null || !pattern.startsWith("/")) {
      throw invalid("Route pattern must start with \"/\", got \"" + pattern + "\".");
    }
    List<String> segments = new ArrayList<>();
    if (pattern.equals("/")) {
      return List.of();
    }
    Set<String> names = new HashSet<>();
    for (String segment : pattern.substring(1).split("/", -1)) {
      var m = PARAM.matcher(segment);
      if (m.matches()) {
        if (!names.add(m.group(1))) {
          throw invalid(
              "Route pattern \"" + pattern + "\" binds {" + m.group(1) + "} more than once.");
        }
      } else if (!LITERAL.matcher(segment).matches()) {
        throw invalid(
            "Route pattern \""
                + pattern
                + "\" has segment \""
                + segment
                + "\"; expected literal text or {name}, and no empty segments.");
      }
      segments.add(segment);
    }
    return List.copyOf(segments);
  }

  private static HttpException invalid(String message) {
    return new HttpException(HttpException.Reason.INVALID_ROUTE, message);
  }

  /** The method this route answers. */
  public String method() {
    return method;
  }

  /** The pattern as given. */
  public String pattern() {
    return pattern;
  }

  /** The handler. */
  public RouteHandler handler() {
    return handler;
  }

  /** The status used for {@link dev.fangxin.core.FangxinException}s (default 400). */
  public int errorStatus() {
    return errorStatus;
  }

  boolean runsOnEventLoop() {
    return onEventLoop;
  }

  /** The pattern with parameter names erased, used to detect duplicates. */
  String shape() {
    StringBuilder sb = new StringBuilder();
    for (String s : segments) {
      sb.append('/').append(PARAM.matcher(s).matches() ? "{}" : s);
    }
    return sb.length() == 0 ? "/" : sb.toString();
  }

  /**
   * Binds decoded {@code pathSegments} into {@code params}; returns false (leaving partial
   * bindings) when they do not match.
   */
  boolean match(List<String> pathSegments, Map<String, String> params) {
    if (pathSegments.size() != segments.size()) {
      return false;
    }
    for (int i = 0; i < segments.size(); i++) {
      String s = segments.get(i);
      String actual = pathSegments.get(i);
      var m = PARAM.matcher(s);
      if (m.matches()) {
        if (actual.isEmpty()) {
          return false;
        }
        params.put(m.group(1), actual);
      } else if (!s.equals(actual)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return method + " " + pattern;
  }
}
