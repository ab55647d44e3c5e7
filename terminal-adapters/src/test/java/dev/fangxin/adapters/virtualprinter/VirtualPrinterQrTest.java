package dev.fangxin.adapters.virtualprinter;

import static dev.fangxin.adapters.virtualprinter.EscPosBytes.stream;
import static dev.fangxin.adapters.virtualprinter.Fixtures.RECEIPT_URL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.fangxin.core.qr.ErrorCorrection;
import dev.fangxin.core.qr.QrCode;
import dev.fangxin.core.qr.QrImageDecoder;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * QR codes on the rendered paper must read back exactly: with ZXing ({@link QrImageDecoder}) and
 * with zbar ({@code zbarimg}, Debian package zbar-tools; skipped when missing unless CI=true).
 */
class VirtualPrinterQrTest {
  private static final String NON_ASCII_TEXT = "https://方信.example.cn/查验?单号=2024-0001&店=杭州";

  @Test
  void theReceiptLinkIsTheSizeWeDesignFor() {
    assertThat(RECEIPT_URL).hasSize(176).startsWith("HTTPS://FX.EXAMPLE.CN/HZ/D/");
    assertThat(QrCode.encode(RECEIPT_URL, ErrorCorrection.M).version()).isEqualTo(7);
  }

  @ParameterizedTest(name = "[{index}] {0} dots, module {1}")
  @CsvSource({"384, 4", "384, 3", "576, 4", "576, 3"})
  void nativeQrInAReceiptDecodesToTheUrl(int width, int module) {
    VirtualPrinter printer = VirtualPrinter.builder().paperWidthDots(width).build();
    Fixtures.requireCjkFont(printer);

    RenderedPaper paper = printer.render(Fixtures.receipt(module));

    assertThat(paper.qrPayloads()).containsExactly(RECEIPT_URL);
    assertThat(QrImageDecoder.decode(paper.toPng())).isEqualTo(RECEIPT_URL);
  }

  @ParameterizedTest(name = "[{index}] {0} dots, justification {1}")
  @CsvSource({"384, 0", "384, 2", "576, 0", "576, 1", "576, 2"})
  void nativeQrAtEveryJustificationDecodes(int width, int justification) {
    VirtualPrinter printer = VirtualPrinter.builder().paperWidthDots(width).build();
    byte[] bytes =
        stream().init().align(justification).qr(RECEIPT_URL, 4, ErrorCorrection.M).bytes();

    RenderedPaper paper = printer.render(bytes);

    // version 7 = 45 modules, plus 4 quiet modules on each side, 4 dots each
    assertThat(paper.height()).isEqualTo(53 * 4);
    assertThat(QrImageDecoder.decode(paper.toPng())).isEqualTo(RECEIPT_URL);
  }

  @Test
  void moduleSizeAndJustificationPlaceTheSymbol() {
    byte[] bytes = stream().init().align(2).qr(RECEIPT_URL, 3, ErrorCorrection.M).bytes();
    RenderedPaper paper = VirtualPrinter.paper58mm().render(bytes);

    int symbolLeft = 384 - 4 * 3 - 45 * 3;
    int symbolTop = 4 * 3;
    // The finder pattern's top-left corner is dark, the dot before it (quiet zone) light.
    assertThat(paper.isBlack(symbolLeft, symbolTop)).isTrue();
    assertThat(paper.isBlack(symbolLeft - 1, symbolTop)).isFalse();
    assertThat(paper.isBlack(symbolLeft, symbolTop - 1)).isFalse();
  }

  @ParameterizedTest(name = "[{index}] {0} dots, {1} dots per module")
  @CsvSource({"384, 4", "384, 3", "576, 4", "576, 3"})
  void rasterQrDecodesToTheUrl(int width, int scale) {
    VirtualPrinter printer = VirtualPrinter.builder().paperWidthDots(width).build();
    byte[] bytes = stream().init().align(1).rasterQr(RECEIPT_URL, scale, 4).line("end").bytes();

    RenderedPaper paper = printer.render(bytes);

    assertThat(paper.qrPayloads()).isEmpty();
    assertThat(paper.textLines()).containsExactly("end");
    assertThat(QrImageDecoder.decode(paper.toPng())).isEqualTo(RECEIPT_URL);
  }

