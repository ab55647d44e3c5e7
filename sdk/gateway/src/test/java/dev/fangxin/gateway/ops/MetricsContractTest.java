package dev.fangxin.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fangxin.gateway.cases.MutableClock;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store-derived gauges on every supported database, checked in the Prometheus text output. */
abstract class MetricsContractTest {
  static final Instant T0 = Instant.ofEpochSecond(1_767_225_600L); // 2026-01-01T00:00:00Z

  final MutableClock clock = new MutableClock(T0);
  Store store;
  Metrics metrics;

  abstract StoreConfig freshDatabase() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = Store.open(freshDatabase());
    metrics = Metrics.create(store, clock, Duration.ofSeconds(30));
  }

  @AfterEach
  void close() {
    if (metrics != null) {
      metrics.close();
    }
    if (store != null) {
      store.close();
    }
  }

  /** The value of one series in a scrape, such as {@code fangxin_cases{state="received"}}. */
  static Optional<Double> value(String scrape, String series) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .map(l -> Double.parseDouble(l.substring(series.length() + 1).strip().split(" ")[0]))
        .findFirst();
  }

  void merchant(Connection tx, String id) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "INSERT INTO merchants (id, name, locale, time_zone, created_at) VALUES (?,?,?,?,?)")) {
      ps.setString(1, id);
      ps.setString(2, "Shop " + id);
      ps.setString(3, "zh-CN");
      ps.setString(4, "Asia/Shanghai");
      ps.setLong(5, T0.getEpochSecond());
      ps.executeUpdate();
    }
  }

  void caseIn(Connection tx, String id, String state) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "INSERT INTO cases (id, merchant_id, state, created_at, updated_at, payload)"
                + " VALUES (?, 'm1', ?, ?, ?, ?)")) {
      ps.setString(1, id);
      ps.setString(2, state);
      ps.setLong(3, T0.getEpochSecond());
      ps.setLong(4, T0.getEpochSecond());
      ps.setBytes(5, "{}".getBytes(StandardCharsets.UTF_8));
      ps.executeUpdate();
    }
  }

  long outbox(Instant due) {
    return store.inTransaction(
        tx ->
            store
                .outbox()
                .enqueueForMerchant(
                    tx, "m1", null, "case.created", "{}".getBytes(StandardCharsets.UTF_8), due));
  }

  @Test
  void beforeAnyRowEveryGaugeIsZeroAndTheRatioIsUndefined() {
    String s = metrics.scrape();
    assertThat(value(s, "fangxin_outbox_due")).contains(0.0);
    assertThat(value(s, "fangxin_outbox_oldest_due_age_seconds")).contains(0.0);
    for (String state : Metrics.KNOWN_STATES) {
      assertThat(value(s, "fangxin_cases{state=\"" + state + "\"}")).as(state).contains(0.0);
    }
    assertThat(value(s, "fangxin_cases_self_resolution_ratio")).get().matches(d -> d.isNaN());
    assertThat(value(s, "fangxin_metrics_refreshes_total{outcome=\"ok\"}")).contains(1.0);
  }

  @Test
  void gaugesCountWhatIsStored() {
    store.inTransaction(
        tx -> {
          merchant(tx, "m1");
          caseIn(tx, "c1", "received");
          caseIn(tx, "c2", "received");
          caseIn(tx, "c3", "delivered");
          caseIn(tx, "c4", "resolved");
          caseIn(tx, "c5", "resolved");
          caseIn(tx, "c6", "resolved");
          caseIn(tx, "c7", "escalated");
          caseIn(tx, "c8", "CASE_STATE_ANSWERED");
          return null;
        });
    outbox(T0.minusSeconds(120)); // due for two minutes: the oldest due
    outbox(T0.minusSeconds(30));
    outbox(T0); // due exactly now
    outbox(T0.plusSeconds(60)); // not due yet
    long delivered = outbox(T0.minusSeconds(500));
    store.outbox().markDelivered(delivered, T0.minusSeconds(499));
    long dead = outbox(T0.minusSeconds(400));
    store.outbox().markDead(dead, T0.minusSeconds(100));

    String s = metrics.scrape();
    assertThat(value(s, "fangxin_outbox_due")).contains(3.0);
    assertThat(value(s, "fangxin_outbox_oldest_due_age_seconds")).contains(120.0);
    assertThat(value(s, "fangxin_cases{state=\"received\"}")).contains(2.0);
    assertThat(value(s, "fangxin_cases{state=\"delivered\"}")).contains(1.0);
    assertThat(value(s, "fangxin_cases{state=\"acknowledged\"}")).contains(0.0);
    assertThat(value(s, "fangxin_cases{state=\"answered\"}")).contains(1.0);
    assertThat(value(s, "fangxin_cases{state=\"resolved\"}")).contains(3.0);
    assertThat(value(s, "fangxin_cases{state=\"escalated\"}")).contains(1.0);
    assertThat(value(s, "fangxin_cases_self_resolution_ratio")).contains(0.75);

    // A minute later the future row is due too and the oldest has aged.
    clock.advance(Duration.ofSeconds(60));
    metrics.refresh();
    s = metrics.scrape();
    assertThat(value(s, "fangxin_outbox_due")).contains(4.0);
    assertThat(value(s, "fangxin_outbox_oldest_due_age_seconds")).contains(180.0);
  }

  @Test
  void aScrapeStormRunsTheQueryAtMostOncePerInterval() {
    String s = metrics.scrape();
    assertThat(value(s, "fangxin_outbox_due")).contains(0.0);
    store.inTransaction(
        tx -> {
          merchant(tx, "m1");
          return null;
        });
    outbox(T0.minusSeconds(10));
    for (int i = 0; i < 50; i++) {
      s = metrics.scrape();
    }
    assertThat(value(s, "fangxin_outbox_due")).as("still the first snapshot").contains(0.0);
    assertThat(value(s, "fangxin_metrics_refreshes_total{outcome=\"ok\"}")).contains(1.0);
    clock.advance(Duration.ofSeconds(29));
    assertThat(value(metrics.scrape(), "fangxin_outbox_due")).contains(0.0);
    clock.advance(Duration.ofSeconds(1));
    s = metrics.scrape();
    assertThat(value(s, "fangxin_outbox_due")).contains(1.0);
    assertThat(value(s, "fangxin_metrics_refreshes_total{outcome=\"ok\"}")).contains(2.0);
  }

  @Test
  void aFailedQueryKeepsTheLastValuesAndIsCounted() {
    store.inTransaction(
        tx -> {
          merchant(tx, "m1");
          caseIn(tx, "c1", "resolved");
          return null;
        });
    metrics.refresh();
    store.close();
    clock.advance(Duration.ofMinutes(1));
    String s = metrics.scrape();
    assertThat(value(s, "fangxin_cases{state=\"resolved\"}")).contains(1.0);
    assertThat(value(s, "fangxin_metrics_refreshes_total{outcome=\"failed\"}")).contains(1.0);
  }

  @Test
  void jvmAndProcessMetersAreBound() {
    String s = metrics.scrape();
    assertThat(s)
        .contains("jvm_memory_used_bytes")
        .contains("jvm_threads_live_threads")
        .contains("process_uptime_seconds")
        .contains("jvm_classes_loaded_classes")
        .contains("# TYPE fangxin_outbox_due gauge");
  }
}
