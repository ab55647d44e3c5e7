package dev.fangxin.core.key;

import static java.util.Objects.requireNonNull;

import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * The 8-byte identifier of a terminal key: the first 8 bytes of SHA-256 over the key's DER
 * SubjectPublicKeyInfo. Written in hex as 16 lower-case characters.
 *
 * <p>Immutable value; thread-safe.
 */
public final class KeyId {
  /** The length of a key identifier in bytes. */
  public static final int LENGTH = 8;

  private final long value;

  private KeyId(long value) {
    this.value = value;
  }

  /**
   * The identifier made of exactly these 8 bytes (copied).
   *
   * @throws KeyException with {@link KeyException.Reason#INVALID_KEY_ID} if the length is not 8
   */
  public static KeyId of(byte[] eightBytes) {
    requireNonNull(eightBytes, "eightBytes == null");
    if (eightBytes.length != LENGTH) {
      throw new KeyException(
          KeyException.Reason.INVALID_KEY_ID,
          "A key ID is 8 bytes, but " + eightBytes.length + " bytes were given.");
    }
    return new KeyId(toLong(eightBytes, 0));
  }

  /**
   * The identifier of the key whose DER SubjectPublicKeyInfo is {@code spkiDer}: the first 8 bytes
   * of SHA-256 over exactly those bytes. The bytes are not parsed.
   */
  public static KeyId ofSpki(byte[] spkiDer) {
    requireNonNull(spkiDer, "spkiDer == null");
    SHA256Digest sha = new SHA256Digest();
    sha.update(spkiDer, 0, spkiDer.length);
    byte[] hash = new byte[sha.getDigestSize()];
    sha.doFinal(hash, 0);
    return new KeyId(toLong(hash, 0));
  }

  /**
   * Parses 16 hexadecimal characters, case-insensitively.
   *
   * @throws KeyException with {@link KeyException.Reason#INVALID_KEY_ID} naming what was wrong
   */
  public static KeyId fromHex(String hex) {
    requireNonNull(hex, "hex == null");
    if (hex.length() != 2 * LENGTH) {
      throw new KeyException(
          KeyException.Reason.INVALID_KEY_ID,
          "A key ID is 16 hex characters, but \""
              + abbreviate(hex)
              + "\" has "
              + hex.length()
              + ".");
    }
    long v = 0;
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      int digit = c < 0x80 ? Character.digit(c, 16) : -1;
      if (digit < 0) {
        throw new KeyException(
            KeyException.Reason.INVALID_KEY_ID,
            "A key ID is 16 hex characters, but \""
                + hex
                + "\" has a non-hex character at index "
                + i
                + ".");
      }
      v = (v << 4) | digit;
    }
    return new KeyId(v);
  }

  /** A new array holding the 8 bytes. */
  public byte[] toBytes() {
    byte[] out = new byte[LENGTH];
    writeTo(out, 0);
    return out;
  }

  /**
   * Writes the 8 bytes into {@code dst} at {@code offset}.
   *
   * @throws IndexOutOfBoundsException if fewer than 8 bytes fit
   */
  public void writeTo(byte[] dst, int offset) {
    requireNonNull(dst, "dst == null");
    if (offset < 0 || offset > dst.length - LENGTH) {
      throw new IndexOutOfBoundsException(
          "8 bytes do not fit at offset " + offset + " of an array of length " + dst.length);
    }
    for (int i = 0; i < LENGTH; i++) {
      dst[offset + i] = (byte) (value >>> (56 - 8 * i));
    }
  }

  /** The 16 lower-case hex characters. */
  public String toHex() {
    String s = Long.toHexString(value);
    return "0".repeat(2 * LENGTH - s.length()) + s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyId && ((KeyId) o).value == value;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(value);
  }

  /** Same as {@link #toHex()}. */
  @Override
  public String toString() {
    return toHex();
  }

  private static long toLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < LENGTH; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
