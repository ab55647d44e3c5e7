package dev.fangxin.adapters.ecr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.adapters.ecr.EcrException.Reason;
import dev.fangxin.adapters.testing.Script;
import dev.fangxin.adapters.testing.TerminalSimulator;
import dev.fangxin.adapters.transport.Transport;
import dev.fangxin.core.money.Money;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sale scenarios against {@link TerminalSimulator}, run over an in-memory pipe and over a real
 * pseudo-terminal pair by the subclasses. Every scenario also checks the one rule: the simulator
 * never saw a second sale request for the same reference.
 */
abstract class PaymentTerminalScenarios {
  static final SaleRequest R1 = SaleRequest.sale("R1", Money.of(12800, Money.CNY));
  static final SaleRequest R2 = SaleRequest.sale("R2", Money.of(500, Money.CNY));

  private Transport ecrEnd;
  private Transport terminalEnd;
  TerminalSimulator sim;
  PaymentTerminal terminal;

  /** Returns {ECR end, terminal end}. */
  abstract Transport[] connect();

  /** Releases whatever {@link #connect()} made, after both ends are closed. */
  void disconnect() {}

  @BeforeEach
  void setUp() {
    Transport[] ends = connect();
    ecrEnd = ends[0];
    terminalEnd = ends[1];
    sim = TerminalSimulator.builder(terminalEnd).interByteTimeout(Duration.ofMillis(100)).start();
    terminal =
        PaymentTerminal.builder(ecrEnd)
            .timings(EcrLinkTest.FAST)
            .lastResultTimeout(Duration.ofMillis(300))
            .build();
  }

  @AfterEach
  void tearDown() {
    sim.close();
    terminal.close();
    disconnect();
    sim.checkHealthy();
  }

  /** The rule: each reference was requested once, retransmissions of that one frame aside. */
  private void assertEachSaleRequestedOnce() {
    List<String> refs = new ArrayList<>();
    List<String> frameIds = new ArrayList<>();
    for (TerminalSimulator.Received r : sim.received()) {
      if (r.request().orElse(null) instanceof SaleRequest) {
        String ref = r.request().get().ecrReference();
        if (!r.isRetransmission()) {
          assertThat(refs).as("sale requests").doesNotContain(ref);
          refs.add(ref);
          frameIds.add(r.frameId());
        } else {
          assertThat(frameIds.get(frameIds.size() - 1)).isEqualTo(r.frameId());
        }
      }
    }
  }

  @Test
  void approvedSale() {
    SaleResponse r = terminal.sale(R1);
    assertThat(r).isEqualTo(TerminalSimulator.approval(R1, 1));
    assertThat(r.approved()).isTrue();
    assertThat(sim.saleRequests()).containsExactly(R1);
    assertThat(sim.saleTransmissions()).isEqualTo(1);
    assertThat(sim.lastResultQueries()).isEmpty();
    assertEachSaleRequestedOnce();
  }

  @Test
  void declinedSale() {
    sim.enqueue(Script.decline("51"));
    SaleResponse r = terminal.sale(R1);
    assertThat(r.approved()).isFalse();
    assertThat(r.responseCode()).isEqualTo("51");
    assertThat(r.amount()).isEqualTo(R1.amount());
    assertEachSaleRequestedOnce();
  }

  @Test
  void nakTwiceThenAck() {
    sim.enqueue(Script.builder().nak(2).build());
    assertThat(terminal.sale(R1).approved()).isTrue();
    assertThat(sim.saleTransmissions()).isEqualTo(3);
    assertThat(sim.saleRequests()).containsExactly(R1);
    assertThat(terminal.link().transmissions()).isEqualTo(3);
    assertEachSaleRequestedOnce();
  }

  @Test
  void silenceGivesNoAckAfterFourTransmissionsAndNoQuery() {
    sim.enqueue(Script.neverAck());
    assertThatThrownBy(() -> terminal.sale(R1))
        .isInstanceOfSatisfying(
            EcrException.class, e -> assertThat(e.reasonCode()).isEqualTo(Reason.NO_ACK))
        .hasMessageStartingWith(
            "the terminal did not acknowledge the sale with ECR reference R1 (no ACK from the"
                + " peer on ")
        .hasMessageEndingWith(
            "after 4 transmissions (1 + 3 retransmissions) of a 38-byte message: 0 NAKed, 4"
                + " unanswered within 200 ms); it may still have received it, so ask"
                + " lastResult(\"R1\") before starting it again");
    assertThat(sim.saleTransmissions()).isEqualTo(4);
    assertThat(sim.lastResultQueries()).isEmpty();
    assertEachSaleRequestedOnce();
  }

