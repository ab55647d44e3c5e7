package dev.fangxin.gateway.endpoint;

import dev.fangxin.gateway.delivery.Databases;
import dev.fangxin.gateway.store.StoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The endpoint contract on an H2 file database. */
class H2EndpointsTest extends EndpointsContractTest {
  @TempDir Path dir;

  @Override
  StoreConfig freshDatabase() {
    return Databases.h2(dir);
  }
}
