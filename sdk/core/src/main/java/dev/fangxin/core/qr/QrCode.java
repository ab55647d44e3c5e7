package dev.fangxin.core.qr;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.decoder.Mode;
import com.google.zxing.qrcode.decoder.Version;
import com.google.zxing.qrcode.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * An encoded QR code symbol: the text, the chosen version and error correction, and the module
 * matrix, with renderers to PNG and SVG.
 *
 * <p>Encoding uses ZXing's {@link Encoder}, which picks the smallest version (1..40) that holds the
 * text at the requested level, in a single mode for the whole text:
 *
 * <ul>
 *   <li>Pure ASCII text is encoded without any character-set hint, so no ECI segment is added: text
 *       made only of QR alphanumeric characters ({@code 0-9 A-Z space $ % * + - . / :}) uses
 *       alphanumeric mode (numeric mode if all digits), other ASCII text uses byte mode with the
 *       ASCII bytes. An upper-case receipt link of 176 characters therefore fits version 7 at level
 *       {@link ErrorCorrection#M} (capacity 178 characters).
 *   <li>Any other text is encoded as UTF-8 in byte mode, preceded by an ECI designator 26 (UTF-8),
 *       so that readers do not have to guess the character set.
 * </ul>
 *
 * <p>Instances are immutable and thread-safe. Two codes are {@linkplain #equals equal} when their
 * text and error correction are equal (the encoding is deterministic, so their matrices are too).
 */
public final class QrCode {
  /** Largest accepted module size, in pixels (PNG) or user units (SVG). */
  public static final int MAX_MODULE_SIZE = 64;

  /** Largest accepted quiet zone, in modules. */
  public static final int MAX_QUIET_ZONE = 16;

  /** The quiet zone that ISO/IEC 18004 requires around a QR code, in modules. */
  public static final int RECOMMENDED_QUIET_ZONE = 4;

  /**
   * Largest width and height of a rendered PNG, in pixels (so at most 10,000 x 10,000 pixels); the
   * same bound {@link QrImageDecoder} accepts, so that every PNG written here can be read back.
   */
  public static final int MAX_IMAGE_SIDE = 10_000;

  /** The longest text of any mode at any level (numeric, level L, version 40). */
  private static final int ABSOLUTE_MAX_CHARS = 7089;

  private static final Map<EncodeHintType, Object> UTF_8_HINTS =
      Map.of(EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());

  private final String text;
  private final ErrorCorrection errorCorrection;
  private final int version;
  private final int size;

  /** Rows of modules, {@code modules[y][x]}, 1 = dark, 0 = light. Never exposed, never mutated. */
  private final byte[][] modules;

  private QrCode(String text, ErrorCorrection errorCorrection, int version, byte[][] modules) {
    this.text = text;
    this.errorCorrection = errorCorrection;
    this.version = version;
    this.size = modules.length;
    this.modules = modules;
  }

  /**
   * Encodes {@code text} at the given error-correction level in the smallest QR version that holds
   * it (see the class documentation for the character-set rules).
   *
   * @throws NullPointerException if an argument is null
   * @throws QrException {@link QrException.Reason#TEXT_TOO_LONG} if the text does not fit even at
   *     version 40 (the message states the limit); {@link QrException.Reason#INVALID_ARGUMENT} if
   *     the text is empty or contains an unpaired UTF-16 surrogate (it could not be encoded as
   *     UTF-8 faithfully)
   */
  public static QrCode encode(String text, ErrorCorrection level) {
    Objects.requireNonNull(text, "text == null");
    Objects.requireNonNull(level, "level == null");
    if (text.isEmpty()) {
      throw new QrException(
          QrException.Reason.INVALID_ARGUMENT,
          "The text is empty; a QR code needs at least one character.");
    }
    boolean ascii = isAscii(text);
    if (!ascii) {
      checkSurrogates(text);
    }
    if (text.length() > ABSOLUTE_MAX_CHARS) {
      throw tooLong(text, ascii, level);
    }
    com.google.zxing.qrcode.encoder.QRCode encoded;
    try {
      encoded =
          ascii
              ? Encoder.encode(text, level.zxing())
              : Encoder.encode(text, level.zxing(), UTF_8_HINTS);
    } catch (WriterException e) {
      if (!fitsAtVersion40(text, ascii, level)) {
        throw tooLong(text, ascii, level);
      }
      throw new QrException(
          QrException.Reason.INVALID_ARGUMENT,
          "The text could not be encoded as a QR code: " + e.getMessage(),
          e);
    }
    return new QrCode(
        text, level, encoded.getVersion().getVersionNumber(), encoded.getMatrix().getArray());
  }

  /** Returns the encoded text, exactly as given to {@link #encode}. */
  public String text() {
    return text;
  }

  /**
   * Returns the QR version chosen by the encoder, 1..40; the symbol has 17 + 4 x version modules.
   */
  public int version() {
    return version;
  }

  /** Returns the error-correction level the code was encoded at. */
  public ErrorCorrection errorCorrection() {
    return errorCorrection;
  }

  /** Returns the number of modules per side, without quiet zone: {@code 17 + 4 * version()}. */
  public int size() {
    return size;
  }

  /**
   * Returns whether the module at column {@code x}, row {@code y} is dark; (0, 0) is the top-left
   * module of the symbol, excluding the quiet zone.
   *
   * @throws QrException {@link QrException.Reason#INVALID_ARGUMENT} if x or y is outside {@code
   *     0..size()-1}
   */
  public boolean isDark(int x, int y) {
    if (x < 0 || x >= size || y < 0 || y >= size) {
      throw new QrException(
          QrException.Reason.INVALID_ARGUMENT,
          "Module ("
              + x
              + ", "
              + y
              + ") is outside the symbol; x and y must be within 0.."
              + (size - 1)
              + ".");
    }
    return modules[y][x] == 1;
  }

  /**
   * Returns a new ZXing {@link BitMatrix} of {@code size() + 2 * quietZoneModules} bits per side,
   * one bit per module, set where the module is dark. The caller owns the returned matrix.
   *
   * @throws QrException {@link QrException.Reason#INVALID_ARGUMENT} if the quiet zone is outside
   *     {@code 0..16}
   */
  public BitMatrix toBitMatrix(int quietZoneModules) {
    checkQuietZone(quietZoneModules);
    BitMatrix matrix = new BitMatrix(size + 2 * quietZoneModules);
    for (int y = 0; y < size; y++) {
      byte[] row = modules[y];
      for (int x = 0; x < size; x++) {
        if (row[x] == 1) {
          matrix.set(x + quietZoneModules, y + quietZoneModules);
        }
      }
    }
    return matrix;
  }

  /**
   * Renders the code as a PNG image: 1-bit grayscale, black modules on white, each module {@code
   * moduleSizePx} pixels square, surrounded by {@code quietZoneModules} white modules. The output
   * is deterministic: the same code and arguments always give the same bytes (see {@link
   * #writePng}).
   *
   * @throws QrException {@link QrException.Reason#INVALID_ARGUMENT} if the module size is outside
   *     1..64, the quiet zone outside 0..16, or the image would be wider than {@value
   *     #MAX_IMAGE_SIDE} pixels
   */
  public byte[] toPng(int moduleSizePx, int quietZoneModules) {
    int side = checkedImageSide(moduleSizePx, quietZoneModules);
    ByteArrayOutputStream out = new ByteArrayOutputStream(PngWriter.estimatedSize(side));
    try {
      PngWriter.write(this, moduleSizePx, quietZoneModules, side, out);
    } catch (IOException e) {
      throw new UncheckedIOException("ByteArrayOutputStream cannot fail", e);
    }
    return out.toByteArray();
  }

  /**
   * Writes the PNG of {@link #toPng} to {@code out}. Arguments are validated before anything is
   * written. The stream is neither flushed nor closed; it is used by the calling thread only.
   *
   * <p>Format: the PNG signature, one {@code IHDR} (width = height = {@code (size() + 2 *
   * quietZoneModules) * moduleSizePx}, bit depth 1, color type 0 (grayscale), compression 0, filter
   * 0, interlace 0), one {@code IDAT} holding the zlib stream ({@link java.util.zip.Deflater} at
   * level 9) of every scanline prefixed with filter type 0 (bit 0 = black, 1 = white, padding bits
   * 1), and {@code IEND}; each chunk ends with its CRC-32. No other chunks, no timestamps.
   *
   * @throws NullPointerException if {@code out} is null
   * @throws QrException {@link QrException.Reason#INVALID_ARGUMENT} as for {@link #toPng}
   * @throws IOException if {@code out} fails
   */
  public void writePng(OutputStream out, int moduleSizePx, int quietZoneModules)
      throws IOException {
    Objects.requireNonNull(out, "out == null");
    int side = checkedImageSide(moduleSizePx, quietZoneModules);
    PngWriter.write(this, moduleSizePx, quietZoneModules, side, out);
  }

  /**
   * Renders the code as a standalone SVG 1.1 document (UTF-8 text, no external references):
   *
   * <pre>{@code
   * <?xml version="1.0" encoding="UTF-8"?>
   * <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="W" height="W" viewBox="0 0 N N">
   * <rect x="0" y="0" width="N" height="N" fill="#ffffff"/>
   * <path fill="#000000" shape-rendering="crispEdges" d="..."/>
   * </svg>
   * }</pre>
   *
   * where N = {@code size() + 2 * quietZoneModules} (viewBox in modules) and W = N x {@code
   * moduleSize}. The path has one subpath per horizontal run of dark modules, {@code M x y h n v 1
   * h -n z} written compactly as {@code Mx yhnv1h-nz}, rows top to bottom, runs left to right. The
   * output is deterministic.
   *
   * @throws QrException {@link QrException.Reason#INVALID_ARGUMENT} if the module size is outside
   *     1..64 or the quiet zone outside 0..16
   */
  public String toSvg(int moduleSize, int quietZoneModules) {
    checkModuleSize(moduleSize);
    checkQuietZone(quietZoneModules);
    int n = size + 2 * quietZoneModules;
    int w = n * moduleSize;
    StringBuilder svg = new StringBuilder(320 + size * size);
    svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"")
        .append(w)
        .append("\" height=\"")
        .append(w)
        .append("\" viewBox=\"0 0 ")
        .append(n)
        .append(' ')
        .append(n)
        .append("\">\n")
        .append("<rect x=\"0\" y=\"0\" width=\"")
        .append(n)
        .append("\" height=\"")
        .append(n)
        .append("\" fill=\"#ffffff\"/>\n")
        .append("<path fill=\"#000000\" shape-rendering=\"crispEdges\" d=\"");
    for (int y = 0; y < size; y++) {
      byte[] row = modules[y];
      int x = 0;
      while (x < size) {
        if (row[x] != 1) {
          x++;
          continue;
        }
        int start = x;
        while (x < size && row[x] == 1) {
          x++;
        }
        int run = x - start;
        svg.append('M')
            .append(start + quietZoneModules)
            .append(' ')
            .append(y + quietZoneModules)
            .append('h')
            .append(run)
            .append("v1h-")
            .append(run)
            .append('z');
      }
    }
    svg.append("\"/>\n</svg>\n");
    return svg.toString();
  }

  /** Row {@code y} of the matrix, 1 = dark; package-private and never to be modified. */
  byte[] row(int y) {
    return modules[y];
  }

  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    if (!(other instanceof QrCode)) {
      return false;
    }
    QrCode that = (QrCode) other;
    return text.equals(that.text) && errorCorrection == that.errorCorrection;
  }

  @Override
  public int hashCode() {
    return 31 * text.hashCode() + errorCorrection.hashCode();
  }

  /** Returns a summary such as {@code QrCode{version=7, level=M, size=45, textLength=176}}. */
  @Override
  public String toString() {
    return "QrCode{version="
        + version
        + ", level="
        + errorCorrection
        + ", size="
        + size
        + ", textLength="
        + text.length()
        + "}";
  }

  private int checkedImageSide(int moduleSizePx, int quietZoneModules) {
    checkModuleSize(moduleSizePx);
    checkQuietZone(quietZoneModules);
    int side = (size + 2 * quietZoneModules) * moduleSizePx;
    if (side > MAX_IMAGE_SIDE) {
      throw new QrException(
          QrException.Reason.INVALID_ARGUMENT,
          "A "
              + size
              + "-module code with a quiet zone of "
              + quietZoneModules
              + " and modules of "
              + moduleSizePx
              + " px would be "
              + side
              + " x "
              + side
              + " pixels; at most "
              + MAX_IMAGE_SIDE
              + " x "
              + MAX_IMAGE_SIDE
              + " is allowed.");
    }
    return side;
  }

  private static void checkModuleSize(int moduleSize) {
    if (moduleSize < 1 || moduleSize > MAX_MODULE_SIZE) {
      throw new QrException(
          QrException.Reason.INVALID_ARGUMENT,
          "Module size is " + moduleSize + "; expected 1.." + MAX_MODULE_SIZE + ".");
    }
  }

  private static void checkQuietZone(int quietZoneModules) {
    if (quietZoneModules < 0 || quietZoneModules > MAX_QUIET_ZONE) {
      throw new QrException(
          QrException.Reason.INVALID_ARGUMENT,
          "Quiet zone is "
              + quietZoneModules
              + " modules; expected 0.."
              + MAX_QUIET_ZONE
              + " (the QR specification requires "
              + RECOMMENDED_QUIET_ZONE
              + ").");
    }
  }

  private static boolean isAscii(String text) {
    for (int i = 0, n = text.length(); i < n; i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static void checkSurrogates(String text) {
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new QrException(
            QrException.Reason.INVALID_ARGUMENT,
            "The text has an unpaired UTF-16 surrogate at index "
                + i
                + "; expected well-formed Unicode text.");
      }
    }
  }

  private static boolean fitsAtVersion40(String text, boolean ascii, ErrorCorrection level) {
    Mode mode = ascii ? Encoder.chooseMode(text) : Mode.BYTE;
    long needed = ascii ? text.length() : utf8Length(text);
    return needed <= capacityAtVersion40(mode, !ascii, level);
  }

  /** The TEXT_TOO_LONG exception for {@code text}, which does not fit at version 40. */
  private static QrException tooLong(String text, boolean ascii, ErrorCorrection level) {
    Mode mode = ascii ? Encoder.chooseMode(text) : Mode.BYTE;
    long needed = ascii ? text.length() : utf8Length(text);
    int limit = capacityAtVersion40(mode, !ascii, level);
    String unit;
    if (mode == Mode.NUMERIC) {
      unit = "digits in numeric mode";
    } else if (mode == Mode.ALPHANUMERIC) {
      unit = "characters in alphanumeric mode";
    } else if (ascii) {
      unit = "bytes in byte mode";
    } else {
      unit = "UTF-8 bytes in byte mode";
    }
    return new QrException(
        QrException.Reason.TEXT_TOO_LONG,
        "The text needs "
            + needed
            + " "
            + unit
            + " but a QR code at error correction "
            + level
            + " holds at most "
            + limit
            + " (version 40); shorten the text or choose a lower error-correction level.");
  }

  /** Capacity of version 40 at {@code level} in the units of {@code mode} (ISO/IEC 18004 7.4). */
  static int capacityAtVersion40(Mode mode, boolean withEci, ErrorCorrection level) {
    Version v40 = Version.getVersionForNumber(40);
    int dataCodewords =
        v40.getTotalCodewords() - v40.getECBlocksForLevel(level.zxing()).getTotalECCodewords();
    int bits = dataCodewords * 8 - 4 - mode.getCharacterCountBits(v40) - (withEci ? 12 : 0);
    if (mode == Mode.NUMERIC) {
      int rest = bits % 10;
      return bits / 10 * 3 + (rest >= 7 ? 2 : rest >= 4 ? 1 : 0);
    }
    if (mode == Mode.ALPHANUMERIC) {
      return bits / 11 * 2 + (bits % 11 >= 6 ? 1 : 0);
    }
    return bits / 8;
  }

  private static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
