package dev.fangxin.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store's contract, run unchanged against every database the gateway supports: subclasses only
 * say where a fresh, empty database is and what a wrong password looks like.
 */
abstract class StoreContractTest {
  static final Instant T0 = Instant.ofEpochSecond(1_767_225_600L); // 2026-01-01T00:00:00Z
  static final String SECRET_PASSWORD = "s3cret-Pa55word";

  private Store store;

  /** A config for a fresh, empty database, used once per test. */
  abstract StoreConfig freshDatabase() throws Exception;

  /** A config naming a database that exists, with the right user and the wrong password. */
  abstract StoreConfig wrongPassword() throws Exception;

  /** A config naming a database server that is not there. */
  abstract StoreConfig unreachable();

  abstract StoreConfig.Dialect dialect();

  @BeforeEach
  void openStore() throws Exception {
    store = Store.open(freshDatabase());
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void migrationCreatesTheLatestSchema() throws SQLException {
    assertThat(store.dialect()).isEqualTo(dialect());
    assertThat(store.schemaVersion()).isEqualTo(latestMigration());
    try (Connection c = store.connection()) {
      for (String table :
          List.of(
              "merchants",
              "payment_tools",
              "tool_bindings",
              "terminal_keys",
              "cases",
              "outbox",
              "audit",
              "api_keys",
              "merchant_endpoints",
              "endpoint_secrets",
              "open_receipts",
              "acquirers",
              "acquirer_secrets",
              "clearing_batches",
              "clearing_records",
              "clearing_files",
              "delivery_attempts")) {
        try (PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM " + table);
            ResultSet rows = count.executeQuery()) {
          assertThat(rows.next()).as(table).isTrue();
          assertThat(rows.getLong(1)).as(table).isZero();
        }
      }
    }
  }

  @Test
  void reopeningAMigratedDatabaseIsANoOp() {
    StoreConfig config = store.config();
    store.close();
    store = Store.open(config);
    assertThat(store.schemaVersion()).isEqualTo(latestMigration());
  }

  /** The highest N among the module's {@code db/migration/VN__*.sql} files. */
  private static String latestMigration() {
    try (var files =
        java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
      return String.valueOf(
          files
              .map(f -> f.getFileName().toString())
              .filter(n -> n.matches("V\\d+__.*\\.sql"))
              .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
              .max()
              .orElseThrow());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void bindingLookupByToolAndTime() {
    long day = 86_400;
    store.inTransaction(
        tx -> {
          insertMerchant(tx, "91330100MA27XXXX0A");
          insertMerchant(tx, "91330100MA27YYYY0B");
          try (PreparedStatement tool =
              tx.prepareStatement(
                  "INSERT INTO payment_tools (id, type, acquirer_institution, merchant_number,"
                      + " terminal_id, created_at) VALUES (?, 'card_terminal', ?, ?, ?, ?)")) {
            tool.setString(1, "tool-1");
            tool.setString(2, "48020000");
            tool.setString(3, "102330158120001");
            tool.setString(4, "12345678");
            tool.setLong(5, T0.getEpochSecond());
            tool.executeUpdate();
          }
          bind(tx, "tool-1", "91330100MA27XXXX0A", T0.getEpochSecond(), T0.getEpochSecond() + day);
          bind(tx, "tool-1", "91330100MA27YYYY0B", T0.getEpochSecond() + day, null);
          return null;
        });
    assertThat(merchantAt("tool-1", T0.getEpochSecond() - 1)).isEmpty();
    assertThat(merchantAt("tool-1", T0.getEpochSecond())).containsExactly("91330100MA27XXXX0A");
    assertThat(merchantAt("tool-1", T0.getEpochSecond() + day - 1))
        .containsExactly("91330100MA27XXXX0A");
    assertThat(merchantAt("tool-1", T0.getEpochSecond() + day))
        .containsExactly("91330100MA27YYYY0B");
    assertThat(merchantAt("tool-1", T0.getEpochSecond() + 1000 * day))
        .containsExactly("91330100MA27YYYY0B");
  }

  @Test
  void caseAndOutboxRowCommitTogether() {
    long outboxId =
        store.inTransaction(
            tx -> {
              insertMerchant(tx, "91330100MA27XXXX0A");
              insertCase(tx, "case-1", "91330100MA27XXXX0A", "idem-1");
              return store
                  .outbox()
                  .enqueueForMerchant(
                      tx, "merchant-1", "case-1", "case.received", utf8("{\"case\":1}"), T0);
            });
    assertThat(count("cases")).isEqualTo(1);
    List<OutboxItem> claimed = store.outbox().claim("w", 10, T0, Duration.ofSeconds(30));
    assertThat(claimed).hasSize(1);
    OutboxItem item = claimed.get(0);
    assertThat(item.id()).isEqualTo(outboxId);
    assertThat(item.caseId()).contains("case-1");
    assertThat(item.eventType()).isEqualTo("case.received");
    assertThat(new String(item.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"case\":1}");
    assertThat(item.createdAt()).isEqualTo(T0);
    assertThat(item.dueAt()).isEqualTo(T0);
    assertThat(item.attempts()).isZero();
    assertThat(item.claimedBy()).isEqualTo("w");
    assertThat(item.claimedUntil()).isEqualTo(T0.plusSeconds(30));
  }

  @Test
  void rollbackLeavesNeitherCaseNorOutboxRow() {
    store.inTransaction(tx -> insertMerchant(tx, "91330100MA27XXXX0A"));
    assertThatThrownBy(
            () ->
                store.inTransaction(
                    tx -> {
                      insertCase(tx, "case-1", "91330100MA27XXXX0A", "idem-1");
                      store
                          .outbox()
                          .enqueueForMerchant(
                              tx, "merchant-1", "case-1", "case.received", utf8("{}"), T0);
                      throw new IllegalStateException("intake failed after both writes");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("intake failed after both writes");
    assertThat(count("cases")).isZero();
    assertThat(count("outbox")).isZero();
    assertThat(store.outbox().claim("w", 10, T0.plusSeconds(3600), Duration.ofSeconds(30)))
        .isEmpty();
  }

  @Test
  void duplicateIdempotencyKeyFailsTheWholeTransaction() {
    store.inTransaction(
        tx -> {
          insertMerchant(tx, "91330100MA27XXXX0A");
          insertCase(tx, "case-1", "91330100MA27XXXX0A", "idem-1");
          return store
              .outbox()
              .enqueueForMerchant(tx, "merchant-1", "case-1", "case.received", utf8("{}"), T0);
        });
    assertThatThrownBy(
            () ->
                store.inTransaction(
                    tx -> {
                      store
                          .outbox()
                          .enqueueForMerchant(
                              tx, "merchant-1", null, "case.received", utf8("{}"), T0);
                      return insertCase(tx, "case-2", "91330100MA27XXXX0A", "idem-1");
                    }))
        .isInstanceOf(StoreException.class)
        .satisfies(
            e ->
                assertThat(((StoreException) e).reasonCode())
                    .isEqualTo(StoreException.Reason.SQL_FAILED))
        .hasMessageStartingWith("A transaction on the store failed at ");
    assertThat(count("cases")).isEqualTo(1);
    assertThat(count("outbox")).isEqualTo(1);
  }

  @Test
  void onlyDueRowsAreClaimedOldestFirst() {
    long a = enqueueAt(T0.plusSeconds(20));
    long b = enqueueAt(T0.plusSeconds(10));
    long c = enqueueAt(T0.plusSeconds(60));
    assertThat(ids(store.outbox().claim("w", 10, T0.plusSeconds(5), Duration.ofSeconds(30))))
        .isEmpty();
    assertThat(ids(store.outbox().claim("w", 10, T0.plusSeconds(30), Duration.ofSeconds(600))))
        .containsExactly(b, a);
    assertThat(ids(store.outbox().claim("w", 10, T0.plusSeconds(60), Duration.ofSeconds(30))))
        .containsExactly(c);
  }

  @Test
  void leaseExpiryMakesARowClaimableAgain() {
    long id = enqueueAt(T0);
    Duration lease = Duration.ofSeconds(30);
    assertThat(ids(store.outbox().claim("worker-a", 10, T0, lease))).containsExactly(id);
    assertThat(store.outbox().claim("worker-b", 10, T0.plusSeconds(29), lease)).isEmpty();
    List<OutboxItem> again = store.outbox().claim("worker-b", 10, T0.plusSeconds(30), lease);
    assertThat(ids(again)).containsExactly(id);
    assertThat(again.get(0).claimedBy()).isEqualTo("worker-b");
    assertThat(again.get(0).claimedUntil()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void leaseIsRoundedUpToWholeSeconds() {
    enqueueAt(T0);
    OutboxItem item = store.outbox().claim("w", 1, T0, Duration.ofMillis(1500)).get(0);
    assertThat(item.claimedUntil()).isEqualTo(T0.plusSeconds(2));
  }

  @Test
  void rescheduleReleasesTheClaimAndRecordsAttempts() {
    long id = enqueueAt(T0);
    store.outbox().claim("w", 1, T0, Duration.ofSeconds(300));
    store.outbox().reschedule(id, T0.plusSeconds(60), 1);
    assertThat(store.outbox().claim("w", 1, T0.plusSeconds(59), Duration.ofSeconds(300))).isEmpty();
    List<OutboxItem> again =
        store.outbox().claim("w", 1, T0.plusSeconds(60), Duration.ofSeconds(5));
    assertThat(ids(again)).containsExactly(id);
    assertThat(again.get(0).attempts()).isEqualTo(1);
    assertThat(again.get(0).dueAt()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void deliveredAndDeadRowsAreNeverClaimedAgain() {
    long delivered = enqueueAt(T0);
    long dead = enqueueAt(T0);
    store.outbox().claim("w", 10, T0, Duration.ofSeconds(1));
    store.outbox().markDelivered(delivered, T0.plusSeconds(1));
    store.outbox().markDelivered(delivered, T0.plusSeconds(2)); // idempotent
    store.outbox().markDead(dead, T0.plusSeconds(1));
    assertThat(store.outbox().claim("w", 10, T0.plusSeconds(86_400), Duration.ofSeconds(1)))
        .isEmpty();
    assertThat(longColumn("SELECT delivered_at FROM outbox WHERE id = " + delivered))
        .isEqualTo(T0.getEpochSecond() + 1);
  }

  @Test
  void unknownOutboxRowIsReported() {
    assertThatThrownBy(() -> store.outbox().markDelivered(424242, T0))
        .isInstanceOf(StoreException.class)
        .hasMessage("There is no outbox row with ID 424242; expected one enqueued earlier.")
        .satisfies(
            e ->
                assertThat(((StoreException) e).reason()).isEqualTo("store.outbox_item_not_found"));
    assertThatThrownBy(() -> store.outbox().reschedule(424242, T0, 1))
        .isInstanceOf(StoreException.class)
        .hasMessage("There is no outbox row with ID 424242; expected one enqueued earlier.");
  }

  @Test
  void concurrentClaimsTakeEveryRowExactlyOnce() throws Exception {
    int rows = 200;
    store.inTransaction(
        tx -> {
          for (int i = 0; i < rows; i++) {
            store
                .outbox()
                .enqueueForMerchant(tx, "merchant-1", null, "case.received", utf8("row " + i), T0);
          }
          return null;
        });
    String[] workers = {"node-a", "node-b"};
    int threadsPerWorker = 4;
    ExecutorService pool = Executors.newFixedThreadPool(workers.length * threadsPerWorker);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<OutboxItem>>> results = new ArrayList<>();
    try {
      for (String worker : workers) {
        for (int t = 0; t < threadsPerWorker; t++) {
          Callable<List<OutboxItem>> claimer =
              () -> {
                start.await();
                List<OutboxItem> mine = new ArrayList<>();
                int idle = 0;
                // Several rounds of small batches so the claimers really overlap; a round that
                // finds nothing ends the loop only after the table has been seen empty twice.
                while (idle < 2) {
                  List<OutboxItem> batch =
                      store.outbox().claim(worker, 7, T0.plusSeconds(1), Duration.ofSeconds(600));
                  mine.addAll(batch);
                  idle = batch.isEmpty() ? idle + 1 : 0;
                }
                return mine;
              };
          results.add(pool.submit(claimer));
        }
      }
      start.countDown();
      Map<Long, Integer> claims = new HashMap<>();
      for (Future<List<OutboxItem>> result : results) {
        for (OutboxItem item : result.get(60, TimeUnit.SECONDS)) {
          claims.merge(item.id(), 1, Integer::sum);
        }
      }
      assertThat(claims).hasSize(rows);
      assertThat(claims.values()).allMatch(n -> n == 1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(
            longColumn(
                "SELECT COUNT(*) FROM outbox WHERE claimed_by IN ('node-a', 'node-b')"
                    + " AND claimed_until = "
                    + T0.plusSeconds(601).getEpochSecond()))
        .isEqualTo(rows);
  }

  @Test
  void wrongPasswordIsAConnectionFailureWithoutThePassword() throws Exception {
    StoreConfig config = wrongPassword();
    assertThatThrownBy(() -> Store.open(config))
        .isInstanceOf(StoreException.class)
        .satisfies(
            e -> {
              StoreException se = (StoreException) e;
              assertThat(se.reasonCode()).isEqualTo(StoreException.Reason.CONNECTION_FAILED);
              assertThat(se.reason()).isEqualTo("store.connection_failed");
              assertThat(se.getMessage())
                  .startsWith("Could not connect to the store at " + config.redactedUrl())
                  .contains("as user '" + config.user() + "'")
                  .containsIgnoringCase("password")
                  .doesNotContain(SECRET_PASSWORD)
                  .endsWith(
                      "Check that the database is running and that the URL, user and password"
                          + " are right.");
            });
  }

  @Test
  void unreachableDatabaseIsAConnectionFailure() {
    StoreConfig config = unreachable();
    assertThatThrownBy(() -> Store.open(config))
        .isInstanceOf(StoreException.class)
        .satisfies(
            e -> {
              StoreException se = (StoreException) e;
              assertThat(se.reasonCode()).isEqualTo(StoreException.Reason.CONNECTION_FAILED);
              assertThat(se.getMessage())
                  .startsWith("Could not connect to the store at " + config.redactedUrl())
                  .doesNotContain(SECRET_PASSWORD);
            });
  }

  // --- helpers -----------------------------------------------------------------------------

  private long enqueueAt(Instant dueAt) {
    long id =
        store.inTransaction(
            tx ->
                store
                    .outbox()
                    .enqueueForMerchant(tx, "merchant-1", null, "test.event", utf8("x"), T0));
    store.outbox().reschedule(id, dueAt, 0);
    return id;
  }

  private static List<Long> ids(List<OutboxItem> items) {
    List<Long> ids = new ArrayList<>();
    for (OutboxItem item : items) {
      ids.add(item.id());
    }
    return ids;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Void insertMerchant(Connection tx, String id) throws SQLException {
    try (PreparedStatement m =
        tx.prepareStatement(
            "INSERT INTO merchants (id, name, locale, time_zone, created_at)"
                + " VALUES (?, ?, 'zh-CN', 'Asia/Shanghai', ?)")) {
      m.setString(1, id);
      m.setString(2, "杭州测试商户 " + id);
      m.setLong(3, T0.getEpochSecond());
      m.executeUpdate();
    }
    return null;
  }

  private static Void insertCase(Connection tx, String id, String merchant, String idempotencyKey)
      throws SQLException {
    try (PreparedStatement c =
        tx.prepareStatement(
            "INSERT INTO cases (id, merchant_id, state, created_at, updated_at, idempotency_key,"
                + " payload) VALUES (?, ?, 'received', ?, ?, ?, ?)")) {
      c.setString(1, id);
      c.setString(2, merchant);
      c.setLong(3, T0.getEpochSecond());
      c.setLong(4, T0.getEpochSecond());
      c.setString(5, idempotencyKey);
      c.setBytes(6, new byte[] {1, 2, 3});
      c.executeUpdate();
    }
    return null;
  }

  private static void bind(Connection tx, String tool, String merchant, long from, Long to)
      throws SQLException {
    try (PreparedStatement b =
        tx.prepareStatement(
            "INSERT INTO tool_bindings (tool_id, merchant_id, valid_from, valid_to, created_at)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      b.setString(1, tool);
      b.setString(2, merchant);
      b.setLong(3, from);
      if (to == null) {
        b.setNull(4, java.sql.Types.BIGINT);
      } else {
        b.setLong(4, to);
      }
      b.setLong(5, from);
      b.executeUpdate();
    }
  }

  private List<String> merchantAt(String tool, long at) {
    return store.inTransaction(
        tx -> {
          List<String> out = new ArrayList<>();
          try (PreparedStatement q =
              tx.prepareStatement(
                  "SELECT merchant_id FROM tool_bindings WHERE tool_id = ? AND valid_from <= ?"
                      + " AND (valid_to IS NULL OR valid_to > ?) ORDER BY valid_from")) {
            q.setString(1, tool);
            q.setLong(2, at);
            q.setLong(3, at);
            try (ResultSet rows = q.executeQuery()) {
              while (rows.next()) {
                out.add(rows.getString(1));
              }
            }
          }
          return out;
        });
  }

  private long count(String table) {
    return longColumn("SELECT COUNT(*) FROM " + table);
  }

  private long longColumn(String sql) {
    return store.inTransaction(
        tx -> {
          try (PreparedStatement q = tx.prepareStatement(sql);
              ResultSet rows = q.executeQuery()) {
            assertThat(rows.next()).isTrue();
            return rows.getLong(1);
          }
        });
  }
}
