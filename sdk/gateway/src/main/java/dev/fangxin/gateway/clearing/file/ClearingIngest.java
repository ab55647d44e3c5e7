package dev.fangxin.gateway.clearing.file;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.gateway.clearing.file.ClearingFileException.Reason;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HexFormat;

/**
 * Ingests an acquirer's daily clearing file ({@code protocol/SPEC.md} section 14) into {@code
 * clearing_records}, streaming, resumable, and all or nothing.
 *
 * <p>How it runs:
 *
 * <ol>
 *   <li>The acquirer named by the caller must be registered ({@code acquirers}), or the file is
 *       refused before it is read ({@link Reason#UNKNOWN_ACQUIRER}).
 *   <li>Pass 1 reads the whole file, validating every field, the trailer's count, total and
 *       CRC-32C, that the header names that acquirer and that every record is its own, and computes
 *       the file's SHA-256. Any problem refuses the file before anything is written.
 *   <li>In one transaction the batch ({@code clearing_batches}, source {@code file}) and the file's
 *       progress row ({@code clearing_files}) are recorded. A file whose SHA-256 was ingested
 *       completely before is refused ({@link Reason#ALREADY_INGESTED}); a batch ID already received
 *       with other content is refused ({@link Reason#DUPLICATE_BATCH}); a file whose ingest was
 *       interrupted resumes after its last committed line.
 *   <li>Pass 2 reads the file again and loads it in chunks; each chunk commits together with the
 *       progress row's {@code lines_committed} and {@code records_loaded}, so an interrupted ingest
 *       (a killed process, a lost connection) resumes without loading a record twice. On PostgreSQL
 *       a chunk is streamed with {@code COPY ... FROM STDIN}; on H2 it is a JDBC batch. The last
 *       chunk also marks the file finished.
 * </ol>
 *
 * <p>A record whose durable trace is already stored with the same content (for example from the
 * acquirer's push hook) is skipped and counted in {@link Result#skipped()}. One stored with other
 * content, or repeated within the file with other content, refuses the file ({@link
 * Reason#CONFLICTING_RECORD}, naming the line); so does a file that changed between the two passes.
 * A refusal found during pass 2 removes everything this file had loaded (its records, its batch and
 * its progress row) before it is thrown, so a refused file leaves the store as it was. Records of a
 * file being loaded are visible to readers as their chunks commit.
 *
 * <p>Full card numbers never reach the store: records are masked as they are read.
 *
 * <p>Thread-safe; each {@link #ingest} call runs on the calling thread. Two concurrent ingests of
 * the same file are not coordinated: one of them fails on the progress row's primary key.
 */
public final class ClearingIngest {
  /** Records per chunk (and per transaction) unless told otherwise. */
  public static final int DEFAULT_CHUNK_RECORDS = 20_000;

  private final Store store;
  private final Clock clock;
  private final int chunkRecords;

  private ClearingIngest(Store store, Clock clock, int chunkRecords) {
    this.store = store;
    this.clock = clock;
    this.chunkRecords = chunkRecords;
  }

  /** An ingest into {@code store} with chunks of {@value #DEFAULT_CHUNK_RECORDS} records. */
  public static ClearingIngest on(Store store, Clock clock) {
    return on(store, clock, DEFAULT_CHUNK_RECORDS);
  }

  /**
   * An ingest into {@code store} committing every {@code chunkRecords} records.
   *
   * @throws IllegalArgumentException if {@code chunkRecords} is not 1 to 1,000,000
   */
  public static ClearingIngest on(Store store, Clock clock, int chunkRecords) {
    requireNonNull(store, "store == null");
    requireNonNull(clock, "clock == null");
    if (chunkRecords < 1 || chunkRecords > 1_000_000) {
      throw new IllegalArgumentException(
          "chunkRecords must be 1 to 1,000,000, got " + chunkRecords);
    }
    return new ClearingIngest(store, clock, chunkRecords);
  }

  /** The phase an ingest reports progress for. */
  public enum Phase {
    /** Pass 1: {@code done} and {@code total} count bytes of the file. */
    VALIDATE,
    /** Pass 2: {@code done} and {@code total} count detail records. */
    LOAD
  }

  /**
   * Receives progress from {@link #ingest}, on the ingesting thread. An exception thrown here
   * aborts the ingest like an interruption: committed chunks stay and a later ingest resumes.
   */
  public interface Listener {
    /** Called every 64 KiB during pass 1 and after every chunk during pass 2. */
    default void progress(Phase phase, long done, long total) {}

