package dev.fangxin.core.qr;

// Golden file: src/test/resources/dev/fangxin/core/qr/golden-url-m4q4.png. After an intended
// change of the PNG output, regenerate it from the repository root with
//   ./mvnw -q -B -pl sdk/core -am test -Dtest='QrPngTest' -Dsurefire.failIfNoSpecifiedTests=false \
//       -Dfangxin.regenerateGolden=true
// then look at the new image and review the diff before committing it.

import static dev.fangxin.core.qr.QrFixtures.ASCII_URL;
import static dev.fangxin.core.qr.QrFixtures.CHINESE_TEXT;
import static dev.fangxin.core.qr.QrFixtures.RECEIPT_URL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class QrPngTest {
  private static final String GOLDEN = "golden-url-m4q4.png";

  static Stream<Arguments> roundTrips() {
    List<Arguments> cases = new ArrayList<>();
    for (String text : List.of(ASCII_URL, RECEIPT_URL, CHINESE_TEXT)) {
      for (int[] sizes : new int[][] {{1, 4}, {2, 0}, {3, 1}, {4, 4}, {5, 2}, {8, 16}}) {
        cases.add(Arguments.of(text, sizes[0], sizes[1]));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "[{index}] module {1} px, quiet zone {2}")
  @MethodSource("roundTrips")
  void pngRoundTripsThroughImageDecoder(String text, int moduleSize, int quietZone) {
    QrCode code = QrCode.encode(text, ErrorCorrection.M);
    byte[] png = code.toPng(moduleSize, quietZone);
    assertThat(QrImageDecoder.decode(png)).isEqualTo(text);
  }

  @Test
  void receiptUrlAtMIsVersion7InTheRenderedImage() throws IOException {
    QrCode code = QrCode.encode(RECEIPT_URL, ErrorCorrection.M);
    assertThat(code.version()).isEqualTo(7);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(code.toPng(4, 4)));
    assertThat(image.getWidth()).isEqualTo((45 + 8) * 4);
  }

  @ParameterizedTest
  @CsvSource({"1, 0", "1, 4", "3, 4", "7, 3", "16, 16"})
  void imageIoReadsThePngWithTheExpectedSizeAndPixels(int moduleSize, int quietZone)
      throws IOException {
    QrCode code = QrCode.encode(ASCII_URL, ErrorCorrection.L);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(code.toPng(moduleSize, quietZone)));
    int side = (code.size() + 2 * quietZone) * moduleSize;
    assertThat(image.getWidth()).isEqualTo(side);
    assertThat(image.getHeight()).isEqualTo(side);
    String firstMismatch = "none";
    outer:
    for (int py = 0; py < side; py++) {
      for (int px = 0; px < side; px++) {
        int mx = px / moduleSize - quietZone;
        int my = py / moduleSize - quietZone;
        boolean dark =
            mx >= 0 && my >= 0 && mx < code.size() && my < code.size() && code.isDark(mx, my);
        if ((image.getRGB(px, py) & 0xffffff) != (dark ? 0 : 0xffffff)) {
          firstMismatch = "(" + px + ", " + py + ")";
          break outer;
        }
      }
    }
    assertThat(firstMismatch).as("first pixel that differs from the modules").isEqualTo("none");
  }

  @Test
  void pngHasExactlyIhdrIdatIendWithValidCrcsAnd1BitGrayscaleHeader() throws IOException {
    QrCode code = QrCode.encode(RECEIPT_URL, ErrorCorrection.M);
    byte[] png = code.toPng(3, 4);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(png));
    byte[] signature = in.readNBytes(8);
    assertThat(signature).containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
    List<String> types = new ArrayList<>();
    byte[] ihdr = null;
    byte[] idat = null;
    while (in.available() > 0) {
      int length = in.readInt();
      byte[] type = in.readNBytes(4);
      byte[] data = in.readNBytes(length);
      int crc = in.readInt();
      CRC32 expected = new CRC32();
      expected.update(type);
      expected.update(data);
      String name = new String(type, StandardCharsets.US_ASCII);
      assertThat(crc).as("CRC of %s", name).isEqualTo((int) expected.getValue());
      types.add(name);
      if (name.equals("IHDR")) {
        ihdr = data;
      } else if (name.equals("IDAT")) {
        idat = data;
      }
    }
    assertThat(types).containsExactly("IHDR", "IDAT", "IEND");
    int side = (45 + 8) * 3;
    ByteBuffer header = ByteBuffer.wrap(ihdr);
    assertThat(header.getInt()).isEqualTo(side);
    assertThat(header.getInt()).isEqualTo(side);
    assertThat(Arrays.copyOfRange(ihdr, 8, 13)).containsExactly(1, 0, 0, 0, 0);

    byte[] raw = inflate(idat);
    int stride = 1 + (side + 7) / 8;
    assertThat(raw).hasSize(stride * side);
    for (int row = 0; row < side; row++) {
      assertThat(raw[row * stride]).as("filter type of row %d", row).isZero();
    }
  }

  @Test
  void sameInputGivesIdenticalBytes() throws IOException {
    byte[] first = QrCode.encode(CHINESE_TEXT, ErrorCorrection.Q).toPng(5, 4);
    byte[] second = QrCode.encode(CHINESE_TEXT, ErrorCorrection.Q).toPng(5, 4);
    assertThat(second).isEqualTo(first);

    ByteArrayOutputStream streamed = new ByteArrayOutputStream();
    QrCode.encode(CHINESE_TEXT, ErrorCorrection.Q).writePng(streamed, 5, 4);
    assertThat(streamed.toByteArray()).isEqualTo(first);
  }

  @Test
  void goldenPng() throws IOException {
    byte[] png = QrCode.encode(RECEIPT_URL, ErrorCorrection.M).toPng(4, 4);
    if (Boolean.getBoolean("fangxin.regenerateGolden")) {
      Path target =
          Paths.get(System.getProperty("basedir", "."))
              .resolve("src/test/resources/dev/fangxin/core/qr")
              .resolve(GOLDEN);
      Files.createDirectories(target.getParent());
      Files.write(target, png);
      System.out.println("Regenerated " + target.toAbsolutePath());
      return;
    }
    byte[] golden;
    try (InputStream in = QrPngTest.class.getResourceAsStream(GOLDEN)) {
      assertThat(in).as("golden file %s on the test class path", GOLDEN).isNotNull();
      golden = in.readAllBytes();
    }
    // First the pixels, so that a zlib with another deflate implementation is told apart from a
    // changed image; then the exact bytes.
    assertThat(inflate(idatOf(png)))
        .as("decompressed pixels of the golden PNG")
        .isEqualTo(inflate(idatOf(golden)));
    assertThat(png).as("bytes of the golden PNG").isEqualTo(golden);
    assertThat(QrImageDecoder.decode(golden)).isEqualTo(RECEIPT_URL);
  }

  @ParameterizedTest
  @CsvSource({
    "0, 4, Module size is 0; expected 1..64.",
    "65, 4, Module size is 65; expected 1..64.",
    "4, -1, Quiet zone is -1 modules; expected 0..16 (the QR specification requires 4).",
    "4, 17, Quiet zone is 17 modules; expected 0..16 (the QR specification requires 4)."
  })
  void invalidRenderingArgumentsAreRejected(int moduleSize, int quietZone, String message) {
    QrCode code = QrCode.encode(RECEIPT_URL, ErrorCorrection.M);
    assertThatThrownBy(() -> code.toPng(moduleSize, quietZone))
        .isInstanceOf(QrException.class)
        .hasMessage(message)
        .extracting(e -> ((QrException) e).reason())
        .isEqualTo("qr.invalid_argument");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThatThrownBy(() -> code.writePng(out, moduleSize, quietZone))
        .isInstanceOf(QrException.class)
        .hasMessage(message);
    assertThat(out.size()).as("nothing written").isZero();
  }

  @Test
  void imagesWiderThan10000PixelsAreRejected() {
    QrCode version40 = QrCode.encode(QrFixtures.receiptUrl(3391), ErrorCorrection.M);
    assertThat(version40.size()).isEqualTo(177);
    assertThatThrownBy(() -> version40.toPng(55, 4))
        .isInstanceOf(QrException.class)
        .hasMessage(
            "A 177-module code with a quiet zone of 4 and modules of 55 px would be 10175 x 10175"
                + " pixels; at most 10000 x 10000 is allowed.");
  }

  @Test
  void writePngRejectsNullStream() {
    QrCode code = QrCode.encode(RECEIPT_URL, ErrorCorrection.M);
    assertThatThrownBy(() -> code.writePng(null, 4, 4))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("out == null");
  }

  static byte[] idatOf(byte[] png) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(png, 8, png.length - 8));
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    while (in.available() > 0) {
      int length = in.readInt();
      String type = new String(in.readNBytes(4), StandardCharsets.US_ASCII);
      byte[] data = in.readNBytes(length);
      in.readInt();
      if (type.equals("IDAT")) {
        idat.write(data);
      }
    }
    return idat.toByteArray();
  }

  static byte[] inflate(byte[] zlib) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(zlib);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalStateException("truncated zlib stream");
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (java.util.zip.DataFormatException e) {
      throw new IllegalStateException(e);
    } finally {
      inflater.end();
    }
  }
}
