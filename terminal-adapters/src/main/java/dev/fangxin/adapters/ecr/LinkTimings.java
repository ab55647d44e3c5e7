package dev.fangxin.adapters.ecr;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The timeouts of an {@link EcrLink}. Defaults ({@link #defaults()}):
 *
 * <ul>
 *   <li>{@link #ackTimeout()} 2 s: how long to wait for ACK or NAK after sending a frame before
 *       retransmitting it.
 *   <li>{@link #responseTimeout()} 90 s: how long to wait for the terminal's reply to a request. A
 *       sale includes the cardholder inserting a card and typing a PIN, and the terminal's own
 *       online authorization, so this is long.
 *   <li>{@link #interByteTimeout()} 500 ms: the longest quiet gap inside a frame before it counts
 *       as truncated.
 * </ul>
 *
 * Timing is measured with {@link System#nanoTime()}; how promptly a read wakes up depends on the
 * transport (a serial port may round timeouts to tenths of a second). Immutable and thread-safe.
 */
public final class LinkTimings {
  private static final LinkTimings DEFAULTS = builder().build();

  private final Duration ackTimeout;
  private final Duration responseTimeout;
  private final Duration interByteTimeout;

  private LinkTimings(Builder b) {
    this.ackTimeout = b.ackTimeout;
    this.responseTimeout = b.responseTimeout;
    this.interByteTimeout = b.interByteTimeout;
  }

  /** ACK 2 s, response 90 s, inter-byte 500 ms. */
  public static LinkTimings defaults() {
    return DEFAULTS;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these timings. */
  public Builder toBuilder() {
    return new Builder()
        .ackTimeout(ackTimeout)
        .responseTimeout(responseTimeout)
        .interByteTimeout(interByteTimeout);
  }

  /** How long to wait for ACK or NAK after sending a frame. */
  public Duration ackTimeout() {
    return ackTimeout;
  }

  /** How long to wait for the reply to a request. */
  public Duration responseTimeout() {
    return responseTimeout;
  }

  /** The longest quiet gap inside a frame. */
  public Duration interByteTimeout() {
    return interByteTimeout;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LinkTimings
        && ((LinkTimings) o).ackTimeout.equals(ackTimeout)
        && ((LinkTimings) o).responseTimeout.equals(responseTimeout)
        && ((LinkTimings) o).interByteTimeout.equals(interByteTimeout);
  }

  @Override
  public int hashCode() {
    return (ackTimeout.hashCode() * 31 + responseTimeout.hashCode()) * 31
        + interByteTimeout.hashCode();
  }

  @Override
  public String toString() {
    return "LinkTimings{ack "
        + ackTimeout.toMillis()
        + " ms, response "
        + responseTimeout.toMillis()
        + " ms, inter-byte "
        + interByteTimeout.toMillis()
        + " ms}";
  }

  /** Builds {@link LinkTimings}. Not thread-safe. */
  public static final class Builder {
    private Duration ackTimeout = Duration.ofSeconds(2);
    private Duration responseTimeout = Duration.ofSeconds(90);
    private Duration interByteTimeout = Duration.ofMillis(500);

    private Builder() {}

    /** How long to wait for ACK or NAK; positive. */
    public Builder ackTimeout(Duration d) {
      this.ackTimeout = positive(d, "ackTimeout");
      return this;
    }

    /** How long to wait for a reply; positive. */
    public Builder responseTimeout(Duration d) {
      this.responseTimeout = positive(d, "responseTimeout");
      return this;
    }

    /** The longest quiet gap inside a frame; positive. */
    public Builder interByteTimeout(Duration d) {
      this.interByteTimeout = positive(d, "interByteTimeout");
      return this;
    }

    /** The timings. */
    public LinkTimings build() {
      return new LinkTimings(this);
    }

    private static Duration positive(Duration d, String name) {
      requireNonNull(d, name + " == null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
