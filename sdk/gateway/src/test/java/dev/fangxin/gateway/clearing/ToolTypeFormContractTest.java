package dev.fangxin.gateway.clearing;

import static dev.fangxin.gateway.clearing.ClearingFixtures.ACQ;
import static dev.fangxin.gateway.clearing.ClearingFixtures.FWD;
import static dev.fangxin.gateway.clearing.ClearingFixtures.MID;
import static dev.fangxin.gateway.clearing.ClearingFixtures.TID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.gateway.clearing.file.ClearingFileHeader;
import dev.fangxin.gateway.clearing.file.ClearingFileWriter;
import dev.fangxin.gateway.clearing.file.ClearingIngest;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import dev.fangxin.gateway.testing.SettableClock;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push hook and the file ingest store a payment in one form: a record pushed and the same kind
 * of record ingested from a file read back identically, column by column and as values; the same
 * payment arriving by both ways is one record; and schema V11 rewrites rows stored earlier in the
 * proto enum form. Run on H2 and on PostgreSQL.
 */
abstract class ToolTypeFormContractTest {
  static final Instant T0 = Instant.ofEpochSecond(1_767_225_600L); // 2026-01-01T00:00:00Z
  static final long PAID = T0.getEpochSecond() + 3_600;

  @TempDir Path dir;
  Store store;
  SettableClock clock = new SettableClock(T0);

