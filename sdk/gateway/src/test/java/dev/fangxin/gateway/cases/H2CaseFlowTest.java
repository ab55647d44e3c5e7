package dev.fangxin.gateway.cases;

import dev.fangxin.gateway.store.StoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The case and intake contract on the embedded default: an H2 file database. */
class H2CaseFlowTest extends CaseFlowContractTest {
  @TempDir Path dir;

  @Override
  StoreConfig freshDatabase() {
    return StoreConfig.embeddedDefault(dir.resolve("data")).withPoolSize(30);
  }
}
