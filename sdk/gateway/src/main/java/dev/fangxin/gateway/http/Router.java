package dev.fangxin.gateway.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Finds the {@link Route} for a method and raw path. Immutable; safe on any thread. */
final class Router {
  private final List<Route> routes;

  private Router(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  static Router of(List<Route> routes) {
    Set<String> seen = new HashSet<>();
    for (Route r : routes) {
      if (!seen.add(r.method() + " " + r.shape())) {
        throw new HttpException(
            HttpException.Reason.DUPLICATE_ROUTE,
            "Route " + r + " duplicates another route with the same method and pattern shape.");
      }
    }
    return new Router(routes);
  }

  /** Every route, in the order given. */
  List<Route> routes() {
    return routes;
  }

  /** The outcome of a lookup: a match, or the methods allowed on the path (empty = 404). */
  static final class Result {
    final Route route;
    final Map<String, String> params;
    final Set<String> allowed;

    private Result(Route route, Map<String, String> params, Set<String> allowed) {
      this.route = route;
      this.params = params;
      this.allowed = allowed;
    }
  }

  /** Looks up {@code rawPath} (no query string, still percent-encoded). */
  Result find(String method, String rawPath) {
    List<String> segments = segments(rawPath);
    Set<String> allowed = new TreeSet<>();
    for (Route r : routes) {
      Map<String, String> params = new HashMap<>();
      if (r.match(segments, params)) {
        if (r.method().equals(method)) {
          return new Result(r, params, Set.of());
        }
        allowed.add(r.method());
      }
    }
    return new Result(null, Map.of(), allowed);
  }

  private static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    if (rawPath.equals("/") || rawPath.isEmpty()) {
      return out;
    }
    String p = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    for (String s : p.split("/", -1)) {
      out.add(QueryStringDecoder.decodeComponent(s));
    }
    return out;
  }
}
