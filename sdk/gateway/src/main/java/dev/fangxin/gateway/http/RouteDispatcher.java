package dev.fangxin.gateway.http;

import dev.fangxin.core.FangxinException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Routes each complete request and runs its handler on the worker executor, never on the event
 * loop. Requests on one connection are answered strictly in order: a pipelined request waits in a
 * queue until the previous response is written. Exceptions become problems: {@link
 * ProblemException} → its own problem and headers; any other {@link FangxinException} → the route's
 * error status with {@code type} ending in {@code reason()}; any other → 500 with a generic detail.
 * On a TLS connection whose handshake verified a client certificate, the request carries it ({@link
 * RouteRequest#clientCertificate()}); on plain HTTP it never does. One instance per channel; its
 * state is event-loop confined.
 */
final class RouteDispatcher extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = Logger.getLogger(RouteDispatcher.class.getName());

  private final Router router;
  private final Executor workers;
  private final InFlight inFlight;
  private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
  private volatile boolean busy;

  RouteDispatcher(Router router, Executor workers, InFlight inFlight) {
    this.router = router;
    this.workers = workers;
    this.inFlight = inFlight;
  }

  /** Whether a request on this connection is being processed. */
  boolean busy() {
    return busy;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.pipeline().fireUserEventTriggered(RequestDeadlineHandler.RequestReceived.INSTANCE);
    if (busy) {
      waiting.add((FullHttpRequest) msg);
    } else {
      dispatch(ctx, (FullHttpRequest) msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    FullHttpRequest r;
    while ((r = waiting.poll()) != null) {
      r.release();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(Level.FINE, "Closing connection after a pipeline error", cause);
    ctx.close();
  }

  private void dispatch(ChannelHandlerContext ctx, FullHttpRequest req) {
    busy = true;
    inFlight.begin();
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    QueryStringDecoder qs = new QueryStringDecoder(req.uri());
    String rawPath = ProblemAggregator.pathOf(req.uri());
    String method = req.method().name();
    Router.Result found;
    try {
      found = router.find(method, rawPath);
      // Decoded eagerly, so that a bad escape is refused here and not on a worker; a NUL can name
      // no resource or parameter (and PostgreSQL cannot store it).
      boolean nul = qs.path().indexOf('\u0000') >= 0;
      for (Map.Entry<String, List<String>> p : qs.parameters().entrySet()) {
        nul |= p.getKey().indexOf('\u0000') >= 0;
        for (String v : p.getValue()) {
          nul |= v.indexOf('\u0000') >= 0;
        }
      }
      if (nul) {
        throw new IllegalArgumentException("NUL");
      }
    } catch (IllegalArgumentException badEscape) {
      req.release();
      Problem p =
          Problem.of(
              "http.bad_request",
              400,
              "The request target has a malformed percent-escape (such as \"%ZZ\" or a lone"
                  + " \"%\") or an escaped NUL (%00).");
      respond(ctx, Responses.problem(p, keepAlive), keepAlive);
      return;
    }
    if (found.route == null) {
      req.release();
      Problem p =
          found.allowed.isEmpty()
              ? Problem.of("http.not_found", 404, "No resource exists at this path.")
              : Problem.of(
                  "http.method_not_allowed",
                  405,
                  "Method " + method + " is not allowed here; allowed: " + found.allowed + ".");
      FullHttpResponse res = Responses.problem(p.withInstance(qs.path()), keepAlive);
      if (!found.allowed.isEmpty()) {
        res.headers().set(HttpHeaderNames.ALLOW, String.join(", ", found.allowed));
      }
      respond(ctx, res, keepAlive);
      return;
    }
    RouteRequest received;
    try {
      received = toRequest(req, qs, found.params);
    } finally {
      req.release();
    }
    X509Certificate peer = peerCertificate(ctx);
    RouteRequest request = peer == null ? received : received.withClientCertificate(peer);
    Route route = found.route;
    Runnable job =
        () -> {
          FullHttpResponse res = Responses.of(invoke(route, request), keepAlive);
          if (ctx.executor().inEventLoop()) {
            respond(ctx, res, keepAlive);
          } else {
            ctx.executor().execute(() -> respond(ctx, res, keepAlive));
          }
        };
    if (route.runsOnEventLoop()) {
      job.run();
      return;
    }
    try {
      workers.execute(job);
    } catch (RejectedExecutionException e) {
      Problem p =
          Problem.of("http.overloaded", 503, "The server is busy; retry later.")
              .withInstance(request.path());
      respond(ctx, Responses.problem(p, false), false);
    }
  }

  private static RouteResponse invoke(Route route, RouteRequest request) {
    try {
      RouteResponse response = route.handler().handle(request);
      if (response == null) {
        throw new IllegalStateException("Route " + route + " returned null instead of a response.");
      }
      return response;
    } catch (ProblemException e) {
      RouteResponse r = RouteResponse.problem(e.problem().withInstance(request.path()));
      for (var h : e.headers().entrySet()) {
        r = r.withHeader(h.getKey(), h.getValue());
      }
      return r;
    } catch (FangxinException e) {
      Problem p;
      try {
        p = Problem.of(e.reason(), route.errorStatus(), String.valueOf(e.getMessage()));
      } catch (IllegalArgumentException malformedReason) {
        p = Problem.of("http.internal_error", 500, "The server failed to handle the request.");
      }
      return RouteResponse.problem(p.withInstance(request.path()));
    } catch (Exception | Error e) {
      LOG.log(Level.WARNING, "Route " + route + " failed", e);
      return RouteResponse.problem(
          Problem.of("http.internal_error", 500, "The server failed to handle the request.")
              .withInstance(request.path()));
    }
  }

  private void respond(ChannelHandlerContext ctx, FullHttpResponse res, boolean keepAlive) {
    boolean keep = keepAlive && !inFlight.draining() && ctx.channel().isActive();
    if (!keep) {
      res.headers().set(HttpHeaderNames.CONNECTION, "close");
    }
    ChannelFuture f = ctx.writeAndFlush(res);
    f.addListener(
        done -> {
          inFlight.end();
          busy = false;
          if (!keep) {
            ctx.close();
            return;
          }
          FullHttpRequest next = waiting.poll();
          if (next != null) {
            dispatch(ctx, next);
          }
        });
    f.addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
  }

  /** The client certificate verified in this connection's TLS handshake, or null. */
  private static X509Certificate peerCertificate(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return null;
    }
    try {
      Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate
          ? (X509Certificate) chain[0]
          : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private static RouteRequest toRequest(
      FullHttpRequest req, QueryStringDecoder qs, Map<String, String> params) {
    Map<String, List<String>> headers = new HashMap<>();
    for (Map.Entry<String, String> h : req.headers()) {
      headers
          .computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(h.getValue());
    }
    byte[] body = new byte[req.content().readableBytes()];
    req.content().getBytes(req.content().readerIndex(), body);
    return RouteRequest.of(req.method().name(), qs.path(), params, qs.parameters(), headers, body);
  }
}
