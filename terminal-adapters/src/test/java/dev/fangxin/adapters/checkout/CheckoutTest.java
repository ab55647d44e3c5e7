package dev.fangxin.adapters.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.adapters.ecr.LinkTimings;
import dev.fangxin.adapters.ecr.PaymentTerminal;
import dev.fangxin.adapters.ecr.SaleRequest;
import dev.fangxin.adapters.escpos.EscPosPrinter;
import dev.fangxin.adapters.escpos.PrinterException;
import dev.fangxin.adapters.escpos.PrinterProfile;
import dev.fangxin.adapters.escpos.ReceiptLayout;
import dev.fangxin.adapters.testing.LoopbackPrinter;
import dev.fangxin.adapters.testing.PtyPair;
import dev.fangxin.adapters.testing.Script;
import dev.fangxin.adapters.testing.TerminalSimulator;
import dev.fangxin.adapters.transport.SerialSettings;
import dev.fangxin.adapters.transport.SerialTransport;
import dev.fangxin.adapters.transport.TcpTransport;
import dev.fangxin.adapters.virtualprinter.RenderedPaper;
import dev.fangxin.adapters.virtualprinter.VirtualPrinter;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.link.DisputeLink;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.receipt.JournalVerifier;
import dev.fangxin.core.receipt.ReceiptSigner;
import dev.fangxin.core.receipt.SignedReceipt;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole checkout on real ports: the payment terminal simulator on one end of a kernel
 * pseudo-terminal pair (both ends opened with {@link SerialTransport}), a loopback TCP printer, a
 * real journal. The printed bytes are rendered by the virtual printer and the QR code is read back.
 */
class CheckoutTest {
  static final String BASE = "https://fx.example.cn/hz";
  static final ReceiptLayout.Header HEADER = ReceiptLayout.Header.of("放心小馆 Fangxin Bistro");
  static final List<ReceiptLayout.Item> ITEMS =
      List.of(ReceiptLayout.Item.of("龙井茶 Longjing tea", 2, Money.of(6_400, Money.CNY)));

  @TempDir Path dir;
  PtyPair pty;
  SerialTransport ecrEnd;
  SerialTransport terminalEnd;
  TerminalSimulator simulator;
  PaymentTerminal terminal;
  LoopbackPrinter printerServer;
  TcpTransport printerLink;
  TerminalKeyPair key;
  ReceiptSigner signer;
  Checkout checkout;

