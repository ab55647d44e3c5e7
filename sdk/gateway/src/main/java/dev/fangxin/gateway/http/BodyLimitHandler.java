package dev.fangxin.gateway.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Enforces the request body limit of the route a request is for ({@link Route#withBodyLimit}), or
 * the server's limit for every other route, before the body is aggregated: a {@code Content-Length}
 * over the limit is refused at once, a chunked body as soon as its bytes pass it. The refusal is
 * the route's own answer (a page in the consumer's language) or the 413 {@code
 * http.payload_too_large} problem, then the connection is closed, since the rest of the body is
 * still on the wire. One instance per connection; runs on its event loop.
 */
final class BodyLimitHandler extends ChannelInboundHandlerAdapter {
  private final Router router;
  private final int serverLimit;
  private long limit;
  private long received;
  private boolean discarding;
  private HttpRequest current;
  private Route currentRoute;

  BodyLimitHandler(Router router, int serverLimit) {
    this.router = router;
    this.serverLimit = serverLimit;
    this.limit = serverLimit;
  }

  /** The largest limit any route or the server allows: the aggregator's bound. */
  static int largest(Router router, int serverLimit) {
    int max = serverLimit;
    for (Route r : router.routes()) {
      max = Math.max(max, r.maxBodySize().orElse(0));
    }
    return max;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (discarding) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest && ((HttpRequest) msg).decoderResult().isSuccess()) {
      HttpRequest req = (HttpRequest) msg;
      Route route = routeOf(req);
      limit = route == null ? serverLimit : route.maxBodySize().orElse(serverLimit);
      received = 0;
      if (HttpUtil.getContentLength(req, -1L) > limit) {
        ReferenceCountUtil.release(msg);
        refuse(ctx, req, route);
        return;
      }
      current = req;
      currentRoute = route;
    }
    if (msg instanceof HttpContent) {
      received += ((HttpContent) msg).content().readableBytes();
      if (received > limit) {
        ReferenceCountUtil.release(msg);
        refuse(ctx, current, currentRoute);
        return;
      }
      if (msg instanceof LastHttpContent) {
        received = 0;
      }
    }
    ctx.fireChannelRead(msg);
  }

  private Route routeOf(HttpRequest req) {
    try {
      return router.find(req.method().name(), ProblemAggregator.pathOf(req.uri())).route;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void refuse(ChannelHandlerContext ctx, HttpRequest req, Route route) {
    discarding = true;
    RouteResponse answer = null;
    if (route != null && route.tooLargeHandler() != null && req != null) {
      try {
        answer = route.tooLargeHandler().handle(headersOnly(req));
      } catch (Exception e) {
        answer = null;
      }
    }
    if (answer == null) {
      Problem p =
          Problem.of(
              "http.payload_too_large",
              413,
              "The request body is larger than the limit of " + limit + " bytes.");
      if (req != null) {
        p = p.withInstance(ProblemAggregator.pathOf(req.uri()));
      }
      answer = RouteResponse.problem(p);
    }
    LingeringClose.after(ctx.writeAndFlush(Responses.of(answer, false)));
  }

  private static RouteRequest headersOnly(HttpRequest req) {
    QueryStringDecoder qs = new QueryStringDecoder(req.uri());
    Map<String, List<String>> headers = new HashMap<>();
    for (Map.Entry<String, String> h : req.headers()) {
      headers
          .computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(h.getValue());
    }
    return RouteRequest.of(
        req.method().name(), qs.path(), Map.of(), qs.parameters(), headers, new byte[0]);
  }
}
