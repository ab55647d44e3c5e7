package dev.fangxin.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.gateway.endpoint.Endpoints;
import dev.fangxin.gateway.registry.Registry;
import dev.fangxin.gateway.store.OutboxAttempt;
import dev.fangxin.gateway.store.OutboxItem;
import dev.fangxin.gateway.store.OutboxRecord;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import dev.fangxin.gateway.testing.MockMerchant;
import dev.fangxin.gateway.testing.SettableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Shared fixture of the delivery tests: a fresh store (H2 or PostgreSQL, by subclass), a settable
 * clock, registered merchants, mock merchant endpoints on loopback, and deliveries that are closed
 * after each test.
 */
abstract class DeliveryContractTest {
  static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");

  Store store;
  SettableClock clock;
  Endpoints endpoints;
  Registry registry;
  SimpleMeterRegistry meters;
  final RecordingListener listener = new RecordingListener();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** A config for a fresh, empty database. */
  abstract StoreConfig freshDatabase() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = Store.open(freshDatabase());
    clock = new SettableClock(T0);
    registry = Registry.on(store, clock);
    endpoints = Endpoints.on(store, clock);
    meters = new SimpleMeterRegistry();
  }

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable c : toClose) {
      c.close();
    }
    if (store != null) {
      store.close();
    }
  }

  /** Registers merchant {@code id} with an endpoint at {@code mock}; returns its first secret. */
  WebhookSecret merchantAt(String id, MockMerchant mock) {
    registry.registerMerchant(id, "Shop " + id, "zh-CN", "Asia/Shanghai");
    return endpoints.put(id, mock.url().toString(), Endpoints.V1a.KEEP).newSecret().orElseThrow();
  }

  /** A mock trusting nothing yet useful: call {@link MockMerchant#trustSecrets} before use. */
  MockMerchant mock(WebhookSecret... trusted) {
    MockMerchant m =
        MockMerchant.builder()
            .trust(trusted.length == 0 ? new WebhookSecret[] {WebhookSecret.generate()} : trusted)
            .clock(clock)
            .start();
    toClose.add(m);
    return m;
  }

  /** A mock merchant with a registered endpoint that trusts that endpoint's secret. */
  MockMerchant merchantWithMock(String id) {
    MockMerchant m = mock();
    m.trustSecrets(merchantAt(id, m));
    return m;
  }

  DeliveryConfig.Builder config() {
    return DeliveryConfig.builder()
        .node("node-a")
        .workers(4)
        .pollInterval(Duration.ofMillis(50))
        .connectTimeout(Duration.ofMillis(500))
        .responseTimeout(Duration.ofMillis(500))
        .circuit(1000, 1000);
  }

  Delivery start(DeliveryConfig config) {
    return start(config, meters);
  }

  Delivery start(DeliveryConfig config, io.micrometer.core.instrument.MeterRegistry registry) {
    Delivery d =
        Delivery.builder(store, endpoints, config)
            .clock(clock)
            .listener(listener)
            .meters(registry)
            .build();
    toClose.add(d);
    d.start();
    return d;
  }

  static byte[] event(String type, String caseId, String merchantId) {
    JsonObject data = new JsonObject();
    if (caseId != null) {
      data.addProperty("case_id", caseId);
    }
    data.addProperty("merchant_id", merchantId);
    data.addProperty("state", "received");
    JsonObject body = new JsonObject();
    body.addProperty("type", type);
    body.addProperty("timestamp", DateTimeFormatter.ISO_INSTANT.format(T0));
    body.add("data", data);
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  long enqueue(String merchantId, String caseId, String type) {
    return store.inTransaction(
        tx ->
            store
                .outbox()
                .enqueueForMerchant(
                    tx,
                    merchantId,
                    caseId,
                    type,
                    event(type, caseId, merchantId),
                    clock.instant()));
  }

  long enqueueForRegulator(String merchantId, String caseId, String type) {
    return store.inTransaction(
        tx ->
            store
                .outbox()
                .enqueueForRegulator(
                    tx,
                    merchantId,
                    caseId,
                    type,
                    event(type, caseId, merchantId),
                    clock.instant()));
  }

  /** Inserts a case row (outbox rows reference cases). */
  String newCase(String caseId, String merchantId) {
    store.inTransaction(
        tx -> {
          try (PreparedStatement insert =
              tx.prepareStatement(
                  "INSERT INTO cases (id, merchant_id, state, created_at, updated_at, payload)"
                      + " VALUES (?, ?, 'received', ?, ?, ?)")) {
            insert.setString(1, caseId);
            insert.setString(2, merchantId);
            insert.setLong(3, clock.instant().getEpochSecond());
            insert.setLong(4, clock.instant().getEpochSecond());
            insert.setBytes(5, new byte[] {1});
            insert.executeUpdate();
          }
          return null;
        });
    return caseId;
  }

  OutboxRecord row(long id) {
    return store.outbox().find(id).orElseThrow();
  }

  List<OutboxAttempt> attempts(long id) {
    return store.outbox().attempts(id);
  }

  /** Waits (polling) until {@code condition} holds; fails after 20 s. */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting until " + what);
      }
      Thread.sleep(5);
    }
  }

  void awaitAttempts(long id, int n) throws InterruptedException {
    await("row " + id + " has " + n + " attempts", () -> row(id).attempts() >= n);
  }

  void awaitDelivered(long id) throws InterruptedException {
    await("row " + id + " is delivered", () -> row(id).deliveredAt().isPresent());
  }

  /** Moves the clock to row {@code id}'s due time (if later) and wakes {@code delivery}. */
  void retryNow(Delivery delivery, long id) {
    Instant due = row(id).dueAt();
    if (due.isAfter(clock.instant())) {
      clock.set(due);
    }
    delivery.wake();
  }

  static String type(MockMerchant.Received r) {
    return JsonParser.parseString(r.bodyUtf8()).getAsJsonObject().get("type").getAsString();
  }

  // ---------------------------------------------------------------- tests

  @Test
  void deliversOnTheFirstAttemptWithStandardWebhooksHeaders() throws Exception {
    MockMerchant shop = merchantWithMock("X-SHOP-1");
    String caseId = newCase("case-1", "X-SHOP-1");
    long id = enqueue("X-SHOP-1", caseId, "case.created");
    start(config().build());

    awaitDelivered(id);
    OutboxRecord r = row(id);
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(r.lastStatus()).hasValue(200);
    assertThat(shop.processedIds()).containsExactly(r.webhookId());
    MockMerchant.Received got = shop.received().get(0);
    assertThat(got.verified()).isTrue();
    assertThat(got.timestamp()).isEqualTo(String.valueOf(T0.getEpochSecond()));
    assertThat(got.v1Count()).isEqualTo(1);
    assertThat(got.v1aCount()).isZero();
    assertThat(got.body()).isEqualTo(event("case.created", caseId, "X-SHOP-1"));
    assertThat(attempts(id))
        .singleElement()
        .satisfies(a -> assertThat(a.url()).isEqualTo(shop.url().toString()));
    await("listener told", () -> listener.delivered.size() == 1);
    assertThat(listener.delivered.get(0).id()).isEqualTo(id);
    assertThat(
            meters
                .counter("fangxin.delivery.attempts", "target", "merchant", "outcome", "delivered")
                .count())
        .isEqualTo(1.0);
    assertThat(meters.timer("fangxin.delivery.latency").count()).isEqualTo(1);
    assertThat(meters.timer("fangxin.delivery.first_attempt.delay").count()).isEqualTo(1);
  }

  @Test
  void retriesAfterServerErrorResetAndStallWithBackoffAndTheReceiverSeesOneEvent()
      throws Exception {
    MockMerchant shop = merchantWithMock("X-SHOP-1");
    shop.enqueue(
        MockMerchant.Reply.status(500),
        MockMerchant.Reply.reset(),
        MockMerchant.Reply.stall(Duration.ofMillis(1500)));
    long id = enqueue("X-SHOP-1", null, "case.updated");
    Delivery delivery = start(config().build());

    for (int attempt = 1; attempt <= 3; attempt++) {
      awaitAttempts(id, attempt);
      OutboxRecord r = row(id);
      assertThat(r.deliveredAt()).isEmpty();
      assertThat(r.dueAt()).isAfter(clock.instant()); // waits for the backoff, not retried at once
      clock.advance(Duration.ofSeconds(1)); // not yet due: nothing happens
      retryNow(delivery, id);
    }
    awaitDelivered(id);
    assertThat(shop.awaitAnswered(4, Duration.ofSeconds(10))).isTrue();

    List<OutboxAttempt> tries = attempts(id);
    assertThat(tries).hasSize(4);
    assertThat(tries.get(0).status()).hasValue(500);
    assertThat(tries.get(1).status()).isEmpty();
    assertThat(tries.get(1).error()).get().asString().startsWith("connection failed");
    assertThat(tries.get(2).status()).isEmpty();
    assertThat(tries.get(2).error()).get().asString().startsWith("timeout");
    assertThat(tries.get(3).status()).hasValue(200);
    // The same webhook-id every time; the stalled attempt was processed late by the receiver, so
    // one of the two later requests was a duplicate that it recognised.
    assertThat(shop.received())
        .extracting(MockMerchant.Received::id)
        .containsOnly(row(id).webhookId());
    assertThat(shop.processedIds()).containsExactly(row(id).webhookId());
    assertThat(shop.duplicates()).isEqualTo(1);
    assertThat(
            meters
                .counter("fangxin.delivery.attempts", "target", "merchant", "outcome", "failed")
                .count())
        .isEqualTo(3.0);
  }

  @Test
  void honoursRetryAfterInSecondsAndAsADateWithinTheCap() throws Exception {
    MockMerchant shop = merchantWithMock("X-SHOP-1");
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            T0.plus(Duration.ofHours(3)).atZone(java.time.ZoneOffset.UTC));
    shop.enqueue(
        MockMerchant.Reply.status(503).retryAfter("7200"),
        MockMerchant.Reply.status(429).retryAfter(date),
        MockMerchant.Reply.status(503).retryAfter("864000"));
    long id = enqueue("X-SHOP-1", null, "case.updated");
    Delivery delivery = start(config().build());

    awaitAttempts(id, 1);
    Instant first = attempts(id).get(0).at();
    assertThat(row(id).dueAt()).isEqualTo(first.plusSeconds(7200));
    retryNow(delivery, id);
    awaitAttempts(id, 2);
    assertThat(row(id).dueAt()).isEqualTo(T0.plus(Duration.ofHours(3)));
    retryNow(delivery, id);
    awaitAttempts(id, 3);
    Instant third = attempts(id).get(2).at();
    assertThat(row(id).dueAt()).isEqualTo(third.plus(Backoff.defaults().maxRetryAfter()));
    retryNow(delivery, id);
    awaitDelivered(id);
  }

  @Test
  void aRetryGoesToTheEndpointTheMerchantMovedTo() throws Exception {
    MockMerchant old = mock();
    WebhookSecret secret = merchantAt("X-SHOP-1", old);
    old.trustSecrets(secret);
    old.defaultReply(MockMerchant.Reply.status(502));
    MockMerchant moved = mock(secret);
    long id = enqueue("X-SHOP-1", null, "case.created");
    Delivery delivery = start(config().build());

    awaitAttempts(id, 1);
    endpoints.put("X-SHOP-1", moved.url().toString(), Endpoints.V1a.KEEP);
    retryNow(delivery, id);
    awaitDelivered(id);

    assertThat(old.received()).hasSize(1);
    assertThat(moved.processedIds()).containsExactly(row(id).webhookId());
    assertThat(attempts(id))
        .extracting(OutboxAttempt::url)
        .containsExactly(old.url().toString(), moved.url().toString());
  }

  @Test
  void duringRotationEverySecretSignsAndEitherVerifies() throws Exception {
    MockMerchant shop = mock();
    WebhookSecret first = merchantAt("X-SHOP-1", shop);
    WebhookSecret second = endpoints.rotateSecret("X-SHOP-1", Endpoints.DEFAULT_OVERLAP).secret();
    Delivery delivery = start(config().build());

    shop.trustSecrets(first);
    long a = enqueue("X-SHOP-1", null, "case.created");
    awaitDelivered(a);
    shop.trustSecrets(second);
    long b = enqueue("X-SHOP-1", null, "case.updated");
    delivery.wake();
    awaitDelivered(b);
    assertThat(shop.received()).allSatisfy(r -> assertThat(r.v1Count()).isEqualTo(2));
    assertThat(shop.received()).allSatisfy(r -> assertThat(r.verified()).isTrue());

    // After the overlap only the new secret signs: a receiver still on the old one refuses.
    clock.advance(Endpoints.DEFAULT_OVERLAP.plusSeconds(1));
    shop.trustSecrets(first);
    long c = enqueue("X-SHOP-1", null, "case.updated");
    delivery.wake();
    awaitAttempts(c, 1);
    assertThat(row(c).lastStatus()).hasValue(401);
    MockMerchant.Received refused = shop.received().get(2);
    assertThat(refused.v1Count()).isEqualTo(1);
    assertThat(refused.verificationError()).hasValue("webhook.no_matching_signature");
    shop.trustSecrets(second);
    retryNow(delivery, c);
    awaitDelivered(c);
  }

  @Test
  void v1aSignatureVerifiesWithTheEndpointsPublicKey() throws Exception {
    registry.registerMerchant("X-SHOP-1", "Shop", "zh-CN", "Asia/Shanghai");
    MockMerchant probe = mock();
    Endpoints.Setup setup = endpoints.put("X-SHOP-1", probe.url().toString(), Endpoints.V1a.ENABLE);
    MockMerchant shop =
        MockMerchant.builder()
            .trust(setup.endpoint().publicKey().orElseThrow())
            .clock(clock)
            .start();
    try (shop) {
      endpoints.put("X-SHOP-1", shop.url().toString(), Endpoints.V1a.KEEP);
      long id = enqueue("X-SHOP-1", null, "case.created");
      start(config().build());
      awaitDelivered(id);
      MockMerchant.Received got = shop.received().get(0);
      assertThat(got.v1aCount()).isEqualTo(1);
      assertThat(got.v1Count()).isEqualTo(1);
      assertThat(got.verified()).isTrue();
    }
  }

  @Test
  void theCircuitNotifiesMerchantAndRegulatorBeforePausingThenAProbeResumes() throws Exception {
    WebhookSecret regulatorSecret = WebhookSecret.generate();
    MockMerchant regulator = mock(regulatorSecret);
    MockMerchant shop = merchantWithMock("X-SHOP-1");
    shop.defaultReply(MockMerchant.Reply.status(500));
    long a = enqueue("X-SHOP-1", null, "case.created");
    long b = enqueue("X-SHOP-1", null, "case.updated");
    long c = enqueue("X-SHOP-1", null, "case.updated");
    Delivery delivery =
        start(
            config()
                .circuit(2, 3)
                .probeInterval(Duration.ofMinutes(10))
                .regulator(regulator.url().toString(), regulatorSecret)
                .build());

    await(
        "the endpoint is paused",
        () -> endpoints.current("X-SHOP-1", clock.instant()).orElseThrow().paused());
    Instant pausedAt =
        endpoints.current("X-SHOP-1", clock.instant()).orElseThrow().pausedAt().orElseThrow();
    List<OutboxRecord> notices = notices();
    assertThat(notices)
        .extracting(r -> r.eventType() + "->" + r.target().code())
        .containsExactly(
            "endpoint.failing->merchant",
            "endpoint.failing->regulator",
            "endpoint.paused->merchant",
            "endpoint.paused->regulator");
    assertThat(notices).allSatisfy(n -> assertThat(n.createdAt()).isBeforeOrEqualTo(pausedAt));
    // The regulator hears of it, signed with the regulator secret.
    assertThat(regulator.awaitProcessed(2, Duration.ofSeconds(10))).isTrue();
    assertThat(regulator.received())
        .extracting(DeliveryContractTest::type)
        .containsExactlyInAnyOrder("endpoint.failing", "endpoint.paused");
    assertThat(meters.get("fangxin.delivery.circuits.open").gauge().value()).isEqualTo(1.0);

    // While paused, rows that come due fail fast without a request.
    int requests = shop.received().size();
    clock.advance(Duration.ofMinutes(5));
    delivery.wake();
    await(
        "a short-circuited attempt",
        () ->
            List.of(a, b, c).stream()
                .flatMap(id -> attempts(id).stream())
                .anyMatch(t -> t.error().orElse("").startsWith("circuit open")));
    assertThat(shop.received()).hasSize(requests);

    // After the probe interval one probe goes out; it succeeds and the endpoint resumes.
    shop.defaultReply(MockMerchant.Reply.accept());
    clock.advance(Duration.ofMinutes(6));
    delivery.wake();
    await(
        "every merchant row delivered",
        () -> List.of(a, b, c).stream().allMatch(id -> row(id).deliveredAt().isPresent()));
    assertThat(endpoints.current("X-SHOP-1", clock.instant()).orElseThrow().paused()).isFalse();
    assertThat(notices()).extracting(OutboxRecord::eventType).contains("endpoint.resumed");
    assertThat(regulator.awaitProcessed(3, Duration.ofSeconds(10))).isTrue();
    await(
        "the merchant receives the notices too",
        () ->
            shop.received().stream()
                .filter(r -> r.status() == 200)
                .map(DeliveryContractTest::type)
                .collect(java.util.stream.Collectors.toSet())
                .containsAll(List.of("endpoint.failing", "endpoint.paused", "endpoint.resumed")));
  }

  private List<OutboxRecord> notices() {
    List<Long> ids =
        store.inTransaction(
            tx -> {
              List<Long> out = new ArrayList<>();
              try (PreparedStatement select =
                      tx.prepareStatement(
                          "SELECT id FROM outbox WHERE event_type LIKE 'endpoint.%' ORDER BY id");
                  var rows = select.executeQuery()) {
                while (rows.next()) {
                  out.add(rows.getLong(1));
                }
              }
              return out;
            });
    List<OutboxRecord> out = new ArrayList<>();
    for (long id : ids) {
      out.add(row(id));
    }
    return out;
  }

  @Test
  void deadLettersAfterTheHorizonWithAtLeastTwelveAttemptsAndTellsTheListener() throws Exception {
    MockMerchant shop = merchantWithMock("X-SHOP-1");
    shop.defaultReply(MockMerchant.Reply.status(500));
    long id = enqueue("X-SHOP-1", null, "case.escalated");
    Delivery delivery = start(config().build());

    int n = 1;
    while (row(id).deadAt().isEmpty()) {
      awaitAttempts(id, n);
      if (row(id).deadAt().isPresent()) {
        break;
      }
      assertThat(listener.dead).isEmpty();
      retryNow(delivery, id);
      n++;
    }
    OutboxRecord dead = row(id);
    List<OutboxAttempt> tries = attempts(id);
    assertThat(tries.size()).isGreaterThanOrEqualTo(12).isEqualTo(dead.attempts());
    assertThat(tries.get(tries.size() - 1).at()).isAfterOrEqualTo(T0.plus(Duration.ofDays(7)));
    assertThat(tries.get(tries.size() - 2).at()).isBefore(T0.plus(Duration.ofDays(7)));
    assertThat(shop.received()).hasSize(tries.size());
    await("listener told", () -> listener.dead.size() == 1);
    assertThat(listener.dead.get(0).id()).isEqualTo(id);
    assertThat(meters.counter("fangxin.delivery.dead_letters").count()).isEqualTo(1.0);
    assertThat(DeadLetters.on(store).list(T0, clock.instant().plusSeconds(1), 10))
        .extracting(OutboxRecord::id)
        .containsExactly(id);
    // A dead row is never claimed again.
    clock.advance(Duration.ofDays(30));
    delivery.wake();
    long other = enqueue("X-SHOP-1", null, "case.updated");
    shop.defaultReply(MockMerchant.Reply.accept());
    delivery.wake();
    awaitDelivered(other);
    assertThat(row(id).attempts()).isEqualTo(tries.size());
  }

  @Test
  void replayByCaseAndByTimeRangeResendsWithTheSameWebhookId() throws Exception {
    MockMerchant shop = merchantWithMock("X-SHOP-1");
    String caseId = newCase("case-7", "X-SHOP-1");
    long created = enqueue("X-SHOP-1", caseId, "case.created");
    long updated = enqueue("X-SHOP-1", caseId, "case.updated");
    Delivery delivery = start(config().build());
    awaitDelivered(created);
    awaitDelivered(updated);
    Replay replay = Replay.on(store, clock, delivery::wake);

    clock.advance(Duration.ofDays(40));
    Replay.Result byCase = replay.byCase(caseId);
    assertThat(byCase.replayed()).hasSize(2);
    assertThat(byCase.skipped()).isEmpty();
    for (long copy : byCase.replayed()) {
      awaitDelivered(copy);
    }
    assertThat(byCase.replayed().stream().map(id -> row(id).webhookId()))
        .containsExactly(row(created).webhookId(), row(updated).webhookId());
    assertThat(shop.processedIds()).hasSize(2);
    assertThat(shop.duplicates()).isEqualTo(2);

    // A dead row replays too; the range covers originals only (not the copies just made).
    shop.defaultReply(MockMerchant.Reply.status(500));
    clock.advance(Duration.ofDays(1));
    long lost = enqueue("X-SHOP-1", null, "case.updated");
    delivery.wake();
    awaitAttempts(lost, 1);
    store.outbox().markDead(lost, clock.instant());
    shop.defaultReply(MockMerchant.Reply.accept());
    Replay.Result byRange = replay.byTimeRange(T0, clock.instant().plusSeconds(1), 100);
    assertThat(byRange.replayed()).hasSize(3);
    for (long copy : byRange.replayed()) {
      awaitDelivered(copy);
    }
    assertThat(shop.processedIds()).contains(row(lost).webhookId()).hasSize(3);
    assertThat(row(byRange.replayed().get(2)).replayOf()).hasValue(lost);

    // A row whose delivery is pending is skipped, not doubled.
    shop.defaultReply(MockMerchant.Reply.status(500));
    long pending = enqueue("X-SHOP-1", caseId, "case.updated");
    delivery.wake();
    awaitAttempts(pending, 1);
    Replay.Result again = replay.byCase(caseId);
    assertThat(again.skipped()).containsExactly(pending);
    assertThat(again.replayed()).hasSize(2);
  }

  @Test
  void replayRefusesUnknownCasesAndBackwardRanges() {
    Replay replay = Replay.on(store, clock, () -> {});
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> replay.byCase("nope"))
        .isInstanceOf(DeliveryException.class)
        .hasMessage("Case nope has no outbox events to replay.")
        .satisfies(
            e -> assertThat(((DeliveryException) e).reason()).isEqualTo("delivery.unknown_case"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> replay.byTimeRange(T0, T0, 10))
        .isInstanceOf(DeliveryException.class)
        .satisfies(
            e -> assertThat(((DeliveryException) e).reason()).isEqualTo("delivery.invalid_range"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> DeadLetters.on(store).list(T0, T0.plusSeconds(1), 0))
        .isInstanceOf(DeliveryException.class)
        .hasMessage("The limit must be 1 to 1000, was 0.");
  }

  @Test
  void thePerEndpointConcurrencyLimitHoldsAtTheReceiver() throws Exception {
    MockMerchant shop = merchantWithMock("X-SHOP-1");
    shop.defaultReply(MockMerchant.Reply.stall(Duration.ofMillis(150)));
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      ids.add(enqueue("X-SHOP-1", null, "case.updated"));
    }
    start(
        config()
            .workers(8)
            .perEndpointConcurrency(2)
            .responseTimeout(Duration.ofSeconds(3))
            .build());
    for (long id : ids) {
      awaitDelivered(id);
    }
    assertThat(shop.processedIds()).hasSize(12);
    assertThat(shop.maxConcurrent()).isEqualTo(2);
  }

  @Test
  void aStalledEndpointDoesNotHoldUpOthers() throws Exception {
    MockMerchant slow = merchantWithMock("X-SLOW");
    slow.defaultReply(MockMerchant.Reply.stall(Duration.ofSeconds(4)));
    MockMerchant fast = merchantWithMock("X-FAST");
    List<Long> slowRows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      slowRows.add(enqueue("X-SLOW", null, "case.updated"));
    }
    List<Long> fastRows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      fastRows.add(enqueue("X-FAST", null, "case.updated"));
    }
    start(
        config()
            .workers(3)
            .perEndpointConcurrency(2)
            .responseTimeout(Duration.ofSeconds(3))
            .build());
    assertThat(fast.awaitProcessed(6, Duration.ofSeconds(20))).isTrue();
    // Every fast row went through while the slow endpoint had not answered a single request.
    assertThat(slow.received()).isNotEmpty().allSatisfy(r -> assertThat(r.status()).isZero());
    assertThat(slow.maxConcurrent()).isLessThanOrEqualTo(2);
  }

  @Test
  void rowsOfACrashedWorkerAreClaimedAgainWhenTheLeaseLapses() throws Exception {
    MockMerchant shop = merchantWithMock("X-SHOP-1");
    long orphan = enqueue("X-SHOP-1", null, "case.created");
    DeliveryConfig config = config().build();
    // A node claims the row and dies without a word.
    assertThat(store.outbox().claim("crashed-node", 10, clock.instant(), config.lease()))
        .hasSize(1);
    start(config);
    long other = enqueue("X-SHOP-1", null, "case.updated");
    awaitDelivered(other); // a claim cycle ran and passed over the leased row
    assertThat(row(orphan).attempts()).isZero();
    assertThat(shop.processedIds()).containsExactly(row(other).webhookId());

    clock.advance(config.lease());
    long third = enqueue("X-SHOP-1", null, "case.updated");
    awaitDelivered(third);
    awaitDelivered(orphan);
    assertThat(shop.processedIds()).hasSize(3);
    assertThat(shop.duplicates()).isZero();
  }

  @Test
  void regulatorRowsAreSignedWithTheRegulatorSecretAndFailWithoutASink() throws Exception {
    WebhookSecret regulatorSecret = WebhookSecret.generate();
    MockMerchant regulator = mock(regulatorSecret);
    registry.registerMerchant("X-SHOP-1", "Shop", "zh-CN", "Asia/Shanghai");
    String caseId = newCase("case-9", "X-SHOP-1");
    long id = enqueueForRegulator("X-SHOP-1", caseId, "case.escalated");
    Delivery d = start(config().regulator(regulator.url().toString(), regulatorSecret).build());
    awaitDelivered(id);
    assertThat(regulator.received().get(0).verified()).isTrue();
    assertThat(
            meters
                .counter("fangxin.delivery.attempts", "target", "regulator", "outcome", "delivered")
                .count())
        .isEqualTo(1.0);
    d.stop();

    long unsent = enqueueForRegulator("X-SHOP-1", caseId, "case.escalated");
    start(config().node("node-b").build());
    awaitAttempts(unsent, 1);
    assertThat(attempts(unsent).get(0).error()).hasValue("no regulator sink is configured");
    assertThat(row(unsent).dueAt()).isAfter(clock.instant());
  }

  @Test
  void aMerchantWithoutAnEndpointIsRetriedNotLost() throws Exception {
    registry.registerMerchant("X-SHOP-1", "Shop", "zh-CN", "Asia/Shanghai");
    long id = enqueue("X-SHOP-1", null, "case.created");
    Delivery delivery = start(config().build());
    awaitAttempts(id, 1);
    assertThat(attempts(id).get(0).error()).hasValue("merchant X-SHOP-1 has no webhook endpoint");
    MockMerchant shop = mock();
    shop.trustSecrets(
        endpoints
            .put("X-SHOP-1", shop.url().toString(), Endpoints.V1a.KEEP)
            .newSecret()
            .orElseThrow());
    retryNow(delivery, id);
    awaitDelivered(id);
  }

  @Test
  void oneBatchOfMixedOutcomesRecordsEachRowAsItsOwnAttempt() throws Exception {
    MockMerchant ok = merchantWithMock("X-OK");
    MockMerchant failing = merchantWithMock("X-FAILING");
    failing.defaultReply(MockMerchant.Reply.status(500));
    List<Long> okRows = new ArrayList<>();
    List<Long> failedRows = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      okRows.add(enqueue("X-OK", null, "case.updated"));
      failedRows.add(enqueue("X-FAILING", null, "case.updated"));
    }
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger batches = new AtomicInteger();
    Delivery delivery =
        startWithHook(
            config()
                .workers(6)
                .perEndpointConcurrency(3)
                .responseTimeout(Duration.ofSeconds(5))
                .build(),
            () -> {
              batches.incrementAndGet();
              release.await();
            });
    // Hold the recorder until all six attempts have finished, so that they make one batch.
    await("six requests answered", () -> ok.received().size() + failing.received().size() == 6);
    await("workers idle", () -> delivery.inFlight() == 0);
    assertThat(row(okRows.get(0)).attempts()).isZero();
    release.countDown();
    for (long id : okRows) {
      awaitDelivered(id);
    }
    for (long id : failedRows) {
      awaitAttempts(id, 1);
    }
    assertThat(batches).hasValue(1);
    for (long id : okRows) {
      OutboxRecord r = row(id);
      assertThat(r.attempts()).isEqualTo(1);
      assertThat(r.lastStatus()).hasValue(200);
      assertThat(attempts(id)).singleElement().satisfies(a -> assertThat(a.status()).hasValue(200));
    }
    for (long id : failedRows) {
      OutboxRecord r = row(id);
      assertThat(r.deliveredAt()).isEmpty();
      assertThat(r.deadAt()).isEmpty();
      assertThat(r.attempts()).isEqualTo(1);
      assertThat(r.lastStatus()).hasValue(500);
      assertThat(r.dueAt()).isAfter(clock.instant());
      assertThat(attempts(id)).singleElement().satisfies(a -> assertThat(a.status()).hasValue(500));
    }
    await("listener told", () -> listener.delivered.size() == 3);
    assertThat(listener.delivered)
        .extracting(OutboxItem::id)
        .containsExactlyInAnyOrderElementsOf(okRows);
    assertThat(
            meters
                .counter("fangxin.delivery.attempts", "target", "merchant", "outcome", "failed")
                .count())
        .isEqualTo(3.0);
    // Both circuits are updated once for the batch, after its commit: three failures counted, no
    // streak for ok.
    await(
        "three failures counted",
        () ->
            endpoints.current("X-FAILING", clock.instant()).orElseThrow().consecutiveFailures()
                == 3);
    assertThat(endpoints.current("X-OK", clock.instant()).orElseThrow().consecutiveFailures())
        .isZero();
  }

  @Test
  void aCrashBetweenSendAndRecordingRedeliversWithTheSameWebhookId() throws Exception {
    MockMerchant shop = merchantWithMock("X-SHOP-1");
    long id = enqueue("X-SHOP-1", null, "case.created");
    DeliveryConfig config = config().responseTimeout(Duration.ofSeconds(5)).build();
    CountDownLatch never = new CountDownLatch(1);
    Delivery dying = startWithHook(config, never::await);
    assertThat(shop.awaitProcessed(1, Duration.ofSeconds(20))).isTrue();
    await("worker done", () -> dying.inFlight() == 0);
    dying.kill(); // the 200 was received, its recording never written
    OutboxRecord orphan = row(id);
    assertThat(orphan.deliveredAt()).isEmpty();
    assertThat(orphan.attempts()).isZero();
    assertThat(attempts(id)).isEmpty();

    Delivery survivor =
        start(config().node("node-b").responseTimeout(Duration.ofSeconds(5)).build());
    clock.advance(config.lease().plusSeconds(5));
    survivor.wake();
    awaitDelivered(id);
    String webhookId = row(id).webhookId();
    assertThat(shop.received()).hasSize(2).allSatisfy(r -> assertThat(r.id()).isEqualTo(webhookId));
    assertThat(shop.processedIds()).containsExactly(webhookId);
    assertThat(shop.duplicates()).isEqualTo(1);
    assertThat(row(id).attempts()).isEqualTo(1);
    await("listener told", () -> listener.delivered.size() == 1);
  }

  Delivery startWithHook(DeliveryConfig config, Delivery.RecordHook hook) {
    Delivery d =
        Delivery.builder(store, endpoints, config)
            .clock(clock)
            .listener(listener)
            .meters(meters)
            .beforeRecording(hook)
            .build();
    toClose.add(d);
    d.start();
    return d;
  }

  /** Records listener calls; thread-safe. */
  static final class RecordingListener implements DeliveryListener {
    final List<OutboxItem> delivered = Collections.synchronizedList(new ArrayList<>());
    final List<OutboxItem> dead = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void delivered(OutboxItem item, Instant at) {
      delivered.add(item);
    }

    @Override
    public void deadLettered(OutboxItem item, Instant at) {
      dead.add(item);
    }
  }
}
