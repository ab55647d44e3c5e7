package dev.fangxin.gateway.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The transactional outbox: events written in the same transaction as the state they announce, and
 * claimed by delivery workers with a lease.
 *
 * <p><b>Claiming.</b> {@link #claim} runs one transaction that selects due rows with {@code SELECT
 * ... FOR UPDATE SKIP LOCKED} (the same statement on PostgreSQL and on H2 2.x, which supports the
 * clause), then claims each with a conditional {@code UPDATE ... WHERE id = ? AND} <i>still
 * claimable</i> and keeps only the rows whose update count is 1. The lock makes concurrent workers
 * pass over each other's rows instead of waiting; the re-checked condition makes the claim correct
 * even where a database's locking read returns a row that another transaction claimed and committed
 * in the meantime. A row is claimable when it is neither delivered nor dead, its {@code due_at} has
 * come, and it is unclaimed or its lease has lapsed.
 *
 * <p><b>Delivery semantics.</b> At least once: a worker that stalls past its lease may deliver a
 * row that another worker has claimed again. Receivers de-duplicate by {@link OutboxItem#id()}.
 * {@link #markDelivered} and {@link #reschedule} do not check who holds the claim for that reason.
 *
 * <p>Times are stored as whole UTC epoch seconds; instants are truncated, leases rounded up. Safe
 * to use from many threads and from many gateway nodes sharing one PostgreSQL database.
 */
public final class OutboxQueue {
  private static final String CLAIMABLE =
      "delivered_at IS NULL AND dead_at IS NULL AND due_at <= ?"
          + " AND (claimed_until IS NULL OR claimed_until <= ?)";

  private static final String SELECT_DUE =
      "SELECT id, case_id, event_type, payload, created_at, due_at, attempts, target,"
          + " merchant_id, webhook_id FROM outbox WHERE "
          + CLAIMABLE
          + " ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED";

  private static final String CLAIM_ONE =
      "UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE id = ? AND " + CLAIMABLE;

  /** The longest lease accepted: a day. */
  public static final Duration MAX_LEASE = Duration.ofDays(1);

  /** The most rows one {@link #claim} takes. */
  public static final int MAX_CLAIM = 1000;

  private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Store store;

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
    try (PreparedStatement insert =
        tx.prepareStatement(
            "INSERT INTO outbox (case_id, event_type, payload, created_at, due_at, attempts,"
                + " target, merchant_id, webhook_id) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)",
            new String[] {"id"})) {
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
    return store.inTransaction(tx -> claimIn(tx, worker, max, nowSeconds, until));
  }

  private static List<OutboxItem> claimIn(
      Connection tx, String worker, int max, long now, long until) throws SQLException {
    List<OutboxItem> candidates = new ArrayList<>();
    try (PreparedStatement select = tx.prepareStatement(SELECT_DUE)) {
      select.setLong(1, now);
      select.setLong(2, now);
      select.setInt(3, max);
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
    List<OutboxItem> claimed = new ArrayList<>(candidates.size());
    try (PreparedStatement update = tx.prepareStatement(CLAIM_ONE)) {
      for (OutboxItem candidate : candidates) {
        update.setString(1, worker);
        update.setLong(2, until);
        update.setLong(3, candidate.id());
        update.setLong(4, now);
        update.setLong(5, now);
        if (update.executeUpdate() == 1) {
          claimed.add(candidate);
        }
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
        "UPDATE outbox SET delivered_at = COALESCE(delivered_at, ?), claimed_by = NULL,"
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
        "UPDATE outbox SET dead_at = COALESCE(dead_at, ?), claimed_by = NULL,"
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
}