  @Test
  void rasterScalingModesDoubleTheImage() {
    byte[] one = {(byte) 0x80};
    for (int m : new int[] {0, 1, 2, 3, 48, 49, 50, 51}) {
      RenderedPaper paper =
          VirtualPrinter.paper58mm().render(stream().raster(m, 1, 1, one).bytes());
      int sx = (m & 1) + 1;
      int sy = (m & 2) / 2 + 1;
      assertThat(paper.height()).as("m = %d", m).isEqualTo(sy);
      assertThat(paper.isBlack(sx - 1, sy - 1)).as("m = %d", m).isTrue();
      assertThat(paper.isBlack(sx, 0)).as("m = %d", m).isFalse();
    }
  }

  @ParameterizedTest(name = "[{index}] {0} dots")
  @CsvSource({"384", "576"})
  void nonAsciiPayloadDecodesToTheSameText(int width) {
    VirtualPrinter printer = VirtualPrinter.builder().paperWidthDots(width).build();
    byte[] bytes = stream().init().align(1).qr(NON_ASCII_TEXT, 4, ErrorCorrection.M).bytes();

    RenderedPaper paper = printer.render(bytes);

    assertThat(paper.qrPayloads()).containsExactly(NON_ASCII_TEXT);
    assertThat(QrImageDecoder.decode(paper.toPng())).isEqualTo(NON_ASCII_TEXT);
  }

  @Test
  void bytesThatAreNotUtf8AreTakenAsLatin1() {
    byte[] latin1 = "café 5€".replace("€", "").getBytes(StandardCharsets.ISO_8859_1);
    RenderedPaper paper =
        VirtualPrinter.paper58mm().render(stream().qr(latin1, 4, ErrorCorrection.M).bytes());
    assertThat(paper.qrPayloads()).containsExactly("café 5");
    assertThat(QrImageDecoder.decode(paper.toPng())).isEqualTo("café 5");
  }

  @Test
  void storedDataPrintsAgainWithoutBeingStoredAgain() {
    byte[] bytes =
        stream()
            .qr("ONE", 3, ErrorCorrection.L)
            .raw(0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30)
            .bytes();
    assertThat(VirtualPrinter.paper58mm().render(bytes).qrPayloads()).containsExactly("ONE", "ONE");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource({
    "receipt 58 mm module 4, 384, 4, 0",
    "receipt 58 mm module 3, 384, 3, 0",
    "receipt 80 mm module 4, 576, 4, 0",
    "receipt 80 mm module 3, 576, 3, 0",
    "raster 58 mm, 384, 4, 1",
    "raster 80 mm, 576, 3, 1",
    "UTF-8 58 mm, 384, 4, 2",
    "UTF-8 80 mm, 576, 3, 2"
  })
  void zbarReadsThePaper(String name, int width, int module, int kind, @TempDir Path dir)
      throws Exception {
    Path zbarimg = requireZbarimg();
    VirtualPrinter printer = VirtualPrinter.builder().paperWidthDots(width).build();
    String expected = kind == 2 ? NON_ASCII_TEXT : RECEIPT_URL;
    byte[] bytes;
    if (kind == 0) {
      Fixtures.requireCjkFont(printer);
      bytes = Fixtures.receipt(module);
    } else if (kind == 1) {
      bytes = stream().init().align(1).rasterQr(RECEIPT_URL, module, 4).bytes();
    } else {
      bytes = stream().init().align(1).qr(NON_ASCII_TEXT, module, ErrorCorrection.M).bytes();
    }
    Path png = dir.resolve("paper.png");
    Files.write(png, printer.render(bytes).toPng());

    assertThat(runZbarimg(zbarimg, png)).isEqualTo(expected);
  }

  private static String runZbarimg(Path zbarimg, Path png) throws Exception {
    Process process =
        new ProcessBuilder(zbarimg.toString(), "--raw", "-q", png.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    byte[] stdout;
    try (InputStream in = process.getInputStream()) {
      stdout = in.readAllBytes();
    }
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("zbarimg did not finish within 30 s");
    }
    assertThat(process.exitValue()).as("zbarimg exit code").isZero();
    String output = new String(stdout, StandardCharsets.UTF_8);
    assertThat(output).endsWith("\n");
    return output.substring(0, output.length() - 1);
  }

  private static Path requireZbarimg() {
    Optional<Path> found = onPath("zbarimg");
    if (found.isEmpty()) {
      if ("true".equals(System.getenv("CI"))) {
        fail("zbarimg is not on the PATH, but CI=true: install zbar-tools (see .ci/run).");
      }
      Assumptions.abort("zbarimg is not on the PATH; install zbar-tools to run this test.");
    }
    return found.get();
  }

  private static Optional<Path> onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Paths.get(dir, program);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }
}
