package dev.fangxin.gateway.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The transactional outbox: events written in the same transaction as the state they announce, and
 * claimed by delivery workers with a lease.
 *
 * <p><b>Claiming.</b> {@link #claim} runs one transaction that selects due rows (on PostgreSQL with
 * {@code SELECT ... FOR UPDATE SKIP LOCKED}; on H2, whose database belongs to one process, with a
 * plain read while this queue lets no other claim run, since H2 locks every matching row before
 * applying the limit), then claims them all with one conditional {@code UPDATE ... WHERE id IN
 * (...) AND} <i>still claimable</i>; if that updates fewer rows than were selected, it reads back
 * which ones it claimed and keeps only those. The lock makes concurrent workers pass over each
 * other's rows instead of waiting; the re-checked condition makes the claim correct even where a
 * database's locking read returns a row that another transaction claimed and committed in the
 * meantime. A row is claimable when it is neither delivered nor dead, its {@code due_at} has come,
 * and it is unclaimed or its lease has lapsed.
 *
 * <p><b>Delivery semantics.</b> At least once: a worker that stalls past its lease may deliver a
 * row that another worker has claimed again. Receivers de-duplicate by {@link
 * OutboxItem#webhookId()}, which replays keep. {@link #markDelivered} and {@link #reschedule} do
 * not check who holds the claim for that reason.
 *
 * <p>Times are stored as whole UTC epoch seconds; instants are truncated, leases rounded up. Safe
 * to use from many threads and from many gateway nodes sharing one PostgreSQL database.
 */
public final class OutboxQueue {
  // COALESCE rather than two IS NULL tests: no plan may then prefer the dead_at index (which
  // finds every pending row) to outbox_claim_ix, whatever the planner's statistics say.
  private static final String CLAIMABLE =
      "COALESCE(delivered_at, dead_at) IS NULL AND due_at <= ?"
          + " AND (claimed_until IS NULL OR claimed_until <= ?)";

  private static final String SELECT_DUE =
      "SELECT id, case_id, event_type, payload, created_at, due_at, attempts, target,"
          + " merchant_id, webhook_id FROM outbox WHERE finished = FALSE AND "
          + CLAIMABLE
          + " ORDER BY finished, due_at, id LIMIT ?";

  // H2 2.x reads and locks every matching row before it applies LIMIT to a locking read, so there
  // a claim of 8 rows from a backlog of 80,000 took 0.66 s; its plain read stops after 8 index
  // entries. An H2 database belongs to one process, so its claims are serialized in the JVM
  // instead (H2_CLAIMS).
  private static final String LOCKING = " FOR UPDATE SKIP LOCKED";

  /** The longest lease accepted: a day. */
  public static final Duration MAX_LEASE = Duration.ofDays(1);

  /** The most rows one {@link #claim} takes. */
  public static final int MAX_CLAIM = 1000;

  private static final String INSERT_ROW =
      "INSERT INTO outbox (case_id, event_type, payload, created_at, due_at, attempts,"
          + " target, merchant_id, webhook_id) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)";
  private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Store store;
  // One lock per H2 database, shared by every Store opened on it in this JVM.
  private static final java.util.concurrent.ConcurrentMap<String, Object> H2_CLAIMS =
      new java.util.concurrent.ConcurrentHashMap<>();

  OutboxQueue(Store store) {
    this.store = store;
  }

  /**
   * Adds an event for merchant {@code merchantId}, due at {@code createdAt}, inside the caller's
   * transaction: it becomes visible, and claimable, only when {@code tx} commits, and vanishes if
   * {@code tx} rolls back. Delivery sends it to the merchant's endpoint as it is when the attempt
   * is made. Runs on the calling thread; does not commit.
   *
   * @param tx a connection of this store, normally in manual-commit mode
   * @param merchantId the merchant whose endpoint receives the event
   * @param caseId the case the event belongs to, or {@code null} for an event about no case
   * @param eventType such as {@code "case.received"}, at most 64 characters
   * @return the new row's ID
   * @throws SQLException as the driver throws it, so the caller's transaction handling sees it
   */
  public long enqueueForMerchant(
      Connection tx,
      String merchantId,
      String caseId,
      String eventType,
      byte[] payload,
      Instant createdAt)
      throws SQLException {
    Objects.requireNonNull(merchantId, "merchantId == null");
    return insert(
        tx, OutboxItem.Target.MERCHANT, merchantId, caseId, eventType, payload, createdAt);
  }

  /** An event to enqueue for a merchant with {@link #enqueueAllForMerchants}. Immutable. */
  public static final class MerchantEvent {
    private final String merchantId;
    private final String caseId;
    private final String eventType;
    private final byte[] payload;
    private final Instant createdAt;

    private MerchantEvent(
        String merchantId, String caseId, String eventType, byte[] payload, Instant createdAt) {
      this.merchantId = merchantId;
      this.caseId = caseId;
      this.eventType = eventType;
      this.payload = payload;
      this.createdAt = createdAt;
    }

    /**
     * Event {@code eventType} for merchant {@code merchantId} about {@code caseId} (or {@code
     * null}), due at {@code createdAt}; {@code payload} is copied.
     *
     * @throws IllegalArgumentException if {@code eventType} is not 1 to 64 characters
     */
    public static MerchantEvent of(
        String merchantId, String caseId, String eventType, byte[] payload, Instant createdAt) {
      Objects.requireNonNull(merchantId, "merchantId == null");
      Objects.requireNonNull(eventType, "eventType == null");
      Objects.requireNonNull(payload, "payload == null");
      Objects.requireNonNull(createdAt, "createdAt == null");
      if (eventType.isEmpty() || eventType.length() > 64) {
        throw new IllegalArgumentException(
            "eventType must be 1 to 64 characters, was " + eventType.length());
      }
      return new MerchantEvent(merchantId, caseId, eventType, payload.clone(), createdAt);
    }
  }

  /**
   * Adds every event of {@code events} inside the caller's transaction, as {@link
   * #enqueueForMerchant} would one by one, in one JDBC batch (one round trip on PostgreSQL with
   * {@code reWriteBatchedInserts}). Runs on the calling thread; does not commit; returns no IDs.
   *
   * @throws SQLException as the driver throws it
   */
  public void enqueueAllForMerchants(Connection tx, List<MerchantEvent> events)
      throws SQLException {
    Objects.requireNonNull(tx, "tx == null");
    Objects.requireNonNull(events, "events == null");
    if (events.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = tx.prepareStatement(INSERT_ROW)) {
      for (MerchantEvent e : events) {
        long at = e.createdAt.getEpochSecond();
        setNullable(insert, 1, e.caseId);
        insert.setString(2, e.eventType);
        insert.setBytes(3, e.payload);
        insert.setLong(4, at);
        insert.setLong(5, at);
        insert.setString(6, OutboxItem.Target.MERCHANT.code());
        insert.setString(7, e.merchantId);
        insert.setString(8, newWebhookId());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /**
   * Adds an event for the regulator sink, inside the caller's transaction; otherwise as {@link
   * #enqueueForMerchant}.
   *
   * @param merchantId the merchant the event is about, or {@code null}
   */
  public long enqueueForRegulator(
      Connection tx,
      String merchantId,
      String caseId,
      String eventType,
      byte[] payload,
      Instant createdAt)
      throws SQLException {
    return insert(
        tx, OutboxItem.Target.REGULATOR, merchantId, caseId, eventType, payload, createdAt);
  }

  private static long insert(
      Connection tx,
      OutboxItem.Target target,
      String merchantId,
      String caseId,
      String eventType,
      byte[] payload,
      Instant createdAt)
      throws SQLException {
    Objects.requireNonNull(tx, "tx == null");
    Objects.requireNonNull(eventType, "eventType == null");
    Objects.requireNonNull(payload, "payload == null");
    Objects.requireNonNull(createdAt, "createdAt == null");
    if (eventType.isEmpty() || eventType.length() > 64) {
      throw new IllegalArgumentException(
          "eventType must be 1 to 64 characters, was " + eventType.length());
    }
    long at = createdAt.getEpochSecond();
    try (PreparedStatement insert = tx.prepareStatement(INSERT_ROW, new String[] {"id"})) {
      setNullable(insert, 1, caseId);
      insert.setString(2, eventType);
      insert.setBytes(3, payload);
      insert.setLong(4, at);
      insert.setLong(5, at);
      insert.setString(6, target.code());
      setNullable(insert, 7, merchantId);
      insert.setString(8, newWebhookId());
      insert.executeUpdate();
      try (ResultSet keys = insert.getGeneratedKeys()) {
        if (!keys.next()) {
          throw new SQLException("The database returned no ID for the new outbox row.");
        }
        return keys.getLong(1);
      }
    }
  }

  private static void setNullable(PreparedStatement s, int index, String value)
      throws SQLException {
    if (value == null) {
      s.setNull(index, Types.VARCHAR);
    } else {
      s.setString(index, value);
    }
  }

  /** "msg_" and 26 base32 characters (128 random bits); unique across gateway nodes. */
  private static String newWebhookId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    StringBuilder sb = new StringBuilder("msg_");
    long acc = 0;
    int bits = 0;
    for (byte b : bytes) {
      acc = (acc << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        sb.append(BASE32.charAt((int) (acc >>> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      sb.append(BASE32.charAt((int) (acc << (5 - bits)) & 31));
    }
    return sb.toString();
  }

  /**
   * Claims up to {@code max} claimable rows for {@code worker} until {@code now + lease}, oldest
   * due first, in one short transaction of its own. Concurrent callers, on this node or others,
   * never receive the same row while its lease holds. May return fewer rows than are due when other
   * workers hold locks on them; returns an empty list when none are claimable.
   *
   * @param worker who claims, at most 128 characters; recorded in {@code claimed_by}
   * @param max 1 to {@value #MAX_CLAIM}
   * @param lease at least one second, at most {@link #MAX_LEASE}; rounded up to whole seconds
   * @throws StoreException {@link StoreException.Reason#SQL_FAILED} if the database fails
   */
  public List<OutboxItem> claim(String worker, int max, Instant now, Duration lease) {
    return claim(worker, max, now, lease, Set.of(), false);
  }

  /**
   * As {@link #claim(String, int, Instant, Duration)}, passing over merchant rows of the merchants
   * in {@code skipMerchants} and, if {@code skipRegulator}, every regulator row. Delivery uses this
   * to leave the rows of endpoints that are at their concurrency limit to later claims, so that one
   * busy or stalled endpoint never fills a batch.
   *
   * @param skipMerchants at most {@value #MAX_CLAIM} merchant IDs
   */
  public List<OutboxItem> claim(
      String worker,
      int max,
      Instant now,
      Duration lease,
      Set<String> skipMerchants,
      boolean skipRegulator) {
    Objects.requireNonNull(skipMerchants, "skipMerchants == null");
    if (skipMerchants.size() > MAX_CLAIM) {
      throw new IllegalArgumentException(
          "skipMerchants must hold at most " + MAX_CLAIM + " IDs, held " + skipMerchants.size());
    }
    Objects.requireNonNull(worker, "worker == null");
    Objects.requireNonNull(now, "now == null");
    Objects.requireNonNull(lease, "lease == null");
    if (worker.isEmpty() || worker.length() > 128) {
      throw new IllegalArgumentException(
          "worker must be 1 to 128 characters, was " + worker.length());
    }
    if (max < 1 || max > MAX_CLAIM) {
      throw new IllegalArgumentException("max must be 1 to " + MAX_CLAIM + ", was " + max);
    }
    if (lease.compareTo(Duration.ofSeconds(1)) < 0 || lease.compareTo(MAX_LEASE) > 0) {
      throw new IllegalArgumentException(
          "lease must be between 1 second and " + MAX_LEASE + ", was " + lease);
    }
    long nowSeconds = now.getEpochSecond();
    long leaseSeconds = lease.getSeconds() + (lease.getNano() > 0 ? 1 : 0);
    long until = nowSeconds + leaseSeconds;
    List<String> skip = List.copyOf(skipMerchants);
    Store.TransactionWork<List<OutboxItem>> claim =
        tx -> claimIn(tx, store.dialect(), worker, max, nowSeconds, until, skip, skipRegulator);
    if (store.dialect() == StoreConfig.Dialect.H2) {
      synchronized (H2_CLAIMS.computeIfAbsent(store.config().jdbcUrl(), url -> new Object())) {
        return store.inTransaction(claim);
      }
    }
    return store.inTransaction(claim);
  }

  private static List<OutboxItem> claimIn(
      Connection tx,
      StoreConfig.Dialect dialect,
      String worker,
      int max,
      long now,
      long until,
      List<String> skipMerchants,
      boolean skipRegulator)
      throws SQLException {
    List<OutboxItem> candidates = new ArrayList<>();
    StringBuilder filter = new StringBuilder();
    if (skipRegulator) {
      filter.append(" AND target <> 'regulator'");
    }
    if (!skipMerchants.isEmpty()) {
      filter.append(" AND (target = 'regulator' OR merchant_id NOT IN (");
      filter.append(String.join(", ", Collections.nCopies(skipMerchants.size(), "?")));
      filter.append("))");
    }
    String sql =
        (filter.length() == 0 ? SELECT_DUE : SELECT_DUE.replace(" ORDER BY", filter + " ORDER BY"))
            + (dialect == StoreConfig.Dialect.H2 ? "" : LOCKING);
    if (dialect == StoreConfig.Dialect.POSTGRESQL) {
      // The claim must walk outbox_claim_ix in order and stop at the limit. Before the table's
      // statistics catch up with a backlog (a fresh table, or a burst after a quiet spell), the
      // planner takes it for a few rows and reads and sorts all of it instead: 100 ms per claim
      // with 80,000 rows waiting, against well under 1 ms on the index.
      try (Statement plan = tx.createStatement()) {
        plan.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off");
      }
    }
    try (PreparedStatement select = tx.prepareStatement(sql)) {
      int i = 1;
      select.setLong(i++, now);
      select.setLong(i++, now);
      for (String m : skipMerchants) {
        select.setString(i++, m);
      }
      select.setInt(i, max);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          candidates.add(
              OutboxItem.of(
                  rows.getLong(1),
                  rows.getString(2),
                  rows.getString(3),
                  rows.getBytes(4),
                  Instant.ofEpochSecond(rows.getLong(5)),
                  Instant.ofEpochSecond(rows.getLong(6)),
                  rows.getInt(7),
                  OutboxItem.Target.fromCode(rows.getString(8)),
                  rows.getString(9),
                  rows.getString(10),
                  worker,
                  Instant.ofEpochSecond(until)));
        }
      }
    }
    if (candidates.isEmpty()) {
      return List.of();
    }
    // One conditional UPDATE for the whole batch. Where it claims fewer rows than were selected
    // (a locking read that returned a row claimed and committed meanwhile), read back which.
    String in = String.join(", ", Collections.nCopies(candidates.size(), "?"));
    int count;
    try (PreparedStatement update =
        tx.prepareStatement(
            "UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE id IN ("
                + in
                + ") AND "
                + CLAIMABLE)) {
      int i = 1;
      update.setString(i++, worker);
      update.setLong(i++, until);
      for (OutboxItem candidate : candidates) {
        update.setLong(i++, candidate.id());
      }
      update.setLong(i++, now);
      update.setLong(i, now);
      count = update.executeUpdate();
    }
    if (count == candidates.size()) {
      return List.copyOf(candidates);
    }
    Set<Long> mine = new HashSet<>();
    try (PreparedStatement check =
        tx.prepareStatement(
            "SELECT id FROM outbox WHERE id IN ("
                + in
                + ") AND claimed_by = ? AND claimed_until = ?")) {
      int i = 1;
      for (OutboxItem candidate : candidates) {
        check.setLong(i++, candidate.id());
      }
      check.setString(i++, worker);
      check.setLong(i, until);
      try (ResultSet rows = check.executeQuery()) {
        while (rows.next()) {
          mine.add(rows.getLong(1));
        }
      }
    }
    List<OutboxItem> claimed = new ArrayList<>(candidates.size());
    for (OutboxItem candidate : candidates) {
      if (mine.contains(candidate.id())) {
        claimed.add(candidate);
      }
    }
    return List.copyOf(claimed);
  }

  /**
   * Records that row {@code id} was delivered at {@code at} and releases its claim; it is never
   * claimed again. Idempotent.
   *
   * @throws StoreException {@link StoreException.Reason#OUTBOX_ITEM_NOT_FOUND} if there is no such
   *     row; {@link StoreException.Reason#SQL_FAILED} if the database fails
   */
  public void markDelivered(long id, Instant at) {
    Objects.requireNonNull(at, "at == null");
    update(
        id,
        "UPDATE outbox SET delivered_at = COALESCE(delivered_at, ?), finished = TRUE,"
            + " claimed_by = NULL,"
            + " claimed_until = NULL WHERE id = ?",
        at.getEpochSecond());
  }

  /**
   * Releases the claim on row {@code id} and makes it due again at {@code dueAt}, recording that
   * {@code attempts} delivery attempts have been made.
   *
   * @throws IllegalArgumentException if {@code attempts} is negative
   * @throws StoreException {@link StoreException.Reason#OUTBOX_ITEM_NOT_FOUND} if there is no such
   *     row; {@link StoreException.Reason#SQL_FAILED} if the database fails
   */
  public void reschedule(long id, Instant dueAt, int attempts) {
    Objects.requireNonNull(dueAt, "dueAt == null");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0, was " + attempts);
    }
    store.inTransaction(
        tx -> {
          try (PreparedStatement update =
              tx.prepareStatement(
                  "UPDATE outbox SET due_at = ?, attempts = ?, claimed_by = NULL,"
                      + " claimed_until = NULL WHERE id = ?")) {
            update.setLong(1, dueAt.getEpochSecond());
            update.setInt(2, attempts);
            update.setLong(3, id);
            requireOne(update.executeUpdate(), id);
          }
          return null;
        });
  }

  /**
   * Moves row {@code id} to the dead letters at {@code at}: it is never claimed again until
   * replayed. Idempotent.
   *
   * @throws StoreException {@link StoreException.Reason#OUTBOX_ITEM_NOT_FOUND} if there is no such
   *     row; {@link StoreException.Reason#SQL_FAILED} if the database fails
   */
  public void markDead(long id, Instant at) {
    Objects.requireNonNull(at, "at == null");
    update(
        id,
        "UPDATE outbox SET dead_at = COALESCE(dead_at, ?), finished = TRUE, claimed_by = NULL,"
            + " claimed_until = NULL WHERE id = ?",
        at.getEpochSecond());
  }

  private void update(long id, String sql, long at) {
    store.inTransaction(
        tx -> {
          try (PreparedStatement update = tx.prepareStatement(sql)) {
            update.setLong(1, at);
            update.setLong(2, id);
            requireOne(update.executeUpdate(), id);
          }
          return null;
        });
  }

  private static void requireOne(int count, long id) {
    if (count != 1) {
      throw new StoreException(
          StoreException.Reason.OUTBOX_ITEM_NOT_FOUND,
          "There is no outbox row with ID " + id + "; expected one enqueued earlier.");
    }
  }

  // ---------------------------------------------------------------- attempts

  private static final String RECORD_COLUMNS =
      "id, webhook_id, target, merchant_id, case_id, event_type, payload, created_at, due_at,"
          + " attempts, delivered_at, dead_at, last_attempt_at, last_status, last_error, replay_of";

  /**
   * Gives up the claim {@code worker} holds on row {@code id} without recording an attempt: the row
   * stays due and the next claim may take it. Does nothing if the row is no longer claimed by
   * {@code worker}.
   *
   * @throws StoreException {@link StoreException.Reason#SQL_FAILED} if the database fails
   */
  public void release(long id, String worker) {
    Objects.requireNonNull(worker, "worker == null");
    store.inTransaction(
        tx -> {
          try (PreparedStatement update =
              tx.prepareStatement(
                  "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL"
                      + " WHERE id = ? AND claimed_by = ?")) {
            update.setLong(1, id);
            update.setString(2, worker);
            update.executeUpdate();
          }
          return null;
        });
  }

  /**
   * Records {@code attempt} on row {@code id} as a delivery: appends it to {@code
   * delivery_attempts}, counts it, updates the {@code last_*} columns, sets {@code delivered_at} to
   * the attempt time unless it is already set, and releases the claim, all in one transaction.
   *
   * @return true if this call delivered the row, false if it had been delivered before (another
   *     worker whose lease lapsed, or a replay of the same row)
   * @throws StoreException {@link StoreException.Reason#OUTBOX_ITEM_NOT_FOUND} if there is no such
   *     row; {@link StoreException.Reason#SQL_FAILED} if the database fails
   */
  public boolean recordDelivered(long id, OutboxAttempt attempt) {
    return recordAll(List.of(Result.delivered(id, attempt)))[0];
  }

  /**
   * Records a failed {@code attempt} on row {@code id} and makes the row due again at {@code
   * dueAt}, releasing the claim, in one transaction.
   *
   * @throws StoreException {@link StoreException.Reason#OUTBOX_ITEM_NOT_FOUND} if there is no such
   *     row; {@link StoreException.Reason#SQL_FAILED} if the database fails
   */
  public void recordRetry(long id, OutboxAttempt attempt, Instant dueAt) {
    recordAll(List.of(Result.retry(id, attempt, dueAt)));
  }

  /**
   * Records a failed {@code attempt} on row {@code id} and moves the row to the dead letters at the
   * attempt's time, releasing the claim, in one transaction. A row delivered in the meantime stays
   * delivered.
   *
   * @return true if this call dead-lettered the row; false if it was already delivered or dead
   * @throws StoreException {@link StoreException.Reason#OUTBOX_ITEM_NOT_FOUND} if there is no such
   *     row; {@link StoreException.Reason#SQL_FAILED} if the database fails
   */
  public boolean recordDead(long id, OutboxAttempt attempt) {
    return recordAll(List.of(Result.dead(id, attempt)))[0];
  }

  /**
   * The outcome of one attempt on one row, to be recorded by {@link #recordAll}: delivered, failed
   * and due again, or failed and dead-lettered. Immutable.
   */
  public static final class Result {
    private enum Kind {
      DELIVERED,
      RETRY,
      DEAD
    }

    private final long id;
    private final OutboxAttempt attempt;
    private final Kind kind;
    private final long dueAt;

    private Result(long id, OutboxAttempt attempt, Kind kind, long dueAt) {
      this.id = id;
      this.attempt = Objects.requireNonNull(attempt, "attempt == null");
      this.kind = kind;
      this.dueAt = dueAt;
    }

    /** Row {@code id} was answered with a 2xx by {@code attempt}. */
    public static Result delivered(long id, OutboxAttempt attempt) {
      return new Result(id, attempt, Kind.DELIVERED, 0);
    }

    /** {@code attempt} on row {@code id} failed; the row is due again at {@code dueAt}. */
    public static Result retry(long id, OutboxAttempt attempt, Instant dueAt) {
      Objects.requireNonNull(dueAt, "dueAt == null");
      return new Result(id, attempt, Kind.RETRY, dueAt.getEpochSecond());
    }

    /** {@code attempt} on row {@code id} failed at the horizon; the row is dead-lettered. */
    public static Result dead(long id, OutboxAttempt attempt) {
      return new Result(id, attempt, Kind.DEAD, 0);
    }

    /** The row. */
    public long id() {
      return id;
    }

    /** The attempt. */
    public OutboxAttempt attempt() {
      return attempt;
    }
  }

  /** The most results one {@link #recordAll} takes. */
  public static final int MAX_RECORD = 1000;

  /**
   * Records the attempts of {@code results} in one transaction, as {@link #recordDelivered}, {@link
   * #recordRetry} and {@link #recordDead} do one by one: locks the rows (in ID order, so concurrent
   * callers cannot deadlock), appends every attempt to {@code delivery_attempts} and updates every
   * row with JDBC batch statements, then commits once. Either every result is recorded or none is.
   * Results for the same row are applied in list order.
   *
   * @param results 1 to {@value #MAX_RECORD} results
   * @return for each result, in order: for a delivery, whether it delivered the row (false if it
   *     had been delivered before); for a dead letter, whether it dead-lettered the row (false if
   *     it was already delivered or dead); for a retry, false
   * @throws StoreException {@link StoreException.Reason#OUTBOX_ITEM_NOT_FOUND} if a row does not
   *     exist (nothing is recorded); {@link StoreException.Reason#SQL_FAILED} if the database fails
   */
  public boolean[] recordAll(List<Result> results) {
    Objects.requireNonNull(results, "results == null");
    if (results.isEmpty() || results.size() > MAX_RECORD) {
      throw new IllegalArgumentException(
          "results must hold 1 to " + MAX_RECORD + " results, held " + results.size());
    }
    List<Result> copy = List.copyOf(results);
    return store.inTransaction(tx -> recordIn(tx, copy));
  }

  private static boolean[] recordIn(Connection tx, List<Result> results) throws SQLException {
    // Lock every row first, in ID order, and read whether it is delivered or dead.
    long[] ids = results.stream().mapToLong(Result::id).distinct().sorted().toArray();
    Map<Long, boolean[]> state = new HashMap<>(); // {delivered, dead}
    try (PreparedStatement lock =
        tx.prepareStatement(
            "SELECT id, delivered_at, dead_at FROM outbox WHERE id IN ("
                + String.join(", ", Collections.nCopies(ids.length, "?"))
                + ") ORDER BY id FOR UPDATE")) {
      for (int i = 0; i < ids.length; i++) {
        lock.setLong(i + 1, ids[i]);
      }
      try (ResultSet rows = lock.executeQuery()) {
        while (rows.next()) {
          long id = rows.getLong(1);
          rows.getLong(2);
          boolean delivered = !rows.wasNull();
          rows.getLong(3);
          boolean dead = !rows.wasNull();
          state.put(id, new boolean[] {delivered, dead});
        }
      }
    }
    for (long id : ids) {
      requireOne(state.containsKey(id) ? 1 : 0, id);
    }
    boolean[] firsts = new boolean[results.size()];
    // What each result does to its row, decided in order (a row may appear more than once).
    String[] column = new String[results.size()];
    long[] value = new long[results.size()];
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      long at = r.attempt.at().getEpochSecond();
      boolean[] s = state.get(r.id); // {delivered, dead}, as this batch leaves it so far
      switch (r.kind) {
        case DELIVERED:
          firsts[i] = !s[0];
          value[i] = s[0] ? -1 : at; // -1: keep the first delivery time (see recordUpdate)
          s[0] = true;
          column[i] = "delivered_at";
          break;
        case DEAD:
          firsts[i] = !s[0] && !s[1];
          value[i] = firsts[i] ? at : -1;
          s[1] = s[1] || !s[0];
          column[i] = "dead_at";
          break;
        default:
          value[i] = r.dueAt;
          column[i] = "due_at";
      }
    }
    insertAttempts(tx, results);
    if (ids.length == results.size()) {
      // Every row once: one UPDATE per group of rows that are set to the same values (usually
      // one group, "delivered now with 200") instead of one per row.
      Map<List<Object>, List<Long>> groups = new LinkedHashMap<>();
      for (int i = 0; i < results.size(); i++) {
        Result r = results.get(i);
        OutboxAttempt a = r.attempt;
        List<Object> key =
            Arrays.asList(
                column[i],
                a.at().getEpochSecond(),
                a.status().isPresent() ? a.status().getAsInt() : null,
                a.error().orElse(null),
                value[i]);
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r.id);
      }
      for (Map.Entry<List<Object>, List<Long>> g : groups.entrySet()) {
        List<Object> key = g.getKey();
        List<Long> rows = g.getValue();
        String col = (String) key.get(0);
        try (PreparedStatement update =
            tx.prepareStatement(recordUpdate(col, !col.equals("due_at"), rows.size()))) {
          update.setLong(1, (Long) key.get(1));
          if (key.get(2) != null) {
            update.setInt(2, (Integer) key.get(2));
          } else {
            update.setNull(2, Types.INTEGER);
          }
          setNullable(update, 3, (String) key.get(3));
          update.setLong(4, (Long) key.get(4));
          update.setLong(5, (Long) key.get(4));
          int p = 6;
          for (long id : rows) {
            update.setLong(p++, id);
          }
          update.executeUpdate();
        }
      }
      return firsts;
    }
    try (PreparedStatement delivered = tx.prepareStatement(recordUpdate("delivered_at", true, 1));
        PreparedStatement retry = tx.prepareStatement(recordUpdate("due_at", false, 1));
        PreparedStatement dead = tx.prepareStatement(recordUpdate("dead_at", true, 1))) {
      boolean anyDelivered = false;
      boolean anyRetry = false;
      boolean anyDead = false;
      for (int i = 0; i < results.size(); i++) {
        Result r = results.get(i);
        OutboxAttempt attempt = r.attempt;
        PreparedStatement update;
        switch (column[i]) {
          case "delivered_at":
            update = delivered;
            anyDelivered = true;
            break;
          case "dead_at":
            update = dead;
            anyDead = true;
            break;
          default:
            update = retry;
            anyRetry = true;
        }
        update.setLong(1, attempt.at().getEpochSecond());
        if (attempt.status().isPresent()) {
          update.setInt(2, attempt.status().getAsInt());
        } else {
          update.setNull(2, Types.INTEGER);
        }
        setNullable(update, 3, attempt.error().orElse(null));
        update.setLong(4, value[i]);
        update.setLong(5, value[i]);
        update.setLong(6, r.id);
        update.addBatch();
      }
      if (anyDelivered) {
        delivered.executeBatch();
      }
      if (anyRetry) {
        retry.executeBatch();
      }
      if (anyDead) {
        dead.executeBatch();
      }
    }
    return firsts;
  }

  /**
   * The update of one recorded attempt: sets {@code column} to parameter 5, unless parameter 4 (the
   * same value) is -1, which keeps the column as it is; {@code finishes} when the row is delivered
   * or dead afterwards.
   */
  /** Writes one attempt row per result, up to 100 rows per INSERT. */
  private static void insertAttempts(Connection tx, List<Result> results) throws SQLException {
    for (int from = 0; from < results.size(); from += 100) {
      int to = Math.min(results.size(), from + 100);
      try (PreparedStatement insert =
          tx.prepareStatement(
              "INSERT INTO delivery_attempts (outbox_id, at, url, status, error, duration_ms)"
                  + " VALUES "
                  + String.join(", ", Collections.nCopies(to - from, "(?, ?, ?, ?, ?, ?)")))) {
        int p = 1;
        for (int i = from; i < to; i++) {
          Result r = results.get(i);
          OutboxAttempt attempt = r.attempt;
          insert.setLong(p++, r.id);
          insert.setLong(p++, attempt.at().getEpochSecond());
          insert.setString(p++, attempt.url());
          if (attempt.status().isPresent()) {
            insert.setInt(p++, attempt.status().getAsInt());
          } else {
            insert.setNull(p++, Types.INTEGER);
          }
          setNullable(insert, p++, attempt.error().orElse(null));
          insert.setInt(p++, (int) Math.min(Integer.MAX_VALUE, attempt.duration().toMillis()));
        }
        insert.executeUpdate();
      }
    }
  }

  private static String recordUpdate(String column, boolean finishes, int rows) {
    return "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?, last_status = ?,"
        + " last_error = ?, claimed_by = NULL, claimed_until = NULL, "
        + (finishes ? "finished = TRUE, " : "")
        + column
        + " = CASE WHEN ? = -1 THEN "
        + column
        + " ELSE ? END WHERE id IN ("
        + String.join(", ", Collections.nCopies(rows, "?"))
        + ")";
  }

  /**
   * Makes row {@code id} due at {@code now} if it is pending and due later; otherwise does nothing.
   * Delivery uses it when an endpoint resumes while a row's fast failure was being recorded.
   *
   * @return whether the row was made due
   * @throws StoreException {@link StoreException.Reason#SQL_FAILED} if the database fails
   */
  public boolean expedite(long id, Instant now) {
    Objects.requireNonNull(now, "now == null");
    return store.inTransaction(
        tx -> {
          try (PreparedStatement update =
              tx.prepareStatement(
                  "UPDATE outbox SET due_at = ? WHERE id = ? AND delivered_at IS NULL"
                      + " AND dead_at IS NULL AND due_at > ?")) {
            update.setLong(1, now.getEpochSecond());
            update.setLong(2, id);
            update.setLong(3, now.getEpochSecond());
            return update.executeUpdate() == 1;
          }
        });
  }

  /**
   * Every attempt recorded for row {@code id}, oldest first.
   *
   * @throws StoreException {@link StoreException.Reason#SQL_FAILED} if the database fails
   */
  public List<OutboxAttempt> attempts(long id) {
    return store.inTransaction(
        tx -> {
          List<OutboxAttempt> out = new ArrayList<>();
          try (PreparedStatement select =
              tx.prepareStatement(
                  "SELECT url, at, duration_ms, status, error FROM delivery_attempts"
                      + " WHERE outbox_id = ? ORDER BY id")) {
            select.setLong(1, id);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                String url = rows.getString(1);
                Instant at = Instant.ofEpochSecond(rows.getLong(2));
                Duration took = Duration.ofMillis(rows.getInt(3));
                int status = rows.getInt(4);
                boolean hasStatus = !rows.wasNull();
                String error = rows.getString(5);
                out.add(
                    hasStatus
                        ? OutboxAttempt.response(url, at, took, status, error)
                        : OutboxAttempt.noResponse(
                            url, at, took, error == null ? "no response" : error));
              }
            }
          }
          return List.copyOf(out);
        });
  }

  // ---------------------------------------------------------------- queries

  /**
   * The row with {@code id}, if there is one.
   *
   * @throws StoreException {@link StoreException.Reason#SQL_FAILED} if the database fails
   */
  public Optional<OutboxRecord> find(long id) {
    List<OutboxRecord> rows =
        query("SELECT " + RECORD_COLUMNS + " FROM outbox WHERE id = ?", s -> s.setLong(1, id));
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /**
   * Every row of case {@code caseId}, replays included, oldest first.
   *
   * @throws StoreException {@link StoreException.Reason#SQL_FAILED} if the database fails
   */
  public List<OutboxRecord> forCase(String caseId) {
    Objects.requireNonNull(caseId, "caseId == null");
    return query(
        "SELECT " + RECORD_COLUMNS + " FROM outbox WHERE case_id = ? ORDER BY id",
        s -> s.setString(1, caseId));
  }

  /**
   * Every row carrying {@code webhookId}: the original and its replays, oldest first.
   *
   * @throws StoreException {@link StoreException.Reason#SQL_FAILED} if the database fails
   */
  public List<OutboxRecord> withWebhookId(String webhookId) {
    Objects.requireNonNull(webhookId, "webhookId == null");
    return query(
        "SELECT " + RECORD_COLUMNS + " FROM outbox WHERE webhook_id = ? ORDER BY id",
        s -> s.setString(1, webhookId));
  }

  /**
   * Rows dead-lettered in {@code [from, to)}, oldest death first, at most {@code limit}.
   *
   * @param limit 1 to {@value #MAX_CLAIM}
   * @throws StoreException {@link StoreException.Reason#SQL_FAILED} if the database fails
   */
  public List<OutboxRecord> deadBetween(Instant from, Instant to, int limit) {
    Objects.requireNonNull(from, "from == null");
    Objects.requireNonNull(to, "to == null");
    checkLimit(limit);
    return query(
        "SELECT "
            + RECORD_COLUMNS
            + " FROM outbox WHERE dead_at IS NOT NULL AND dead_at >= ? AND dead_at < ?"
            + " ORDER BY dead_at, id LIMIT ?",
        s -> {
          s.setLong(1, from.getEpochSecond());
          s.setLong(2, to.getEpochSecond());
          s.setInt(3, limit);
        });
  }

  /**
   * Original rows (not replays) enqueued in {@code [from, to)}, oldest first, at most {@code
   * limit}.
   *
   * @param limit 1 to {@value #MAX_CLAIM}
   * @throws StoreException {@link StoreException.Reason#SQL_FAILED} if the database fails
   */
  public List<OutboxRecord> createdBetween(Instant from, Instant to, int limit) {
    Objects.requireNonNull(from, "from == null");
    Objects.requireNonNull(to, "to == null");
    checkLimit(limit);
    return query(
        "SELECT "
            + RECORD_COLUMNS
            + " FROM outbox WHERE replay_of IS NULL AND created_at >= ? AND created_at < ?"
            + " ORDER BY created_at, id LIMIT ?",
        s -> {
          s.setLong(1, from.getEpochSecond());
          s.setLong(2, to.getEpochSecond());
          s.setInt(3, limit);
        });
  }

  private static void checkLimit(int limit) {
    if (limit < 1 || limit > MAX_CLAIM) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_CLAIM + ", was " + limit);
    }
  }

  /**
   * Enqueues a replay of row {@code originalId}: a new row due at {@code now} with the original's
   * webhook ID, target, merchant, case, event type and payload, so the receiver can de-duplicate it
   * by {@code webhook-id}. Nothing is enqueued while a row with the same webhook ID is still
   * pending (its delivery is under way). One transaction; the original row is locked while it runs,
   * so concurrent replays of the same row enqueue at most one.
   *
   * @return the new row's ID, or empty when a row with the same webhook ID is still pending
   * @throws StoreException {@link StoreException.Reason#OUTBOX_ITEM_NOT_FOUND} if there is no such
   *     row; {@link StoreException.Reason#SQL_FAILED} if the database fails
   */
  public Optional<Long> replay(long originalId, Instant now) {
    Objects.requireNonNull(now, "now == null");
    return store.inTransaction(
        tx -> {
          String webhookId;
          try (PreparedStatement lock =
              tx.prepareStatement("SELECT webhook_id FROM outbox WHERE id = ? FOR UPDATE")) {
            lock.setLong(1, originalId);
            try (ResultSet row = lock.executeQuery()) {
              requireOne(row.next() ? 1 : 0, originalId);
              webhookId = row.getString(1);
            }
          }
          try (PreparedStatement pending =
              tx.prepareStatement(
                  "SELECT COUNT(*) FROM outbox WHERE webhook_id = ? AND delivered_at IS NULL"
                      + " AND dead_at IS NULL")) {
            pending.setString(1, webhookId);
            try (ResultSet row = pending.executeQuery()) {
              row.next();
              if (row.getLong(1) > 0) {
                return Optional.<Long>empty();
              }
            }
          }
          try (PreparedStatement insert =
              tx.prepareStatement(
                  "INSERT INTO outbox (case_id, event_type, payload, created_at, due_at, attempts,"
                      + " target, merchant_id, webhook_id, replay_of)"
                      + " SELECT case_id, event_type, payload, ?, ?, 0, target, merchant_id,"
                      + " webhook_id, id FROM outbox WHERE id = ?",
                  new String[] {"id"})) {
            insert.setLong(1, now.getEpochSecond());
            insert.setLong(2, now.getEpochSecond());
            insert.setLong(3, originalId);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
              if (!keys.next()) {
                throw new SQLException("The database returned no ID for the replayed row.");
              }
              return Optional.of(keys.getLong(1));
            }
          }
        });
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement s) throws SQLException;
  }

  private List<OutboxRecord> query(String sql, Binder binder) {
    return store.inTransaction(
        tx -> {
          List<OutboxRecord> out = new ArrayList<>();
          try (PreparedStatement select = tx.prepareStatement(sql)) {
            binder.bind(select);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                out.add(
                    new OutboxRecord(
                        rows.getLong(1),
                        rows.getString(2),
                        OutboxItem.Target.fromCode(rows.getString(3)),
                        rows.getString(4),
                        rows.getString(5),
                        rows.getString(6),
                        rows.getBytes(7),
                        Instant.ofEpochSecond(rows.getLong(8)),
                        Instant.ofEpochSecond(rows.getLong(9)),
                        rows.getInt(10),
                        instant(rows, 11),
                        instant(rows, 12),
                        instant(rows, 13),
                        integer(rows, 14),
                        rows.getString(15),
                        longOrNull(rows, 16)));
              }
            }
          }
          return List.copyOf(out);
        });
  }

  private static Instant instant(ResultSet rows, int column) throws SQLException {
    long v = rows.getLong(column);
    return rows.wasNull() ? null : Instant.ofEpochSecond(v);
  }

  private static Integer integer(ResultSet rows, int column) throws SQLException {
    int v = rows.getInt(column);
    return rows.wasNull() ? null : v;
  }

  private static Long longOrNull(ResultSet rows, int column) throws SQLException {
    long v = rows.getLong(column);
    return rows.wasNull() ? null : v;
  }
}
