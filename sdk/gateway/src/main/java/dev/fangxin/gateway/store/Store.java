package dev.fangxin.gateway.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;

/**
 * The gateway's open store: a HikariCP connection pool over H2 or PostgreSQL whose schema Flyway
 * has brought up to date.
 *
 * <p>Migrations live in {@code classpath:db/migration} and are one set of SQL that runs unchanged
 * on PostgreSQL and on H2 in PostgreSQL mode (see {@link StoreConfig#H2_SETTINGS}); no
 * vendor-specific migration folder is needed so far. All times in the schema are UTC epoch seconds
 * ({@code BIGINT}); no column holds a local time.
 *
 * <p>A store is safe to use from many threads; each {@link Connection} it hands out belongs to one
 * thread at a time. {@link #close()} closes the pool; connections still borrowed are closed as they
 * are returned.
 */
public final class Store implements AutoCloseable {
  /** Work done inside one transaction. */
  @FunctionalInterface
  public interface TransactionWork<T> {
    /**
     * Runs on the calling thread with {@code tx} in manual-commit mode. Do not commit, roll back or
     * close {@code tx}: {@link Store#inTransaction} does.
     */
    T run(Connection tx) throws SQLException;
  }

  private final StoreConfig config;
  private final HikariDataSource pool;
  private final String schemaVersion;
  private final OutboxQueue outbox;

  private Store(StoreConfig config, HikariDataSource pool, String schemaVersion) {
    this.config = config;
    this.pool = pool;
    this.schemaVersion = schemaVersion;
    this.outbox = new OutboxQueue(this);
  }

