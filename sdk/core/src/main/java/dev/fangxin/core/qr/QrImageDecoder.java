package dev.fangxin.core.qr;

import com.google.zxing.PlanarYUVLuminanceSource;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads a QR code from an image file or its bytes (PNG, JPEG, GIF, BMP) through {@code
 * javax.imageio}. <b>Desktop JVMs only:</b> this is the one class of {@code fangxin-sdk-core} that
 * uses {@code java.awt}/{@code javax.imageio}, which Android does not have; Android callers decode
 * a {@code Bitmap}'s pixels with {@link QrDecoder} and never load this class.
 *
 * <p>Limits, checked before any pixel is decoded: at most {@value #MAX_IMAGE_BYTES} bytes (20 MiB),
 * and at most {@value #MAX_IMAGE_SIDE} pixels wide and high, as declared by the image header (read
 * with {@link ImageReader#getWidth}/{@link ImageReader#getHeight} before {@link ImageReader#read}).
 * Only the first image of a multi-image file (animated GIF) is read. Transparent pixels are
 * composited over white. Images are decoded in memory: no ImageIO cache file is written.
 *
 * <p>Every failure is a {@link QrException}: exceptions of ImageIO and ZXing, including runtime
 * exceptions that malformed images provoke in them, are mapped and never escape. All methods are
 * static, stateless and thread-safe.
 */
public final class QrImageDecoder {
  /** Largest accepted image, in bytes: 20 MiB. */
  public static final int MAX_IMAGE_BYTES = 20 * 1024 * 1024;

  /** Largest accepted image width and height, in pixels. */
  public static final int MAX_IMAGE_SIDE = QrCode.MAX_IMAGE_SIDE;

  private static final Set<String> FORMATS = Set.of("png", "jpeg", "gif", "bmp");

  private QrImageDecoder() {}

  /**
   * Reads the image file at {@code image} and returns the text of the QR code in it.
   *
   * @throws NullPointerException if {@code image} is null
   * @throws QrException {@link QrException.Reason#IMAGE_TOO_LARGE} if the file is larger than 20
   *     MiB or the image larger than 10,000 pixels in either dimension; {@link
   *     QrException.Reason#UNREADABLE_IMAGE} if the file cannot be read or is not a valid PNG,
   *     JPEG, GIF or BMP image; {@link QrException.Reason#NO_CODE_FOUND} if the image holds no
   *     readable QR code
   */
  public static String decode(Path image) {
    Objects.requireNonNull(image, "image == null");
    byte[] bytes;
    try {
      long size = Files.size(image);
      if (size > MAX_IMAGE_BYTES) {
        throw tooManyBytes(size);
      }
      try (InputStream in = Files.newInputStream(image)) {
        bytes = in.readNBytes(MAX_IMAGE_BYTES + 1);
      }
    } catch (IOException e) {
      throw new QrException(
          QrException.Reason.UNREADABLE_IMAGE,
          "Could not read the image file " + image + ": " + e,
          e);
    }
    if (bytes.length > MAX_IMAGE_BYTES) { // the file grew after Files.size
      throw tooManyBytes(bytes.length);
    }
    return decode(bytes);
  }

  /**
   * Decodes {@code imageBytes} (a PNG, JPEG, GIF or BMP file's content) and returns the text of the
   * QR code in it. The array is not modified or retained.
   *
   * @throws NullPointerException if {@code imageBytes} is null
   * @throws QrException as for {@link #decode(Path)}
   */
  public static String decode(byte[] imageBytes) {
    Objects.requireNonNull(imageBytes, "imageBytes == null");
    if (imageBytes.length == 0) {
      throw new QrException(
          QrException.Reason.UNREADABLE_IMAGE,
          "The image is empty (0 bytes); expected a PNG, JPEG, GIF or BMP image.");
    }
    if (imageBytes.length > MAX_IMAGE_BYTES) {
      throw tooManyBytes(imageBytes.length);
    }
    BufferedImage image = read(imageBytes);
    return QrDecoder.decode(luminance(image));
  }

  private static BufferedImage read(byte[] bytes) {
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      ImageReader reader = readerFor(in);
      try {
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
          throw new QrException(
              QrException.Reason.IMAGE_TOO_LARGE,
              "The image is "
                  + width
                  + " x "
                  + height
                  + " pixels; at most "
                  + MAX_IMAGE_SIDE
                  + " x "
                  + MAX_IMAGE_SIDE
                  + " is accepted.");
        }
        if (width <= 0 || height <= 0) {
          throw unreadable("it declares a size of " + width + " x " + height + " pixels", null);
        }
        BufferedImage image = reader.read(0);
        if (image == null || image.getWidth() <= 0 || image.getHeight() <= 0) {
          throw unreadable("it holds no pixels", null);
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (QrException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // RuntimeException: ImageIO's readers throw ArrayIndexOutOfBounds, IllegalArgument,
      // NegativeArraySize and the like on malformed input.
      throw unreadable(String.valueOf(e.getMessage()), e);
    }
  }

  private static ImageReader readerFor(ImageInputStream in) {
    Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
    while (readers.hasNext()) {
      ImageReader reader = readers.next();
      String format;
      try {
        format = reader.getFormatName().toLowerCase(Locale.ROOT);
      } catch (IOException e) {
        reader.dispose();
        continue;
      }
      if (FORMATS.contains(format)) {
        return reader;
      }
      reader.dispose();
    }
    throw new QrException(
        QrException.Reason.UNREADABLE_IMAGE, "The bytes are not a PNG, JPEG, GIF or BMP image.");
  }

  /** Luminance {@code (r + 2g + b) / 4} as ZXing computes it, composited over white. */
  private static PlanarYUVLuminanceSource luminance(BufferedImage image) {
    int width = image.getWidth();
    int height = image.getHeight();
    byte[] luminance = new byte[width * height];
    int[] row = new int[width];
    try {
      for (int y = 0; y < height; y++) {
        image.getRGB(0, y, width, 1, row, 0, width);
        for (int x = 0, i = y * width; x < width; x++, i++) {
          int argb = row[x];
          int alpha = argb >>> 24;
          int lum = (((argb >> 16) & 0xff) + 2 * ((argb >> 8) & 0xff) + (argb & 0xff)) >> 2;
          if (alpha != 0xff) {
            lum = (lum * alpha + 0xff * (0xff - alpha)) / 0xff;
          }
          luminance[i] = (byte) lum;
        }
      }
    } catch (RuntimeException e) {
      throw unreadable("its pixels could not be converted: " + e.getMessage(), e);
    }
    return new PlanarYUVLuminanceSource(luminance, width, height, 0, 0, width, height, false);
  }

  private static QrException tooManyBytes(long size) {
    return new QrException(
        QrException.Reason.IMAGE_TOO_LARGE,
        "The image has " + size + " bytes; at most " + MAX_IMAGE_BYTES + " (20 MiB) are accepted.");
  }

  private static QrException unreadable(String why, Throwable cause) {
    String message = "The image could not be read as PNG, JPEG, GIF or BMP: " + why + ".";
    return cause == null
        ? new QrException(QrException.Reason.UNREADABLE_IMAGE, message)
        : new QrException(QrException.Reason.UNREADABLE_IMAGE, message, cause);
  }
}
