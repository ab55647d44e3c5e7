package dev.fangxin.adapters.ecr;

import static java.util.Objects.requireNonNull;

import dev.fangxin.adapters.ecr.EcrException.Reason;
import dev.fangxin.adapters.transport.Transport;
import dev.fangxin.adapters.transport.TransportException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/**
 * The link protocol of an ECR connection, over a {@link Transport}: framed data with ACK/NAK,
 * retransmission and duplicate suppression. It moves {@code byte[]} messages and knows nothing of
 * their meaning.
 *
 * <p>Sending ({@link #send}): the frame is written, then the link waits {@link
 * LinkTimings#ackTimeout()} for ACK (0x06) or NAK (0x15). On NAK or silence it retransmits the same
 * frame, at most {@link Builder#maxRetransmissions(int)} times (default 3, so at most 4
 * transmissions). If every transmission was NAKed it throws {@link Reason#NAK_LIMIT}; otherwise,
 * when no ACK came, {@link Reason#NO_ACK}.
 *
 * <p>Receiving (while waiting for anything): a frame with a good LRC is answered with ACK; a frame
 * with a bad LRC, a truncated frame ({@link LinkTimings#interByteTimeout()}), an oversize frame, a
 * bad length field or a missing ETX is answered with NAK so that the peer retransmits it. Noise
 * outside frames is counted and otherwise ignored. A frame received again because our ACK was lost
 * is ACKed again but not delivered twice: it is a duplicate when its data equals the last delivered
 * frame's data byte for byte and, if the message format has one, its {@linkplain
 * Builder#frameId(Function) frame id} (a sequence number) is the same too. (Without ids, two
 * genuinely identical messages in a row would be taken for one; give the link an id function when
 * the message format has a sequence number.) Frames arriving while the link waits for an ACK are
 * ACKed and kept for the next {@link #receive}.
 *
 * <p>Threading: not thread-safe. One thread at a time may call {@link #send} and {@link #receive};
 * {@link PaymentTerminal} serializes its operations. {@link #close()} closes the transport.
 */
public final class EcrLink implements AutoCloseable {
  private static final byte[] ACK = {FrameFormat.ACK};
  private static final byte[] NAK = {FrameFormat.NAK};

  private final Transport transport;
  private final FrameCodec codec;
  private final LinkTimings timings;
  private final int maxRetransmissions;
  private final Function<byte[], Optional<String>> frameId;

  private final byte[] readBuffer = new byte[512];
  private final ArrayDeque<FrameEvent> events = new ArrayDeque<>();
  private final ArrayDeque<byte[]> inbox = new ArrayDeque<>();
  private long lastByteNanos;

  private String lastDeliveredId;
  private byte[] lastDeliveredData;

  private int duplicatesDropped;
  private int framesRejected;
  private long noiseRuns;
  private int transmissions;
  private EcrException lastLineError;

  private EcrLink(Builder b) {
    this.transport = b.transport;
    this.codec = FrameCodec.create(b.format);
    this.timings = b.timings;
    this.maxRetransmissions = b.maxRetransmissions;
    this.frameId = b.frameId;
  }

  /** A builder for a link over {@code transport}. */
  public static Builder builder(Transport transport) {
    return new Builder(transport);
  }

  /** The frame format. */
  public FrameFormat format() {
    return codec.format();
  }

  /** The timings. */
  public LinkTimings timings() {
    return timings;
  }

  /** The transport's description. */
  public String description() {
    return transport.description();
  }

  /**
   * Frames {@code data}, sends it and waits for ACK, retransmitting on NAK or silence.
   *
   * @throws EcrException {@link Reason#NAK_LIMIT} if every transmission was NAKed, {@link
   *     Reason#NO_ACK} if no ACK came after the allowed retransmissions, {@link
   *     Reason#OVERSIZE_FRAME} if {@code data} does not fit a frame, {@link Reason#TRANSPORT} if
   *     the transport failed
   */
  public void send(byte[] data) {
    byte[] frame = codec.encode(data);
    int naks = 0;
    int silences = 0;
    for (int attempt = 0; attempt <= maxRetransmissions; attempt++) {
      write(frame);
      transmissions++;
      FrameEvent.Kind answer = awaitAck(System.nanoTime() + timings.ackTimeout().toNanos());
      if (answer == FrameEvent.Kind.ACK) {
        return;
      }
      if (answer == FrameEvent.Kind.NAK) {
        naks++;
      } else {
        silences++;
      }
    }
    int sent = maxRetransmissions + 1;
    if (naks == sent) {
      throw new EcrException(
          Reason.NAK_LIMIT,
          "the peer on "
              + transport.description()
              + " NAKed all "
              + sent
              + " transmissions (1 + "
              + maxRetransmissions
              + " retransmissions) of a "
              + data.length
              + "-byte message; it was not accepted");
    }
    throw new EcrException(
        Reason.NO_ACK,
        "no ACK from the peer on "
            + transport.description()
            + " after "
            + sent
            + " transmissions (1 + "
            + maxRetransmissions
            + " retransmissions) of a "
            + data.length
            + "-byte message: "
            + naks
            + " NAKed, "
            + silences
            + " unanswered within "
            + timings.ackTimeout().toMillis()
            + " ms");
  }

