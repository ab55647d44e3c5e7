package dev.fangxin.adapters.virtualprinter;

import static org.assertj.core.api.Assertions.fail;

import dev.fangxin.core.qr.ErrorCorrection;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;

/** Shared streams and guards for the virtual printer tests. */
final class Fixtures {
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  /** A 176-character upper-case receipt link: a 27-character prefix and 149 base32 characters. */
  static final String RECEIPT_URL = receiptUrl();

  private Fixtures() {}

  private static String receiptUrl() {
    Random random = new Random(20240607L);
    StringBuilder url = new StringBuilder("HTTPS://FX.EXAMPLE.CN/HZ/D/");
    for (int i = 0; i < 149; i++) {
      url.append(BASE32.charAt(random.nextInt(32)));
    }
    return url.toString();
  }

  /** A small two-language receipt: header, items, total, a QR code, a feed and a cut. */
  static byte[] receipt(int moduleSize) {
    return EscPosBytes.stream()
        .init()
        .align(1)
        .size(2, 2)
        .bold(true)
        .chineseOn()
        .gb("方信咖啡")
        .lf()
        .size(1, 1)
        .bold(false)
        .line("FANGXIN COFFEE")
        .gb("杭州市西湖区文三路 1 号")
        .lf()
        .align(0)
        .line("--------------------------------")
        .gb("拿铁 Latte x1")
        .text("         28.00")
        .lf()
        .gb("美式 Americano x2")
        .text("     36.00")
        .lf()
        .line("--------------------------------")
        .align(2)
        .bold(true)
        .gb("合计 TOTAL  64.00")
        .lf()
        .bold(false)
        .align(1)
        .qr(RECEIPT_URL, moduleSize, ErrorCorrection.M)
        .gb("扫码查验 · 争议处理")
        .lf()
        .chineseOff()
        .feed(3)
        .feedAndCut(0)
        .bytes();
  }

  /** Skips without a CJK font, except under CI ({@code CI=true}), where it fails. */
  static void requireCjkFont(VirtualPrinter printer) {
    if (printer.cjkFontName().isPresent()) {
      return;
    }
    String message =
        "No CJK font is installed (tried "
            + printer.cjkFonts()
            + "); install fonts-droid-fallback or fonts-noto-cjk.";
    if ("true".equals(System.getenv("CI"))) {
      fail(message + " CI=true requires one.");
    }
    Assumptions.abort(message);
  }
}
