package dev.fangxin.gateway.http;

import java.time.Duration;

/** Counts requests between dispatch and response write; thread-safe. */
final class InFlight {
  private int count;
  private volatile boolean draining;

  synchronized void begin() {
    count++;
  }

  synchronized void end() {
    count--;
    if (count == 0) {
      notifyAll();
    }
  }

  void startDraining() {
    draining = true;
  }

  /** Whether new responses should close their connection because the server is shutting down. */
  boolean draining() {
    return draining;
  }

  /** Waits until no request is in flight or {@code timeout} passes; true if drained. */
  synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (count > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
