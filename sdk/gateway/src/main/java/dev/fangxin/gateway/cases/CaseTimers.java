package dev.fangxin.gateway.cases;

import dev.fangxin.gateway.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fires the merchant deadline: finds cases still waiting for their merchant ({@code received},
 * {@code delivered}, {@code acknowledged}) whose {@code deadline_at} has passed, and applies {@code
 * DEADLINE_PASSED} to each through {@link CaseService#escalateIfDue}, which escalates it to the
 * regulator. Each run first moves to {@code delivered} the cases whose {@code case.created} the
 * merchant accepted while the gateway that sent it stopped before saying so ({@link
 * CaseService#recordMissedDeliveries}).
 *
 * <p><b>Several gateways on one database.</b> Every instance may run; each case is escalated once.
 * Two timers may pick the same case, but {@link CaseService#escalateIfDue} locks the case row and
 * re-checks it under the lock: the second finds it escalated and does nothing.
 *
 * <p><b>Time.</b> {@link #runOnce(Instant)} takes the instant to judge deadlines by, so tests drive
 * it with a mutable clock; the periodic thread started by {@link #start()} passes the injected
 * clock's reading every {@code interval}.
 *
 * <p>Thread-safe. {@link #start()} and {@link #close()} may be called from any thread; the periodic
 * work runs on one daemon thread of its own named {@code fangxin-case-timers}.
 */
public final class CaseTimers implements AutoCloseable {
  /** Most cases one {@link #runOnce} escalates; more are left for the next run. */
  public static final int BATCH = 100;

  private static final Logger LOG = Logger.getLogger(CaseTimers.class.getName());

  private final CaseService service;
  private final Store store;
  private final Clock clock;
  private final Duration interval;
  private ScheduledExecutorService executor;
  private boolean closed;

  private CaseTimers(CaseService service, Store store, Clock clock, Duration interval) {
    this.service = service;
    this.store = store;
    this.clock = clock;
    this.interval = interval;
  }

  /**
   * Timers for {@code service}'s cases.
   *
   * @param interval how often the periodic thread looks, at least 1 millisecond
   * @throws IllegalArgumentException if the interval is shorter
   */
  public static CaseTimers create(CaseService service, Clock clock, Duration interval) {
    Objects.requireNonNull(service, "service == null");
    Objects.requireNonNull(clock, "clock == null");
    Objects.requireNonNull(interval, "interval == null");
    if (interval.toMillis() < 1) {
      throw new IllegalArgumentException("interval must be at least 1 ms, got " + interval + ".");
    }
    return new CaseTimers(service, service.caseStore().store(), clock, interval);
  }

  /**
   * Escalates every case whose deadline is at or before {@code now} and that is still waiting for
   * its merchant, up to {@value #BATCH}; blocks until done. First records deliveries a stopped
   * gateway accepted but did not apply to their cases ({@link CaseService#recordMissedDeliveries}).
   *
   * @return how many cases this call escalated (cases another timer escalated first do not count)
   */
  public int runOnce(Instant now) {
    Objects.requireNonNull(now, "now == null");
    try {
      service.recordMissedDeliveries(BATCH);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "missed deliveries not recorded; retried next run", e);
    }
    List<String> due =
        store.inTransaction(tx -> service.caseStore().dueForDeadline(tx, now, BATCH));
    int escalated = 0;
    for (String caseId : due) {
      try {
        if (service.escalateIfDue(caseId, now)) {
          escalated++;
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "case=" + caseId + " deadline not applied; retried next run", e);
      }
    }
    return escalated;
  }

  /**
   * Starts the periodic thread: {@link #runOnce} with the clock's reading every interval.
   *
   * @throws IllegalStateException if already started or closed
   */
  public synchronized void start() {
    if (executor != null || closed) {
      throw new IllegalStateException("CaseTimers already started (or closed).");
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fangxin-case-timers");
              t.setDaemon(true);
              return t;
            });
    long millis = interval.toMillis();
    executor.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      runOnce(clock.instant());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "case timers run failed; trying again next interval", e);
    }
  }

  /** Stops the periodic thread, waiting up to 10 seconds for a run in progress. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    if (executor == null || executor.isShutdown()) {
      return;
    }
    executor.shutdown();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
