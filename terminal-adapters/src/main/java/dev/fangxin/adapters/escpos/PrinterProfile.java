package dev.fangxin.adapters.escpos;

import static java.util.Objects.requireNonNull;

/**
 * What {@link ReceiptLayout} needs to know about a printer model: paper, dots, columns, code page,
 * QR support and cutter. Immutable and thread-safe; build one with {@link #builder()} or start from
 * {@link #mm58()} / {@link #mm80()} and {@link #toBuilder()}.
 *
 * <p>All ESC/POS thermal printers here are 203 dpi (8 dots per mm); Font A is 12 × 24 dots per
 * ASCII character and a Chinese character is 24 × 24 (two columns).
 *
 * <p>QR module size: the dispute link (≈ 176 upper-case characters) is a version-7 code, 45 modules
 * plus a 4-module quiet zone on each side, 53 modules across. The presets use 5 dots (0.625 mm) on
 * 58 mm paper, 265 of 384 dots, and 7 dots (0.875 mm) on 80 mm, 371 of 576 dots: both leave a wide
 * margin, and modules of at least 0.5 mm survive thermal-print bleed and cheap phone cameras. A
 * longer link (a bigger version) makes {@link ReceiptLayout} step the module size down until the
 * code fits, never below {@link #MIN_QR_MODULE_SIZE}.
 */
public final class PrinterProfile {
  /** The smallest module size {@link ReceiptLayout} will print, in dots (0.375 mm). */
  public static final int MIN_QR_MODULE_SIZE = 3;

  /** The largest module size {@code GS ( k} accepts. */
  public static final int MAX_QR_MODULE_SIZE = 16;

  /** Dots per ASCII character in Font A. */
  public static final int FONT_A_WIDTH = 12;

  /** The single-byte text the printer is driven with. */
  public enum CodePage {
    /** Printable ASCII (0x20..0x7E) only: Chinese text is refused ({@code printer.unsupported}). */
    ASCII,
    /**
     * ASCII plus GB18030 double-byte (and four-byte) sequences inside {@code FS &} … {@code FS .}.
     */
    GB18030
  }

  /** The paper cutter. */
  public enum Cutter {
    /** No cutter: the receipt is fed past the tear bar. */
    NONE,
    /** A partial cut ({@code GS V 1}), leaving a tab that holds the receipt. */
    PARTIAL,
    /** A full cut ({@code GS V 0}). */
    FULL
  }

  private final int paperWidthMm;
  private final int dotsPerLine;
  private final int columns;
  private final CodePage codePage;
  private final boolean nativeQr;
  private final Cutter cutter;
  private final int qrModuleSize;
  private final int feedLinesBeforeCut;

  private PrinterProfile(Builder b) {
    this.paperWidthMm = b.paperWidthMm;
    this.dotsPerLine = b.dotsPerLine;
    this.columns = b.columns;
    this.codePage = b.codePage;
    this.nativeQr = b.nativeQr;
    this.cutter = b.cutter;
    this.qrModuleSize = b.qrModuleSize;
    this.feedLinesBeforeCut = b.feedLinesBeforeCut;
  }

  /**
   * 58 mm paper: 384 dots, 32 columns, GB18030, native QR, no cutter (tear bar), QR modules of 5
   * dots, 4 lines fed at the end so the QR clears the tear bar.
   */
  public static PrinterProfile mm58() {
    return builder()
        .paperWidthMm(58)
        .dotsPerLine(384)
        .columns(32)
        .codePage(CodePage.GB18030)
        .nativeQr(true)
        .cutter(Cutter.NONE)
        .qrModuleSize(5)
        .feedLinesBeforeCut(4)
        .build();
  }

  /**
   * 80 mm paper: 576 dots, 48 columns, GB18030, native QR, partial cut, QR modules of 7 dots, 4
   * lines fed before the cut (the cutter sits above the print head).
   */
  public static PrinterProfile mm80() {
    return builder()
        .paperWidthMm(80)
        .dotsPerLine(576)
        .columns(48)
        .codePage(CodePage.GB18030)
        .nativeQr(true)
        .cutter(Cutter.PARTIAL)
        .qrModuleSize(7)
        .feedLinesBeforeCut(4)
        .build();
  }

  /** A builder with no values set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this profile's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.paperWidthMm = paperWidthMm;
    b.dotsPerLine = dotsPerLine;
    b.columns = columns;
    b.codePage = codePage;
    b.nativeQr = nativeQr;
    b.cutter = cutter;
    b.qrModuleSize = qrModuleSize;
    b.feedLinesBeforeCut = feedLinesBeforeCut;
    return b;
  }

  /** Paper width in millimetres (58, 80, …). */
  public int paperWidthMm() {
    return paperWidthMm;
  }

  /** Printable dots per line, a multiple of 8 (384 on 58 mm, 576 on 80 mm). */
  public int dotsPerLine() {
    return dotsPerLine;
  }

