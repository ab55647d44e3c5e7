package dev.fangxin.gateway;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The dispute story on the embedded default store (H2 file database). */
class H2DisputeStoryTest extends DisputeStoryContractTest {
  @TempDir Path dir;

  @Override
  Map<String, String> storeSettings() {
    return Map.of("data.dir", dir.resolve("data").toString());
  }
}
