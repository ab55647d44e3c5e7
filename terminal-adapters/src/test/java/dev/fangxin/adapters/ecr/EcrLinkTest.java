package dev.fangxin.adapters.ecr;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.adapters.ecr.EcrException.Reason;
import dev.fangxin.adapters.testing.Script;
import dev.fangxin.adapters.testing.TerminalSimulator;
import dev.fangxin.adapters.testing.TerminalSimulatorPipe;
import dev.fangxin.adapters.transport.Transport;
import dev.fangxin.core.money.Money;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The link protocol against the simulator over an in-memory pipe (a pty adds nothing here). */
class EcrLinkTest {
  static final LinkTimings FAST =
      LinkTimings.builder()
          .ackTimeout(Duration.ofMillis(200))
          .responseTimeout(Duration.ofMillis(400))
          .interByteTimeout(Duration.ofMillis(100))
          .build();
  private static final TlvMessageCodec CODEC = TlvMessageCodec.create();
  private static final SaleRequest SALE = SaleRequest.sale("R1", Money.of(12800, Money.CNY));

  private final TerminalSimulatorPipe pipe = TerminalSimulatorPipe.open();
  private final TerminalSimulator sim =
      TerminalSimulator.builder(pipe.terminalEnd())
          .interByteTimeout(Duration.ofMillis(100))
          .start();
  private final EcrLink link =
      EcrLink.builder(pipe.ecrEnd()).timings(FAST).frameId(CODEC::frameId).build();

  @AfterEach
  void tearDown() {
    sim.close();
    link.close();
    sim.checkHealthy();
  }

