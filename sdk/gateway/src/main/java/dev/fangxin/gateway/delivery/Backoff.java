package dev.fangxin.gateway.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * When to try a failed delivery again, and when to give up.
 *
 * <p><b>Schedule.</b> After the {@code n}-th failed attempt the next one waits a delay drawn
 * uniformly from {@code [floor, min(cap, base · 2^(n-1))]} ("full jitter", so that many rows
 * failing together do not retry together), or longer if the receiver asked for it with {@code
 * Retry-After} (seconds or an HTTP date), which is honoured up to {@link #maxRetryAfter()}. The
 * floor is 1 second, or the base if that is shorter (a base from 100 ms, for tests and drills that
 * want retries within seconds).
 *
 * <p><b>Horizon.</b> A row is dead-lettered only after a failed attempt that is at least its {@link
 * #minAttempts()}-th and that started at least {@link #horizon()} after the row was enqueued; until
 * both hold it is retried. So every row is tried at least {@value #MIN_ATTEMPTS} times over at
 * least 7 days ({@link #MIN_HORIZON}); this class refuses anything shorter. With the defaults (base
 * 30 s, cap 6 h) a row that always fails is tried roughly 50 times over 7 days.
 *
 * <p>Immutable and thread-safe. The default randomness is {@link ThreadLocalRandom}; a generator
 * given to {@link Builder#random} (seeded, for tests) is used under its own lock.
 */
public final class Backoff {
  /** The shortest horizon accepted: 7 days, as the issue requires. */
  public static final Duration MIN_HORIZON = Duration.ofDays(7);

  /** The fewest attempts before a dead letter accepted, as the issue requires. */
  public static final int MIN_ATTEMPTS = 12;

  private static final Duration FLOOR = Duration.ofSeconds(1);
  private static final Duration MIN_BASE = Duration.ofMillis(100);

  /** What to do after a failed attempt. Immutable. */
  public static final class Decision {
    private final Instant retryAt;

    private Decision(Instant retryAt) {
      this.retryAt = retryAt;
    }

    /** Whether the row is to be dead-lettered. */
    public boolean dead() {
      return retryAt == null;
    }

    /** When to try again; empty for a dead letter. */
    public Optional<Instant> retryAt() {
      return Optional.ofNullable(retryAt);
    }

    @Override
    public String toString() {
      return retryAt == null ? "Decision{dead}" : "Decision{retry at " + retryAt + "}";
    }
  }

  private final Duration base;
  private final Duration cap;
  private final Duration horizon;
  private final int minAttempts;
  private final Duration maxRetryAfter;
  private final RandomGenerator random;

  private Backoff(Builder b) {
    this.base = b.base;
    this.cap = b.cap;
    this.horizon = b.horizon;
    this.minAttempts = b.minAttempts;
    this.maxRetryAfter = b.maxRetryAfter;
    this.random = b.random;
  }

  /** Base 30 s, cap 6 h, horizon 7 days, at least 12 attempts, {@code Retry-After} up to 6 h. */
  public static Backoff defaults() {
    return builder().build();
  }

  /** A builder starting from the {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The first retry's upper bound. */
  public Duration base() {
    return base;
  }

  /** The largest jittered delay. */
  public Duration cap() {
    return cap;
  }

  /** How long after enqueueing a row may be dead-lettered. */
  public Duration horizon() {
    return horizon;
  }

  /** How many attempts a row gets at least. */
  public int minAttempts() {
    return minAttempts;
  }

  /** The longest {@code Retry-After} honoured; longer requests are cut to this. */
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  /**
   * Decides what follows a failed attempt.
   *
   * @param attemptsMade attempts made so far, the failed one included (at least 1)
   * @param createdAt when the row was enqueued
   * @param attemptAt when the failed attempt started
   * @param retryAfter what the receiver asked for, if anything (see {@link #parseRetryAfter})
   * @throws IllegalArgumentException if {@code attemptsMade < 1}
   */
  public Decision next(
      int attemptsMade, Instant createdAt, Instant attemptAt, Optional<Duration> retryAfter) {
    Objects.requireNonNull(createdAt, "createdAt == null");
    Objects.requireNonNull(attemptAt, "attemptAt == null");
    Objects.requireNonNull(retryAfter, "retryAfter == null");
    if (attemptsMade < 1) {
      throw new IllegalArgumentException("attemptsMade must be >= 1, was " + attemptsMade);
    }
    if (attemptsMade >= minAttempts && !attemptAt.isBefore(createdAt.plus(horizon))) {
      return new Decision(null);
    }
    Duration delay = delay(attemptsMade);
    if (retryAfter.isPresent()) {
      Duration asked = retryAfter.get();
      if (asked.compareTo(maxRetryAfter) > 0) {
        asked = maxRetryAfter;
      }
      if (asked.compareTo(delay) > 0) {
        delay = asked;
      }
    }
    return new Decision(attemptAt.plus(delay));
  }

  /**
   * The jittered delay after {@code attemptsMade} failed attempts: uniform in {@code [min(1 s,
   * base), min(cap, base · 2^(attemptsMade-1))]}, in whole milliseconds.
   */
  public Duration delay(int attemptsMade) {
    if (attemptsMade < 1) {
      throw new IllegalArgumentException("attemptsMade must be >= 1, was " + attemptsMade);
    }
    long ceiling = ceiling(attemptsMade).toMillis();
    long floor = Math.min(FLOOR.toMillis(), base.toMillis());
    if (ceiling <= floor) {
      return Duration.ofMillis(floor);
    }
    long span = ceiling - floor;
    long drawn;
    if (random == null) {
      drawn = ThreadLocalRandom.current().nextLong(span + 1);
    } else {
      synchronized (random) {
        drawn = random.nextLong(span + 1);
      }
    }
    return Duration.ofMillis(floor + drawn);
  }

  /** The upper bound of {@link #delay}: {@code min(cap, base · 2^(attemptsMade-1))}. */
  public Duration ceiling(int attemptsMade) {
    int shift = Math.min(attemptsMade - 1, 40);
    long millis = base.toMillis();
    long bound = millis > (cap.toMillis() >> shift) ? cap.toMillis() : millis << shift;
    return Duration.ofMillis(Math.min(bound, cap.toMillis()));
  }

  /**
   * Reads a {@code Retry-After} header value: delay-seconds ({@code "120"}) or an IMF-fixdate
   * ({@code "Wed, 21 Oct 2026 07:28:00 GMT"}), relative to {@code now}. A date in the past means no
   * wait.
   *
   * @return the requested wait (never negative), or empty if the value is absent or malformed
   */
  public static Optional<Duration> parseRetryAfter(String value, Instant now) {
    Objects.requireNonNull(now, "now == null");
    if (value == null) {
      return Optional.empty();
    }
    String v = value.trim();
    if (v.isEmpty() || v.length() > 64) {
      return Optional.empty();
    }
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (v.length() > 12) {
        return Optional.of(Duration.ofSeconds(999_999_999_999L));
      }
      return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "Backoff{base="
        + base
        + ", cap="
        + cap
        + ", horizon="
        + horizon
        + ", minAttempts="
        + minAttempts
        + ", maxRetryAfter="
        + maxRetryAfter
        + "}";
  }

  /** Collects the schedule's parameters. Not thread-safe; build once and share the result. */
  public static final class Builder {
    private Duration base = Duration.ofSeconds(30);
    private Duration cap = Duration.ofHours(6);
    private Duration horizon = MIN_HORIZON;
    private int minAttempts = MIN_ATTEMPTS;
    private Duration maxRetryAfter = Duration.ofHours(6);
    private RandomGenerator random;

    private Builder() {}

    /** Upper bound of the first retry's delay; 100 ms to 1 hour. Default 30 s. */
    public Builder base(Duration base) {
      this.base = Objects.requireNonNull(base, "base == null");
      return this;
    }

    /** Largest jittered delay; at least {@code base}, at most 1 day. Default 6 h. */
    public Builder cap(Duration cap) {
      this.cap = Objects.requireNonNull(cap, "cap == null");
      return this;
    }

    /** How long rows are retried at least; 7 to 90 days. Default 7 days. */
    public Builder horizon(Duration horizon) {
      this.horizon = Objects.requireNonNull(horizon, "horizon == null");
      return this;
    }

    /** How many attempts a row gets at least; 12 to 1000. Default 12. */
    public Builder minAttempts(int minAttempts) {
      this.minAttempts = minAttempts;
      return this;
    }

    /** The longest {@code Retry-After} honoured; 0 to 1 day. Default 6 h. */
    public Builder maxRetryAfter(Duration maxRetryAfter) {
      this.maxRetryAfter = Objects.requireNonNull(maxRetryAfter, "maxRetryAfter == null");
      return this;
    }

    /** The jitter's source; pass a seeded generator only in tests. Default: ThreadLocalRandom. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random == null");
      return this;
    }

    /**
     * The backoff.
     *
     * @throws DeliveryException {@code INVALID_CONFIG} naming the value out of range
     */
    public Backoff build() {
      check(
          base.compareTo(MIN_BASE) >= 0 && base.compareTo(Duration.ofHours(1)) <= 0,
          "The backoff base must be between 100 ms and 1 hour, was " + base + ".");
      check(
          cap.compareTo(base) >= 0 && cap.compareTo(Duration.ofDays(1)) <= 0,
          "The backoff cap must be between the base (" + base + ") and 1 day, was " + cap + ".");
      check(
          horizon.compareTo(MIN_HORIZON) >= 0 && horizon.compareTo(Duration.ofDays(90)) <= 0,
          "The retry horizon must be between 7 and 90 days, was " + horizon + ".");
      check(
          minAttempts >= MIN_ATTEMPTS && minAttempts <= 1000,
          "The minimum number of attempts must be between 12 and 1000, was " + minAttempts + ".");
      check(
          !maxRetryAfter.isNegative() && maxRetryAfter.compareTo(Duration.ofDays(1)) <= 0,
          "The longest Retry-After honoured must be between 0 and 1 day, was "
              + maxRetryAfter
              + ".");
      return new Backoff(this);
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new DeliveryException(DeliveryException.Reason.INVALID_CONFIG, message);
      }
    }
  }
}
