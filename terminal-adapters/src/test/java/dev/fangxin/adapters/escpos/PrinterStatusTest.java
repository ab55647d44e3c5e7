package dev.fangxin.adapters.escpos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrinterStatusTest {
  private static PrinterStatus parse(int printer, int offline, int paper) {
    return PrinterStatus.parse((byte) printer, (byte) offline, (byte) paper);
  }

  @Test
  void online() {
    PrinterStatus s = parse(0x12, 0x12, 0x12);
    assertThat(s.online()).isTrue();
    assertThat(s.ready()).isTrue();
    assertThat(s.problem()).isEmpty();
    assertThat(s.paperNearEnd()).isFalse();
    assertThat(s).hasToString("PrinterStatus{online, raw 12 12 12}");
  }

  @Test
  void offline() {
    PrinterStatus s = parse(0x1A, 0x12, 0x12);
    assertThat(s.online()).isFalse();
    assertThat(s.problem()).contains(PrinterException.Reason.OFFLINE);
  }

  @Test
  void coverOpen() {
    PrinterStatus s = parse(0x1A, 0x16, 0x12);
    assertThat(s.coverOpen()).isTrue();
    assertThat(s.problem()).contains(PrinterException.Reason.COVER_OPEN);
  }

  @Test
  void paperOutFromTheRollSensor() {
    PrinterStatus s = parse(0x12, 0x12, 0x72);
    assertThat(s.paperOut()).isTrue();
    assertThat(s.problem()).contains(PrinterException.Reason.PAPER_OUT);
  }

  @Test
  void paperOutFromStoppedPrinting() {
    PrinterStatus s = parse(0x1A, 0x32, 0x12);
    assertThat(s.stoppedByPaperEnd()).isTrue();
    assertThat(s.problem()).contains(PrinterException.Reason.PAPER_OUT);
  }

  @Test
  void coverOpenWinsOverPaperOut() {
    assertThat(parse(0x1A, 0x36, 0x72).problem()).contains(PrinterException.Reason.COVER_OPEN);
  }

  @Test
  void paperNearEndIsOnlyAWarning() {
    PrinterStatus s = parse(0x12, 0x12, 0x1E);
    assertThat(s.paperNearEnd()).isTrue();
    assertThat(s.paperOut()).isFalse();
    assertThat(s.ready()).isTrue();
    assertThat(s).hasToString("PrinterStatus{online, paper near end, raw 12 12 1E}");
  }

  @Test
  void error() {
    PrinterStatus s = parse(0x1A, 0x52, 0x12);
    assertThat(s.error()).isTrue();
    assertThat(s.problem()).contains(PrinterException.Reason.PRINTER_ERROR);
  }

  @Test
  void feedButton() {
    assertThat(parse(0x12, 0x1A, 0x12).feedButtonPressed()).isTrue();
  }

  @Test
  void garbageIsRejected() {
    // 0x00 lacks the fixed 1 bits; 0xFF has the fixed 0 bits set; 0x13 has bit 0 set.
    assertThatThrownBy(() -> parse(0x00, 0x12, 0x12))
        .isInstanceOf(PrinterException.class)
        .hasMessage(
            "the reply to DLE EOT 1 was 0x00, not a status byte (expected bits 1 and 4 set, bits 0"
                + " and 7 clear: 0x12 | flags); check the baud rate and that the device is an"
                + " ESC/POS printer")
        .extracting(e -> ((PrinterException) e).reasonCode())
        .isEqualTo(PrinterException.Reason.BAD_STATUS_REPLY);
    assertThatThrownBy(() -> parse(0x12, 0xFF, 0x12))
        .isInstanceOf(PrinterException.class)
        .hasMessageStartingWith("the reply to DLE EOT 2 was 0xFF, not a status byte");
    assertThatThrownBy(() -> parse(0x12, 0x12, 0x13))
        .isInstanceOf(PrinterException.class)
        .hasMessageStartingWith("the reply to DLE EOT 4 was 0x13, not a status byte");
    assertThatThrownBy(() -> parse(0x92, 0x12, 0x12))
        .isInstanceOf(PrinterException.class)
        .hasMessageStartingWith("the reply to DLE EOT 1 was 0x92, not a status byte");
  }
}
