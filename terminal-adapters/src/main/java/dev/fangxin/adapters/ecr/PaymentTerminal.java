package dev.fangxin.adapters.ecr;

import static java.util.Objects.requireNonNull;

import dev.fangxin.adapters.ecr.EcrException.Reason;
import dev.fangxin.adapters.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A payment terminal seen from the cash register: {@link #sale(SaleRequest)} asks it to take a
 * payment and returns its result.
 *
 * <p>The one rule that matters: <b>a sale request the terminal has acknowledged is never sent
 * again</b>. If the response does not come within {@link LinkTimings#responseTimeout()}, or the
 * link fails after the ACK, the terminal is asked for the last result of that ECR reference (up to
 * {@link Builder#lastResultAttempts(int)} times, each waiting {@link
 * Builder#lastResultTimeout(Duration)}). The outcome is then one of:
 *
 * <ul>
 *   <li>the terminal returns the result: {@code sale} returns it as if it had arrived normally;
 *   <li>the terminal says it has no such transaction: {@link Reason#NOT_PERFORMED}; the sale did
 *       not happen and the cashier may start it again (with a new ECR reference);
 *   <li>no answer settles it: {@link Reason#RESULT_UNKNOWN}; the card may have been charged, so the
 *       sale must not be repeated until someone checks the terminal (its last-transaction menu, its
 *       printout, or {@link #lastResult(String)} later).
 * </ul>
 *
 * Before the ACK, the link's own retransmissions of the same frame are allowed (a terminal drops a
 * copy that repeats the bytes and sequence number of the message before it); if the terminal never
 * acknowledges, {@code sale} throws {@link Reason#NAK_LIMIT} (it refused every copy: nothing
 * started) or {@link Reason#NO_ACK} (it may have received a copy whose ACK was lost: ask {@link
 * #lastResult(String)} before retrying).
 *
 * <p>Responses that answer something else (another reference, a late answer to an earlier query)
 * and undecodable messages are ignored while waiting; the last of them is attached as a suppressed
 * exception to a later failure.
 *
 * <p>Threading: thread-safe; operations are {@code synchronized}, so one runs at a time and a
 * second caller blocks until the first finishes. Calls block for up to the response timeout plus
 * the last-result attempts; call them off any UI thread.
 */
public final class PaymentTerminal implements AutoCloseable {
  private final EcrLink link;
  private final MessageCodec<EcrRequest, EcrResponse> codec;
  private final int lastResultAttempts;
  private final Duration lastResultTimeout;
  private int sequence;
  private EcrException lastIgnored;

  private PaymentTerminal(Builder b) {
    this.codec = b.codec;
    this.link =
        EcrLink.builder(b.transport)
            .frameFormat(b.format)
            .timings(b.timings)
            .maxRetransmissions(b.maxRetransmissions)
            .frameId(b.codec::frameId)
            .build();
    this.lastResultAttempts = b.lastResultAttempts;
    this.lastResultTimeout = b.lastResultTimeout;
  }

  /** A builder for a terminal reached over {@code transport}. */
  public static Builder builder(Transport transport) {
    return new Builder(transport);
  }

  /**
   * Asks the terminal to perform {@code request} and returns its result, approved or declined.
   *
   * @throws EcrException {@link Reason#NOT_PERFORMED} (safe to retry with a new reference), {@link
   *     Reason#RESULT_UNKNOWN} (do not retry), {@link Reason#NAK_LIMIT}, {@link Reason#NO_ACK}, or
   *     {@link Reason#TRANSPORT} if the transport failed before the terminal acknowledged
   */
  public synchronized SaleResponse sale(SaleRequest request) {
    requireNonNull(request, "request == null");
    lastIgnored = null;
    String ref = request.ecrReference();
    try {
      link.send(codec.encodeRequest(request, nextSequence()));
    } catch (EcrException e) {
      throw notAcknowledged(ref, e);
    }
    // Acknowledged: from here on the sale request is never sent again.
    EcrException failure;
    try {
      SaleResponse r = awaitSale(ref, link.timings().responseTimeout());
      if (r != null) {
        return r;
      }
      failure =
          new EcrException(
              Reason.RESPONSE_TIMEOUT,
              "no sale response for ECR reference "
                  + ref
                  + " within "
                  + link.timings().responseTimeout().toMillis()
                  + " ms");
    } catch (EcrException e) {
      failure = e;
    }
    List<String> attempts = new ArrayList<>();
    for (int i = 1; i <= lastResultAttempts; i++) {
      try {
        link.send(codec.encodeRequest(LastResultRequest.of(ref), nextSequence()));
        Object answer = awaitLastResult(ref);
        if (answer instanceof SaleResponse) {
          return (SaleResponse) answer;
        }
        if (answer instanceof LastResultResponse) {
          LastResultResponse l = (LastResultResponse) answer;
          if (l.found()) {
            return l.result().get();
          }
          EcrException e =
              new EcrException(
                  Reason.NOT_PERFORMED,
                  "the sale with ECR reference "
                      + ref
                      + " was not performed: its response did not arrive ("
                      + failure.getMessage()
                      + ") and the terminal reports no transaction with that reference; the"
                      + " cashier may start the sale again with a new reference",
                  failure);
          addIgnored(e);
          throw e;
        }
        attempts.add("query " + i + ": no answer within " + lastResultTimeout.toMillis() + " ms");
      } catch (EcrException e) {
        if (e.reasonCode() == Reason.NOT_PERFORMED) {
          throw e;
        }
        attempts.add("query " + i + ": " + e.reason() + " (" + e.getMessage() + ")");
      }
    }
    EcrException unknown =
        new EcrException(
            Reason.RESULT_UNKNOWN,
            "the result of the sale with ECR reference "
                + ref
                + " is unknown: the terminal acknowledged the request, then "
                + failure.getMessage()
                + ", and "
                + lastResultAttempts
                + " last-result queries did not settle it ("
                + String.join("; ", attempts)
                + "). The card may have been charged: do NOT repeat the sale; check the"
                + " terminal's last transaction first",
            failure);
    addIgnored(unknown);
    throw unknown;
  }

  /**
   * Asks the terminal for the result of the sale with {@code ecrReference}, once, waiting {@link
   * Builder#lastResultTimeout(Duration)} for the answer.
   *
   * @throws EcrException {@link Reason#RESPONSE_TIMEOUT} if no answer came, {@link
   *     Reason#NAK_LIMIT}, {@link Reason#NO_ACK} or {@link Reason#TRANSPORT}
   */
  public synchronized LastResultResponse lastResult(String ecrReference) {
    LastResultRequest request = LastResultRequest.of(ecrReference);
    lastIgnored = null;
    link.send(codec.encodeRequest(request, nextSequence()));
    Object answer = awaitLastResult(ecrReference);
    if (answer instanceof SaleResponse) {
      return LastResultResponse.found((SaleResponse) answer);
    }
    if (answer instanceof LastResultResponse) {
      return (LastResultResponse) answer;
    }
    EcrException e =
        new EcrException(
            Reason.RESPONSE_TIMEOUT,
            "no answer to the last-result query for ECR reference "
                + ecrReference
                + " within "
                + lastResultTimeout.toMillis()
                + " ms");
    addIgnored(e);
    throw e;
  }

  /** The failure of a sale request the terminal never acknowledged, saying what that means. */
  private static EcrException notAcknowledged(String ref, EcrException e) {
    switch (e.reasonCode()) {
      case NAK_LIMIT:
        return new EcrException(
            e.reasonCode(),
            "the sale with ECR reference " + ref + " was not started: " + e.getMessage(),
            e);
      case NO_ACK:
      case TRANSPORT:
        return new EcrException(
            e.reasonCode(),
            "the terminal did not acknowledge the sale with ECR reference "
                + ref
                + " ("
                + e.getMessage()
                + "); it may still have received it, so ask lastResult(\""
                + ref
                + "\") before starting it again",
            e);
      default:
        return e;
    }
  }

  /** The link, for its counters (duplicates dropped, frames rejected, transmissions). */
  public EcrLink link() {
    return link;
  }

  /** Closes the transport. */
  @Override
  public synchronized void close() {
    link.close();
  }

  private int nextSequence() {
    sequence = sequence % 9999 + 1;
    return sequence;
  }

  /** The sale response for {@code ref}, or null when {@code timeout} passed without one. */
  private SaleResponse awaitSale(String ref, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      EcrResponse r = receive(deadline);
      if (r == null) {
        return null;
      }
      if (r instanceof SaleResponse && r.ecrReference().equals(ref)) {
        return (SaleResponse) r;
      }
      if (r instanceof LastResultResponse
          && r.ecrReference().equals(ref)
          && ((LastResultResponse) r).found()) {
        return ((LastResultResponse) r).result().get();
      }
      ignore(r);
    }
  }

  /**
   * A {@link LastResultResponse} or a late {@link SaleResponse} for {@code ref}, or null when the
   * last-result timeout passed.
   */
  private Object awaitLastResult(String ref) {
    long deadline = System.nanoTime() + lastResultTimeout.toNanos();
    while (true) {
      EcrResponse r = receive(deadline);
      if (r == null) {
        return null;
      }
      if (r.ecrReference().equals(ref)) {
        return r;
      }
      ignore(r);
    }
  }

  /** The next decodable response before {@code deadline}, or null. */
  private EcrResponse receive(long deadline) {
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      byte[] data;
      try {
        data = link.receive(Duration.ofNanos(left));
      } catch (EcrException e) {
        if (e.reasonCode() == Reason.RESPONSE_TIMEOUT) {
          return null;
        }
        throw e;
      }
      try {
        return codec.decodeResponse(data);
      } catch (EcrException e) {
        lastIgnored = e;
      }
    }
  }

  private void ignore(EcrResponse r) {
    lastIgnored =
        new EcrException(
            Reason.BAD_MESSAGE, "ignored a response that answers something else: " + r);
  }

  private void addIgnored(EcrException e) {
    if (lastIgnored != null) {
      e.addSuppressed(lastIgnored);
    }
  }

  /** Builds a {@link PaymentTerminal}. Not thread-safe. */
  public static final class Builder {
    private final Transport transport;
    private FrameFormat format = FrameFormat.DEFAULT;
    private LinkTimings timings = LinkTimings.defaults();
    private int maxRetransmissions = 3;
    private MessageCodec<EcrRequest, EcrResponse> codec = TlvMessageCodec.create();
    private int lastResultAttempts = 3;
    private Duration lastResultTimeout = Duration.ofSeconds(5);

    private Builder(Transport transport) {
      this.transport = requireNonNull(transport, "transport == null");
    }

    /** The frame format. Default {@link FrameFormat#DEFAULT}. */
    public Builder frameFormat(FrameFormat format) {
      this.format = requireNonNull(format, "format == null");
      return this;
    }

    /** The link timeouts. Default {@link LinkTimings#defaults()}. */
    public Builder timings(LinkTimings timings) {
      this.timings = requireNonNull(timings, "timings == null");
      return this;
    }

    /** Link retransmissions per frame, 0 to 10. Default 3. */
    public Builder maxRetransmissions(int n) {
      if (n < 0 || n > 10) {
        throw new IllegalArgumentException("maxRetransmissions must be 0 to 10: " + n);
      }
      this.maxRetransmissions = n;
      return this;
    }

    /** The message codec. Default {@link TlvMessageCodec}. */
    public Builder codec(MessageCodec<EcrRequest, EcrResponse> codec) {
      this.codec = requireNonNull(codec, "codec == null");
      return this;
    }

    /** How many last-result queries to try after a lost sale response, 1 to 10. Default 3. */
    public Builder lastResultAttempts(int n) {
      if (n < 1 || n > 10) {
        throw new IllegalArgumentException("lastResultAttempts must be 1 to 10: " + n);
      }
      this.lastResultAttempts = n;
      return this;
    }

    /** How long to wait for the answer to one last-result query; positive. Default 5 s. */
    public Builder lastResultTimeout(Duration d) {
      requireNonNull(d, "lastResultTimeout == null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("lastResultTimeout must be positive: " + d);
      }
      this.lastResultTimeout = d;
      return this;
    }

    /** The terminal. */
    public PaymentTerminal build() {
      return new PaymentTerminal(this);
    }
  }
}
