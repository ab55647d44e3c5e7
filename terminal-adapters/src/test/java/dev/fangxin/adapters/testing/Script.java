package dev.fangxin.adapters.testing;

import static java.util.Objects.requireNonNull;

import dev.fangxin.adapters.ecr.EcrResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * What {@link TerminalSimulator} does with one incoming message (a sale request or a last-result
 * query), like OkHttp's {@code MockResponse}: enqueue scripts in the order the messages will
 * arrive; each new message (not a retransmission) takes the next one, and when the queue is empty
 * the simulator behaves normally ({@link #normal()}: ACK, approve a sale, answer a query from
 * memory).
 *
 * <pre>{@code
 * sim.enqueue(Script.builder().nak(2).build());              // NAK twice, then ACK and approve
 * sim.enqueue(Script.builder().duplicates(2).build());       // approve, then send the response 2 more times
 * sim.enqueue(Script.withholdResponse());                    // ACK, charge, never answer
 * }</pre>
 *
 * Immutable and thread-safe.
 */
public final class Script {
  /** What becomes of the message once ACKed. */
  public enum Outcome {
    /** A sale is approved with the simulator's standard fields; a query is answered from memory. */
    NORMAL,
    /** A sale is declined with {@link Script#responseCode()}. */
    DECLINE,
    /** The given {@linkplain Script#response() response} is sent (and, for a sale, remembered). */
    RESPOND,
    /** A sale is approved and remembered but no response is sent; a query is not answered. */
    WITHHOLD,
    /** The terminal "crashes" after the ACK: nothing is sent and nothing is remembered. */
    CRASH
  }

  private static final Script NORMAL = builder().build();

  private final int naks;
  private final int ignores;
  private final boolean neverAck;
  private final Duration delay;
  private final byte[] noise;
  private final boolean badLrcFirst;
  private final int truncateFirst;
  private final int duplicates;
  private final Outcome outcome;
  private final String responseCode;
  private final EcrResponse response;

  private Script(Builder b) {
    this.naks = b.naks;
    this.ignores = b.ignores;
    this.neverAck = b.neverAck;
    this.delay = b.delay;
    this.noise = b.noise.clone();
    this.badLrcFirst = b.badLrcFirst;
    this.truncateFirst = b.truncateFirst;
    this.duplicates = b.duplicates;
    this.outcome = b.outcome;
    this.responseCode = b.responseCode;
    this.response = b.response;
  }

  /** A builder for normal behaviour, to be changed. */
  public static Builder builder() {
    return new Builder();
  }

  /** ACK and answer normally. */
  public static Script normal() {
    return NORMAL;
  }

  /** Never ACK or NAK: every transmission is met with silence. */
  public static Script neverAck() {
    return builder().neverAck().build();
  }

  /** ACK, perform and remember the sale, but never send its response. */
  public static Script withholdResponse() {
    return builder().withholdResponse().build();
  }

  /** ACK, then "crash": no response, and the sale is not remembered (it never happened). */
  public static Script crashAfterAck() {
    return builder().crashAfterAck().build();
  }

  /** ACK and decline with {@code responseCode}. */
  public static Script decline(String responseCode) {
    return builder().decline(responseCode).build();
  }

  /** ACK and send {@code response}. */
  public static Script respond(EcrResponse response) {
    return builder().respond(response).build();
  }

  /** The number of first transmissions answered with NAK. */
  public int naks() {
    return naks;
  }

  /** The number of transmissions after the NAKs met with silence. */
  public int ignores() {
    return ignores;
  }

  /** Whether no transmission is ever answered. */
  public boolean isNeverAck() {
    return neverAck;
  }

  /** The pause between the ACK and the response. */
  public Duration delay() {
    return delay;
  }

  /** Bytes written just before the first transmission of the response. */
  public byte[] noise() {
    return noise.clone();
  }

  /** Whether the first transmission of the response has a corrupted LRC. */
  public boolean badLrcFirst() {
    return badLrcFirst;
  }

  /** Bytes of the first response transmission actually sent, or -1 for all. */
  public int truncateFirst() {
    return truncateFirst;
  }

  /** Extra copies of the response sent after it was ACKed. */
  public int duplicates() {
    return duplicates;
  }

  /** The outcome. */
  public Outcome outcome() {
    return outcome;
  }

  /** The response code of a {@link Outcome#DECLINE}. */
  public String responseCode() {
    return responseCode;
  }

  /** The response of {@link Outcome#RESPOND}. */
  public Optional<EcrResponse> response() {
    return Optional.ofNullable(response);
  }

  /** Builds a {@link Script}. Not thread-safe. */
  public static final class Builder {
    private int naks;
    private int ignores;
    private boolean neverAck;
    private Duration delay = Duration.ZERO;
    private byte[] noise = new byte[0];
    private boolean badLrcFirst;
    private int truncateFirst = -1;
    private int duplicates;
    private Outcome outcome = Outcome.NORMAL;
    private String responseCode = "";
    private EcrResponse response;

    private Builder() {}

    /** NAK the first {@code n} transmissions of the message (a good frame), then ACK. */
    public Builder nak(int n) {
      this.naks = nonNegative(n, "nak");
      return this;
    }

    /** After any NAKs, stay silent for the next {@code n} transmissions, then ACK. */
    public Builder ignore(int n) {
      this.ignores = nonNegative(n, "ignore");
      return this;
    }

    /** Never answer any transmission of the message. */
    public Builder neverAck() {
      this.neverAck = true;
      return this;
    }

    /** Wait this long after the ACK before responding. */
    public Builder delay(Duration delay) {
      requireNonNull(delay, "delay == null");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay < 0: " + delay);
      }
      this.delay = delay;
      return this;
    }

    /** Write {@code noise} just before the response frame. */
    public Builder noiseBefore(byte[] noise) {
      this.noise = requireNonNull(noise, "noise == null").clone();
      return this;
    }

    /** Corrupt the LRC of the response's first transmission (the ECR should NAK it). */
    public Builder badLrcFirst() {
      this.badLrcFirst = true;
      return this;
    }

    /** Send only the first {@code keepBytes} bytes of the response's first transmission. */
    public Builder truncateFirst(int keepBytes) {
      this.truncateFirst = nonNegative(keepBytes, "truncateFirst");
      return this;
    }

    /** After the response was ACKed, send it {@code n} more times (same sequence number). */
    public Builder duplicates(int n) {
      this.duplicates = nonNegative(n, "duplicates");
      return this;
    }

    /** Decline a sale with {@code responseCode} (two characters, e.g. {@code "51"}). */
    public Builder decline(String responseCode) {
      this.outcome = Outcome.DECLINE;
      this.responseCode = requireNonNull(responseCode, "responseCode == null");
      return this;
    }

    /** Send exactly {@code response}. */
    public Builder respond(EcrResponse response) {
      this.outcome = Outcome.RESPOND;
      this.response = requireNonNull(response, "response == null");
      return this;
    }

    /** Perform and remember the sale but send no response. */
    public Builder withholdResponse() {
      this.outcome = Outcome.WITHHOLD;
      return this;
    }

    /** Send nothing and remember nothing after the ACK. */
    public Builder crashAfterAck() {
      this.outcome = Outcome.CRASH;
      return this;
    }

    /** The script. */
    public Script build() {
      return new Script(this);
    }

    private static int nonNegative(int n, String name) {
      if (n < 0) {
        throw new IllegalArgumentException(name + " < 0: " + n);
      }
      return n;
    }
  }
}
