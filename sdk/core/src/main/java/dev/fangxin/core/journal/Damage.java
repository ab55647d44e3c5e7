package dev.fangxin.core.journal;

/**
 * One problem {@link JournalScanner} found in a journal file: what kind, where it starts and how
 * many bytes it covers. Immutable and thread-safe.
 */
public final class Damage {
  /** The kind of damage. */
  public enum Kind {
    /**
     * The 16-byte header is shorter than 16 bytes, or has the wrong magic, version, or non-zero
     * reserved bytes. Offset 0. The scanner still reads records from offset 16.
     */
    BAD_HEADER,
    /**
     * Bytes at the end of the file that hold no valid record and are followed by none: an
     * interrupted append. {@link JournalFile#open} cuts these off.
     */
    TORN_TAIL,
    /**
     * In the middle of the file, a length field of 0, above {@link JournalFile#MAX_RECORD_SIZE}, or
     * pointing past the end of the file. The bytes up to the next valid record are skipped.
     */
    BAD_LENGTH,
    /**
     * In the middle of the file, a record whose CRC-32C does not match its length and payload. The
     * bytes up to the next valid record are skipped.
     */
    BAD_CHECKSUM
  }

  private final Kind kind;
  private final long offset;
  private final long bytesSkipped;

  private Damage(Kind kind, long offset, long bytesSkipped) {
    this.kind = kind;
    this.offset = offset;
    this.bytesSkipped = bytesSkipped;
  }

  static Damage of(Kind kind, long offset, long bytesSkipped) {
    return new Damage(kind, offset, bytesSkipped);
  }

  /** What is wrong. */
  public Kind kind() {
    return kind;
  }

  /** The byte offset where the damage starts. */
  public long offset() {
    return offset;
  }

  /**
   * How many bytes the damage covers: for {@link Kind#BAD_HEADER} the header bytes present (at most
   * 16); otherwise the distance to the next valid record or to the end of the file.
   */
  public long bytesSkipped() {
    return bytesSkipped;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Damage
        && ((Damage) other).kind == kind
        && ((Damage) other).offset == offset
        && ((Damage) other).bytesSkipped == bytesSkipped;
  }

  @Override
  public int hashCode() {
    return (31 * kind.hashCode() + Long.hashCode(offset)) * 31 + Long.hashCode(bytesSkipped);
  }

  @Override
  public String toString() {
    return kind + " at offset " + offset + " (" + bytesSkipped + " bytes skipped)";
  }
}
