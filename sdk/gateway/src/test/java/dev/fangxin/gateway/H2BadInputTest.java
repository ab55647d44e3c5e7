package dev.fangxin.gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The bad-input suite on the embedded default, an H2 file database in a temporary data directory,
 * and the fuzz: 1,000 seeded mutations per route in the ordinary build (about two minutes here),
 * the 5,000 with {@code -Dfangxin.fuzz.mutations=5000}.
 */
class H2BadInputTest extends BadInputContractTest {
  private Path dir;

  @Override
  Map<String, String> storeSettings() throws Exception {
    dir = Files.createTempDirectory("fangxin-bad-input");
    return Map.of("data.dir", dir.resolve("data").toString());
  }

  @Override
  int fuzzMutations() {
    return Integer.getInteger("fangxin.fuzz.mutations", 1_000);
  }
}
