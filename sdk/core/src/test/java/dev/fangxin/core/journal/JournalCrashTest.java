package dev.fangxin.core.journal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL while it appends, then checks that every append it reported as
 * returned is in the journal, exactly once and in order, and that the journal accepts appends.
 */
class JournalCrashTest {
  private static final int ROUNDS_PER_MODE = 5;

  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS) // a safety net against a hung child, not a metric
  void reportedAppendsSurviveSigkill() throws Exception {
    Random random = new Random(7_2024L);
    int round = 0;
    for (SyncMode mode : SyncMode.values()) {
      for (int i = 0; i < ROUNDS_PER_MODE; i++, round++) {
        int threads = mode == SyncMode.GROUP_COMMIT ? 4 : 1;
        int reportsBeforeKill = 20 + random.nextInt(200);
        crashAndCheck(dir.resolve("crash-" + round + ".fxj"), mode, threads, reportsBeforeKill);
      }
    }
  }

  private void crashAndCheck(Path file, SyncMode mode, int threads, int reportsBeforeKill)
      throws Exception {
    Process child =
        new ProcessBuilder(
                System.getProperty("java.home") + "/bin/java",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-cp",
                System.getProperty("java.class.path"),
                CrashChild.class.getName(),
                file.toString(),
                mode.name(),
                Integer.toString(threads))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    Map<Integer, Integer> reported = new HashMap<>(); // thread -> highest sequence reported
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), US_ASCII))) {
      int count = 0;
      String line;
      while (count < reportsBeforeKill && (line = out.readLine()) != null) {
        String[] parts = line.split(":");
        reported.merge(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Math::max);
        count++;
        if (count == reportsBeforeKill / 2) {
          // While the child holds the journal, another process cannot open it.
          assertThatThrownBy(() -> JournalFile.open(file, JournalOptions.defaults()))
              .isInstanceOfSatisfying(
                  JournalException.class, e -> assertThat(e.reason()).isEqualTo("journal.locked"))
              .hasMessage(
                  "Journal "
                      + file.toAbsolutePath()
                      + " is locked by another process; it may have only one writer.");
        }
      }
      assertThat(count)
          .as("the child reported appends before it died")
          .isEqualTo(reportsBeforeKill);
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }

    try (JournalFile journal = JournalFile.open(file, JournalOptions.defaults())) {
      Map<Integer, Integer> next = new HashMap<>();
      for (JournalEntry entry : journal.entries()) {
        String[] parts = new String(entry.payload(), US_ASCII).split(":");
        int thread = Integer.parseInt(parts[0]);
        int sequence = Integer.parseInt(parts[1]);
        int expected = next.getOrDefault(thread, 0);
        assertThat(sequence).as("thread %s record order", thread).isEqualTo(expected);
        next.put(thread, expected + 1);
      }
      for (Map.Entry<Integer, Integer> highest : reported.entrySet()) {
        assertThat(next.getOrDefault(highest.getKey(), 0))
            .as("records of thread %s present after the kill", highest.getKey())
            .isGreaterThan(highest.getValue());
      }
      long offset = journal.append("after the crash".getBytes(US_ASCII));
      assertThat(offset).isEqualTo(journal.size() - 8 - 15);
    }
    try (JournalFile journal = JournalFile.open(file, JournalOptions.defaults())) {
      List<JournalEntry> entries = new ArrayList<>(journal.entries());
      assertThat(journal.recovery().truncated()).isFalse();
      assertThat(entries.get(entries.size() - 1).payload())
          .isEqualTo("after the crash".getBytes(US_ASCII));
    }
  }
}
