package dev.fangxin.core.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.core.journal.JournalEntry;
import dev.fangxin.core.journal.JournalFile;
import dev.fangxin.core.journal.JournalOptions;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.money.Money;
import dev.fangxin.protocol.v1.JournalRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReceiptSignerTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void signsChainsAndJournalsEveryReceipt(SignatureAlgorithm algorithm) throws Exception {
    TerminalKeyPair key = TerminalKeyPair.generate(algorithm);
    Path journal = dir.resolve("t.journal");
    List<SignedReceipt> receipts = new ArrayList<>();
    try (ReceiptSigner signer = ReceiptSigner.open(key, journal)) {
      for (int i = 1; i <= 3; i++) {
        receipts.add(signer.sign(Fixtures.sale(100 * i)));
      }
    }
    assertThat(receipts).extracting(SignedReceipt::sequence).containsExactly(1L, 2L, 3L);
    assertThat(receipts.get(0).previousSignatureDigest()).isEmpty();
    for (int i = 1; i < 3; i++) {
      assertThat(receipts.get(i).previousSignatureDigest())
          .isEqualTo(algorithm.digest(receipts.get(i - 1).signature()));
    }
    for (SignedReceipt r : receipts) {
      r.verify(key.publicKey());
      assertThat(r.claim().getMaskedPan()).isEqualTo("622202******1234");
      assertThat(r.claim().getTool().getTerminalId()).isEqualTo("T0000001");
    }
    assertThat(receipts.get(2).disputeClaim().amount()).isEqualTo(Money.of(300, Money.CNY));

    // The journal holds them, byte for byte.
    List<SignedReceipt> journaled = new ArrayList<>();
    try (JournalFile file = JournalFile.open(journal, JournalOptions.defaults())) {
      for (JournalEntry e : file.entries()) {
        JournalRecord record = JournalRecord.parseFrom(e.payload());
        if (record.hasReceipt()) {
          journaled.add(SignedReceipt.fromProto(record.getReceipt()));
        }
      }
    }
    assertThat(journaled).isEqualTo(receipts);
    JournalVerifier.Report report = JournalVerifier.verify(journal, List.of(key.publicKey()));
    assertThat(report.findings()).isEmpty();
    assertThat(report.receipts()).isEqualTo(3);
  }

  @Test
  void reopeningContinuesAfterEverythingReservedAndChainsAcrossSessions() {
    TerminalKeyPair key = TerminalKeyPair.generate(SignatureAlgorithm.SM2_SM3);
    Path journal = dir.resolve("t.journal");
    ReceiptSigner.Options options = ReceiptSigner.Options.defaults().withReservationBlock(10);
    SignedReceipt last;
    try (ReceiptSigner signer = ReceiptSigner.open(key, journal, options)) {
      signer.sign(Fixtures.sale(1));
      last = signer.sign(Fixtures.sale(2));
    }
    try (ReceiptSigner signer = ReceiptSigner.open(key, journal, options)) {
      // 3..10 were reserved and released at close: never handed out again.
      assertThat(signer.nextSequence()).isEqualTo(11);
      SignedReceipt next = signer.sign(Fixtures.sale(3));
      assertThat(next.sequence()).isEqualTo(11);
      assertThat(next.previousSignatureDigest())
          .isEqualTo(SignatureAlgorithm.SM2_SM3.digest(last.signature()));
    }
    assertThat(JournalVerifier.verify(journal, List.of(key.publicKey())).findings()).isEmpty();
  }

  @Test
  void rotatedKeysKeepTheirOwnSequencesInOneJournal() {
    TerminalKeyPair first = TerminalKeyPair.generate(SignatureAlgorithm.SM2_SM3);
    TerminalKeyPair second = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    Path journal = dir.resolve("t.journal");
    try (ReceiptSigner signer = ReceiptSigner.open(first, journal)) {
      signer.sign(Fixtures.sale(1));
    }
    try (ReceiptSigner signer = ReceiptSigner.open(second, journal)) {
      assertThat(signer.sign(Fixtures.sale(2)).sequence()).isEqualTo(1);
    }
    JournalVerifier.Report report =
        JournalVerifier.verify(journal, List.of(first.publicKey(), second.publicKey()));
    assertThat(report.findings()).isEmpty();
    assertThat(report.receipts()).isEqualTo(2);
  }

  @Test
  void groupCommitSignsConcurrentlyWithoutRepeatingASequence() throws Exception {
    TerminalKeyPair key = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    Path journal = dir.resolve("t.journal");
    ReceiptSigner.Options options =
        ReceiptSigner.Options.defaults()
            .withJournalOptions(
                JournalOptions.builder()
                    .syncMode(dev.fangxin.core.journal.SyncMode.GROUP_COMMIT)
                    .build());
    List<Long> sequences = java.util.Collections.synchronizedList(new ArrayList<>());
    try (ReceiptSigner signer = ReceiptSigner.open(key, journal, options)) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread thread =
            new Thread(
                () -> {
                  for (int i = 0; i < 25; i++) {
                    sequences.add(signer.sign(Fixtures.sale(1 + i)).sequence());
                  }
                });
        threads.add(thread);
        thread.start();
      }
      for (Thread thread : threads) {
        thread.join();
      }
    }
    assertThat(sequences).hasSize(100).doesNotHaveDuplicates();
    assertThat(JournalVerifier.verify(journal, List.of(key.publicKey())).ok()).isTrue();
  }

  @Test
  void refusesWhatCannotBeSignedWithoutUsingASequence() {
    TerminalKeyPair key = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    try (ReceiptSigner signer = ReceiptSigner.open(key, dir.resolve("t.journal"))) {
      Transaction huge = Fixtures.sale(1).toBuilder().amount(Money.of(1L << 41, Money.CNY)).build();
      assertThatThrownBy(() -> signer.sign(huge))
          .isInstanceOfSatisfying(
              ReceiptException.class,
              e -> assertThat(e.reasonCode()).isEqualTo(ReceiptException.Reason.BAD_TRANSACTION))
          .hasMessageContaining("amount must be 1..1099511627775");
      assertThat(signer.nextSequence()).isEqualTo(1);
      assertThat(signer.sign(Fixtures.sale(5)).sequence()).isEqualTo(1);
    }
  }

  @Test
  void findsAReceiptByItsSequenceForAReprint() {
    TerminalKeyPair key = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    try (ReceiptSigner signer = ReceiptSigner.open(key, dir.resolve("t.journal"))) {
      SignedReceipt first = signer.sign(Fixtures.sale(1));
      SignedReceipt second = signer.sign(Fixtures.sale(2));
      assertThat(signer.find(1)).contains(first);
      assertThat(signer.find(2)).contains(second);
      assertThat(signer.find(3)).isEmpty();
    }
  }

  @Test
  void signAfterCloseIsRefused() {
    TerminalKeyPair key = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    ReceiptSigner signer = ReceiptSigner.open(key, dir.resolve("t.journal"));
    signer.close();
    signer.close();
    assertThatThrownBy(() -> signer.sign(Fixtures.sale(1)))
        .isInstanceOfSatisfying(
            ReceiptException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(ReceiptException.Reason.CLOSED));
  }

  @Test
  void transactionBuilderSaysWhatIsMissing() {
    assertThatThrownBy(() -> Transaction.builder().build())
        .isInstanceOf(ReceiptException.class)
        .hasMessageContaining("type: a transaction type is required");
    assertThatThrownBy(
            () ->
                Fixtures.sale(1).toBuilder()
                    .toolType(dev.fangxin.protocol.v1.ToolType.TOOL_TYPE_QR_COLLECTION_CODE)
                    .build())
        .hasMessageContaining("a QR collection code needs collection_code_id");
    assertThatThrownBy(() -> Fixtures.sale(1).toBuilder().receiptNumber("x\n").build())
        .hasMessageContaining("receipt_number: character 2 is not allowed");
  }
}
