package dev.fangxin.core.code;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.token.TokenException;
import java.time.Instant;
import java.util.Arrays;

/**
 * What a collection code asserts: the key that signed it (and so, through the registry, the
 * collection-code payment tool) and when it was issued. A fixed 13-byte layout (protocol/SPEC.md
 * §15): version {@code 0x01}, key ID (8 bytes), issued_at (4 bytes, big-endian UTC epoch seconds).
 * Immutable and thread-safe.
 */
public final class MerchantCodeClaim {
  /** The only layout version this class reads and writes. */
  public static final int VERSION = 1;

  /** The length of a version-1 claim. */
  public static final int LENGTH = 13;

  private static final long MAX_TIME = 0xFFFF_FFFFL;

  private final KeyId keyId;
  private final long issuedAt;

  private MerchantCodeClaim(KeyId keyId, long issuedAt) {
    this.keyId = keyId;
    this.issuedAt = issuedAt;
  }

  /**
   * Returns a claim for the collection code's key, issued at {@code issuedAt}.
   *
   * @throws TokenException {@code BAD_FIELD} if the time is before 1970 or after 2106
   */
  public static MerchantCodeClaim of(KeyId keyId, Instant issuedAt) {
    requireNonNull(keyId, "keyId == null");
    requireNonNull(issuedAt, "issuedAt == null");
    long seconds = issuedAt.getEpochSecond();
    if (seconds < 0 || seconds > MAX_TIME) {
      throw new TokenException(
          TokenException.Reason.BAD_FIELD,
          "issued_at must be 0.." + MAX_TIME + " epoch seconds, got " + seconds);
    }
    return new MerchantCodeClaim(keyId, seconds);
  }

  /**
   * Parses exactly one encoded claim.
   *
   * @throws TokenException {@code UNSUPPORTED_VERSION} for a version other than 1, {@code
   *     MALFORMED} for a wrong length
   */
  public static MerchantCodeClaim parse(byte[] bytes) {
    requireNonNull(bytes, "bytes == null");
    if (bytes.length == 0) {
      throw new TokenException(TokenException.Reason.MALFORMED, "the code's claim is empty");
    }
    int version = bytes[0] & 0xFF;
    if (version != VERSION) {
      throw new TokenException(
          TokenException.Reason.UNSUPPORTED_VERSION,
          "collection code version " + version + " is not supported; this reads version 1");
    }
    if (bytes.length != LENGTH) {
      throw new TokenException(
          TokenException.Reason.MALFORMED,
          "a version-1 collection code claim is " + LENGTH + " bytes, got " + bytes.length);
    }
    long issuedAt = 0;
    for (int i = 9; i < LENGTH; i++) {
      issuedAt = (issuedAt << 8) | (bytes[i] & 0xFF);
    }
    return new MerchantCodeClaim(KeyId.of(Arrays.copyOfRange(bytes, 1, 9)), issuedAt);
  }

  /** Returns the 13 encoded bytes: a new array on each call. */
  public byte[] toBytes() {
    byte[] out = new byte[LENGTH];
    out[0] = VERSION;
    keyId.writeTo(out, 1);
    long value = issuedAt;
    for (int i = LENGTH - 1; i >= 9; i--) {
      out[i] = (byte) value;
      value >>>= 8;
    }
    return out;
  }

  /** The collection code's own key, registered against its payment tool. */
  public KeyId keyId() {
    return keyId;
  }

  /** When the code was issued, to the second. */
  public Instant issuedAt() {
    return Instant.ofEpochSecond(issuedAt);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MerchantCodeClaim other
        && keyId.equals(other.keyId)
        && issuedAt == other.issuedAt;
  }

  @Override
  public int hashCode() {
    return keyId.hashCode() * 31 + Long.hashCode(issuedAt);
  }

  @Override
  public String toString() {
    return "MerchantCodeClaim{keyId=" + keyId + ", issuedAt=" + issuedAt() + "}";
  }
}
