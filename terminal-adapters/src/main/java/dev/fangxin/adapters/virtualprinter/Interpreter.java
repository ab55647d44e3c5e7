package dev.fangxin.adapters.virtualprinter;

import dev.fangxin.adapters.virtualprinter.VirtualPrinterException.Reason;
import dev.fangxin.core.qr.ErrorCorrection;
import dev.fangxin.core.qr.QrCode;
import dev.fangxin.core.qr.QrException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One run of the printer over one stream: a single pass that keeps the printer's modes, its line
 * buffer and the paper, and burns dots into the paper as lines, images and symbols are printed.
 * Every length the stream declares is checked against the bytes present, and every paper advance
 * against the length limit, before anything is drawn. Not thread-safe; used once.
 */
final class Interpreter {
  static final int DEFAULT_LINE_SPACING = 30;
  static final int QUIET_ZONE_MODULES = 4;
  static final int MAX_QR_DATA_BYTES = 7089;

  /** Paper used to draw a cut: blank, a 2-dot dashed line, blank. */
  static final int CUT_MARK_HEIGHT = 16;

  private static final int LEFT = 0;
  private static final int CENTRE = 1;
  private static final int RIGHT = 2;

  private static final String[] CONTROL_NAMES = {
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
    "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC",
    "FS", "GS", "RS", "US"
  };

  private static final Charset GB18030 = Charset.forName("GB18030");

  private final byte[] in;
  private final int length;
  private final int paperWidth;
  private final int maxPaperLength;
  private final Optional<CellFont> cjkFont;
  private final List<String> cjkFontsTried;
  private final DotRaster paper;
  private final GlyphCache glyphs;

  private int pos;

  /** Offset of the command (or character) being interpreted, for messages. */
  private int current;

  /** Top of the next line, in dots from the top of the paper. */
  private int y;

  private int justification;
  private boolean bold;
  private int widthMultiplier;
  private int heightMultiplier;
  private int lineSpacing;
  private boolean chineseMode;
  private int codePage;

  private int qrModuleSize;
  private ErrorCorrection qrLevel;
  private byte[] qrData;

  private final List<Cell> line = new ArrayList<>();
  private int lineWidth;
  private int lineJustification;

  private final List<String> textLines = new ArrayList<>();
  private final List<String> qrPayloads = new ArrayList<>();
  private int cuts;

  Interpreter(
      byte[] in,
      int length,
      int paperWidth,
      int maxPaperLength,
      GlyphCache glyphs,
      Optional<CellFont> cjkFont,
      List<String> cjkFontsTried) {
    this.in = in;
    this.length = length;
    this.paperWidth = paperWidth;
    this.maxPaperLength = maxPaperLength;
    this.cjkFont = cjkFont;
    this.cjkFontsTried = cjkFontsTried;
    this.paper = new DotRaster(paperWidth);
    this.glyphs = glyphs;
    reset();
  }

  RenderedPaper run() {
    while (pos < length) {
      current = pos;
      int b = in[pos] & 0xFF;
      switch (b) {
        case 0x0A:
          pos++;
          printLine(lineSpacing);
          break;
        case 0x1B:
          escape();
          break;
        case 0x1D:
          groupSeparator();
          break;
        case 0x1C:
          fileSeparator();
          break;
        case 0x10:
          dataLinkEscape();
          break;
        default:
          if (b >= 0x20 && b <= 0x7E) {
            pos++;
            addCell(12, b);
          } else if (b < 0x20) {
            throw unsupported(
                "control byte " + CONTROL_NAMES[b] + " (" + hex(b) + ")",
                "it is not in the subset");
          } else if (chineseMode && b >= 0x80) {
            doubleByteCharacter();
          } else {
            codePageCharacter(b);
          }
      }
    }
    StringBuilder unprinted = new StringBuilder();
    for (Cell cell : line) {
      unprinted.appendCodePoint(cell.codePoint);
    }
    int height = Math.max(1, y);
    return new RenderedPaper(
        paperWidth,
        height,
        paper.snapshot(height),
        textLines,
        qrPayloads,
        cuts,
        unprinted.toString());
  }

  // ---------------------------------------------------------------------------------------------
  // Command families