  @Test
  void nakForEveryCopyMeansNotStarted() {
    sim.enqueue(Script.builder().nak(4).build());
    assertThatThrownBy(() -> terminal.sale(R1))
        .isInstanceOfSatisfying(
            EcrException.class, e -> assertThat(e.reasonCode()).isEqualTo(Reason.NAK_LIMIT))
        .hasMessageStartingWith("the sale with ECR reference R1 was not started: the peer on ")
        .hasMessageEndingWith(
            "NAKed all 4 transmissions (1 + 3 retransmissions) of a 38-byte message; it was not"
                + " accepted");
    assertThat(sim.saleTransmissions()).isEqualTo(4);
    assertThat(sim.lastResultQueries()).isEmpty();
    assertEachSaleRequestedOnce();
  }

  @Test
  void restartedCashRegisterReusingSequenceNumbersIsNotTakenForARetransmission() {
    assertThat(terminal.sale(R1).ecrReference()).isEqualTo("R1");
    // A new PaymentTerminal (the POS app restarted) numbers its messages from 0001 again.
    PaymentTerminal restarted = PaymentTerminal.builder(ecrEnd).timings(EcrLinkTest.FAST).build();
    assertThat(restarted.sale(R2)).isEqualTo(TerminalSimulator.approval(R2, 2));
    assertThat(sim.received())
        .extracting(TerminalSimulator.Received::frameId)
        .containsExactly("SQ0001", "SQ0001");
    assertThat(sim.saleRequests()).containsExactly(R1, R2);
    assertEachSaleRequestedOnce();
  }

  @Test
  void lostResponseIsRecoveredByLastResult() {
    sim.enqueue(Script.withholdResponse());
    SaleResponse r = terminal.sale(R1);
    assertThat(r).isEqualTo(TerminalSimulator.approval(R1, 1));
    assertThat(sim.saleRequests()).containsExactly(R1);
    assertThat(sim.saleTransmissions()).isEqualTo(1);
    assertThat(sim.lastResultQueries()).containsExactly(LastResultRequest.of("R1"));
    assertEachSaleRequestedOnce();
  }

  @Test
  void terminalWithoutTheSaleMeansNotPerformed() {
    sim.enqueue(Script.crashAfterAck());
    assertThatThrownBy(() -> terminal.sale(R1))
        .isInstanceOfSatisfying(
            EcrException.class,
            e -> {
              assertThat(e.reasonCode()).isEqualTo(Reason.NOT_PERFORMED);
              assertThat(e.reason()).isEqualTo("ecr.not_performed");
              assertThat(e.getCause())
                  .isInstanceOfSatisfying(
                      EcrException.class,
                      c -> assertThat(c.reasonCode()).isEqualTo(Reason.RESPONSE_TIMEOUT));
            })
        .hasMessage(
            "the sale with ECR reference R1 was not performed: its response did not arrive (no"
                + " sale response for ECR reference R1 within 400 ms) and the terminal reports no"
                + " transaction with that reference; the cashier may start the sale again with a"
                + " new reference");
    assertThat(sim.saleTransmissions()).isEqualTo(1);
    assertThat(sim.lastResultQueries()).hasSize(1);
    assertEachSaleRequestedOnce();
  }

  @Test
  void unansweredQueriesMeanResultUnknown() {
    sim.enqueue(Script.crashAfterAck());
    sim.enqueue(Script.neverAck());
    sim.enqueue(Script.neverAck());
    sim.enqueue(Script.neverAck());
    assertThatThrownBy(() -> terminal.sale(R1))
        .isInstanceOfSatisfying(
            EcrException.class,
            e -> {
              assertThat(e.reasonCode()).isEqualTo(Reason.RESULT_UNKNOWN);
              assertThat(e.reason()).isEqualTo("ecr.result_unknown");
            })
        .hasMessageStartingWith(
            "the result of the sale with ECR reference R1 is unknown: the terminal acknowledged"
                + " the request, then no sale response for ECR reference R1 within 400 ms, and 3"
                + " last-result queries did not settle it (query 1: ecr.no_ack (")
        .hasMessageEndingWith(
            "The card may have been charged: do NOT repeat the sale; check the terminal's last"
                + " transaction first");
    assertThat(sim.saleTransmissions()).isEqualTo(1);
    assertThat(sim.lastResultQueries()).hasSize(3);
    assertEachSaleRequestedOnce();
  }

