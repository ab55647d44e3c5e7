package dev.fangxin.core.receipt;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.fangxin.core.journal.Damage;
import dev.fangxin.core.journal.JournalEntry;
import dev.fangxin.core.journal.JournalScanner;
import dev.fangxin.core.journal.ScanResult;
import dev.fangxin.core.key.KeyException;
import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.key.TerminalPublicKey;
import dev.fangxin.core.token.TokenException;
import dev.fangxin.protocol.v1.JournalRecord;
import dev.fangxin.protocol.v1.SequenceRelease;
import dev.fangxin.protocol.v1.SequenceReservation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a receipt journal end to end and reports every problem it finds, by key and sequence
 * number, not only the first: damaged bytes, unreadable records, bad signatures (edits), gaps that
 * no release explains, sequences out of order, duplicates, forks (two receipts with one sequence or
 * one predecessor) and breaks in the hash chain. Reads the file without modifying it; may run while
 * a signer appends.
 *
 * <p>Keys: receipts are checked against {@code trustedKeys}; a key only announced inside the
 * journal is used too, but reported ({@link Finding.Kind#UNTRUSTED_KEY}) when trusted keys were
 * given. Thread-safe (stateless).
 */
public final class JournalVerifier {
  private JournalVerifier() {}

  /**
   * Verifies {@code journalFile}.
   *
   * @param trustedKeys the public keys the terminal registered; may be empty
   * @throws dev.fangxin.core.journal.JournalException if the file cannot be read at all
   */
  public static Report verify(Path journalFile, Collection<TerminalPublicKey> trustedKeys) {
    requireNonNull(journalFile, "journalFile == null");
    requireNonNull(trustedKeys, "trustedKeys == null");
    ScanResult scan = JournalScanner.scan(journalFile);
    List<Finding> findings = new ArrayList<>();
    for (Damage damage : scan.damages()) {
      boolean tail = damage.kind() == Damage.Kind.TORN_TAIL;
      findings.add(
          new Finding(
              tail ? Finding.Kind.TORN_TAIL : Finding.Kind.DAMAGED_BYTES,
              damage.offset(),
              null,
              0,
              tail
                  ? "the last record was cut short ("
                      + damage.bytesSkipped()
                      + " bytes), as after a crash mid-append; the signer drops it on open"
                  : damage.kind() + ": " + damage.bytesSkipped() + " bytes unreadable"));
    }
    Map<KeyId, TerminalPublicKey> trusted = new HashMap<>();
    for (TerminalPublicKey k : trustedKeys) {
      trusted.put(k.keyId(), k);
    }
    Map<KeyId, KeyChain> chains = new java.util.LinkedHashMap<>();
    int receipts = 0;
    for (JournalEntry entry : scan.entries()) {
      long offset = entry.offset();
      JournalRecord record;
      try {
        record = JournalRecord.parseFrom(entry.payload());
      } catch (InvalidProtocolBufferException e) {
        findings.add(
            new Finding(Finding.Kind.UNREADABLE_RECORD, offset, null, 0, "not a JournalRecord"));
        continue;
      }
      switch (record.getRecordCase()) {
        case KEY -> {
          KeyId id = keyIdOf(record.getKey().getKeyId());
          if (id == null) {
            findings.add(
                new Finding(
                    Finding.Kind.UNREADABLE_RECORD,
                    offset,
                    null,
                    0,
                    "a key announcement with a key ID of the wrong length"));
            continue;
          }
          try {
            TerminalPublicKey announced =
                TerminalPublicKey.fromSpki(record.getKey().getPublicKey().toByteArray());
            if (!announced.keyId().equals(id)) {
              findings.add(
                  new Finding(
                      Finding.Kind.UNREADABLE_RECORD,
                      offset,
                      id,
                      0,
                      "the announced public key has key ID " + announced.keyId()));
              continue;
            }
            chain(chains, id).announced = announced;
          } catch (KeyException e) {
            findings.add(
                new Finding(
                    Finding.Kind.UNREADABLE_RECORD,
                    offset,
                    id,
                    0,
                    "the announced public key is unreadable: " + e.getMessage()));
          }
        }
        case RESERVATION -> {
          SequenceReservation r = record.getReservation();
          addRange(
              chains,
              findings,
              offset,
              "reservation",
              c -> c.reserved,
              r.getKeyId(),
              r.getFirst(),
              r.getLast());
        }
        case RELEASE -> {
          SequenceRelease r = record.getRelease();
          addRange(
              chains,
              findings,
              offset,
              "release",
              c -> c.released,
              r.getKeyId(),
              r.getFirst(),
              r.getLast());
        }
        case RECEIPT -> {
          receipts++;
          SignedReceipt receipt;
          try {
            receipt = SignedReceipt.fromProto(record.getReceipt());
          } catch (ReceiptException | TokenException e) {
            findings.add(
                new Finding(
                    Finding.Kind.UNREADABLE_RECORD,
                    offset,
                    null,
                    0,
                    "an unreadable receipt: " + e.getMessage()));
            continue;
          }
          checkReceipt(receipt, offset, chain(chains, receipt.keyId()), trusted, findings);
        }
        default ->
            findings.add(
                new Finding(
                    Finding.Kind.UNREADABLE_RECORD,
                    offset,
                    null,
                    0,
                    "a record of an unknown kind"));
      }
    }
    for (Map.Entry<KeyId, KeyChain> e : chains.entrySet()) {
      checkSequences(e.getKey(), e.getValue(), findings);
    }
    return new Report(receipts, findings);
  }

  private static void checkReceipt(
      SignedReceipt receipt,
      long offset,
      KeyChain chain,
      Map<KeyId, TerminalPublicKey> trusted,
      List<Finding> findings) {
    KeyId id = receipt.keyId();
    long seq = receipt.sequence();
    TerminalPublicKey key = trusted.get(id);
    if (key == null && chain.announced != null) {
      key = chain.announced;
      if (!trusted.isEmpty() && !chain.untrustedReported) {
        chain.untrustedReported = true;
        findings.add(
            new Finding(
                Finding.Kind.UNTRUSTED_KEY,
                offset,
                id,
                seq,
                "key " + id + " is announced in the journal but is not among the trusted keys"));
      }
    }
    if (key == null) {
      if (!chain.unknownReported) {
        chain.unknownReported = true;
        findings.add(
            new Finding(
                Finding.Kind.UNKNOWN_KEY,
                offset,
                id,
                seq,
                "no public key for key " + id + "; its receipts' signatures cannot be checked"));
      }
    } else {
      try {
        receipt.verify(key);
      } catch (ReceiptException | TokenException e) {
        findings.add(
            new Finding(
                Finding.Kind.BAD_SIGNATURE,
                offset,
                id,
                seq,
                "receipt " + seq + " was altered or forged: " + e.getMessage()));
      }
    }

    byte[] previous = receipt.previousSignatureDigest();
    Seen earlier = chain.bySequence.get(seq);
    if (earlier != null) {
      boolean same = Arrays.equals(earlier.signature, receipt.signature());
      findings.add(
          new Finding(
              same ? Finding.Kind.DUPLICATE : Finding.Kind.FORK,
              offset,
              id,
              seq,
              same
                  ? "receipt " + seq + " appears again (first at offset " + earlier.offset + ")"
                  : "two different receipts carry sequence "
                      + seq
                      + " (the other at offset "
                      + earlier.offset
                      + ")"));
      return;
    }
    if (previous.length > 0) {
      Long sibling = chain.byPrevious.putIfAbsent(ByteString.copyFrom(previous), seq);
      if (sibling != null) {
        findings.add(
            new Finding(
                Finding.Kind.FORK,
                offset,
                id,
                seq,
                "receipts " + sibling + " and " + seq + " both follow the same predecessor"));
      }
    }
    if (!isReserved(chain, seq)) {
      findings.add(
          new Finding(
              Finding.Kind.UNRESERVED,
              offset,
              id,
              seq,
              "sequence " + seq + " was used without a durable reservation before it"));
    }
    if (seq < chain.highest) {
      findings.add(
          new Finding(
              Finding.Kind.REORDER,
              offset,
              id,
              seq,
              "sequence " + seq + " comes after " + chain.highest + " in the file"));
    }
    chain.highest = Math.max(chain.highest, seq);
    chain.key = key;
    chain.bySequence.put(seq, new Seen(offset, receipt.signature(), previous));
  }

  /** Gaps and chain breaks, in sequence order, once every record has been read. */
  private static void checkSequences(KeyId id, KeyChain chain, List<Finding> findings) {
    long expected = 1;
    Seen before = null;
    long beforeSeq = 0;
    for (Map.Entry<Long, Seen> e : chain.bySequence.entrySet()) {
      long seq = e.getKey();
      Seen seen = e.getValue();
      for (long[] gap : unexplained(chain, expected, seq - 1)) {
        findings.add(
            new Finding(
                Finding.Kind.GAP,
                seen.offset,
                id,
                gap[0],
                gap[0] == gap[1]
                    ? "sequence " + gap[0] + " is missing"
                    : "sequences " + gap[0] + ".." + gap[1] + " are missing"));
      }
      if (before == null) {
        if (seq == 1 && seen.previous.length > 0) {
          findings.add(
              new Finding(
                  Finding.Kind.CHAIN_BROKEN,
                  seen.offset,
                  id,
                  seq,
                  "receipt 1 names a predecessor"));
        }
      } else if (chain.key != null
          && !Arrays.equals(chain.key.algorithm().digest(before.signature), seen.previous)) {
        findings.add(
            new Finding(
                Finding.Kind.CHAIN_BROKEN,
                seen.offset,
                id,
                seq,
                "receipt "
                    + seq
                    + " does not chain to receipt "
                    + beforeSeq
                    + " (its previous-signature digest differs)"));
      }
      before = seen;
      beforeSeq = seq;
      expected = seq + 1;
    }
  }

  /** Records a reservation or release range, or reports it as unreadable. */
  private static void addRange(
      Map<KeyId, KeyChain> chains,
      List<Finding> findings,
      long offset,
      String what,
      java.util.function.Function<KeyChain, TreeMap<Long, Long>> ranges,
      ByteString keyId,
      long first,
      long last) {
    KeyId id = keyIdOf(keyId);
    if (id == null || first < 1 || last < first) {
      findings.add(
          new Finding(
              Finding.Kind.UNREADABLE_RECORD,
              offset,
              id,
              0,
              "a " + what + " with an impossible range " + first + ".." + last));
      return;
    }
    ranges.apply(chain(chains, id)).put(first, last);
  }

  private static boolean isReserved(KeyChain chain, long seq) {
    Map.Entry<Long, Long> r = chain.reserved.floorEntry(seq);
    return r != null && r.getValue() >= seq;
  }

  /** The ranges in [from, to] that no release covers. */
  private static List<long[]> unexplained(KeyChain chain, long from, long to) {
    List<long[]> gaps = new ArrayList<>();
    long cursor = from;
    while (cursor <= to) {
      Map.Entry<Long, Long> r = chain.released.floorEntry(cursor);
      if (r != null && r.getValue() >= cursor) {
        cursor = r.getValue() + 1;
        continue;
      }
      Long nextRelease = chain.released.higherKey(cursor);
      long end = nextRelease == null ? to : Math.min(to, nextRelease - 1);
      gaps.add(new long[] {cursor, end});
      cursor = end + 1;
    }
    return gaps;
  }

  private static KeyChain chain(Map<KeyId, KeyChain> chains, KeyId id) {
    return chains.computeIfAbsent(id, k -> new KeyChain());
  }

  private static KeyId keyIdOf(ByteString bytes) {
    return bytes.size() == 8 ? KeyId.of(bytes.toByteArray()) : null;
  }

  private static final class KeyChain {
    TerminalPublicKey announced;
    boolean untrustedReported;
    boolean unknownReported;
    final TreeMap<Long, Long> reserved = new TreeMap<>();
    final TreeMap<Long, Long> released = new TreeMap<>();
    final TreeMap<Long, Seen> bySequence = new TreeMap<>();
    final Map<ByteString, Long> byPrevious = new HashMap<>();
    TerminalPublicKey key;
    long highest;
  }

  private record Seen(long offset, byte[] signature, byte[] previous) {}

  /** One problem found in a journal. */
  public record Finding(Kind kind, long offset, KeyId keyId, long sequence, String message) {
    /** What kind of problem. */
    public enum Kind {
      /** Bytes that are not a valid record (checksum, length); the records around are read. */
      DAMAGED_BYTES(true),
      /** The last record was cut short by a crash mid-append; not tampering, not an error. */
      TORN_TAIL(false),
      /** A record whose checksum holds but whose content is not a valid record. */
      UNREADABLE_RECORD(true),
      /** A receipt whose signature or token signature does not verify: an edit or a forgery. */
      BAD_SIGNATURE(true),
      /** A key with no public key to check against. */
      UNKNOWN_KEY(true),
      /** A key announced in the journal but not among the trusted keys. */
      UNTRUSTED_KEY(true),
      /** Sequence numbers missing without a release that explains them. */
      GAP(true),
      /** A sequence number lower than one before it. */
      REORDER(true),
      /** The same receipt twice. */
      DUPLICATE(true),
      /** Two different receipts with one sequence number, or with one predecessor. */
      FORK(true),
      /** A receipt whose previous-signature digest does not match its predecessor. */
      CHAIN_BROKEN(true),
      /** A sequence number used before any reservation covered it. */
      UNRESERVED(true);

      private final boolean error;

      Kind(boolean error) {
        this.error = error;
      }

      /** Whether this kind makes the journal fail verification. */
      public boolean isError() {
        return error;
      }
    }

    @Override
    public String toString() {
      return kind
          + " at offset "
          + offset
          + (keyId != null ? " key " + keyId : "")
          + (sequence > 0 ? " seq " + sequence : "")
          + ": "
          + message;
    }
  }

  /** The outcome: how many receipts were read and every finding, in file order. */
  public record Report(int receipts, List<Finding> findings) {
    public Report {
      findings = List.copyOf(findings);
    }

    /** True when no finding is an error (a torn tail alone still verifies). */
    public boolean ok() {
      return findings.stream().noneMatch(f -> f.kind().isError());
    }
  }
}
