package dev.fangxin.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP/1.1 load generator over keep-alive connections, used for every gateway benchmark so
 * that a system and its baseline are driven by exactly the same client.
 *
 * <p>Two modes. <b>Closed loop</b> ({@code rate == 0}): each connection sends its next request as
 * soon as the previous response arrives; this finds the maximum throughput. <b>Open loop</b>
 * ({@code rate > 0}): request {@code i} is due at {@code start + i / rate}; a free connection takes
 * the next ticket and waits until it is due; latency is measured from the <em>due</em> time, so a
 * slow server is charged for the queueing it causes (no coordinated omission).
 *
 * <p>Requests come from a {@link RequestSource} called with a ticket number 0, 1, 2, …, on the
 * client's event-loop threads; it must be thread-safe.
 */
public final class HttpLoad {
  /** Builds request {@code ticket}. */
  @FunctionalInterface
  public interface RequestSource {
    /** The method, path, content type and body of request {@code ticket}. */
    Request request(long ticket);
  }

  /** One request's method, path (with query), extra headers, content type and body. */
  public record Request(
      HttpMethod method,
      String path,
      Map<String, String> headers,
      String contentType,
      byte[] body) {
    public Request {
      Objects.requireNonNull(method, "method == null");
      Objects.requireNonNull(path, "path == null");
      headers = Map.copyOf(headers);
      Objects.requireNonNull(body, "body == null");
    }
  }

