package dev.fangxin.gateway.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's HTTP/1.1 server on Netty.
 *
 * <p>Pipeline, one job per handler: with {@link HttpServerConfig#tls()}, an {@link SslHandler}
 * first (handshake within the read timeout; a plaintext request to a TLS port is closed without an
 * answer), then {@link RequestDeadlineHandler} (408 when a started request does not complete within
 * {@link HttpServerConfig#readTimeout()}), {@link HttpServerCodec} (request line and header
 * limits), {@link ResponseHeadersHandler} (Content-Length, {@code Cache-Control: no-store}, {@code
 * X-Content-Type-Options: nosniff} on every response), {@link IdleStateHandler} + {@link
 * IdleCloseHandler} (close idle connections), {@link ProblemAggregator} (body limit, 413), {@link
 * MalformedRequestHandler} (431/414/400 for undecodable requests), {@link RouteDispatcher} (routing
 * and keep-alive; handlers run on a bounded worker pool, never on the event loop).
 *
 * <p>Every error is an RFC 9457 {@code application/problem+json} body whose {@code type} is {@code
 * https://fangxin.dev/problems/<code>}: {@code http.not_found} (404), {@code
 * http.method_not_allowed} (405, with {@code Allow}), {@code http.payload_too_large} (413), {@code
 * http.header_fields_too_large} (431), {@code http.uri_too_long} (414), {@code http.bad_request}
 * (400), {@code http.request_timeout} (408), {@code http.not_ready} (503 from {@code /readyz}),
 * {@code http.overloaded} (503), {@code http.internal_error} (500, generic detail); a {@link
 * dev.fangxin.core.FangxinException} thrown by a route uses its {@code reason()} as the code and
 * {@link Route#errorStatus()} as the status.
 *
 * <p>Built-in routes: {@code GET /healthz} answers {@code ok} straight from the event loop; {@code
 * GET /readyz} answers {@code ready} when the {@link ReadinessCheck} passes (run on a worker), else
 * 503.
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #close()}; both are thread-safe. {@code close()}
 * stops accepting, lets in-flight requests finish for up to {@link
 * HttpServerConfig#shutdownTimeout()} (their responses carry {@code Connection: close}), then
 * closes every connection and stops all threads.
 */
public final class GatewayHttpServer implements AutoCloseable {
  private static final AtomicInteger SERVER_IDS = new AtomicInteger();

  private final HttpServerConfig config;
  private final Router router;
  private final InFlight inFlight = new InFlight();
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final int id = SERVER_IDS.incrementAndGet();
  private final Object lifecycle = new Object();
  private EventLoopGroup boss;
  private EventLoopGroup io;
  private ThreadPoolExecutor workers;
  private Channel serverChannel;
  private SslContext sslContext;
  private boolean started;
  private boolean closed;
  private volatile int boundPort = -1;

  private GatewayHttpServer(HttpServerConfig config, Router router) {
    this.config = config;
    this.router = router;
  }

  /** A builder for a server with {@code config}. */
  public static Builder builder(HttpServerConfig config) {
    return new Builder(Objects.requireNonNull(config, "config == null"));
  }

  /** Collects routes and the readiness check. Not thread-safe. */
  public static final class Builder {
    private final HttpServerConfig config;
    private final List<Route> routes = new ArrayList<>();
    private ReadinessCheck readiness = ReadinessCheck.ALWAYS;

    private Builder(HttpServerConfig config) {
      this.config = config;
    }

    /** Adds a route. */
    public Builder route(Route route) {
      routes.add(Objects.requireNonNull(route, "route == null"));
      return this;
    }

    /** Sets the check behind {@code GET /readyz} (default: always ready). */
    public Builder readiness(ReadinessCheck check) {
      this.readiness = Objects.requireNonNull(check, "check == null");
      return this;
    }

    /**
     * Builds a server that is not yet listening.
     *
     * @throws HttpException with reason {@link HttpException.Reason#DUPLICATE_ROUTE} if two routes
     *     (including the built-in {@code /healthz} and {@code /readyz}) share method and shape
     */
    public GatewayHttpServer build() {
      List<Route> all = new ArrayList<>();
      all.add(Route.onEventLoop("GET", "/healthz", r -> RouteResponse.text(200, "ok")));
      ReadinessCheck check = readiness;
      all.add(Route.of("GET", "/readyz", r -> ready(check)));
      all.addAll(routes);
      return new GatewayHttpServer(config, Router.of(all));
    }

    private static RouteResponse ready(ReadinessCheck check) {
      boolean ok;
      try {
        ok = check.isReady();
      } catch (Exception e) {
        ok = false;
      }
      return ok
          ? RouteResponse.text(200, "ready")
          : RouteResponse.problem(
              Problem.of("http.not_ready", 503, "The gateway is not ready to serve traffic.")
                  .withInstance("/readyz"));
    }
  }

  /**
   * Binds and starts accepting connections; returns once bound.
   *
   * @throws HttpException with reason {@link HttpException.Reason#START_FAILED} if already started,
   *     closed, or the address cannot be bound
   */
  public void start() {
    synchronized (lifecycle) {
      if (started || closed) {
        throw new HttpException(
            HttpException.Reason.START_FAILED,
            "The server can be started once, before close(); it was already "
                + (closed ? "closed." : "started."));
      }
      started = true;
      if (config.tls().isPresent()) {
        try {
          sslContext = config.tls().get().newServerContext();
        } catch (HttpException e) {
          closed = true;
          throw e;
        }
      }
      boss = new MultiThreadIoEventLoopGroup(1, threads("boss"), NioIoHandler.newFactory());
      io = new MultiThreadIoEventLoopGroup(0, threads("io"), NioIoHandler.newFactory());
      workers =
          new ThreadPoolExecutor(
              config.workerThreads(),
              config.workerThreads(),
              0,
              TimeUnit.MILLISECONDS,
              new ArrayBlockingQueue<>(config.maxPendingRequests()),
              threads("worker"),
              new ThreadPoolExecutor.AbortPolicy());
      ServerBootstrap b =
          new ServerBootstrap()
              .group(boss, io)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 128)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      channels.add(ch);
                      configure(ch.pipeline());
                    }
                  });
      try {
        serverChannel =
            b.bind(new InetSocketAddress(config.host(), config.port()))
                .syncUninterruptibly()
                .channel();
        boundPort = ((InetSocketAddress) serverChannel.localAddress()).getPort();
      } catch (RuntimeException e) {
        stopThreads();
        closed = true;
        throw new HttpException(
            HttpException.Reason.START_FAILED,
            "Could not bind " + config.host() + ":" + config.port() + ": " + e.getMessage(),
            e);
      }
    }
  }

  private void configure(ChannelPipeline p) {
    HttpDecoderConfig decoder =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(config.maxInitialLineLength())
            .setMaxHeaderSize(config.maxHeaderSize())
            .setMaxChunkSize(8192);
    long idleMillis = config.idleTimeout().toMillis();
    if (sslContext != null) {
      SslHandler ssl = sslContext.newHandler(p.channel().alloc());
      ssl.setHandshakeTimeoutMillis(config.readTimeout().toMillis());
      p.addLast("tls", ssl);
    }
    p.addLast("deadline", new RequestDeadlineHandler(config.readTimeout()));
    p.addLast("codec", new HttpServerCodec(decoder));
    p.addLast("headers", ResponseHeadersHandler.INSTANCE);
    p.addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
    p.addLast("idleClose", IdleCloseHandler.INSTANCE);
    p.addLast("bodyLimit", new BodyLimitHandler(router, config.maxBodySize()));
    p.addLast(
        "aggregator",
        new ProblemAggregator(BodyLimitHandler.largest(router, config.maxBodySize())));
    p.addLast("malformed", MalformedRequestHandler.INSTANCE);
    p.addLast("dispatcher", new RouteDispatcher(router, workers, inFlight));
  }

  private ThreadFactory threads(String role) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "fangxin-http-" + id + "-" + role + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Every route this server answers, built-in {@code /healthz} and {@code /readyz} included, in
   * matching order. Immutable; safe on any thread.
   */
  public List<Route> routes() {
    return router.routes();
  }

  /** {@code "https"} when the server speaks TLS, else {@code "http"}. */
  public String scheme() {
    return config.tls().isPresent() ? "https" : "http";
  }

  /**
   * The bound port (useful with port 0); still answers during and after {@link #close()}.
   *
   * @throws IllegalStateException if the server was never started
   */
  public int port() {
    int p = boundPort;
    if (p < 0) {
      throw new IllegalStateException("The server is not started; call start() first.");
    }
    return p;
  }

  /**
   * Gracefully shuts down: stops accepting, waits up to the shutdown timeout for in-flight
   * requests, then closes every connection and stops all threads. Idempotent; blocks the caller.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      if (serverChannel == null) {
        return;
      }
      inFlight.startDraining();
      serverChannel.close().syncUninterruptibly();
      try {
        inFlight.awaitIdle(config.shutdownTimeout());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      channels.close().awaitUninterruptibly();
      stopThreads();
    }
  }

  private void stopThreads() {
    workers.shutdownNow();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    io.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
