package dev.fangxin.core.qr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ZXing's detector alone misses about 1 in 100 clean version-7 links; {@link QrDecoder} must read
 * them all, alone and inside a larger white image (a receipt around the code).
 */
class QrDecoderRandomLinksTest {
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  @Test
  void everyRandomLinkReadsBack() {
    Random random = new Random(20261129);
    for (int i = 0; i < 150; i++) {
      StringBuilder link = new StringBuilder("HTTPS://FX.EXAMPLE.CN/HZ/D/");
      for (int k = 0; k < 149; k++) {
        link.append(BASE32.charAt(random.nextInt(32)));
      }
      String text = link.toString();
      QrCode qr = QrCode.encode(text, ErrorCorrection.M);
      for (int module = 3; module <= 6; module++) {
        int side = (qr.size() + 8) * module;
        // The code somewhere on a white page 384 dots wide, as on a 58 mm receipt.
        int left = random.nextInt(Math.max(1, 384 - side));
        int top = random.nextInt(200);
        int width = Math.max(384, side);
        int height = side + top + random.nextInt(200);
        int[] pixels = new int[width * height];
        java.util.Arrays.fill(pixels, 0xFFFFFFFF);
        for (int y = 0; y < qr.size() * module; y++) {
          for (int x = 0; x < qr.size() * module; x++) {
            if (qr.isDark(x / module, y / module)) {
              pixels[(y + top + 4 * module) * width + x + left + 4 * module] = 0xFF000000;
            }
          }
        }
        assertThat(QrDecoder.decode(pixels, width, height))
            .as("link %d at %d px/module", i, module)
            .isEqualTo(text);
      }
    }
  }
}
