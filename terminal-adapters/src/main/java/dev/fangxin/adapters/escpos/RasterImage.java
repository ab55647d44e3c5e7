package dev.fangxin.adapters.escpos;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.qr.QrCode;
import java.util.Arrays;

/**
 * A 1-bit image in the layout {@code GS v 0} sends: rows of {@link #bytesPerRow()} bytes, 8 dots
 * per byte, the most significant bit the leftmost dot, 1 = black. Dots beyond {@link #widthDots()}
 * in the last byte of a row are white. Immutable and thread-safe.
 */
public final class RasterImage {
  /** The largest width or height accepted, in dots (the 16-bit fields of {@code GS v 0}). */
  public static final int MAX_DOTS = 65535;

  private final int widthDots;
  private final int heightDots;
  private final int bytesPerRow;
  private final byte[] packed;

  private RasterImage(int widthDots, int heightDots, byte[] packed) {
    this.widthDots = widthDots;
    this.heightDots = heightDots;
    this.bytesPerRow = (widthDots + 7) / 8;
    this.packed = packed;
  }

  /**
   * An image from packed rows ({@code ceil(widthDots / 8)} bytes per row, MSB leftmost, 1 = black).
   * The array is copied; padding bits past {@code widthDots} are cleared.
   *
   * @throws IllegalArgumentException if a size is out of range or the array has the wrong length
   */
  public static RasterImage of(int widthDots, int heightDots, byte[] packedRows) {
    requireNonNull(packedRows, "packedRows == null");
    checkSize(widthDots, heightDots);
    int rowBytes = (widthDots + 7) / 8;
    if (packedRows.length != rowBytes * heightDots) {
      throw new IllegalArgumentException(
          "packedRows must be "
              + rowBytes
              + " bytes per row x "
              + heightDots
              + " rows = "
              + rowBytes * heightDots
              + " bytes, got "
              + packedRows.length);
    }
    byte[] copy = packedRows.clone();
    int spare = rowBytes * 8 - widthDots;
    if (spare > 0) {
      int mask = (0xFF << spare) & 0xFF;
      for (int y = 0; y < heightDots; y++) {
        copy[y * rowBytes + rowBytes - 1] &= (byte) mask;
      }
    }
    return new RasterImage(widthDots, heightDots, copy);
  }

  /**
   * Renders {@code qr} with {@code moduleDots} dots per module and {@code quietZoneModules} white
   * modules on every side, shifted right by {@code leftPaddingDots} white dots (use it to centre
   * the code on the paper, since {@code GS v 0} prints from the left margin). The image is {@code
   * leftPaddingDots + (size + 2 × quiet) × moduleDots} dots wide and {@code (size + 2 × quiet) ×
   * moduleDots} high.
   *
   * @throws IllegalArgumentException if a size is out of range
   */
  public static RasterImage ofQr(
      QrCode qr, int moduleDots, int quietZoneModules, int leftPaddingDots) {
    requireNonNull(qr, "qr == null");
    if (moduleDots < 1 || moduleDots > QrCode.MAX_MODULE_SIZE) {
      throw new IllegalArgumentException(
          "moduleDots must be 1.." + QrCode.MAX_MODULE_SIZE + ", got " + moduleDots);
    }
    if (quietZoneModules < 0 || quietZoneModules > QrCode.MAX_QUIET_ZONE) {
      throw new IllegalArgumentException(
          "quietZoneModules must be 0.." + QrCode.MAX_QUIET_ZONE + ", got " + quietZoneModules);
    }
    if (leftPaddingDots < 0) {
      throw new IllegalArgumentException("leftPaddingDots < 0: " + leftPaddingDots);
    }
    int side = (qr.size() + 2 * quietZoneModules) * moduleDots;
    int width = leftPaddingDots + side;
    checkSize(width, side);
    int rowBytes = (width + 7) / 8;
    byte[] packed = new byte[rowBytes * side];
    for (int y = 0; y < side; y++) {
      int my = y / moduleDots - quietZoneModules;
      if (my < 0 || my >= qr.size()) {
        continue;
      }
      for (int dx = 0; dx < side; dx++) {
        int mx = dx / moduleDots - quietZoneModules;
        if (mx >= 0 && mx < qr.size() && qr.isDark(mx, my)) {
          int x = leftPaddingDots + dx;
          packed[y * rowBytes + (x >> 3)] |= (byte) (0x80 >>> (x & 7));
        }
      }
    }
    return new RasterImage(width, side, packed);
  }

  private static void checkSize(int widthDots, int heightDots) {
    if (widthDots < 1 || widthDots > MAX_DOTS) {
      throw new IllegalArgumentException("widthDots must be 1.." + MAX_DOTS + ", got " + widthDots);
    }
    if (heightDots < 1 || heightDots > MAX_DOTS) {
      throw new IllegalArgumentException(
          "heightDots must be 1.." + MAX_DOTS + ", got " + heightDots);
    }
    if ((long) ((widthDots + 7) / 8) * heightDots > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("the image is too large: " + widthDots + "x" + heightDots);
    }
  }

  public int widthDots() {
    return widthDots;
  }

  public int heightDots() {
    return heightDots;
  }

  /** {@code ceil(widthDots / 8)}: the {@code xL + 256 × xH} of {@code GS v 0}. */
  public int bytesPerRow() {
    return bytesPerRow;
  }

  /** Whether the dot at ({@code x}, {@code y}) is black; (0, 0) is the top left. */
  public boolean isBlack(int x, int y) {
    if (x < 0 || x >= widthDots || y < 0 || y >= heightDots) {
      throw new IndexOutOfBoundsException(
          "(" + x + ", " + y + ") is outside " + widthDots + "x" + heightDots);
    }
    return (packed[y * bytesPerRow + (x >> 3)] & (0x80 >>> (x & 7))) != 0;
  }

  /** The packed rows: a copy. */
  public byte[] packedRows() {
    return packed.clone();
  }

  void copyPackedRows(byte[] dst, int offset) {
    System.arraycopy(packed, 0, dst, offset, packed.length);
  }

  int packedLength() {
    return packed.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RasterImage r
        && widthDots == r.widthDots
        && heightDots == r.heightDots
        && Arrays.equals(packed, r.packed);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * widthDots + heightDots) + Arrays.hashCode(packed);
  }

  @Override
  public String toString() {
    return "RasterImage{" + widthDots + "x" + heightDots + "}";
  }
}
