package dev.fangxin.gateway.delivery;

import dev.fangxin.gateway.store.StoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The delivery contract on an H2 file database. */
class H2DeliveryTest extends DeliveryContractTest {
  @TempDir Path dir;

  @Override
  StoreConfig freshDatabase() {
    return Databases.h2(dir);
  }
}
