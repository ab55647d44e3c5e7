package dev.fangxin.gateway.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fangxin.core.webhook.WebhookHeaders;
import dev.fangxin.core.webhook.WebhookVerifier;
import dev.fangxin.gateway.registry.Registry;
import dev.fangxin.gateway.store.OutboxItem;
import dev.fangxin.gateway.store.OutboxRecord;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import dev.fangxin.gateway.testing.SettableClock;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint store's contract, run on every database the gateway supports. */
abstract class EndpointsContractTest {
  static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");

  Store store;
  SettableClock clock;
  Endpoints endpoints;

  abstract StoreConfig freshDatabase() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = Store.open(freshDatabase());
    clock = new SettableClock(T0);
    endpoints = Endpoints.on(store, clock);
    Registry.on(store, clock).registerMerchant("X-SHOP-1", "Shop", "zh-CN", "Asia/Shanghai");
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void creatingAnEndpointMakesOneSecretShownOnce() {
    Endpoints.Setup setup =
        endpoints.put("X-SHOP-1", "https://shop.example/hooks", Endpoints.V1a.KEEP);
    assertThat(setup.created()).isTrue();
    assertThat(setup.newSecret()).isPresent();
    Endpoint e = setup.endpoint();
    assertThat(e.url().toString()).isEqualTo("https://shop.example/hooks");
    assertThat(e.secrets())
        .singleElement()
        .satisfies(
            s -> assertThat(s.secret().encoded()).isEqualTo(setup.newSecret().get().encoded()));
    assertThat(e.signingKey()).isEmpty();
    assertThat(e.paused()).isFalse();
    assertThat(e.toString()).doesNotContain(setup.newSecret().get().encoded());

    Endpoints.Setup moved =
        endpoints.put("X-SHOP-1", "https://new.example/hooks", Endpoints.V1a.KEEP);
    assertThat(moved.created()).isFalse();
    assertThat(moved.newSecret()).isEmpty();
    assertThat(moved.endpoint().secrets())
        .extracting(s -> s.secret().encoded())
        .containsExactly(setup.newSecret().get().encoded());
    assertThat(endpoints.current("X-SHOP-1", clock.instant()).orElseThrow().url().toString())
        .isEqualTo("https://new.example/hooks");
  }

  @Test
  void v1aKeysAreGeneratedKeptAndRemoved() {
    Endpoints.Setup on = endpoints.put("X-SHOP-1", "https://shop.example/h", Endpoints.V1a.ENABLE);
    var key = on.endpoint().publicKey().orElseThrow();
    assertThat(key.encoded()).startsWith("whpk_");
    // The stored key signs what the public key verifies.
    Endpoint e = endpoints.current("X-SHOP-1", clock.instant()).orElseThrow();
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    WebhookHeaders h = e.signer().sign("msg_1", clock.instant(), body);
    WebhookVerifier.builder().addPublicKey(key).clock(clock).build().verify(h, body);

    assertThat(
            endpoints
                .put("X-SHOP-1", "https://shop.example/h", Endpoints.V1a.ENABLE)
                .endpoint()
                .publicKey())
        .hasValue(key);
    assertThat(
            endpoints
                .put("X-SHOP-1", "https://shop.example/h", Endpoints.V1a.KEEP)
                .endpoint()
                .publicKey())
        .hasValue(key);
    assertThat(
            endpoints
                .put("X-SHOP-1", "https://shop.example/h", Endpoints.V1a.DISABLE)
                .endpoint()
                .publicKey())
        .isEmpty();
    assertThat(
            endpoints
                .put("X-SHOP-1", "https://shop.example/h", Endpoints.V1a.ENABLE)
                .endpoint()
                .publicKey())
        .get()
        .isNotEqualTo(key);
  }

  @Test
  void badUrlsAndUnknownMerchantsAreRefusedAndChangeNothing() {
    for (String[] c :
        new String[][] {
          {"ftp://shop.example/h", "The endpoint URL must start with https:// or http://."},
          {"/relative", "The endpoint URL must start with https:// or http://."},
          {
            "https://user:pw@shop.example/h",
            "The endpoint URL must not carry credentials (user:password@); authenticate webhooks by their signature."
          },
          {"https://shop.example/h#x", "The endpoint URL must not have a fragment (#…)."},
          {
            "https://shop example/h",
            "The endpoint URL must not contain spaces or control characters."
          },
          {"https:///nohost", "The endpoint URL must name a host."},
          {"", "The endpoint URL must be 1 to 2048 characters long."},
          {
            "https://shop.example/" + "a".repeat(2048),
            "The endpoint URL must be 1 to 2048 characters long."
          },
        }) {
      assertThatThrownBy(() -> endpoints.put("X-SHOP-1", c[0], Endpoints.V1a.KEEP))
          .as(c[0])
          .isInstanceOf(EndpointException.class)
          .hasMessage(c[1])
          .satisfies(
              e -> assertThat(((EndpointException) e).reason()).isEqualTo("endpoint.invalid_url"));
    }
    assertThat(endpoints.current("X-SHOP-1", clock.instant())).isEmpty();
    assertThatThrownBy(
            () -> endpoints.put("X-NOBODY", "https://shop.example/h", Endpoints.V1a.KEEP))
        .isInstanceOf(EndpointException.class)
        .hasMessage("No merchant with ID X-NOBODY is registered.");
    assertThatThrownBy(() -> endpoints.rotateSecret("X-SHOP-1", Duration.ZERO))
        .isInstanceOf(EndpointException.class)
        .satisfies(
            e -> assertThat(((EndpointException) e).reason()).isEqualTo("endpoint.not_configured"));
  }

