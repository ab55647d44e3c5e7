package dev.fangxin.gateway.registry;

import dev.fangxin.gateway.store.StoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The registry contract on the embedded default: an H2 file database in a temporary directory. */
class H2RegistryTest extends RegistryContractTest {
  @TempDir Path dir;

  @Override
  StoreConfig freshDatabase() {
    return StoreConfig.embeddedDefault(dir.resolve("data"));
  }
}
