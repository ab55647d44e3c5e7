package dev.fangxin.core.receipt;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.fangxin.core.journal.JournalEntry;
import dev.fangxin.core.journal.JournalFile;
import dev.fangxin.core.journal.JournalOptions;
import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.token.DisputeClaim;
import dev.fangxin.core.token.DisputeToken;
import dev.fangxin.core.token.TokenException;
import dev.fangxin.protocol.v1.JournalRecord;
import dev.fangxin.protocol.v1.KeyAnnouncement;
import dev.fangxin.protocol.v1.ReceiptClaim;
import dev.fangxin.protocol.v1.SequenceRelease;
import dev.fangxin.protocol.v1.SequenceReservation;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;

/**
 * Signs transactions with one terminal key and journals every receipt before handing it out.
 *
 * <p>For each transaction, {@link #sign} takes the key's next sequence number, signs a {@link
 * DisputeClaim} (the dispute token) and a {@code ReceiptClaim} that embeds it and the digest of the
 * previous receipt's signature (the hash chain), appends the signed receipt to the journal and
 * returns it only once the append is durable. Sequence numbers are reserved in blocks before use,
 * and each reservation is made durable in the journal first, so that a number is never used twice
 * for one key, whatever moment a crash or power cut strikes: on the next {@link #open}, numbers
 * that were reserved but not used are released (journaled as such) and skipped.
 *
 * <p>Thread-safe: {@link #sign} calls are serialized. One journal file has one writer at a time
 * (the file is locked while open); a second signer on the same file fails to open.
 */
public final class ReceiptSigner implements Closeable {
  private final TerminalKeyPair key;
  private final JournalFile journal;
  private final int reservationBlock;
  private final KeyId keyId;

  private long lastSequence;
  private byte[] lastSignatureDigest;
  private long reservedLast;
  private long next;
  private boolean failed;
  private boolean closed;
  private Runnable afterReserveHook = () -> {};

  private ReceiptSigner(TerminalKeyPair key, JournalFile journal, int reservationBlock) {
    this.key = key;
    this.keyId = key.keyId();
    this.journal = journal;
    this.reservationBlock = reservationBlock;
  }

  /**
   * Opens (or creates) the journal at {@code journalFile} and prepares to sign with {@code key},
   * continuing its sequence and hash chain from what the journal holds.
   *
   * @throws ReceiptException {@code JOURNAL_INVALID} if a record cannot be read
   * @throws dev.fangxin.core.journal.JournalException if the file cannot be opened or is damaged
   */
  public static ReceiptSigner open(TerminalKeyPair key, Path journalFile, Options options) {
    requireNonNull(key, "key == null");
    requireNonNull(journalFile, "journalFile == null");
    requireNonNull(options, "options == null");
    JournalFile journal = JournalFile.open(journalFile, options.journalOptions);
    try {
      ReceiptSigner signer = new ReceiptSigner(key, journal, options.reservationBlock);
      signer.recover(options.clock.instant());
      return signer;
    } catch (RuntimeException e) {
      journal.close();
      throw e;
    }
  }

  /** Opens with {@link Options#defaults()}. */
  public static ReceiptSigner open(TerminalKeyPair key, Path journalFile) {
    return open(key, journalFile, Options.defaults());
  }

