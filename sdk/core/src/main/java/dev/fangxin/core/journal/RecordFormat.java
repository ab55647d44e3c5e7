package dev.fangxin.core.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.CRC32C;

/** The journal's byte layout; see {@link JournalFile} for the specification. Stateless. */
final class RecordFormat {
  static final int HEADER_SIZE = 16;
  static final int RECORD_HEADER_SIZE = 8;
  static final int MAX_RECORD_SIZE = 65_536;
  static final int VERSION = 1;
  private static final byte[] MAGIC = "FXJRNL".getBytes(StandardCharsets.US_ASCII);

  private RecordFormat() {}

  /** The 16 header bytes of a version 1 journal. */
  static byte[] header() {
    byte[] header = new byte[HEADER_SIZE];
    System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
    header[6] = (byte) (VERSION >>> 8);
    header[7] = (byte) VERSION;
    return header;
  }

  /** True if {@code bytes[0..length)} is a (possibly empty) prefix of a version 1 header. */
  static boolean isHeaderPrefix(byte[] bytes, int length) {
    byte[] expected = header();
    for (int i = 0; i < length; i++) {
      if (bytes[i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  /** What is wrong with a complete 16-byte header, as a sentence fragment; empty if it is sound. */
  static Optional<String> headerProblem(byte[] header) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (header[i] != MAGIC[i]) {
        return Optional.of("does not start with the magic \"FXJRNL\" (bytes 46 58 4A 52 4E 4C)");
      }
    }
    int version = ((header[6] & 0xFF) << 8) | (header[7] & 0xFF);
    if (version != VERSION) {
      return Optional.of(
          "has format version " + version + "; this library reads version " + VERSION);
    }
    for (int i = 8; i < HEADER_SIZE; i++) {
      if (header[i] != 0) {
        return Optional.of("has non-zero reserved byte at offset " + i + "; version 1 wants 0");
      }
    }
    return Optional.empty();
  }

  /** The whole record (length, CRC-32C, payload), ready to write. */
  static ByteBuffer encode(byte[] payload) {
    ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER_SIZE + payload.length);
    record.putInt(payload.length);
    CRC32C crc = new CRC32C();
    crc.update(record.array(), 0, 4);
    crc.update(payload, 0, payload.length);
    record.putInt((int) crc.getValue());
    record.put(payload);
    record.flip();
    return record;
  }
}
