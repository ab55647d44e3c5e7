package dev.fangxin.adapters.virtualprinter;

import java.util.Arrays;

/**
 * The dots burnt into the paper so far: one bit per dot, rows of {@code width / 8} bytes, the most
 * significant bit the leftmost dot, 1 = black. The paper grows as rows are touched, never beyond
 * the height the caller checked against the printer's limit. Not thread-safe: one render owns it.
 */
final class DotRaster {
  private final int width;
  private final int bytesPerRow;
  private byte[] bits;
  private int height;

  DotRaster(int width) {
    if (width % 8 != 0) {
      throw new IllegalArgumentException("width % 8 != 0: " + width);
    }
    this.width = width;
    this.bytesPerRow = width / 8;
    this.bits = new byte[bytesPerRow * 256];
  }

  int width() {
    return width;
  }

  int height() {
    return height;
  }

  /** Extends the paper to at least {@code newHeight} rows (white). */
  void extendTo(int newHeight) {
    if (newHeight <= height) {
      return;
    }
    long needed = (long) newHeight * bytesPerRow;
    if (needed > bits.length) {
      long capacity = Math.max(needed, 2L * bits.length);
      bits = Arrays.copyOf(bits, (int) Math.min(capacity, Integer.MAX_VALUE - 8));
    }
    height = newHeight;
  }

  /** Blackens the dot at (x, y); dots outside the paper's width are dropped, y must be valid. */
  void set(int x, int y) {
    if (x < 0 || x >= width) {
      return;
    }
    bits[y * bytesPerRow + (x >> 3)] |= (byte) (0x80 >>> (x & 7));
  }

  /** Blackens the rectangle; parts outside the paper's width are dropped. */
  void fill(int x, int y, int w, int h) {
    int x0 = Math.max(0, x);
    int x1 = Math.min(width, x + w);
    for (int row = y; row < y + h; row++) {
      for (int col = x0; col < x1; col++) {
        bits[row * bytesPerRow + (col >> 3)] |= (byte) (0x80 >>> (col & 7));
      }
    }
  }

  /** A copy of the rows {@code 0..height-1}, at least one row. */
  byte[] snapshot(int rows) {
    return Arrays.copyOf(bits, rows * bytesPerRow);
  }
}