  private void recover(Instant now) {
    boolean announced = false;
    long releasedLast = 0;
    byte[] keyBytes = keyId.toBytes();
    ByteString keyIdBytes = ByteString.copyFrom(keyBytes);
    for (JournalEntry entry : journal.entries()) {
      JournalRecord record;
      try {
        record = JournalRecord.parseFrom(entry.payload());
      } catch (InvalidProtocolBufferException e) {
        throw new ReceiptException(
            ReceiptException.Reason.JOURNAL_INVALID,
            "the journal record at offset " + entry.offset() + " is not a JournalRecord",
            e);
      }
      switch (record.getRecordCase()) {
        case KEY -> announced |= record.getKey().getKeyId().equals(keyIdBytes);
        case RESERVATION -> {
          SequenceReservation r = record.getReservation();
          if (r.getKeyId().equals(keyIdBytes)) {
            reservedLast = Math.max(reservedLast, r.getLast());
          }
        }
        case RELEASE -> {
          SequenceRelease r = record.getRelease();
          if (r.getKeyId().equals(keyIdBytes)) {
            releasedLast = Math.max(releasedLast, r.getLast());
          }
        }
        case RECEIPT -> {
          SignedReceipt receipt;
          try {
            receipt = SignedReceipt.fromProto(record.getReceipt());
          } catch (ReceiptException | TokenException e) {
            throw new ReceiptException(
                ReceiptException.Reason.JOURNAL_INVALID,
                "the receipt at offset " + entry.offset() + " is unreadable: " + e.getMessage(),
                e);
          }
          if (receipt.keyId().equals(keyId) && receipt.sequence() > lastSequence) {
            lastSequence = receipt.sequence();
            lastSignatureDigest = key.algorithm().digest(receipt.signature());
          }
        }
        default ->
            throw new ReceiptException(
                ReceiptException.Reason.JOURNAL_INVALID,
                "the journal record at offset " + entry.offset() + " is of an unknown kind");
      }
    }
    if (!announced) {
      append(
          JournalRecord.newBuilder()
              .setKey(
                  KeyAnnouncement.newBuilder()
                      .setKeyId(keyIdBytes)
                      .setAlgorithm(key.algorithm().toProto())
                      .setPublicKey(ByteString.copyFrom(key.publicKey().spki()))
                      .setTime(now.getEpochSecond()))
              .build());
    }
    long firstUnused = Math.max(lastSequence, releasedLast) + 1;
    if (reservedLast >= firstUnused) {
      release(firstUnused, reservedLast, "reserved but unused when the signer last stopped");
    }
    // Everything up to here is used or released: never hand it out again.
    next = Math.max(Math.max(lastSequence, releasedLast), reservedLast) + 1;
    reservedLast = next - 1;
  }