  /**
   * What a run measured. Latencies are sorted, in nanoseconds. {@code unsent}: open-loop requests
   * that were due within the duration but never sent because the server had not caught up a whole
   * further duration later (always 0 in the closed loop).
   */
  public record Result(
      long completed,
      long failed,
      long unsent,
      Map<Integer, Long> statuses,
      double seconds,
      long[] latencies) {
    /** Completed requests per second. */
    public double throughput() {
      return completed / seconds;
    }

    /** The {@code p}-th percentile latency in milliseconds, {@code p} in (0, 100]. */
    public double percentileMillis(double p) {
      if (latencies.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.ceil(p / 100.0 * latencies.length) - 1;
      return latencies[Math.max(0, Math.min(latencies.length - 1, i))] / 1e6;
    }

    @Override
    public String toString() {
      return String.format(
          "%d ok, %d failed, %d unsent in %.1f s = %.0f req/s; p50 %.2f ms, p99 %.2f ms, max"
              + " %.2f ms; statuses %s",
          completed,
          failed,
          unsent,
          seconds,
          throughput(),
          percentileMillis(50),
          percentileMillis(99),
          percentileMillis(100),
          statuses);
    }
  }

  private HttpLoad() {}

  /**
   * Drives {@code host:port} with {@code connections} connections for {@code duration}.
   *
   * @param rate requests per second for the open loop, or 0 for the closed loop
   * @param limit stop after this many tickets even before {@code duration} ends (0 = no limit)
   */
  public static Result run(
      String host,
      int port,
      int connections,
      Duration duration,
      double rate,
      long limit,
      RequestSource source)
      throws InterruptedException {
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(Math.min(connections, 2), NioIoHandler.newFactory());
    try {
      Run run = new Run(source, duration, rate, limit, connections);
      Bootstrap b =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new HttpClientCodec())
                          .addLast(new HttpObjectAggregator(1 << 20))
                          .addLast(new Connection(run, host + ":" + port));
                    }
                  });
      List<Channel> channels = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        channels.add(b.connect(new InetSocketAddress(host, port)).sync().channel());
      }
      run.start();
      for (Channel ch : channels) {
        ch.pipeline().get(Connection.class).next(ch);
      }
      long wait = (rate > 0 ? 2 : 1) * duration.toMillis() + 60_000;
      if (!run.done.await(wait, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("The load run did not finish within a minute of its end.");
      }
      for (Channel ch : channels) {
        ch.close();
      }
      return run.result();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  private static final class Run {
    final RequestSource source;
    final long durationNanos;
    final double rate;
    final long limit;
    final CountDownLatch done;
    final AtomicLong tickets = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final Map<Integer, Long> statuses = new TreeMap<>();
    final long[][] latencyBuffers;
    final AtomicLong latencyCount = new AtomicLong();
    volatile long start;
    volatile long end;

    Run(RequestSource source, Duration duration, double rate, long limit, int connections) {
      this.source = source;
      this.durationNanos = duration.toNanos();
      this.rate = rate;
      this.limit = limit;
      this.done = new CountDownLatch(connections);
      this.latencyBuffers = new long[1][];
      this.latencyBuffers[0] = new long[1 << 20];
    }

    void start() {
      start = System.nanoTime();
    }

    synchronized void record(long latency, int status) {
      long n = latencyCount.getAndIncrement();
      if (n >= latencyBuffers[0].length) {
        latencyBuffers[0] = Arrays.copyOf(latencyBuffers[0], latencyBuffers[0].length * 2);
      }
      latencyBuffers[0][(int) n] = latency;
      statuses.merge(status, 1L, Long::sum);
      end = System.nanoTime();
    }

    synchronized Result result() {
      long[] l = Arrays.copyOf(latencyBuffers[0], (int) latencyCount.get());
      Arrays.sort(l);
      double seconds = Math.max(1, end - start) / 1e9;
      long unsent = 0;
      if (rate > 0) {
        long due = (long) Math.ceil(durationNanos / 1e9 * rate);
        if (limit > 0) {
          due = Math.min(due, limit);
        }
        unsent = Math.max(0, due - l.length - failed.get());
      }
      return new Result(completed.get(), failed.get(), unsent, new TreeMap<>(statuses), seconds, l);
    }
  }

  private static final class Connection extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final Run run;
    private final String hostHeader;
    private long due;
    private boolean finished;

    Connection(Run run, String hostHeader) {
      this.run = run;
      this.hostHeader = hostHeader;
    }

    void next(Channel ch) {
      long now = System.nanoTime();
      // Closed loop: stop at the end of the duration. Open loop: every request due within the
      // duration is sent, even after it ends (a server that fell behind must be charged for its
      // whole backlog, not only for what it managed to answer in time); a backlog still unsent
      // a whole further duration later is given up and counted as unsent.
      long elapsed = now - run.start;
      boolean overTime =
          run.rate > 0 ? elapsed >= 2 * run.durationNanos : elapsed >= run.durationNanos;
      if (overTime) {
        finish();
        return;
      }
      long ticket = run.tickets.getAndIncrement();
      if (run.limit > 0 && ticket >= run.limit) {
        finish();
        return;
      }
      if (run.rate > 0) {
        due = run.start + (long) (ticket * 1e9 / run.rate);
        if (due - run.start >= run.durationNanos) {
          finish();
          return;
        }
      } else {
        due = now;
      }
      Request r = run.source.request(ticket);
      FullHttpRequest req =
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1, r.method(), r.path(), Unpooled.wrappedBuffer(r.body()));
      req.headers().set(HttpHeaderNames.HOST, hostHeader);
      req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      req.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
      if (r.contentType() != null) {
        req.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
      }
      r.headers().forEach((k, v) -> req.headers().set(k, v));
      long wait = due - now;
      if (wait > 0) {
        ch.eventLoop().schedule(() -> ch.writeAndFlush(req), wait, TimeUnit.NANOSECONDS);
      } else {
        ch.writeAndFlush(req);
      }
    }

    private void finish() {
      if (!finished) {
        finished = true;
        run.done.countDown();
      }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
      long latency = System.nanoTime() - due;
      int status = res.status().code();
      if (status >= 200 && status < 300) {
        run.completed.incrementAndGet();
      } else {
        run.failed.incrementAndGet();
      }
      run.record(latency, status);
      next(ctx.channel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      finish();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      run.failed.incrementAndGet();
      ctx.close();
    }
  }
}