  private void escape() {
    int c = commandByte("ESC");
    switch (c) {
      case '@':
        pos += 2;
        reset();
        return;
      case 'a':
        {
          int n = parameter("ESC a", 2);
          if (n > 2 && (n < '0' || n > '2')) {
            throw malformed("ESC a", "has n = " + n + "; expected 0, 1, 2 (or 48, 49, 50)");
          }
          justification = n & 3;
          return;
        }
      case 'E':
        bold = (parameter("ESC E", 2) & 1) == 1;
        return;
      case '2':
        pos += 2;
        lineSpacing = DEFAULT_LINE_SPACING;
        return;
      case '3':
        lineSpacing = parameter("ESC 3", 2);
        return;
      case 'd':
        feedLines(parameter("ESC d", 2));
        return;
      case 't':
        codePage = parameter("ESC t", 2);
        return;
      default:
        throw unsupported("ESC " + name(c) + " (1B " + hex(c) + ")", "it is not in the subset");
    }
  }

  private void groupSeparator() {
    int c = commandByte("GS");
    switch (c) {
      case '!':
        {
          int n = parameter("GS !", 2);
          int width = (n >> 4) + 1;
          int height = (n & 0x0F) + 1;
          if (width > 8 || height > 8) {
            throw malformed(
                "GS !",
                "has n = "
                    + hex(n)
                    + "; both nibbles must be 0..7 (width and height multipliers 1..8)");
          }
          widthMultiplier = width;
          heightMultiplier = height;
          return;
        }
      case '(':
        {
          int f = byteAt(2, "GS (", "the function byte");
          if (f != 'k') {
            throw unsupported(
                "GS ( " + name(f) + " (1D 28 " + hex(f) + ")", "it is not in the subset");
          }
          qrFunction();
          return;
        }
      case 'v':
        {
          int m = byteAt(2, "GS v", "the function byte");
          if (m != '0') {
            throw unsupported(
                "GS v " + name(m) + " (1D 76 " + hex(m) + ")", "it is not in the subset");
          }
          rasterImage();
          return;
        }
      case 'V':
        cut();
        return;
      default:
        throw unsupported("GS " + name(c) + " (1D " + hex(c) + ")", "it is not in the subset");
    }
  }

  private void fileSeparator() {
    int c = commandByte("FS");
    switch (c) {
      case '&':
        pos += 2;
        chineseMode = true;
        return;
      case '.':
        pos += 2;
        chineseMode = false;
        return;
      default:
        throw unsupported("FS " + name(c) + " (1C " + hex(c) + ")", "it is not in the subset");
    }
  }

  private void dataLinkEscape() {
    int c = commandByte("DLE");
    if (c != 0x04) {
      throw unsupported("DLE " + name(c) + " (10 " + hex(c) + ")", "it is not in the subset");
    }
    int n = parameter("DLE EOT", 2);
    if (n < 1 || n > 4) {
      throw malformed("DLE EOT", "has n = " + n + "; expected 1..4");
    }
    // A real-time status request: a real printer answers one byte; this one has no back channel.
  }

  // ---------------------------------------------------------------------------------------------
  // Text

  private void addCell(int cellWidth, int codePoint) {
    Cell cell = new Cell(cellWidth, codePoint, widthMultiplier, heightMultiplier, bold);
    if (!line.isEmpty() && lineWidth + cell.width > paperWidth) {
      printLine(lineSpacing); // the printer wraps: the full line prints, this cell starts the next
    }
    if (line.isEmpty()) {
      lineJustification = justification; // ESC a applies from the start of a line
    }
    line.add(cell);
    lineWidth += cell.width;
  }

  /**
   * Prints the line buffer at the current position and advances by the taller of {@code spacing}
   * and the line's height; an empty buffer just feeds {@code spacing} dots.
   */
  private void printLine(int spacing) {
    if (line.isEmpty()) {
      advance(spacing);
      return;
    }
    int height = 0;
    for (Cell cell : line) {
      height = Math.max(height, cell.height);
    }
    int top = y;
    advance(Math.max(spacing, height));
    int x = justify(lineWidth, lineJustification);
    StringBuilder text = new StringBuilder();
    for (Cell cell : line) {
      drawCell(cell, x, top + height - cell.height); // characters stand on a common baseline
      x += cell.width;
      text.appendCodePoint(cell.codePoint);
    }
    textLines.add(text.toString());
    clearLine();
  }

