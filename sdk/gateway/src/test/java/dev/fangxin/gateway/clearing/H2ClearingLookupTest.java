package dev.fangxin.gateway.clearing;

import dev.fangxin.gateway.delivery.Databases;
import dev.fangxin.gateway.store.StoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The pull-hook contract on H2. */
class H2ClearingLookupTest extends ClearingLookupContractTest {
  @TempDir Path dir;

  @Override
  StoreConfig freshDatabase() {
    return Databases.h2(dir);
  }
}
