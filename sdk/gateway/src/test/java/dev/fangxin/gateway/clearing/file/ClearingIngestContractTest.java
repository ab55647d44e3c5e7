package dev.fangxin.gateway.clearing.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.gateway.cases.MutableClock;
import dev.fangxin.gateway.clearing.file.ClearingFileException.Reason;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clearing file ingest, run unchanged on H2 and on a real PostgreSQL: round trip, every kind of
 * refused input leaving the store as it was, identical overlap skipped, resume after an
 * interruption, and no full card number stored.
 */
abstract class ClearingIngestContractTest {
  static final InstitutionCode ACQUIRER = InstitutionCode.of("48020000");
  static final LocalDate DAY = LocalDate.of(2026, 11, 28);
  static final int CHUNK = 300;

  @TempDir Path dir;
  Store store;
  MutableClock clock;
  ClearingIngest ingest;

  abstract StoreConfig freshDatabase() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = Store.open(freshDatabase());
    clock = new MutableClock(Instant.ofEpochSecond(1_795_800_000L));
    ingest = ClearingIngest.on(store, clock, CHUNK);
    registerAcquirer(ACQUIRER);
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  void registerAcquirer(InstitutionCode code) {
    store.inTransaction(
        tx -> {
          try (PreparedStatement s =
              tx.prepareStatement(
                  "INSERT INTO acquirers (institution_code, name, created_at) VALUES (?, ?, 0)")) {
            s.setString(1, code.value());
            s.setString(2, "Acquirer " + code);
            return s.executeUpdate();
          }
        });
  }