  @Test
  void rotationOverlapsThenTheOldSecretStopsSigning() {
    var first =
        endpoints
            .put("X-SHOP-1", "https://shop.example/h", Endpoints.V1a.KEEP)
            .newSecret()
            .orElseThrow();
    clock.advance(Duration.ofMinutes(1));
    Endpoints.Rotation r = endpoints.rotateSecret("X-SHOP-1", Endpoints.DEFAULT_OVERLAP);
    assertThat(r.previousExpireAt()).isEqualTo(clock.instant().plus(Duration.ofHours(24)));
    Endpoint during = endpoints.current("X-SHOP-1", clock.instant()).orElseThrow();
    assertThat(during.secrets())
        .extracting(s -> s.secret().encoded())
        .containsExactly(r.secret().encoded(), first.encoded());
    assertThat(during.secrets().get(1).expiresAt()).hasValue(r.previousExpireAt());

    Instant justBefore = r.previousExpireAt().minusSeconds(1);
    assertThat(endpoints.current("X-SHOP-1", justBefore).orElseThrow().secrets()).hasSize(2);
    assertThat(endpoints.current("X-SHOP-1", r.previousExpireAt()).orElseThrow().secrets())
        .extracting(s -> s.secret().encoded())
        .containsExactly(r.secret().encoded());

    // A second rotation with no overlap retires every older secret at once.
    Endpoints.Rotation now = endpoints.rotateSecret("X-SHOP-1", Duration.ZERO);
    assertThat(endpoints.current("X-SHOP-1", clock.instant()).orElseThrow().secrets())
        .extracting(s -> s.secret().encoded())
        .containsExactly(now.secret().encoded());
    assertThatThrownBy(() -> endpoints.rotateSecret("X-SHOP-1", Duration.ofDays(8)))
        .isInstanceOf(EndpointException.class)
        .hasMessage("The rotation overlap must be between 0 and 7 days, was 691200 seconds.");
    assertThatThrownBy(() -> endpoints.rotateSecret("X-SHOP-1", Duration.ofSeconds(-1)))
        .isInstanceOf(EndpointException.class);
  }

  @Test
  void pausingEnqueuesNoticesToMerchantAndRegulatorInTheSameTransaction() {
    endpoints.put("X-SHOP-1", "https://shop.example/h", Endpoints.V1a.KEEP);
    assertThat(endpoints.recordFailure("X-SHOP-1")).isEqualTo(1);
    assertThat(endpoints.recordFailure("X-SHOP-1")).isEqualTo(2);
    assertThat(
            endpoints.notifyFailing("X-SHOP-1", "2 consecutive failed attempts", clock.instant()))
        .isTrue();
    assertThat(endpoints.notifyFailing("X-SHOP-1", "again", clock.instant()))
        .as("once per streak")
        .isFalse();
    assertThat(notices())
        .extracting(r -> r.eventType() + "->" + r.target().code())
        .containsExactly("endpoint.failing->merchant", "endpoint.failing->regulator");

    clock.advance(Duration.ofMinutes(1));
    Instant probe = clock.instant().plus(Duration.ofMinutes(10));
    assertThat(
            endpoints.pause("X-SHOP-1", "10 consecutive failed attempts", clock.instant(), probe))
        .isTrue();
    assertThat(endpoints.pause("X-SHOP-1", "again", clock.instant(), probe)).isFalse();
    Endpoint paused = endpoints.current("X-SHOP-1", clock.instant()).orElseThrow();
    assertThat(paused.paused()).isTrue();
    assertThat(paused.pausedReason()).hasValue("10 consecutive failed attempts");
    assertThat(paused.probeAt()).hasValue(probe);
    assertThat(endpoints.pausedCount()).isEqualTo(1);
    List<OutboxRecord> n = notices();
    assertThat(n)
        .extracting(r -> r.eventType() + "->" + r.target().code())
        .containsExactly(
            "endpoint.failing->merchant",
            "endpoint.failing->regulator",
            "endpoint.paused->merchant",
            "endpoint.paused->regulator");
    JsonObject body =
        JsonParser.parseString(new String(n.get(2).payload(), StandardCharsets.UTF_8))
            .getAsJsonObject();
    assertThat(body.get("type").getAsString()).isEqualTo("endpoint.paused");
    assertThat(body.get("timestamp").getAsString()).isEqualTo("2026-03-02T08:01:00Z");
    assertThat(body.getAsJsonObject("data").get("merchant_id").getAsString()).isEqualTo("X-SHOP-1");
    assertThat(body.getAsJsonObject("data").get("next_probe_at").getAsString())
        .isEqualTo("2026-03-02T08:11:00Z");
    assertThat(n.get(3).merchantId()).hasValue("X-SHOP-1");
    assertThat(n.get(3).target()).isEqualTo(OutboxItem.Target.REGULATOR);

    // Exactly one caller wins each probe slot.
    assertThat(endpoints.claimProbe("X-SHOP-1", clock.instant(), probe)).isFalse();
    assertThat(endpoints.claimProbe("X-SHOP-1", probe, probe.plusSeconds(600))).isTrue();
    assertThat(endpoints.claimProbe("X-SHOP-1", probe, probe.plusSeconds(600))).isFalse();
  }

