package dev.fangxin.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fangxin.gateway.ops.TestPostgres;
import dev.fangxin.gateway.store.StoreConfig;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The assembled gateway on a real PostgreSQL chosen by its JDBC URL. */
class PostgresGatewayTest extends GatewayContractTest {
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

  private String url;

  @Override
  Map<String, String> storeSettings() throws Exception {
    if (url == null) {
      url = postgres.freshDatabaseUrl();
    }
    return Map.of("store.url", url, "store.user", "postgres", "store.pool-size", "4");
  }

  @Test
  void aPostgresUrlSwitchesTheStore() throws Exception {
    gateway = Gateway.start(config(), clock);
    assertThat(gateway.config().embeddedStore()).isFalse();
    assertThat(gateway.store().dialect()).isEqualTo(StoreConfig.Dialect.POSTGRESQL);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
  }
}
