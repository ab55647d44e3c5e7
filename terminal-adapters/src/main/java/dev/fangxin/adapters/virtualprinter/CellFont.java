package dev.fangxin.adapters.virtualprinter;

import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.awt.font.LineMetrics;
import java.awt.geom.Rectangle2D;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A font chosen from a fallback list and sized to fill one character cell of the printer's Font A
 * (12 x 24 dots for single-byte characters, 24 x 24 for double-byte ones), with where to put the
 * baseline. Immutable and thread-safe ({@link Font} is immutable).
 */
final class CellFont {
  /** Java's logical fonts: always present, mapped by the JDK onto installed fonts. */
  private static final Set<String> LOGICAL =
      Set.of("dialog", "dialoginput", "monospaced", "serif", "sansserif");

  /** No antialiasing, integer metrics: what glyphs are rasterized with. */
  static final FontRenderContext FRC = new FontRenderContext(null, false, false);

  private final String name;
  private final Font font;
  private final int cellWidth;
  private final int baseline;

  private CellFont(String name, Font font, int cellWidth, int baseline) {
    this.name = name;
    this.font = font;
    this.cellWidth = cellWidth;
    this.baseline = baseline;
  }

  /**
   * Returns the first font of {@code names} that is installed and displays {@code probe}, sized for
   * cells of {@code cellWidth} x 24 dots. An entry containing a '/' is a font file (TrueType or
   * OpenType) and is loaded from there; any other entry is a logical font name or a physical family
   * or face name known to the JDK (through fontconfig on Linux).
   */
  static Optional<CellFont> firstDisplaying(List<String> names, int probe, int cellWidth) {
    for (String name : names) {
      Optional<Font> font = load(name);
      if (font.isPresent() && font.get().canDisplay(probe)) {
        return Optional.of(sized(name, font.get(), probe, cellWidth));
      }
    }
    return Optional.empty();
  }

  private static Optional<Font> load(String name) {
    if (name.indexOf('/') >= 0) {
      File file = new File(name);
      if (!file.isFile()) {
        return Optional.empty();
      }
      try {
        return Optional.of(Font.createFont(Font.TRUETYPE_FONT, file));
      } catch (FontFormatException | IOException e) {
        return Optional.empty(); // not a usable font file: try the next entry
      }
    }
    Font font = new Font(name, Font.PLAIN, 24);
    String wanted = name.toLowerCase(Locale.ROOT);
    // An unknown name silently becomes "Dialog"; only accept the font that was asked for.
    boolean installed =
        LOGICAL.contains(wanted)
            || font.getFamily(Locale.ROOT).toLowerCase(Locale.ROOT).equals(wanted)
            || font.getFontName(Locale.ROOT).toLowerCase(Locale.ROOT).equals(wanted);
    return installed ? Optional.of(font) : Optional.empty();
  }

  /** Picks the largest size whose glyphs fit the cell, and the baseline that centres them. */
  private static CellFont sized(String name, Font base, int probe, int cellWidth) {
    String probeText = new String(Character.toChars(probe));
    for (int size = 24; size > 6; size--) {
      Font font = base.deriveFont(Font.PLAIN, (float) size);
      if (cellWidth == 24) {
        // Double-byte cell: centre the probe ideograph's ink in the 24 x 24 cell.
        GlyphVector vector = font.createGlyphVector(FRC, probeText);
        Rectangle2D ink = vector.getVisualBounds();
        double advance = vector.getGlyphMetrics(0).getAdvance();
        if (ink.getWidth() <= 23 && ink.getHeight() <= 23 && advance <= 24.5) {
          int baseline = (int) Math.round((24 - ink.getHeight()) / 2 - ink.getY());
          return new CellFont(name, font, cellWidth, baseline);
        }
      } else {
        // Single-byte cell: the font's ascent + descent within 24 dots, an 'M' within 12.
        double advance = font.createGlyphVector(FRC, "M").getGlyphMetrics(0).getAdvance();
        LineMetrics metrics = font.getLineMetrics("Mg", FRC);
        double extent = metrics.getAscent() + metrics.getDescent();
        if (advance <= cellWidth + 0.01 && extent <= 24.5) {
          int baseline = (int) Math.round((24 - extent) / 2 + metrics.getAscent());
          return new CellFont(name, font, cellWidth, baseline);
        }
      }
    }
    Font font = base.deriveFont(Font.PLAIN, 6f);
    return new CellFont(name, font, cellWidth, 20);
  }

  /** The entry of the fallback list this font came from. */
  String name() {
    return name;
  }

  /** Whether this font has a glyph for {@code codePoint}. */
  boolean canDisplay(int codePoint) {
    return font.canDisplay(codePoint);
  }

  Font font() {
    return font;
  }

  int cellWidth() {
    return cellWidth;
  }

  int baseline() {
    return baseline;
  }
}
