package dev.fangxin.core.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fangxin.core.journal.JournalEntry;
import dev.fangxin.core.journal.JournalFile;
import dev.fangxin.core.journal.JournalOptions;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.receipt.JournalVerifier.Finding;
import dev.fangxin.protocol.v1.JournalRecord;
import dev.fangxin.protocol.v1.ReceiptClaim;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Journals altered in every way the verifier promises to catch. Each test rewrites a clean journal
 * record by record and checks that every problem is reported, with its sequence number.
 */
class JournalVerifierTest {
  @TempDir Path dir;
  TerminalKeyPair key;
  Path clean;
  List<byte[]> records;

  @BeforeEach
  void sixReceipts() throws Exception {
    key = TerminalKeyPair.generate(SignatureAlgorithm.SM2_SM3);
    clean = dir.resolve("clean.journal");
    try (ReceiptSigner signer =
        ReceiptSigner.open(
            key, clean, ReceiptSigner.Options.defaults().withReservationBlock(100))) {
      for (int i = 1; i <= 6; i++) {
        signer.sign(Fixtures.sale(i * 100));
      }
    }
    records = new ArrayList<>();
    try (JournalFile file = JournalFile.open(clean, JournalOptions.defaults())) {
      for (JournalEntry e : file.entries()) {
        records.add(e.payload());
      }
    }
    // key, reservation, 6 receipts, release
    assertThat(records).hasSize(9);
  }

  private int indexOfReceipt(long sequence) throws Exception {
    for (int i = 0; i < records.size(); i++) {
      JournalRecord r = JournalRecord.parseFrom(records.get(i));
      if (r.hasReceipt() && SignedReceipt.fromProto(r.getReceipt()).sequence() == sequence) {
        return i;
      }
    }
    throw new AssertionError("no receipt " + sequence);
  }

  private List<Finding> verify(List<byte[]> payloads) {
    Path altered = dir.resolve("altered-" + System.nanoTime() + ".journal");
    try (JournalFile file = JournalFile.open(altered, JournalOptions.defaults())) {
      for (byte[] p : payloads) {
        file.append(p);
      }
    }
    return JournalVerifier.verify(altered, List.of(key.publicKey())).findings();
  }

  private static List<String> summary(List<Finding> findings) {
    return findings.stream().map(f -> f.kind() + " " + f.sequence()).toList();
  }

  @Test
  void cleanJournalHasNoFindings() {
    JournalVerifier.Report report = JournalVerifier.verify(clean, List.of(key.publicKey()));
    assertThat(report.findings()).isEmpty();
    assertThat(report.ok()).isTrue();
    assertThat(report.receipts()).isEqualTo(6);
  }

  @Test
  void everyDeletionIsAGapAndAChainBreak() throws Exception {
    List<byte[]> altered = new ArrayList<>(records);
    altered.remove(indexOfReceipt(5));
    altered.remove(indexOfReceipt(2));
    assertThat(summary(verify(altered)))
        .containsExactlyInAnyOrder("GAP 2", "CHAIN_BROKEN 3", "GAP 5", "CHAIN_BROKEN 6");
  }

  @Test
  void reorderIsReportedWithoutFalseGaps() throws Exception {
    List<byte[]> altered = new ArrayList<>(records);
    int three = indexOfReceipt(3);
    int four = indexOfReceipt(4);
    altered.set(three, records.get(four));
    altered.set(four, records.get(three));
    assertThat(summary(verify(altered))).containsExactly("REORDER 3");
  }

  @Test
  void editsAreBadSignaturesEachByNumber() throws Exception {
    List<byte[]> altered = new ArrayList<>(records);
    for (long seq : new long[] {2, 4}) {
      int at = indexOfReceipt(seq);
      altered.set(
          at, editClaim(records.get(at), c -> c.toBuilder().setMerchantName("Forged").build()));
    }
    List<Finding> findings = verify(altered);
    assertThat(summary(findings)).containsExactly("BAD_SIGNATURE 2", "BAD_SIGNATURE 4");
    assertThat(findings.get(0).message()).contains("receipt 2 was altered or forged");
  }

