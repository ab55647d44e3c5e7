package dev.fangxin.core.qr;

import static dev.fangxin.core.qr.QrFixtures.ASCII_URL;
import static dev.fangxin.core.qr.QrFixtures.CHINESE_TEXT;
import static dev.fangxin.core.qr.QrFixtures.RECEIPT_URL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QrDecoderTest {

  @ParameterizedTest
  @CsvSource({"0, 4, 4", "1, 4, 4", "1, 2, 1", "2, 3, 4", "1, 1, 4"})
  void decodesArgbPixels(int textIndex, int moduleSize, int quietZone) {
    String text = new String[] {ASCII_URL, RECEIPT_URL, CHINESE_TEXT}[textIndex];
    QrCode code = QrCode.encode(text, ErrorCorrection.M);
    int side = (code.size() + 2 * quietZone) * moduleSize;
    assertThat(QrDecoder.decode(QrFixtures.argb(code, moduleSize, quietZone), side, side))
        .isEqualTo(text);
  }

  @Test
  void decodesACodeInsideALargerImage() {
    QrCode code = QrCode.encode(ASCII_URL, ErrorCorrection.M);
    int codeSide = (code.size() + 8) * 3;
    int[] codePixels = QrFixtures.argb(code, 3, 4);
    int width = codeSide + 100;
    int height = codeSide + 60;
    int[] pixels = new int[width * height];
    Arrays.fill(pixels, 0xffdddddd);
    for (int y = 0; y < codeSide; y++) {
      System.arraycopy(codePixels, y * codeSide, pixels, (y + 40) * width + 70, codeSide);
    }
    assertThat(QrDecoder.decode(pixels, width, height)).isEqualTo(ASCII_URL);
  }

  @Test
  void blankImageHasNoCode() {
    int[] white = new int[50 * 40];
    Arrays.fill(white, 0xffffffff);
    assertThatThrownBy(() -> QrDecoder.decode(white, 50, 40))
        .isInstanceOf(QrException.class)
        .hasMessage(
            "No QR code was found in the 50 x 40 image; expected a dark-on-light code with a quiet"
                + " zone around it.")
        .extracting(e -> ((QrException) e).reason())
        .isEqualTo("qr.no_code_found");
  }

  @Test
  void damagedCodeIsReportedAsFoundButUnreadable() {
    QrCode code = QrCode.encode(RECEIPT_URL, ErrorCorrection.L);
    int side = (code.size() + 8) * 4;
    int[] pixels = QrFixtures.argb(code, 4, 4);
    // Invert a band of modules through the middle: finder patterns survive, data does not.
    for (int y = side / 2 - 24; y < side / 2 + 24; y++) {
      for (int x = 16 + 9 * 4; x < side - 16 - 9 * 4; x++) {
        pixels[y * side + x] ^= 0x00ffffff;
      }
    }
    assertThatThrownBy(() -> QrDecoder.decode(pixels, side, side))
        .isInstanceOf(QrException.class)
        .hasMessage(
            "A QR code was located in the "
                + side
                + " x "
                + side
                + " image but could not be read (damaged, blurred or partly hidden).");
  }

  @ParameterizedTest
  @CsvSource({
    "4, 0, 5, Image size is 0 x 5; width and height must be positive.",
    "4, 5, -1, Image size is 5 x -1; width and height must be positive.",
    "4, 3, 2, argbPixels has 4 entries; expected width x height = 6.",
    "4, 65536, 65536, argbPixels has 4 entries; expected width x height = 4294967296."
  })
  void invalidArgumentsAreRejected(int length, int width, int height, String message) {
    assertThatThrownBy(() -> QrDecoder.decode(new int[length], width, height))
        .isInstanceOf(QrException.class)
        .hasMessage(message)
        .extracting(e -> ((QrException) e).reasonCode())
        .isEqualTo(QrException.Reason.INVALID_ARGUMENT);
  }

  @Test
  void nullPixelsAreRejected() {
    assertThatThrownBy(() -> QrDecoder.decode(null, 1, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("argbPixels == null");
  }
}
