package dev.fangxin.core.qr;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.ChecksumException;
import com.google.zxing.DecodeHintType;
import com.google.zxing.FormatException;
import com.google.zxing.LuminanceSource;
import com.google.zxing.PlanarYUVLuminanceSource;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.ReaderException;
import com.google.zxing.common.GlobalHistogramBinarizer;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a QR code from pixels already in memory. Pure Java (ZXing core only, no java.awt), so it
 * runs on Android: there, get the pixels with {@code Bitmap.getPixels}. On desktop JVMs, {@link
 * QrImageDecoder} reads image files and bytes.
 *
 * <p>The pixels go through ZXing's {@link RGBLuminanceSource} (luminance {@code (r + 2g + b) / 4};
 * the alpha channel is ignored, so composite transparent images over white first), then {@link
 * HybridBinarizer} and {@link QRCodeReader} with {@code TRY_HARDER}; if that finds nothing, the
 * same again with {@link GlobalHistogramBinarizer}; if that fails too, once more with {@code
 * PURE_BARCODE} (for clean, upright, computer-rendered images, where ZXing's finder-pattern search
 * can miss a code that the direct path reads). No character-set hint is given: text behind a UTF-8
 * ECI (as {@link QrCode} writes it for non-ASCII text) decodes as UTF-8, byte-mode text without ECI
 * is decoded by ZXing's own guess.
 *
 * <p>All methods are static, stateless and thread-safe.
 */
public final class QrDecoder {
  private static final Map<DecodeHintType, Object> HINTS = hints(false);
  private static final Map<DecodeHintType, Object> PURE_HINTS = hints(true);

  private QrDecoder() {}

  /**
   * Decodes the single QR code in an image given as ARGB pixels, row by row ({@code argbPixels[y *
   * width + x]}, as {@code BufferedImage.getRGB} and Android's {@code Bitmap.getPixels} give them),
   * and returns its text exactly.
   *
   * @throws NullPointerException if {@code argbPixels} is null
   * @throws QrException {@link QrException.Reason#INVALID_ARGUMENT} if width or height is not
   *     positive or {@code argbPixels.length != width * height}; {@link
   *     QrException.Reason#NO_CODE_FOUND} if no readable QR code is in the image
   */
  public static String decode(int[] argbPixels, int width, int height) {
    Objects.requireNonNull(argbPixels, "argbPixels == null");
    if (width <= 0 || height <= 0) {
      throw new QrException(
          QrException.Reason.INVALID_ARGUMENT,
          "Image size is " + width + " x " + height + "; width and height must be positive.");
    }
    if ((long) width * height != argbPixels.length) {
      throw new QrException(
          QrException.Reason.INVALID_ARGUMENT,
          "argbPixels has "
              + argbPixels.length
              + " entries; expected width x height = "
              + ((long) width * height)
              + ".");
    }
    return decode(new RGBLuminanceSource(width, height, argbPixels));
  }

  /** Decodes from any luminance source; shared with {@link QrImageDecoder}. */
  static String decode(LuminanceSource source) {
    Exception hybridFailure;
    try {
      return read(new BinaryBitmap(new HybridBinarizer(source)), HINTS);
    } catch (ReaderException | RuntimeException e) {
      hybridFailure = e;
    }
    Exception histogramFailure;
    try {
      return read(new BinaryBitmap(new GlobalHistogramBinarizer(source)), HINTS);
    } catch (ReaderException | RuntimeException e) {
      histogramFailure = e;
    }
    try {
      // ZXing's finder-pattern search misses some perfectly rendered codes (measured: a 176-char
      // version-7 link at 4 px/module with a quiet zone); the pure-image path reads them.
      return read(new BinaryBitmap(new HybridBinarizer(source)), PURE_HINTS);
    } catch (ReaderException | RuntimeException e) {
      // keep the more telling failures of the two general attempts
    }
    // The same misses happen inside larger images (a receipt around the code), where the pure
    // path cannot help: measured, 14 of 1,800 random version-7 links at 2-7 px/module with a
    // 4-module quiet zone. Every one of them read once resampled to another scale. At most six
    // more attempts, only for images that failed the three above.
    for (double factor : RESCALE_FACTORS) {
      int w = (int) Math.round(source.getWidth() * factor);
      int h = (int) Math.round(source.getHeight() * factor);
      if (w < 21 || h < 21 || (long) w * h > MAX_RESCALED_PIXELS) {
        continue;
      }
      try {
        return read(new BinaryBitmap(new HybridBinarizer(rescale(source, w, h))), HINTS);
      } catch (ReaderException | RuntimeException e) {
        // try the next scale
      }
    }
    // ZXing reuses singleton exceptions: keep them as causes only, never add suppressed ones.
    Exception cause = isDamaged(histogramFailure) ? histogramFailure : hybridFailure;
    if (isDamaged(hybridFailure) || isDamaged(histogramFailure)) {
      throw new QrException(
          QrException.Reason.NO_CODE_FOUND,
          "A QR code was located in the "
              + source.getWidth()
              + " x "
              + source.getHeight()
              + " image but could not be read (damaged, blurred or partly hidden).",
          cause);
    }
    throw new QrException(
        QrException.Reason.NO_CODE_FOUND,
        "No QR code was found in the "
            + source.getWidth()
            + " x "
            + source.getHeight()
            + " image; expected a dark-on-light code with a quiet zone around it.",
        cause);
  }