  /** Font A columns per line (an ASCII character is one column, a Chinese character two). */
  public int columns() {
    return columns;
  }

  public CodePage codePage() {
    return codePage;
  }

  /** Whether the printer renders QR codes itself ({@code GS ( k}); else a raster is sent. */
  public boolean nativeQr() {
    return nativeQr;
  }

  public Cutter cutter() {
    return cutter;
  }

  /** The preferred QR module size in dots, 1..16. */
  public int qrModuleSize() {
    return qrModuleSize;
  }

  /** Lines fed ({@code ESC d n}) after the last line and before the cut or tear. */
  public int feedLinesBeforeCut() {
    return feedLinesBeforeCut;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrinterProfile p
        && paperWidthMm == p.paperWidthMm
        && dotsPerLine == p.dotsPerLine
        && columns == p.columns
        && codePage == p.codePage
        && nativeQr == p.nativeQr
        && cutter == p.cutter
        && qrModuleSize == p.qrModuleSize
        && feedLinesBeforeCut == p.feedLinesBeforeCut;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        paperWidthMm,
        dotsPerLine,
        columns,
        codePage,
        nativeQr,
        cutter,
        qrModuleSize,
        feedLinesBeforeCut);
  }

  @Override
  public String toString() {
    return "PrinterProfile{"
        + paperWidthMm
        + " mm, "
        + dotsPerLine
        + " dots, "
        + columns
        + " columns, "
        + codePage
        + (nativeQr ? ", native QR" : ", raster QR")
        + ", cutter "
        + cutter
        + ", QR module "
        + qrModuleSize
        + "}";
  }

  /** Collects a profile's values; {@link #build()} checks them. Not thread-safe. */
  public static final class Builder {
    private int paperWidthMm;
    private int dotsPerLine;
    private int columns;
    private CodePage codePage = CodePage.GB18030;
    private boolean nativeQr = true;
    private Cutter cutter = Cutter.NONE;
    private int qrModuleSize;
    private int feedLinesBeforeCut = 4;

    private Builder() {}

    public Builder paperWidthMm(int paperWidthMm) {
      this.paperWidthMm = paperWidthMm;
      return this;
    }

    public Builder dotsPerLine(int dotsPerLine) {
      this.dotsPerLine = dotsPerLine;
      return this;
    }

    public Builder columns(int columns) {
      this.columns = columns;
      return this;
    }

    public Builder codePage(CodePage codePage) {
      this.codePage = requireNonNull(codePage, "codePage == null");
      return this;
    }

    public Builder nativeQr(boolean nativeQr) {
      this.nativeQr = nativeQr;
      return this;
    }

    public Builder cutter(Cutter cutter) {
      this.cutter = requireNonNull(cutter, "cutter == null");
      return this;
    }

    public Builder qrModuleSize(int qrModuleSize) {
      this.qrModuleSize = qrModuleSize;
      return this;
    }

    public Builder feedLinesBeforeCut(int feedLinesBeforeCut) {
      this.feedLinesBeforeCut = feedLinesBeforeCut;
      return this;
    }

    /**
     * Checks the values together.
     *
     * @throws IllegalArgumentException naming the value that is missing or out of range
     */
    public PrinterProfile build() {
      if (paperWidthMm <= 0) {
        throw new IllegalArgumentException(
            "paperWidthMm required (58, 80, ...), got " + paperWidthMm);
      }
      if (dotsPerLine <= 0 || dotsPerLine % 8 != 0 || dotsPerLine > 65535) {
        throw new IllegalArgumentException(
            "dotsPerLine must be a positive multiple of 8 (384, 576, ...), got " + dotsPerLine);
      }
      if (dotsPerLine > paperWidthMm * 8) {
        throw new IllegalArgumentException(
            "dotsPerLine "
                + dotsPerLine
                + " is wider than "
                + paperWidthMm
                + " mm paper at 8 dots/mm ("
                + paperWidthMm * 8
                + ")");
      }
      if (columns < 8 || columns * FONT_A_WIDTH > dotsPerLine) {
        throw new IllegalArgumentException(
            "columns must be 8.."
                + dotsPerLine / FONT_A_WIDTH
                + " (12-dot Font A in "
                + dotsPerLine
                + " dots), got "
                + columns);
      }
      if (qrModuleSize < 1 || qrModuleSize > MAX_QR_MODULE_SIZE) {
        throw new IllegalArgumentException(
            "qrModuleSize must be 1.." + MAX_QR_MODULE_SIZE + " dots, got " + qrModuleSize);
      }
      if (feedLinesBeforeCut < 0 || feedLinesBeforeCut > 255) {
        throw new IllegalArgumentException(
            "feedLinesBeforeCut must be 0..255, got " + feedLinesBeforeCut);
      }
      return new PrinterProfile(this);
    }
  }
}
