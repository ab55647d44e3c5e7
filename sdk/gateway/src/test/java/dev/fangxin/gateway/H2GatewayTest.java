package dev.fangxin.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fangxin.gateway.config.GatewayConfig;
import dev.fangxin.gateway.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The assembled gateway on the embedded default: an H2 file database in the data directory. */
class H2GatewayTest extends GatewayContractTest {
  @TempDir Path dir;

  @Override
  Map<String, String> storeSettings() {
    return Map.of("data.dir", dir.resolve("data").toString());
  }

  @Test
  void theEmbeddedDatabaseLivesUnderTheDataDirectory() throws Exception {
    GatewayConfig config = config();
    assertThat(config.embeddedStore()).isTrue();
    gateway = Gateway.start(config, clock);
    assertThat(gateway.store().dialect()).isEqualTo(StoreConfig.Dialect.H2);
    assertThat(Files.exists(dir.resolve("data").resolve("fangxin.mv.db"))).isTrue();
  }
}
