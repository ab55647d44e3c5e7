package dev.fangxin.adapters.testing;

import static java.util.Objects.requireNonNull;

import dev.fangxin.adapters.ecr.EcrException;
import dev.fangxin.adapters.ecr.EcrRequest;
import dev.fangxin.adapters.ecr.EcrResponse;
import dev.fangxin.adapters.ecr.FrameCodec;
import dev.fangxin.adapters.ecr.FrameEvent;
import dev.fangxin.adapters.ecr.FrameFormat;
import dev.fangxin.adapters.ecr.LastResultRequest;
import dev.fangxin.adapters.ecr.LastResultResponse;
import dev.fangxin.adapters.ecr.SaleRequest;
import dev.fangxin.adapters.ecr.SaleResponse;
import dev.fangxin.adapters.ecr.TlvMessageCodec;
import dev.fangxin.adapters.transport.Transport;
import dev.fangxin.adapters.transport.TransportException;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.MaskedPan;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.Rrn;
import dev.fangxin.core.id.SettlementDate;
import dev.fangxin.core.id.Stan;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.core.id.TransmissionTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable payment terminal on the other end of a {@link Transport}, speaking {@link
 * FrameFormat} frames with ACK/NAK and {@link TlvMessageCodec} messages: the ECR equivalent of
 * OkHttp's {@code MockWebServer}. Integrators test their cash-register code against it.
 *
 * <pre>{@code
 * TerminalSimulatorPipe pipe = TerminalSimulatorPipe.open();
 * try (TerminalSimulator sim = TerminalSimulator.builder(pipe.terminalEnd()).start();
 *     PaymentTerminal terminal = PaymentTerminal.builder(pipe.ecrEnd()).build()) {
 *   sim.enqueue(Script.builder().nak(2).build());
 *   SaleResponse r = terminal.sale(SaleRequest.sale("R1", Money.of(12800, Money.CNY)));
 *   assertThat(sim.saleRequests()).hasSize(1);
 * }
 * }</pre>
 *
 * <p>Each new incoming message (a retransmission has the same bytes, and so the same type and
 * sequence number, and is not new) takes the next {@link Script} from the queue, or {@link
 * Script#normal()} if the queue is empty. A normal sale is approved with {@link
 * #approval(SaleRequest, int)}'s fields and remembered; a normal last-result query is answered from
 * memory (found or not found). The simulator's own responses wait for ACK and are retransmitted on
 * NAK or silence (at most 3 times). Corrupt incoming frames are NAKed.
 *
 * <p>Everything received is logged ({@link #received()}), retransmissions included, so tests can
 * count transmissions exactly and assert that a sale was requested only once.
 *
 * <p>Threading: one daemon thread reads the transport and runs the scripts; {@link #enqueue}, the
 * log accessors and {@link #close()} may be called from any thread. {@link #close()} closes the
 * transport.
 */
public final class TerminalSimulator implements AutoCloseable {
  /** One frame the simulator received, decoded. Immutable. */
  public static final class Received {
    private final String frameId;
    private final int transmission;
    private final EcrRequest request;
    private final String error;

    Received(String frameId, int transmission, EcrRequest request, String error) {
      this.frameId = frameId;
      this.transmission = transmission;
      this.request = request;
      this.error = error;
    }

    /** Message type and sequence number, e.g. {@code "SQ0001"}. */
    public String frameId() {
      return frameId;
    }

    /** 0 for the first transmission of a message, 1 for its first retransmission, ... */
    public int transmission() {
      return transmission;
    }

    /** Whether this is a retransmission of the message before it. */
    public boolean isRetransmission() {
      return transmission > 0;
    }

    /** The decoded request; empty if it could not be decoded (see {@link #error()}). */
    public Optional<EcrRequest> request() {
      return Optional.ofNullable(request);
    }

    /** Why the request could not be decoded; the empty string if it could. */
    public String error() {
      return error;
    }

    @Override
    public String toString() {
      return frameId + "#" + transmission + " " + (request != null ? request : error);
    }
  }

  private static final TlvMessageCodec CODEC = TlvMessageCodec.create();

  private final Transport transport;
  private final FrameCodec frames;
  private final Duration ackTimeout;
  private final Duration interByteTimeout;
  private final int maxRetransmissions;

  private final ConcurrentLinkedQueue<Script> scripts = new ConcurrentLinkedQueue<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<EcrException> lineErrors = new CopyOnWriteArrayList<>();
  private final Map<String, SaleResponse> memory = new ConcurrentHashMap<>();
  private final AtomicInteger acks = new AtomicInteger();
  private final AtomicInteger naks = new AtomicInteger();
  private final AtomicInteger responsesSent = new AtomicInteger();
  private final Thread thread;
  private volatile boolean closed;
  private volatile Throwable failure;

  // Owned by the simulator thread.
  private final byte[] readBuffer = new byte[512];
  private final ArrayDeque<FrameEvent> events = new ArrayDeque<>();
  private final ArrayDeque<FrameEvent> deferred = new ArrayDeque<>();
  private long lastByteNanos;
  private String currentId;
  private byte[] currentData;
  private Script currentScript;
  private int transmission;
  private boolean processed;
  private int sequence;
  private int stan;

  private TerminalSimulator(Builder b) {
    this.transport = b.transport;
    this.frames = FrameCodec.create(b.format);
    this.ackTimeout = b.ackTimeout;
    this.interByteTimeout = b.interByteTimeout;
    this.maxRetransmissions = b.maxRetransmissions;
    this.thread = new Thread(this::run, "terminal-simulator " + transport.description());
    thread.setDaemon(true);
  }

  /** A builder for a simulator on {@code transport} (the terminal's end). */
  public static Builder builder(Transport transport) {
    return new Builder(transport);
  }

  /**
   * The response a normal approval gives {@code request}: masked PAN {@code 622202******1234},
   * acquirer {@code 48020000}, MID {@code 898310048161234}, TID {@code 10200001}, STAN {@code
   * stanNumber}, RRN {@code "000000"} + STAN, transmission time {@code 1129090203}, settlement date
   * {@code 1129}, auth code {@code A1B2C3}, transaction time 2026-11-29T01:02:03Z.
   */
  public static SaleResponse approval(SaleRequest request, int stanNumber) {
    String stan = String.format(Locale.ROOT, "%06d", stanNumber);
    return SaleResponse.builder()
        .ecrReference(request.ecrReference())
        .type(request.type())
        .approved("00")
        .amount(request.amount())
        .maskedPan(MaskedPan.of("622202******1234"))
        .acquirer(InstitutionCode.of("48020000"))
        .merchant(MerchantNumber.of("898310048161234"))
        .terminal(TerminalId.of("10200001"))
        .stan(Stan.of(stan))
        .rrn(Rrn.of("000000" + stan))
        .transmissionTime(TransmissionTime.of("1129090203"))
        .settlementDate(SettlementDate.of("1129"))
        .authCode("A1B2C3")
        .transactionTime(Instant.parse("2026-11-29T01:02:03Z"))
        .build();
  }

  /** Scripts the next new incoming message not yet scripted. */
  public void enqueue(Script script) {
    scripts.add(requireNonNull(script, "script == null"));
  }

  /** Pretends the terminal already performed this sale (for last-result queries). */
  public void remember(SaleResponse result) {
    memory.put(result.ecrReference(), result);
  }

  /** Every frame received, in order, retransmissions included. */
  public List<Received> received() {
    return List.copyOf(received);
  }

  /** The distinct sale requests received (first transmissions only). */
  public List<SaleRequest> saleRequests() {
    List<SaleRequest> out = new ArrayList<>();
    for (Received r : received) {
      if (!r.isRetransmission() && r.request().orElse(null) instanceof SaleRequest) {
        out.add((SaleRequest) r.request().get());
      }
    }
    return out;
  }

  /** Frames carrying a sale request, retransmissions included. */
  public int saleTransmissions() {
    int n = 0;
    for (Received r : received) {
      if (r.request().orElse(null) instanceof SaleRequest) {
        n++;
      }
    }
    return n;
  }

  /** The distinct last-result queries received. */
  public List<LastResultRequest> lastResultQueries() {
    List<LastResultRequest> out = new ArrayList<>();
    for (Received r : received) {
      if (!r.isRetransmission() && r.request().orElse(null) instanceof LastResultRequest) {
        out.add((LastResultRequest) r.request().get());
      }
    }
    return out;
  }

  /** ACKs received from the ECR. */
  public int acksReceived() {
    return acks.get();
  }

  /** NAKs received from the ECR. */
  public int naksReceived() {
    return naks.get();
  }

  /** Response frames written, retransmissions and duplicates included. */
  public int responsesSent() {
    return responsesSent.get();
  }

  /** Corrupt frames and noise the simulator received. */
  public List<EcrException> lineErrors() {
    return List.copyOf(lineErrors);
  }

  /**
   * Throws {@link AssertionError} if the simulator thread died of an unexpected exception (a bug in
   * a script or the simulator), so tests see it.
   */
  public void checkHealthy() {
    Throwable f = failure;
    if (f != null) {
      throw new AssertionError("terminal simulator failed: " + f, f);
    }
  }

  /** Stops the simulator and closes its transport. */
  @Override
  public void close() {
    closed = true;
    transport.close();
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      while (!closed) {
        FrameEvent e =
            !deferred.isEmpty()
                ? deferred.poll()
                : nextEvent(System.nanoTime() + Duration.ofMillis(200).toNanos());
        if (e != null) {
          incoming(e);
        }
      }
    } catch (TransportException e) {
      // The ECR hanging up (DISCONNECTED) ends the simulation normally.
      if (!closed && e.reasonCode() != TransportException.Reason.DISCONNECTED) {
        failure = e;
      }
    } catch (InterruptedException e) {
      // closing
    } catch (RuntimeException | Error e) {
      if (!closed) {
        failure = e;
      }
    }
  }

  private void incoming(FrameEvent e) throws InterruptedException {
    switch (e.kind()) {
      case ACK:
        acks.incrementAndGet();
        return;
      case NAK:
        naks.incrementAndGet();
        return;
      case ERROR:
        lineErrors.add(e.error());
        if (e.error().reasonCode() != EcrException.Reason.NOISE) {
          write(new byte[] {FrameFormat.NAK});
        }
        return;
      default:
        onFrame(e.data());
    }
  }

  private void onFrame(byte[] data) throws InterruptedException {
    String id = CODEC.frameId(data).orElse("??????");
    if (id.equals(currentId) && java.util.Arrays.equals(data, currentData)) {
      transmission++;
    } else {
      currentId = id;
      currentData = data;
      Script next = scripts.poll();
      currentScript = next != null ? next : Script.normal();
      transmission = 0;
      processed = false;
    }
    EcrRequest request = null;
    String error = "";
    try {
      request = CODEC.decodeRequest(data);
    } catch (EcrException | IllegalArgumentException ex) {
      error = ex.getMessage();
    }
    received.add(new Received(id, transmission, request, error));
    Script s = currentScript;
    if (s.isNeverAck() || (transmission >= s.naks() && transmission < s.naks() + s.ignores())) {
      return;
    }
    if (transmission < s.naks()) {
      write(new byte[] {FrameFormat.NAK});
      return;
    }
    write(new byte[] {FrameFormat.ACK});
    if (processed || request == null) {
      return;
    }
    processed = true;
    process(request, s);
  }

  private void process(EcrRequest request, Script s) throws InterruptedException {
    if (!s.delay().isZero()) {
      Thread.sleep(s.delay().toMillis());
    }
    EcrResponse response;
    if (request instanceof SaleRequest) {
      SaleRequest sale = (SaleRequest) request;
      SaleResponse result;
      switch (s.outcome()) {
        case CRASH:
          return;
        case DECLINE:
          result =
              SaleResponse.builder()
                  .ecrReference(sale.ecrReference())
                  .type(sale.type())
                  .declined(s.responseCode())
                  .amount(sale.amount())
                  .build();
          break;
        case RESPOND:
          response = s.response().get();
          if (response instanceof SaleResponse) {
            memory.put(response.ecrReference(), (SaleResponse) response);
          }
          send(response, s);
          return;
        default:
          result = approval(sale, ++stan);
      }
      memory.put(sale.ecrReference(), result);
      if (s.outcome() == Script.Outcome.WITHHOLD) {
        return;
      }
      response = result;
    } else {
      switch (s.outcome()) {
        case CRASH:
        case WITHHOLD:
          return;
        case RESPOND:
          response = s.response().get();
          break;
        default:
          SaleResponse known = memory.get(request.ecrReference());
          response =
              known != null
                  ? LastResultResponse.found(known)
                  : LastResultResponse.notFound(request.ecrReference());
      }
    }
    send(response, s);
  }

  private void send(EcrResponse response, Script s) throws InterruptedException {
    sequence = sequence % 9999 + 1;
    byte[] frame = frames.encode(CODEC.encodeResponse(response, sequence));
    for (int attempt = 0; attempt <= maxRetransmissions; attempt++) {
      byte[] bytes = frame;
      if (attempt == 0) {
        if (s.noise().length > 0) {
          write(s.noise());
        }
        if (s.badLrcFirst()) {
          bytes = frame.clone();
          bytes[bytes.length - 1] ^= (byte) 0xFF;
        }
        if (s.truncateFirst() >= 0) {
          bytes = java.util.Arrays.copyOf(bytes, Math.min(s.truncateFirst(), bytes.length));
        }
      }
      write(bytes);
      responsesSent.incrementAndGet();
      if (awaitAck()) {
        break;
      }
    }
    for (int i = 0; i < s.duplicates(); i++) {
      write(frame);
      responsesSent.incrementAndGet();
      awaitAck();
    }
  }

  /** Waits for the ECR's ACK (true) or NAK/silence (false); other frames wait for later. */
  private boolean awaitAck() throws InterruptedException {
    long deadline = System.nanoTime() + ackTimeout.toNanos();
    while (true) {
      FrameEvent e = nextEvent(deadline);
      if (e == null) {
        return false;
      }
      switch (e.kind()) {
        case ACK:
          acks.incrementAndGet();
          return true;
        case NAK:
          naks.incrementAndGet();
          return false;
        case FRAME:
          deferred.add(e);
          break;
        default:
          incoming(e);
      }
    }
  }

  private FrameEvent nextEvent(long deadline) throws InterruptedException {
    while (true) {
      if (closed) {
        throw new InterruptedException("closed");
      }
      if (!events.isEmpty()) {
        return events.poll();
      }
      long now = System.nanoTime();
      long wait = deadline - now;
      if (frames.hasPartial()) {
        long idleAt = lastByteNanos + interByteTimeout.toNanos();
        if (now - idleAt >= 0) {
          events.addAll(frames.idle());
          continue;
        }
        wait = Math.min(wait, idleAt - now);
      }
      if (wait <= 0) {
        return null;
      }
      int n = transport.read(readBuffer, 0, readBuffer.length, Duration.ofNanos(wait));
      if (n > 0) {
        lastByteNanos = System.nanoTime();
        events.addAll(frames.feed(readBuffer, 0, n));
      }
    }
  }

  private void write(byte[] bytes) {
    transport.write(bytes);
  }

  /** Builds and starts a {@link TerminalSimulator}. Not thread-safe. */
  public static final class Builder {
    private final Transport transport;
    private FrameFormat format = FrameFormat.DEFAULT;
    private Duration ackTimeout = Duration.ofSeconds(1);
    private Duration interByteTimeout = Duration.ofMillis(100);
    private int maxRetransmissions = 3;

    private Builder(Transport transport) {
      this.transport = requireNonNull(transport, "transport == null");
    }

    /** The frame format. Default {@link FrameFormat#DEFAULT}. */
    public Builder frameFormat(FrameFormat format) {
      this.format = requireNonNull(format, "format == null");
      return this;
    }

    /**
     * How long the simulator waits for the ECR's ACK of a response before retransmitting it.
     * Default 1 s: generous, so that a loaded test machine does not cause extra copies.
     */
    public Builder ackTimeout(Duration d) {
      this.ackTimeout = requireNonNull(d, "ackTimeout == null");
      return this;
    }

    /** The quiet gap that truncates an incoming frame. Default 100 ms. */
    public Builder interByteTimeout(Duration d) {
      this.interByteTimeout = requireNonNull(d, "interByteTimeout == null");
      return this;
    }

    /** Retransmissions of a response. Default 3. */
    public Builder maxRetransmissions(int n) {
      this.maxRetransmissions = n;
      return this;
    }

    /** Starts the simulator thread. */
    public TerminalSimulator start() {
      TerminalSimulator sim = new TerminalSimulator(this);
      sim.thread.start();
      return sim;
    }
  }
}
