package dev.fangxin.core.qr;

import static dev.fangxin.core.qr.QrFixtures.CHINESE_TEXT;
import static dev.fangxin.core.qr.QrFixtures.RECEIPT_URL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QrImageDecoderTest {
  private static final byte[] PNG = QrCode.encode(RECEIPT_URL, ErrorCorrection.M).toPng(3, 4);

  @ParameterizedTest
  @ValueSource(strings = {"jpeg", "gif", "bmp", "png"})
  void readsOtherFormatsThroughImageIo(String format) throws IOException {
    BufferedImage rgb = toRgb(ImageIO.read(new ByteArrayInputStream(PNG)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(rgb, format, out)).as("ImageIO writes %s", format).isTrue();
    assertThat(QrImageDecoder.decode(out.toByteArray())).isEqualTo(RECEIPT_URL);
  }

  @Test
  void readsFiles(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("receipt.png");
    Files.write(file, QrCode.encode(CHINESE_TEXT, ErrorCorrection.M).toPng(4, 4));
    assertThat(QrImageDecoder.decode(file)).isEqualTo(CHINESE_TEXT);
  }

  @Test
  void compositesTransparentPixelsOverWhite() throws IOException {
    BufferedImage opaque = ImageIO.read(new ByteArrayInputStream(PNG));
    BufferedImage argb =
        new BufferedImage(opaque.getWidth(), opaque.getHeight(), BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < opaque.getHeight(); y++) {
      for (int x = 0; x < opaque.getWidth(); x++) {
        // dark modules opaque black, light ones fully transparent *black*
        argb.setRGB(x, y, (opaque.getRGB(x, y) & 0xffffff) == 0 ? 0xff000000 : 0x00000000);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(argb, "png", out);
    assertThat(QrImageDecoder.decode(out.toByteArray())).isEqualTo(RECEIPT_URL);
  }

  @Test
  void emptyInputIsUnreadable() {
    assertFails(
        new byte[0],
        QrException.Reason.UNREADABLE_IMAGE,
        "The image is empty (0 bytes); expected a PNG, JPEG, GIF or BMP image.");
  }

  @Test
  void garbageIsUnreadable() {
    byte[] garbage = new byte[4096];
    new Random(7).nextBytes(garbage);
    assertFails(
        garbage,
        QrException.Reason.UNREADABLE_IMAGE,
        "The bytes are not a PNG, JPEG, GIF or BMP image.");
    assertFails(
        "Hello, this is text.".getBytes(StandardCharsets.UTF_8),
        QrException.Reason.UNREADABLE_IMAGE,
        "The bytes are not a PNG, JPEG, GIF or BMP image.");
  }

  @Test
  void otherImageFormatsAreNotAccepted() throws IOException {
    ByteArrayOutputStream tiff = new ByteArrayOutputStream();
    assertThat(ImageIO.write(ImageIO.read(new ByteArrayInputStream(PNG)), "tiff", tiff)).isTrue();
    assertFails(
        tiff.toByteArray(),
        QrException.Reason.UNREADABLE_IMAGE,
        "The bytes are not a PNG, JPEG, GIF or BMP image.");
  }

  @Test
  void truncatedPngIsUnreadable() {
    for (int length : new int[] {8, 20, 33, 50, PNG.length / 2, PNG.length - 40}) {
      QrException e =
          catchQr(() -> QrImageDecoder.decode(Arrays.copyOf(PNG, length)), "length " + length);
      assertThat(e.reasonCode())
          .as("length %d", length)
          .isEqualTo(QrException.Reason.UNREADABLE_IMAGE);
      assertThat(e.getMessage())
          .startsWith("The image could not be read as PNG, JPEG, GIF or BMP: ");
    }
    // Cut after the last pixel: only the zlib checksum, the IDAT CRC and IEND are missing. ImageIO
    // does not check those, every pixel is there, and the text is right: accepted.
    assertThat(QrImageDecoder.decode(Arrays.copyOf(PNG, PNG.length - 20))).isEqualTo(RECEIPT_URL);
  }

  @Test
  void hugeDeclaredDimensionsAreRejectedFromTheHeader() {
    // A handcrafted PNG of signature + IHDR only, declaring 100000 x 100000 pixels. Reading
    // pixels would fail differently (no IDAT) or try to allocate 10^10 pixels.
    byte[] png = pngWithHeader(100_000, 100_000);
    assertFails(
        png,
        QrException.Reason.IMAGE_TOO_LARGE,
        "The image is 100000 x 100000 pixels; at most 10000 x 10000 is accepted.");
    assertFails(
        pngWithHeader(10_001, 1),
        QrException.Reason.IMAGE_TOO_LARGE,
        "The image is 10001 x 1 pixels; at most 10000 x 10000 is accepted.");
    assertFails(
        pngWithHeader(1, 10_001),
        QrException.Reason.IMAGE_TOO_LARGE,
        "The image is 1 x 10001 pixels; at most 10000 x 10000 is accepted.");
  }

  @Test
  void tooManyBytesAreRejected(@TempDir Path dir) throws IOException {
    byte[] big = Arrays.copyOf(PNG, QrImageDecoder.MAX_IMAGE_BYTES + 1);
    assertFails(
        big,
        QrException.Reason.IMAGE_TOO_LARGE,
        "The image has 20971521 bytes; at most 20971520 (20 MiB) are accepted.");
    assertThat(QrImageDecoder.decode(Arrays.copyOf(PNG, PNG.length + 1000)))
        .as("trailing bytes after IEND are ignored")
        .isEqualTo(RECEIPT_URL);

    Path sparse = dir.resolve("big.png");
    try (RandomAccessFile file = new RandomAccessFile(sparse.toFile(), "rw")) {
      file.write(PNG);
      file.setLength(QrImageDecoder.MAX_IMAGE_BYTES + 1L);
    }
    QrException e = catchQr(() -> QrImageDecoder.decode(sparse), "sparse file");
    assertThat(e.reasonCode()).isEqualTo(QrException.Reason.IMAGE_TOO_LARGE);
    assertThat(e.getMessage())
        .isEqualTo("The image has 20971521 bytes; at most 20971520 (20 MiB) are accepted.");
  }

  @Test
  void missingFileIsUnreadable(@TempDir Path dir) {
    Path missing = dir.resolve("missing.png");
    QrException e = catchQr(() -> QrImageDecoder.decode(missing), "missing file");
    assertThat(e.reasonCode()).isEqualTo(QrException.Reason.UNREADABLE_IMAGE);
    assertThat(e.getMessage()).startsWith("Could not read the image file " + missing + ": ");
  }

  @Test
  void imageWithoutCodeHasNoCodeFound() throws IOException {
    BufferedImage image = new BufferedImage(120, 90, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 90; y++) {
      for (int x = 0; x < 120; x++) {
        int v = 255 - (x + y) / 2;
        image.setRGB(x, y, v << 16 | v << 8 | v);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    assertFails(
        out.toByteArray(),
        QrException.Reason.NO_CODE_FOUND,
        "No QR code was found in the 120 x 90 image; expected a dark-on-light code with a quiet"
            + " zone around it.");
  }

  @Test
  void nullsAreRejected() {
    assertThatThrownBy(() -> QrImageDecoder.decode((byte[]) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("imageBytes == null");
    assertThatThrownBy(() -> QrImageDecoder.decode((Path) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("image == null");
  }

  /**
   * 300 random mutations of a valid PNG (fixed seed): each decodes to the right text or fails with
   * a QrException, never with anything else.
   */
  @Test
  void fuzzedPngsOnlyEverGiveTheTextOrQrException() {
    Random random = new Random(0x5eed_0f_f1a9L);
    Map<QrException.Reason, Integer> failures = new EnumMap<>(QrException.Reason.class);
    int decoded = 0;
    for (int i = 0; i < 300; i++) {
      byte[] mutated = mutate(PNG, random);
      try {
        assertThat(QrImageDecoder.decode(mutated)).as("mutation %d", i).isEqualTo(RECEIPT_URL);
        decoded++;
      } catch (QrException e) {
        failures.merge(e.reasonCode(), 1, Integer::sum);
      } catch (Throwable t) {
        throw new AssertionError("mutation " + i + " escaped as " + t, t);
      }
    }
    // The mutations reach both outcomes, and more than one kind of failure.
    assertThat(decoded).isPositive();
    assertThat(failures).containsKey(QrException.Reason.UNREADABLE_IMAGE);
    assertThat(failures.size()).isGreaterThanOrEqualTo(2);
  }

  private static byte[] mutate(byte[] png, Random random) {
    byte[] b = png.clone();
    switch (random.nextInt(5)) {
      case 0: // flip bits anywhere
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
          b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
      case 1: // overwrite a byte in the signature or IHDR
        b[random.nextInt(33)] = (byte) random.nextInt(256);
        return b;
      case 2: // truncate
        return Arrays.copyOf(b, random.nextInt(b.length));
      case 3: // overwrite a run with random bytes
        int at = random.nextInt(b.length);
        int len = Math.min(b.length - at, 1 + random.nextInt(32));
        byte[] noise = new byte[len];
        random.nextBytes(noise);
        System.arraycopy(noise, 0, b, at, len);
        return b;
      default: // insert random bytes
        int pos = random.nextInt(b.length);
        byte[] extra = new byte[1 + random.nextInt(16)];
        random.nextBytes(extra);
        byte[] out = new byte[b.length + extra.length];
        System.arraycopy(b, 0, out, 0, pos);
        System.arraycopy(extra, 0, out, pos, extra.length);
        System.arraycopy(b, pos, out, pos + extra.length, b.length - pos);
        return out;
    }
  }

  private static byte[] pngWithHeader(int width, int height) {
    ByteBuffer png = ByteBuffer.allocate(8 + 25);
    png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    png.putInt(13);
    byte[] typeAndData =
        ByteBuffer.allocate(17)
            .put("IHDR".getBytes(StandardCharsets.US_ASCII))
            .putInt(width)
            .putInt(height)
            .put(new byte[] {1, 0, 0, 0, 0})
            .array();
    png.put(typeAndData);
    CRC32 crc = new CRC32();
    crc.update(typeAndData);
    png.putInt((int) crc.getValue());
    return png.array();
  }

  private static BufferedImage toRgb(BufferedImage image) {
    BufferedImage rgb =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        rgb.setRGB(x, y, image.getRGB(x, y));
      }
    }
    return rgb;
  }

  private static void assertFails(byte[] image, QrException.Reason reason, String message) {
    QrException e = catchQr(() -> QrImageDecoder.decode(image), message);
    assertThat(e.reasonCode()).isEqualTo(reason);
    assertThat(e.reason()).isEqualTo(reason.code());
    assertThat(e.getMessage()).isEqualTo(message);
  }

  private static QrException catchQr(Runnable action, String what) {
    try {
      action.run();
    } catch (QrException e) {
      return e;
    }
    return fail("expected a QrException for " + what);
  }
}
