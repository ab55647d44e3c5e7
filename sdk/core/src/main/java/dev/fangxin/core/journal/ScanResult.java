package dev.fangxin.core.journal;

import java.util.List;

/**
 * What {@link JournalScanner#scan} found: every readable record and every problem, in file order.
 * Immutable and thread-safe.
 */
public final class ScanResult {
  private final long fileSize;
  private final List<JournalEntry> entries;
  private final List<Damage> damages;

  private ScanResult(long fileSize, List<JournalEntry> entries, List<Damage> damages) {
    this.fileSize = fileSize;
    this.entries = List.copyOf(entries);
    this.damages = List.copyOf(damages);
  }

  static ScanResult of(long fileSize, List<JournalEntry> entries, List<Damage> damages) {
    return new ScanResult(fileSize, entries, damages);
  }

  /** The file's size in bytes when it was scanned. */
  public long fileSize() {
    return fileSize;
  }

  /** Every valid record, in file order, including those after damage. Unmodifiable. */
  public List<JournalEntry> entries() {
    return entries;
  }

  /** Every problem found, in file order; empty for a sound file. Unmodifiable. */
  public List<Damage> damages() {
    return damages;
  }

  /** True if no damage was found. */
  public boolean isClean() {
    return damages.isEmpty();
  }

  @Override
  public String toString() {
    return "ScanResult{fileSize="
        + fileSize
        + ", entries="
        + entries.size()
        + ", damages="
        + damages
        + "}";
  }
}
