package dev.fangxin.bench.delivery;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Optional;

/**
 * CPU time spent by this JVM, by the loopback receiver's threads within it, and by a PostgreSQL
 * server process tree, so a benchmark can report CPU per webhook next to webhooks per second: on a
 * shared host the first depends far less on the neighbours than the second. Not thread-safe.
 */
final class CpuMeter {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final String receiverPrefix;
  private final Optional<ProcessHandle> postgres;

  /**
   * Measures threads whose names start with {@code receiverPrefix} as the receiver, and {@code
   * postgres} (the postmaster) with all its descendants as the database.
   */
  CpuMeter(String receiverPrefix, Optional<ProcessHandle> postgres) {
    this.receiverPrefix = receiverPrefix;
    this.postgres = postgres;
  }

  /**
   * CPU nanoseconds of the live Java threads so far, summed by name (digits dropped), for a
   * breakdown; threads that ended are missing, and the JVM's own (JIT, GC) are not Java threads.
   */
  java.util.Map<String, Long> byThread() {
    java.util.Map<String, Long> m = new java.util.TreeMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null) {
        long t = threads.getThreadCpuTime(info.getThreadId());
        if (t > 0) {
          m.merge(info.getThreadName().replaceAll("[0-9]+", "N"), t, Long::sum);
        }
      }
    }
    return m;
  }

  /** Per-thread-group CPU microseconds per webhook between two {@link #byThread()} samples. */
  static String breakdown(
      java.util.Map<String, Long> before, java.util.Map<String, Long> after, long webhooks) {
    StringBuilder sb = new StringBuilder("CPU per webhook by thread (us):");
    for (var e : after.entrySet()) {
      double us = (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1e3 / webhooks;
      if (us >= 1) {
        sb.append(String.format(java.util.Locale.ROOT, " %s=%.0f", e.getKey(), us));
      }
    }
    return sb.toString();
  }

  /** CPU nanoseconds so far: JVM process, receiver threads, database processes (or -1). */
  long[] sample() {
    long receiver = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(receiverPrefix)) {
        long t = threads.getThreadCpuTime(info.getThreadId());
        if (t > 0) {
          receiver += t;
        }
      }
    }
    long db = -1;
    if (postgres.isPresent()) {
      db = cpu(postgres.get());
      db += postgres.get().descendants().mapToLong(CpuMeter::cpu).sum();
    }
    return new long[] {os.getProcessCpuTime(), receiver, db};
  }

  private static long cpu(ProcessHandle p) {
    return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  /**
   * One line: CPU microseconds per webhook between {@code before} and {@code after} for the gateway
   * side (the JVM minus the receiver threads), the receiver and the database.
   */
  static String perWebhook(long[] before, long[] after, long webhooks) {
    double jvm = (after[0] - before[0]) / 1e3 / webhooks;
    double receiver = (after[1] - before[1]) / 1e3 / webhooks;
    String db =
        before[2] < 0
            ? "n/a"
            : String.format(java.util.Locale.ROOT, "%.0f", (after[2] - before[2]) / 1e3 / webhooks);
    return String.format(
        java.util.Locale.ROOT,
        "CPU per webhook: gateway JVM %.0f us, receiver %.0f us, PostgreSQL %s us",
        jvm - receiver,
        receiver,
        db);
  }
}
