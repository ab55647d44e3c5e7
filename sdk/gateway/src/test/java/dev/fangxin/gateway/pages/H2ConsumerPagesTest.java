package dev.fangxin.gateway.pages;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The consumer pages on the embedded default store (H2 file database). */
class H2ConsumerPagesTest extends ConsumerPagesContractTest {
  @TempDir Path dir;

  @Override
  Map<String, String> storeSettings() {
    return Map.of("data.dir", dir.resolve("data").toString());
  }
}
