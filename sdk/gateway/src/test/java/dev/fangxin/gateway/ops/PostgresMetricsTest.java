package dev.fangxin.gateway.ops;

import dev.fangxin.gateway.store.StoreConfig;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store-derived gauges on a real PostgreSQL. */
class PostgresMetricsTest extends MetricsContractTest {
  private static TestPostgres postgres;

  @BeforeAll
  static void startServer() {
    postgres = TestPostgres.start();
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  StoreConfig freshDatabase() throws Exception {
    return postgres.freshDatabase();
  }
}
