package dev.fangxin.core.qr;

import static dev.fangxin.core.qr.QrFixtures.ASCII_URL;
import static dev.fangxin.core.qr.QrFixtures.CHINESE_TEXT;
import static dev.fangxin.core.qr.QrFixtures.RECEIPT_URL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reads our PNGs with an independent decoder, zbar ({@code zbarimg}, Debian package zbar-tools).
 * Skipped when {@code zbarimg} is not on the PATH, except under CI ({@code CI=true}), where it is
 * installed by {@code .ci/run} and its absence fails the test.
 */
class QrZbarInteropTest {
  private static Path zbarimg;

  @BeforeAll
  static void findZbarimg() {
    Optional<Path> found = onPath("zbarimg");
    if (found.isEmpty()) {
      if ("true".equals(System.getenv("CI"))) {
        fail("zbarimg is not on the PATH, but CI=true: install zbar-tools (see .ci/run).");
      }
      Assumptions.abort("zbarimg is not on the PATH; install zbar-tools to run this test.");
    }
    zbarimg = found.get();
  }

  @ParameterizedTest(name = "[{index}] text #{0}, module {1} px, quiet zone {2}")
  @CsvSource({"0, 4, 4", "0, 2, 1", "1, 4, 4", "1, 3, 2", "1, 8, 4", "2, 4, 4", "2, 6, 2"})
  void zbarReadsExactlyOurText(int textIndex, int moduleSize, int quietZone, @TempDir Path dir)
      throws Exception {
    String text = new String[] {ASCII_URL, RECEIPT_URL, CHINESE_TEXT}[textIndex];
    Path png = dir.resolve("code.png");
    Files.write(png, QrCode.encode(text, ErrorCorrection.M).toPng(moduleSize, quietZone));

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
    assertThat(output.substring(0, output.length() - 1)).isEqualTo(text);
  }

  private static Optional<Path> onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Paths.get(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
