package dev.fangxin.core.journal;

import static dev.fangxin.core.journal.JournalFixtures.overwrite;
import static dev.fangxin.core.journal.JournalFixtures.payloads;
import static dev.fangxin.core.journal.JournalFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Random damage never makes the scanner throw or invent records, nor open accept a non-prefix. */
class JournalFuzzTest {
  private static final int MUTATIONS = 500;

  @TempDir Path dir;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS) // a safety net against endless loops, not a metric
  void mutatedJournalsAreScannedSafelyAndOpenedAsPrefixes() {
    List<byte[]> written = payloads(20, 200, 11);
    written.set(5, new byte[3000]); // a larger record, mostly zero bytes
    Path original = dir.resolve("original.fxj");
    JournalFixtures.write(original, written);
    byte[] bytes = read(original);
    Set<ByteBuffer> known = new HashSet<>();
    for (byte[] payload : written) {
      known.add(ByteBuffer.wrap(payload));
    }

    Random random = new Random(20240611L);
    Path scanned = dir.resolve("scanned.fxj");
    Path opened = dir.resolve("opened.fxj");
    int corrupt = 0;
    int badHeader = 0;
    int prefixes = 0;
    for (int round = 0; round < MUTATIONS; round++) {
      byte[] mutated = bytes;
      int steps = 1 + random.nextInt(3);
      List<String> applied = new ArrayList<>();
      for (int s = 0; s < steps; s++) {
        mutated = mutate(mutated, random, applied);
      }
      String what = "round " + round + ": " + applied;

      overwrite(scanned, mutated);
      ScanResult scan = JournalScanner.scan(scanned);
      for (JournalEntry entry : scan.entries()) {
        assertThat(known).as(what).contains(ByteBuffer.wrap(entry.payload()));
      }
      assertThat(read(scanned)).as(what).isEqualTo(mutated);

      overwrite(opened, mutated);
      try (JournalFile journal = JournalFile.open(opened, JournalOptions.defaults())) {
        List<JournalEntry> entries = journal.entries();
        assertThat(entries.size()).as(what).isLessThanOrEqualTo(written.size());
        for (int i = 0; i < entries.size(); i++) {
          assertThat(entries.get(i).payload()).as(what).isEqualTo(written.get(i));
        }
        journal.append(new byte[] {42});
        prefixes++;
      } catch (JournalException e) {
        switch (e.reasonCode()) {
          case CORRUPT:
            corrupt++;
            break;
          case BAD_HEADER:
            badHeader++;
            break;
          default:
            fail(what + " failed with " + e.reason() + ": " + e.getMessage());
        }
      }
    }
    // The mutations exercise all three outcomes.
    assertThat(corrupt).isPositive();
    assertThat(badHeader).isPositive();
    assertThat(prefixes).isPositive();
  }

  private static byte[] mutate(byte[] bytes, Random random, List<String> applied) {
    switch (random.nextInt(4)) {
      case 0:
        {
          if (bytes.length == 0) {
            return bytes;
          }
          byte[] flipped = bytes.clone();
          int at = random.nextInt(flipped.length);
          flipped[at] ^= (byte) (1 << random.nextInt(8));
          applied.add("flip@" + at);
          return flipped;
        }
      case 1:
        {
          int length = random.nextInt(bytes.length + 1);
          applied.add("truncate@" + length);
          return Arrays.copyOf(bytes, length);
        }
      case 2:
        {
          int at = random.nextInt(bytes.length + 1);
          byte[] garbage = new byte[1 + random.nextInt(64)];
          random.nextBytes(garbage);
          byte[] grown = new byte[bytes.length + garbage.length];
          System.arraycopy(bytes, 0, grown, 0, at);
          System.arraycopy(garbage, 0, grown, at, garbage.length);
          System.arraycopy(bytes, at, grown, at + garbage.length, bytes.length - at);
          applied.add("insert" + garbage.length + "@" + at);
          return grown;
        }
      default:
        {
          if (bytes.length == 0) {
            return bytes;
          }
          byte[] overwritten = bytes.clone();
          int at = random.nextInt(overwritten.length);
          int length = Math.min(overwritten.length - at, 1 + random.nextInt(32));
          for (int i = at; i < at + length; i++) {
            overwritten[i] = (byte) random.nextInt(256);
          }
          applied.add("overwrite" + length + "@" + at);
          return overwritten;
        }
    }
  }
}
