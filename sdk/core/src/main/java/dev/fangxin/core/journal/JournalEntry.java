package dev.fangxin.core.journal;

import java.util.Arrays;

/**
 * One valid record read from a journal: where it starts, its position among the valid records, and
 * its payload. Immutable and thread-safe; {@link #payload()} returns a fresh copy.
 */
public final class JournalEntry {
  private final long offset;
  private final long index;
  private final byte[] payload;

  private JournalEntry(long offset, long index, byte[] payload) {
    this.offset = offset;
    this.index = index;
    this.payload = payload;
  }

  /** Takes ownership of {@code payload}; callers inside the package pass a private copy. */
  static JournalEntry of(long offset, long index, byte[] payload) {
    return new JournalEntry(offset, index, payload);
  }

  /** The byte offset of the record's length field in the file; the value append returned. */
  public long offset() {
    return offset;
  }

  /**
   * The zero-based position of this record among the valid records that were read. After damage
   * that {@link JournalScanner} skipped, numbering simply continues with the next valid record.
   */
  public long index() {
    return index;
  }

  /** The payload length in bytes, 1 to {@link JournalFile#MAX_RECORD_SIZE}. */
  public int size() {
    return payload.length;
  }

  /** A copy of the payload. */
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof JournalEntry)) {
      return false;
    }
    JournalEntry that = (JournalEntry) other;
    return offset == that.offset && index == that.index && Arrays.equals(payload, that.payload);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(offset) + Long.hashCode(index)) + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "JournalEntry{index=" + index + ", offset=" + offset + ", size=" + payload.length + "}";
  }
}
