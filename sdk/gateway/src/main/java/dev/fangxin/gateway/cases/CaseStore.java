package dev.fangxin.gateway.cases;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.money.Money;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.protocol.v1.CaseState;
import dev.fangxin.protocol.v1.ResponseKind;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Persists cases: the {@code cases} row, the {@code audit} trail (one row per transition, plus one
 * with no {@code from_state} for the creation), and the {@code open_receipts} row that makes "one
 * open case per receipt" a primary-key constraint.
 *
 * <p>Every method works inside the caller's transaction ({@code tx}) and neither commits nor rolls
 * back; {@link CaseService} is the one caller that composes them with the outbox. Every value is a
 * bound SQL parameter. Safe to use from many threads, each with its own connection.
 *
 * <p><b>Concurrent writers.</b> {@link #find} with {@code forUpdate} takes a row lock ({@code
 * SELECT ... FOR UPDATE}) that serializes writers of one case on both databases; {@link #update}
 * also checks, in its {@code WHERE} clause, that the row still has the state and {@code updated_at}
 * it was read with, so a writer that skipped the lock cannot overwrite a newer state: it gets
 * {@link CaseException.Reason#CONCURRENT_UPDATE} instead.
 *
 * <p>Times are whole UTC epoch seconds; records handed in must have whole-second times (the
 * service's lifecycle runs on a clock that ticks in seconds), so what is read back equals what was
 * written.
 */
public final class CaseStore {
  /** SQLSTATE of a unique or primary-key violation, on PostgreSQL and H2 alike. */
  static final String UNIQUE_VIOLATION = "23505";

  private static final String COLUMNS =
      "SELECT id, merchant_id, state, created_at, updated_at, deadline_at, tool_id, payload,"
          + " response_kind, response_message, response_amount, response_currency,"
          + " access_secret_hash, access_salt, idempotency_fingerprint FROM cases";

  private static final String OPEN_STATES = "('received', 'delivered', 'acknowledged', 'answered')";
  private static final String WAITING_STATES = "('received', 'delivered', 'acknowledged')";

  private final Store store;

  private CaseStore(Store store) {
    this.store = store;
  }

  /** A case store on {@code store}. */
  public static CaseStore on(Store store) {
    return new CaseStore(Objects.requireNonNull(store, "store == null"));
  }

  /** The store this case store writes to. */
  public Store store() {
    return store;
  }

  /**
   * Inserts a new case in {@code RECEIVED}: its row, its open-receipt row and its creation audit
   * row (actor {@code consumer}, no from-state).
   *
   * @param record a fresh record from {@link CaseLifecycle#open}, with no transitions
   * @throws SQLException as the driver throws it; a unique violation (SQLSTATE {@value
   *     #UNIQUE_VIOLATION}) means the idempotency key is taken or the receipt already has an open
   *     case, and leaves the transaction unusable on PostgreSQL: roll back and look again
   */
  public void insert(Connection tx, CaseRecord record, NewCase c) throws SQLException {
    insertAll(tx, List.of(record), List.of(c));
  }

  /**
   * Inserts several new cases as {@link #insert} does each, in one JDBC batch per table (three
   * round trips on PostgreSQL with {@code reWriteBatchedInserts}, whatever the number of cases).
   * Runs on the calling thread; does not commit.
   *
   * @param records fresh records from {@link CaseLifecycle#open}, the i-th for the i-th case
   * @throws SQLException as the driver throws it; a unique violation on any row fails the whole
   *     batch and leaves the transaction unusable on PostgreSQL: roll back, then insert the rows
   *     one by one to find the one that conflicts
   */
  public void insertAll(Connection tx, List<CaseRecord> records, List<NewCase> cases)
      throws SQLException {
    Objects.requireNonNull(tx, "tx == null");
    Objects.requireNonNull(records, "records == null");
    Objects.requireNonNull(cases, "cases == null");
    if (records.size() != cases.size()) {
      throw new IllegalArgumentException(
          "insertAll takes one record per case, got "
              + records.size()
              + " records for "
              + cases.size()
              + " cases");
    }
    for (int i = 0; i < records.size(); i++) {
      CaseRecord record = Objects.requireNonNull(records.get(i), "record == null");
      NewCase c = Objects.requireNonNull(cases.get(i), "c == null");
      if (!record.transitions().isEmpty() || !record.id().equals(c.caseId())) {
        throw new IllegalArgumentException("insert takes a fresh record of case " + c.caseId());
      }
    }
    if (records.isEmpty()) {
      return;
    }
    try (PreparedStatement insert =
        tx.prepareStatement(
            "INSERT INTO cases (id, merchant_id, state, created_at, updated_at, idempotency_key,"
                + " receipt_key_id, receipt_sequence, payload, access_secret_hash, deadline_at,"
                + " tool_id, idempotency_fingerprint, access_salt)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (int i = 0; i < records.size(); i++) {
        CaseRecord record = records.get(i);
        NewCase c = cases.get(i);
        JsonObject payload = new JsonObject();
        payload.add("complaint", c.complaint().toJson());
        payload.add("receipt", c.receipt().toJson());
        insert.setString(1, record.id());
        insert.setString(2, record.merchantId());
        insert.setString(3, CaseCodes.state(record.state()));
        insert.setLong(4, seconds(record.createdAt()));
        insert.setLong(5, seconds(record.updatedAt()));
        insert.setString(6, c.idempotencyKeyHash());
        insert.setBytes(7, c.receipt().receiptKey());
        insert.setLong(8, c.receipt().receiptSequence());
        insert.setBytes(9, payload.toString().getBytes(StandardCharsets.UTF_8));
        insert.setBytes(10, c.accessSecretHash());
        insert.setLong(11, seconds(record.merchantDeadline()));
        insert.setString(12, c.receipt().toolId());
        insert.setBytes(13, c.requestFingerprint());
        insert.setBytes(14, c.accessSalt());
        insert.addBatch();
      }
      insert.executeBatch();
    }
    try (PreparedStatement open =
        tx.prepareStatement(
            "INSERT INTO open_receipts (receipt_key_id, receipt_sequence, case_id)"
                + " VALUES (?, ?, ?)")) {
      for (int i = 0; i < records.size(); i++) {
        NewCase c = cases.get(i);
        open.setBytes(1, c.receipt().receiptKey());
        open.setLong(2, c.receipt().receiptSequence());
        open.setString(3, records.get(i).id());
        open.addBatch();
      }
      open.executeBatch();
    }
    try (PreparedStatement audit = tx.prepareStatement(INSERT_AUDIT)) {
      for (CaseRecord record : records) {
        bindAudit(
            audit, record.id(), record.createdAt(), "consumer", null, record.state(), "filed");
        audit.addBatch();
      }
      audit.executeBatch();
    }
  }

  /**
   * The case with {@code caseId}, if any, with its whole audit trail; with {@code forUpdate}, its
   * row stays locked until {@code tx} ends.
   *
   * @throws CaseException {@code CORRUPT_RECORD} if the stored rows are inconsistent
   */
  public Optional<StoredCase> find(Connection tx, String caseId, boolean forUpdate)
      throws SQLException {
    Objects.requireNonNull(caseId, "caseId == null");
    try (PreparedStatement select =
        tx.prepareStatement(COLUMNS + " WHERE id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
      select.setString(1, caseId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(read(tx, row)) : Optional.empty();
      }
    }
  }

  /** {@link #find} without a lock, in a snapshot transaction of its own. */
  public Optional<StoredCase> load(String caseId) {
    return store.inSnapshot(tx -> find(tx, caseId, false));
  }

  /** The ID of the case filed under idempotency key hash {@code keyHash}, if any. */
  public Optional<String> caseIdForIdempotencyKey(Connection tx, String keyHash)
      throws SQLException {
    try (PreparedStatement select =
        tx.prepareStatement("SELECT id FROM cases WHERE idempotency_key = ?")) {
      select.setString(1, keyHash);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
      }
    }
  }

  /** The ID of the open case about receipt ({@code keyId}, {@code sequence}), if any. */
  public Optional<String> openCaseFor(Connection tx, KeyId keyId, long sequence)
      throws SQLException {
    return openCaseFor(tx, keyId.toBytes(), sequence);
  }

  /**
   * The ID of the open case about the payment {@link ReceiptSummary#receiptKey()}, {@link
   * ReceiptSummary#receiptSequence()}, if any.
   */
  public Optional<String> openCaseFor(Connection tx, byte[] receiptKey, long sequence)
      throws SQLException {
    try (PreparedStatement select =
        tx.prepareStatement(
            "SELECT case_id FROM open_receipts WHERE receipt_key_id = ? AND receipt_sequence = ?")) {
      select.setBytes(1, receiptKey);
      select.setLong(2, sequence);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
      }
    }
  }

  /**
   * Moves every case of {@code reasons} (case ID to audit reason) that is still in {@code from},
   * and was last updated no later than {@code at}, to {@code to} at {@code at}, with one audit row
   * each (actor {@code system}); any other case is left alone. Two JDBC batches whatever the number
   * of cases: for system transitions that change only the state and time (not final, no answer),
   * such as {@code RECEIVED → DELIVERED}. Cases are locked in the map's iteration order; pass a
   * sorted map so concurrent callers cannot deadlock.
   *
   * @return the IDs of the cases moved, in the map's order
   * @throws IllegalArgumentException if the lifecycle has no such transition, or {@code to} is
   *     final
   */
  public List<String> moveAll(
      Connection tx, Map<String, String> reasons, CaseState from, CaseState to, Instant at)
      throws SQLException {
    Objects.requireNonNull(tx, "tx == null");
    Objects.requireNonNull(reasons, "reasons == null");
    Objects.requireNonNull(at, "at == null");
    if (CaseLifecycle.isFinal(to)) {
      throw new IllegalArgumentException("moveAll cannot close cases, asked for " + to + ".");
    }
    List<String> ids = new ArrayList<>(reasons.keySet());
    List<String> moved = new ArrayList<>();
    if (ids.isEmpty()) {
      return moved;
    }
    try (PreparedStatement update =
        tx.prepareStatement(
            "UPDATE cases SET state = ?, updated_at = ? WHERE id = ? AND state = ?"
                + " AND updated_at <= ?")) {
      for (String id : ids) {
        update.setString(1, CaseCodes.state(to));
        update.setLong(2, seconds(at));
        update.setString(3, id);
        update.setString(4, CaseCodes.state(from));
        update.setLong(5, seconds(at));
        update.addBatch();
      }
      int[] counts = update.executeBatch();
      for (int i = 0; i < ids.size(); i++) {
        if (counts[i] == 1) {
          moved.add(ids.get(i));
        }
      }
    }
    if (!moved.isEmpty()) {
      try (PreparedStatement audit = tx.prepareStatement(INSERT_AUDIT)) {
        for (String id : moved) {
          bindAudit(audit, id, at, "system", from, to, reasons.get(id));
          audit.addBatch();
        }
        audit.executeBatch();
      }
    }
    return moved;
  }

  /**
   * Writes {@code after}, which must be {@code before.record()} plus one or more transitions: the
   * new state, time and answer on the row (only if the row still has {@code before}'s state and
   * time), an audit row per new transition, and, when {@code after} is final, the removal of the
   * receipt's open-receipt row.
   *
   * @param amount the answer's amount, for a MERCHANT_ANSWERED transition
   * @throws CaseException {@code CONCURRENT_UPDATE} if the row changed since {@code before} was
   *     read
   */
  public void update(Connection tx, StoredCase before, CaseRecord after, Optional<Money> amount)
      throws SQLException {
    Objects.requireNonNull(before, "before == null");
    Objects.requireNonNull(after, "after == null");
    Objects.requireNonNull(amount, "amount == null");
    CaseRecord old = before.record();
    List<Transition> added =
        after.transitions().subList(old.transitions().size(), after.transitions().size());
    if (!after.id().equals(old.id()) || added.isEmpty()) {
      throw new IllegalArgumentException("update takes the same case with new transitions.");
    }
    Optional<Money> newAmount = amount.isPresent() ? amount : before.responseAmount();
    try (PreparedStatement update =
        tx.prepareStatement(
            "UPDATE cases SET state = ?, updated_at = ?, response_kind = ?, response_message = ?,"
                + " response_amount = ?, response_currency = ?"
                + " WHERE id = ? AND state = ? AND updated_at = ?")) {
      update.setString(1, CaseCodes.state(after.state()));
      update.setLong(2, seconds(after.updatedAt()));
      setNullable(update, 3, after.lastResponseKind().map(CaseCodes::kind));
      setNullable(update, 4, after.lastResponseMessage());
      if (newAmount.isPresent()) {
        update.setLong(5, newAmount.get().minorUnits());
        update.setInt(6, newAmount.get().currency());
      } else {
        update.setNull(5, Types.BIGINT);
        update.setNull(6, Types.INTEGER);
      }
      update.setString(7, old.id());
      update.setString(8, CaseCodes.state(old.state()));
      update.setLong(9, seconds(old.updatedAt()));
      if (update.executeUpdate() != 1) {
        throw new CaseException(
            CaseException.Reason.CONCURRENT_UPDATE,
            "Case "
                + old.id()
                + " changed while this request was handling it (it is no longer "
                + CaseCodes.state(old.state())
                + " as of "
                + old.updatedAt()
                + "); read it again and retry.",
            old.id());
      }
    }
    for (Transition t : added) {
      insertAudit(tx, old.id(), t.at(), actorCode(t.actor()), t.from(), t.to(), t.reason());
    }
    if (CaseLifecycle.isFinal(after.state())) {
      try (PreparedStatement delete =
          tx.prepareStatement("DELETE FROM open_receipts WHERE case_id = ?")) {
        delete.setString(1, old.id());
        delete.executeUpdate();
      }
    }
  }

  /**
   * Cases newest first: of {@code merchantId} if given, in {@code state} if given, at most {@code
   * limit}.
   */
  public List<StoredCase> list(
      Connection tx, Optional<String> merchantId, Optional<CaseState> state, int limit)
      throws SQLException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, got " + limit + ".");
    }
    StringBuilder sql = new StringBuilder(COLUMNS).append(" WHERE 1 = 1");
    merchantId.ifPresent(m -> sql.append(" AND merchant_id = ?"));
    state.ifPresent(s -> sql.append(" AND state = ?"));
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
    List<StoredCase> out = new ArrayList<>();
    try (PreparedStatement select = tx.prepareStatement(sql.toString())) {
      int i = 1;
      if (merchantId.isPresent()) {
        select.setString(i++, merchantId.get());
      }
      if (state.isPresent()) {
        select.setString(i++, CaseCodes.state(state.get()));
      }
      select.setInt(i, limit);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          out.add(read(tx, row));
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * IDs of cases still waiting for their merchant ({@code received}, {@code delivered} or {@code
   * acknowledged}) whose deadline is at or before {@code now}, earliest deadline first.
   */
  public List<String> dueForDeadline(Connection tx, Instant now, int limit) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement select =
        tx.prepareStatement(
            "SELECT id FROM cases WHERE state IN "
                + WAITING_STATES
                + " AND deadline_at <= ? ORDER BY deadline_at, id LIMIT ?")) {
      select.setLong(1, now.getEpochSecond());
      select.setInt(2, limit);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          out.add(row.getString(1));
        }
      }
    }
    return List.copyOf(out);
  }

  /** How many cases are open (not resolved, not escalated). */
  public long countOpen(Connection tx) throws SQLException {
    try (PreparedStatement select =
            tx.prepareStatement("SELECT COUNT(*) FROM cases WHERE state IN " + OPEN_STATES);
        ResultSet row = select.executeQuery()) {
      row.next();
      return row.getLong(1);
    }
  }

  // ------------------------------------------------------------------ rows

  private StoredCase read(Connection tx, ResultSet row) throws SQLException {
    String id = row.getString(1);
    try {
      String stateCode = row.getString(3);
      CaseState state =
          CaseCodes.parseState(stateCode)
              .orElseThrow(() -> new IllegalArgumentException("unknown state " + stateCode));
      Optional<ResponseKind> kind =
          Optional.ofNullable(row.getString(9))
              .map(k -> CaseCodes.parseKind(k).orElseThrow(() -> new IllegalArgumentException(k)));
      long amount = row.getLong(11);
      Optional<Money> responseAmount =
          row.wasNull() ? Optional.empty() : Optional.of(Money.of(amount, row.getInt(12)));
      JsonObject payload =
          JsonParser.parseString(new String(row.getBytes(8), StandardCharsets.UTF_8))
              .getAsJsonObject();
      CaseRecord record =
          CaseRecord.restore(
              id,
              row.getString(2),
              state,
              Instant.ofEpochSecond(row.getLong(4)),
              Instant.ofEpochSecond(row.getLong(5)),
              Instant.ofEpochSecond(row.getLong(6)),
              kind,
              Optional.ofNullable(row.getString(10)),
              transitions(tx, id));
      return StoredCase.of(
          record,
          row.getString(7),
          ReceiptSummary.fromJson(payload.getAsJsonObject("receipt")),
          ComplaintDetails.fromJson(payload.getAsJsonObject("complaint")),
          responseAmount,
          row.getBytes(13),
          row.getBytes(14),
          row.getBytes(15));
    } catch (RuntimeException e) {
      if (e instanceof CaseException) {
        throw e;
      }
      throw new CaseException(
          CaseException.Reason.CORRUPT_RECORD,
          "Case " + id + " does not read back as a consistent record: " + e.getMessage(),
          e);
    }
  }

  private static List<Transition> transitions(Connection tx, String caseId) throws SQLException {
    List<Transition> out = new ArrayList<>();
    try (PreparedStatement select =
        tx.prepareStatement(
            "SELECT at, actor, from_state, to_state, reason FROM audit WHERE case_id = ?"
                + " ORDER BY id")) {
      select.setString(1, caseId);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          String from = row.getString(3);
          if (from == null) {
            continue; // the creation row
          }
          out.add(
              Transition.of(
                  Instant.ofEpochSecond(row.getLong(1)),
                  parseActor(row.getString(2)),
                  CaseCodes.parseState(from).orElseThrow(),
                  CaseCodes.parseState(row.getString(4)).orElseThrow(),
                  row.getString(5)));
        }
      }
    }
    return out;
  }

  private static final String INSERT_AUDIT =
      "INSERT INTO audit (case_id, at, actor, from_state, to_state, reason)"
          + " VALUES (?, ?, ?, ?, ?, ?)";

  private static void insertAudit(
      Connection tx,
      String caseId,
      Instant at,
      String actor,
      CaseState from,
      CaseState to,
      String reason)
      throws SQLException {
    try (PreparedStatement insert = tx.prepareStatement(INSERT_AUDIT)) {
      bindAudit(insert, caseId, at, actor, from, to, reason);
      insert.executeUpdate();
    }
  }

  private static void bindAudit(
      PreparedStatement insert,
      String caseId,
      Instant at,
      String actor,
      CaseState from,
      CaseState to,
      String reason)
      throws SQLException {
    insert.setString(1, caseId);
    insert.setLong(2, seconds(at));
    insert.setString(3, actor);
    setNullable(insert, 4, Optional.ofNullable(from).map(CaseCodes::state));
    insert.setString(5, CaseCodes.state(to));
    insert.setString(6, reason);
  }

  /**
   * The audit column's form of an actor: {@code system}, {@code consumer}, {@code regulator} or
   * {@code merchant:<id>}.
   */
  public static String actorCode(Actor actor) {
    switch (actor.kind()) {
      case MERCHANT:
        return "merchant:" + actor.merchantId().orElseThrow();
      default:
        return actor.kind().name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  static Actor parseActor(String code) {
    if (code.startsWith("merchant:")) {
      return Actor.merchant(code.substring("merchant:".length()));
    }
    switch (code) {
      case "system":
        return Actor.system();
      case "consumer":
        return Actor.consumer();
      case "regulator":
        return Actor.regulator();
      default:
        throw new IllegalArgumentException("unknown audit actor \"" + code + "\"");
    }
  }

  private static long seconds(Instant t) {
    if (t.getNano() != 0) {
      throw new IllegalArgumentException(
          "Case times are stored as whole seconds; " + t + " has a fraction.");
    }
    return t.getEpochSecond();
  }

  private static void setNullable(PreparedStatement s, int index, Optional<String> value)
      throws SQLException {
    if (value.isPresent()) {
      s.setString(index, value.get());
    } else {
      s.setNull(index, Types.VARCHAR);
    }
  }

  static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException && UNIQUE_VIOLATION.equals(((SQLException) t).getSQLState())) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
