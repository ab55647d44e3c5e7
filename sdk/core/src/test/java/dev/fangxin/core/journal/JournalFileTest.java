package dev.fangxin.core.journal;

import static dev.fangxin.core.journal.JournalFixtures.payloads;
import static dev.fangxin.core.journal.JournalFixtures.payloadsOf;
import static dev.fangxin.core.journal.JournalFixtures.read;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalFileTest {
  @TempDir Path dir;

  @Test
  void newJournalHasExactlyTheHeader() throws Exception {
    Path file = dir.resolve("j.fxj");
    try (JournalFile journal = JournalFile.open(file, JournalOptions.defaults())) {
      assertThat(journal.size()).isEqualTo(16);
      assertThat(journal.entries()).isEmpty();
      assertThat(journal.recovery()).isEqualTo(Recovery.none(16));
      assertThat(journal.recovery().truncated()).isFalse();
      assertThat(journal.path()).isEqualTo(file.toAbsolutePath());
    }
    assertThat(HexFormat.of().formatHex(Files.readAllBytes(file)))
        .isEqualTo("46584a524e4c0001" + "0000000000000000");
  }

  @Test
  void recordBytesMatchTheDocumentedExample() {
    Path file = dir.resolve("j.fxj");
    try (JournalFile journal = JournalFile.open(file, JournalOptions.defaults())) {
      assertThat(journal.append("a".getBytes(US_ASCII))).isEqualTo(16);
      assertThat(journal.append("hello".getBytes(US_ASCII))).isEqualTo(16 + 9);
      assertThat(journal.size()).isEqualTo(16 + 9 + 13);
    }
    byte[] bytes = read(file);
    assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(bytes, 16, bytes.length)))
        .isEqualTo("00000001c57dfe23" + "61" + "000000053923f9b4" + "68656c6c6f");
  }

  @Test
  void appendsSurviveReopenInOrderWithOffsets() {
    Path file = dir.resolve("j.fxj");
    List<byte[]> written = payloads(50, 300, 1);
    List<Long> offsets = JournalFixtures.write(file, written);
    long expected = 16;
    for (int i = 0; i < written.size(); i++) {
      assertThat(offsets.get(i)).isEqualTo(expected);
      expected += 8 + written.get(i).length;
    }
    try (JournalFile journal = JournalFile.open(file, JournalOptions.defaults())) {
      assertThat(journal.recovery().truncated()).isFalse();
      assertThat(journal.size()).isEqualTo(expected);
      List<JournalEntry> entries = journal.entries();
      assertThat(entries).hasSize(50);
      for (int i = 0; i < 50; i++) {
        assertThat(entries.get(i).index()).isEqualTo(i);
        assertThat(entries.get(i).offset()).isEqualTo(offsets.get(i));
        assertThat(entries.get(i).payload()).isEqualTo(written.get(i));
      }
      byte[] more = "after reopen".getBytes(US_ASCII);
      assertThat(journal.append(more)).isEqualTo(expected);
      assertThat(journal.entries()).hasSize(51);
    }
  }

  @Test
  void largestRecordIsAcceptedAndOneMoreByteIsNot() {
    try (JournalFile journal = JournalFile.open(dir.resolve("j.fxj"), JournalOptions.defaults())) {
      byte[] largest = new byte[65_536];
      Arrays.fill(largest, (byte) 7);
      journal.append(largest);
      assertThat(journal.entries().get(0).payload()).isEqualTo(largest);
      assertThatThrownBy(() -> journal.append(new byte[65_537]))
          .isInstanceOfSatisfying(
              JournalException.class,
              e -> {
                assertThat(e.reasonCode()).isEqualTo(JournalException.Reason.RECORD_TOO_LARGE);
                assertThat(e.reason()).isEqualTo("journal.record_too_large");
              })
          .hasMessage("Record payload is 65537 bytes; a journal record holds at most 65536 bytes.");
      assertThatThrownBy(() -> journal.append(new byte[0]))
          .isInstanceOfSatisfying(
              JournalException.class, e -> assertThat(e.reason()).isEqualTo("journal.empty_record"))
          .hasMessage("Record payload is empty; a journal record holds 1 to 65536 bytes.");
      assertThat(journal.entries()).hasSize(1);
    }
  }

  @Test
  void secondOpenIsLocked() {
    Path file = dir.resolve("j.fxj");
    try (JournalFile journal = JournalFile.open(file, JournalOptions.defaults())) {
      journal.append(new byte[] {1});
      assertThatThrownBy(() -> JournalFile.open(file, JournalOptions.defaults()))
          .isInstanceOfSatisfying(
              JournalException.class, e -> assertThat(e.reason()).isEqualTo("journal.locked"))
          .hasMessage(
              "Journal "
                  + file.toAbsolutePath()
                  + " is already open in this JVM; close it before opening it again.");
      // The same file through another spelling of its path is still the same journal.
      Path other = dir.resolve("sub").resolve("..").resolve("j.fxj");
      assertThatThrownBy(() -> JournalFile.open(other, JournalOptions.defaults()))
          .isInstanceOfSatisfying(
              JournalException.class, e -> assertThat(e.reason()).isEqualTo("journal.locked"));
      // The failed opens did not disturb the first journal.
      journal.append(new byte[] {2});
      assertThat(journal.entries()).hasSize(2);
    }
    try (JournalFile again = JournalFile.open(file, JournalOptions.defaults())) {
      assertThat(again.entries()).hasSize(2);
    }
  }

  @Test
  void closedJournalRefusesAppendsAndReads() {
    Path file = dir.resolve("j.fxj");
    JournalFile journal = JournalFile.open(file, JournalOptions.defaults());
    journal.append(new byte[] {1});
    journal.close();
    journal.close(); // idempotent
    assertThatThrownBy(() -> journal.append(new byte[] {2}))
        .isInstanceOfSatisfying(
            JournalException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(JournalException.Reason.CLOSED))
        .hasMessage("Journal " + file.toAbsolutePath() + " is closed; open it again.");
    assertThatThrownBy(journal::entries)
        .isInstanceOfSatisfying(
            JournalException.class, e -> assertThat(e.reason()).isEqualTo("journal.closed"));
    assertThat(journal.size()).isEqualTo(16 + 9);
  }

  @Test
  void closingTwiceDoesNotReleaseALaterJournalOnTheSameFile() {
    Path file = dir.resolve("j.fxj");
    JournalFile first = JournalFile.open(file, JournalOptions.defaults());
    first.close();
    try (JournalFile second = JournalFile.open(file, JournalOptions.defaults())) {
      first.close();
      assertThatThrownBy(() -> JournalFile.open(file, JournalOptions.defaults()))
          .isInstanceOfSatisfying(
              JournalException.class, e -> assertThat(e.reason()).isEqualTo("journal.locked"));
      second.append(new byte[] {1});
    }
  }

  @Test
  void missingDirectoryIsNotFound() {
    Path file = dir.resolve("absent").resolve("j.fxj");
    assertThatThrownBy(() -> JournalFile.open(file, JournalOptions.defaults()))
        .isInstanceOfSatisfying(
            JournalException.class, e -> assertThat(e.reason()).isEqualTo("journal.not_found"))
        .hasMessage(
            "Directory "
                + dir.resolve("absent").toAbsolutePath()
                + " does not exist; create it before opening a journal in it.");
  }

  @Test
  void wrongMagicIsBadHeader() throws Exception {
    Path file = dir.resolve("j.fxj");
    JournalFixtures.write(file, payloads(3, 10, 2));
    byte[] bytes = read(file);
    bytes[0] = 'X';
    Files.write(file, bytes);
    assertThatThrownBy(() -> JournalFile.open(file, JournalOptions.defaults()))
        .isInstanceOfSatisfying(
            JournalException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("journal.bad_header");
              assertThat(e.offset()).hasValue(0);
            })
        .hasMessage(
            "File "
                + file.toAbsolutePath()
                + " is not a version 1 journal: its header does not start with the magic"
                + " \"FXJRNL\" (bytes 46 58 4A 52 4E 4C).");
    assertThat(read(file)).isEqualTo(bytes); // open changed nothing
  }

  @Test
  void otherVersionAndReservedBytesAreBadHeader() throws Exception {
    Path file = dir.resolve("j.fxj");
    JournalFixtures.write(file, payloads(1, 10, 3));
    byte[] bytes = read(file);
    bytes[7] = 2;
    Files.write(file, bytes);
    assertThatThrownBy(() -> JournalFile.open(file, JournalOptions.defaults()))
        .hasMessageEndingWith("its header has format version 2; this library reads version 1.");
    bytes[7] = 1;
    bytes[12] = 1;
    Files.write(file, bytes);
    assertThatThrownBy(() -> JournalFile.open(file, JournalOptions.defaults()))
        .hasMessageEndingWith(
            "its header has non-zero reserved byte at offset 12; version 1 wants 0.");
  }

  @Test
  void shortFileThatIsNotAHeaderIsBadHeader() throws Exception {
    Path file = dir.resolve("j.txt");
    Files.write(file, "hello".getBytes(US_ASCII));
    assertThatThrownBy(() -> JournalFile.open(file, JournalOptions.defaults()))
        .isInstanceOfSatisfying(
            JournalException.class, e -> assertThat(e.reason()).isEqualTo("journal.bad_header"))
        .hasMessage(
            "File "
                + file.toAbsolutePath()
                + " is 5 bytes long and not a journal: a journal starts with a 16-byte header"
                + " \"FXJRNL\" 00 01 and 8 zero bytes.");
  }

  @Test
  void interruptedCreationIsCompleted() throws Exception {
    for (int length = 0; length < 16; length++) {
      Path file = dir.resolve("j" + length + ".fxj");
      Files.write(file, Arrays.copyOf(RecordFormat.header(), length));
      try (JournalFile journal = JournalFile.open(file, JournalOptions.defaults())) {
        assertThat(journal.size()).isEqualTo(16);
        assertThat(journal.append(new byte[] {9})).isEqualTo(16);
      }
      assertThat(Arrays.copyOf(read(file), 16)).isEqualTo(RecordFormat.header());
    }
  }

  @Test
  void entriesRunWhileOtherThreadsAppend() throws Exception {
    Path file = dir.resolve("j.fxj");
    JournalOptions options = JournalOptions.builder().syncMode(SyncMode.GROUP_COMMIT).build();
    try (JournalFile journal = JournalFile.open(file, options)) {
      AtomicBoolean done = new AtomicBoolean();
      List<Throwable> failures = new ArrayList<>();
      Thread writer =
          new Thread(
              () -> {
                try {
                  for (byte[] payload : payloads(300, 40, 4)) {
                    journal.append(payload);
                  }
                } catch (Throwable t) {
                  synchronized (failures) {
                    failures.add(t);
                  }
                } finally {
                  done.set(true);
                }
              });
      writer.start();
      int previous = 0;
      while (!done.get()) {
        List<JournalEntry> entries = journal.entries();
        assertThat(entries.size()).isGreaterThanOrEqualTo(previous);
        previous = entries.size();
      }
      writer.join();
      assertThat(failures).isEmpty();
      assertThat(payloadsOf(journal.entries()))
          .usingElementComparator(Arrays::compare)
          .containsExactlyElementsOf(payloads(300, 40, 4));
    }
  }

  @Test
  void optionsValidateTheWindow() {
    assertThat(JournalOptions.defaults().syncMode()).isEqualTo(SyncMode.EVERY_APPEND);
    assertThat(JournalOptions.defaults().groupCommitWindow()).isEqualTo(Duration.ofMillis(2));
    JournalOptions options =
        JournalOptions.builder()
            .syncMode(SyncMode.GROUP_COMMIT)
            .groupCommitWindow(Duration.ZERO)
            .build();
    assertThat(options.toBuilder().build()).isEqualTo(options);
    assertThatThrownBy(() -> JournalOptions.builder().groupCommitWindow(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("groupCommitWindow is negative: PT-0.001S");
    assertThatThrownBy(() -> JournalOptions.builder().groupCommitWindow(Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("groupCommitWindow is PT2S, longer than the maximum PT1S");
  }

  @Test
  void zeroWindowGroupCommitStillWorks() {
    Path file = dir.resolve("j.fxj");
    JournalOptions options =
        JournalOptions.builder()
            .syncMode(SyncMode.GROUP_COMMIT)
            .groupCommitWindow(Duration.ZERO)
            .build();
    try (JournalFile journal = JournalFile.open(file, options)) {
      for (int i = 1; i <= 20; i++) {
        journal.append(new byte[] {(byte) i});
      }
      assertThat(journal.forceCount()).isEqualTo(20);
    }
    try (JournalFile journal = JournalFile.open(file, JournalOptions.defaults())) {
      assertThat(journal.entries()).hasSize(20);
    }
  }

  @Test
  void pendingInterruptDoesNotBreakTheJournalAndIsKept() {
    for (SyncMode mode : SyncMode.values()) {
      Path file = dir.resolve(mode + ".fxj");
      try (JournalFile journal =
          JournalFile.open(file, JournalOptions.builder().syncMode(mode).build())) {
        Thread.currentThread().interrupt();
        journal.append(new byte[] {1});
        assertThat(Thread.interrupted()).isTrue();
        Thread.currentThread().interrupt();
        assertThat(journal.entries()).hasSize(1);
        assertThat(Thread.interrupted()).isTrue();
        journal.append(new byte[] {2});
        assertThat(journal.entries()).hasSize(2);
      }
    }
  }
}
