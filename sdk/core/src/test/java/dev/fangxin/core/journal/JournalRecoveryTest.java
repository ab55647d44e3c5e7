package dev.fangxin.core.journal;

import static dev.fangxin.core.journal.JournalFixtures.overwrite;
import static dev.fangxin.core.journal.JournalFixtures.payloads;
import static dev.fangxin.core.journal.JournalFixtures.payloadsOf;
import static dev.fangxin.core.journal.JournalFixtures.read;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Torn tails are cut on open; damage in the middle is refused by open and reported by the scan. */
class JournalRecoveryTest {
  @TempDir Path dir;

  private Path original;
  private List<byte[]> written;
  private List<Long> offsets;
  private byte[] bytes;

  @BeforeEach
  void writeTenRecords() {
    original = dir.resolve("original.fxj");
    written = payloads(10, 30, 7);
    offsets = JournalFixtures.write(original, written);
    bytes = read(original);
  }

  @Test
  void truncationAtEveryByteOfTheLastRecordIsRecovered() {
    long last = offsets.get(9);
    for (long cut = last + 1; cut < bytes.length; cut++) {
      Path file = dir.resolve("cut-" + cut + ".fxj");
      overwrite(file, Arrays.copyOf(bytes, (int) cut));
      try (JournalFile journal = JournalFile.open(file, JournalOptions.defaults())) {
        assertThat(journal.recovery()).isEqualTo(Recovery.truncated(last, cut - last));
        assertThat(journal.size()).isEqualTo(last);
        assertThat(payloadsOf(journal.entries()))
            .usingElementComparator(Arrays::compare)
            .containsExactlyElementsOf(written.subList(0, 9));
        assertThat(journal.append("next".getBytes(US_ASCII))).isEqualTo(last);
      }
      try (JournalFile journal = JournalFile.open(file, JournalOptions.defaults())) {
        assertThat(journal.recovery().truncated()).isFalse();
        List<JournalEntry> entries = journal.entries();
        assertThat(entries).hasSize(10);
        assertThat(entries.get(9).payload()).isEqualTo("next".getBytes(US_ASCII));
      }
    }
  }

  @Test
  void lastRecordWithFlippedPayloadBitIsDropped() {
    Path file = dir.resolve("flipped.fxj");
    byte[] damaged = bytes.clone();
    damaged[damaged.length - 1] ^= 0x10;
    overwrite(file, damaged);
    long last = offsets.get(9);
    try (JournalFile journal = JournalFile.open(file, JournalOptions.defaults())) {
      assertThat(journal.recovery()).isEqualTo(Recovery.truncated(last, bytes.length - last));
      assertThat(journal.recovery().toString())
          .isEqualTo(
              "Recovery{truncated " + (bytes.length - last) + " bytes at offset " + last + "}");
      assertThat(journal.entries()).hasSize(9);
    }
    assertThat(read(file)).isEqualTo(Arrays.copyOf(bytes, (int) last));
  }

  @Test
  void zeroFilledTailIsDropped() {
    Path file = dir.resolve("zeros.fxj");
    overwrite(file, Arrays.copyOf(bytes, bytes.length + 4096));
    try (JournalFile journal = JournalFile.open(file, JournalOptions.defaults())) {
      assertThat(journal.recovery()).isEqualTo(Recovery.truncated(bytes.length, 4096));
      assertThat(journal.entries()).hasSize(10);
    }
  }

  @Test
  void flippedByteInTheThirdRecordIsCorruptForOpenAndSkippedByTheScanner() {
    Path file = dir.resolve("middle.fxj");
    byte[] damaged = bytes.clone();
    long third = offsets.get(2);
    damaged[(int) third + 8 + 3] ^= 0x01;
    overwrite(file, damaged);
    long skipped = offsets.get(3) - third;

    assertThatThrownBy(() -> JournalFile.open(file, JournalOptions.defaults()))
        .isInstanceOfSatisfying(
            JournalException.class,
            e -> {
              assertThat(e.reasonCode()).isEqualTo(JournalException.Reason.CORRUPT);
              assertThat(e.reason()).isEqualTo("journal.corrupt");
              assertThat(e.offset()).hasValue(third);
            })
        .hasMessage(
            "Journal "
                + file.toAbsolutePath()
                + " is damaged at offset "
                + third
                + " (CRC-32C mismatch, "
                + skipped
                + " bytes up to the next valid record); it has valid records after the damage,"
                + " so it is not a torn append and will not be appended to. Read it with"
                + " JournalScanner.");
    assertThat(read(file)).isEqualTo(damaged); // open changed nothing
    // ... and released its lock: another open fails the same way, not with LOCKED.
    assertThatThrownBy(() -> JournalFile.open(file, JournalOptions.defaults()))
        .isInstanceOfSatisfying(
            JournalException.class, e -> assertThat(e.reason()).isEqualTo("journal.corrupt"));

    ScanResult scan = JournalScanner.scan(file);
    assertThat(scan.damages()).containsExactly(Damage.of(Damage.Kind.BAD_CHECKSUM, third, skipped));
    assertThat(scan.isClean()).isFalse();
    List<JournalEntry> entries = scan.entries();
    assertThat(entries).hasSize(9);
    for (int i = 0; i < 9; i++) {
      int original = i < 2 ? i : i + 1;
      assertThat(entries.get(i).index()).isEqualTo(i);
      assertThat(entries.get(i).offset()).isEqualTo(offsets.get(original));
      assertThat(entries.get(i).payload()).isEqualTo(written.get(original));
    }
    assertThat(read(file)).isEqualTo(damaged); // the scan changed nothing
  }

