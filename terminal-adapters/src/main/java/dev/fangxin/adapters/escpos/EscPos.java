package dev.fangxin.adapters.escpos;

import static java.util.Objects.requireNonNull;

import dev.fangxin.adapters.escpos.PrinterProfile.CodePage;
import dev.fangxin.adapters.escpos.PrinterProfile.Cutter;
import dev.fangxin.core.qr.ErrorCorrection;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * ESC/POS command builders: pure functions from arguments to bytes, no I/O. Every method returns a
 * new array the caller owns. Exactly the subset in {@code terminal-adapters/ESCPOS.md} is emitted,
 * which the virtual printer renders. Thread-safe.
 *
 * <p>Argument errors that are programming mistakes (a module size of 0) throw {@link
 * IllegalArgumentException}; content the printer cannot take (text outside the code page, a QR
 * payload over the command's limit) throws {@link PrinterException} with {@code UNSUPPORTED} or
 * {@code LAYOUT}.
 */
public final class EscPos {
  private static final byte ESC = 0x1B;
  private static final byte GS = 0x1D;
  private static final byte FS = 0x1C;
  private static final byte DLE = 0x10;
  private static final byte EOT = 0x04;
  private static final byte LF = 0x0A;

  /** GB18030 (the JDK's, the 2005 mapping on Java 17). */
  static final Charset GB18030 = Charset.forName("GB18030");

  /**
   * The most data bytes {@code GS ( k} fn 80 accepts (Epson: 1 ≤ k ≤ 7089, the model-2 numeric
   * maximum). Whether the data then fits a symbol depends on its mode and level: in byte mode at
   * level M a version-40 code holds 2331 bytes; a printer given more prints nothing.
   */
  public static final int MAX_QR_DATA_BYTES = 7089;

  /** Justification for {@link #align}. */
  public enum Justification {
    LEFT,
    CENTER,
    RIGHT
  }

  private EscPos() {}

  /** {@code ESC @}: reset modes (left, bold off, 1×1, Chinese mode off, default spacing). */
  public static byte[] initialize() {
    return new byte[] {ESC, '@'};
  }

  /** {@code ESC a n}: justification, n = 0 left, 1 centre, 2 right. */
  public static byte[] align(Justification justification) {
    requireNonNull(justification, "justification == null");
    return new byte[] {ESC, 'a', (byte) justification.ordinal()};
  }

  /** {@code ESC E n}: emphasis (bold) on or off. */
  public static byte[] bold(boolean on) {
    return new byte[] {ESC, 'E', (byte) (on ? 1 : 0)};
  }

  /**
   * {@code GS ! n}: character size as width and height multipliers, each 1..8; n = (width - 1) × 16
   * + (height - 1).
   */
  public static byte[] size(int width, int height) {
    checkRange("width", width, 1, 8);
    checkRange("height", height, 1, 8);
    return new byte[] {GS, '!', (byte) (((width - 1) << 4) | (height - 1))};
  }

  /** {@code ESC 2}: the default line spacing (30 dots on most printers). */
  public static byte[] defaultLineSpacing() {
    return new byte[] {ESC, '2'};
  }

  /** {@code ESC 3 n}: line spacing of {@code dots} (0..255). */
  public static byte[] lineSpacing(int dots) {
    checkRange("dots", dots, 0, 255);
    return new byte[] {ESC, '3', (byte) dots};
  }

  /** {@code FS &} (on) or {@code FS .} (off): Chinese double-byte mode. */
  public static byte[] chineseMode(boolean on) {
    return new byte[] {FS, (byte) (on ? '&' : '.')};
  }

  /** {@code ESC t n}: single-byte code table {@code n} (0 = PC437). ASCII is the same in all. */
  public static byte[] codeTable(int n) {
    checkRange("n", n, 0, 255);
    return new byte[] {ESC, 't', (byte) n};
  }

  /**
   * Encodes {@code text} for {@code codePage}, without a line feed.
   *
   * <p>{@link CodePage#ASCII}: printable ASCII only, one byte per character. {@link
   * CodePage#GB18030}: printable ASCII as is; every run of other characters is encoded in GB18030
   * (two bytes for GBK characters, four for the rest of Unicode) between {@code FS &} and {@code FS
   * .}, so the printer is in Chinese mode only for those bytes. GB18030 encodes all of Unicode, but
   * a printer's font may lack glyphs for four-byte characters (emoji, rare CJK extensions): those
   * print as blanks or boxes, which this method cannot know.
   *
   * @throws PrinterException {@code UNSUPPORTED} for a control character (line breaks included: use
   *     {@link #lineFeed()}), an unpaired surrogate, or non-ASCII text on an ASCII code page; the
   *     message names the character's index and code point
   */
  public static byte[] text(String text, CodePage codePage) {
    requireNonNull(text, "text == null");
    requireNonNull(codePage, "codePage == null");
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 8);
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c >= 0x20 && c <= 0x7E) {
        out.write(c);
        i++;
        continue;
      }
      int end = i;
      while (end < text.length()) {
        int cp = text.codePointAt(end);
        if (cp >= 0x20 && cp <= 0x7E) {
          break;
        }
        checkPrintable(text, end, cp, codePage);
        end += Character.charCount(cp);
      }
      byte[] encoded = encodeGb18030(text, i, end);
      out.write(FS);
      out.write('&');
      out.write(encoded, 0, encoded.length);
      out.write(FS);
      out.write('.');
      i = end;
    }
    return out.toByteArray();
  }

  private static void checkPrintable(String text, int index, int cp, CodePage codePage) {
    if (Character.isISOControl(cp)
        || Character.getType(cp) == Character.LINE_SEPARATOR
        || Character.getType(cp) == Character.PARAGRAPH_SEPARATOR) {
      throw new PrinterException(
          PrinterException.Reason.UNSUPPORTED,
          "character "
              + (index + 1)
              + " of the text is "
              + codePointName(cp)
              + ", a control character; text may hold only printable characters (use lineFeed()"
              + " for line breaks)");
    }
    if (Character.isSurrogate((char) cp)) {
      throw new PrinterException(
          PrinterException.Reason.UNSUPPORTED,
          "character "
              + (index + 1)
              + " of the text is an unpaired surrogate "
              + codePointName(cp)
              + "; it cannot be encoded in GB18030");
    }
    if (codePage == CodePage.ASCII) {
      throw new PrinterException(
          PrinterException.Reason.UNSUPPORTED,
          "character "
              + (index + 1)
              + " of the text is "
              + codePointName(cp)
              + ", which an ASCII-only printer cannot print; expected printable ASCII"
              + " (U+0020..U+007E) or a GB18030 profile");
    }
  }

  private static byte[] encodeGb18030(String text, int start, int end) {
    CharsetEncoder encoder =
        GB18030
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      ByteBuffer bytes = encoder.encode(CharBuffer.wrap(text, start, end));
      byte[] out = new byte[bytes.remaining()];
      bytes.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new PrinterException(
          PrinterException.Reason.UNSUPPORTED,
          "characters " + (start + 1) + ".." + end + " of the text cannot be encoded in GB18030",
          e);
    }
  }

  private static String codePointName(int cp) {
    return String.format("U+%04X", cp);
  }

  /**
   * The Font A columns {@code text} takes: 1 per printable ASCII character, 2 per any other code
   * point (printed from the 24 × 24 double-byte font).
   */
  public static int columns(String text) {
    requireNonNull(text, "text == null");
    int columns = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      columns += cp >= 0x20 && cp <= 0x7E ? 1 : 2;
      i += Character.charCount(cp);
    }
    return columns;
  }

  /** {@code LF}: print the line buffer and feed one line. */
  public static byte[] lineFeed() {
    return new byte[] {LF};
  }

  /** {@code ESC d n}: print and feed {@code lines} (0..255) lines. */
  public static byte[] feedLines(int lines) {
    checkRange("lines", lines, 0, 255);
    return new byte[] {ESC, 'd', (byte) lines};
  }

  /**
   * {@code GS V 0} (full) or {@code GS V 1} (partial). {@link Cutter#NONE} gives no bytes. The
   * cutter sits above the print head: feed first (see {@link #feedLines}) or the last lines are cut
   * off.
   */
  public static byte[] cut(Cutter cutter) {
    requireNonNull(cutter, "cutter == null");
    return switch (cutter) {
      case NONE -> new byte[0];
      case FULL -> new byte[] {GS, 'V', 0};
      case PARTIAL -> new byte[] {GS, 'V', 1};
    };
  }

  /** {@code GS V 66 n}: feed {@code dots} (0..255) and cut partially. */
  public static byte[] feedAndCut(int dots) {
    checkRange("dots", dots, 0, 255);
    return new byte[] {GS, 'V', 66, (byte) dots};
  }

  /** {@code GS ( k} fn 65: select QR model 2, {@code 1D 28 6B 04 00 31 41 32 00}. */
  public static byte[] qrModel2() {
    return new byte[] {GS, '(', 'k', 4, 0, 49, 65, 50, 0};
  }

  /** {@code GS ( k} fn 67: module size {@code dots} (1..16). */
  public static byte[] qrModuleSize(int dots) {
    checkRange("dots", dots, 1, PrinterProfile.MAX_QR_MODULE_SIZE);
    return new byte[] {GS, '(', 'k', 3, 0, 49, 67, (byte) dots};
  }

  /** {@code GS ( k} fn 69: error correction, 48 = L, 49 = M, 50 = Q, 51 = H. */
  public static byte[] qrErrorCorrection(ErrorCorrection level) {
    requireNonNull(level, "level == null");
    int n =
        switch (level) {
          case L -> 48;
          case M -> 49;
          case Q -> 50;
          case H -> 51;
        };
    return new byte[] {GS, '(', 'k', 3, 0, 49, 69, (byte) n};
  }

  /**
   * {@code GS ( k} fn 80: store {@code data} in the symbol buffer. The length field counts BYTES:
   * pL + 256 × pH = data.length + 3.
   *
   * @throws PrinterException {@code LAYOUT} if {@code data} is empty or over {@link
   *     #MAX_QR_DATA_BYTES}
   */
  public static byte[] qrStore(byte[] data) {
    requireNonNull(data, "data == null");
    if (data.length == 0 || data.length > MAX_QR_DATA_BYTES) {
      throw new PrinterException(
          PrinterException.Reason.LAYOUT,
          "a QR code stores 1.." + MAX_QR_DATA_BYTES + " bytes, got " + data.length);
    }
    int k = data.length + 3;
    byte[] out = new byte[8 + data.length];
    out[0] = GS;
    out[1] = '(';
    out[2] = 'k';
    out[3] = (byte) (k & 0xFF);
    out[4] = (byte) (k >>> 8);
    out[5] = 49;
    out[6] = 80;
    out[7] = 48;
    System.arraycopy(data, 0, out, 8, data.length);
    return out;
  }

  /**
   * {@link #qrStore(byte[])} of {@code text} in UTF-8 (what phone scanners assume for byte-mode
   * data); a dispute link is ASCII, so one byte per character.
   */
  public static byte[] qrStore(String text) {
    requireNonNull(text, "text == null");
    return qrStore(text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code GS ( k} fn 81: print the stored symbol at the current justification. */
  public static byte[] qrPrint() {
    return new byte[] {GS, '(', 'k', 3, 0, 49, 81, 48};
  }

  /**
   * A whole native QR code: model 2, module size, error correction, store {@code text} (UTF-8) and
   * print, in that order.
   */
  public static byte[] qr(String text, int moduleDots, ErrorCorrection level) {
    return concat(
        qrModel2(), qrModuleSize(moduleDots), qrErrorCorrection(level), qrStore(text), qrPrint());
  }

  /** {@code GS v 0 0}: print {@code image} as a raster bit image in normal density. */
  public static byte[] rasterImage(RasterImage image) {
    requireNonNull(image, "image == null");
    int x = image.bytesPerRow();
    int y = image.heightDots();
    byte[] out = new byte[8 + image.packedLength()];
    out[0] = GS;
    out[1] = 'v';
    out[2] = '0';
    out[3] = 0;
    out[4] = (byte) (x & 0xFF);
    out[5] = (byte) (x >>> 8);
    out[6] = (byte) (y & 0xFF);
    out[7] = (byte) (y >>> 8);
    image.copyPackedRows(out, 8);
    return out;
  }

  /**
   * {@code DLE EOT n}: real-time status request; n = 1 printer, 2 offline cause, 3 error cause, 4
   * paper roll. The printer answers one byte at once, even while busy or offline.
   */
  public static byte[] statusRequest(int n) {
    checkRange("n", n, 1, 4);
    return new byte[] {DLE, EOT, (byte) n};
  }

  /** The arrays one after another, in a new array. */
  public static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] p : parts) {
      length += p.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static void checkRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", got " + value);
    }
  }
}
