package dev.fangxin.adapters.virtualprinter;

import com.google.zxing.common.BitMatrix;
import dev.fangxin.core.qr.ErrorCorrection;
import dev.fangxin.core.qr.QrCode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Writes ESC/POS byte streams by hand for the tests, byte for byte per the subset table (the real
 * command builder lives elsewhere and is deliberately not used here). Not thread-safe.
 */
final class EscPosBytes {
  static final Charset GB18030 = Charset.forName("GB18030");

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static EscPosBytes stream() {
    return new EscPosBytes();
  }

  EscPosBytes raw(int... bytes) {
    for (int b : bytes) {
      out.write(b);
    }
    return this;
  }

  EscPosBytes raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  /** ESC @ */
  EscPosBytes init() {
    return raw(0x1B, 0x40);
  }

  /** ESC a n */
  EscPosBytes align(int n) {
    return raw(0x1B, 0x61, n);
  }

  /** ESC E n */
  EscPosBytes bold(boolean on) {
    return raw(0x1B, 0x45, on ? 1 : 0);
  }

  /** GS ! n, multipliers 1..8. */
  EscPosBytes size(int width, int height) {
    return raw(0x1D, 0x21, (width - 1) << 4 | (height - 1));
  }

  /** ESC 3 n */
  EscPosBytes lineSpacing(int dots) {
    return raw(0x1B, 0x33, dots);
  }

  /** FS & */
  EscPosBytes chineseOn() {
    return raw(0x1C, 0x26);
  }

  /** FS . */
  EscPosBytes chineseOff() {
    return raw(0x1C, 0x2E);
  }

  /** ASCII text bytes. */
  EscPosBytes text(String ascii) {
    return raw(ascii.getBytes(StandardCharsets.US_ASCII));
  }

  /** Text in GB18030 (use in Chinese mode). */
  EscPosBytes gb(String text) {
    return raw(text.getBytes(GB18030));
  }

  /** LF */
  EscPosBytes lf() {
    return raw(0x0A);
  }

  /** text + LF */
  EscPosBytes line(String ascii) {
    return text(ascii).lf();
  }

  /** ESC d n */
  EscPosBytes feed(int lines) {
    return raw(0x1B, 0x64, lines);
  }

  /** GS ( k fn 65 model 2, fn 67 module, fn 69 level, fn 80 store, fn 81 print. */
  EscPosBytes qr(byte[] data, int moduleSize, ErrorCorrection level) {
    raw(0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 50, 0x00);
    raw(0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, moduleSize);
    raw(0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 48 + level.ordinal());
    int p = data.length + 3;
    raw(0x1D, 0x28, 0x6B, p & 0xFF, p >> 8, 0x31, 0x50, 0x30).raw(data);
    return raw(0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30);
  }

  EscPosBytes qr(String text, int moduleSize, ErrorCorrection level) {
    return qr(text.getBytes(StandardCharsets.UTF_8), moduleSize, level);
  }

  /** GS v 0 m xL xH yL yH d1..dk */
  EscPosBytes raster(int m, int bytesPerRow, int rows, byte[] data) {
    raw(0x1D, 0x76, 0x30, m, bytesPerRow & 0xFF, bytesPerRow >> 8, rows & 0xFF, rows >> 8);
    return raw(data);
  }

  /** A QR symbol as a GS v 0 raster image, {@code scale} dots per module, quiet zone included. */
  EscPosBytes rasterQr(String text, int scale, int quietZone) {
    BitMatrix matrix = QrCode.encode(text, ErrorCorrection.M).toBitMatrix(quietZone);
    int side = matrix.getWidth() * scale;
    int bytesPerRow = (side + 7) / 8;
    byte[] data = new byte[bytesPerRow * side];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        if (matrix.get(x / scale, y / scale)) {
          data[y * bytesPerRow + x / 8] |= (byte) (0x80 >>> (x % 8));
        }
      }
    }
    return raster(0, bytesPerRow, side, data);
  }

  /** GS V 66 n: feed n dots and cut. */
  EscPosBytes feedAndCut(int dots) {
    return raw(0x1D, 0x56, 0x42, dots);
  }

  /** GS V 0: full cut. */
  EscPosBytes cut() {
    return raw(0x1D, 0x56, 0x00);
  }

  int size() {
    return out.size();
  }

  byte[] bytes() {
    return out.toByteArray();
  }
}
