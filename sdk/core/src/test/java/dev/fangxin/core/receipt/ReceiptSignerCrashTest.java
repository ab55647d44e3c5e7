package dev.fangxin.core.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** kill -9 of a signing JVM at the worst moments; the journal must verify and never reuse. */
class ReceiptSignerCrashTest {
  @TempDir Path dir;

  /** Killed after reserving a sequence and before journaling the receipt that would use it. */
  @ParameterizedTest
  @ValueSource(ints = {1, 32})
  void killedBetweenReserveAndAppend(int block) throws Exception {
    TerminalKeyPair key = TerminalKeyPair.generate(SignatureAlgorithm.SM2_SM3);
    Path keyFile = dir.resolve("key.pem");
    Files.writeString(keyFile, key.toPkcs8Pem());
    Path journal = dir.resolve("t.journal");
    Set<Long> used = new HashSet<>();

    for (int round = 0; round < 3; round++) {
      Process child = start(journal, keyFile, block, 3);
      long reserved = -1;
      try (BufferedReader out = reader(child)) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("SIGNED ")) {
            assertThat(used.add(Long.parseLong(line.substring(7)))).isTrue();
          } else if (line.startsWith("RESERVED ")) {
            reserved = Long.parseLong(line.substring(9));
            break;
          }
        }
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(reserved).as(stderr()).isPositive();

      JournalVerifier.Report report = JournalVerifier.verify(journal, List.of(key.publicKey()));
      assertThat(report.ok()).as(report.findings().toString()).isTrue();
      assertThat(report.receipts()).isEqualTo(used.size());

      try (ReceiptSigner signer = ReceiptSigner.open(key, journal)) {
        assertThat(signer.nextSequence()).isGreaterThan(reserved);
        assertThat(used).allMatch(s -> s < signer.nextSequence());
        long next = signer.sign(Fixtures.sale(7)).sequence();
        assertThat(used.add(next)).isTrue();
        assertThat(next).isNotEqualTo(reserved);
      }
      assertThat(JournalVerifier.verify(journal, List.of(key.publicKey())).ok()).isTrue();
    }
  }

  /** Killed at random moments while signing as fast as it can. */
  @Test
  void killedAtRandomMoments() throws Exception {
    TerminalKeyPair key = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    Path keyFile = dir.resolve("key.pem");
    Files.writeString(keyFile, key.toPkcs8Pem());
    Path journal = dir.resolve("t.journal");
    Random random = new Random(99);
    Set<Long> reported = new HashSet<>();
    for (int round = 0; round < 4; round++) {
      Process child = start(journal, keyFile, 4, -1);
      int stopAfter = 5 + random.nextInt(40);
      try (BufferedReader out = reader(child)) {
        String line;
        int seen = 0;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("SIGNED ")) {
            assertThat(reported.add(Long.parseLong(line.substring(7)))).isTrue();
            if (++seen == stopAfter) {
              break;
            }
          }
        }
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      JournalVerifier.Report report = JournalVerifier.verify(journal, List.of(key.publicKey()));
      assertThat(report.ok()).as(report.findings().toString()).isTrue();
      // Every receipt the child handed out is in the journal.
      assertThat(report.receipts()).isGreaterThanOrEqualTo(reported.size());
    }
    try (ReceiptSigner signer = ReceiptSigner.open(key, journal)) {
      long next = signer.sign(Fixtures.sale(1)).sequence();
      assertThat(reported).doesNotContain(next);
    }
    JournalVerifier.Report report = JournalVerifier.verify(journal, List.of(key.publicKey()));
    assertThat(report.ok()).as(report.findings().toString()).isTrue();
  }

  private static Process start(Path journal, Path keyFile, int block, int count)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SignerCrashChild.class.getName());
    command.add(journal.toString());
    command.add(keyFile.toString());
    command.add(Integer.toString(block));
    command.add(Integer.toString(count));
    return new ProcessBuilder(command)
        .redirectError(journal.resolveSibling("child.err").toFile())
        .start();
  }

  private static BufferedReader reader(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }

  private String stderr() throws IOException {
    return Files.readString(dir.resolve("child.err"));
  }
}
