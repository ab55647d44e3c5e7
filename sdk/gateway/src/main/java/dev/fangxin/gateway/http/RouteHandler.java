package dev.fangxin.gateway.http;

/**
 * The business logic of one {@link Route}. Runs on a worker thread, never on the event loop, so it
 * may block. May be called concurrently for different requests and must therefore be thread-safe.
 */
@FunctionalInterface
public interface RouteHandler {
  /**
   * Answers one request.
   *
   * <p>A thrown {@link dev.fangxin.core.FangxinException} becomes a problem of the route's {@link
   * Route#errorStatus()} whose type ends in its {@code reason()}; any other exception becomes a
   * generic 500 that does not reveal its message. Returning {@code null} is treated as a failure
   * and also answered with that generic 500.
   */
  RouteResponse handle(RouteRequest request) throws Exception;
}