    /** Called after a chunk committed: the progress row now says these values. */
    default void committed(long linesCommitted, long recordsLoaded) {}
  }

  /** A listener that ignores everything. */
  public static final Listener QUIET = new Listener() {};

  /** What an ingest did. */
  public static final class Result {
    private final ClearingFileHeader header;
    private final long records;
    private final long loaded;
    private final long skipped;
    private final long resumedAfterLine;
    private final String sha256;

    Result(
        ClearingFileHeader header,
        long records,
        long loaded,
        long skipped,
        long resumedAfterLine,
        String sha256) {
      this.header = header;
      this.records = records;
      this.loaded = loaded;
      this.skipped = skipped;
      this.resumedAfterLine = resumedAfterLine;
      this.sha256 = sha256;
    }

    /** The file's header. */
    public ClearingFileHeader header() {
      return header;
    }

    /** The number of detail records in the file. */
    public long records() {
      return records;
    }

    /** Records inserted by this file, over all runs (an interrupted one included). */
    public long loaded() {
      return loaded;
    }

    /** Records skipped because their trace was already stored with the same content. */
    public long skipped() {
      return skipped;
    }

    /** The line this run resumed after: 0 for a fresh ingest, 1 or more for a resumed one. */
    public long resumedAfterLine() {
      return resumedAfterLine;
    }

    /** The SHA-256 of the file, lower-case hex. */
    public String sha256() {
      return sha256;
    }
  }

  /**
   * Ingests {@code file}, which must be {@code acquirer}'s. Blocks until done.
   *
   * @throws ClearingFileException if the file is refused; nothing it carried is left stored
   * @throws dev.fangxin.gateway.store.StoreException if the store fails; committed chunks stay and
   *     ingesting the same file again resumes
   */
  public Result ingest(Path file, InstitutionCode acquirer, Listener listener) {
    requireNonNull(file, "file == null");
    requireNonNull(acquirer, "acquirer == null");
    requireNonNull(listener, "listener == null");
    boolean known =
        store.inTransaction(
            tx -> {
              try (PreparedStatement s =
                  tx.prepareStatement("SELECT 1 FROM acquirers WHERE institution_code = ?")) {
                s.setString(1, acquirer.value());
                try (ResultSet rs = s.executeQuery()) {
                  return rs.next();
                }
              }
            });
    if (!known) {
      throw new ClearingFileException(
          Reason.UNKNOWN_ACQUIRER,
          0,
          "",
          "acquirer " + acquirer + " is not registered; register it before ingesting its files");
    }
    long size = size(file);
    ClearingFileReader.Summary summary = validate(file, acquirer, size, listener);
    byte[] sha = summary.sha256();
    String shaHex = HexFormat.of().formatHex(sha);
    String batchId = summary.header().batchId();
    long now = clock.instant().getEpochSecond();
    String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    if (name.length() > 255) {
      name = name.substring(0, 255);
    }
    String fileName = name;
    long[] start =
        store.inTransaction(tx -> begin(tx, acquirer, sha, shaHex, fileName, summary, now));
    long resumedAfter = start[0];
    long loadedBefore = start[1];
    try {
      long[] done = load(file, acquirer, sha, summary, resumedAfter, loadedBefore, now, listener);
      return new Result(
          summary.header(),
          summary.records(),
          done[0],
          done[1],
          resumedAfter == 1 && loadedBefore == 0 ? 0 : resumedAfter,
          shaHex);
    } catch (ClearingFileException e) {
      compensate(acquirer, sha, batchId, e);
      throw e;
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new ClearingFileException(
          Reason.IO_FAILED, 0, "", "could not read " + file + ": " + e.getMessage(), e);
    }
  }

  private static InputStream open(Path file) {
    try {
      return new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    } catch (IOException e) {
      throw new ClearingFileException(
          Reason.IO_FAILED, 0, "", "could not open " + file + ": " + e.getMessage(), e);
    }
  }

  private static ClearingFileReader.Summary validate(
      Path file, InstitutionCode acquirer, long size, Listener listener) {
    try (InputStream in = open(file);
        ClearingFileReader reader = ClearingFileReader.open(in, true)) {
      listener.progress(Phase.VALIDATE, 0, size);
      checkHeader(reader.header(), acquirer);
      long reported = 0;
      ClearingRecord r;
      while ((r = reader.next()) != null) {
        checkOwn(r, acquirer, reader.lineNumber());
        if (reader.bytesRead() - reported >= (1 << 20)) {
          reported = reader.bytesRead();
          listener.progress(Phase.VALIDATE, reported, size);
        }
      }
      listener.progress(Phase.VALIDATE, reader.bytesRead(), size);
      return reader.summary();
    } catch (IOException e) {
      throw new ClearingFileException(
          Reason.IO_FAILED, 0, "", "could not read " + file + ": " + e.getMessage(), e);
    }
  }

