package dev.fangxin.gateway.ops;

import dev.fangxin.gateway.store.StoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store-derived gauges on the embedded H2 file database. */
class H2MetricsTest extends MetricsContractTest {
  @TempDir Path dir;

  @Override
  StoreConfig freshDatabase() {
    return StoreConfig.embeddedDefault(dir.resolve("data"));
  }
}
