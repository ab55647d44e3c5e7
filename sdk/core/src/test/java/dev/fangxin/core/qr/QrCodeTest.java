package dev.fangxin.core.qr;

import static dev.fangxin.core.qr.QrFixtures.ASCII_URL;
import static dev.fangxin.core.qr.QrFixtures.CHINESE_TEXT;
import static dev.fangxin.core.qr.QrFixtures.RECEIPT_URL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.decoder.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QrCodeTest {

  @Test
  void receiptUrlOf176CharactersIsVersion7AtM() {
    assertThat(RECEIPT_URL).hasSize(176).matches("[0-9A-Z $%*+\\-./:]+");

    QrCode code = QrCode.encode(RECEIPT_URL, ErrorCorrection.M);

    assertThat(code.version()).isLessThanOrEqualTo(7).isEqualTo(7);
    assertThat(code.size()).isEqualTo(45);
    assertThat(code.errorCorrection()).isEqualTo(ErrorCorrection.M);
    assertThat(code.text()).isEqualTo(RECEIPT_URL);
  }

  @Test
  void version7AtMHolds178AlphanumericCharactersAndNoMore() {
    assertThat(QrCode.encode(QrFixtures.receiptUrl(178), ErrorCorrection.M).version()).isEqualTo(7);
    assertThat(QrCode.encode(QrFixtures.receiptUrl(179), ErrorCorrection.M).version()).isEqualTo(8);
  }

  @Test
  void upperCaseUrlUsesAlphanumericModeWithoutEci() throws Exception {
    byte[] raw =
        QrFixtures.zxingResult(QrCode.encode(RECEIPT_URL, ErrorCorrection.M)).getRawBytes();
    assertThat((raw[0] & 0xff) >>> 4).isEqualTo(Mode.ALPHANUMERIC.getBits());
  }

  @Test
  void asciiTextUsesByteModeWithoutEci() throws Exception {
    byte[] raw = QrFixtures.zxingResult(QrCode.encode(ASCII_URL, ErrorCorrection.M)).getRawBytes();
    assertThat((raw[0] & 0xff) >>> 4).isEqualTo(Mode.BYTE.getBits());
  }

  @Test
  void nonAsciiTextIsUtf8BehindEci26() throws Exception {
    byte[] raw =
        QrFixtures.zxingResult(QrCode.encode(CHINESE_TEXT, ErrorCorrection.M)).getRawBytes();
    assertThat((raw[0] & 0xff) >>> 4).isEqualTo(Mode.ECI.getBits());
    int designator = ((raw[0] & 0x0f) << 4) | ((raw[1] & 0xff) >>> 4);
    assertThat(designator).isEqualTo(26); // UTF-8
    assertThat(raw[1] & 0x0f).isEqualTo(Mode.BYTE.getBits());
  }

  @Test
  void version40CapacitiesMatchTheStandardTable() {
    int[][] expected = { // L, M, Q, H for numeric, alphanumeric, byte (ISO/IEC 18004 table 7)
      {7089, 5596, 3993, 3057}, {4296, 3391, 2420, 1852}, {2953, 2331, 1663, 1273}
    };
    Mode[] modes = {Mode.NUMERIC, Mode.ALPHANUMERIC, Mode.BYTE};
    for (int m = 0; m < modes.length; m++) {
      for (ErrorCorrection level : ErrorCorrection.values()) {
        assertThat(QrCode.capacityAtVersion40(modes[m], false, level))
            .as("%s at %s", modes[m], level)
            .isEqualTo(expected[m][level.ordinal()]);
      }
    }
    // A UTF-8 ECI header costs 12 bits, one byte of capacity at every level.
    assertThat(QrCode.capacityAtVersion40(Mode.BYTE, true, ErrorCorrection.L)).isEqualTo(2952);
  }

  @ParameterizedTest
  @CsvSource({"M, 3391, 3392", "L, 4296, 4297", "H, 1852, 1853"})
  void alphanumericTextLongerThanVersion40IsRejected(ErrorCorrection level, int fits, int tooLong) {
    assertThat(QrCode.encode(QrFixtures.receiptUrl(fits), level).version()).isEqualTo(40);
    assertThatThrownBy(() -> QrCode.encode(QrFixtures.receiptUrl(tooLong), level))
        .isInstanceOf(QrException.class)
        .hasMessage(
            "The text needs "
                + tooLong
                + " characters in alphanumeric mode but a QR code at error correction "
                + level
                + " holds at most "
                + fits
                + " (version 40); shorten the text or choose a lower error-correction level.")
        .satisfies(
            e -> {
              assertThat(((QrException) e).reasonCode())
                  .isEqualTo(QrException.Reason.TEXT_TOO_LONG);
              assertThat(((QrException) e).reason()).isEqualTo("qr.text_too_long");
            });
  }

  @Test
  void byteModeLimitCountsAsciiBytes() {
    String fits = "a".repeat(2331);
    assertThat(QrCode.encode(fits, ErrorCorrection.M).version()).isEqualTo(40);
    assertThatThrownBy(() -> QrCode.encode(fits + "a", ErrorCorrection.M))
        .isInstanceOf(QrException.class)
        .hasMessage(
            "The text needs 2332 bytes in byte mode but a QR code at error correction M holds at"
                + " most 2331 (version 40); shorten the text or choose a lower error-correction"
                + " level.");
  }

  @Test
  void utf8LimitCountsEncodedBytes() {
    String fits = "费".repeat(984); // 2952 UTF-8 bytes
    assertThat(QrCode.encode(fits, ErrorCorrection.L).version()).isEqualTo(40);
    assertThatThrownBy(() -> QrCode.encode(fits + "费", ErrorCorrection.L))
        .isInstanceOf(QrException.class)
        .hasMessage(
            "The text needs 2955 UTF-8 bytes in byte mode but a QR code at error correction L"
                + " holds at most 2952 (version 40); shorten the text or choose a lower"
                + " error-correction level.");
  }

  @Test
  void hugeTextIsRejectedBeforeEncoding() {
    assertThatThrownBy(() -> QrCode.encode("1".repeat(1_000_000), ErrorCorrection.L))
        .isInstanceOf(QrException.class)
        .hasMessage(
            "The text needs 1000000 digits in numeric mode but a QR code at error correction L"
                + " holds at most 7089 (version 40); shorten the text or choose a lower"
                + " error-correction level.");
  }

  @Test
  void emptyTextIsRejected() {
    assertThatThrownBy(() -> QrCode.encode("", ErrorCorrection.M))
        .isInstanceOf(QrException.class)
        .hasMessage("The text is empty; a QR code needs at least one character.")
        .extracting(e -> ((QrException) e).reasonCode())
        .isEqualTo(QrException.Reason.INVALID_ARGUMENT);
  }

  @Test
  void unpairedSurrogateIsRejected() {
    assertThatThrownBy(() -> QrCode.encode("放心\ud83d!", ErrorCorrection.M))
        .isInstanceOf(QrException.class)
        .hasMessage(
            "The text has an unpaired UTF-16 surrogate at index 2; expected well-formed Unicode"
                + " text.");
    // A well-formed pair is fine.
    assertThat(QrCode.encode("放心 \ud83d\ude00", ErrorCorrection.M).version()).isEqualTo(1);
  }

  @Test
  void nullsAreRejected() {
    assertThatThrownBy(() -> QrCode.encode(null, ErrorCorrection.M))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("text == null");
    assertThatThrownBy(() -> QrCode.encode("A", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("level == null");
  }

  @Test
  void modulesExposeTheFinderPatterns() {
    QrCode code = QrCode.encode(RECEIPT_URL, ErrorCorrection.M);
    int last = code.size() - 1;
    for (int[] corner : new int[][] {{0, 0}, {last - 6, 0}, {0, last - 6}}) {
      int x0 = corner[0];
      int y0 = corner[1];
      assertThat(code.isDark(x0, y0)).isTrue();
      assertThat(code.isDark(x0 + 6, y0 + 6)).isTrue();
      assertThat(code.isDark(x0 + 1, y0 + 1)).isFalse();
      assertThat(code.isDark(x0 + 3, y0 + 3)).isTrue();
    }
  }

  @ParameterizedTest
  @CsvSource({"-1, 0", "0, -1", "45, 0", "0, 45"})
  void isDarkRejectsCoordinatesOutsideTheSymbol(int x, int y) {
    QrCode code = QrCode.encode(RECEIPT_URL, ErrorCorrection.M);
    assertThatThrownBy(() -> code.isDark(x, y))
        .isInstanceOf(QrException.class)
        .hasMessage(
            "Module (" + x + ", " + y + ") is outside the symbol; x and y must be within 0..44.");
  }

  @Test
  void bitMatrixMatchesModulesWithQuietZone() {
    QrCode code = QrCode.encode(ASCII_URL, ErrorCorrection.Q);
    BitMatrix matrix = code.toBitMatrix(4);
    assertThat(matrix.getWidth()).isEqualTo(code.size() + 8);
    assertThat(matrix.getHeight()).isEqualTo(code.size() + 8);
    for (int y = 0; y < matrix.getHeight(); y++) {
      for (int x = 0; x < matrix.getWidth(); x++) {
        boolean inside = x >= 4 && y >= 4 && x < code.size() + 4 && y < code.size() + 4;
        assertThat(matrix.get(x, y)).isEqualTo(inside && code.isDark(x - 4, y - 4));
      }
    }
    assertThat(code.toBitMatrix(0).getWidth()).isEqualTo(code.size());
    assertThatThrownBy(() -> code.toBitMatrix(17))
        .isInstanceOf(QrException.class)
        .hasMessage("Quiet zone is 17 modules; expected 0..16 (the QR specification requires 4).");
  }

  @Test
  void higherLevelsNeedLargerVersions() {
    int previous = 0;
    for (ErrorCorrection level : ErrorCorrection.values()) {
      int version = QrCode.encode(RECEIPT_URL, level).version();
      assertThat(version).isGreaterThanOrEqualTo(previous);
      previous = version;
    }
    assertThat(previous).isGreaterThan(7);
  }

  @Test
  void valueSemantics() {
    QrCode a = QrCode.encode(RECEIPT_URL, ErrorCorrection.M);
    QrCode b = QrCode.encode(RECEIPT_URL, ErrorCorrection.M);
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(QrCode.encode(RECEIPT_URL, ErrorCorrection.L));
    assertThat(a.toString()).isEqualTo("QrCode{version=7, level=M, size=45, textLength=176}");
  }

  @Test
  void sharedInstanceRendersIdenticallyFromManyThreads() throws Exception {
    QrCode code = QrCode.encode(RECEIPT_URL, ErrorCorrection.M);
    byte[] expected = code.toPng(3, 4);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<byte[]>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        results.add(pool.submit(() -> code.toPng(3, 4)));
      }
      for (Future<byte[]> result : results) {
        assertThat(result.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
