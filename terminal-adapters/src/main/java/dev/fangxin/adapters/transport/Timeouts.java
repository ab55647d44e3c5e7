package dev.fangxin.adapters.transport;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Timeout arithmetic and the one shared watchdog thread. Package-private helpers. */
final class Timeouts {
  private Timeouts() {}

  /** Checks a per-call read timeout: not null, not negative. */
  static Duration checkReadTimeout(Duration timeout) {
    requireNonNull(timeout, "timeout == null");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout < 0: " + timeout);
    }
    return timeout;
  }

  /** Checks a transport's write or connect timeout: positive, at most Integer.MAX_VALUE ms. */
  static Duration checkPositive(String name, Duration timeout) {
    requireNonNull(timeout, name + " == null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new TransportException(
          TransportException.Reason.BAD_CONFIGURATION,
          "The " + name + " must be positive; got " + timeout + ".");
    }
    if (timeout.compareTo(Duration.ofMillis(SerialSettings.MAX_TIMEOUT_MILLIS)) > 0) {
      throw new TransportException(
          TransportException.Reason.BAD_CONFIGURATION,
          "The "
              + name
              + " must be at most "
              + SerialSettings.MAX_TIMEOUT_MILLIS
              + " ms; got "
              + timeout
              + ".");
    }
    return timeout;
  }

  /** Nanoseconds of {@code d}, saturating at Long.MAX_VALUE. */
  static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** The deadline {@code nanos} from now on the {@link System#nanoTime()} clock, saturating. */
  static long deadline(long nanos) {
    long now = System.nanoTime();
    long deadline = now + nanos;
    return deadline - now < 0 ? now + Long.MAX_VALUE : deadline;
  }

  /** Whole milliseconds covering {@code nanos} (rounded up), at least 1, at most Integer.MAX. */
  static int ceilMillis(long nanos) {
    long ms = (nanos + 999_999) / 1_000_000;
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
  }

  /** Milliseconds for messages. */
  static long millis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * The watchdog that ends writes which do not finish in time. One daemon thread for the whole JVM,
   * created on first use; its tasks only close ports and sockets, never block.
   */
  static ScheduledExecutorService watchdog() {
    return WatchdogHolder.EXECUTOR;
  }

  private static final class WatchdogHolder {
    static final ScheduledExecutorService EXECUTOR = create();

    private static ScheduledExecutorService create() {
      ScheduledThreadPoolExecutor e =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "fangxin-transport-watchdog");
                t.setDaemon(true);
                return t;
              });
      e.setRemoveOnCancelPolicy(true);
      e.setKeepAliveTime(30, TimeUnit.SECONDS);
      e.allowCoreThreadTimeOut(true);
      return e;
    }
  }
}