  /**
   * Opens a pool to the configured database and migrates its schema to the newest version. Blocks
   * until both are done.
   *
   * @throws StoreException {@link StoreException.Reason#CONNECTION_FAILED} when the database cannot
   *     be reached or refuses the credentials; {@link StoreException.Reason#MIGRATION_FAILED} when
   *     the schema cannot be migrated. The message names the URL (password parameters redacted) and
   *     the user, never the password.
   */
  public static Store open(StoreConfig config) {
    Objects.requireNonNull(config, "config == null");
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("fangxin-store");
    hikari.setJdbcUrl(config.jdbcUrl());
    hikari.setUsername(config.user());
    hikari.setPassword(config.password());
    hikari.setDriverClassName(
        config.dialect() == StoreConfig.Dialect.POSTGRESQL
            ? "org.postgresql.Driver"
            : "org.h2.Driver");
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(Math.min(2, config.poolSize()));
    hikari.setConnectionTimeout(10_000);
    hikari.setInitializationFailTimeout(1); // fail fast: one attempt, then throw
    hikari.setAutoCommit(true);
    if (config.dialect() == StoreConfig.Dialect.POSTGRESQL) {
      // A JDBC batch of INSERTs goes as multi-row INSERTs: one round trip for a group of cases or
      // attempts instead of one per row. Update counts of such batches are not per row.
      hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
    }

    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      throw new StoreException(
          StoreException.Reason.CONNECTION_FAILED,
          "Could not connect to the store at "
              + config.redactedUrl()
              + " as user '"
              + config.user()
              + "': "
              + scrub(rootMessage(e), config)
              + ". Check that the database is running and that the URL, user and password are"
              + " right.",
          e);
    }
    try {
      Flyway flyway =
          Flyway.configure()
              .dataSource(pool)
              .locations("classpath:db/migration")
              .cleanDisabled(true)
              .load();
      flyway.migrate();
      MigrationInfo current = flyway.info().current();
      String version = current == null ? "0" : current.getVersion().getVersion();
      return new Store(config, pool, version);
    } catch (FlywayException | IllegalStateException e) {
      pool.close();
      throw new StoreException(
          StoreException.Reason.MIGRATION_FAILED,
          "Could not migrate the store at "
              + config.redactedUrl()
              + " to the current schema: "
              + scrub(rootMessage(e), config)
              + ".",
          e);
    }
  }

  /** The configuration this store was opened with. */
  public StoreConfig config() {
    return config;
  }

  /** The database behind this store. */
  public StoreConfig.Dialect dialect() {
    return config.dialect();
  }

  /** The schema version after migration, such as {@code "1"}. */
  public String schemaVersion() {
    return schemaVersion;
  }

  /** The pooled data source. Connections borrowed from it must be closed by the borrower. */
  public DataSource dataSource() {
    return pool;
  }

  /** The outbox on this store. */
  public OutboxQueue outbox() {
    return outbox;
  }

  /**
   * Borrows a connection in auto-commit mode; the caller must close it.
   *
   * @throws StoreException {@link StoreException.Reason#CONNECTION_FAILED} if none can be had
   *     within 10 seconds
   */
  public Connection connection() {
    try {
      return pool.getConnection();
    } catch (SQLException e) {
      throw new StoreException(
          StoreException.Reason.CONNECTION_FAILED,
          "Could not borrow a connection to the store at "
              + config.redactedUrl()
              + ": "
              + scrub(rootMessage(e), config)
              + ".",
          e);
    }
  }

  /**
   * Runs {@code work} in one transaction on the calling thread: commits when it returns, rolls back
   * when it throws. A {@link SQLException} is rethrown as a {@link StoreException} with reason
   * {@link StoreException.Reason#SQL_FAILED}; runtime exceptions are rethrown as they are.
   */
  public <T> T inTransaction(TransactionWork<T> work) {
    return transaction(work, false, "A transaction on the store");
  }

  /**
   * Runs read-only {@code work} in one {@code REPEATABLE READ} transaction, so that all its
   * statements see the same snapshot: a case row and its audit trail read by two statements cannot
   * straddle a writer's commit, as they can under the default {@code READ COMMITTED}. Errors are
   * rethrown as by {@link #inTransaction}.
   */
  public <T> T inSnapshot(TransactionWork<T> work) {
    return transaction(work, true, "A read on the store");
  }

  /** {@code work} in one transaction: the pool's isolation, or REPEATABLE READ if snapshot. */
  private <T> T transaction(TransactionWork<T> work, boolean snapshot, String what) {
    Objects.requireNonNull(work, "work == null");
    try (Connection tx = connection()) {
      tx.setAutoCommit(false);
      if (snapshot) {
        tx.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      }
      try {
        T result = work.run(tx);
        tx.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(tx, e);
        throw e;
      }
    } catch (SQLException e) {
      throw sqlFailed(what + " failed", e);
    }
  }

  /**
   * Runs {@code work} on a borrowed connection in auto-commit mode on the calling thread: each
   * statement is its own transaction, and no {@code COMMIT} round trip follows. For reads that need
   * no common snapshot. A {@link SQLException} is rethrown as a {@link StoreException} with reason
   * {@link StoreException.Reason#SQL_FAILED}; runtime exceptions are rethrown as they are.
   */
  public <T> T autoCommit(TransactionWork<T> work) {
    Objects.requireNonNull(work, "work == null");
    try (Connection c = connection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw sqlFailed("A read on the store failed", e);
    }
  }

  /** Closes the pool. Idempotent. */
  @Override
  public void close() {
    pool.close();
  }

  StoreException sqlFailed(String what, SQLException e) {
    return new StoreException(
        StoreException.Reason.SQL_FAILED,
        what + " at " + config.redactedUrl() + ": " + scrub(e.getMessage(), config) + ".",
        e);
  }

  private static void rollbackQuietly(Connection tx, Exception cause) {
    try {
      tx.rollback();
    } catch (SQLException rollbackFailure) {
      cause.addSuppressed(rollbackFailure);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage();
    return message == null ? t.getClass().getSimpleName() : message.strip();
  }

  /** Removes the password, and password parameters of the URL, from a driver's message. */
  static String scrub(String message, StoreConfig config) {
    if (message == null) {
      return "(no detail)";
    }
    String out = StoreConfig.redact(message);
    if (!config.password().isEmpty()) {
      out = out.replace(config.password(), "***");
    }
    return out;
  }
}
