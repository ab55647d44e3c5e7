package dev.fangxin.gateway.auth;

import dev.fangxin.gateway.store.StoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The API key contract on the embedded default: an H2 file database. */
class H2ApiKeysTest extends ApiKeysContractTest {
  @TempDir Path dir;

  @Override
  StoreConfig freshDatabase() {
    return StoreConfig.embeddedDefault(dir.resolve("data"));
  }
}
