package dev.fangxin.bench.delivery;

import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.core.webhook.WebhookVerifier;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The delivery benchmark's merchant: a Netty HTTP endpoint on loopback that serves every merchant
 * under {@code /hooks/<index>}, verifies each request's Standard Webhooks signature with that
 * merchant's secret, records the first arrival (in {@link System#nanoTime()}) of every event by the
 * {@code "seq"} number the benchmark put in its body, counts duplicate {@code webhook-id}s, and
 * answers 200 (or 401 when the signature does not verify). Thread-safe.
 */
final class LoopbackReceiver implements AutoCloseable {
  /** The name prefix of the receiver's event-loop threads. */
  static final String THREAD_PREFIX = "loopback-receiver";

  private final EventLoopGroup group;
  private final Channel channel;
  private final Map<Integer, WebhookVerifier> verifiers = new ConcurrentHashMap<>();
  private final AtomicLongArray firstArrival;
  private final Map<String, Boolean> seenIds = new ConcurrentHashMap<>();
  private final AtomicLong unique = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong unverified = new AtomicLong();

  private LoopbackReceiver(int capacity, int threads) throws InterruptedException {
    this.firstArrival = new AtomicLongArray(capacity);
    this.group =
        new MultiThreadIoEventLoopGroup(
            threads, new DefaultThreadFactory(THREAD_PREFIX), NioIoHandler.newFactory());
    this.channel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel c) {
                    c.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(64 * 1024))
                        .addLast(new Handler());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
  }

  /** Starts on an ephemeral port; events carry {@code seq} 0 to {@code capacity - 1}. */
  static LoopbackReceiver start(int capacity, int threads) throws InterruptedException {
    return new LoopbackReceiver(capacity, threads);
  }

  /** Trusts {@code secret} for merchant {@code index}; returns that merchant's URL. */
  URI merchant(int index, WebhookSecret secret) {
    verifiers.put(index, WebhookVerifier.builder().addSecret(secret).build());
    int port = ((InetSocketAddress) channel.localAddress()).getPort();
    return URI.create("http://127.0.0.1:" + port + "/hooks/" + index);
  }

  /** Distinct webhook IDs received with a valid signature. */
  long unique() {
    return unique.get();
  }

  /** Requests whose webhook ID had been received before. */
  long duplicates() {
    return duplicates.get();
  }

  /** Requests whose signature did not verify. */
  long unverified() {
    return unverified.get();
  }

  /** When event {@code seq} first arrived ({@link System#nanoTime()}), or 0 if it has not. */
  long firstArrival(int seq) {
    return firstArrival.get(seq);
  }

  @Override
  public void close() throws InterruptedException {
    channel.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  private static int seqOf(String body) {
    int i = body.indexOf("\"seq\":");
    if (i < 0) {
      return -1;
    }
    int j = i + 6;
    int k = j;
    while (k < body.length() && Character.isDigit(body.charAt(k))) {
      k++;
    }
    return Integer.parseInt(body.substring(j, k));
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      long now = System.nanoTime();
      HttpResponseStatus status = HttpResponseStatus.OK;
      try {
        String path = req.uri();
        int index = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
        byte[] body = ByteBufUtil.getBytes(req.content());
        String id = req.headers().get("webhook-id");
        verifiers
            .get(index)
            .verify(
                id,
                req.headers().get("webhook-timestamp"),
                req.headers().get("webhook-signature"),
                body);
        int seq = seqOf(new String(body, StandardCharsets.UTF_8));
        if (seq >= 0) {
          firstArrival.compareAndSet(seq, 0, now);
        }
        if (seenIds.putIfAbsent(id, Boolean.TRUE) == null) {
          unique.incrementAndGet();
        } else {
          duplicates.incrementAndGet();
        }
      } catch (RuntimeException e) {
        unverified.incrementAndGet();
        status = HttpResponseStatus.UNAUTHORIZED;
      }
      FullHttpResponse res =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
      res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      HttpUtil.setKeepAlive(res, keepAlive);
      var f = ctx.writeAndFlush(res);
      if (!keepAlive) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
