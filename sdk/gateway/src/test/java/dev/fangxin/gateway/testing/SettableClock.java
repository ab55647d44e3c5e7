package dev.fangxin.gateway.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A UTC clock that stands still until moved, safe to share between a test thread and the gateway's
 * worker threads (the instant is volatile; {@link #advance} is atomic). Lets delivery tests run
 * days of retries in milliseconds.
 */
public final class SettableClock extends Clock {
  private volatile Instant now;

  /** A clock showing {@code start}. */
  public SettableClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start == null");
  }

  /** Moves the clock forward by {@code d} (backward if negative). */
  public synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  /** Sets the clock to {@code instant}. */
  public synchronized void set(Instant instant) {
    now = Objects.requireNonNull(instant, "instant == null");
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("fixed to UTC");
  }
}