  abstract StoreConfig freshDatabase() throws Exception;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  void open(StoreConfig config) throws SQLException {
    store = Store.open(config);
    try (Connection c = store.connection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO acquirers (institution_code, name, created_at) VALUES (?, ?, 0)")) {
      s.setString(1, ACQ);
      s.setString(2, "Bank");
      s.executeUpdate();
    } catch (SQLException e) {
      if (!"23505".equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  /** Pushes records (as the push hook's writer does) in one batch. */
  void push(String batchId, int... stans) {
    List<ClearingRecord> list = new ArrayList<>();
    List<ClearingException.FieldError> errors = new ArrayList<>();
    for (int i = 0; i < stans.length; i++) {
      list.add(
          ClearingRecord.fromProto(ClearingFixtures.record(stans[i], PAID).build(), i, errors)
              .orElseThrow(() -> new AssertionError(errors.toString())));
    }
    ClearingRecords.on(store, clock)
        .insertBatch(InstitutionCode.of(ACQ), batchId, ClearingRecords.PUSH, new byte[32], list);
  }

  /** A clearing file holding the POS payments with {@code stans}, as ClearingFixtures builds. */
  Path file(String batchId, int... stans) throws Exception {
    Path p = dir.resolve(batchId + ".txt");
    try (OutputStream out = Files.newOutputStream(p);
        ClearingFileWriter w =
            ClearingFileWriter.start(
                out,
                ClearingFileHeader.of(
                    InstitutionCode.of(ACQ), LocalDate.of(2026, 1, 1), batchId))) {
      for (int stan : stans) {
        ClearingFileWriter.Detail d = new ClearingFileWriter.Detail();
        d.acquirer = ACQ;
        d.forwarding = FWD;
        d.stan = String.format("%06d", stan);
        d.transmissionTime = "0101083000";
        d.settlementDate = "20260101";
        d.cardNumber = "622202******1234";
        d.amount = 1250;
        d.currency = 156;
        d.messageType = "0200";
        d.processingCode = "000000";
        d.mcc = "5812";
        d.terminalId = TID;
        d.merchantNumber = MID;
        d.rrn = String.format("60010000%04d", stan % 10000);
        d.transactionTime =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
                .format(Instant.ofEpochSecond(PAID).atOffset(ZoneOffset.ofHours(8)));
        d.toolType = "01";
        w.detail(d);
      }
      w.finish();
    }
    return p;
  }

  void ingest(Path file) {
    ClearingIngest.on(store, clock).ingest(file, InstitutionCode.of(ACQ), ClearingIngest.QUIET);
  }

  static DurableTrace trace(int stan) {
    return DurableTrace.fromProto(ClearingFixtures.trace(ACQ, stan).build());
  }

  /**
   * Every column of the row of {@code stan} except the trace's own parts and where it came from.
   */
  List<String> row(int stan) throws SQLException {
    try (Connection c = store.connection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT acquirer_institution, forwarding_institution, transmission_time,"
                    + " settlement_date, merchant_number, terminal_id, amount_minor, currency,"
                    + " transaction_time, tool_type, voucher_number, masked_pan, message_type,"
                    + " processing_code, mcc FROM clearing_records WHERE durable_trace = ?")) {
      s.setString(1, trace(stan).value());
      try (ResultSet r = s.executeQuery()) {
        assertThat(r.next()).as("row of stan " + stan).isTrue();
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= 15; i++) {
          out.add(r.getString(i));
        }
        return out;
      }
    }
  }

  /** What the stored record of {@code stan} says, apart from its trace and RRN. */
  List<Object> value(int stan) {
    ClearingRecord r = ClearingRecords.on(store, clock).find(trace(stan)).orElseThrow();
    return List.of(
        r.acquirer(),
        r.merchantNumber(),
        r.terminalId(),
        r.amount(),
        r.transactionTime(),
        r.toolType(),
        r.voucher(),
        r.maskedPan(),
        r.messageType(),
        r.processingCode(),
        r.mcc());
  }

  @Test
  void pushedAndIngestedRecordsReadBackIdentically() throws Exception {
    open(freshDatabase());
    push("push-1", 1);
    ingest(file("file-1", 2));

    assertThat(row(2)).isEqualTo(row(1));
    assertThat(row(1).get(9)).isEqualTo("pos_terminal");
    assertThat(value(2)).isEqualTo(value(1));
  }

  @Test
  void aPaymentPushedThenFoundInTheDailyFileIsOneRecord() throws Exception {
    open(freshDatabase());
    push("push-1", 7);
    ClearingIngest.Result result =
        ClearingIngest.on(store, clock)
            .ingest(file("file-7", 7, 8), InstitutionCode.of(ACQ), ClearingIngest.QUIET);

    assertThat(result.skipped()).isEqualTo(1);
    assertThat(result.loaded()).isEqualTo(1);
    assertThat(row(8)).isEqualTo(row(7));
  }

  @Test
  void aPaymentIngestedThenPushedIsAcceptedAsTheSame() throws Exception {
    open(freshDatabase());
    ingest(file("file-9", 9));
    push("push-9", 9, 10);

    assertThat(ClearingRecords.on(store, clock).count()).isEqualTo(2);
    assertThat(row(10)).isEqualTo(row(9));
  }

  @Test
  void migrationElevenRewritesTheProtoEnumForm() throws Exception {
    StoreConfig config = freshDatabase();
    Flyway.configure()
        .dataSource(config.jdbcUrl(), config.user(), "")
        .locations("classpath:db/migration")
        .target("9")
        .load()
        .migrate();
    try (Connection c = java.sql.DriverManager.getConnection(config.jdbcUrl(), config.user(), "");
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO acquirers (institution_code, name, created_at) VALUES ('"
              + ACQ
              + "', 'Bank', 0)");
      String[] forms = {"TOOL_TYPE_POS_TERMINAL", "TOOL_TYPE_QR_DYNAMIC", "qr_collection_code"};
      for (int i = 0; i < forms.length; i++) {
        DurableTrace t = trace(20 + i);
        s.execute(
            "INSERT INTO clearing_records (durable_trace, acquirer_institution,"
                + " forwarding_institution, stan, transmission_time, settlement_date,"
                + " merchant_number, terminal_id, amount_minor, currency, transaction_time,"
                + " tool_type, batch_id, ingested_at) VALUES ('"
                + t.value()
                + "', '"
                + ACQ
                + "', '"
                + FWD
                + "', '"
                + String.format("%06d", 20 + i)
                + "', '0101083000', '20260101', '"
                + MID
                + "', '"
                + TID
                + "', 1250, 156, "
                + PAID
                + ", '"
                + forms[i]
                + "', 'old', 0)");
      }
    }
    open(config);

    List<String> stored = new ArrayList<>();
    for (int stan = 20; stan < 23; stan++) {
      stored.add(row(stan).get(9));
    }
    assertThat(stored).containsExactly("pos_terminal", "qr_dynamic", "qr_collection_code");
  }
}
