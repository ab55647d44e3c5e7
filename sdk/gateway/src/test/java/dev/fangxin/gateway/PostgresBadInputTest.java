package dev.fangxin.gateway;

import dev.fangxin.gateway.ops.TestPostgres;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * The bad-input suite on a real PostgreSQL. The table runs in full; the fuzz runs a tenth of the H2
 * count per route (the same seeds), since each refusal snapshots every table over the network.
 */
class PostgresBadInputTest extends BadInputContractTest {
  private TestPostgres postgres;

  @Override
  Map<String, String> storeSettings() throws Exception {
    postgres = TestPostgres.start();
    return Map.of(
        "store.url", postgres.freshDatabaseUrl(), "store.user", "postgres", "store.pool-size", "4");
  }

  @Override
  int fuzzMutations() {
    return Integer.getInteger("fangxin.fuzz.mutations", 1_000) / 10;
  }

  @AfterAll
  void stopPostgres() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }
}