  @Test
  void duplicatesAndForks() throws Exception {
    // A fork: a second, different receipt 4 signed by the same key.
    SignedReceipt original = receipt(indexOfReceipt(4));
    ReceiptClaim claim = original.claim().toBuilder().setMerchantName("Another shop").build();
    byte[] claimBytes = claim.toByteArray();
    SignedReceipt fork =
        SignedReceipt.assemble(
            claim, claimBytes, key.sign(SignedReceipt.signedBytes(claimBytes)), original.token());
    byte[] forkedFour = JournalRecord.newBuilder().setReceipt(fork.toProto()).build().toByteArray();

    List<byte[]> altered = new ArrayList<>(records);
    altered.add(indexOfReceipt(5), records.get(indexOfReceipt(2)));
    altered.add(forkedFour);
    assertThat(summary(verify(altered))).containsExactly("DUPLICATE 2", "FORK 4");
  }

  @Test
  void damagedBytesAreReportedAndReadingGoesOn() throws Exception {
    byte[] file = Files.readAllBytes(clean);
    // Corrupt a byte inside receipt 3's record, leaving the CRC stale.
    Path damaged = dir.resolve("damaged.journal");
    List<JournalEntry> entries;
    try (JournalFile f = JournalFile.open(clean, JournalOptions.defaults())) {
      entries = f.entries();
    }
    long offset = entries.get(indexOfReceipt(3)).offset();
    file[(int) offset + 40] ^= 0x5A;
    Files.write(damaged, file);
    List<Finding> findings = JournalVerifier.verify(damaged, List.of(key.publicKey())).findings();
    assertThat(summary(findings)).containsExactly("DAMAGED_BYTES 0", "GAP 3", "CHAIN_BROKEN 4");
    assertThat(findings.get(0).offset()).isEqualTo(offset);
  }

  @Test
  void aReceiptWithoutReservationIsReported() throws Exception {
    List<byte[]> altered = new ArrayList<>(records);
    altered.remove(1); // the reservation
    assertThat(summary(verify(altered)))
        .containsExactly(
            "UNRESERVED 1",
            "UNRESERVED 2",
            "UNRESERVED 3",
            "UNRESERVED 4",
            "UNRESERVED 5",
            "UNRESERVED 6");
  }

  @Test
  void untrustedAndUnknownKeys() {
    TerminalKeyPair stranger = TerminalKeyPair.generate(SignatureAlgorithm.SM2_SM3);
    List<Finding> untrusted =
        JournalVerifier.verify(clean, List.of(stranger.publicKey())).findings();
    assertThat(summary(untrusted)).containsExactly("UNTRUSTED_KEY 1");
    // Without trusted keys, the announced key is used and nothing is reported.
    assertThat(JournalVerifier.verify(clean, List.of()).findings()).isEmpty();

    List<byte[]> noAnnouncement = new ArrayList<>(records);
    noAnnouncement.remove(0);
    Path altered = dir.resolve("anon.journal");
    try (JournalFile file = JournalFile.open(altered, JournalOptions.defaults())) {
      noAnnouncement.forEach(file::append);
    }
    assertThat(summary(JournalVerifier.verify(altered, List.of()).findings()))
        .containsExactly("UNKNOWN_KEY 1");
  }

  @Test
  void unreadableRecordsAreReported() {
    List<byte[]> altered = new ArrayList<>(records);
    altered.add(3, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
    assertThat(summary(verify(altered))).containsExactly("UNREADABLE_RECORD 0");
  }

  private SignedReceipt receipt(int index) throws Exception {
    return SignedReceipt.fromProto(JournalRecord.parseFrom(records.get(index)).getReceipt());
  }

  private static byte[] editClaim(byte[] payload, UnaryOperator<ReceiptClaim> edit)
      throws Exception {
    JournalRecord record = JournalRecord.parseFrom(payload);
    ReceiptClaim claim = ReceiptClaim.parseFrom(record.getReceipt().getClaim());
    return record.toBuilder()
        .setReceipt(
            record.getReceipt().toBuilder()
                .setClaim(ByteString.copyFrom(edit.apply(claim).toByteArray())))
        .build()
        .toByteArray();
  }
}
