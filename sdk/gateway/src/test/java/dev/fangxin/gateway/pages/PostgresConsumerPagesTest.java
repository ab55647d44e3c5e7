package dev.fangxin.gateway.pages;

import dev.fangxin.gateway.ops.TestPostgres;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The consumer pages on a real PostgreSQL. */
class PostgresConsumerPagesTest extends ConsumerPagesContractTest {
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
  Map<String, String> storeSettings() throws Exception {
    return Map.of(
        "store.url", postgres.freshDatabaseUrl(), "store.user", "postgres", "store.pool-size", "4");
  }
}
