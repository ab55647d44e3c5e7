package dev.fangxin.gateway.delivery;

import dev.fangxin.core.webhook.WebhookHeaders;
import dev.fangxin.core.webhook.WebhookSigner;
import dev.fangxin.gateway.endpoint.Endpoint;
import dev.fangxin.gateway.endpoint.Endpoints;
import dev.fangxin.gateway.store.OutboxAttempt;
import dev.fangxin.gateway.store.OutboxItem;
import dev.fangxin.gateway.store.Store;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers outbox rows: claims due rows, signs them the Standard Webhooks way and POSTs them to the
 * merchant's <i>current</i> endpoint (or the regulator sink), then records the attempt and either
 * marks the row delivered (any 2xx), schedules a retry by the {@link Backoff} (anything else,
 * honouring {@code Retry-After}), or dead-letters it at the horizon.
 *
 * <p><b>Threads.</b> {@link #start()} starts one dispatcher thread and {@link
 * DeliveryConfig#workers()} worker threads. The dispatcher claims at most as many rows as there are
 * idle workers, passing over the endpoints that already have {@link
 * DeliveryConfig#perEndpointConcurrency()} attempts running on this node (and giving back any
 * surplus it claimed for them), so a slow or stalled endpoint ties up at most that many workers and
 * never delays the others. It waits {@link DeliveryConfig#pollInterval()} between looks unless
 * {@link #wake()} is called or an attempt finishes. Each attempt has a connect and a response
 * timeout; the claim lease is longer than both together, and a node that dies leaves its rows to be
 * claimed again when the lease lapses. Several nodes may share one PostgreSQL database: claims use
 * {@code FOR UPDATE SKIP LOCKED}, so no row is worked on by two nodes while its lease holds.
 *
 * <p><b>Headers.</b> {@code webhook-id} is the row's stable ID (the same on every retry and
 * replay), {@code webhook-timestamp} the attempt's start, {@code webhook-signature} one {@code v1}
 * entry per active secret of the endpoint (two during a rotation overlap) and a {@code v1a} entry
 * if the endpoint has an Ed25519 key. Regulator rows are signed with the regulator secrets of the
 * {@link DeliveryConfig}.
 *
 * <p><b>Circuit.</b> Each merchant endpoint counts consecutive failures (shared by all nodes). At
 * {@link DeliveryConfig#failingAfter()} the merchant and the regulator are sent {@code
 * endpoint.failing}; at {@link DeliveryConfig#pauseAfter()} {@link Endpoints#pause} enqueues {@code
 * endpoint.paused} to both and only then pauses the endpoint. While it is paused, rows that come
 * due fail fast without a request (recorded as attempts with the error {@code circuit open}), so
 * their schedule and horizon run on; every {@link DeliveryConfig#probeInterval()} one row is sent
 * as a half-open probe, and its success resumes the endpoint ({@code endpoint.resumed}, pending
 * rows due at once). Failures with no endpoint configured do not count.
 *
 * <p><b>Metrics.</b> {@code fangxin.delivery.attempts} (tags {@code target}, {@code outcome} =
 * delivered|failed), {@code fangxin.delivery.latency} (enqueued to delivered), {@code
 * fangxin.delivery.first_attempt.delay} (enqueued to first attempt), {@code
 * fangxin.delivery.dead_letters}, and the gauge {@code fangxin.delivery.circuits.open} (paused
 * endpoints, refreshed every poll).
 *
 * <p>Thread-safe. Listener calls run on worker threads; see {@link DeliveryListener}.
 */
public final class Delivery implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Delivery.class.getName());
  private static final String REGULATOR_KEY = "regulator sink";
  private static final String USER_AGENT = "Fangxin-Gateway/1";

  private final Store store;
  private final Endpoints endpoints;
  private final DeliveryConfig config;
  private final Clock clock;
  private final DeliveryListener listener;
  private final HttpClient http;
  private final Optional<WebhookSigner> regulatorSigner;

  private final Object lock = new Object();
  private final Map<String, Integer> inFlightByEndpoint = new HashMap<>(); // guarded by lock
  private int inFlight; // guarded by lock
  private boolean wakeRequested; // guarded by lock
  private volatile boolean running;
  private Thread dispatcher;
  private ExecutorService pool;

  private final AtomicInteger openCircuits = new AtomicInteger();
  private final Counter merchantDelivered;
  private final Counter merchantFailed;
  private final Counter regulatorDelivered;
  private final Counter regulatorFailed;
  private final Timer latency;
  private final Timer firstAttemptDelay;
  private final Counter deadLetters;

  private Delivery(Builder b) {
    this.store = b.store;
    this.endpoints = b.endpoints;
    this.config = b.config;
    this.clock = b.clock;
    this.listener = b.listener;
    this.regulatorSigner = config.regulatorSigner();
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(config.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    MeterRegistry m = b.meters;
    this.merchantDelivered = attempts(m, "merchant", "delivered");
    this.merchantFailed = attempts(m, "merchant", "failed");
    this.regulatorDelivered = attempts(m, "regulator", "delivered");
    this.regulatorFailed = attempts(m, "regulator", "failed");
    this.latency =
        Timer.builder("fangxin.delivery.latency")
            .description("From enqueueing an outbox row to its delivery")
            .register(m);
    this.firstAttemptDelay =
        Timer.builder("fangxin.delivery.first_attempt.delay")
            .description("From enqueueing an outbox row to the start of its first attempt")
            .register(m);
    this.deadLetters =
        Counter.builder("fangxin.delivery.dead_letters")
            .description("Outbox rows dead-lettered at the retry horizon")
            .register(m);
    Gauge.builder("fangxin.delivery.circuits.open", openCircuits, AtomicInteger::get)
        .description("Merchant endpoints paused by their circuit")
        .register(m);
  }

  private static Counter attempts(MeterRegistry m, String target, String outcome) {
    return Counter.builder("fangxin.delivery.attempts")
        .description("Delivery attempts by target and outcome")
        .tag("target", target)
        .tag("outcome", outcome)
        .register(m);
  }

  /**
   * A builder for delivery from {@code store} to the endpoints in {@code endpoints}, configured by
   * {@code config}.
   */
  public static Builder builder(Store store, Endpoints endpoints, DeliveryConfig config) {
    return new Builder(store, endpoints, config);
  }

  /** Optional collaborators of a {@link Delivery}. Not thread-safe. */
  public static final class Builder {
    private final Store store;
    private final Endpoints endpoints;
    private final DeliveryConfig config;
    private Clock clock = Clock.systemUTC();
    private DeliveryListener listener = DeliveryListener.NONE;
    private MeterRegistry meters;

    private Builder(Store store, Endpoints endpoints, DeliveryConfig config) {
      this.store = Objects.requireNonNull(store, "store == null");
      this.endpoints = Objects.requireNonNull(endpoints, "endpoints == null");
      this.config = Objects.requireNonNull(config, "config == null");
    }

    /** The clock that says what "now" is for claims, schedules and signatures; default UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** Told of deliveries and dead letters; default {@link DeliveryListener#NONE}. */
    public Builder listener(DeliveryListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener == null");
      return this;
    }

    /** Where the meters are registered; default a private {@link SimpleMeterRegistry}. */
    public Builder meters(MeterRegistry meters) {
      this.meters = Objects.requireNonNull(meters, "meters == null");
      return this;
    }

    /** The delivery, not yet started. */
    public Delivery build() {
      if (meters == null) {
        meters = new SimpleMeterRegistry();
      }
      return new Delivery(this);
    }
  }

  /**
   * Starts the dispatcher and the workers. Returns at once.
   *
   * @throws IllegalStateException if already started
   */
  public synchronized void start() {
    if (dispatcher != null) {
      throw new IllegalStateException("This delivery was already started.");
    }
    AtomicInteger n = new AtomicInteger();
    pool =
        Executors.newFixedThreadPool(
            config.workers(),
            r -> {
              Thread t =
                  new Thread(r, "fangxin-delivery-" + config.node() + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    running = true;
    dispatcher = new Thread(this::dispatchLoop, "fangxin-delivery-" + config.node() + "-dispatch");
    dispatcher.setDaemon(true);
    dispatcher.start();
  }

  /**
   * Makes the dispatcher look for due rows now instead of at the next poll; call it after
   * committing new outbox rows. Cheap, never blocks, safe from any thread, a no-op when stopped.
   */
  public void wake() {
    synchronized (lock) {
      wakeRequested = true;
      lock.notifyAll();
    }
  }

  /**
   * Stops claiming, lets running attempts finish (waiting at most connect + response timeout + 5
   * s), then stops the threads. Rows whose attempts were cut short are claimed again when their
   * lease lapses. Idempotent.
   */
  public synchronized void stop() {
    if (dispatcher == null || !running) {
      return;
    }
    running = false;
    wake();
    try {
      dispatcher.join(config.pollInterval().toMillis() + 30_000);
      pool.shutdown();
      Duration grace = config.connectTimeout().plus(config.responseTimeout()).plusSeconds(5);
      if (!pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /** Attempts running now on this node. */
  public int inFlight() {
    synchronized (lock) {
      return inFlight;
    }
  }

  // ---------------------------------------------------------------- dispatcher

  private void dispatchLoop() {
    long lastGauge = 0;
    while (running) {
      int dispatched = 0;
      try {
        long nowNanos = System.nanoTime();
        if (nowNanos - lastGauge >= config.pollInterval().toNanos()) {
          openCircuits.set(endpoints.pausedCount());
          lastGauge = nowNanos;
        }
        dispatched = dispatchOnce();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "delivery claim failed node=" + config.node(), e);
      }
      if (dispatched > 0) {
        continue; // more rows may be due and workers free
      }
      synchronized (lock) {
        long deadline = System.nanoTime() + config.pollInterval().toNanos();
        while (running && !wakeRequested) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(lock, left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        wakeRequested = false;
      }
    }
  }

  private int dispatchOnce() {
    int free;
    Set<String> skip = new HashSet<>();
    boolean skipRegulator;
    int limit = config.perEndpointConcurrency();
    synchronized (lock) {
      free = config.workers() - inFlight;
      if (free <= 0) {
        return 0;
      }
      for (Map.Entry<String, Integer> e : inFlightByEndpoint.entrySet()) {
        if (e.getValue() >= limit && !e.getKey().equals(REGULATOR_KEY)) {
          skip.add(e.getKey());
        }
      }
      skipRegulator = inFlightByEndpoint.getOrDefault(REGULATOR_KEY, 0) >= limit;
    }
    List<OutboxItem> items =
        store
            .outbox()
            .claim(config.node(), free, clock.instant(), config.lease(), skip, skipRegulator);
    int dispatched = 0;
    for (OutboxItem item : items) {
      String key = key(item);
      boolean accept;
      synchronized (lock) {
        int c = inFlightByEndpoint.getOrDefault(key, 0);
        accept = running && c < limit && inFlight < config.workers();
        if (accept) {
          inFlightByEndpoint.put(key, c + 1);
          inFlight++;
        }
      }
      if (!accept) {
        store.outbox().release(item.id(), config.node());
        continue;
      }
      try {
        pool.execute(() -> run(item, key));
        dispatched++;
      } catch (RejectedExecutionException e) {
        finished(key);
        store.outbox().release(item.id(), config.node());
      }
    }
    return dispatched;
  }

  private static String key(OutboxItem item) {
    return item.target() == OutboxItem.Target.REGULATOR
        ? REGULATOR_KEY
        : item.merchantId().orElseThrow();
  }

  private void run(OutboxItem item, String key) {
    try {
      attempt(item);
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "delivery attempt failed to complete outbox_id="
              + item.id()
              + " webhook_id="
              + item.webhookId()
              + "; the row is retried when its lease lapses",
          e);
    } finally {
      finished(key);
    }
  }

  private void finished(String key) {
    synchronized (lock) {
      int c = inFlightByEndpoint.getOrDefault(key, 0) - 1;
      if (c <= 0) {
        inFlightByEndpoint.remove(key);
      } else {
        inFlightByEndpoint.put(key, c);
      }
      inFlight--;
      wakeRequested = true;
      lock.notifyAll();
    }
  }

  // ---------------------------------------------------------------- one attempt

  private void attempt(OutboxItem item) {
    Instant start = clock.instant();
    if (item.attempts() == 0) {
      firstAttemptDelay.record(nonNegative(Duration.between(item.createdAt(), start)));
    }
    if (item.target() == OutboxItem.Target.REGULATOR) {
      Optional<URI> url = config.regulatorUrl();
      if (url.isEmpty()) {
        failed(
            item,
            OutboxAttempt.noResponse(
                "regulator:unconfigured", start, Duration.ZERO, "no regulator sink is configured"),
            Optional.empty(),
            null);
        return;
      }
      send(item, start, url.get(), regulatorSigner.orElseThrow(), null);
      return;
    }
    String merchantId = item.merchantId().orElseThrow();
    Optional<Endpoint> current = endpoints.current(merchantId, start);
    if (current.isEmpty()) {
      failed(
          item,
          OutboxAttempt.noResponse(
              "merchant:" + merchantId,
              start,
              Duration.ZERO,
              "merchant " + merchantId + " has no webhook endpoint"),
          Optional.empty(),
          null);
      return;
    }
    Endpoint endpoint = current.get();
    if (endpoint.paused()
        && !endpoints.claimProbe(merchantId, start, start.plus(config.probeInterval()))) {
      failed(
          item,
          OutboxAttempt.noResponse(
              endpoint.url().toString(),
              start,
              Duration.ZERO,
              "circuit open: endpoint paused since "
                  + endpoint.pausedAt().orElseThrow()
                  + "; not sent"),
          Optional.empty(),
          null);
      // A probe may have resumed the endpoint while this fast failure was recorded, after the
      // resume made pending rows due: then this row must not wait out its backoff.
      Instant now = clock.instant();
      if (endpoints.current(merchantId, now).map(e -> !e.paused()).orElse(false)
          && store.outbox().expedite(item.id(), now)) {
        wake();
      }
      return;
    }
    if (endpoint.secrets().isEmpty() && endpoint.signingKey().isEmpty()) {
      failed(
          item,
          OutboxAttempt.noResponse(
              endpoint.url().toString(), start, Duration.ZERO, "the endpoint has no active secret"),
          Optional.empty(),
          null);
      return;
    }
    send(item, start, endpoint.url(), endpoint.signer(), merchantId);
  }

  private void send(
      OutboxItem item, Instant start, URI url, WebhookSigner signer, String circuitMerchant) {
    byte[] body = item.payload();
    WebhookHeaders headers = signer.sign(item.webhookId(), start, body);
    long t0 = System.nanoTime();
    Integer status = null;
    String error = null;
    Optional<Duration> retryAfter = Optional.empty();
    try {
      HttpRequest request =
          HttpRequest.newBuilder(url)
              .timeout(config.responseTimeout())
              .header("content-type", "application/json")
              .header("user-agent", USER_AGENT)
              .header(WebhookHeaders.ID, headers.id())
              .header(WebhookHeaders.TIMESTAMP, headers.timestamp())
              .header(WebhookHeaders.SIGNATURE, headers.signature())
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      CompletableFuture<HttpResponse<Void>> future =
          http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
      Duration bound = config.connectTimeout().plus(config.responseTimeout()).plusSeconds(1);
      HttpResponse<Void> response;
      try {
        response = future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        future.cancel(true);
        throw new HttpTimeoutException("no complete response within " + bound.toMillis() + " ms");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (cause instanceof IOException) {
          throw (IOException) cause;
        }
        throw new IOException(cause.toString(), cause);
      }
      status = response.statusCode();
      retryAfter =
          Backoff.parseRetryAfter(
              response.headers().firstValue("retry-after").orElse(null), clock.instant());
    } catch (HttpTimeoutException e) {
      error = "timeout: " + describe(e);
    } catch (IOException e) {
      error = "connection failed: " + describe(e);
    } catch (IllegalArgumentException e) {
      error = "request refused by the HTTP client: " + describe(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error = "interrupted while the gateway was stopping";
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    String target = url.toString();
    if (target.length() > OutboxAttempt.MAX_URL) {
      target = target.substring(0, OutboxAttempt.MAX_URL);
    }
    if (status != null && status >= 200 && status < 300) {
      delivered(item, OutboxAttempt.response(target, start, took, status, null), circuitMerchant);
    } else if (status != null) {
      failed(
          item,
          OutboxAttempt.response(target, start, took, status, "status " + status),
          retryAfter,
          circuitMerchant);
    } else {
      failed(
          item, OutboxAttempt.noResponse(target, start, took, error), retryAfter, circuitMerchant);
    }
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " " + m.strip());
  }

  private void delivered(OutboxItem item, OutboxAttempt attempt, String circuitMerchant) {
    (item.target() == OutboxItem.Target.REGULATOR ? regulatorDelivered : merchantDelivered)
        .increment();
    boolean first = store.outbox().recordDelivered(item.id(), attempt);
    Instant now = clock.instant();
    if (first) {
      latency.record(nonNegative(Duration.between(item.createdAt(), now)));
    }
    if (circuitMerchant != null && endpoints.recordSuccess(circuitMerchant, now)) {
      openCircuits.set(endpoints.pausedCount());
      LOG.info("endpoint resumed merchant_id=" + circuitMerchant + " after a successful probe");
      wake();
    }
    if (first) {
      try {
        listener.delivered(item, now);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "delivery listener failed outbox_id=" + item.id(), e);
      }
    }
  }

  private void failed(
      OutboxItem item,
      OutboxAttempt attempt,
      Optional<Duration> retryAfter,
      String circuitMerchant) {
    (item.target() == OutboxItem.Target.REGULATOR ? regulatorFailed : merchantFailed).increment();
    Backoff.Decision decision =
        config.backoff().next(item.attempts() + 1, item.createdAt(), attempt.at(), retryAfter);
    if (decision.dead()) {
      if (store.outbox().recordDead(item.id(), attempt)) {
        deadLetters.increment();
        LOG.warning(
            "outbox row dead-lettered outbox_id="
                + item.id()
                + " webhook_id="
                + item.webhookId()
                + " target="
                + item.target().code()
                + " attempts="
                + (item.attempts() + 1));
        try {
          listener.deadLettered(item, attempt.at());
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "delivery listener failed outbox_id=" + item.id(), e);
        }
      }
    } else {
      store.outbox().recordRetry(item.id(), attempt, decision.retryAt().orElseThrow());
    }
    if (circuitMerchant != null) {
      circuit(circuitMerchant, attempt);
    }
  }

  private void circuit(String merchantId, OutboxAttempt last) {
    int failures = endpoints.recordFailure(merchantId);
    Instant now = clock.instant();
    String reason =
        failures
            + " consecutive failed attempts; last: "
            + (last.status().isPresent()
                ? "status " + last.status().getAsInt()
                : last.error().orElse("no response"));
    if (failures >= config.pauseAfter()) {
      if (endpoints.pause(merchantId, reason, now, now.plus(config.probeInterval()))) {
        openCircuits.set(endpoints.pausedCount());
        LOG.warning("endpoint paused merchant_id=" + merchantId + " failures=" + failures);
        wake();
      }
    } else if (failures >= config.failingAfter()) {
      if (endpoints.notifyFailing(merchantId, reason, now)) {
        LOG.warning("endpoint failing merchant_id=" + merchantId + " failures=" + failures);
        wake();
      }
    }
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