  /** Polls {@code condition} for up to 5 s: for counters updated on the simulator's thread. */
  static void eventually(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within 5 s: " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  @Test
  void nakTwiceThenAckSucceedsWithThreeSends() {
    sim.enqueue(Script.builder().nak(2).build());
    link.send(CODEC.encodeRequest(SALE, 1));
    assertThat(link.transmissions()).isEqualTo(3);
    byte[] reply = link.receive(Duration.ofSeconds(2));
    assertThat(CODEC.decodeResponse(reply)).isEqualTo(TerminalSimulator.approval(SALE, 1));
    assertThat(sim.received())
        .extracting(TerminalSimulator.Received::toString)
        .containsExactly("SQ0001#0 " + SALE, "SQ0001#1 " + SALE, "SQ0001#2 " + SALE);
    assertThat(sim.saleRequests()).containsExactly(SALE);
  }

  @Test
  void silenceGivesNoAckAfterOnePlusThreeTransmissions() {
    sim.enqueue(Script.neverAck());
    assertThatThrownBy(() -> link.send(CODEC.encodeRequest(SALE, 1)))
        .isInstanceOfSatisfying(
            EcrException.class, e -> assertThat(e.reasonCode()).isEqualTo(Reason.NO_ACK))
        .hasMessage(
            "no ACK from the peer on pipe (ECR end) after 4 transmissions (1 + 3"
                + " retransmissions) of a 38-byte message: 0 NAKed, 4 unanswered within 200 ms");
    assertThat(sim.saleTransmissions()).isEqualTo(4);
    assertThat(sim.received())
        .extracting(TerminalSimulator.Received::transmission)
        .containsExactly(0, 1, 2, 3);
  }

  @Test
  void nakForEveryTransmissionGivesNakLimit() {
    sim.enqueue(Script.builder().nak(99).build());
    assertThatThrownBy(() -> link.send(CODEC.encodeRequest(SALE, 1)))
        .isInstanceOfSatisfying(
            EcrException.class, e -> assertThat(e.reasonCode()).isEqualTo(Reason.NAK_LIMIT))
        .hasMessage(
            "the peer on pipe (ECR end) NAKed all 4 transmissions (1 + 3 retransmissions) of a"
                + " 38-byte message; it was not accepted");
    assertThat(sim.saleTransmissions()).isEqualTo(4);
  }

  @Test
  void retransmissionsAreConfigurable() {
    EcrLink once = EcrLink.builder(pipe.ecrEnd()).timings(FAST).maxRetransmissions(0).build();
    sim.enqueue(Script.builder().ignore(1).build());
    assertThatThrownBy(() -> once.send(CODEC.encodeRequest(SALE, 1)))
        .isInstanceOfSatisfying(
            EcrException.class, e -> assertThat(e.reasonCode()).isEqualTo(Reason.NO_ACK));
    assertThat(sim.saleTransmissions()).isEqualTo(1);
  }

  @Test
  void duplicateResponseFramesAreDeliveredOnce() {
    sim.enqueue(Script.builder().duplicates(2).build());
    link.send(CODEC.encodeRequest(SALE, 1));
    assertThat(link.receive(Duration.ofSeconds(2))).isNotEmpty();
    assertThatThrownBy(() -> link.receive(Duration.ofMillis(300)))
        .isInstanceOfSatisfying(
            EcrException.class, e -> assertThat(e.reasonCode()).isEqualTo(Reason.RESPONSE_TIMEOUT))
        .hasMessage("no message from the peer on pipe (ECR end) within 300 ms");
    assertThat(link.duplicatesDropped()).isEqualTo(2);
    assertThat(sim.responsesSent()).isEqualTo(3);
    eventually(() -> sim.acksReceived() == 3, "every copy ACKed again");
  }

  @Test
  void badLrcIsNakedAndTheRetransmissionDelivered() {
    sim.enqueue(Script.builder().badLrcFirst().build());
    link.send(CODEC.encodeRequest(SALE, 1));
    assertThat(CODEC.decodeResponse(link.receive(Duration.ofSeconds(2))))
        .isEqualTo(TerminalSimulator.approval(SALE, 1));
    assertThat(link.framesRejected()).isEqualTo(1);
    assertThat(link.lastLineError())
        .get()
        .extracting(EcrException::reasonCode)
        .isEqualTo(Reason.BAD_LRC);
    // The simulator reads the NAK on its own thread; it may even have retransmitted first.
    eventually(() -> sim.naksReceived() == 1, "the simulator received the NAK");
  }

  @Test
  void truncatedFrameIsNakedAfterTheInterByteTimeout() {
    sim.enqueue(Script.builder().truncateFirst(10).build());
    link.send(CODEC.encodeRequest(SALE, 1));
    assertThat(CODEC.decodeResponse(link.receive(Duration.ofSeconds(2))))
        .isEqualTo(TerminalSimulator.approval(SALE, 1));
    assertThat(link.lastLineError())
        .get()
        .extracting(EcrException::reasonCode)
        .isEqualTo(Reason.TRUNCATED_FRAME);
    eventually(() -> sim.naksReceived() == 1, "the simulator received the NAK");
  }

  @Test
  void noiseBeforeAFrameIsSkipped() {
    sim.enqueue(Script.builder().noiseBefore("~~garbage~~".getBytes(US_ASCII)).build());
    link.send(CODEC.encodeRequest(SALE, 1));
    assertThat(CODEC.decodeResponse(link.receive(Duration.ofSeconds(2))))
        .isEqualTo(TerminalSimulator.approval(SALE, 1));
    assertThat(link.noiseRuns()).isEqualTo(1);
    assertThat(link.lastLineError().get())
        .hasMessage(
            "11 bytes outside a frame at stream offsets 1-11 (hex 7E 7E 67 61 72 62 61 67 ...);"
                + " expected STX, ACK or NAK");
    assertThat(sim.naksReceived()).isZero();
  }

  @Test
  void framesWithoutIdsAreComparedByBytes() {
    // A raw peer that sends the same frame twice (as if our first ACK was lost), then another.
    TerminalSimulatorPipe raw = TerminalSimulatorPipe.open();
    EcrLink plain = EcrLink.builder(raw.ecrEnd()).timings(FAST).build();
    FrameCodec frames = FrameCodec.create(FrameFormat.DEFAULT);
    Transport peer = raw.terminalEnd();
    byte[] hello = frames.encode("hello".getBytes(US_ASCII));
    peer.write(FrameCodecTest.concat(hello, hello, frames.encode("world".getBytes(US_ASCII))));
    assertThat(plain.receive(Duration.ofSeconds(1))).isEqualTo("hello".getBytes(US_ASCII));
    assertThat(plain.receive(Duration.ofSeconds(1))).isEqualTo("world".getBytes(US_ASCII));
    assertThat(plain.duplicatesDropped()).isEqualTo(1);
    byte[] acks = new byte[8];
    int n = peer.read(acks, 0, acks.length, Duration.ofSeconds(1));
    while (n < 3) {
      n += peer.read(acks, n, acks.length - n, Duration.ofSeconds(1));
    }
    assertThat(java.util.Arrays.copyOf(acks, n)).containsExactly(0x06, 0x06, 0x06);
    plain.close();
  }

  @Test
  void aReusedIdWithOtherBytesIsANewFrame() {
    // The terminal restarted and numbers its responses from 0001 again.
    TerminalSimulatorPipe raw = TerminalSimulatorPipe.open();
    EcrLink withIds = EcrLink.builder(raw.ecrEnd()).timings(FAST).frameId(CODEC::frameId).build();
    FrameCodec frames = FrameCodec.create(FrameFormat.DEFAULT);
    byte[] first = CODEC.encodeResponse(LastResultResponse.notFound("R1"), 1);
    byte[] again = CODEC.encodeResponse(LastResultResponse.notFound("R2"), 1);
    byte[] next = CODEC.encodeResponse(LastResultResponse.notFound("R2"), 2);
    raw.terminalEnd()
        .write(
            FrameCodecTest.concat(
                frames.encode(first),
                frames.encode(first),
                frames.encode(again),
                frames.encode(next)));
    assertThat(withIds.receive(Duration.ofSeconds(1))).isEqualTo(first);
    assertThat(withIds.receive(Duration.ofSeconds(1))).isEqualTo(again);
    // same bytes as the previous message but a new sequence number: a new message, delivered
    assertThat(withIds.receive(Duration.ofSeconds(1))).isEqualTo(next);
    assertThat(withIds.duplicatesDropped()).isEqualTo(1);
    withIds.close();
  }

  @Test
  void aClosedTransportIsATransportError() {
    pipe.ecrEnd().close();
    assertThatThrownBy(() -> link.send(new byte[] {'x'}))
        .isInstanceOfSatisfying(
            EcrException.class,
            e -> {
              assertThat(e.reasonCode()).isEqualTo(Reason.TRANSPORT);
              assertThat(e.getCause())
                  .isInstanceOf(dev.fangxin.adapters.transport.TransportException.class);
            })
        .hasMessage("transport failed while writing to pipe (ECR end): pipe (ECR end) is closed");
  }
}
