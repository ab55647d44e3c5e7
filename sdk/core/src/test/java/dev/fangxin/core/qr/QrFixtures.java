package dev.fangxin.core.qr;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.Result;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.util.Map;

/** Texts and helpers shared by the QR tests. */
final class QrFixtures {
  /** A lower-case (so byte-mode) ASCII URL. */
  static final String ASCII_URL = "https://fx.example.cn/d/k3J9x?merchant=0042&t=1717243200";

  /** An upper-case receipt link of exactly 176 QR-alphanumeric characters. */
  static final String RECEIPT_URL = receiptUrl(176);

  /** Non-ASCII text, encoded as UTF-8 behind an ECI. */
  static final String CHINESE_TEXT = "放心消费：小票争议请扫码 https://fx.example.cn/d/ABC";

  private QrFixtures() {}

  /**
   * {@code HTTPS://FX.EXAMPLE.CN/D/} followed by base32 letters and digits, {@code length} long.
   */
  static String receiptUrl(int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder url = new StringBuilder("HTTPS://FX.EXAMPLE.CN/D/");
    for (int i = 0; url.length() < length; i++) {
      url.append(alphabet.charAt((i * 7 + 3) % alphabet.length()));
    }
    return url.toString();
  }

  /** Renders {@code code} into ARGB pixels, black on white, independently of the PNG encoder. */
  static int[] argb(QrCode code, int moduleSize, int quietZone) {
    int side = (code.size() + 2 * quietZone) * moduleSize;
    int[] pixels = new int[side * side];
    java.util.Arrays.fill(pixels, 0xffffffff);
    for (int y = 0; y < code.size(); y++) {
      for (int x = 0; x < code.size(); x++) {
        if (code.isDark(x, y)) {
          for (int dy = 0; dy < moduleSize; dy++) {
            int py = (y + quietZone) * moduleSize + dy;
            for (int dx = 0; dx < moduleSize; dx++) {
              pixels[py * side + (x + quietZone) * moduleSize + dx] = 0xff000000;
            }
          }
        }
      }
    }
    return pixels;
  }

  /** Decodes with ZXing directly, to inspect the raw codewords (mode indicators, ECI). */
  static Result zxingResult(QrCode code) throws Exception {
    int side = (code.size() + 8) * 4;
    BinaryBitmap bitmap =
        new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(side, side, argb(code, 4, 4))));
    return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE));
  }
}