  /**
   * Waits at most {@code timeout} for the next new frame from the peer (ACKing it) and returns its
   * data. Frames already received while sending are returned first.
   *
   * @throws EcrException {@link Reason#RESPONSE_TIMEOUT} if none arrived in time, {@link
   *     Reason#TRANSPORT} if the transport failed
   */
  public byte[] receive(Duration timeout) {
    requireNonNull(timeout, "timeout == null");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inbox.isEmpty()) {
      FrameEvent e = nextEvent(deadline);
      if (e == null) {
        throw new EcrException(
            Reason.RESPONSE_TIMEOUT,
            "no message from the peer on "
                + transport.description()
                + " within "
                + timeout.toMillis()
                + " ms");
      }
      handle(e);
    }
    return inbox.poll();
  }

  /** Waits for ACK/NAK until {@code deadline}; returns ACK, NAK, or null on silence. */
  private FrameEvent.Kind awaitAck(long deadline) {
    while (true) {
      FrameEvent e = nextEvent(deadline);
      if (e == null) {
        return null;
      }
      if (e.kind() == FrameEvent.Kind.ACK || e.kind() == FrameEvent.Kind.NAK) {
        return e.kind();
      }
      handle(e);
    }
  }

  private void handle(FrameEvent e) {
    switch (e.kind()) {
      case FRAME:
        write(ACK);
        byte[] data = e.data();
        Optional<String> id = frameId.apply(data);
        // A retransmission repeats the bytes; with an id, equal bytes under another id (or equal
        // ids with other bytes, as after a restart that reset a sequence counter) are new.
        boolean duplicate =
            Arrays.equals(data, lastDeliveredData)
                && (id.isEmpty() || id.get().equals(lastDeliveredId));
        if (duplicate) {
          duplicatesDropped++;
          return;
        }
        lastDeliveredId = id.orElse(null);
        lastDeliveredData = data;
        inbox.add(data);
        return;
      case ERROR:
        EcrException error = e.error();
        lastLineError = error;
        if (error.reasonCode() == Reason.NOISE) {
          noiseRuns++;
          return;
        }
        framesRejected++;
        write(NAK);
        return;
      default:
        // An ACK or NAK nobody waits for (a late answer to a frame already retransmitted).
    }
  }

  /** The next decoded event, or null once {@code deadline} passes with none. */
  private FrameEvent nextEvent(long deadline) {
    while (true) {
      if (!events.isEmpty()) {
        return events.poll();
      }
      long now = System.nanoTime();
      long wait = deadline - now;
      if (codec.hasPartial()) {
        long idleAt = lastByteNanos + timings.interByteTimeout().toNanos();
        if (now - idleAt >= 0) {
          events.addAll(codec.idle());
          continue;
        }
        wait = Math.min(wait, idleAt - now);
      }
      if (wait <= 0) {
        return null;
      }
      int n;
      try {
        n = transport.read(readBuffer, 0, readBuffer.length, Duration.ofNanos(wait));
      } catch (TransportException ex) {
        throw transportFailed("reading from", ex);
      }
      if (n > 0) {
        lastByteNanos = System.nanoTime();
        events.addAll(codec.feed(readBuffer, 0, n));
      }
    }
  }

  private void write(byte[] bytes) {
    try {
      transport.write(bytes);
    } catch (TransportException ex) {
      throw transportFailed("writing to", ex);
    }
  }

  private EcrException transportFailed(String doing, TransportException ex) {
    return new EcrException(
        Reason.TRANSPORT,
        "transport failed while " + doing + " " + transport.description() + ": " + ex.getMessage(),
        ex);
  }

  /** Frames received again and dropped (each was ACKed again). */
  public int duplicatesDropped() {
    return duplicatesDropped;
  }

  /** Corrupt frames answered with NAK. */
  public int framesRejected() {
    return framesRejected;
  }

  /** Runs of noise seen outside frames. */
  public long noiseRuns() {
    return noiseRuns;
  }

  /** Frames written, retransmissions included. */
  public int transmissions() {
    return transmissions;
  }

  /** The last corrupt frame or noise seen, if any, for diagnostics. */
  public Optional<EcrException> lastLineError() {
    return Optional.ofNullable(lastLineError);
  }

  /** Closes the transport. */
  @Override
  public void close() {
    transport.close();
  }

  /** Builds an {@link EcrLink}. Not thread-safe. */
  public static final class Builder {
    private final Transport transport;
    private FrameFormat format = FrameFormat.DEFAULT;
    private LinkTimings timings = LinkTimings.defaults();
    private int maxRetransmissions = 3;
    private Function<byte[], Optional<String>> frameId = data -> Optional.empty();

    private Builder(Transport transport) {
      this.transport = requireNonNull(transport, "transport == null");
    }

    /** The frame format. Default {@link FrameFormat#DEFAULT}. */
    public Builder frameFormat(FrameFormat format) {
      this.format = requireNonNull(format, "format == null");
      return this;
    }

    /** The timeouts. Default {@link LinkTimings#defaults()}. */
    public Builder timings(LinkTimings timings) {
      this.timings = requireNonNull(timings, "timings == null");
      return this;
    }

    /** Retransmissions after the first transmission, 0 to 10. Default 3. */
    public Builder maxRetransmissions(int n) {
      if (n < 0 || n > 10) {
        throw new IllegalArgumentException("maxRetransmissions must be 0 to 10: " + n);
      }
      this.maxRetransmissions = n;
      return this;
    }

    /**
     * How to tell a retransmitted frame from a new one: a function from a frame's data to an id
     * that is the same for retransmissions of one message and differs between messages (a sequence
     * number), or empty when the data has none. Default: always empty (compare bytes).
     */
    public Builder frameId(Function<byte[], Optional<String>> frameId) {
      this.frameId = requireNonNull(frameId, "frameId == null");
      return this;
    }

    /** The link. */
    public EcrLink build() {
      return new EcrLink(this);
    }
  }
}
