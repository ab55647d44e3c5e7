package dev.fangxin.core.token;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.money.MoneyException;
import dev.fangxin.protocol.v1.TransactionType;
import java.time.Instant;
import java.util.Arrays;

/**
 * What a dispute token asserts about one payment: who signed it (key ID and per-key sequence),
 * when, how much, and what kind of transaction. Its bytes are a fixed 25-byte big-endian layout
 * (protocol/SPEC.md §5), chosen over protobuf to keep a signed dispute link within QR version 7:
 *
 * <pre>
 * offset size field
 *      0    1 version      0x01
 *      1    1 type         TransactionType number (1 sale, 2 refund, 3 void, 4 pre-auth completion)
 *      2    8 key_id       first 8 bytes of SHA-256(DER SubjectPublicKeyInfo)
 *     10    4 sequence     uint32, 1 .. 4,294,967,295, never repeated per key
 *     14    4 issued_at    uint32, UTC epoch seconds
 *     18    2 currency     uint16, ISO 4217 numeric
 *     20    5 amount       uint40, minor units, 1 .. 1,099,511,627,775
 * </pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class DisputeClaim {
  /** The only claim format version this class reads and writes. */
  public static final int VERSION = 1;

  /** The length of an encoded version-1 claim. */
  public static final int LENGTH = 25;

  /** The largest sequence number a claim can carry. */
  public static final long MAX_SEQUENCE = 0xFFFF_FFFFL;

  /** The largest amount, in minor units, a claim can carry (2^40 - 1). */
  public static final long MAX_AMOUNT = (1L << 40) - 1;

  private static final long MAX_TIME = 0xFFFF_FFFFL;

  private final TransactionType type;
  private final KeyId keyId;
  private final long sequence;
  private final long issuedAt;
  private final Money amount;

  private DisputeClaim(
      TransactionType type, KeyId keyId, long sequence, long issuedAt, Money amount) {
    this.type = type;
    this.keyId = keyId;
    this.sequence = sequence;
    this.issuedAt = issuedAt;
    this.amount = amount;
  }

  /**
   * Returns a claim, checking every field against the ranges the byte layout can carry.
   *
   * @throws TokenException with {@link TokenException.Reason#BAD_FIELD} naming the field
   */
  public static DisputeClaim of(
      TransactionType type, KeyId keyId, long sequence, Instant issuedAt, Money amount) {
    requireNonNull(type, "type == null");
    requireNonNull(keyId, "keyId == null");
    requireNonNull(issuedAt, "issuedAt == null");
    requireNonNull(amount, "amount == null");
    checkType(type.getNumber());
    if (sequence < 1 || sequence > MAX_SEQUENCE) {
      throw badField("sequence must be 1.." + MAX_SEQUENCE + ", got " + sequence);
    }
    long seconds = issuedAt.getEpochSecond();
    if (seconds < 0 || seconds > MAX_TIME) {
      throw badField("issued_at must be 0.." + MAX_TIME + " epoch seconds, got " + seconds);
    }
    if (amount.minorUnits() < 1 || amount.minorUnits() > MAX_AMOUNT) {
      throw badField(
          "amount must be 1.." + MAX_AMOUNT + " minor units, got " + amount.minorUnits());
    }
    return new DisputeClaim(type, keyId, sequence, seconds, amount);
  }

  /**
   * Parses exactly one encoded claim.
   *
   * @throws TokenException {@code UNSUPPORTED_VERSION} for a version other than 1, {@code
   *     MALFORMED} for a wrong length, {@code BAD_FIELD} for a value out of range
   */
  public static DisputeClaim parse(byte[] bytes) {
    requireNonNull(bytes, "bytes == null");
    if (bytes.length == 0) {
      throw new TokenException(TokenException.Reason.MALFORMED, "the claim is empty");
    }
    int version = bytes[0] & 0xFF;
    if (version != VERSION) {
      throw new TokenException(
          TokenException.Reason.UNSUPPORTED_VERSION,
          "claim version " + version + " is not supported; this verifier reads version " + VERSION);
    }
    if (bytes.length != LENGTH) {
      throw new TokenException(
          TokenException.Reason.MALFORMED,
          "a version-1 claim is " + LENGTH + " bytes, got " + bytes.length);
    }
    int typeNumber = bytes[1] & 0xFF;
    TransactionType type = checkType(typeNumber);
    KeyId keyId = KeyId.of(Arrays.copyOfRange(bytes, 2, 10));
    long sequence = readUnsigned(bytes, 10, 4);
    long issuedAt = readUnsigned(bytes, 14, 4);
    int currency = (int) readUnsigned(bytes, 18, 2);
    long minorUnits = readUnsigned(bytes, 20, 5);
    if (sequence == 0) {
      throw badField("sequence 0 is never issued");
    }
    if (minorUnits == 0) {
      throw badField("amount 0 is never signed");
    }
    Money amount;
    try {
      amount = Money.of(minorUnits, currency);
    } catch (MoneyException e) {
      throw new TokenException(TokenException.Reason.BAD_FIELD, "currency: " + e.getMessage(), e);
    }
    return new DisputeClaim(type, keyId, sequence, issuedAt, amount);
  }

  /** Returns the 25 encoded bytes: a new array on each call. */
  public byte[] toBytes() {
    byte[] out = new byte[LENGTH];
    out[0] = VERSION;
    out[1] = (byte) type.getNumber();
    keyId.writeTo(out, 2);
    writeUnsigned(out, 10, 4, sequence);
    writeUnsigned(out, 14, 4, issuedAt);
    writeUnsigned(out, 18, 2, amount.currency());
    writeUnsigned(out, 20, 5, amount.minorUnits());
    return out;
  }

  public TransactionType type() {
    return type;
  }

  public KeyId keyId() {
    return keyId;
  }

  /** The signer's per-key sequence number, 1 or more. */
  public long sequence() {
    return sequence;
  }

  /** When the payment was signed, to the second. */
  public Instant issuedAt() {
    return Instant.ofEpochSecond(issuedAt);
  }

  public Money amount() {
    return amount;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DisputeClaim other
        && type == other.type
        && keyId.equals(other.keyId)
        && sequence == other.sequence
        && issuedAt == other.issuedAt
        && amount.equals(other.amount);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(sequence) * 31 + keyId.hashCode();
  }

  @Override
  public String toString() {
    return "DisputeClaim{type="
        + type
        + ", keyId="
        + keyId
        + ", sequence="
        + sequence
        + ", issuedAt="
        + issuedAt()
        + ", amount="
        + amount
        + "}";
  }

  private static TransactionType checkType(int number) {
    TransactionType type = TransactionType.forNumber(number);
    if (type == null || type == TransactionType.TRANSACTION_TYPE_UNSPECIFIED) {
      throw badField(
          "transaction type "
              + number
              + " is not one of 1 (sale), 2 (refund), 3 (void),"
              + " 4 (pre-auth completion)");
    }
    return type;
  }

  private static TokenException badField(String message) {
    return new TokenException(TokenException.Reason.BAD_FIELD, message);
  }

  private static long readUnsigned(byte[] b, int offset, int length) {
    long value = 0;
    for (int i = 0; i < length; i++) {
      value = (value << 8) | (b[offset + i] & 0xFF);
    }
    return value;
  }

  private static void writeUnsigned(byte[] b, int offset, int length, long value) {
    for (int i = length - 1; i >= 0; i--) {
      b[offset + i] = (byte) value;
      value >>>= 8;
    }
  }
}
