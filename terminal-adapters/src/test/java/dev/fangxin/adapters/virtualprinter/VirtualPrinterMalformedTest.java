package dev.fangxin.adapters.virtualprinter;

import static dev.fangxin.adapters.virtualprinter.EscPosBytes.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import dev.fangxin.adapters.virtualprinter.VirtualPrinterException.Reason;
import dev.fangxin.core.qr.ErrorCorrection;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every stream outside the subset fails with the exact reason, offset and message. */
class VirtualPrinterMalformedTest {
  private static final VirtualPrinter P58 = VirtualPrinter.paper58mm();
  private static final String SUBSET =
      "; the virtual printer renders only the ESC/POS subset that Fangxin emits.";
  private static final String GB_EXPECTED =
      " in Chinese mode (FS &): expected two bytes 81..FE then 40..7E or 80..FE, or four bytes"
          + " 81..FE 30..39 81..FE 30..39 that map to a character.";

  /** Rows: hex stream (spaces ignored), reason, offset, message. */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      # truncated and lying GS ( k
      1B40 1D286B 03 00 3143            | MALFORMED | 2 | GS ( k at byte offset 2 declares pL pH = 3 parameter bytes, but only 2 bytes remain in the stream.
      1D286B03                          | MALFORMED | 0 | GS ( k at byte offset 0 is truncated: the stream ends before its length pL pH.
      1D28                              | MALFORMED | 0 | GS ( at byte offset 0 is truncated: the stream ends before the function byte.
      1D286B 0400 3143 0400             | MALFORMED | 0 | GS ( k fn 67 (QR module size) at byte offset 0 declares pL pH = 4 parameter bytes; the function takes exactly 3 (cn fn n).
      1D286B 0200 3151                  | MALFORMED | 0 | GS ( k fn 81 (print QR) at byte offset 0 declares pL pH = 2 parameter bytes; the function takes exactly 3 (cn fn m).
      1D286B 0100 31                    | MALFORMED | 0 | GS ( k at byte offset 0 declares pL pH = 1; every function needs at least cn and fn (2 bytes).
      1D286B C800 315030 41424344       | MALFORMED | 0 | GS ( k at byte offset 0 declares pL pH = 200 parameter bytes, but only 7 bytes remain in the stream.
      1D286B 0300 315030                | MALFORMED | 0 | GS ( k fn 80 (store QR data) at byte offset 0 stores k = 0 data bytes (pL pH = k + 3 = 3); expected 1..7089.
      1D286B 0400 315031 41             | MALFORMED | 0 | GS ( k fn 80 (store QR data) at byte offset 0 has m = 49; expected 48.
      1D286B 0300 314300                | MALFORMED | 0 | GS ( k fn 67 (QR module size) at byte offset 0 has n = 0; expected a module size of 1..16 dots.
      1D286B 0300 314534                | MALFORMED | 0 | GS ( k fn 69 (QR error correction) at byte offset 0 has n = 52; expected 48 (L), 49 (M), 50 (Q) or 51 (H).
      1D286B 0400 314132 01             | MALFORMED | 0 | GS ( k fn 65 (QR model) at byte offset 0 has n1 = 50, n2 = 1; expected n1 = 49 or 50 and n2 = 0.
      1B40 1D286B 0300 315130           | MALFORMED | 2 | GS ( k fn 81 (print QR) at byte offset 2 prints, but no QR data is stored; send fn 80 (store) first.
      1D286B 0400 315030 41 1B40 1D286B 0300 315130 | MALFORMED | 11 | GS ( k fn 81 (print QR) at byte offset 11 prints, but no QR data is stored; send fn 80 (store) first.
      1D286B 0400 314131 00             | UNSUPPORTED_COMMAND | 0 | Unsupported GS ( k fn 65 (QR model) n1 = 49 at byte offset 0: only model 2 (n1 = 50) symbols are rendered
      1D286B 0300 305130                | UNSUPPORTED_COMMAND | 0 | Unsupported GS ( k cn = 48 (1D 28 6B .. .. 30) at byte offset 0: only cn = 49 (QR code) is rendered
      1D286B 0300 315230                | UNSUPPORTED_COMMAND | 0 | Unsupported GS ( k fn 82 (1D 28 6B .. .. 31 52) at byte offset 0: only fn 65, 67, 69, 80 and 81 are rendered
      1D284C 0200 3030                  | UNSUPPORTED_COMMAND | 0 | Unsupported GS ( L (1D 28 4C) at byte offset 0: it is not in the subset
      # raster images
      1D7630 00 0200 0A00 FFFFFFFFFF    | MALFORMED | 0 | GS v 0 at byte offset 0 declares x = 2 bytes per row and y = 10 rows (k = 20 data bytes), but only 5 bytes remain in the stream.
      0A 1D7630 00 02                   | MALFORMED | 1 | GS v 0 at byte offset 1 is truncated: the stream ends before its parameters m xL xH yL yH.
      1D7630 04 0100 0100 FF            | MALFORMED | 0 | GS v 0 at byte offset 0 has m = 4; expected 0..3 (or 48..51).
      1D7630 00 0000 0100               | MALFORMED | 0 | GS v 0 at byte offset 0 declares an empty image (x = 0 bytes per row, y = 1 rows).
      1D7630 01 1900 0100 00000000000000000000000000000000000000000000000000 | MALFORMED | 0 | GS v 0 at byte offset 0 is 400 dots wide (x = 25 bytes per row, m = 1); the paper is 384 dots wide.
      1D7631                            | UNSUPPORTED_COMMAND | 0 | Unsupported GS v 1 (1D 76 31) at byte offset 0: it is not in the subset
      # GB18030 in Chinese mode
      1C26 817F                         | MALFORMED | 2 | Invalid GB18030 sequence 81 7F at byte offset 2%s
      1C26 41 8130 8120                 | MALFORMED | 3 | Invalid GB18030 sequence 81 30 81 20 at byte offset 3%s
      1C26 80                           | MALFORMED | 2 | Invalid GB18030 sequence 80 at byte offset 2%s
      1C26 D6                           | MALFORMED | 2 | Invalid GB18030 sequence D6 (the stream ends inside it) at byte offset 2%s
      1C26 8130 81                      | MALFORMED | 2 | Invalid GB18030 sequence 81 30 81 (the stream ends inside it) at byte offset 2%s
      1C26 FE39FE39                     | MALFORMED | 2 | Invalid GB18030 sequence FE 39 FE 39 at byte offset 2%s
      # other commands and bytes
      1B40 41 1B78 01                   | UNSUPPORTED_COMMAND | 3 | Unsupported ESC x (1B 78) at byte offset 3: it is not in the subset%s
      1B21 00                           | UNSUPPORTED_COMMAND | 0 | Unsupported ESC ! (1B 21) at byte offset 0: it is not in the subset%s
      414243 0D 0A                      | UNSUPPORTED_COMMAND | 3 | Unsupported control byte CR (0D) at byte offset 3: it is not in the subset%s
      09                                | UNSUPPORTED_COMMAND | 0 | Unsupported control byte HT (09) at byte offset 0: it is not in the subset%s
      1D 4C 0000                        | UNSUPPORTED_COMMAND | 0 | Unsupported GS L (1D 4C) at byte offset 0: it is not in the subset%s
      1C 70 01 00                       | UNSUPPORTED_COMMAND | 0 | Unsupported FS p (1C 70) at byte offset 0: it is not in the subset%s
      10 05 01                          | UNSUPPORTED_COMMAND | 0 | Unsupported DLE 0x05 (10 05) at byte offset 0: it is not in the subset%s
      1B74 10 E9                        | UNSUPPORTED_COMMAND | 3 | Unsupported character byte E9 in code page 16 at byte offset 3: only code page 0 (PC437) is rendered outside Chinese mode%s
      1B                                | MALFORMED | 0 | ESC at byte offset 0 is truncated: the stream ends before the command byte.
      1B 61                             | MALFORMED | 0 | ESC a at byte offset 0 is truncated: the stream ends before its parameter n.
      1B 61 03                          | MALFORMED | 0 | ESC a at byte offset 0 has n = 3; expected 0, 1, 2 (or 48, 49, 50).
      1D 21 88                          | MALFORMED | 0 | GS ! at byte offset 0 has n = 88; both nibbles must be 0..7 (width and height multipliers 1..8).
      1D 56 02                          | MALFORMED | 0 | GS V at byte offset 0 has m = 2; expected 0, 1, 48, 49, 65 or 66.
      1D 56 42                          | MALFORMED | 0 | GS V 66 at byte offset 0 is truncated: the stream ends before its parameter n.
      10 04 05                          | MALFORMED | 0 | DLE EOT at byte offset 0 has n = 5; expected 1..4.
      10                                | MALFORMED | 0 | DLE at byte offset 0 is truncated: the stream ends before the command byte.
      """)
  void malformedStreamsFailExactly(String hex, Reason reason, int offset, String message) {
    byte[] bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
    String expected =
        message.contains("GB18030")
            ? String.format(message, GB_EXPECTED)
            : message.endsWith("%s")
                ? String.format(message, SUBSET)
                : message.endsWith(".") ? message : message + SUBSET;

    VirtualPrinterException e =
        catchThrowableOfType(() -> P58.render(bytes), VirtualPrinterException.class);

    assertThat(e).as("exception for %s", hex).isNotNull();
    assertThat(e.reasonCode()).isEqualTo(reason);
    assertThat(e.reason()).isEqualTo("virtual_printer." + reason.name().toLowerCase());
    assertThat(e.offset()).hasValue(offset);
    assertThat(e).hasMessage(expected);
  }

  @Test
  void aQrSymbolWiderThanThePaperIsMalformed() {
    byte[] bytes = stream().init().qr(Fixtures.RECEIPT_URL, 16, ErrorCorrection.M).bytes();
    int printOffset = bytes.length - 8;

    VirtualPrinterException e =
        catchThrowableOfType(() -> P58.render(bytes), VirtualPrinterException.class);

    assertThat(e.reasonCode()).isEqualTo(Reason.MALFORMED);
    assertThat(e)
        .hasMessage(
            "GS ( k fn 81 (print QR) at byte offset "
                + printOffset
                + " would print a version 7 symbol of 45 modules x 16 dots = 720 dots; the paper"
                + " is 384 dots wide.");
    // 80 mm paper holds a 720-dot symbol? No: 576 dots. Module 12 fits (540 dots), quiet zone
    // clipped.
    byte[] module12 = stream().init().qr(Fixtures.RECEIPT_URL, 12, ErrorCorrection.M).bytes();
    assertThat(VirtualPrinter.paper80mm().render(module12).qrPayloads())
        .containsExactly(Fixtures.RECEIPT_URL);
  }

  @Test
  void textThatNoQrVersionHoldsIsMalformed() {
    byte[] data = new byte[3000];
    Arrays.fill(data, (byte) 'a');
    byte[] bytes = stream().qr(data, 3, ErrorCorrection.H).bytes();

    VirtualPrinterException e =
        catchThrowableOfType(() -> P58.render(bytes), VirtualPrinterException.class);

    assertThat(e.reasonCode()).isEqualTo(Reason.MALFORMED);
    assertThat(e.getMessage())
        .startsWith(
            "GS ( k fn 81 (print QR) at byte offset "
                + (bytes.length - 8)
                + " cannot encode the 3000 stored bytes at level H: ");
    assertThat(e).hasCauseInstanceOf(dev.fangxin.core.qr.QrException.class);
  }

  @Test
  void tooManyInputBytes() throws Exception {
    VirtualPrinter small = VirtualPrinter.builder().maxInputBytes(10).build();
    byte[] eleven = stream().line("0123456789").bytes();

    assertThatThrownBy(() -> small.render(eleven))
        .isInstanceOfSatisfying(
            VirtualPrinterException.class,
            e -> {
              assertThat(e.reasonCode()).isEqualTo(Reason.TOO_LARGE);
              assertThat(e.offset()).isEmpty();
            })
        .hasMessage("The input has 11 bytes; this printer accepts at most 10.");
    assertThatThrownBy(() -> small.render(new ByteArrayInputStream(new byte[1000])))
        .isInstanceOf(VirtualPrinterException.class)
        .hasMessage("The input has more than 10 bytes; this printer accepts at most 10.");
    assertThat(
            small.render(new ByteArrayInputStream(stream().line("012345678").bytes())).textLines())
        .containsExactly("012345678");
  }

  @Test
  void paperLongerThanTheLimitFailsBeforeDrawing() {
    byte[] feeds = stream().init().lineSpacing(255).feed(255).bytes();
    VirtualPrinterException e =
        catchThrowableOfType(() -> P58.render(feeds), VirtualPrinterException.class);
    assertThat(e.reasonCode()).isEqualTo(Reason.TOO_LARGE);
    assertThat(e.offset()).hasValue(5);
    assertThat(e)
        .hasMessage(
            "At byte offset 5 the paper would grow to 65025 dots; this printer's limit is 20000"
                + " dots (2500 mm at 8 dots/mm).");

    VirtualPrinter short100 = VirtualPrinter.builder().maxPaperLengthDots(100).build();
    byte[] image = stream().line("x").raster(2, 1, 36, new byte[36]).bytes();
    assertThatThrownBy(() -> short100.render(image))
        .isInstanceOf(VirtualPrinterException.class)
        .hasMessage(
            "At byte offset 2 the paper would grow to 102 dots; this printer's limit is 100 dots"
                + " (12 mm at 8 dots/mm).");
    assertThat(short100.render(stream().line("x").raster(2, 1, 35, new byte[35]).bytes()).height())
        .isEqualTo(100);
  }

  @Test
  void noCjkFontIsReportedOnlyWhenChineseIsPrinted() {
    VirtualPrinter printer =
        VirtualPrinter.builder()
            .cjkFonts(List.of("Fangxin No Such Font", "/nonexistent/fangxin-font.ttf"))
            .build();
    assertThat(printer.cjkFontName()).isEmpty();
    // ASCII still renders, in Chinese mode too.
    assertThat(printer.render(stream().chineseOn().line("OK").bytes()).textLines())
        .containsExactly("OK");

    byte[] chinese = stream().init().chineseOn().text("A").gb("扫码").lf().bytes();
    VirtualPrinterException e =
        catchThrowableOfType(() -> printer.render(chinese), VirtualPrinterException.class);

    assertThat(e.reasonCode()).isEqualTo(Reason.NO_CJK_FONT);
    assertThat(e.reason()).isEqualTo("virtual_printer.no_cjk_font");
    assertThat(e.offset()).hasValue(5);
    assertThat(e)
        .hasMessage(
            "The stream prints Chinese text (first at byte offset 5), but none of these fonts is"
                + " installed with Chinese glyphs: Fangxin No Such Font,"
                + " /nonexistent/fangxin-font.ttf. Install one, for example the Debian package"
                + " fonts-noto-cjk or fonts-droid-fallback, or name an installed CJK font (or font"
                + " file) in VirtualPrinter.Builder.cjkFonts.");
  }

  /**
   * Mutates a valid receipt 500 times (fixed seed): flipped, inserted, deleted and duplicated
   * bytes, truncation. Every outcome must be paper or a VirtualPrinterException, never anything
   * else (no IndexOutOfBounds, no QrException, no OutOfMemoryError).
   */
  @Test
  void fuzzedReceiptsRenderOrFailWithAReason() {
    byte[] receipt = Fixtures.receipt(4);
    Random random = new Random(0x5EED_F00DL);
    Map<Reason, Integer> failures = new EnumMap<>(Reason.class);
    int rendered = 0;
    for (int i = 0; i < 500; i++) {
      byte[] mutated = mutate(receipt, random);
      try {
        RenderedPaper paper = P58.render(mutated);
        assertThat(paper.height()).isBetween(1, P58.maxPaperLengthDots());
        rendered++;
      } catch (VirtualPrinterException e) {
        assertThat(e.getMessage()).isNotBlank();
        failures.merge(e.reasonCode(), 1, Integer::sum);
      } catch (RuntimeException | Error e) {
        fail("Mutation #" + i + " (" + HexFormat.of().formatHex(mutated) + ") threw " + e, e);
      }
    }
    assertThat(failures).containsKeys(Reason.MALFORMED, Reason.UNSUPPORTED_COMMAND);
    if (P58.cjkFontName().isPresent()) {
      assertThat(rendered).isPositive(); // without one, nearly every mutant is NO_CJK_FONT
    }
  }

  private static byte[] mutate(byte[] original, Random random) {
    byte[] bytes = original.clone();
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(bytes.length);
      switch (random.nextInt(5)) {
        case 0:
          bytes[at] = (byte) random.nextInt(256);
          break;
        case 1:
          bytes[at] ^= (byte) (1 << random.nextInt(8));
          break;
        case 2:
          {
            byte[] grown = new byte[bytes.length + 1];
            System.arraycopy(bytes, 0, grown, 0, at);
            grown[at] = (byte) random.nextInt(256);
            System.arraycopy(bytes, at, grown, at + 1, bytes.length - at);
            bytes = grown;
            break;
          }
        case 3:
          {
            int length = Math.min(1 + random.nextInt(8), bytes.length - at);
            byte[] shrunk = new byte[bytes.length - length];
            System.arraycopy(bytes, 0, shrunk, 0, at);
            System.arraycopy(bytes, at + length, shrunk, at, bytes.length - at - length);
            bytes = shrunk.length == 0 ? new byte[] {0x0A} : shrunk;
            break;
          }
        default:
          bytes = Arrays.copyOf(bytes, Math.max(1, at));
          break;
      }
    }
    return bytes;
  }
}