  private static final double[] RESCALE_FACTORS = {0.5, 0.4, 0.6, 0.75, 1.25, 1.5};
  private static final long MAX_RESCALED_PIXELS = 40_000_000L;

  /**
   * Bilinear resampling of the luminance with pixel-centre alignment (source x = (x + 0.5) * sw / w
   * - 0.5, as image libraries do), in 16.16 fixed point. Downscaling thus blends neighbouring
   * pixels, which is what lets ZXing's detector find the symbol.
   */
  static LuminanceSource rescale(LuminanceSource source, int width, int height) {
    int sw = source.getWidth();
    int sh = source.getHeight();
    byte[] in = source.getMatrix();
    byte[] out = new byte[width * height];
    for (int y = 0; y < height; y++) {
      long fy = Math.max(0, (((2L * y + 1) * sh << 16) / (2L * height)) - 0x8000);
      int y0 = (int) Math.min(fy >> 16, sh - 1);
      int y1 = Math.min(y0 + 1, sh - 1);
      long wy = fy & 0xFFFF;
      for (int x = 0; x < width; x++) {
        long fx = Math.max(0, (((2L * x + 1) * sw << 16) / (2L * width)) - 0x8000);
        int x0 = (int) Math.min(fx >> 16, sw - 1);
        int x1 = Math.min(x0 + 1, sw - 1);
        long wx = fx & 0xFFFF;
        long top = (in[y0 * sw + x0] & 0xFF) * (0x10000 - wx) + (in[y0 * sw + x1] & 0xFF) * wx;
        long bottom = (in[y1 * sw + x0] & 0xFF) * (0x10000 - wx) + (in[y1 * sw + x1] & 0xFF) * wx;
        out[y * width + x] = (byte) ((top * (0x10000 - wy) + bottom * wy) >>> 32);
      }
    }
    return new PlanarYUVLuminanceSource(out, width, height, 0, 0, width, height, false);
  }

  private static String read(BinaryBitmap bitmap, Map<DecodeHintType, Object> hints)
      throws ReaderException {
    // QRCodeReader keeps a Decoder with no per-call state, but a fresh one keeps this obviously
    // thread-safe and costs next to nothing next to the decoding itself.
    return new QRCodeReader().decode(bitmap, hints).getText();
  }

  private static boolean isDamaged(Exception e) {
    return e instanceof ChecksumException || e instanceof FormatException;
  }

  private static Map<DecodeHintType, Object> hints(boolean pure) {
    Map<DecodeHintType, Object> hints = new EnumMap<>(DecodeHintType.class);
    hints.put(DecodeHintType.TRY_HARDER, Boolean.TRUE);
    if (pure) {
      hints.put(DecodeHintType.PURE_BARCODE, Boolean.TRUE);
    }
    hints.put(DecodeHintType.POSSIBLE_FORMATS, List.of(BarcodeFormat.QR_CODE));
    return Map.copyOf(hints);
  }
}