  @BeforeEach
  void setUp() throws Exception {
    PtyPair.assumeAvailable();
    pty = PtyPair.open();
    ecrEnd = SerialTransport.open(SerialSettings.builder(pty.a()).baudRate(115_200).build());
    terminalEnd = SerialTransport.open(SerialSettings.builder(pty.b()).baudRate(115_200).build());
    simulator = TerminalSimulator.builder(terminalEnd).start();
    terminal =
        PaymentTerminal.builder(ecrEnd)
            .timings(
                LinkTimings.builder()
                    .ackTimeout(Duration.ofMillis(500))
                    .responseTimeout(Duration.ofSeconds(1))
                    .interByteTimeout(Duration.ofMillis(200))
                    .build())
            .lastResultTimeout(Duration.ofSeconds(1))
            .build();
    printerServer = LoopbackPrinter.start();
    printerLink =
        TcpTransport.connect(
            printerServer.host(),
            printerServer.port(),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5));
    key = TerminalKeyPair.generate(SignatureAlgorithm.SM2_SM3);
    signer = ReceiptSigner.open(key, dir.resolve("pos.journal"));
    checkout =
        Checkout.builder()
            .terminal(terminal)
            .signer(signer)
            .printer(EscPosPrinter.on(printerLink), PrinterProfile.mm58())
            .linkBase(BASE)
            .header(HEADER)
            .build();
  }

  @AfterEach
  void tearDown() {
    for (AutoCloseable c :
        new AutoCloseable[] {
          signer, printerLink, printerServer, terminal, simulator, ecrEnd, terminalEnd, pty
        }) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // tearing down
      }
    }
  }

  private RenderedPaper paper() {
    return VirtualPrinter.paper58mm().render(printerServer.jobBytes());
  }

  @Test
  void approvedSaleIsSignedJournaledPrintedAndItsQrVerifies() {
    Checkout.Outcome outcome =
        checkout.pay(SaleRequest.sale("ECR0001", Money.of(12_800, Money.CNY)), ITEMS);

    assertThat(outcome.complete()).isTrue();
    SignedReceipt receipt = outcome.receipt().orElseThrow();
    assertThat(receipt.disputeClaim().amount()).isEqualTo(Money.of(12_800, Money.CNY));
    assertThat(receipt.claim().getTool().getMerchantNumber()).isEqualTo("898310048161234");
    assertThat(receipt.claim().getTrace().getStan()).isNotEmpty();
    assertThat(receipt.claim().getTrace().getSettlementYear()).isEqualTo(2026);
    assertThat(simulator.saleRequests()).hasSize(1);

    RenderedPaper paper = paper();
    String link = receipt.link(BASE).toString();
    assertThat(paper.qrPayloads()).containsExactly(link);
    DisputeLink.parse(paper.qrPayloads().get(0)).token().verify(key.publicKey());
    assertThat(String.join("\n", paper.textLines()))
        .contains("放心小馆")
        .contains("扫码一键和解")
        .contains("Scan to resolve a problem")
        .doesNotContain("COPY");
    assertThat(printerServer.jobBytes().length).isLessThanOrEqualTo(1024);
  }

  @Test
  void paperOutKeepsTheReceiptAndTheRetryIsTheOriginalThenCopies() {
    printerServer.status(LoopbackPrinter.Status.PAPER_OUT);
    Checkout.Outcome outcome =
        checkout.pay(SaleRequest.sale("ECR0002", Money.of(500, Money.CNY)), ITEMS);

    assertThat(outcome.response().approved()).isTrue();
    PrinterException failure = outcome.printFailure().orElseThrow();
    assertThat(failure.reasonCode()).isEqualTo(PrinterException.Reason.PAPER_OUT);
    assertThat(failure.mayHavePrinted()).isFalse();
    assertThat(printerServer.jobBytes()).isEmpty();
    long sequence = outcome.receipt().orElseThrow().sequence();

    // Paper replaced: the first real print is the original, unmarked.
    printerServer.status(LoopbackPrinter.Status.ONLINE);
    assertThat(checkout.reprint(sequence, ITEMS)).isEmpty();
    assertThat(String.join("\n", paper().textLines())).doesNotContain("COPY");

    // Any later print is marked.
    int before = printerServer.jobBytes().length;
    assertThat(checkout.reprint(sequence, ITEMS)).isEmpty();
    byte[] all = printerServer.jobBytes();
    byte[] second = java.util.Arrays.copyOfRange(all, before, all.length);
    RenderedPaper copy = VirtualPrinter.paper58mm().render(second);
    assertThat(String.join("\n", copy.textLines())).contains("COPY / 副本");
    assertThat(copy.qrPayloads()).containsExactly(outcome.receipt().get().link(BASE).toString());
    assertThat(simulator.saleRequests()).hasSize(1);
  }

  @Test
  void printerLostMidJobMeansEveryReprintIsACopy() throws Exception {
    printerServer.closeAfterJobBytes(100);
    Checkout.Outcome outcome =
        checkout.pay(SaleRequest.sale("ECR0003", Money.of(900, Money.CNY)), ITEMS);
    PrinterException failure = outcome.printFailure().orElseThrow();
    assertThat(failure.mayHavePrinted()).isTrue();
    long sequence = outcome.receipt().orElseThrow().sequence();

    // Reconnect to the printer and reprint: marked as a copy.
    printerLink.close();
    LoopbackPrinter fresh = LoopbackPrinter.start();
    try (TcpTransport link =
        TcpTransport.connect(
            fresh.host(), fresh.port(), Duration.ofSeconds(2), Duration.ofSeconds(5))) {
      Checkout again =
          Checkout.builder()
              .terminal(terminal)
              .signer(signer)
              .printer(EscPosPrinter.on(link), PrinterProfile.mm58())
              .linkBase(BASE)
              .header(HEADER)
              .build();
      assertThat(again.reprint(sequence, ITEMS)).isEmpty();
      RenderedPaper paper = VirtualPrinter.paper58mm().render(fresh.jobBytes());
      assertThat(String.join("\n", paper.textLines())).contains("COPY / 副本");
    } finally {
      fresh.close();
    }
  }

  @Test
  void declinedSaleSignsAndPrintsNothing() {
    simulator.enqueue(Script.decline("51"));
    Checkout.Outcome outcome =
        checkout.pay(SaleRequest.sale("ECR0004", Money.of(100, Money.CNY)), ITEMS);
    assertThat(outcome.response().approved()).isFalse();
    assertThat(outcome.receipt()).isEmpty();
    assertThat(printerServer.jobBytes()).isEmpty();
    assertThat(signer.nextSequence()).isEqualTo(1);
  }

  @Test
  void aLostResponseIsRecoveredWithoutASecondSale() {
    simulator.enqueue(Script.withholdResponse());
    Checkout.Outcome outcome =
        checkout.pay(SaleRequest.sale("ECR0005", Money.of(4_200, Money.CNY)), ITEMS);
    assertThat(outcome.complete()).isTrue();
    assertThat(simulator.saleRequests()).hasSize(1);
    assertThat(simulator.lastResultQueries()).isNotEmpty();
  }

  @Test
  void journalHoldsEveryReceiptAndVerifies() {
    for (int i = 1; i <= 3; i++) {
      checkout.pay(SaleRequest.sale("ECR01" + i, Money.of(100L * i, Money.CNY)), ITEMS);
    }
    signer.close();
    JournalVerifier.Report report =
        JournalVerifier.verify(dir.resolve("pos.journal"), List.of(key.publicKey()));
    assertThat(report.ok()).as(report.findings().toString()).isTrue();
    assertThat(report.receipts()).isEqualTo(3);
  }

  @Test
  void reprintOfAnUnknownSequenceSaysSo() {
    assertThatThrownBy(() -> checkout.reprint(99, ITEMS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no receipt 99");
  }
}
