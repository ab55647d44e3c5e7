package dev.fangxin.gateway.registry;

import dev.fangxin.gateway.ops.TestPostgres;
import dev.fangxin.gateway.store.StoreConfig;
import java.io.IOException;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The registry contract on a real PostgreSQL server ({@link TestPostgres}). One server per class;
 * every test gets a fresh database.
 */
class PostgresRegistryTest extends RegistryContractTest {
  private static TestPostgres server;

  @BeforeAll
  static void startServer() {
    server = TestPostgres.start();
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Override
  StoreConfig freshDatabase() throws SQLException {
    return server.freshDatabase();
  }
}