  private void drawCell(Cell cell, int left, int top) {
    int cellWidth = cell.cellWidth;
    int[] rows = glyphs.glyph(cellWidth, cell.codePoint);
    int mask = (1 << cellWidth) - 1;
    for (int r = 0; r < GlyphCache.CELL_HEIGHT; r++) {
      int bits = rows[r];
      if (cell.bold) {
        bits = (bits | (bits << 1)) & mask; // emphasis: each dot struck twice, one dot apart
      }
      for (int c = 0; bits != 0 && c < cellWidth; c++) {
        if ((bits & (1 << c)) != 0) {
          paper.fill(
              left + c * cell.widthMultiplier,
              top + r * cell.heightMultiplier,
              cell.widthMultiplier,
              cell.heightMultiplier);
        }
      }
    }
  }

  private void feedLines(int n) {
    if (line.isEmpty()) {
      advance(n * lineSpacing);
      return;
    }
    printLine(n == 0 ? 0 : lineSpacing);
    if (n > 1) {
      advance((n - 1) * lineSpacing);
    }
  }

  private void doubleByteCharacter() {
    int lead = in[pos] & 0xFF;
    int size;
    if (lead == 0x80 || lead == 0xFF) {
      throw invalidGb18030(1, false);
    }
    if (pos + 1 >= length) {
      throw invalidGb18030(1, true);
    }
    int second = in[pos + 1] & 0xFF;
    if (second >= 0x30 && second <= 0x39) {
      if (pos + 3 >= length) {
        throw invalidGb18030(length - pos, true);
      }
      int third = in[pos + 2] & 0xFF;
      int fourth = in[pos + 3] & 0xFF;
      if (third < 0x81 || third > 0xFE || fourth < 0x30 || fourth > 0x39) {
        throw invalidGb18030(4, false);
      }
      size = 4;
    } else if ((second >= 0x40 && second <= 0x7E) || (second >= 0x80 && second <= 0xFE)) {
      size = 2;
    } else {
      throw invalidGb18030(2, false);
    }
    String decoded;
    try {
      decoded = strict(GB18030).decode(ByteBuffer.wrap(in, pos, size)).toString();
    } catch (CharacterCodingException e) {
      throw invalidGb18030(size, false);
    }
    if (decoded.isEmpty() || decoded.codePointCount(0, decoded.length()) != 1) {
      throw invalidGb18030(size, false);
    }
    if (cjkFont.isEmpty()) {
      throw new VirtualPrinterException(
          Reason.NO_CJK_FONT,
          current,
          "The stream prints Chinese text (first at byte offset "
              + current
              + "), but none of these fonts is installed with Chinese glyphs: "
              + String.join(", ", cjkFontsTried)
              + ". Install one, for example the Debian package fonts-noto-cjk or"
              + " fonts-droid-fallback, or name an installed CJK font (or font file) in"
              + " VirtualPrinter.Builder.cjkFonts.");
    }
    pos += size;
    addCell(24, decoded.codePointAt(0));
  }

  private void codePageCharacter(int b) {
    if (codePage != 0 || !Pc437.AVAILABLE) {
      throw unsupported(
          "character byte " + hex(b) + " in code page " + codePage,
          codePage != 0
              ? "only code page 0 (PC437) is rendered outside Chinese mode"
              : "this Java runtime has no IBM437 charset");
    }
    pos++;
    addCell(12, Pc437.decode(b));
  }

  // ---------------------------------------------------------------------------------------------
  // Raster images: GS v 0 m xL xH yL yH d1..dk