  @Test
  void aPauseNeverHappensWithoutItsNotices() {
    endpoints.put("X-SHOP-1", "https://shop.example/h", Endpoints.V1a.KEEP);
    // Straight to pause, without a failing notice first: pause sends both.
    endpoints.pause("X-SHOP-1", "operator test", clock.instant(), clock.instant().plusSeconds(60));
    assertThat(notices())
        .extracting(OutboxRecord::eventType)
        .containsExactly(
            "endpoint.failing", "endpoint.failing", "endpoint.paused", "endpoint.paused");
  }

  @Test
  void resumingNotifiesClearsTheStreakAndMakesPendingRowsDue() {
    endpoints.put("X-SHOP-1", "https://shop.example/h", Endpoints.V1a.KEEP);
    long later =
        store.inTransaction(
            tx ->
                store
                    .outbox()
                    .enqueueForMerchant(
                        tx, "X-SHOP-1", null, "case.updated", new byte[] {'{', '}'}, T0));
    store.outbox().reschedule(later, T0.plus(Duration.ofHours(5)), 3);
    endpoints.recordFailure("X-SHOP-1");
    endpoints.pause("X-SHOP-1", "failing", clock.instant(), clock.instant().plusSeconds(600));
    assertThat(endpoints.resume("X-SHOP-1", clock.instant(), "resumed by test")).isTrue();
    assertThat(endpoints.resume("X-SHOP-1", clock.instant(), "again")).isFalse();
    Endpoint e = endpoints.current("X-SHOP-1", clock.instant()).orElseThrow();
    assertThat(e.paused()).isFalse();
    assertThat(e.consecutiveFailures()).isZero();
    assertThat(e.probeAt()).isEmpty();
    assertThat(store.outbox().find(later).orElseThrow().dueAt()).isEqualTo(clock.instant());
    assertThat(notices())
        .extracting(OutboxRecord::eventType)
        .endsWith("endpoint.resumed", "endpoint.resumed");
    assertThat(endpoints.pausedCount()).isZero();

    // A success ends a failure streak; on a paused endpoint it resumes it.
    endpoints.recordFailure("X-SHOP-1");
    assertThat(endpoints.recordSuccess("X-SHOP-1", clock.instant())).isFalse();
    assertThat(endpoints.current("X-SHOP-1", clock.instant()).orElseThrow().consecutiveFailures())
        .isZero();
    endpoints.pause("X-SHOP-1", "failing", clock.instant(), clock.instant());
    assertThat(endpoints.recordSuccess("X-SHOP-1", clock.instant())).isTrue();
    assertThat(endpoints.current("X-SHOP-1", clock.instant()).orElseThrow().paused()).isFalse();
  }

  List<OutboxRecord> notices() {
    List<Long> ids =
        store.inTransaction(
            tx -> {
              List<Long> out = new ArrayList<>();
              try (PreparedStatement s =
                      tx.prepareStatement(
                          "SELECT id FROM outbox WHERE event_type LIKE 'endpoint.%' ORDER BY id");
                  ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                  out.add(rows.getLong(1));
                }
              }
              return out;
            });
    List<OutboxRecord> out = new ArrayList<>();
    for (long id : ids) {
      out.add(store.outbox().find(id).orElseThrow());
    }
    return out;
  }
}