  /**
   * Signs {@code transaction}, journals the receipt durably, and returns it.
   *
   * @throws ReceiptException {@code BAD_TRANSACTION} if a value cannot be signed (for example an
   *     amount above {@link DisputeClaim#MAX_AMOUNT}); {@code SEQUENCE_EXHAUSTED}; {@code CLOSED}
   *     after {@link #close()} or after a journal failure (reopen the signer: it recovers)
   * @throws dev.fangxin.core.journal.JournalException if the journal cannot be written; nothing was
   *     handed out, and this signer is then unusable
   */
  public synchronized SignedReceipt sign(Transaction transaction) {
    requireNonNull(transaction, "transaction == null");
    if (closed || failed) {
      throw new ReceiptException(
          ReceiptException.Reason.CLOSED,
          failed ? "the journal failed earlier; reopen the signer" : "the signer is closed");
    }
    long sequence = next;
    if (sequence > DisputeClaim.MAX_SEQUENCE) {
      throw new ReceiptException(
          ReceiptException.Reason.SEQUENCE_EXHAUSTED,
          "key " + keyId + " has signed " + DisputeClaim.MAX_SEQUENCE + " receipts; rotate it");
    }
    DisputeClaim claim;
    try {
      claim =
          DisputeClaim.of(
              transaction.type(), keyId, sequence, transaction.time(), transaction.amount());
    } catch (TokenException e) {
      throw new ReceiptException(ReceiptException.Reason.BAD_TRANSACTION, e.getMessage(), e);
    }
    try {
      if (sequence > reservedLast) {
        long last = Math.min(sequence + reservationBlock - 1, DisputeClaim.MAX_SEQUENCE);
        append(
            JournalRecord.newBuilder()
                .setReservation(
                    SequenceReservation.newBuilder()
                        .setKeyId(ByteString.copyFrom(keyId.toBytes()))
                        .setFirst(sequence)
                        .setLast(last))
                .build());
        reservedLast = last;
      }
      afterReserveHook.run();

      DisputeToken token = DisputeToken.sign(claim, key);
      ReceiptClaim.Builder receipt =
          ReceiptClaim.newBuilder()
              .setVersion(SignedReceipt.VERSION)
              .setDisputeClaim(ByteString.copyFrom(token.claimBytes()))
              .setTool(transaction.toolProto())
              .setReceiptNumber(transaction.receiptNumber())
              .setMerchantName(transaction.merchantName());
      if (lastSignatureDigest != null) {
        receipt.setPreviousSignatureDigest(ByteString.copyFrom(lastSignatureDigest));
      }
      transaction.traceProto().ifPresent(receipt::setTrace);
      transaction.maskedPan().ifPresent(p -> receipt.setMaskedPan(p.value()));
      transaction.merchantCreditCode().ifPresent(c -> receipt.setMerchantCreditCode(c.value()));
      ReceiptClaim built = receipt.build();
      byte[] claimBytes = built.toByteArray();
      byte[] signature = key.sign(SignedReceipt.signedBytes(claimBytes));
      SignedReceipt signed = SignedReceipt.assemble(built, claimBytes, signature, token);

      append(JournalRecord.newBuilder().setReceipt(signed.toProto()).build());
      lastSequence = sequence;
      next = sequence + 1;
      lastSignatureDigest = key.algorithm().digest(signature);
      return signed;
    } catch (RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  /**
   * Finds a receipt this signer's key signed, by sequence number, in the journal: for a reprint
   * after a printer failure. Reads the journal file (linear in its size).
   *
   * @throws ReceiptException {@code CLOSED} after {@link #close()}
   */
  public synchronized java.util.Optional<SignedReceipt> find(long sequence) {
    if (closed) {
      throw new ReceiptException(ReceiptException.Reason.CLOSED, "the signer is closed");
    }
    for (JournalEntry entry : journal.entries()) {
      try {
        JournalRecord record = JournalRecord.parseFrom(entry.payload());
        if (record.hasReceipt()) {
          SignedReceipt receipt = SignedReceipt.fromProto(record.getReceipt());
          if (receipt.sequence() == sequence && receipt.keyId().equals(keyId)) {
            return java.util.Optional.of(receipt);
          }
        }
      } catch (InvalidProtocolBufferException | ReceiptException | TokenException e) {
        // open() already refused a journal with unreadable records; nothing else to find here
      }
    }
    return java.util.Optional.empty();
  }

  /** The sequence number the next receipt will carry. */
  public synchronized long nextSequence() {
    return next;
  }

  /** The key this signer signs with. */
  public TerminalKeyPair key() {
    return key;
  }

  /** The journal file. */
  public Path journalFile() {
    return journal.path();
  }

  /** Test hook: runs after a reservation is durable and before the receipt is signed. */
  synchronized void afterReserve(Runnable hook) {
    this.afterReserveHook = requireNonNull(hook, "hook == null");
  }

  /**
   * Releases the sequence numbers reserved but not used (journaled, so a verifier does not count
   * them as a gap) and closes the journal. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (!failed && reservedLast >= next) {
        release(next, reservedLast, "unused when the signer was closed");
      }
    } finally {
      journal.close();
    }
  }

  private void release(long first, long last, String reason) {
    append(
        JournalRecord.newBuilder()
            .setRelease(
                SequenceRelease.newBuilder()
                    .setKeyId(ByteString.copyFrom(keyId.toBytes()))
                    .setFirst(first)
                    .setLast(last)
                    .setReason(reason))
            .build());
  }

  private void append(JournalRecord record) {
    journal.append(record.toByteArray());
  }

  /** How a signer reserves sequence numbers and syncs its journal. Immutable. */
  public static final class Options {
    private final int reservationBlock;
    private final JournalOptions journalOptions;
    private final Clock clock;

    private Options(int reservationBlock, JournalOptions journalOptions, Clock clock) {
      this.reservationBlock = reservationBlock;
      this.journalOptions = journalOptions;
      this.clock = clock;
    }

    /** Reserve 32 numbers at a time, fsync every append, system UTC clock. */
    public static Options defaults() {
      return new Options(32, JournalOptions.defaults(), Clock.systemUTC());
    }

    /**
     * How many sequence numbers one durable reservation covers (1..65,536). Larger blocks cost
     * fewer journal writes; a crash skips at most a block's worth of numbers, never reuses one.
     */
    public Options withReservationBlock(int reservationBlock) {
      if (reservationBlock < 1 || reservationBlock > 65_536) {
        throw new IllegalArgumentException(
            "reservationBlock must be 1..65536, got " + reservationBlock);
      }
      return new Options(reservationBlock, journalOptions, clock);
    }

    /** How the journal syncs (every append, or group commit). */
    public Options withJournalOptions(JournalOptions journalOptions) {
      return new Options(
          reservationBlock, requireNonNull(journalOptions, "journalOptions == null"), clock);
    }

    /** The clock for journal bookkeeping (key announcement times); never for signed data. */
    public Options withClock(Clock clock) {
      return new Options(reservationBlock, journalOptions, requireNonNull(clock, "clock == null"));
    }
  }
}