  private static void checkHeader(ClearingFileHeader header, InstitutionCode acquirer) {
    if (!header.acquirer().equals(acquirer)) {
      throw new ClearingFileException(
          Reason.ACQUIRER_MISMATCH,
          1,
          ClearingFileFormat.Column.HEADER_ACQUIRER.fieldName(),
          "the header names acquirer "
              + header.acquirer()
              + " but the file was given as acquirer "
              + acquirer
              + "'s");
    }
  }

  private static void checkOwn(ClearingRecord r, InstitutionCode acquirer, long line) {
    if (!r.trace().settleKey().acquirer().equals(acquirer)) {
      throw new ClearingFileException(
          Reason.ACQUIRER_MISMATCH,
          line,
          ClearingFileFormat.Column.ACQUIRER_INSTITUTION.fieldName(),
          "the record belongs to acquirer "
              + r.trace().settleKey().acquirer()
              + ", not to "
              + acquirer
              + " whose file this is");
    }
  }

  /** Records the batch and progress row, or finds the progress row; returns {lines, loaded}. */
  private static long[] begin(
      Connection tx,
      InstitutionCode acquirer,
      byte[] sha,
      String shaHex,
      String fileName,
      ClearingFileReader.Summary summary,
      long now)
      throws SQLException {
    String batchId = summary.header().batchId();
    try (PreparedStatement s =
        tx.prepareStatement(
            "SELECT lines_committed, records_loaded, finished_at, batch_id FROM clearing_files"
                + " WHERE institution_code = ? AND file_sha256 = ?")) {
      s.setString(1, acquirer.value());
      s.setBytes(2, sha);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          long lines = rs.getLong(1);
          long loaded = rs.getLong(2);
          rs.getLong(3);
          if (!rs.wasNull()) {
            throw new ClearingFileException(
                Reason.ALREADY_INGESTED,
                0,
                "",
                "this file (SHA-256 "
                    + shaHex
                    + ") was already ingested as batch "
                    + rs.getString(4)
                    + " of acquirer "
                    + acquirer
                    + " ("
                    + loaded
                    + " records loaded)");
          }
          return new long[] {lines, loaded};
        }
      }
    }
    try (PreparedStatement s =
        tx.prepareStatement(
            "SELECT source FROM clearing_batches WHERE institution_code = ? AND batch_id = ?")) {
      s.setString(1, acquirer.value());
      s.setString(2, batchId);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          throw new ClearingFileException(
              Reason.DUPLICATE_BATCH,
              1,
              ClearingFileFormat.Column.BATCH_ID.fieldName(),
              "batch "
                  + batchId
                  + " of acquirer "
                  + acquirer
                  + " was already received (source "
                  + rs.getString(1)
                  + ") with other content");
        }
      }
    }
    try (PreparedStatement s =
        tx.prepareStatement(
            "INSERT INTO clearing_batches (institution_code, batch_id, source, body_sha256,"
                + " record_count, received_at) VALUES (?, ?, 'file', ?, ?, ?)")) {
      s.setString(1, acquirer.value());
      s.setString(2, batchId);
      s.setBytes(3, sha);
      s.setInt(4, (int) Math.min(Integer.MAX_VALUE, summary.records()));
      s.setLong(5, now);
      s.executeUpdate();
    }
    try (PreparedStatement s =
        tx.prepareStatement(
            "INSERT INTO clearing_files (institution_code, file_sha256, file_name, batch_id,"
                + " lines_committed, records_loaded, started_at, finished_at)"
                + " VALUES (?, ?, ?, ?, 1, 0, ?, NULL)")) {
      s.setString(1, acquirer.value());
      s.setBytes(2, sha);
      s.setString(3, fileName);
      s.setString(4, batchId);
      s.setLong(5, now);
      s.executeUpdate();
    }
    return new long[] {1, 0};
  }

  /** Pass 2; returns {records loaded over all runs, records skipped in this run}. */
  private long[] load(
      Path file,
      InstitutionCode acquirer,
      byte[] sha,
      ClearingFileReader.Summary summary,
      long resumeAfter,
      long loadedBefore,
      long now,
      Listener listener) {
    ChunkLoader loader =
        store.dialect() == StoreConfig.Dialect.POSTGRESQL
            ? new PostgresChunkLoader(summary.header().batchId(), now)
            : new JdbcChunkLoader(summary.header().batchId(), now);
    long[] loaded = {loadedBefore};
    long[] skipped = {0};
    long[] processed = {0};
    listener.progress(Phase.LOAD, 0, summary.records());
    try (InputStream in = open(file);
        ClearingFileReader reader = ClearingFileReader.open(in, false)) {
      checkHeader(reader.header(), acquirer);
      if (!reader.header().batchId().equals(summary.header().batchId())) {
        throw changed(1);
      }
      boolean[] eof = {false};
      while (!eof[0]) {
        long[] chunk =
            store.inTransaction(
                tx -> {
                  try {
                    return loadChunk(
                        tx, loader, reader, acquirer, sha, summary, resumeAfter, eof, processed);
                  } catch (SQLException | RuntimeException e) {
                    loader.abort();
                    throw e;
                  }
                });
        loaded[0] += chunk[1];
        skipped[0] += chunk[2];
        listener.progress(Phase.LOAD, processed[0], summary.records());
        listener.committed(chunk[0], loaded[0]);
      }
    } catch (IOException e) {
      throw new ClearingFileException(
          Reason.IO_FAILED, 0, "", "could not read " + file + ": " + e.getMessage(), e);
    }
    return new long[] {loaded[0], skipped[0]};
  }

  private long[] loadChunk(
      Connection tx,
      ChunkLoader loader,
      ClearingFileReader reader,
      InstitutionCode acquirer,
      byte[] sha,
      ClearingFileReader.Summary summary,
      long resumeAfter,
      boolean[] eof,
      long[] processed)
      throws SQLException {
    loader.begin(tx);
    int n = 0;
    long firstLine = 0;
    while (n < chunkRecords) {
      ClearingRecord r = reader.next();
      if (r == null) {
        eof[0] = true;
        break;
      }
      long line = reader.lineNumber();
      checkOwn(r, acquirer, line);
      processed[0]++;
      if (line <= resumeAfter) {
        continue;
      }
      if (n == 0) {
        firstLine = line;
      }
      loader.add(r);
      n++;
    }
    long inserted = n == 0 ? 0 : loader.finish(firstLine);
    if (eof[0] && reader.summary().lines() != summary.lines()) {
      throw changed(reader.lineNumber());
    }
    long lines = eof[0] ? summary.lines() : reader.lineNumber();
    try (PreparedStatement s =
        tx.prepareStatement(
            "UPDATE clearing_files SET lines_committed = ?, records_loaded ="
                + " records_loaded + ?, finished_at = ? WHERE institution_code = ?"
                + " AND file_sha256 = ?")) {
      s.setLong(1, lines);
      s.setLong(2, inserted);
      if (eof[0]) {
        s.setLong(3, clock.instant().getEpochSecond());
      } else {
        s.setNull(3, java.sql.Types.BIGINT);
      }
      s.setString(4, acquirer.value());
      s.setBytes(5, sha);
      s.executeUpdate();
    }
    return new long[] {lines, inserted, n - inserted};
  }

  private static ClearingFileException changed(long line) {
    return new ClearingFileException(
        Reason.CONFLICTING_RECORD,
        line,
        "",
        "the file changed while it was being ingested; ingest it again once it is complete");
  }

  /** Removes everything a refused file had loaded. */
  private void compensate(
      InstitutionCode acquirer, byte[] sha, String batchId, ClearingFileException cause) {
    try {
      store.inTransaction(
          tx -> {
            try (PreparedStatement s =
                tx.prepareStatement(
                    "DELETE FROM clearing_records WHERE acquirer_institution = ? AND batch_id = ?")) {
              s.setString(1, acquirer.value());
              s.setString(2, batchId);
              s.executeUpdate();
            }
            try (PreparedStatement s =
                tx.prepareStatement(
                    "DELETE FROM clearing_files WHERE institution_code = ? AND file_sha256 = ?")) {
              s.setString(1, acquirer.value());
              s.setBytes(2, sha);
              s.executeUpdate();
            }
            try (PreparedStatement s =
                tx.prepareStatement(
                    "DELETE FROM clearing_batches WHERE institution_code = ? AND batch_id = ?"
                        + " AND source = 'file' AND body_sha256 = ?")) {
              s.setString(1, acquirer.value());
              s.setString(2, batchId);
              s.setBytes(3, sha);
              s.executeUpdate();
            }
            return null;
          });
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }
}
