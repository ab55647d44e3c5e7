package dev.fangxin.gateway.clearing;

import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.MaskedPan;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.Rrn;
import dev.fangxin.core.id.SettlementDate;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.core.id.VoucherNumber;
import dev.fangxin.core.money.Money;
import dev.fangxin.gateway.clearing.ClearingException.FieldError;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreException;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The stored clearing records ({@code clearing_batches}, {@code clearing_records}): batches are
 * written all or nothing, records are read by durable trace, by RRN and settlement date, or by QR
 * voucher number.
 *
 * <p><b>Batches.</b> {@link #insertBatch} runs in one transaction. A batch ID already stored for
 * the acquirer with the same body hash is a replay (nothing written, {@link
 * BatchReceipt#replayed()} true); with another hash it is {@code clearing.batch_conflict}. A record
 * whose trace is stored with identical content (from an earlier batch, a file or the pull hook) is
 * accepted and left as it is; one stored with different content refuses the whole batch with {@code
 * clearing.record_conflict}, naming every such record by index.
 *
 * <p><b>Columns.</b> {@code settlement_date} holds {@code YYYYMMDD}; {@code tool_type} holds the
 * lower-case tool type ({@code pos_terminal}, {@code qr_collection_code}, {@code qr_dynamic});
 * reads also accept the proto enum names. Reads take the trace from {@code durable_trace}.
 *
 * <p>Thread-safe; each method is one transaction unless it takes a {@link Connection}.
 */
public final class ClearingRecords {
  /** Source of pushed batches. */
  public static final String PUSH = "push";

  /** Source of records the pull hook fetched (their batch ID is {@value #PULL_BATCH}). */
  public static final String PULL_BATCH = "pull";

  private static final String COLUMNS =
      "SELECT durable_trace, rrn, voucher_number, merchant_number, terminal_id, amount_minor,"
          + " currency, transaction_time, tool_type, masked_pan, message_type, processing_code,"
          + " mcc FROM clearing_records";

  private final Store store;
  private final Clock clock;

  private ClearingRecords(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Clearing records kept in {@code store}, timed by {@code clock}. */
  public static ClearingRecords on(Store store, Clock clock) {
    return new ClearingRecords(
        Objects.requireNonNull(store, "store == null"),
        Objects.requireNonNull(clock, "clock == null"));
  }

  /** The store. */
  public Store store() {
    return store;
  }

  /**
   * Stores a batch, all or nothing.
   *
   * @param source {@value #PUSH} or {@code "file"}
   * @param bodySha256 32 bytes: SHA-256 of the batch's canonical form
   * @param records the validated records, in batch order (at least one; all of {@code institution};
   *     no trace twice)
   * @throws ClearingException {@code UNKNOWN_ACQUIRER}, {@code BATCH_CONFLICT}, {@code
   *     RECORD_CONFLICT} (with each conflicting record's index and field {@code trace})
   */
  public BatchReceipt insertBatch(
      InstitutionCode institution,
      String batchId,
      String source,
      byte[] bodySha256,
      List<ClearingRecord> records) {
    Objects.requireNonNull(institution, "institution == null");
    Objects.requireNonNull(batchId, "batchId == null");
    Objects.requireNonNull(source, "source == null");
    Objects.requireNonNull(bodySha256, "bodySha256 == null");
    List<ClearingRecord> copy = List.copyOf(records);
    if (bodySha256.length != 32) {
      throw new IllegalArgumentException("bodySha256 must be 32 bytes.");
    }
    Set<DurableTrace> seen = new HashSet<>();
    for (ClearingRecord r : copy) {
      if (!r.acquirer().equals(institution)) {
        throw new IllegalArgumentException("A record of another acquirer: " + r + ".");
      }
      if (!seen.add(r.trace())) {
        throw new IllegalArgumentException("A trace twice in one batch: " + r + ".");
      }
    }
    Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    for (int attempt = 0; ; attempt++) {
      try {
        return store.inTransaction(
            tx -> insertBatch(tx, institution, batchId, source, bodySha256, copy, now));
      } catch (StoreException e) {
        // A concurrent insert of the same batch or trace: look again once, then give up.
        if (attempt > 0) {
          throw e;
        }
      }
    }
  }

  private BatchReceipt insertBatch(
      Connection tx,
      InstitutionCode institution,
      String batchId,
      String source,
      byte[] hash,
      List<ClearingRecord> records,
      Instant now)
      throws SQLException {
    if (Acquirers.find(tx, institution).isEmpty()) {
      throw Acquirers.unknown(institution);
    }
    try (PreparedStatement select =
        tx.prepareStatement(
            "SELECT body_sha256, record_count, received_at FROM clearing_batches"
                + " WHERE institution_code = ? AND batch_id = ?")) {
      select.setString(1, institution.value());
      select.setString(2, batchId);
      try (ResultSet row = select.executeQuery()) {
        if (row.next()) {
          if (!MessageDigest.isEqual(row.getBytes(1), hash)) {
            throw new ClearingException(
                ClearingException.Reason.BATCH_CONFLICT,
                "Batch "
                    + batchId
                    + " of acquirer "
                    + institution.value()
                    + " was accepted before with different content; a batch ID names one batch"
                    + " for good.");
          }
          return new BatchReceipt(
              institution, batchId, row.getInt(2), Instant.ofEpochSecond(row.getLong(3)), true);
        }
      }
    }
    List<FieldError> conflicts = new ArrayList<>();
    List<ClearingRecord> fresh = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      ClearingRecord r = records.get(i);
      Optional<ClearingRecord> existing = find(tx, r.trace());
      if (existing.isEmpty()) {
        fresh.add(r);
      } else if (!existing.get().equals(r)) {
        conflicts.add(
            FieldError.of(
                i,
                "trace",
                "trace "
                    + r.trace().value().trim()
                    + " is already stored with different content; a trace names one payment"
                    + " for good."));
      }
    }
    if (!conflicts.isEmpty()) {
      throw new ClearingException(
          ClearingException.Reason.RECORD_CONFLICT,
          conflicts.size() + " record(s) contradict stored records; nothing was stored.",
          conflicts);
    }
    try (PreparedStatement insert =
        tx.prepareStatement(
            "INSERT INTO clearing_batches (institution_code, batch_id, source, body_sha256,"
                + " record_count, received_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, institution.value());
      insert.setString(2, batchId);
      insert.setString(3, source);
      insert.setBytes(4, hash);
      insert.setInt(5, records.size());
      insert.setLong(6, now.getEpochSecond());
      insert.executeUpdate();
    }
    for (ClearingRecord r : fresh) {
      insertRecord(tx, r, batchId, now);
    }
    return new BatchReceipt(institution, batchId, records.size(), now, false);
  }

  /**
   * Stores one record fetched by the pull hook, unless its trace is already stored (then the stored
   * one wins and is returned).
   *
   * @return the record now stored for the trace
   */
  public ClearingRecord insertPulled(ClearingRecord record) {
    Objects.requireNonNull(record, "record == null");
    Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    for (int attempt = 0; ; attempt++) {
      try {
        return store.inTransaction(
            tx -> {
              Optional<ClearingRecord> existing = find(tx, record.trace());
              if (existing.isPresent()) {
                return existing.get();
              }
              insertRecord(tx, record, PULL_BATCH, now);
              return record;
            });
      } catch (StoreException e) {
        if (attempt > 0) {
          throw e;
        }
      }
    }
  }

  private static void insertRecord(Connection tx, ClearingRecord r, String batchId, Instant now)
      throws SQLException {
    try (PreparedStatement insert =
        tx.prepareStatement(
            "INSERT INTO clearing_records (durable_trace, acquirer_institution,"
                + " forwarding_institution, stan, transmission_time, settlement_date, rrn,"
                + " merchant_number, terminal_id, amount_minor, currency, transaction_time,"
                + " tool_type, voucher_number, masked_pan, message_type, processing_code, mcc,"
                + " batch_id, ingested_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      DurableTrace t = r.trace();
      insert.setString(1, t.value());
      insert.setString(2, t.settleKey().acquirer().value());
      insert.setString(3, t.settleKey().forwarding().value());
      insert.setString(4, t.settleKey().stan().value());
      insert.setString(5, t.settleKey().transmissionTime().value());
      insert.setString(6, String.format("%04d", t.year()) + t.settlementDate().value());
      setOptional(insert, 7, r.rrn().map(Rrn::value));
      insert.setString(8, r.merchantNumber().value());
      setOptional(insert, 9, r.terminalId().map(TerminalId::value));
      insert.setLong(10, r.amount().minorUnits());
      insert.setInt(11, r.amount().currency());
      insert.setLong(12, r.transactionTime().getEpochSecond());
      insert.setString(13, ClearingRecord.toolTypeCode(r.toolType()));
      setOptional(insert, 14, r.voucher().map(VoucherNumber::value));
      setOptional(insert, 15, r.maskedPan().map(MaskedPan::value));
      setOptional(insert, 16, r.messageType());
      setOptional(insert, 17, r.processingCode());
      setOptional(insert, 18, r.mcc());
      insert.setString(19, batchId);
      insert.setLong(20, now.getEpochSecond());
      insert.executeUpdate();
    }
  }

  private static void setOptional(PreparedStatement s, int i, Optional<String> v)
      throws SQLException {
    if (v.isPresent()) {
      s.setString(i, v.get());
    } else {
      s.setNull(i, Types.VARCHAR);
    }
  }

  /** The record of {@code trace}, if stored. */
  public Optional<ClearingRecord> find(DurableTrace trace) {
    Objects.requireNonNull(trace, "trace == null");
    return store.inTransaction(tx -> find(tx, trace));
  }

  /** The record of {@code trace} read in {@code tx}, if stored. */
  public Optional<ClearingRecord> find(Connection tx, DurableTrace trace) throws SQLException {
    try (PreparedStatement select = tx.prepareStatement(COLUMNS + " WHERE durable_trace = ?")) {
      select.setString(1, trace.value());
      List<ClearingRecord> rows = read(select);
      return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }
  }

  /**
   * The records with {@code rrn} settled on {@code date} (any year), oldest settlement first. An
   * RRN is unique per acquirer and day only, so several may match.
   */
  public List<ClearingRecord> findByRrn(Rrn rrn, SettlementDate date) {
    Objects.requireNonNull(rrn, "rrn == null");
    Objects.requireNonNull(date, "date == null");
    return store.inTransaction(
        tx -> {
          try (PreparedStatement select =
              tx.prepareStatement(COLUMNS + " WHERE rrn = ? ORDER BY durable_trace")) {
            select.setString(1, rrn.value());
            List<ClearingRecord> matching = new ArrayList<>();
            for (ClearingRecord r : read(select)) {
              if (r.trace().settlementDate().equals(date)) {
                matching.add(r);
              }
            }
            return matching;
          }
        });
  }

  /** The records with QR voucher number {@code voucher}. */
  public List<ClearingRecord> findByVoucher(VoucherNumber voucher) {
    Objects.requireNonNull(voucher, "voucher == null");
    return store.inTransaction(
        tx -> {
          try (PreparedStatement select =
              tx.prepareStatement(COLUMNS + " WHERE voucher_number = ? ORDER BY durable_trace")) {
            select.setString(1, voucher.value());
            return read(select);
          }
        });
  }

  /**
   * How far a payment's clearing time may lie from the time a receipt or a consumer gives for it
   * and still be taken for it: 10 minutes either way. Terminal clocks drift and a consumer recalls
   * a time roughly; the amount and the merchant number keep the window selective.
   */
  public static final java.time.Duration MATCH_WINDOW = java.time.Duration.ofMinutes(10);

  /**
   * The records that cleared under {@code identity} for exactly {@code amount} with a transaction
   * time within {@link #MATCH_WINDOW} of {@code around} (bounds included), earliest first, at most
   * {@code limit}. Read in the caller's transaction {@code tx}; uses the index on {@code
   * (merchant_number, transaction_time)}.
   */
  public List<ClearingRecord> findPayments(
      Connection tx, ClearingIdentity identity, Money amount, Instant around, int limit)
      throws SQLException {
    Objects.requireNonNull(tx, "tx == null");
    Objects.requireNonNull(identity, "identity == null");
    Objects.requireNonNull(amount, "amount == null");
    Objects.requireNonNull(around, "around == null");
    long at = around.getEpochSecond();
    long window = MATCH_WINDOW.getSeconds();
    try (PreparedStatement select =
        tx.prepareStatement(
            COLUMNS
                + " WHERE merchant_number = ? AND transaction_time >= ? AND transaction_time <= ?"
                + " AND acquirer_institution = ? AND amount_minor = ? AND currency = ?"
                + " ORDER BY transaction_time, durable_trace")) {
      select.setString(1, identity.merchantNumber().value());
      select.setLong(2, at - window);
      select.setLong(3, at + window);
      select.setString(4, identity.acquirer().value());
      select.setLong(5, amount.minorUnits());
      select.setInt(6, amount.currency());
      List<ClearingRecord> out = new ArrayList<>();
      for (ClearingRecord r : read(select)) {
        if (identity.matches(r) && out.size() < limit) {
          out.add(r);
        }
      }
      return out;
    }
  }

  /**
   * {@link #findPayments(Connection, ClearingIdentity, Money, Instant, int)} in its own
   * transaction.
   */
  public List<ClearingRecord> findPayments(
      ClearingIdentity identity, Money amount, Instant around, int limit) {
    return store.inTransaction(tx -> findPayments(tx, identity, amount, around, limit));
  }

  /** How many records are stored (for operators and tests). */
  public long count() {
    return store.inTransaction(
        tx -> {
          try (PreparedStatement s = tx.prepareStatement("SELECT COUNT(*) FROM clearing_records");
              ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
          }
        });
  }

  private static List<ClearingRecord> read(PreparedStatement select) throws SQLException {
    List<ClearingRecord> list = new ArrayList<>();
    try (ResultSet row = select.executeQuery()) {
      while (row.next()) {
        String rrn = row.getString(2);
        String voucher = row.getString(3);
        String tid = row.getString(5);
        String pan = row.getString(10);
        list.add(
            ClearingRecord.builder(DurableTrace.parse(row.getString(1)))
                .rrn(rrn == null ? null : Rrn.of(rrn))
                .voucher(voucher == null ? null : VoucherNumber.of(voucher))
                .merchantNumber(MerchantNumber.of(row.getString(4)))
                .terminalId(tid == null ? null : TerminalId.of(tid))
                .amount(Money.of(row.getLong(6), row.getInt(7)))
                .transactionTime(Instant.ofEpochSecond(row.getLong(8)))
                .toolType(ClearingRecord.parseToolType(row.getString(9)))
                .maskedPan(pan == null ? null : MaskedPan.of(pan))
                .messageType(row.getString(11))
                .processingCode(row.getString(12))
                .mcc(row.getString(13))
                .build());
      }
    }
    return list;
  }
}
