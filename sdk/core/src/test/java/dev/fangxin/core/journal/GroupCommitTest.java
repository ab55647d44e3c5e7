package dev.fangxin.core.journal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {
  private static final int THREADS = 8;
  private static final int APPENDS = 200;

  @TempDir Path dir;

  @Test
  void concurrentAppendersShareForcesAndLoseNothing() throws Exception {
    Path file = dir.resolve("j.fxj");
    JournalOptions options = JournalOptions.builder().syncMode(SyncMode.GROUP_COMMIT).build();
    Set<Long> offsets = new HashSet<>();
    long forces;
    try (JournalFile journal = JournalFile.open(file, options)) {
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < APPENDS; i++) {
                      mine.add(journal.append((thread + ":" + i).getBytes(US_ASCII)));
                    }
                    return mine;
                  }));
        }
        start.countDown();
        for (Future<List<Long>> result : results) {
          offsets.addAll(result.get());
        }
      } finally {
        pool.shutdown();
      }
      forces = journal.forceCount();
    }
    assertThat(offsets).hasSize(THREADS * APPENDS);
    assertThat(forces).isPositive().isLessThan(THREADS * APPENDS);

    try (JournalFile journal = JournalFile.open(file, JournalOptions.defaults())) {
      List<JournalEntry> entries = journal.entries();
      assertThat(entries).hasSize(THREADS * APPENDS);
      Set<String> seen = new HashSet<>();
      int[] next = new int[THREADS];
      for (JournalEntry entry : entries) {
        assertThat(offsets).contains(entry.offset());
        String text = new String(entry.payload(), US_ASCII);
        assertThat(seen.add(text)).as("duplicate %s", text).isTrue();
        String[] parts = text.split(":");
        int thread = Integer.parseInt(parts[0]);
        // Each thread's records appear in the order it appended them.
        assertThat(Integer.parseInt(parts[1])).isEqualTo(next[thread]++);
      }
      for (int count : next) {
        assertThat(count).isEqualTo(APPENDS);
      }
    }
  }

  @Test
  void everyAppendModeForcesOncePerAppend() {
    try (JournalFile journal = JournalFile.open(dir.resolve("j.fxj"), JournalOptions.defaults())) {
      for (int i = 0; i < 10; i++) {
        journal.append(new byte[] {(byte) i});
      }
      assertThat(journal.forceCount()).isEqualTo(10);
    }
  }
}
