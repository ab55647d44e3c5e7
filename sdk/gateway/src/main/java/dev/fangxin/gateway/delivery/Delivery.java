package dev.fangxin.gateway.delivery;

import dev.fangxin.core.webhook.WebhookHeaders;
import dev.fangxin.core.webhook.WebhookSigner;
import dev.fangxin.gateway.endpoint.Endpoint;
import dev.fangxin.gateway.endpoint.Endpoints;
import dev.fangxin.gateway.store.OutboxAttempt;
import dev.fangxin.gateway.store.OutboxItem;
import dev.fangxin.gateway.store.OutboxQueue;
import dev.fangxin.gateway.store.Store;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers outbox rows: claims due rows, signs them the Standard Webhooks way and POSTs them to the
 * merchant's <i>current</i> endpoint (or the regulator sink), then records the attempt and either
 * marks the row delivered (any 2xx), schedules a retry by the {@link Backoff} (anything else,
 * honouring {@code Retry-After}), or dead-letters it at the horizon.
 *
 * <p><b>Threads.</b> {@link #start()} starts one dispatcher thread, {@link
 * DeliveryConfig#workers()} worker threads, one recorder thread and one listener thread. The
 * dispatcher claims ahead of the workers: whenever fewer claimed rows wait on this node than there
 * are workers, it claims enough to bring the rows running and waiting up to twice the number of
 * workers (one transaction per claim, so a deep queue is claimed in large batches while the workers
 * send the previous one). It passes over the endpoints that already have twice {@link
 * DeliveryConfig#perEndpointConcurrency()} rows running or waiting on this node, and starts a
 * waiting row only while its endpoint has fewer than {@code perEndpointConcurrency} attempts
 * running here, so a slow or stalled endpoint ties up at most that many workers and never delays
 * the others. A waiting row whose lease would no longer cover a whole attempt is given back instead
 * of sent; on {@link #stop()} every waiting row is given back. It reads the endpoints of a whole
 * claimed batch in one transaction and hands each row, with its endpoint as read then, to a worker.
 * It waits {@link DeliveryConfig#pollInterval()} between looks unless {@link #wake()} is called or
 * an attempt finishes. A worker sends its request and reads the answer itself (a blocking HTTP/1.1
 * client, no hand-off to another thread), on a keep-alive connection pooled per origin and reused
 * while it has been idle at most two seconds; a connection that fails or times out is closed, and
 * the attempt fails like any other. Each attempt has a connect and a response timeout; the claim
 * lease is longer than both together, and a node that dies leaves its rows to be claimed again when
 * the lease lapses. Several nodes may share one PostgreSQL database: claims use {@code FOR UPDATE
 * SKIP LOCKED}, so no row is worked on by two nodes while its lease holds.
 *
 * <p><b>Recording.</b> A worker that has an answer (or none) hands the attempt to the recorder and
 * takes the next row. The recorder writes every attempt that has finished since its last write in
 * one transaction ({@link dev.fangxin.gateway.store.OutboxQueue#recordAll}: the attempt rows and
 * the new state of each outbox row, as JDBC batches), then updates the circuits once per endpoint.
 * Until that commit a row stays claimed; if the node dies in between, the row is claimed again when
 * its lease lapses and sent again with the same {@code webhook-id} (at least once: never lost, and
 * the receiver de-duplicates), and the lost attempt is not recorded.
 *
 * <p><b>Moved endpoints.</b> An attempt goes to the endpoint as it was read when its row was
 * claimed, milliseconds before the request: a move (or a secret rotation) is honoured by every
 * attempt on a row claimed after the move committed.
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
 * <p>Thread-safe. Listener calls run on the delivery's listener thread, one at a time, after the
 * transaction that recorded the outcome; the rows one recording transaction delivered are passed in
 * one {@link DeliveryListener#deliveredAll} call; see {@link DeliveryListener}.
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
  private final WebhookClient http;
  private final Optional<WebhookSigner> regulatorSigner;

  private final Object lock = new Object();
  private final Map<String, Integer> inFlightByEndpoint = new HashMap<>(); // guarded by lock
  private int inFlight; // guarded by lock
  private boolean wakeRequested; // guarded by lock
  private int unrecorded; // attempts handed to the recorder and not yet written; guarded by lock
  // claimed rows waiting for a worker, by endpoint key, in claim order; guarded by lock
  private final Map<String, ArrayDeque<Ready>> ready = new LinkedHashMap<>();
  private int readyCount; // guarded by lock
  // The endpoints passed over by the last claim that found fewer rows than it wanted, and when;
  // null after new rows were committed. Guarded by lock.
  private Set<String> fruitlessSkip;
  private long fruitlessAtNanos;
  private volatile boolean running;
  private volatile boolean recording;
  private Thread dispatcher;
  private Thread recorder;
  private ExecutorService pool;
  private ExecutorService notifier;
  private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
  private final RecordHook beforeRecording;

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
    this.beforeRecording = b.beforeRecording;
    this.regulatorSigner = config.regulatorSigner();
    this.http =
        new WebhookClient(
            config.connectTimeout(), config.responseTimeout(), config.workers(), USER_AGENT);
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
    private RecordHook beforeRecording = () -> {};

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

    /** For tests: called by the recorder before it collects and writes each batch. */
    Builder beforeRecording(RecordHook hook) {
      this.beforeRecording = Objects.requireNonNull(hook, "hook == null");
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

  /** For tests: runs on the recorder thread before each batch is collected and written. */
  @FunctionalInterface
  interface RecordHook {
    /**
     * Called once per batch, when at least one attempt waits; attempts that finish meanwhile join
     * the batch. An interrupt drops the waiting attempts unwritten.
     */
    void beforeBatch() throws InterruptedException;
  }

  /**
   * Starts the dispatcher, the workers, the recorder and the listener thread. Returns at once.
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
    notifier =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "fangxin-delivery-" + config.node() + "-listener");
              t.setDaemon(true);
              return t;
            });
    running = true;
    recording = true;
    recorder = new Thread(this::recordLoop, "fangxin-delivery-" + config.node() + "-record");
    recorder.setDaemon(true);
    recorder.start();
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
      fruitlessSkip = null;
      wakeRequested = true;
      lock.notifyAll();
    }
  }

  /**
   * Stops claiming, lets running attempts finish (waiting at most connect + response timeout + 5
   * s), records them, then stops the threads. Rows whose attempts were cut short are claimed again
   * when their lease lapses. Idempotent.
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
        http.close(); // a worker blocked on a socket fails at once and records its attempt
        pool.awaitTermination(5, TimeUnit.SECONDS);
      }
      http.close();
      recording = false;
      recorder.join(30_000);
      notifier.shutdown();
      notifier.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      pool.shutdownNow();
      http.close();
      recorder.interrupt();
      notifier.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * For tests: the node dies. Every thread stops at once and attempts not yet written are lost, as
   * when the process is killed; their rows stay claimed until their lease lapses.
   */
  synchronized void kill() {
    running = false;
    recording = false;
    dispatcher.interrupt();
    recorder.interrupt();
    pool.shutdownNow();
    http.close();
    notifier.shutdownNow();
    completions.clear();
    try {
      dispatcher.join(10_000);
      recorder.join(10_000);
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
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
    // Stopping: rows claimed ahead and not started go back to the queue at once.
    startReady();
  }

  /** A claimed row waiting on this node for a worker, with its endpoint as read at the claim. */
  private static final class Ready {
    final OutboxItem item;
    final String key;
    final Optional<Endpoint> endpoint;

    Ready(OutboxItem item, String key, Optional<Endpoint> endpoint) {
      this.item = item;
      this.key = key;
      this.endpoint = endpoint;
    }
  }

  /**
   * One dispatcher step: starts the waiting rows it can, claims more when fewer rows wait than
   * there are workers, and starts again. Runs on the dispatcher thread only.
   *
   * @return how many rows were started or claimed
   */
  private int dispatchOnce() {
    int done = startReady();
    int limit = config.perEndpointConcurrency();
    int want;
    // The endpoints this claim passes over, the regulator sink among them under REGULATOR_KEY.
    Set<String> passedOver = new HashSet<>();
    synchronized (lock) {
      if (!running) {
        return done;
      }
      // Claim ahead of the workers (up to twice their number, running and ready to run), so that
      // the next rows are on this node before a worker frees up, and claims come in larger
      // batches. Rows waiting only for their endpoint's limit do not count as ready: a stalled
      // endpoint must not keep the others' rows from being claimed.
      int startable = 0;
      for (Map.Entry<String, ArrayDeque<Ready>> e : ready.entrySet()) {
        int room = Math.max(0, limit - inFlightByEndpoint.getOrDefault(e.getKey(), 0));
        startable += Math.min(room, e.getValue().size());
      }
      want =
          startable >= config.workers()
              ? 0
              : Math.min(
                  Math.min(2 * config.workers() - inFlight - startable, OutboxQueue.MAX_CLAIM),
                  OutboxQueue.MAX_RECORD - unrecorded - inFlight - readyCount);
      Map<String, Integer> busy = new HashMap<>(inFlightByEndpoint);
      for (Map.Entry<String, ArrayDeque<Ready>> e : ready.entrySet()) {
        busy.merge(e.getKey(), e.getValue().size(), Integer::sum);
      }
      // An endpoint with its limit in flight and as many rows again waiting gets no more.
      for (Map.Entry<String, Integer> e : busy.entrySet()) {
        if (e.getValue() >= 2 * limit) {
          passedOver.add(e.getKey());
        }
      }
      // A claim that passes over busy endpoints reads past all their due rows: with one endpoint's
      // large backlog, every claim would read the whole backlog and find nothing. After such a
      // claim came back short, claims passing over the same endpoints or more wait for new rows
      // (wake), or for the poll interval (rows falling due), instead of running on every finish.
      if (want > 0
          && fruitlessSkip != null
          && passedOver.containsAll(fruitlessSkip)
          && System.nanoTime() - fruitlessAtNanos < config.pollInterval().toNanos()) {
        want = 0;
      }
    }
    boolean skipRegulator = passedOver.contains(REGULATOR_KEY);
    Set<String> skip = new HashSet<>(passedOver);
    skip.remove(REGULATOR_KEY);
    if (want <= 0 || skip.size() > OutboxQueue.MAX_CLAIM) {
      return done;
    }
    Instant now = clock.instant();
    List<OutboxItem> items =
        store.outbox().claim(config.node(), want, now, config.lease(), skip, skipRegulator);
    synchronized (lock) {
      fruitlessSkip = items.size() < want && !passedOver.isEmpty() ? passedOver : null;
      fruitlessAtNanos = System.nanoTime();
    }
    if (items.isEmpty()) {
      return done;
    }
    Set<String> merchants = new HashSet<>();
    for (OutboxItem item : items) {
      if (item.target() == OutboxItem.Target.MERCHANT) {
        merchants.add(item.merchantId().orElseThrow());
      }
    }
    Map<String, Endpoint> current;
    try {
      current = endpoints.current(merchants, now);
    } catch (RuntimeException e) {
      for (OutboxItem item : items) {
        releaseQuietly(item);
      }
      throw e;
    }
    synchronized (lock) {
      for (OutboxItem item : items) {
        String key = key(item);
        Optional<Endpoint> endpoint =
            item.target() == OutboxItem.Target.MERCHANT
                ? Optional.ofNullable(current.get(key))
                : Optional.empty();
        ready.computeIfAbsent(key, k -> new ArrayDeque<>()).add(new Ready(item, key, endpoint));
        readyCount++;
      }
    }
    return done + items.size() + startReady();
  }

  /**
   * Hands waiting rows to free workers, endpoint by endpoint, keeping each endpoint under its
   * concurrency limit. A row whose lease no longer covers a whole attempt is given back instead of
   * sent, so no attempt outlives its lease. When stopping, every waiting row is given back.
   *
   * @return how many rows were started
   */
  private int startReady() {
    List<Ready> start = new ArrayList<>();
    List<Ready> giveBack = new ArrayList<>();
    Instant latestStart =
        clock.instant().plus(config.connectTimeout()).plus(config.responseTimeout());
    int limit = config.perEndpointConcurrency();
    synchronized (lock) {
      var it = ready.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<String, ArrayDeque<Ready>> e = it.next();
        ArrayDeque<Ready> queue = e.getValue();
        while (!queue.isEmpty()) {
          if (!running) {
            giveBack.add(queue.poll());
            readyCount--;
            continue;
          }
          int c = inFlightByEndpoint.getOrDefault(e.getKey(), 0);
          if (c >= limit || inFlight >= config.workers()) {
            break;
          }
          Ready r = queue.poll();
          readyCount--;
          if (r.item.claimedUntil().isBefore(latestStart)) {
            giveBack.add(r);
            continue;
          }
          inFlightByEndpoint.put(e.getKey(), c + 1);
          inFlight++;
          start.add(r);
        }
        if (queue.isEmpty()) {
          it.remove();
        }
      }
    }
    for (Ready r : giveBack) {
      releaseQuietly(r.item);
    }
    int started = 0;
    for (Ready r : start) {
      try {
        pool.execute(() -> run(r.item, r.key, r.endpoint));
        started++;
      } catch (RejectedExecutionException e) {
        finished(r.key);
        releaseQuietly(r.item);
      }
    }
    return started;
  }

  private void releaseQuietly(OutboxItem item) {
    try {
      store.outbox().release(item.id(), config.node());
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "could not give back outbox_id="
              + item.id()
              + "; it is claimed again when its lease lapses",
          e);
    }
  }

  private static String key(OutboxItem item) {
    return item.target() == OutboxItem.Target.REGULATOR
        ? REGULATOR_KEY
        : item.merchantId().orElseThrow();
  }

  private void run(OutboxItem item, String key, Optional<Endpoint> endpoint) {
    try {
      Completion done = attempt(item, endpoint);
      synchronized (lock) {
        unrecorded++;
      }
      completions.add(done);
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

  /** An attempt made and not yet written, with what writing it must do. */
  private static final class Completion {
    final OutboxItem item;
    final OutboxAttempt attempt;
    final OutboxQueue.Result result;
    final boolean delivered;
    final boolean dead;

    /** The merchant whose circuit counts this attempt, or null. */
    final String circuitMerchant;

    /** The merchant whose paused endpoint failed this row fast, or null. */
    final String pausedMerchant;

    private Completion(
        OutboxItem item,
        OutboxAttempt attempt,
        OutboxQueue.Result result,
        boolean delivered,
        boolean dead,
        String circuitMerchant,
        String pausedMerchant) {
      this.item = item;
      this.attempt = attempt;
      this.result = result;
      this.delivered = delivered;
      this.dead = dead;
      this.circuitMerchant = circuitMerchant;
      this.pausedMerchant = pausedMerchant;
    }
  }

  private Completion attempt(OutboxItem item, Optional<Endpoint> current) {
    Instant start = clock.instant();
    if (item.attempts() == 0) {
      firstAttemptDelay.record(nonNegative(Duration.between(item.createdAt(), start)));
    }
    if (item.target() == OutboxItem.Target.REGULATOR) {
      Optional<URI> url = config.regulatorUrl();
      if (url.isEmpty()) {
        return failed(
            item,
            OutboxAttempt.noResponse(
                "regulator:unconfigured", start, Duration.ZERO, "no regulator sink is configured"),
            Optional.empty(),
            null,
            null);
      }
      return send(item, start, url.get(), regulatorSigner.orElseThrow(), null);
    }
    String merchantId = item.merchantId().orElseThrow();
    if (current.isEmpty()) {
      return failed(
          item,
          OutboxAttempt.noResponse(
              "merchant:" + merchantId,
              start,
              Duration.ZERO,
              "merchant " + merchantId + " has no webhook endpoint"),
          Optional.empty(),
          null,
          null);
    }
    Endpoint endpoint = current.get();
    if (endpoint.paused()
        && !endpoints.claimProbe(merchantId, start, start.plus(config.probeInterval()))) {
      return failed(
          item,
          OutboxAttempt.noResponse(
              endpoint.url().toString(),
              start,
              Duration.ZERO,
              "circuit open: endpoint paused since "
                  + endpoint.pausedAt().orElseThrow()
                  + "; not sent"),
          Optional.empty(),
          null,
          merchantId);
    }
    if (endpoint.secrets().isEmpty() && endpoint.signingKey().isEmpty()) {
      return failed(
          item,
          OutboxAttempt.noResponse(
              endpoint.url().toString(), start, Duration.ZERO, "the endpoint has no active secret"),
          Optional.empty(),
          null,
          null);
    }
    return send(item, start, endpoint.url(), endpoint.signer(), merchantId);
  }

  private Completion send(
      OutboxItem item, Instant start, URI url, WebhookSigner signer, String circuitMerchant) {
    byte[] body = item.payload();
    WebhookHeaders headers = signer.sign(item.webhookId(), start, body);
    long t0 = System.nanoTime();
    Integer status = null;
    String error = null;
    Optional<Duration> retryAfter = Optional.empty();
    try {
      WebhookClient.Response response =
          http.post(
              url,
              new String[] {
                "content-type",
                "application/json",
                WebhookHeaders.ID,
                headers.id(),
                WebhookHeaders.TIMESTAMP,
                headers.timestamp(),
                WebhookHeaders.SIGNATURE,
                headers.signature()
              },
              body);
      status = response.status();
      retryAfter = Backoff.parseRetryAfter(response.retryAfter(), clock.instant());
    } catch (SocketTimeoutException e) {
      error = "timeout: " + describe(e);
    } catch (IOException e) {
      error = "connection failed: " + describe(e);
    } catch (IllegalArgumentException e) {
      error = "request refused by the HTTP client: " + describe(e);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    String target = url.toString();
    if (target.length() > OutboxAttempt.MAX_URL) {
      target = target.substring(0, OutboxAttempt.MAX_URL);
    }
    if (status != null && status >= 200 && status < 300) {
      OutboxAttempt attempt = OutboxAttempt.response(target, start, took, status, null);
      (item.target() == OutboxItem.Target.REGULATOR ? regulatorDelivered : merchantDelivered)
          .increment();
      return new Completion(
          item,
          attempt,
          OutboxQueue.Result.delivered(item.id(), attempt),
          true,
          false,
          circuitMerchant,
          null);
    } else if (status != null) {
      return failed(
          item,
          OutboxAttempt.response(target, start, took, status, "status " + status),
          retryAfter,
          circuitMerchant,
          null);
    } else {
      return failed(
          item,
          OutboxAttempt.noResponse(target, start, took, error),
          retryAfter,
          circuitMerchant,
          null);
    }
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " " + m.strip());
  }

  private Completion failed(
      OutboxItem item,
      OutboxAttempt attempt,
      Optional<Duration> retryAfter,
      String circuitMerchant,
      String pausedMerchant) {
    (item.target() == OutboxItem.Target.REGULATOR ? regulatorFailed : merchantFailed).increment();
    Backoff.Decision decision =
        config.backoff().next(item.attempts() + 1, item.createdAt(), attempt.at(), retryAfter);
    OutboxQueue.Result result =
        decision.dead()
            ? OutboxQueue.Result.dead(item.id(), attempt)
            : OutboxQueue.Result.retry(item.id(), attempt, decision.retryAt().orElseThrow());
    return new Completion(
        item, attempt, result, false, decision.dead(), circuitMerchant, pausedMerchant);
  }

  // ---------------------------------------------------------------- recorder

  private void recordLoop() {
    List<Completion> batch = new ArrayList<>();
    while (true) {
      Completion first;
      try {
        first = completions.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (first == null) {
        if (!recording) {
          return;
        }
        continue;
      }
      try {
        beforeRecording.beforeBatch();
      } catch (InterruptedException e) {
        return;
      }
      batch.clear();
      batch.add(first);
      completions.drainTo(batch, OutboxQueue.MAX_RECORD - 1);
      try {
        record(batch);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "delivery recorder failed node=" + config.node(), e);
      } finally {
        synchronized (lock) {
          unrecorded -= batch.size();
          wakeRequested = true;
          lock.notifyAll();
        }
      }
    }
  }

  /** Writes {@code batch} in one transaction, then tells meters, listener and circuits. */
  private void record(List<Completion> batch) {
    List<OutboxQueue.Result> results = new ArrayList<>(batch.size());
    for (Completion c : batch) {
      results.add(c.result);
    }
    boolean[] firsts;
    try {
      firsts = store.outbox().recordAll(results);
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "could not record "
              + batch.size()
              + " delivery attempts node="
              + config.node()
              + "; their rows are sent again when their leases lapse",
          e);
      return;
    }
    Instant now = clock.instant();
    Map<String, Integer> failuresSinceSuccess = new LinkedHashMap<>();
    Map<String, OutboxAttempt> lastFailure = new HashMap<>();
    Set<String> succeeded = new HashSet<>();
    List<OutboxItem> delivered = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Completion c = batch.get(i);
      OutboxItem item = c.item;
      if (c.delivered && firsts[i]) {
        latency.record(nonNegative(Duration.between(item.createdAt(), now)));
        delivered.add(item);
      } else if (c.dead && firsts[i]) {
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
        notifyListener(item, false, c.attempt.at());
      }
      if (c.circuitMerchant != null) {
        if (c.delivered) {
          succeeded.add(c.circuitMerchant);
          failuresSinceSuccess.remove(c.circuitMerchant);
        } else {
          failuresSinceSuccess.merge(c.circuitMerchant, 1, Integer::sum);
          lastFailure.put(c.circuitMerchant, c.attempt);
        }
      }
    }
    if (!delivered.isEmpty()) {
      notifyDelivered(delivered, now);
    }
    if (!succeeded.isEmpty()) {
      Set<String> resumed = endpoints.recordSuccesses(succeeded, now);
      if (!resumed.isEmpty()) {
        openCircuits.set(endpoints.pausedCount());
        LOG.info("endpoint resumed merchant_ids=" + resumed + " after a successful probe");
        wake();
      }
    }
    for (Map.Entry<String, Integer> e : failuresSinceSuccess.entrySet()) {
      circuit(e.getKey(), e.getValue(), lastFailure.get(e.getKey()));
    }
    for (Completion c : batch) {
      // A probe may have resumed the endpoint while this fast failure was recorded, after the
      // resume made pending rows due: then this row must not wait out its backoff.
      if (c.pausedMerchant != null && !c.dead) {
        Instant t = clock.instant();
        if (endpoints.current(c.pausedMerchant, t).map(e -> !e.paused()).orElse(false)
            && store.outbox().expedite(c.item.id(), t)) {
          wake();
        }
      }
    }
  }

  private void notifyDelivered(List<OutboxItem> items, Instant at) {
    List<OutboxItem> copy = List.copyOf(items);
    try {
      notifier.execute(
          () -> {
            try {
              listener.deliveredAll(copy, at);
            } catch (RuntimeException e) {
              LOG.log(
                  Level.WARNING, "delivery listener failed for " + copy.size() + " outbox rows", e);
            }
          });
    } catch (RejectedExecutionException e) {
      LOG.warning("delivery listener not told (stopping) of " + copy.size() + " delivered rows");
    }
  }

  private void notifyListener(OutboxItem item, boolean delivered, Instant at) {
    try {
      notifier.execute(
          () -> {
            try {
              if (delivered) {
                listener.delivered(item, at);
              } else {
                listener.deadLettered(item, at);
              }
            } catch (RuntimeException e) {
              LOG.log(Level.WARNING, "delivery listener failed outbox_id=" + item.id(), e);
            }
          });
    } catch (RejectedExecutionException e) {
      LOG.warning("delivery listener not told (stopping) outbox_id=" + item.id());
    }
  }

  private void circuit(String merchantId, int failed, OutboxAttempt last) {
    int failures = endpoints.recordFailures(merchantId, failed);
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
