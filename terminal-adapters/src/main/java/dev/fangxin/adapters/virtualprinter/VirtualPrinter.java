package dev.fangxin.adapters.virtualprinter;

import dev.fangxin.adapters.virtualprinter.VirtualPrinterException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A thermal receipt printer in software: renders an ESC/POS byte stream to the paper it would print
 * ({@link RenderedPaper}, exportable as PNG). It understands exactly the subset Fangxin's command
 * builder emits, and fails with a {@link VirtualPrinterException} naming the command and byte
 * offset on anything else, so a test against it catches what a real printer would print wrongly or
 * silently drop.
 *
 * <h2>What is rendered, and how</h2>
 *
 * <ul>
 *   <li><b>Text</b> in Font A cells: 12 x 24 dots per single-byte character (32 columns on 58 mm,
 *       48 on 80 mm), 24 x 24 per double-byte (Chinese) character, scaled by dot replication per
 *       {@code GS !} (1..8 each way), emphasised by striking each dot twice one dot apart ({@code
 *       ESC E}). A line prints on {@code LF} or {@code ESC d n}; characters of different heights
 *       stand on a common baseline; the paper advances by the larger of the line spacing ({@code
 *       ESC 2} = 30 dots, {@code ESC 3 n}) and the line's height. A character that does not fit the
 *       rest of the line prints the line and starts the next one (the printer wraps; words are not
 *       kept together). {@code ESC a} applies from the start of a line. {@code ESC d n} prints the
 *       buffer like {@code LF} and feeds {@code n - 1} more lines (an empty buffer: {@code n}
 *       lines; {@code ESC d 0} prints without the extra spacing).
 *   <li><b>Characters</b>: bytes 20..7E are ASCII. After {@code FS &} (Chinese mode), a byte 81..FE
 *       starts a GB18030 sequence of 2 bytes (second 40..7E or 80..FE) or 4 bytes (81..FE 30..39
 *       81..FE 30..39); an invalid or unmapped sequence is {@code MALFORMED}. Outside Chinese mode,
 *       bytes 80..FF are code page 437 characters when {@code ESC t 0} is in force (the default),
 *       {@code UNSUPPORTED_COMMAND} under any other page.
 *   <li><b>Raster images</b> ({@code GS v 0}), at the current justification, m = 1/49 doubling the
 *       width, 2/50 the height, 3/51 both. An image wider than the paper is {@code MALFORMED}.
 *   <li><b>QR codes</b> ({@code GS ( k}, cn = 49): model 2 only (model 1 and micro QR are {@code
 *       UNSUPPORTED_COMMAND}), module size 1..16 dots (default 3), error correction L/M/Q/H
 *       (default L). The stored <em>bytes</em> are decoded as UTF-8 if they are valid UTF-8, else
 *       as ISO-8859-1, and encoded with {@link dev.fangxin.core.qr.QrCode#encode}. The symbol is
 *       drawn with a 4-module quiet zone on every side (the quiet zone is paper feed), the block
 *       justified; where symbol plus quiet zone is wider than the paper, the symbol alone is
 *       justified. Printing with nothing stored, or a symbol wider than the paper, is {@code
 *       MALFORMED} (a real printer prints nothing). Stored data survives printing until {@code
 *       ESC @}.
 *   <li><b>Cuts</b> ({@code GS V 0/1/48/49}, {@code GS V 65/66 n} after feeding n dots): drawn as a
 *       dashed line in a 16-dot band; receipts after it continue below.
 *   <li>{@code DLE EOT n} (n = 1..4) is accepted and ignored: this printer has no back channel.
 *   <li>{@code ESC @} resets justification, emphasis, size, line spacing, Chinese mode, code page
 *       and QR settings and data, and clears the line buffer (unprinted text is lost, as on a
 *       printer).
 *   <li>Before a raster image, a QR code or a cut, a non-empty line buffer is printed first.
 *   <li>Text still in the line buffer when the stream ends is not printed (a printer waits for the
 *       line feed); {@link RenderedPaper#unprintedText()} returns it.
 * </ul>
 *
 * <p>Anything else (another command, a control byte such as CR or HT) is {@code
 * UNSUPPORTED_COMMAND}. Truncated commands and out-of-range parameters are {@code MALFORMED}.
 *
 * <h2>Fonts</h2>
 *
 * Glyphs come from installed fonts, rasterized without antialiasing (thermal dots are black or
 * white). Double-byte characters use the first entry of {@link Builder#cjkFonts} that is installed
 * and displays '扫'; single-byte characters the first entry of {@link Builder#asciiFonts} that is
 * installed and displays 'M', {@code "Monospaced"} when none is. A list entry is a font family or
 * face name, a Java logical font name ({@code Dialog}, {@code Monospaced}...), or a path to a
 * TrueType/OpenType file (any entry with a '/'). Without a CJK font, streams without Chinese text
 * still render; one with Chinese text fails with {@code NO_CJK_FONT}. A double-byte character the
 * CJK font lacks is drawn from the single-byte font, centred in its 24-dot cell; a character
 * neither font has prints as an empty box. Fonts are resolved once, when the printer is built.
 *
 * <h2>Limits</h2>
 *
 * At most {@link #maxInputBytes()} bytes of input (default 1 MiB) and {@link #maxPaperLengthDots()}
 * dots of paper (default 20,000 = 2.5 m): both fail with {@code TOO_LARGE} before the image is
 * allocated or extended past the limit.
 *
 * <p>Instances are immutable and thread-safe; concurrent renders share only the configuration and a
 * cache of rasterized glyphs.
 */
public final class VirtualPrinter {
  /** Dots per line on 58 mm paper. */
  public static final int PAPER_58MM_DOTS = 384;

  /** Dots per line on 80 mm paper. */
  public static final int PAPER_80MM_DOTS = 576;

  /** Default {@link #maxInputBytes()}: 1 MiB. */
  public static final int DEFAULT_MAX_INPUT_BYTES = 1 << 20;

  /** Default {@link #maxPaperLengthDots()}: 20,000 dots, 2.5 m at 8 dots/mm. */
  public static final int DEFAULT_MAX_PAPER_LENGTH_DOTS = 20_000;

  /** Largest {@link Builder#maxInputBytes} accepted: 64 MiB. */
  public static final int LIMIT_MAX_INPUT_BYTES = 64 << 20;

  /** Largest {@link Builder#maxPaperLengthDots} accepted: 100,000 dots (12.5 m). */
  public static final int LIMIT_MAX_PAPER_LENGTH_DOTS = 100_000;

  /** The default CJK font fallback list, in order. */
  public static final List<String> DEFAULT_CJK_FONTS =
      List.of(
          "Noto Sans CJK SC",
          "Noto Sans Mono CJK SC",
          "Source Han Sans SC",
          "Droid Sans Fallback",
          "WenQuanYi Zen Hei",
          "WenQuanYi Micro Hei",
          "AR PL UMing CN",
          "Microsoft YaHei",
          "SimSun",
          "PingFang SC",
          "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
          "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc");

  /** The default single-byte font fallback list, in order. */
  public static final List<String> DEFAULT_ASCII_FONTS =
      List.of("DejaVu Sans Mono", "Liberation Mono", "Noto Sans Mono", "Monospaced");

  private static final int CJK_PROBE = '扫';
  private static final int ASCII_PROBE = 'M';

  private final int paperWidthDots;
  private final int maxInputBytes;
  private final int maxPaperLengthDots;
  private final List<String> cjkFonts;
  private final List<String> asciiFonts;
  private final CellFont asciiFont;
  private final Optional<CellFont> cjkFont;
  private final GlyphCache glyphs;

  private VirtualPrinter(Builder builder) {
    this.paperWidthDots = builder.paperWidthDots;
    this.maxInputBytes = builder.maxInputBytes;
    this.maxPaperLengthDots = builder.maxPaperLengthDots;
    this.cjkFonts = List.copyOf(builder.cjkFonts);
    this.asciiFonts = List.copyOf(builder.asciiFonts);
    List<String> ascii = new ArrayList<>(asciiFonts);
    ascii.add("Monospaced");
    this.asciiFont = CellFont.firstDisplaying(ascii, ASCII_PROBE, 12).orElseThrow();
    this.cjkFont = CellFont.firstDisplaying(cjkFonts, CJK_PROBE, 24);
    this.glyphs = new GlyphCache(asciiFont, cjkFont.orElse(null));
  }

  /** Returns a printer for 58 mm paper (384 dots) with the default limits and fonts. */
  public static VirtualPrinter paper58mm() {
    return builder().build();
  }

  /** Returns a printer for 80 mm paper (576 dots) with the default limits and fonts. */
  public static VirtualPrinter paper80mm() {
    return builder().paperWidthDots(PAPER_80MM_DOTS).build();
  }

  /** Returns a builder starting from 58 mm paper, the default limits and the default fonts. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this printer's configuration. */
  public Builder toBuilder() {
    return new Builder()
        .paperWidthDots(paperWidthDots)
        .maxInputBytes(maxInputBytes)
        .maxPaperLengthDots(maxPaperLengthDots)
        .cjkFonts(cjkFonts)
        .asciiFonts(asciiFonts);
  }

  /**
   * Renders {@code escpos}, the bytes a printer would receive, to paper. The array is neither
   * modified nor retained.
   *
   * @throws NullPointerException if {@code escpos} is null
   * @throws VirtualPrinterException {@code TOO_LARGE} if the input has more than {@link
   *     #maxInputBytes()} bytes or the paper would exceed {@link #maxPaperLengthDots()}; {@code
   *     MALFORMED} or {@code UNSUPPORTED_COMMAND} (with the byte offset) for a stream outside the
   *     subset; {@code NO_CJK_FONT} if it prints Chinese text and no CJK font was found
   */
  public RenderedPaper render(byte[] escpos) {
    Objects.requireNonNull(escpos, "escpos == null");
    checkInputLength(escpos.length, true);
    return interpret(escpos, escpos.length);
  }

  /**
   * Reads {@code escpos} to its end (at most {@link #maxInputBytes()} + 1 bytes are read) and
   * renders it as {@link #render(byte[])} does. The stream is not closed; it is read on the calling
   * thread.
   *
   * @throws NullPointerException if {@code escpos} is null
   * @throws IOException if reading fails
   * @throws VirtualPrinterException as for {@link #render(byte[])}
   */
  public RenderedPaper render(InputStream escpos) throws IOException {
    Objects.requireNonNull(escpos, "escpos == null");
    byte[] bytes = escpos.readNBytes(maxInputBytes + 1);
    checkInputLength(bytes.length, false);
    return interpret(bytes, bytes.length);
  }

  private RenderedPaper interpret(byte[] bytes, int length) {
    return new Interpreter(
            bytes, length, paperWidthDots, maxPaperLengthDots, glyphs, cjkFont, cjkFonts)
        .run();
  }

  /** {@code exact}: the length is the input's; else reading stopped one byte past the limit. */
  private void checkInputLength(int length, boolean exact) {
    if (length > maxInputBytes) {
      throw new VirtualPrinterException(
          Reason.TOO_LARGE,
          -1,
          "The input has "
              + (exact ? String.valueOf(length) : "more than " + maxInputBytes)
              + " bytes; this printer accepts at most "
              + maxInputBytes
              + ".");
    }
  }

  /** Returns the paper width in dots: {@value #PAPER_58MM_DOTS} or {@value #PAPER_80MM_DOTS}. */
  public int paperWidthDots() {
    return paperWidthDots;
  }

  /** Returns the largest input accepted, in bytes. */
  public int maxInputBytes() {
    return maxInputBytes;
  }

  /** Returns the longest paper rendered, in dots (8 per mm). */
  public int maxPaperLengthDots() {
    return maxPaperLengthDots;
  }

  /** Returns the CJK font fallback list, as configured. */
  public List<String> cjkFonts() {
    return cjkFonts;
  }

  /** Returns the single-byte font fallback list, as configured ("Monospaced" is tried last). */
  public List<String> asciiFonts() {
    return asciiFonts;
  }

  /** Returns the entry of {@link #cjkFonts()} in use, or empty if none is installed. */
  public Optional<String> cjkFontName() {
    return cjkFont.map(CellFont::name);
  }

  /** Returns the entry of {@link #asciiFonts()} in use, or {@code "Monospaced"}. */
  public String asciiFontName() {
    return asciiFont.name();
  }

  /** Returns a summary such as {@code VirtualPrinter{384 dots, ascii=..., cjk=...}}. */
  @Override
  public String toString() {
    return "VirtualPrinter{"
        + paperWidthDots
        + " dots, ascii="
        + asciiFont.name()
        + ", cjk="
        + cjkFont.map(CellFont::name).orElse("none")
        + "}";
  }

  /**
   * Configures a {@link VirtualPrinter}. Setters validate their argument at once and say what was
   * wrong. Not thread-safe.
   */
  public static final class Builder {
    private int paperWidthDots = PAPER_58MM_DOTS;
    private int maxInputBytes = DEFAULT_MAX_INPUT_BYTES;
    private int maxPaperLengthDots = DEFAULT_MAX_PAPER_LENGTH_DOTS;
    private List<String> cjkFonts = DEFAULT_CJK_FONTS;
    private List<String> asciiFonts = DEFAULT_ASCII_FONTS;

    private Builder() {}

    /**
     * Sets the paper width: {@value #PAPER_58MM_DOTS} (58 mm) or {@value #PAPER_80MM_DOTS} (80 mm).
     *
     * @throws IllegalArgumentException for any other width
     */
    public Builder paperWidthDots(int dots) {
      if (dots != PAPER_58MM_DOTS && dots != PAPER_80MM_DOTS) {
        throw new IllegalArgumentException(
            "Paper width is "
                + dots
                + " dots; expected "
                + PAPER_58MM_DOTS
                + " (58 mm) or "
                + PAPER_80MM_DOTS
                + " (80 mm).");
      }
      this.paperWidthDots = dots;
      return this;
    }

    /**
     * Sets the largest input accepted, 1..{@value #LIMIT_MAX_INPUT_BYTES} bytes.
     *
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxInputBytes(int bytes) {
      if (bytes < 1 || bytes > LIMIT_MAX_INPUT_BYTES) {
        throw new IllegalArgumentException(
            "maxInputBytes is " + bytes + "; expected 1.." + LIMIT_MAX_INPUT_BYTES + ".");
      }
      this.maxInputBytes = bytes;
      return this;
    }

    /**
     * Sets the longest paper rendered, 1..{@value #LIMIT_MAX_PAPER_LENGTH_DOTS} dots.
     *
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxPaperLengthDots(int dots) {
      if (dots < 1 || dots > LIMIT_MAX_PAPER_LENGTH_DOTS) {
        throw new IllegalArgumentException(
            "maxPaperLengthDots is " + dots + "; expected 1.." + LIMIT_MAX_PAPER_LENGTH_DOTS + ".");
      }
      this.maxPaperLengthDots = dots;
      return this;
    }

    /**
     * Sets the fonts tried, in order, for double-byte (Chinese) characters.
     *
     * @throws NullPointerException if the list or an entry is null
     * @throws IllegalArgumentException if the list or an entry is empty
     */
    public Builder cjkFonts(List<String> names) {
      this.cjkFonts = checkFontList("cjkFonts", names);
      return this;
    }

    /**
     * Sets the fonts tried, in order, for single-byte characters; "Monospaced" is always tried
     * after them.
     *
     * @throws NullPointerException if the list or an entry is null
     * @throws IllegalArgumentException if an entry is empty
     */
    public Builder asciiFonts(List<String> names) {
      this.asciiFonts = checkFontList("asciiFonts", names);
      return this;
    }

    /** Resolves the fonts and returns the printer. */
    public VirtualPrinter build() {
      return new VirtualPrinter(this);
    }

    private static List<String> checkFontList(String what, List<String> names) {
      Objects.requireNonNull(names, what + " == null");
      List<String> copy = List.copyOf(names); // rejects null entries
      if (copy.isEmpty() && what.equals("cjkFonts")) {
        throw new IllegalArgumentException("cjkFonts is empty; name at least one font.");
      }
      for (String name : copy) {
        if (name.isBlank()) {
          throw new IllegalArgumentException(what + " has a blank entry; expected font names.");
        }
      }
      return copy;
    }
  }
}
