package dev.fangxin.gateway.ops;

import dev.fangxin.gateway.http.Route;
import dev.fangxin.gateway.http.RouteResponse;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway's meters: a {@link PrometheusMeterRegistry} that every component records into, the
 * {@code GET /metrics} route that exposes it, JVM and process binders, and gauges derived from the
 * store.
 *
 * <p><b>Store-derived gauges</b> (one query computes all of them):
 *
 * <ul>
 *   <li>{@code fangxin.outbox.due} — outbox rows neither delivered nor dead whose {@code due_at}
 *       has come (in flight or waiting), i.e. the queue depth;
 *   <li>{@code fangxin.outbox.oldest_due.age} (seconds) — how long the oldest of those rows has
 *       been due, 0 when there is none;
 *   <li>{@code fangxin.cases} tag {@code state} — cases by state ({@code received}, {@code
 *       delivered}, {@code acknowledged}, {@code answered}, {@code resolved}, {@code escalated},
 *       plus any other state found; a stored {@code CASE_STATE_RESOLVED} is reported as {@code
 *       resolved});
 *   <li>{@code fangxin.cases.self_resolution.ratio} — resolved / (resolved + escalated), NaN while
 *       no case has reached either.
 * </ul>
 *
 * The query runs at most once per refresh interval, measured on the injected clock: a scrape finds
 * the last result fresh and reuses it, so a burst of scrapes costs one query. A failed query keeps
 * the previous values and counts {@code fangxin.metrics.refreshes{outcome="failed"}}.
 *
 * <p>Thread-safe. {@link #close()} unbinds the binders and closes the registry.
 */
public final class Metrics implements AutoCloseable {
  /** The Prometheus text exposition format 0.0.4 content type served by {@code /metrics}. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** Case states reported even when no case is in them. */
  public static final List<String> KNOWN_STATES =
      List.of("received", "delivered", "acknowledged", "answered", "resolved", "escalated");

  private static final Logger LOG = Logger.getLogger(Metrics.class.getName());

  private static final String SNAPSHOT_SQL =
      "SELECT 'o' AS kind, CAST(NULL AS VARCHAR(32)) AS state, COUNT(*) AS n,"
          + " MIN(due_at) AS oldest FROM outbox"
          + " WHERE delivered_at IS NULL AND dead_at IS NULL AND due_at <= ?"
          + " UNION ALL"
          + " SELECT 'c', state, COUNT(*), CAST(NULL AS BIGINT) FROM cases GROUP BY state";

  private final PrometheusMeterRegistry registry;
  private final Store store;
  private final Clock clock;
  private final Duration refreshInterval;
  private final JvmGcMetrics gc;
  private final Counter refreshed;
  private final Counter refreshFailed;
  private final Map<String, Long> casesByState = new ConcurrentHashMap<>();
  private final Object refreshLock = new Object();
  private volatile long due;
  private volatile long oldestDueAgeSeconds;
  private volatile Instant lastRefresh;

  private Metrics(Store store, Clock clock, Duration refreshInterval) {
    this.store = store;
    this.clock = clock;
    this.refreshInterval = refreshInterval;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    this.gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    this.refreshed =
        Counter.builder("fangxin.metrics.refreshes")
            .description("Runs of the query behind the store-derived gauges")
            .tag("outcome", "ok")
            .register(registry);
    this.refreshFailed =
        Counter.builder("fangxin.metrics.refreshes").tag("outcome", "failed").register(registry);
    Gauge.builder("fangxin.outbox.due", this, m -> m.due)
        .description("Outbox rows due now (neither delivered nor dead)")
        .register(registry);
    Gauge.builder("fangxin.outbox.oldest_due.age", this, m -> m.oldestDueAgeSeconds)
        .description("How long the oldest due outbox row has been due")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("fangxin.cases.self_resolution.ratio", this, Metrics::selfResolutionRatio)
        .description("Cases resolved by the merchant / (resolved + escalated)")
        .register(registry);
    for (String state : KNOWN_STATES) {
      stateGauge(state);
    }
  }

  /**
   * Creates the registry, binds the JVM and process meters and registers the store-derived gauges
   * (which read 0 until the first refresh).
   *
   * @param store the store the gauges are computed from
   * @param clock the clock for "now" in the query and for the refresh interval
   * @param refreshInterval the store-derived gauges are recomputed at most this often; positive
   * @throws IllegalArgumentException if {@code refreshInterval} is zero or negative
   */
  public static Metrics create(Store store, Clock clock, Duration refreshInterval) {
    Objects.requireNonNull(store, "store == null");
    Objects.requireNonNull(clock, "clock == null");
    Objects.requireNonNull(refreshInterval, "refreshInterval == null");
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException(
          "refreshInterval must be positive, got " + refreshInterval + ".");
    }
    return new Metrics(store, clock, refreshInterval);
  }

  /** The registry every component records into. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The same registry typed as the interface components take. */
  public MeterRegistry meterRegistry() {
    return registry;
  }

  /**
   * {@code GET /metrics}: refreshes the store-derived gauges if they are older than the refresh
   * interval, then answers the Prometheus text format with {@link #CONTENT_TYPE}. Runs on a worker.
   */
  public Route route() {
    return Route.of(
        "GET",
        "/metrics",
        r -> RouteResponse.of(200, CONTENT_TYPE, scrape().getBytes(StandardCharsets.UTF_8)));
  }

  /** Refreshes stale store-derived gauges, then renders every meter in Prometheus text format. */
  public String scrape() {
    refreshIfStale();
    return registry.scrape();
  }

  /**
   * Runs the store query unless the last successful run is younger than the refresh interval.
   * Concurrent callers wait for one query instead of running their own. A failure is logged and
   * counted; the previous values stay.
   *
   * @return whether a query ran and succeeded
   */
  public boolean refreshIfStale() {
    synchronized (refreshLock) {
      Instant last = lastRefresh;
      if (last != null && clock.instant().isBefore(last.plus(refreshInterval))) {
        return false;
      }
      try {
        refresh();
        return true;
      } catch (StoreException e) {
        LOG.log(Level.WARNING, "metrics refresh failed reason={0}", e.reason());
        return false;
      }
    }
  }

  /**
   * Runs the store query now, whatever the interval.
   *
   * @throws StoreException if the query fails (counted as a failed refresh)
   */
  public void refresh() {
    synchronized (refreshLock) {
      Instant now = clock.instant();
      long nowSeconds = now.getEpochSecond();
      try {
        store.inTransaction(tx -> query(tx, nowSeconds));
      } catch (StoreException e) {
        refreshFailed.increment();
        throw e;
      }
      lastRefresh = now;
      refreshed.increment();
    }
  }

  private Void query(Connection tx, long nowSeconds) throws SQLException {
    long newDue = 0;
    long newAge = 0;
    Map<String, Long> states = new java.util.HashMap<>();
    try (PreparedStatement ps = tx.prepareStatement(SNAPSHOT_SQL)) {
      ps.setLong(1, nowSeconds);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if ("o".equals(rs.getString(1))) {
            newDue = rs.getLong(3);
            long oldest = rs.getLong(4);
            newAge = rs.wasNull() ? 0 : Math.max(0, nowSeconds - oldest);
          } else {
            states.merge(normalizeState(rs.getString(2)), rs.getLong(3), Long::sum);
          }
        }
      }
    }
    due = newDue;
    oldestDueAgeSeconds = newAge;
    for (String state : casesByState.keySet()) {
      if (!states.containsKey(state)) {
        casesByState.put(state, 0L);
      }
    }
    for (Map.Entry<String, Long> e : states.entrySet()) {
      if (!casesByState.containsKey(e.getKey())) {
        stateGauge(e.getKey());
      }
      casesByState.put(e.getKey(), e.getValue());
    }
    return null;
  }

  private void stateGauge(String state) {
    casesByState.putIfAbsent(state, 0L);
    Gauge.builder("fangxin.cases", casesByState, m -> m.getOrDefault(state, 0L))
        .description("Cases by state")
        .tag("state", state)
        .register(registry);
  }

  /** {@code CASE_STATE_RESOLVED}, {@code RESOLVED} and {@code resolved} are all "resolved". */
  static String normalizeState(String stored) {
    String s = stored == null ? "unknown" : stored.strip().toLowerCase(Locale.ROOT);
    return s.startsWith("case_state_") ? s.substring("case_state_".length()) : s;
  }

  private double selfResolutionRatio() {
    long resolved = casesByState.getOrDefault("resolved", 0L);
    long escalated = casesByState.getOrDefault("escalated", 0L);
    return resolved + escalated == 0 ? Double.NaN : (double) resolved / (resolved + escalated);
  }

  /** Unbinds the garbage-collection listener and closes the registry. Idempotent. */
  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
