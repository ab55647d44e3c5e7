package dev.fangxin.gateway.delivery;

import dev.fangxin.gateway.store.StoreConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * Fresh databases for the delivery and endpoint contract tests: an H2 file database in a directory,
 * or a new database on one embedded PostgreSQL server shared by the whole test JVM (started on
 * first use, stopped at exit). If PostgreSQL cannot start, tests fail when {@code CI=true} and are
 * skipped otherwise, as in {@code PostgresStoreTest}.
 */
public final class Databases {
  private static final AtomicInteger COUNT = new AtomicInteger();
  private static EmbeddedPostgres server;
  private static Throwable failure;

  private Databases() {}

  /** A fresh H2 file database under {@code dir}. */
  public static StoreConfig h2(Path dir) {
    return StoreConfig.embeddedDefault(dir.resolve("h2-" + COUNT.incrementAndGet()));
  }

  /** A fresh, empty PostgreSQL database. */
  public static synchronized StoreConfig postgres() throws SQLException {
    if (server == null && failure == null) {
      try {
        server = EmbeddedPostgres.builder().start();
        EmbeddedPostgres s = server;
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        s.close();
                      } catch (IOException e) {
                        // exiting anyway
                      }
                    }));
      } catch (IOException | RuntimeException e) {
        failure = e;
      }
    }
    if (server == null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError(
            "Embedded PostgreSQL did not start and CI=true requires it.", failure);
      }
      Assumptions.abort("Embedded PostgreSQL did not start (set CI=true to fail): " + failure);
    }
    String name = "delivery_" + COUNT.incrementAndGet();
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return StoreConfig.of(
        "jdbc:postgresql://localhost:" + server.getPort() + "/" + name, "postgres", "", 20);
  }
}
