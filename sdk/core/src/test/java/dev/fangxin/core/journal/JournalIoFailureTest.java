package dev.fangxin.core.journal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A write that fails half way (here: the file size limit) is an IO failure and a torn tail. */
class JournalIoFailureTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS) // a safety net against a hung child, not a metric
  void failedWriteThrowsIoPoisonsTheJournalAndIsCutOnReopen() throws Exception {
    assumeTrue(Files.isExecutable(Paths.get("/bin/bash")), "needs bash for ulimit -f");
    Path file = dir.resolve("limited.fxj");
    Process child =
        new ProcessBuilder(
                "/bin/bash",
                "-c",
                "ulimit -f 64 && exec \"$0\" \"$@\"",
                System.getProperty("java.home") + "/bin/java",
                "-XX:-UsePerfData",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                FileSizeLimitChild.class.getName(),
                file.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), US_ASCII))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        lines.add(line);
      }
    }
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(lines).hasSizeGreaterThan(2);
    assertThat(lines.subList(lines.size() - 2, lines.size()))
        .containsExactly("failed journal.io", "then journal.io");
    int returned = lines.size() - 2;
    long limit = Files.size(file);
    // Each record is 1007 bytes, so the limit falls inside a record: the failed write was partial.
    assertThat((limit - 16) % 1007).isNotZero();

    try (JournalFile journal = JournalFile.open(file, JournalOptions.defaults())) {
      long end = 16 + 1007L * returned;
      assertThat(journal.recovery()).isEqualTo(Recovery.truncated(end, limit - end));
      List<JournalEntry> entries = journal.entries();
      assertThat(entries).hasSize(returned);
      for (int i = 0; i < returned; i++) {
        assertThat(entries.get(i).payload()[0]).isEqualTo((byte) i);
      }
      assertThat(journal.append(new byte[] {7})).isEqualTo(end);
    }
  }
}