  @Test
  void badLengthInTheMiddleIsCorrupt() {
    Path file = dir.resolve("length.fxj");
    byte[] damaged = bytes.clone();
    long fifth = offsets.get(4);
    damaged[(int) fifth] = 0x7F; // length far above the maximum
    overwrite(file, damaged);
    assertThatThrownBy(() -> JournalFile.open(file, JournalOptions.defaults()))
        .isInstanceOfSatisfying(JournalException.class, e -> assertThat(e.offset()).hasValue(fifth))
        .hasMessageContaining(
            "is damaged at offset "
                + fifth
                + " (length field 0, above 65536 or past the end of the file, ");
    assertThat(JournalScanner.scan(file).damages())
        .containsExactly(Damage.of(Damage.Kind.BAD_LENGTH, fifth, offsets.get(5) - fifth));
  }

  @Test
  void scannerReportsEveryProblemNotOnlyTheFirst() {
    Path file = dir.resolve("many.fxj");
    byte[] damaged = bytes.clone();
    damaged[0] = 'Y';
    damaged[(int) (offsets.get(1) + 9)] ^= 0x40;
    damaged[(int) (offsets.get(6) + 2)] = 0x00; // length of record 7 becomes small and wrong
    damaged[(int) (offsets.get(6) + 3)] = 0x01;
    damaged = Arrays.copyOf(damaged, damaged.length - 3); // and a torn tail
    overwrite(file, damaged);

    ScanResult scan = JournalScanner.scan(file);
    assertThat(scan.damages())
        .containsExactly(
            Damage.of(Damage.Kind.BAD_HEADER, 0, 16),
            Damage.of(Damage.Kind.BAD_CHECKSUM, offsets.get(1), offsets.get(2) - offsets.get(1)),
            Damage.of(Damage.Kind.BAD_CHECKSUM, offsets.get(6), offsets.get(7) - offsets.get(6)),
            Damage.of(Damage.Kind.TORN_TAIL, offsets.get(9), damaged.length - offsets.get(9)));
    assertThat(scan.entries())
        .extracting(JournalEntry::offset)
        .containsExactly(
            offsets.get(0),
            offsets.get(2),
            offsets.get(3),
            offsets.get(4),
            offsets.get(5),
            offsets.get(7),
            offsets.get(8));
    assertThat(scan.fileSize()).isEqualTo(damaged.length);
  }

  @Test
  void scannerOnCleanAndShortFiles() {
    ScanResult clean = JournalScanner.scan(original);
    assertThat(clean.isClean()).isTrue();
    assertThat(payloadsOf(clean.entries()))
        .usingElementComparator(Arrays::compare)
        .containsExactlyElementsOf(written);

    Path shortFile = dir.resolve("short.fxj");
    overwrite(shortFile, Arrays.copyOf(bytes, 5));
    assertThat(JournalScanner.scan(shortFile).damages())
        .containsExactly(Damage.of(Damage.Kind.BAD_HEADER, 0, 5));
    assertThat(Damage.of(Damage.Kind.BAD_HEADER, 0, 5).toString())
        .isEqualTo("BAD_HEADER at offset 0 (5 bytes skipped)");
  }

  @Test
  void scannerRefusesMissingFilesAndJournalsOpenInThisJvm() {
    Path missing = dir.resolve("missing.fxj");
    assertThatThrownBy(() -> JournalScanner.scan(missing))
        .isInstanceOfSatisfying(
            JournalException.class, e -> assertThat(e.reason()).isEqualTo("journal.not_found"))
        .hasMessage("Journal " + missing.toAbsolutePath() + " does not exist.");
    try (JournalFile journal = JournalFile.open(original, JournalOptions.defaults())) {
      assertThatThrownBy(() -> JournalScanner.scan(original))
          .isInstanceOfSatisfying(
              JournalException.class, e -> assertThat(e.reason()).isEqualTo("journal.locked"))
          .hasMessage(
              "Journal "
                  + original.toAbsolutePath()
                  + " is open for appending in this JVM; read it with JournalFile.entries(),"
                  + " because closing a second descriptor of it would release its lock on"
                  + " Linux.");
      journal.append(new byte[] {1});
    }
    assertThat(JournalScanner.scan(original).entries()).hasSize(11);
  }
}
