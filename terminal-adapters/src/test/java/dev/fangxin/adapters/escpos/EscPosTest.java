package dev.fangxin.adapters.escpos;

import static dev.fangxin.adapters.escpos.Hex.bytes;
import static dev.fangxin.adapters.escpos.Hex.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.adapters.escpos.EscPos.Justification;
import dev.fangxin.adapters.escpos.PrinterProfile.CodePage;
import dev.fangxin.adapters.escpos.PrinterProfile.Cutter;
import dev.fangxin.core.qr.ErrorCorrection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Golden bytes for every command builder; literals are the bytes of ESCPOS.md. */
class EscPosTest {
  private static void assertBytes(byte[] actual, String expectedHex) {
    assertThat(hex(actual)).isEqualTo(hex(bytes(expectedHex)));
  }

  @Test
  void simpleCommands() {
    assertBytes(EscPos.initialize(), "1B 40");
    assertBytes(EscPos.align(Justification.LEFT), "1B 61 00");
    assertBytes(EscPos.align(Justification.CENTER), "1B 61 01");
    assertBytes(EscPos.align(Justification.RIGHT), "1B 61 02");
    assertBytes(EscPos.bold(true), "1B 45 01");
    assertBytes(EscPos.bold(false), "1B 45 00");
    assertBytes(EscPos.size(1, 1), "1D 21 00");
    assertBytes(EscPos.size(1, 2), "1D 21 01");
    assertBytes(EscPos.size(2, 2), "1D 21 11");
    assertBytes(EscPos.size(8, 8), "1D 21 77");
    assertBytes(EscPos.defaultLineSpacing(), "1B 32");
    assertBytes(EscPos.lineSpacing(24), "1B 33 18");
    assertBytes(EscPos.chineseMode(true), "1C 26");
    assertBytes(EscPos.chineseMode(false), "1C 2E");
    assertBytes(EscPos.codeTable(0), "1B 74 00");
    assertBytes(EscPos.lineFeed(), "0A");
    assertBytes(EscPos.feedLines(4), "1B 64 04");
    assertBytes(EscPos.cut(Cutter.FULL), "1D 56 00");
    assertBytes(EscPos.cut(Cutter.PARTIAL), "1D 56 01");
    assertThat(EscPos.cut(Cutter.NONE)).isEmpty();
    assertBytes(EscPos.feedAndCut(48), "1D 56 42 30");
    assertBytes(EscPos.statusRequest(1), "10 04 01");
    assertBytes(EscPos.statusRequest(2), "10 04 02");
    assertBytes(EscPos.statusRequest(4), "10 04 04");
  }