  static byte[] generated(String batchId, long records, long seed) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ClearingFileGenerator.write(out, ClearingFileHeader.of(ACQUIRER, DAY, batchId), records, seed);
    return out.toByteArray();
  }

  Path write(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  /** Replaces {@code column} of 1-based {@code line} with {@code value}. */
  static byte[] edit(byte[] file, int line, ClearingFileFormat.Column column, String value) {
    byte[] copy = file.clone();
    int start = 0;
    for (int l = 1; l < line; l++) {
      while (copy[start] != '\n') {
        start++;
      }
      start++;
    }
    byte[] v = value.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(v, 0, copy, start + column.offset(), v.length);
    return copy;
  }

  static int trailerLine(long records) {
    return (int) records + 2;
  }

  /** Rows, amounts and traces of every clearing table, to compare before and after. */
  String snapshot() throws SQLException {
    try (Connection c = store.connection();
        Statement s = c.createStatement()) {
      StringBuilder b = new StringBuilder();
      for (String q :
          List.of(
              "SELECT COUNT(*), COALESCE(SUM(amount_minor), 0), MIN(durable_trace),"
                  + " MAX(durable_trace) FROM clearing_records",
              "SELECT COUNT(*), MIN(batch_id), MAX(batch_id) FROM clearing_batches",
              "SELECT COUNT(*), MIN(lines_committed), MAX(records_loaded) FROM clearing_files")) {
        try (ResultSet rs = s.executeQuery(q)) {
          rs.next();
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            b.append(rs.getString(i)).append('|');
          }
        }
      }
      return b.toString();
    }
  }

  long count(String sql) throws SQLException {
    try (Connection c = store.connection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void generatedFileRoundTrips() throws Exception {
    Path file = write("a.txt", generated("B-1", 1000, 7));
    ClearingIngest.Result r = ingest.ingest(file, ACQUIRER, ClearingIngest.QUIET);
    assertThat(r.records()).isEqualTo(1000);
    assertThat(r.loaded()).isEqualTo(1000);
    assertThat(r.skipped()).isZero();
    assertThat(r.resumedAfterLine()).isZero();
    assertThat(count("SELECT COUNT(*) FROM clearing_records WHERE batch_id = 'B-1'"))
        .isEqualTo(1000);
    assertThat(count("SELECT COUNT(DISTINCT durable_trace) FROM clearing_records")).isEqualTo(1000);
    assertThat(
            count(
                "SELECT COUNT(*) FROM clearing_files WHERE finished_at IS NOT NULL"
                    + " AND lines_committed = 1002 AND records_loaded = 1000"))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT COUNT(*) FROM clearing_batches WHERE batch_id = 'B-1' AND source = 'file'"
                    + " AND record_count = 1000"))
        .isEqualTo(1);
    // Every stored row equals what the reader reads from the file.
    List<ClearingRecord> expected = new ArrayList<>();
    try (var in = Files.newInputStream(file);
        ClearingFileReader reader = ClearingFileReader.open(in, false)) {
      ClearingRecord rec;
      while ((rec = reader.next()) != null) {
        expected.add(rec);
      }
    }
    try (Connection c = store.connection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT "
                    + String.join(", ", ClearingRows.CONTENT)
                    + ", ingested_at FROM clearing_records WHERE durable_trace = ?")) {
      for (ClearingRecord rec : List.of(expected.get(0), expected.get(500), expected.get(999))) {
        Object[] want = ClearingRows.content(rec);
        s.setString(1, rec.trace().value());
        try (ResultSet rs = s.executeQuery()) {
          assertThat(rs.next()).isTrue();
          for (int i = 0; i < want.length; i++) {
            Object got = rs.getObject(i + 1);
            if (want[i] instanceof Number) {
              assertThat(((Number) got).longValue()).isEqualTo(((Number) want[i]).longValue());
            } else {
              assertThat(got).as(ClearingRows.CONTENT.get(i)).isEqualTo(want[i]);
            }
          }
          assertThat(rs.getLong(want.length + 1)).isEqualTo(1_795_800_000L);
        }
      }
    }
  }

  @Test
  void noFullCardNumberIsStored() throws Exception {
    byte[] bytes = generated("B-PAN", 500, 11);
    Path file = write("pan.txt", bytes);
    ingest.ingest(file, ACQUIRER, ClearingIngest.QUIET);
    // Every full card number of the file, read from the bytes.
    List<String> pans = new ArrayList<>();
    for (String line : new String(bytes, StandardCharsets.US_ASCII).split("\n")) {
      if (line.startsWith("D")) {
        pans.add(line.substring(47, 66).strip());
      }
    }
    assertThat(pans).hasSize(500).allSatisfy(p -> assertThat(p).hasSize(16));
    List<String> stored = new ArrayList<>();
    try (Connection c = store.connection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM clearing_records")) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= columns; i++) {
          stored.add(String.valueOf(rs.getObject(i)));
        }
        assertThat(rs.getString("masked_pan")).matches("622202\\*{6}\\d{4}");
      }
    }
    String all = String.join("|", stored);
    for (String pan : pans) {
      assertThat(all).doesNotContain(pan).doesNotContain(pan.substring(0, 12));
    }
  }

  void assertRefused(
      Path file, InstitutionCode acquirer, Reason reason, long line, String field, String message)
      throws Exception {
    String before = snapshot();
    assertThatThrownBy(() -> ingest.ingest(file, acquirer, ClearingIngest.QUIET))
        .isInstanceOfSatisfying(
            ClearingFileException.class,
            e -> {
              assertThat(e.reasonCode()).isEqualTo(reason);
              assertThat(e.line()).isEqualTo(line);
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.getMessage()).isEqualTo(message);
            });
    assertThat(snapshot()).isEqualTo(before);
  }

  /** A store that already holds one good file, so that "unchanged" means something. */
  void preload() throws Exception {
    ingest.ingest(write("good.txt", generated("GOOD", 200, 99)), ACQUIRER, ClearingIngest.QUIET);
  }

  @Test
  void truncatedFileIsRefused() throws Exception {
    preload();
    byte[] good = generated("B-T", 1000, 1);
    Path mid = write("mid.txt", Arrays.copyOf(good, 54 + 1 + 179 * 700 + 50));
    assertRefused(
        mid,
        ACQUIRER,
        Reason.TRUNCATED,
        702,
        "",
        "line 702: the last line has no line feed: the file is truncated");
    Path noTrailer = write("nt.txt", Arrays.copyOf(good, 55 + 179 * 1000));
    assertRefused(
        noTrailer,
        ACQUIRER,
        Reason.TRUNCATED,
        1002,
        "",
        "line 1002: the file ends after line 1001 without a trailer record");
  }

  @Test
  void trailerControlsAreChecked() throws Exception {
    preload();
    byte[] good = generated("B-C", 1000, 2);
    int t = trailerLine(1000);
    assertRefused(
        write("count.txt", edit(good, t, ClearingFileFormat.Column.RECORD_COUNT, "0000000999")),
        ACQUIRER,
        Reason.COUNT_MISMATCH,
        t,
        "record_count",
        "line 1002, field record_count: the trailer states 999 records but the file holds 1000");
    String trailer = new String(good, good.length - 38, 37, StandardCharsets.US_ASCII);
    long total = Long.parseLong(trailer.substring(11, 29));
    String wrongTotal = String.format("%018d", total + 1);
    assertRefused(
        write("total.txt", edit(good, t, ClearingFileFormat.Column.TOTAL_AMOUNT, wrongTotal)),
        ACQUIRER,
        Reason.TOTAL_MISMATCH,
        t,
        "total_amount",
        "line 1002, field total_amount: the trailer states a total of "
            + (total + 1)
            + " minor units but the records add up to "
            + total);
    String crc = trailer.substring(29);
    String wrongCrc = crc.startsWith("0") ? "1" + crc.substring(1) : "0" + crc.substring(1);
    assertRefused(
        write("crc.txt", edit(good, t, ClearingFileFormat.Column.CHECKSUM, wrongCrc)),
        ACQUIRER,
        Reason.CHECKSUM_MISMATCH,
        t,
        "checksum",
        "line 1002, field checksum: the trailer states CRC-32C "
            + wrongCrc
            + " but the detail lines give "
            + crc);
    // A changed detail byte with an unchanged trailer: the checksum catches it.
    assertRefused(
        write("body.txt", edit(good, 400, ClearingFileFormat.Column.MCC, "0000")),
        ACQUIRER,
        Reason.CHECKSUM_MISMATCH,
        t,
        "checksum",
        "line 1002, field checksum: the trailer states CRC-32C "
            + crc
            + " but the detail lines give "
            + checksumOf(edit(good, 400, ClearingFileFormat.Column.MCC, "0000")));
  }

  static String checksumOf(byte[] file) {
    java.util.zip.CRC32C c = new java.util.zip.CRC32C();
    c.update(file, 55, file.length - 55 - 38);
    return ClearingFileReader.crcHex(c.getValue());
  }

  @Test
  void invalidFieldsNameTheirLineAndField() throws Exception {
    preload();
    byte[] good = generated("B-F", 1000, 3);
    assertRefused(
        write("stan.txt", edit(good, 5, ClearingFileFormat.Column.STAN, "00000A")),
        ACQUIRER,
        Reason.INVALID_FIELD,
        5,
        "stan",
        "line 5, field stan: system trace audit number must be exactly 6 digits, got 'A' at"
            + " position 6: \"00000A\"");
    assertRefused(
        write("pan.txt", edit(good, 777, ClearingFileFormat.Column.CARD_NUMBER, "62220212345x")),
        ACQUIRER,
        Reason.INVALID_FIELD,
        777,
        "card_number",
        "line 777, field card_number: card number must be 12 to 19 digits, got a character"
            + " other than 0-9 at position 12");
    assertRefused(
        write("time.txt", edit(good, 900, ClearingFileFormat.Column.TRANSACTION_TIME, "20261131")),
        ACQUIRER,
        Reason.INVALID_FIELD,
        900,
        "transaction_time",
        "line 900, field transaction_time: not a date and time: "
            + new String(
                edit(good, 900, ClearingFileFormat.Column.TRANSACTION_TIME, "20261131"),
                55 + 179 * 898 + 130,
                14,
                StandardCharsets.US_ASCII)
            + " (YYYYMMDDhhmmss, UTC+8)");
    assertRefused(
        write("cr.txt", edit(good, 10, ClearingFileFormat.Column.VOUCHER_NUMBER, "\r")),
        ACQUIRER,
        Reason.INVALID_FIELD,
        10,
        "voucher_number",
        "line 10, field voucher_number: byte 0x0D at column 147; only printable ASCII is allowed"
            + " (lines end with LF, not CRLF)");
    assertRefused(
        write("type.txt", edit(good, 3, ClearingFileFormat.Column.RECORD_TYPE, "X")),
        ACQUIRER,
        Reason.MALFORMED_LINE,
        3,
        "",
        "line 3: unknown record type 'X'; expected a detail ('D') or trailer ('T') record");
    assertRefused(
        write("tool.txt", edit(good, 20, ClearingFileFormat.Column.TOOL_TYPE, "07")),
        ACQUIRER,
        Reason.INVALID_FIELD,
        20,
        "tool_type",
        "line 20, field tool_type: must be 01, 02 or 03, got \"07\"");
  }

  @Test
  void unknownOrWrongAcquirerIsRefused() throws Exception {
    preload();
    Path file = write("a.txt", generated("B-A", 100, 4));
    assertRefused(
        file,
        InstitutionCode.of("99990000"),
        Reason.UNKNOWN_ACQUIRER,
        0,
        "",
        "acquirer 99990000 is not registered; register it before ingesting its files");
    registerAcquirer(InstitutionCode.of("99990000"));
    assertRefused(
        file,
        InstitutionCode.of("99990000"),
        Reason.ACQUIRER_MISMATCH,
        1,
        "acquirer_institution",
        "line 1, field acquirer_institution: the header names acquirer 48020000 but the file was"
            + " given as acquirer 99990000's");
  }

  @Test
  void theSameFileTwiceIsAlreadyIngestedAndAReusedBatchIdIsADuplicate() throws Exception {
    byte[] bytes = generated("B-D", 400, 5);
    Path file = write("d.txt", bytes);
    ClearingIngest.Result first = ingest.ingest(file, ACQUIRER, ClearingIngest.QUIET);
    assertRefused(
        write("d-copy.txt", bytes),
        ACQUIRER,
        Reason.ALREADY_INGESTED,
        0,
        "",
        "this file (SHA-256 "
            + first.sha256()
            + ") was already ingested as batch B-D of acquirer 48020000 (400 records loaded)");
    assertRefused(
        write("d2.txt", generated("B-D", 10, 6)),
        ACQUIRER,
        Reason.DUPLICATE_BATCH,
        1,
        "batch_id",
        "line 1, field batch_id: batch B-D of acquirer 48020000 was already received (source"
            + " file) with other content");
  }

  @Test
  void identicalRecordsAlreadyStoredAreSkipped() throws Exception {
    ingest.ingest(write("a.txt", generated("B-1", 1000, 8)), ACQUIRER, ClearingIngest.QUIET);
    // Same seed: the first 1000 records of this file are the same payments.
    ClearingIngest.Result r =
        ingest.ingest(write("b.txt", generated("B-2", 1500, 8)), ACQUIRER, ClearingIngest.QUIET);
    assertThat(r.loaded()).isEqualTo(500);
    assertThat(r.skipped()).isEqualTo(1000);
    assertThat(count("SELECT COUNT(*) FROM clearing_records")).isEqualTo(1500);
    assertThat(count("SELECT COUNT(*) FROM clearing_records WHERE batch_id = 'B-2'"))
        .isEqualTo(500);
  }

  @Test
  void aConflictingRecordFoundWhileLoadingUndoesTheWholeFile() throws Exception {
    ingest.ingest(write("a.txt", generated("B-1", 1000, 9)), ACQUIRER, ClearingIngest.QUIET);
    // The same payments but a different amount on line 1000 (chunk 4 of 300): chunks 1 to 3 are
    // committed by the time the conflict is found, and must be removed again.
    byte[] other = generated("B-2", 1200, 9);
    byte[] changed = edit(other, 1000, ClearingFileFormat.Column.AMOUNT, "999999999999");
    byte[] fixed = retrailer(changed);
    List<Long> committed = new ArrayList<>();
    String before = snapshot();
    assertThatThrownBy(
            () ->
                ingest.ingest(
                    write("b.txt", fixed),
                    ACQUIRER,
                    new ClearingIngest.Listener() {
                      @Override
                      public void committed(long lines, long loaded) {
                        committed.add(lines);
                      }
                    }))
        .isInstanceOfSatisfying(
            ClearingFileException.class,
            e -> {
              assertThat(e.reasonCode()).isEqualTo(Reason.CONFLICTING_RECORD);
              assertThat(e.line()).isEqualTo(1000);
              assertThat(e.field()).isEqualTo("amount_minor");
              assertThat(e.getMessage()).startsWith("line 1000, field amount_minor: durable trace");
            });
    assertThat(committed).containsExactly(301L, 601L, 901L);
    assertThat(snapshot()).isEqualTo(before);
  }

  /** Rewrites the trailer of {@code file} so that its controls match its detail lines. */
  static byte[] retrailer(byte[] file) {
    long count = (file.length - 55 - 38) / 179;
    long total = 0;
    for (int i = 0; i < count; i++) {
      int at = 55 + 179 * i + 66;
      total += Long.parseLong(new String(file, at, 12, StandardCharsets.US_ASCII));
    }
    byte[] trailer = ClearingFileWriter.trailerLine(count, total, checksumOf(file));
    byte[] out = file.clone();
    System.arraycopy(trailer, 0, out, file.length - 38, 38);
    return out;
  }

  @Test
  void anInterruptedIngestResumesWithoutDuplicates() throws Exception {
    Path file = write("r.txt", generated("B-R", 2000, 10));
    RuntimeException crash = new RuntimeException("simulated crash");
    Consumer<Long> noop = x -> {};
    assertThatThrownBy(
            () ->
                ingest.ingest(
                    file,
                    ACQUIRER,
                    new ClearingIngest.Listener() {
                      @Override
                      public void committed(long lines, long loaded) {
                        noop.accept(lines);
                        if (loaded >= 900) {
                          throw crash;
                        }
                      }
                    }))
        .isSameAs(crash);
    assertThat(count("SELECT COUNT(*) FROM clearing_records")).isEqualTo(900);
    assertThat(
            count(
                "SELECT COUNT(*) FROM clearing_files WHERE lines_committed = 901"
                    + " AND records_loaded = 900 AND finished_at IS NULL"))
        .isEqualTo(1);
    ClearingIngest.Result r = ingest.ingest(file, ACQUIRER, ClearingIngest.QUIET);
    assertThat(r.resumedAfterLine()).isEqualTo(901);
    assertThat(r.loaded()).isEqualTo(2000);
    assertThat(r.skipped()).isZero();
    assertThat(count("SELECT COUNT(*) FROM clearing_records")).isEqualTo(2000);
    assertThat(count("SELECT COUNT(DISTINCT durable_trace) FROM clearing_records")).isEqualTo(2000);
    assertThat(
            count(
                "SELECT COUNT(*) FROM clearing_files WHERE lines_committed = 2002"
                    + " AND records_loaded = 2000 AND finished_at IS NOT NULL"))
        .isEqualTo(1);
  }
}
