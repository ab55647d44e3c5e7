package dev.fangxin.core.journal;

/**
 * What {@link JournalFile#open} did to the end of the file: nothing, or cut a torn last record.
 * Immutable and thread-safe.
 *
 * <p>A torn record is the trace of an append that did not complete (power cut, crash, I/O error):
 * an incomplete length field, an incomplete payload, or a record whose CRC-32C does not match, with
 * no valid record after it. Such an append never returned successfully, so dropping it loses
 * nothing a caller was told was durable, with one exception: a record damaged on the medium after
 * it was forced looks the same when it is the last one, and is dropped too. Callers that must
 * account for every record should log {@link #bytesDropped()}.
 */
public final class Recovery {
  private final long offset;
  private final long bytesDropped;

  private Recovery(long offset, long bytesDropped) {
    this.offset = offset;
    this.bytesDropped = bytesDropped;
  }

  static Recovery none(long end) {
    return new Recovery(end, 0);
  }

  static Recovery truncated(long offset, long bytesDropped) {
    if (bytesDropped <= 0) {
      throw new IllegalArgumentException("bytesDropped <= 0: " + bytesDropped);
    }
    return new Recovery(offset, bytesDropped);
  }

  /** True if open cut bytes off the end of the file. */
  public boolean truncated() {
    return bytesDropped > 0;
  }

  /**
   * The end of the last valid record when the file was opened: where the file was cut if {@link
   * #truncated()}, otherwise simply the file's size at open.
   */
  public long offset() {
    return offset;
  }

  /** How many bytes were cut off; zero if nothing was. */
  public long bytesDropped() {
    return bytesDropped;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Recovery
        && ((Recovery) other).offset == offset
        && ((Recovery) other).bytesDropped == bytesDropped;
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(offset) + Long.hashCode(bytesDropped);
  }

  @Override
  public String toString() {
    return truncated()
        ? "Recovery{truncated " + bytesDropped + " bytes at offset " + offset + "}"
        : "Recovery{nothing to recover, journal ends at " + offset + "}";
  }
}