  @Test
  void acknowledgedButUnansweredQueriesMeanResultUnknown() {
    sim.enqueue(Script.crashAfterAck());
    sim.enqueue(Script.withholdResponse());
    sim.enqueue(Script.withholdResponse());
    assertThatThrownBy(() -> PaymentTerminalScenarios.this.terminal(2).sale(R1))
        .isInstanceOfSatisfying(
            EcrException.class, e -> assertThat(e.reasonCode()).isEqualTo(Reason.RESULT_UNKNOWN))
        .hasMessageContaining(
            "(query 1: no answer within 300 ms; query 2: no answer within 300 ms)");
    assertThat(sim.saleTransmissions()).isEqualTo(1);
    assertThat(sim.lastResultQueries()).hasSize(2);
    assertEachSaleRequestedOnce();
  }

  private PaymentTerminal terminal(int attempts) {
    // A second terminal object on the same ECR end, configured differently; the first is idle.
    return PaymentTerminal.builder(ecrEnd)
        .timings(EcrLinkTest.FAST)
        .lastResultAttempts(attempts)
        .lastResultTimeout(Duration.ofMillis(300))
        .build();
  }

  @Test
  void lateResponseArrivingDuringTheQueryIsTaken() {
    sim.enqueue(Script.builder().delay(Duration.ofMillis(650)).build());
    assertThat(terminal.sale(R1)).isEqualTo(TerminalSimulator.approval(R1, 1));
    // the stale answer to the query arrives later and is ignored by the next sale
    assertThat(terminal.sale(R2)).isEqualTo(TerminalSimulator.approval(R2, 2));
    assertThat(sim.saleRequests()).containsExactly(R1, R2);
    assertEachSaleRequestedOnce();
  }

  @Test
  void duplicateResponsesAreDeliveredOnce() {
    sim.enqueue(Script.builder().duplicates(2).build());
    assertThat(terminal.sale(R1).ecrReference()).isEqualTo("R1");
    assertThat(terminal.sale(R2)).isEqualTo(TerminalSimulator.approval(R2, 2));
    assertThat(terminal.link().duplicatesDropped()).isEqualTo(2);
    assertThat(sim.saleRequests()).containsExactly(R1, R2);
    assertEachSaleRequestedOnce();
  }

  @Test
  void corruptedResponsesAreNakedAndRecovered() {
    sim.enqueue(
        Script.builder().noiseBefore(new byte[] {0x00, 0x7F, (byte) 0xFF}).badLrcFirst().build());
    sim.enqueue(Script.builder().truncateFirst(7).build());
    assertThat(terminal.sale(R1)).isEqualTo(TerminalSimulator.approval(R1, 1));
    assertThat(terminal.sale(R2)).isEqualTo(TerminalSimulator.approval(R2, 2));
    assertThat(terminal.link().framesRejected()).isEqualTo(2);
    assertThat(terminal.link().noiseRuns()).isEqualTo(1);
    EcrLinkTest.eventually(() -> sim.naksReceived() == 2, "the simulator received both NAKs");
    assertEachSaleRequestedOnce();
  }

  @Test
  void aResponseForAnotherReferenceIsIgnored() {
    SaleResponse other =
        TerminalSimulator.approval(SaleRequest.sale("OTHER", Money.of(1, Money.CNY)), 9);
    sim.enqueue(Script.respond(other));
    assertThatThrownBy(() -> terminal.sale(R1))
        .isInstanceOfSatisfying(
            EcrException.class,
            e -> {
              assertThat(e.reasonCode()).isEqualTo(Reason.NOT_PERFORMED);
              assertThat(e.getSuppressed()).hasSize(1);
              assertThat(e.getSuppressed()[0])
                  .hasMessage(
                      "ignored a response that answers something else: SaleResponse{OTHER,"
                          + " approved 00, CNY 0.01, 622202******1234, RRN 000000000009}");
            });
    assertEachSaleRequestedOnce();
  }

  @Test
  void lastResultOnDemand() {
    SaleResponse earlier = TerminalSimulator.approval(R2, 77);
    sim.remember(earlier);
    assertThat(terminal.lastResult("R2")).isEqualTo(LastResultResponse.found(earlier));
    assertThat(terminal.lastResult("R9")).isEqualTo(LastResultResponse.notFound("R9"));
    assertThat(sim.saleRequests()).isEmpty();
  }

  @Test
  void concurrentSalesRunOneAtATime() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<SaleResponse> a = pool.submit(() -> terminal.sale(R1));
      Future<SaleResponse> b = pool.submit(() -> terminal.sale(R2));
      assertThat(a.get().ecrReference()).isEqualTo("R1");
      assertThat(b.get().ecrReference()).isEqualTo("R2");
    } finally {
      pool.shutdownNow();
    }
    assertThat(sim.saleRequests()).containsExactlyInAnyOrder(R1, R2);
    assertThat(sim.saleTransmissions()).isEqualTo(2);
    assertEachSaleRequestedOnce();
  }
}
