package dev.fangxin.gateway.testing;

import dev.fangxin.core.webhook.WebhookException;
import dev.fangxin.core.webhook.WebhookHeaders;
import dev.fangxin.core.webhook.WebhookPublicKey;
import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.core.webhook.WebhookVerifier;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A merchant's webhook endpoint on loopback, for testing a receiver's view of the gateway's
 * deliveries — ours, and integrators' (it ships in the gateway's {@code test-jar}). It behaves like
 * a careful merchant: it verifies every webhook with {@link WebhookVerifier} against the secrets
 * ({@code v1}) and public keys ({@code v1a}) it trusts, answers 401 when none verifies, and
 * de-duplicates by {@code webhook-id} (a repeated ID is answered 200 and counted, never processed
 * twice). On demand it misbehaves like a real one: answers a status (with {@code Retry-After}),
 * fails a fraction of requests at random (seeded, so runs repeat), stalls before answering, or
 * resets the connection (TCP RST, via {@code SO_LINGER} 0).
 *
 * <pre>{@code
 * try (MockMerchant merchant = MockMerchant.builder().trust(secret).clock(clock).start()) {
 *   endpoints.put(merchantId, merchant.url().toString(), Endpoints.V1a.KEEP);
 *   merchant.enqueue(MockMerchant.Reply.status(503).retryAfter("120"), MockMerchant.Reply.reset());
 *   ...
 *   merchant.awaitProcessed(1, Duration.ofSeconds(10));
 *   assertThat(merchant.duplicates()).isZero();
 * }
 * }</pre>
 *
 * <p><b>Replies.</b> Each request takes the next {@linkplain #enqueue scripted reply}; when none is
 * left, a random failure if {@linkplain #failRandomly configured} and drawn, else the {@linkplain
 * #defaultReply default reply} (normally {@link Reply#accept()}). Only {@link Reply#accept()} and
 * {@link Reply#stall} verify and process the webhook; the others answer without looking at it.
 *
 * <p><b>Threading.</b> Every method is thread-safe. Requests are handled on two Netty event-loop
 * threads; stalls are timers, so a stalled request never blocks the others. Time for timestamp
 * tolerance comes from the {@link Clock} given to the builder (share the gateway's test clock).
 * Binds 127.0.0.1 on an ephemeral port; plain HTTP only.
 */
public final class MockMerchant implements AutoCloseable {
  /** What the mock does with one request. Immutable. */
  public static final class Reply {
    private enum Kind {
      ACCEPT,
      STATUS,
      STALL,
      RESET
    }

    private final Kind kind;
    private final int status;
    private final String retryAfter;
    private final Duration delay;

    private Reply(Kind kind, int status, String retryAfter, Duration delay) {
      this.kind = kind;
      this.status = status;
      this.retryAfter = retryAfter;
      this.delay = delay;
    }

    /** Verify, de-duplicate and answer 200 (401 if no signature verifies). */
    public static Reply accept() {
      return new Reply(Kind.ACCEPT, 200, null, Duration.ZERO);
    }

    /**
     * Answer {@code status} without processing the webhook.
     *
     * @throws IllegalArgumentException if {@code status} is outside [100, 599]
     */
    public static Reply status(int status) {
      if (status < 100 || status > 599) {
        throw new IllegalArgumentException("status must be in [100, 599], was " + status);
      }
      return new Reply(Kind.STATUS, status, null, Duration.ZERO);
    }

    /**
     * Wait {@code delay}, then behave as {@link #accept()} — the webhook is processed even if the
     * sender gave up waiting, as a slow merchant's would be.
     */
    public static Reply stall(Duration delay) {
      Objects.requireNonNull(delay, "delay == null");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative, was " + delay);
      }
      return new Reply(Kind.STALL, 200, null, delay);
    }

    /** Reset the connection (TCP RST) without answering or processing. */
    public static Reply reset() {
      return new Reply(Kind.RESET, 0, null, Duration.ZERO);
    }

    /**
     * This {@link #status} reply with a {@code Retry-After} header: delay-seconds such as {@code
     * "120"} or an HTTP date.
     *
     * @throws IllegalStateException unless this is a status reply
     */
    public Reply retryAfter(String value) {
      Objects.requireNonNull(value, "value == null");
      if (kind != Kind.STATUS) {
        throw new IllegalStateException("Only a status reply carries Retry-After.");
      }
      return new Reply(kind, status, value, delay);
    }

    @Override
    public String toString() {
      switch (kind) {
        case STATUS:
          return "Reply{status "
              + status
              + (retryAfter == null ? "" : ", Retry-After " + retryAfter)
              + "}";
        case STALL:
          return "Reply{stall " + delay + "}";
        case RESET:
          return "Reply{reset}";
        default:
          return "Reply{accept}";
      }
    }
  }

  /** One request as the mock saw it and answered it. Immutable. */
  public static final class Received {
    private final String id;
    private final String timestamp;
    private final String signature;
    private final byte[] body;
    private final String reply;
    private final int status;
    private final String verificationError;
    private final boolean duplicate;

    private Received(
        String id,
        String timestamp,
        String signature,
        byte[] body,
        String reply,
        int status,
        String verificationError,
        boolean duplicate) {
      this.id = id;
      this.timestamp = timestamp;
      this.signature = signature;
      this.body = body;
      this.reply = reply;
      this.status = status;
      this.verificationError = verificationError;
      this.duplicate = duplicate;
    }

    /** The {@code webhook-id} header, or empty if absent. */
    public String id() {
      return id;
    }

    /** The {@code webhook-timestamp} header, or empty if absent. */
    public String timestamp() {
      return timestamp;
    }

    /** The {@code webhook-signature} header, or empty if absent. */
    public String signature() {
      return signature;
    }

    /** How many {@code v1} entries the signature header carries. */
    public int v1Count() {
      return count("v1,");
    }

    /** How many {@code v1a} entries the signature header carries. */
    public int v1aCount() {
      return count("v1a,");
    }

    private int count(String prefix) {
      int n = 0;
      for (String entry : signature.split(" ")) {
        if (entry.startsWith(prefix)) {
          n++;
        }
      }
      return n;
    }

    /** A copy of the body. */
    public byte[] body() {
      return body.clone();
    }

    /** The body as UTF-8 text. */
    public String bodyUtf8() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The status answered; 0 for a reset connection or an answer not yet sent. */
    public int status() {
      return status;
    }

    /** The reply the mock chose, e.g. {@code Reply{status 500}}. */
    public String reply() {
      return reply;
    }

    /** Whether the signature was checked and verified. */
    public boolean verified() {
      return verificationError == null && (status >= 200 && status < 300);
    }

    /** Why verification failed ({@code webhook.<reason>}), if it was checked and failed. */
    public Optional<String> verificationError() {
      return Optional.ofNullable(verificationError);
    }

    /** Whether the ID had been processed before (the mock answered 200 and did nothing). */
    public boolean duplicate() {
      return duplicate;
    }

    @Override
    public String toString() {
      return "Received{"
          + id
          + ", "
          + reply
          + " -> "
          + status
          + (duplicate ? ", duplicate" : "")
          + "}";
    }
  }

  /** Configures a mock before it starts. Not thread-safe. */
  public static final class Builder {
    private final List<WebhookSecret> secrets = new ArrayList<>();
    private final List<WebhookPublicKey> publicKeys = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private Duration tolerance = WebhookVerifier.DEFAULT_TOLERANCE;
    private String path = "/webhooks";

    private Builder() {}

    /** Accepts {@code v1} signatures made with these secrets. */
    public Builder trust(WebhookSecret... secrets) {
      for (WebhookSecret s : secrets) {
        this.secrets.add(Objects.requireNonNull(s, "secret == null"));
      }
      return this;
    }

    /** Accepts {@code v1a} signatures that verify with these public keys. */
    public Builder trust(WebhookPublicKey... keys) {
      for (WebhookPublicKey k : keys) {
        this.publicKeys.add(Objects.requireNonNull(k, "key == null"));
      }
      return this;
    }

    /** The clock for the timestamp tolerance; default the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** The timestamp tolerance; default {@link WebhookVerifier#DEFAULT_TOLERANCE}. */
    public Builder tolerance(Duration tolerance) {
      this.tolerance = Objects.requireNonNull(tolerance, "tolerance == null");
      return this;
    }

    /** The path of {@link #url()}; default {@code /webhooks}. Any path is answered the same way. */
    public Builder path(String path) {
      if (!Objects.requireNonNull(path, "path == null").startsWith("/")) {
        throw new IllegalArgumentException("path must start with /, was " + path);
      }
      this.path = path;
      return this;
    }

    /**
     * Binds 127.0.0.1 on an ephemeral port and starts answering.
     *
     * @throws IllegalStateException if nothing is trusted
     */
    public MockMerchant start() {
      if (secrets.isEmpty() && publicKeys.isEmpty()) {
        throw new IllegalStateException("Trust at least one secret or public key.");
      }
      return new MockMerchant(this);
    }
  }

  private final Object lock = new Object();
  private final EventLoopGroup boss = new NioEventLoopGroup(1);
  private final EventLoopGroup workers = new NioEventLoopGroup(2);
  private final Channel server;
  private final Clock clock;
  private final Duration tolerance;
  private final String path;

  // guarded by lock
  private final List<WebhookSecret> secrets;
  private final List<WebhookPublicKey> publicKeys;
  private WebhookVerifier verifier;
  private final Deque<Reply> script = new ArrayDeque<>();
  private Reply defaultReply = Reply.accept();
  private Random random;
  private double failFraction;
  private int failStatus;
  private final Set<String> processed = new LinkedHashSet<>();
  private final List<Received> received = new ArrayList<>();
  private int duplicates;
  private int concurrent;
  private int maxConcurrent;

  private MockMerchant(Builder b) {
    this.clock = b.clock;
    this.tolerance = b.tolerance;
    this.path = b.path;
    this.secrets = new ArrayList<>(b.secrets);
    this.publicKeys = new ArrayList<>(b.publicKeys);
    rebuildVerifier();
    try {
      server =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new HttpServerCodec())
                          .addLast(new HttpObjectAggregator(1 << 20))
                          .addLast(new Handler());
                    }
                  })
              .bind("127.0.0.1", 0)
              .sync()
              .channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("Interrupted while binding the mock merchant.", e);
    }
  }

  /** A builder; trust at least one secret or public key. */
  public static Builder builder() {
    return new Builder();
  }

  /** The URL to register as the endpoint, e.g. {@code http://127.0.0.1:40123/webhooks}. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  /** The bound port. */
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  // ---------------------------------------------------------------- keys

  /** Replaces the trusted secrets (to follow a rotation); public keys are kept. */
  public void trustSecrets(WebhookSecret... secrets) {
    synchronized (lock) {
      this.secrets.clear();
      this.secrets.addAll(List.of(secrets));
      rebuildVerifier();
    }
  }

  /** Replaces the trusted public keys; secrets are kept. */
  public void trustPublicKeys(WebhookPublicKey... keys) {
    synchronized (lock) {
      this.publicKeys.clear();
      this.publicKeys.addAll(List.of(keys));
      rebuildVerifier();
    }
  }

  private void rebuildVerifier() {
    if (secrets.isEmpty() && publicKeys.isEmpty()) {
      verifier = null;
      return;
    }
    WebhookVerifier.Builder v = WebhookVerifier.builder().clock(clock).tolerance(tolerance);
    secrets.forEach(v::addSecret);
    publicKeys.forEach(v::addPublicKey);
    verifier = v.build();
  }

  // ---------------------------------------------------------------- behaviour

  /** Appends replies used by the next requests, one each, in order. */
  public void enqueue(Reply... replies) {
    synchronized (lock) {
      for (Reply r : replies) {
        script.add(Objects.requireNonNull(r, "reply == null"));
      }
    }
  }

  /** The reply used when the script is empty and no random failure is drawn. */
  public void defaultReply(Reply reply) {
    synchronized (lock) {
      defaultReply = Objects.requireNonNull(reply, "reply == null");
    }
  }

  /**
   * Answers {@code status} to a {@code fraction} of the unscripted requests, drawn from a {@link
   * Random} seeded with {@code seed}; 0 turns it off.
   */
  public void failRandomly(double fraction, long seed, int status) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fraction must be in [0, 1], was " + fraction);
    }
    Reply.status(status); // validates
    synchronized (lock) {
      failFraction = fraction;
      failStatus = status;
      random = new Random(seed);
    }
  }

  // ---------------------------------------------------------------- observations

  /** Every request so far, in arrival order (answers filled in as they are sent). */
  public List<Received> received() {
    synchronized (lock) {
      return List.copyOf(received);
    }
  }

  /** The webhook IDs processed, each once, in the order first processed. */
  public List<String> processedIds() {
    synchronized (lock) {
      return List.copyOf(processed);
    }
  }

  /** How many verified requests repeated an ID already processed. */
  public int duplicates() {
    synchronized (lock) {
      return duplicates;
    }
  }

  /** The most requests the mock was handling at once (from arrival to answer or reset). */
  public int maxConcurrent() {
    synchronized (lock) {
      return maxConcurrent;
    }
  }

  /**
   * Waits until at least {@code n} distinct IDs have been processed.
   *
   * @return whether they were within {@code timeout}
   */
  public boolean awaitProcessed(int n, Duration timeout) throws InterruptedException {
    return await(m -> m.processed.size() >= n, timeout);
  }

  /**
   * Waits until at least {@code n} requests have been answered (or reset).
   *
   * @return whether they were within {@code timeout}
   */
  public boolean awaitAnswered(int n, Duration timeout) throws InterruptedException {
    return await(m -> m.answered >= n, timeout);
  }

  private int answered; // guarded by lock

  private boolean await(Predicate<MockMerchant> condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!condition.test(this)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }

  /** Stops listening and closes every connection. Idempotent. */
  @Override
  public void close() {
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Override
  public String toString() {
    return "MockMerchant{" + url() + "}";
  }

  // ---------------------------------------------------------------- handling

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      byte[] body = new byte[request.content().readableBytes()];
      request.content().readBytes(body);
      String id = header(request, WebhookHeaders.ID);
      String timestamp = header(request, WebhookHeaders.TIMESTAMP);
      String signature = header(request, WebhookHeaders.SIGNATURE);
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      Reply reply;
      int index;
      synchronized (lock) {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        reply = script.poll();
        if (reply == null) {
          reply =
              random != null && failFraction > 0 && random.nextDouble() < failFraction
                  ? Reply.status(failStatus)
                  : defaultReply;
        }
        index = received.size();
        received.add(
            new Received(id, timestamp, signature, body, reply.toString(), 0, null, false));
      }
      switch (reply.kind) {
        case RESET:
          done(index, 0, null, false); // recorded before the client can see the answer
          ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
          ctx.channel().close();
          break;
        case STATUS:
          done(index, reply.status, null, false);
          respond(
              ctx, keepAlive, reply.status, reply.retryAfter, "{\"status\":" + reply.status + "}");
          break;
        case STALL:
          ctx.executor()
              .schedule(
                  () -> process(ctx, keepAlive, index, id, timestamp, signature, body),
                  reply.delay.toNanos(),
                  TimeUnit.NANOSECONDS);
          break;
        default:
          process(ctx, keepAlive, index, id, timestamp, signature, body);
          break;
      }
    }

    private void process(
        ChannelHandlerContext ctx,
        boolean keepAlive,
        int index,
        String id,
        String timestamp,
        String signature,
        byte[] body) {
      WebhookVerifier v;
      synchronized (lock) {
        v = verifier;
      }
      String error = null;
      if (v == null) {
        error = "webhook.no_matching_signature";
      } else {
        try {
          v.verify(
              id.isEmpty() ? null : id,
              timestamp.isEmpty() ? null : timestamp,
              signature.isEmpty() ? null : signature,
              body);
        } catch (WebhookException e) {
          error = e.reason();
        }
      }
      if (error != null) {
        done(index, 401, error, false);
        respond(ctx, keepAlive, 401, null, "{\"error\":\"" + error + "\"}");
        return;
      }
      boolean duplicate;
      synchronized (lock) {
        duplicate = !processed.add(id);
        if (duplicate) {
          duplicates++;
        }
      }
      done(index, 200, null, duplicate);
      respond(ctx, keepAlive, 200, null, duplicate ? "{\"duplicate\":true}" : "{}");
    }

    private void done(int index, int status, String error, boolean duplicate) {
      synchronized (lock) {
        Received r = received.get(index);
        received.set(
            index,
            new Received(
                r.id, r.timestamp, r.signature, r.body, r.reply, status, error, duplicate));
        concurrent--;
        answered++;
        lock.notifyAll();
      }
    }

    private void respond(
        ChannelHandlerContext ctx, boolean keepAlive, int status, String retryAfter, String json) {
      if (!ctx.channel().isActive()) {
        return;
      }
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.valueOf(status),
              Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      HttpUtil.setContentLength(response, response.content().readableBytes());
      if (retryAfter != null) {
        response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
      }
      if (keepAlive) {
        HttpUtil.setKeepAlive(response, true);
        ctx.writeAndFlush(response);
      } else {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static String header(FullHttpRequest request, String name) {
    String v = request.headers().get(name);
    return v == null ? "" : v;
  }
}