  private void rasterImage() {
    String name = "GS v 0";
    require(8, name, "its parameters m xL xH yL yH");
    int m = in[pos + 3] & 0xFF;
    int x = (in[pos + 4] & 0xFF) | (in[pos + 5] & 0xFF) << 8;
    int rows = (in[pos + 6] & 0xFF) | (in[pos + 7] & 0xFF) << 8;
    if (m > 3 && (m < '0' || m > '3')) {
      throw malformed(name, "has m = " + m + "; expected 0..3 (or 48..51)");
    }
    if (x == 0 || rows == 0) {
      throw malformed(
          name, "declares an empty image (x = " + x + " bytes per row, y = " + rows + " rows)");
    }
    long k = (long) x * rows;
    int dataStart = pos + 8;
    if (k > length - dataStart) {
      throw malformed(
          name,
          "declares x = "
              + x
              + " bytes per row and y = "
              + rows
              + " rows (k = "
              + k
              + " data bytes), but only "
              + (length - dataStart)
              + " bytes remain in the stream");
    }
    int scaleX = (m & 1) == 1 ? 2 : 1;
    int scaleY = (m & 2) == 2 ? 2 : 1;
    int width = x * 8 * scaleX;
    if (width > paperWidth) {
      throw malformed(
          name,
          "is "
              + width
              + " dots wide (x = "
              + x
              + " bytes per row, m = "
              + m
              + "); the paper is "
              + paperWidth
              + " dots wide");
    }
    pos = dataStart + (int) k;
    flushLine();
    int top = y;
    advance(rows * scaleY);
    int left = justify(width, justification);
    for (int r = 0; r < rows; r++) {
      int rowStart = dataStart + r * x;
      for (int i = 0; i < x; i++) {
        int bits = in[rowStart + i] & 0xFF;
        for (int bit = 0; bits != 0 && bit < 8; bit++) {
          if ((bits & (0x80 >>> bit)) != 0) {
            paper.fill(left + (i * 8 + bit) * scaleX, top + r * scaleY, scaleX, scaleY);
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // QR codes: GS ( k pL pH cn fn ...

  private void qrFunction() {
    require(5, "GS ( k", "its length pL pH");
    int p = (in[pos + 3] & 0xFF) | (in[pos + 4] & 0xFF) << 8;
    int body = pos + 5;
    if (p > length - body) {
      throw malformed(
          "GS ( k",
          "declares pL pH = "
              + p
              + " parameter bytes, but only "
              + (length - body)
              + " bytes remain in the stream");
    }
    if (p < 2) {
      throw malformed(
          "GS ( k",
          "declares pL pH = " + p + "; every function needs at least cn and fn (2 bytes)");
    }
    int cn = in[body] & 0xFF;
    int fn = in[body + 1] & 0xFF;
    if (cn != 49) {
      throw unsupported(
          "GS ( k cn = " + cn + " (1D 28 6B .. .. " + hex(cn) + ")",
          "only cn = 49 (QR code) is rendered");
    }
    switch (fn) {
      case 65:
        {
          String name = "GS ( k fn 65 (QR model)";
          exactLength(name, p, 4, "cn fn n1 n2");
          int n1 = in[body + 2] & 0xFF;
          int n2 = in[body + 3] & 0xFF;
          if (n1 == 49 || n1 == 51) {
            throw unsupported(name + " n1 = " + n1, "only model 2 (n1 = 50) symbols are rendered");
          }
          if (n1 != 50 || n2 != 0) {
            throw malformed(
                name, "has n1 = " + n1 + ", n2 = " + n2 + "; expected n1 = 49 or 50 and n2 = 0");
          }
          break;
        }
      case 67:
        {
          String name = "GS ( k fn 67 (QR module size)";
          exactLength(name, p, 3, "cn fn n");
          int n = in[body + 2] & 0xFF;
          if (n < 1 || n > 16) {
            throw malformed(name, "has n = " + n + "; expected a module size of 1..16 dots");
          }
          qrModuleSize = n;
          break;
        }
      case 69:
        {
          String name = "GS ( k fn 69 (QR error correction)";
          exactLength(name, p, 3, "cn fn n");
          int n = in[body + 2] & 0xFF;
          if (n < 48 || n > 51) {
            throw malformed(name, "has n = " + n + "; expected 48 (L), 49 (M), 50 (Q) or 51 (H)");
          }
          qrLevel = ErrorCorrection.values()[n - 48];
          break;
        }
      case 80:
        {
          String name = "GS ( k fn 80 (store QR data)";
          if (p < 3) {
            throw malformed(
                name, "declares pL pH = " + p + "; it needs at least 3 (cn fn m) plus the data");
          }
          int m = in[body + 2] & 0xFF;
          if (m != 48) {
            throw malformed(name, "has m = " + m + "; expected 48");
          }
          int k = p - 3;
          if (k < 1 || k > MAX_QR_DATA_BYTES) {
            throw malformed(
                name,
                "stores k = "
                    + k
                    + " data bytes (pL pH = k + 3 = "
                    + p
                    + "); expected 1.."
                    + MAX_QR_DATA_BYTES);
          }
          qrData = java.util.Arrays.copyOfRange(in, body + 3, body + p);
          break;
        }
      case 81:
        {
          String name = "GS ( k fn 81 (print QR)";
          exactLength(name, p, 3, "cn fn m");
          int m = in[body + 2] & 0xFF;
          if (m != 48) {
            throw malformed(name, "has m = " + m + "; expected 48");
          }
          pos = body + p;
          printQr(name);
          return;
        }
      default:
        throw unsupported(
            "GS ( k fn " + fn + " (1D 28 6B .. .. 31 " + hex(fn) + ")",
            "only fn 65, 67, 69, 80 and 81 are rendered");
    }
    pos = body + p;
  }

  private void printQr(String name) {
    if (qrData == null) {
      throw malformed(name, "prints, but no QR data is stored; send fn 80 (store) first");
    }
    String text = qrText(qrData);
    QrCode code;
    try {
      code = QrCode.encode(text, qrLevel);
    } catch (QrException e) {
      throw new VirtualPrinterException(
          Reason.MALFORMED,
          current,
          name
              + " at byte offset "
              + current
              + " cannot encode the "
              + qrData.length
              + " stored bytes at level "
              + qrLevel
              + ": "
              + e.getMessage(),
          e);
    }
    int module = qrModuleSize;
    int symbol = code.size() * module;
    int block = (code.size() + 2 * QUIET_ZONE_MODULES) * module;
    if (symbol > paperWidth) {
      throw malformed(
          name,
          "would print a version "
              + code.version()
              + " symbol of "
              + code.size()
              + " modules x "
              + module
              + " dots = "
              + symbol
              + " dots; the paper is "
              + paperWidth
              + " dots wide");
    }
    flushLine();
    int top = y + QUIET_ZONE_MODULES * module;
    advance(block);
    int left =
        block <= paperWidth
            ? justify(block, justification) + QUIET_ZONE_MODULES * module
            : justify(symbol, justification);
    for (int my = 0; my < code.size(); my++) {
      for (int mx = 0; mx < code.size(); mx++) {
        if (code.isDark(mx, my)) {
          paper.fill(left + mx * module, top + my * module, module, module);
        }
      }
    }
    qrPayloads.add(text);
  }

  /** The text a printer puts in the symbol: the bytes as UTF-8 if they are valid UTF-8. */
  static String qrText(byte[] data) {
    try {
      return strict(StandardCharsets.UTF_8).decode(ByteBuffer.wrap(data)).toString();
    } catch (CharacterCodingException e) {
      return new String(data, StandardCharsets.ISO_8859_1);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Cuts: GS V m, GS V m n

  private void cut() {
    int m = parameter("GS V", 2);
    boolean partial;
    if (m == 0 || m == 1 || m == '0' || m == '1') {
      partial = (m & 1) == 1;
    } else if (m == 65 || m == 66) {
      int n = byteAt(3, "GS V " + m, "its parameter n");
      pos = current + 4;
      partial = m == 66;
      flushLine();
      advance(n);
    } else {
      throw malformed("GS V", "has m = " + m + "; expected 0, 1, 48, 49, 65 or 66");
    }
    flushLine();
    int top = y;
    advance(CUT_MARK_HEIGHT);
    int lineTop = top + CUT_MARK_HEIGHT / 2 - 1;
    int bridge = partial ? 16 : 0; // a partial cut leaves the paper joined in the middle
    int bridgeLeft = (paperWidth - bridge) / 2;
    for (int x = 0; x < paperWidth; x += 12) {
      int w = Math.min(8, paperWidth - x);
      if (partial && x + w > bridgeLeft && x < bridgeLeft + bridge) {
        continue;
      }
      paper.fill(x, lineTop, w, 2);
    }
    cuts++;
  }

  // ---------------------------------------------------------------------------------------------
  // State and helpers

  private void reset() {
    justification = LEFT;
    bold = false;
    widthMultiplier = 1;
    heightMultiplier = 1;
    lineSpacing = DEFAULT_LINE_SPACING;
    chineseMode = false;
    codePage = 0;
    qrModuleSize = 3;
    qrLevel = ErrorCorrection.L;
    qrData = null;
    clearLine(); // ESC @ clears the print buffer: text not yet printed is lost, as on a printer
  }

  private void clearLine() {
    line.clear();
    lineWidth = 0;
  }

  /** Prints what the line buffer holds before an image, a symbol or a cut. */
  private void flushLine() {
    if (!line.isEmpty()) {
      printLine(lineSpacing);
    }
  }

  private int justify(int width, int mode) {
    switch (mode) {
      case CENTRE:
        return (paperWidth - width) / 2;
      case RIGHT:
        return paperWidth - width;
      default:
        return 0;
    }
  }

  /** Moves the paper {@code dots} forward, failing first if that passes the length limit. */
  private void advance(int dots) {
    long next = (long) y + dots;
    if (next > maxPaperLength) {
      throw new VirtualPrinterException(
          Reason.TOO_LARGE,
          current,
          "At byte offset "
              + current
              + " the paper would grow to "
              + next
              + " dots; this printer's limit is "
              + maxPaperLength
              + " dots ("
              + maxPaperLength / 8
              + " mm at 8 dots/mm).");
    }
    y = (int) next;
    paper.extendTo(y);
  }

  private int commandByte(String prefix) {
    if (pos + 1 >= length) {
      throw new VirtualPrinterException(
          Reason.MALFORMED,
          current,
          prefix
              + " at byte offset "
              + current
              + " is truncated: the stream ends before the command byte.");
    }
    return in[pos + 1] & 0xFF;
  }

  /** Reads the byte at {@code current + index}, failing if the stream ends before it. */
  private int byteAt(int index, String name, String what) {
    if (current + index >= length) {
      throw truncated(name, what);
    }
    return in[current + index] & 0xFF;
  }

  /** Reads the one parameter byte at {@code current + index} and moves past it. */
  private int parameter(String name, int index) {
    int value = byteAt(index, name, "its parameter n");
    pos = current + index + 1;
    return value;
  }

  private void require(int bytes, String name, String what) {
    if (length - current < bytes) {
      throw truncated(name, what);
    }
  }

  private void exactLength(String name, int p, int expected, String layout) {
    if (p != expected) {
      throw malformed(
          name,
          "declares pL pH = "
              + p
              + " parameter bytes; the function takes exactly "
              + expected
              + " ("
              + layout
              + ")");
    }
  }

  private VirtualPrinterException truncated(String name, String what) {
    return new VirtualPrinterException(
        Reason.MALFORMED,
        current,
        name
            + " at byte offset "
            + current
            + " is truncated: the stream ends before "
            + what
            + ".");
  }

  private VirtualPrinterException malformed(String name, String problem) {
    return new VirtualPrinterException(
        Reason.MALFORMED, current, name + " at byte offset " + current + " " + problem + ".");
  }

  private VirtualPrinterException unsupported(String what, String why) {
    return new VirtualPrinterException(
        Reason.UNSUPPORTED_COMMAND,
        current,
        "Unsupported "
            + what
            + " at byte offset "
            + current
            + ": "
            + why
            + "; the virtual printer renders only the ESC/POS subset that Fangxin emits.");
  }

  /** The sequence of {@code count} bytes at {@code current} is not GB18030. */
  private VirtualPrinterException invalidGb18030(int count, boolean streamEnds) {
    StringBuilder bytes = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        bytes.append(' ');
      }
      bytes.append(hex(in[current + i] & 0xFF));
    }
    String ends = streamEnds ? " (the stream ends inside it)" : "";
    return new VirtualPrinterException(
        Reason.MALFORMED,
        current,
        "Invalid GB18030 sequence "
            + bytes
            + ends
            + " at byte offset "
            + current
            + " in Chinese mode (FS &): expected two bytes 81..FE then 40..7E or 80..FE, or four"
            + " bytes 81..FE 30..39 81..FE 30..39 that map to a character.");
  }

  private static CharsetDecoder strict(Charset charset) {
    return charset
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  static String hex(int b) {
    return String.format(Locale.ROOT, "%02X", b);
  }

  /** A command byte as people write it: the character if printable ASCII, else its hex code. */
  private static String name(int b) {
    return b > 0x20 && b < 0x7F ? String.valueOf((char) b) : "0x" + hex(b);
  }

  /** One character in the line buffer. */
  private static final class Cell {
    final int cellWidth;
    final int codePoint;
    final int widthMultiplier;
    final int heightMultiplier;
    final boolean bold;
    final int width;
    final int height;

    Cell(int cellWidth, int codePoint, int widthMultiplier, int heightMultiplier, boolean bold) {
      this.cellWidth = cellWidth;
      this.codePoint = codePoint;
      this.widthMultiplier = widthMultiplier;
      this.heightMultiplier = heightMultiplier;
      this.bold = bold;
      this.width = cellWidth * widthMultiplier;
      this.height = GlyphCache.CELL_HEIGHT * heightMultiplier;
    }
  }

  /** Code page 437, when the runtime has it (module jdk.charsets). */
  private static final class Pc437 {
    static final boolean AVAILABLE = Charset.isSupported("IBM437");

    static int decode(int b) {
      CharBuffer chars = Charset.forName("IBM437").decode(ByteBuffer.wrap(new byte[] {(byte) b}));
      return chars.get(0);
    }
  }
}
