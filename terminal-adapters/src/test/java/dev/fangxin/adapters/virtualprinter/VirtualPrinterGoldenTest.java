package dev.fangxin.adapters.virtualprinter;

import static dev.fangxin.adapters.virtualprinter.EscPosBytes.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.fangxin.core.qr.ErrorCorrection;
import dev.fangxin.core.qr.QrImageDecoder;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Compares the paper of one small stream with a reviewed golden image, pixel by pixel (decoded
 * pixels, not PNG bytes, so encoder settings do not matter).
 *
 * <p>To regenerate the golden file after an intended change of rendering, run from the repository
 * root
 *
 * <pre>
 * ./mvnw -q -B -pl terminal-adapters -am test -Dtest=VirtualPrinterGoldenTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfangxin.regenerateGolden=true
 * </pre>
 *
 * then look at {@code
 * src/test/resources/dev/fangxin/adapters/virtualprinter/golden-receipt-58mm.png} and review the
 * diff before committing it. On a mismatch the actual image is written to {@code
 * target/virtualprinter/actual-receipt-58mm.png} for comparison.
 *
 * <p>Glyph shapes depend on the fonts, so the golden image is pinned to DejaVu Sans Mono (Debian
 * fonts-dejavu-core) and Droid Sans Fallback (fonts-droid-fallback); the test is skipped where
 * either is missing.
 */
class VirtualPrinterGoldenTest {
  private static final String GOLDEN = "golden-receipt-58mm.png";
  private static final Path GOLDEN_SOURCE =
      Paths.get("src/test/resources/dev/fangxin/adapters/virtualprinter", GOLDEN);
  private static final String ASCII_FONT = "DejaVu Sans Mono";
  private static final String CJK_FONT = "Droid Sans Fallback";

  static byte[] goldenStream() {
    byte[] checker = new byte[4 * 32];
    for (int row = 0; row < 32; row++) {
      for (int i = 0; i < 4; i++) {
        checker[row * 4 + i] = (byte) (((row / 8) + i) % 2 == 0 ? 0xFF : 0x00);
      }
    }
    return stream()
        .init()
        .align(1)
        .size(2, 2)
        .bold(true)
        .chineseOn()
        .gb("方信小票")
        .lf()
        .size(1, 1)
        .bold(false)
        .line("GOLDEN 58MM")
        .align(0)
        .gb("豆浆 Soy milk")
        .text("       3.50")
        .lf()
        .gb("油条 Youtiao x2")
        .text("     4.00")
        .lf()
        .align(2)
        .bold(true)
        .line("TOTAL 7.50")
        .bold(false)
        .align(1)
        .raster(0, 4, 32, checker)
        .qr("HTTPS://FX.EXAMPLE.CN/G", 3, ErrorCorrection.M)
        .gb("扫码查验")
        .lf()
        .chineseOff()
        .feed(2)
        .feedAndCut(0)
        .bytes();
  }

  @Test
  void paperMatchesTheGoldenImage() throws Exception {
    VirtualPrinter printer =
        VirtualPrinter.builder()
            .asciiFonts(List.of(ASCII_FONT))
            .cjkFonts(
                List.of(CJK_FONT, "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"))
            .build();
    Assumptions.assumeTrue(
        printer.asciiFontName().equals(ASCII_FONT) && printer.cjkFontName().isPresent(),
        "The golden image is drawn with "
            + ASCII_FONT
            + " and "
            + CJK_FONT
            + "; this machine has "
            + printer);

    RenderedPaper paper = printer.render(goldenStream());

    assertThat(paper.textLines())
        .containsExactly(
            "方信小票",
            "GOLDEN 58MM",
            "豆浆 Soy milk       3.50",
            "油条 Youtiao x2     4.00",
            "TOTAL 7.50",
            "扫码查验");
    assertThat(paper.qrPayloads()).containsExactly("HTTPS://FX.EXAMPLE.CN/G");
    assertThat(QrImageDecoder.decode(paper.toPng())).isEqualTo("HTTPS://FX.EXAMPLE.CN/G");

    if (Boolean.getBoolean("fangxin.regenerateGolden")) {
      Files.createDirectories(GOLDEN_SOURCE.getParent());
      Files.write(GOLDEN_SOURCE, paper.toPng());
      Assumptions.abort("Regenerated " + GOLDEN_SOURCE.toAbsolutePath() + "; review it.");
    }

    BufferedImage golden;
    try (InputStream in = VirtualPrinterGoldenTest.class.getResourceAsStream(GOLDEN)) {
      if (in == null) {
        fail("Missing golden image " + GOLDEN + "; run with -Dfangxin.regenerateGolden=true.");
      }
      golden = ImageIO.read(in);
    }
    int differing = 0;
    if (golden.getWidth() == paper.width() && golden.getHeight() == paper.height()) {
      for (int y = 0; y < paper.height(); y++) {
        for (int x = 0; x < paper.width(); x++) {
          boolean goldenBlack = (golden.getRGB(x, y) & 0xFFFFFF) == 0;
          if (goldenBlack != paper.isBlack(x, y)) {
            differing++;
          }
        }
      }
    }
    boolean sameSize = golden.getWidth() == paper.width() && golden.getHeight() == paper.height();
    if (!sameSize || differing > 0) {
      Path actual = Paths.get("target/virtualprinter/actual-receipt-58mm.png");
      Files.createDirectories(actual.getParent());
      Files.write(actual, paper.toPng());
      fail(
          "The paper differs from "
              + GOLDEN
              + (sameSize
                  ? " in " + differing + " dots"
                  : ": golden "
                      + golden.getWidth()
                      + "x"
                      + golden.getHeight()
                      + ", actual "
                      + paper.width()
                      + "x"
                      + paper.height())
              + "; the actual image is "
              + actual.toAbsolutePath());
    }
  }
}
