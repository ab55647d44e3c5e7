package dev.fangxin.core.qr;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A minimal PNG encoder for QR codes: 1-bit grayscale, one IDAT, no ancillary chunks, no java.awt.
 * Stateless; every call uses its own buffers and {@link Deflater}, so it is thread-safe.
 */
final class PngWriter {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final byte[] IHDR = "IHDR".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] IDAT = "IDAT".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] IEND = "IEND".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY = new byte[0];

  private PngWriter() {}

  /** A capacity hint for the output buffer of an image {@code side} pixels wide. */
  static int estimatedSize(int side) {
    return 64 + side * 4;
  }

  /**
   * Writes {@code code} as PNG. Arguments were validated by the caller; {@code side} is {@code
   * (code.size() + 2 * quietZone) * moduleSize}.
   */
  static void write(QrCode code, int moduleSize, int quietZone, int side, OutputStream out)
      throws IOException {
    byte[] idat = deflate(scanlines(code, moduleSize, quietZone, side));

    byte[] header = new byte[13];
    putInt(header, 0, side);
    putInt(header, 4, side);
    header[8] = 1; // bit depth
    header[9] = 0; // color type: grayscale
    header[10] = 0; // compression method: deflate
    header[11] = 0; // filter method: adaptive (we always use filter type 0, None)
    header[12] = 0; // no interlace

    out.write(SIGNATURE);
    writeChunk(out, IHDR, header);
    writeChunk(out, IDAT, idat);
    writeChunk(out, IEND, EMPTY);
  }

  /**
   * The raw image data: each scanline is a filter-type byte 0 followed by the pixels, 8 per byte,
   * most significant bit first, 0 = black, 1 = white; padding bits at the end of a line are 1.
   */
  private static byte[] scanlines(QrCode code, int moduleSize, int quietZone, int side) {
    int stride = 1 + (side + 7) / 8;
    byte[] raw = new byte[stride * side];
    // All white, then every line's filter byte back to 0.
    Arrays.fill(raw, (byte) 0xff);
    for (int i = 0; i < raw.length; i += stride) {
      raw[i] = 0;
    }
    int size = code.size();
    int offsetPx = quietZone * moduleSize;
    for (int y = 0; y < size; y++) {
      int first = (offsetPx + y * moduleSize) * stride;
      byte[] row = code.row(y);
      for (int x = 0; x < size; x++) {
        if (row[x] == 1) {
          int px = offsetPx + x * moduleSize;
          for (int p = px, end = px + moduleSize; p < end; p++) {
            raw[first + 1 + (p >>> 3)] &= (byte) ~(0x80 >>> (p & 7));
          }
        }
      }
      for (int copy = 1; copy < moduleSize; copy++) {
        System.arraycopy(raw, first, raw, first + copy * stride, stride);
      }
    }
    return raw;
  }

  private static byte[] deflate(byte[] raw) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    try {
      deflater.setInput(raw);
      deflater.finish();
      ByteArrayOutputStream compressed = new ByteArrayOutputStream(raw.length / 8 + 64);
      byte[] buffer = new byte[8192];
      while (!deflater.finished()) {
        int n = deflater.deflate(buffer);
        compressed.write(buffer, 0, n);
      }
      return compressed.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static void writeChunk(OutputStream out, byte[] type, byte[] data) throws IOException {
    byte[] length = new byte[4];
    putInt(length, 0, data.length);
    CRC32 crc = new CRC32();
    crc.update(type);
    crc.update(data);
    byte[] crcBytes = new byte[4];
    putInt(crcBytes, 0, (int) crc.getValue());
    out.write(length);
    out.write(type);
    out.write(data);
    out.write(crcBytes);
  }

  private static void putInt(byte[] target, int offset, int value) {
    target[offset] = (byte) (value >>> 24);
    target[offset + 1] = (byte) (value >>> 16);
    target[offset + 2] = (byte) (value >>> 8);
    target[offset + 3] = (byte) value;
  }
}