  @Test
  void argumentsOutOfRange() {
    assertThatThrownBy(() -> EscPos.size(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("width must be 1..8, got 0");
    assertThatThrownBy(() -> EscPos.size(1, 9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("height must be 1..8, got 9");
    assertThatThrownBy(() -> EscPos.feedLines(256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lines must be 0..255, got 256");
    assertThatThrownBy(() -> EscPos.qrModuleSize(17))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dots must be 1..16, got 17");
    assertThatThrownBy(() -> EscPos.statusRequest(5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("n must be 1..4, got 5");
  }

  @Test
  void qrSetupCommands() {
    // Model 2 is n1 = 50 (0x32): escpos-coffee sent 49 (model 1) by an off-by-one.
    assertBytes(EscPos.qrModel2(), "1D 28 6B 04 00 31 41 32 00");
    assertBytes(EscPos.qrModuleSize(5), "1D 28 6B 03 00 31 43 05");
    assertBytes(EscPos.qrErrorCorrection(ErrorCorrection.L), "1D 28 6B 03 00 31 45 30");
    assertBytes(EscPos.qrErrorCorrection(ErrorCorrection.M), "1D 28 6B 03 00 31 45 31");
    assertBytes(EscPos.qrErrorCorrection(ErrorCorrection.Q), "1D 28 6B 03 00 31 45 32");
    assertBytes(EscPos.qrErrorCorrection(ErrorCorrection.H), "1D 28 6B 03 00 31 45 33");
    assertBytes(EscPos.qrPrint(), "1D 28 6B 03 00 31 51 30");
  }

  @Test
  void qrStoreOfA176ByteLink() {
    String link = "HTTPS://FX.EXAMPLE.CN/D/" + "A".repeat(152);
    assertThat(link).hasSize(176);
    byte[] store = EscPos.qrStore(link);
    // pL + 256 pH = 176 + 3 = 179 = 0xB3.
    assertBytes(Arrays.copyOf(store, 8), "1D 28 6B B3 00 31 50 30");
    assertThat(Arrays.copyOfRange(store, 8, store.length))
        .isEqualTo(link.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void qrStoreOf300BytesUsesTheHighLengthByte() {
    byte[] data = new byte[300];
    Arrays.fill(data, (byte) 'Z');
    byte[] store = EscPos.qrStore(data);
    // 303 = 0x012F: pL = 2F, pH = 01.
    assertBytes(Arrays.copyOf(store, 8), "1D 28 6B 2F 01 31 50 30");
    assertThat(store).hasSize(308);
  }

  @Test
  void qrStoreCountsBytesNotCharacters() {
    // 4 characters, 12 bytes of UTF-8: the length is 12 + 3 = 15, not 4 + 3.
    byte[] store = EscPos.qrStore("放心消费");
    assertBytes(store, "1D 28 6B 0F 00 31 50 30 E6 94 BE E5 BF 83 E6 B6 88 E8 B4 B9");
  }

  @Test
  void qrStoreLimits() {
    assertThatThrownBy(() -> EscPos.qrStore(new byte[0]))
        .isInstanceOf(PrinterException.class)
        .hasMessage("a QR code stores 1..7089 bytes, got 0")
        .extracting(e -> ((PrinterException) e).reason())
        .isEqualTo("printer.layout");
    assertThat(EscPos.qrStore(new byte[7089])).hasSize(7097);
    assertThatThrownBy(() -> EscPos.qrStore(new byte[7090]))
        .isInstanceOf(PrinterException.class)
        .hasMessage("a QR code stores 1..7089 bytes, got 7090");
  }

  @Test
  void wholeNativeQr() {
    assertBytes(
        EscPos.qr("HI", 4, ErrorCorrection.M),
        "1D 28 6B 04 00 31 41 32 00"
            + "1D 28 6B 03 00 31 43 04"
            + "1D 28 6B 03 00 31 45 31"
            + "1D 28 6B 05 00 31 50 30 48 49"
            + "1D 28 6B 03 00 31 51 30");
  }

  @Test
  void asciiText() {
    assertBytes(EscPos.text("Total 36.00", CodePage.ASCII), "54 6F 74 61 6C 20 33 36 2E 30 30");
    assertBytes(EscPos.text("Hi", CodePage.GB18030), "48 69");
    assertThat(EscPos.text("", CodePage.GB18030)).isEmpty();
  }

  @Test
  void chineseTextIsWrappedInChineseMode() {
    assertBytes(EscPos.text("放心", CodePage.GB18030), "1C 26 B7 C5 D0 C4 1C 2E");
    assertBytes(
        EscPos.text("合计 Total", CodePage.GB18030), "1C 26 BA CF BC C6 1C 2E 20 54 6F 74 61 6C");
    // Four-byte GB18030 sequences: U+00A5 and a supplementary character.
    assertBytes(EscPos.text("¥𠀀", CodePage.GB18030), "1C 26 81 30 84 36 95 32 82 36 1C 2E");
  }

  @Test
  void gb18030RoundTrip() {
    String original = "扫码一键和解 / Scan to resolve a problem 副本 ¥128 𠀀😀 é";
    byte[] encoded = EscPos.text(original, CodePage.GB18030);
    // Drop the mode switches; what is left must decode to the original.
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    for (int i = 0; i < encoded.length; i++) {
      if (encoded[i] == 0x1C
          && i + 1 < encoded.length
          && (encoded[i + 1] == '&' || encoded[i + 1] == '.')) {
        i++;
        continue;
      }
      plain.write(encoded[i]);
    }
    assertThat(new String(plain.toByteArray(), Charset.forName("GB18030"))).isEqualTo(original);
    assertThat(Hex.count(encoded, bytes("1C 26"))).isEqualTo(Hex.count(encoded, bytes("1C 2E")));
  }

  @Test
  void controlCharactersAreRefused() {
    assertThatThrownBy(() -> EscPos.text("ab\ncd", CodePage.GB18030))
        .isInstanceOf(PrinterException.class)
        .hasMessage(
            "character 3 of the text is U+000A, a control character; text may hold only printable"
                + " characters (use lineFeed() for line breaks)")
        .extracting(e -> ((PrinterException) e).reasonCode())
        .isEqualTo(PrinterException.Reason.UNSUPPORTED);
    assertThatThrownBy(() -> EscPos.text("放\u001B@", CodePage.GB18030))
        .isInstanceOf(PrinterException.class)
        .hasMessageStartingWith("character 2 of the text is U+001B, a control character");
    assertThatThrownBy(() -> EscPos.text("x\u0085", CodePage.GB18030))
        .isInstanceOf(PrinterException.class)
        .hasMessageStartingWith("character 2 of the text is U+0085, a control character");
    assertThatThrownBy(() -> EscPos.text("\u007F", CodePage.ASCII))
        .isInstanceOf(PrinterException.class)
        .hasMessageStartingWith("character 1 of the text is U+007F, a control character");
  }

  @Test
  void unpairedSurrogateIsRefused() {
    assertThatThrownBy(() -> EscPos.text("a\uD800b", CodePage.GB18030))
        .isInstanceOf(PrinterException.class)
        .hasMessage(
            "character 2 of the text is an unpaired surrogate U+D800; it cannot be encoded in"
                + " GB18030")
        .extracting(e -> ((PrinterException) e).reason())
        .isEqualTo("printer.unsupported");
  }

  @Test
  void asciiProfileRefusesChinese() {
    assertThatThrownBy(() -> EscPos.text("Total 合计", CodePage.ASCII))
        .isInstanceOf(PrinterException.class)
        .hasMessage(
            "character 7 of the text is U+5408, which an ASCII-only printer cannot print;"
                + " expected printable ASCII (U+0020..U+007E) or a GB18030 profile")
        .extracting(e -> ((PrinterException) e).reasonCode())
        .isEqualTo(PrinterException.Reason.UNSUPPORTED);
  }

  @Test
  void columns() {
    assertThat(EscPos.columns("Total")).isEqualTo(5);
    assertThat(EscPos.columns("合计 Total")).isEqualTo(10);
    assertThat(EscPos.columns("𠀀")).isEqualTo(2);
  }

  @Test
  void rasterImage() {
    // 10 x 2 dots: row 0 = dots 0 and 9 black, row 1 = dots 1..8 black.
    byte[] rows = bytes("80 40  7F 80");
    RasterImage image = RasterImage.of(10, 2, rows);
    assertThat(image.bytesPerRow()).isEqualTo(2);
    assertThat(image.isBlack(0, 0)).isTrue();
    assertThat(image.isBlack(9, 0)).isTrue();
    assertThat(image.isBlack(1, 0)).isFalse();
    assertBytes(EscPos.rasterImage(image), "1D 76 30 00 02 00 02 00 80 40 7F 80");
  }

  @Test
  void rasterImageClearsPaddingBitsAndChecksLength() {
    RasterImage image = RasterImage.of(4, 1, bytes("FF"));
    assertBytes(EscPos.rasterImage(image), "1D 76 30 00 01 00 01 00 F0");
    assertThatThrownBy(() -> RasterImage.of(9, 2, new byte[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("packedRows must be 2 bytes per row x 2 rows = 4 bytes, got 3");
  }

  @Test
  void rasterHeaderOfATallWideImage() {
    RasterImage image = RasterImage.of(576, 300, new byte[72 * 300]);
    byte[] cmd = EscPos.rasterImage(image);
    // x = 72 bytes (0x48), y = 300 rows (0x012C).
    assertBytes(Arrays.copyOf(cmd, 8), "1D 76 30 00 48 00 2C 01");
    assertThat(cmd).hasSize(8 + 72 * 300);
  }
}
