package dev.fangxin.gateway.clearing;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The switching story on the embedded default store (H2). */
class H2SwitchingStoryTest extends SwitchingStoryContractTest {
  @TempDir Path dir;

  @Override
  Map<String, String> storeSettings() {
    return Map.of("data.dir", dir.resolve("data").toString());
  }
}
