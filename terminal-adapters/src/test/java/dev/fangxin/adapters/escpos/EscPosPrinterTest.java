package dev.fangxin.adapters.escpos;

import static dev.fangxin.adapters.escpos.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fangxin.adapters.escpos.PrinterProfile.CodePage;
import dev.fangxin.adapters.testing.LoopbackPrinter;
import dev.fangxin.adapters.transport.TransportException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link EscPosPrinter} against {@link LoopbackPrinter} over a plain TCP socket. */
class EscPosPrinterTest {
  private static final byte[] QUERIES = bytes("10 04 01 10 04 02 10 04 04");
  private static final byte[] JOB =
      EscPos.concat(
          EscPos.initialize(), EscPos.text("Hello 你好", CodePage.GB18030), EscPos.lineFeed());

  private LoopbackPrinter loopback;
  private SocketTransport transport;
  private EscPosPrinter printer;

  @BeforeEach
  void setUp() {
    loopback = LoopbackPrinter.start();
    transport = SocketTransport.connect(loopback.host(), loopback.port());
    printer = EscPosPrinter.on(transport, Duration.ofMillis(300));
  }

  @AfterEach
  void tearDown() {
    transport.close();
    loopback.close();
  }

  @Test
  void statusOnline() {
    PrinterStatus status = printer.status();
    assertThat(status.ready()).isTrue();
    assertThat(status.rawReplies()).isEqualTo(bytes("12 12 12"));
  }

  @Test
  void statusOfEachCondition() {
    loopback.status(LoopbackPrinter.Status.OFFLINE);
    assertThat(printer.status().problem()).contains(PrinterException.Reason.OFFLINE);
    loopback.status(LoopbackPrinter.Status.COVER_OPEN);
    assertThat(printer.status().problem()).contains(PrinterException.Reason.COVER_OPEN);
    loopback.status(LoopbackPrinter.Status.PAPER_OUT);
    assertThat(printer.status().problem()).contains(PrinterException.Reason.PAPER_OUT);
    loopback.status(LoopbackPrinter.Status.ERROR);
    assertThat(printer.status().problem()).contains(PrinterException.Reason.PRINTER_ERROR);
    loopback.status(LoopbackPrinter.Status.PAPER_NEAR_END);
    assertThat(printer.status().paperNearEnd()).isTrue();
    assertThat(loopback.statusQueries()).isEqualTo(15);
    assertThat(loopback.jobBytes()).isEmpty();
  }

  @Test
  void printSendsStatusQueriesThenTheJobThenAConfirmingQuery() {
    printer.print(JOB);
    assertThat(loopback.jobBytes()).isEqualTo(JOB);
    assertThat(loopback.bytes()).isEqualTo(EscPos.concat(QUERIES, JOB, bytes("10 04 01")));
  }

  @Test
  void printWithPaperNearEndGoesAhead() {
    loopback.status(LoopbackPrinter.Status.PAPER_NEAR_END);
    printer.print(JOB);
    assertThat(loopback.jobBytes()).isEqualTo(JOB);
  }

  @Test
  void printRefusesBeforeSendingWhenPaperOut() {
    loopback.status(LoopbackPrinter.Status.PAPER_OUT);
    PrinterException e = catchThrowableOfType(() -> printer.print(JOB), PrinterException.class);
    assertThat(e.reasonCode()).isEqualTo(PrinterException.Reason.PAPER_OUT);
    assertThat(e.reason()).isEqualTo("printer.paper_out");
    assertThat(e.mayHavePrinted()).isFalse();
    assertThat(e)
        .hasMessage(
            "the printer on "
                + transport.description()
                + " cannot print: the paper is out (PrinterStatus{offline, paper out, raw 1A 32"
                + " 72}); nothing was sent");
    assertThat(loopback.bytes()).isEqualTo(QUERIES);
    assertThat(loopback.jobBytes()).isEmpty();
  }

  @Test
  void printRefusesBeforeSendingWhenCoverOpenOrOffline() {
    loopback.status(LoopbackPrinter.Status.COVER_OPEN);
    PrinterException e = catchThrowableOfType(() -> printer.print(JOB), PrinterException.class);
    assertThat(e.reasonCode()).isEqualTo(PrinterException.Reason.COVER_OPEN);
    loopback.status(LoopbackPrinter.Status.OFFLINE);
    e = catchThrowableOfType(() -> printer.print(JOB), PrinterException.class);
    assertThat(e.reasonCode()).isEqualTo(PrinterException.Reason.OFFLINE);
    assertThat(e.mayHavePrinted()).isFalse();
    assertThat(loopback.jobBytes()).isEmpty();
  }

  @Test
  void silentPrinter() {
    loopback.silent(true);
    PrinterException e = catchThrowableOfType(() -> printer.print(JOB), PrinterException.class);
    assertThat(e.reasonCode()).isEqualTo(PrinterException.Reason.NO_STATUS_REPLY);
    assertThat(e.mayHavePrinted()).isFalse();
    assertThat(e)
        .hasMessage(
            "the printer on "
                + transport.description()
                + " did not answer DLE EOT 1 within 300 ms; is it on, and is this the right port"
                + " and baud rate? Nothing was sent");
    assertThat(loopback.jobBytes()).isEmpty();
  }

  @Test
  void garbageReply() {
    loopback.rawStatus(0x12, 0xFF, 0x12);
    PrinterException e = catchThrowableOfType(() -> printer.status(), PrinterException.class);
    assertThat(e.reasonCode()).isEqualTo(PrinterException.Reason.BAD_STATUS_REPLY);
    assertThat(e.getMessage())
        .startsWith(
            "the printer on " + transport.description() + ": the reply to DLE EOT 2 was 0xFF");
    assertThat(e.mayHavePrinted()).isFalse();
  }

  @Test
  void connectionClosedMidJob() {
    byte[] big = new byte[64 * 1024];
    java.util.Arrays.fill(big, (byte) 'x');
    loopback.closeAfterJobBytes(100);
    PrinterException e = catchThrowableOfType(() -> printer.print(big), PrinterException.class);
    assertThat(e.reasonCode()).isEqualTo(PrinterException.Reason.TRANSPORT);
    assertThat(e.mayHavePrinted()).isTrue();
    assertThat(e.getCause()).isInstanceOf(TransportException.class);
    assertThat(e.getMessage())
        .startsWith("the transport to the printer on " + transport.description() + " failed ")
        .contains("part of it may have printed");
    assertThat(loopback.jobBytes()).hasSize(100);
  }

  @Test
  void transportFailureDuringStatusMeansNothingPrinted() {
    transport.close();
    PrinterException e = catchThrowableOfType(() -> printer.print(JOB), PrinterException.class);
    assertThat(e.reasonCode()).isEqualTo(PrinterException.Reason.TRANSPORT);
    assertThat(e.mayHavePrinted()).isFalse();
    assertThat(e.getCause()).isInstanceOf(TransportException.class);
    assertThat(e.getMessage()).contains("while asking its status; nothing was sent to print");
  }
}
