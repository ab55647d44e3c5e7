package dev.fangxin.adapters.virtualprinter;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.GlyphVector;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rasterizes characters into 1-bit cell bitmaps, as a printer's character generator holds them:
 * rows of 12 (single-byte) or 24 (double-byte) dots, bit x = dot x from the left, 24 rows,
 * antialiasing off. A double-byte character comes from the CJK font, or, when that font lacks it
 * (some CJK fonts have no Latin punctuation such as '·'), from the single-byte font centred in the
 * wide cell. A character neither font can display becomes an empty box, as printers print for
 * unknown codes.
 *
 * <p>Thread-safe: one cache belongs to one {@link VirtualPrinter} and serves all its renders. It
 * keeps at most {@value #MAX_ENTRIES} glyphs; past that, glyphs are rasterized on every use.
 */
final class GlyphCache {
  static final int CELL_HEIGHT = 24;
  static final int MAX_ENTRIES = 8192;

  private final CellFont asciiFont;
  private final CellFont cjkFont; // may be null: then no double-byte cell is ever requested
  private final ConcurrentHashMap<Long, int[]> cache = new ConcurrentHashMap<>();

  GlyphCache(CellFont asciiFont, CellFont cjkFont) {
    this.asciiFont = asciiFont;
    this.cjkFont = cjkFont;
  }

  /**
   * Returns the 24 rows of the glyph of {@code codePoint} in a {@code cellWidth}-dot cell (12 or
   * 24); the array is shared and must not be modified.
   */
  int[] glyph(int cellWidth, int codePoint) {
    long key = ((long) cellWidth << 32) | (codePoint & 0xFFFFFFFFL);
    int[] rows = cache.get(key);
    if (rows == null) {
      if (cellWidth == 24 && cjkFont != null && cjkFont.canDisplay(codePoint)) {
        rows = rasterize(cjkFont, cellWidth, codePoint);
      } else if (asciiFont.canDisplay(codePoint)) {
        rows = rasterize(asciiFont, cellWidth, codePoint);
      } else {
        rows = box(cellWidth);
      }
      if (cache.size() < MAX_ENTRIES) {
        cache.putIfAbsent(key, rows); // two threads may rasterize the same glyph: same result
      }
    }
    return rows;
  }

  private static int[] rasterize(CellFont font, int cellWidth, int codePoint) {
    BufferedImage scratch = new BufferedImage(24, CELL_HEIGHT, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = scratch.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, scratch.getWidth(), scratch.getHeight());
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
      g.setRenderingHint(
          RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_OFF);
      g.setColor(Color.BLACK);
      g.setFont(font.font());
      String text = new String(Character.toChars(codePoint));
      GlyphVector vector = font.font().createGlyphVector(CellFont.FRC, text);
      double advance = vector.getGlyphMetrics(0).getAdvance();
      float x = (float) Math.floor((cellWidth - advance) / 2);
      g.drawGlyphVector(vector, Math.max(0f, x), font.baseline());
    } finally {
      g.dispose();
    }
    byte[] gray = ((DataBufferByte) scratch.getRaster().getDataBuffer()).getData();
    int[] rows = new int[CELL_HEIGHT];
    int stride = scratch.getWidth();
    for (int y = 0; y < CELL_HEIGHT; y++) {
      int row = 0;
      for (int x = 0; x < cellWidth; x++) {
        if ((gray[y * stride + x] & 0xFF) < 128) {
          row |= 1 << x;
        }
      }
      rows[y] = row;
    }
    return rows;
  }

  private static int[] box(int cellWidth) {
    int[] rows = new int[CELL_HEIGHT];
    int left = 2;
    int right = cellWidth - 3;
    int full = 0;
    for (int x = left; x <= right; x++) {
      full |= 1 << x;
    }
    int sides = (1 << left) | (1 << right);
    for (int y = 4; y <= 21; y++) {
      rows[y] = (y == 4 || y == 21) ? full : sides;
    }
    return rows;
  }
}
