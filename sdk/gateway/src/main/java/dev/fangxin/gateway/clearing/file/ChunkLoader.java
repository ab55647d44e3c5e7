package dev.fangxin.gateway.clearing.file;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Loads one chunk of consecutive detail records into {@code clearing_records} inside the caller's
 * transaction. Used by one thread: {@link #begin}, then {@link #add} per record, then {@link
 * #finish}, then again for the next chunk.
 */
interface ChunkLoader {
  /** Starts a chunk in {@code tx}. */
  void begin(Connection tx) throws SQLException;

  /** Adds the next record of the chunk. */
  void add(ClearingRecord record) throws SQLException;

  /**
   * Ends the chunk: stores every record whose trace is not stored yet and returns how many were
   * inserted. Records already stored with identical content are skipped.
   *
   * @param firstLine the file line of the chunk's first record (the others follow it)
   * @throws ClearingFileException {@code CONFLICTING_RECORD} naming the line of the first record
   *     stored (or repeated in the chunk) with other content
   */
  long finish(long firstLine) throws SQLException;

  /** Abandons the chunk after a failure, leaving the connection usable for a rollback. */
  default void abort() {}
}
