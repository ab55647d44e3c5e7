package dev.fangxin.core.link;

import dev.fangxin.core.token.TokenException;

/**
 * RFC 4648 base32 without padding, strict: decoding accepts upper and lower case, and refuses
 * padding, any other character, impossible lengths and non-zero trailing bits, so that exactly one
 * text decodes to a given byte string.
 */
final class Base32 {
  private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
  private static final byte[] VALUES = new byte[128];

  static {
    java.util.Arrays.fill(VALUES, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = (byte) i;
      VALUES[Character.toLowerCase(ALPHABET[i])] = (byte) i;
    }
  }

  private Base32() {}

  /** Encodes upper case, no padding. */
  static String encode(byte[] data) {
    StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        out.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(ALPHABET[(buffer << (5 - bits)) & 31]);
    }
    return out.toString();
  }

  /**
   * Decodes canonical unpadded base32 in either case.
   *
   * @throws TokenException {@code BAD_ENCODING} saying which character or length is wrong
   */
  static byte[] decode(CharSequence text) {
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c >= 128 || VALUES[c] < 0) {
        throw bad(
            "character "
                + (i + 1)
                + " of the token is "
                + describe(c)
                + "; base32 uses only A-Z and 2-7");
      }
    }
    int rest = length % 8;
    if (rest == 1 || rest == 3 || rest == 6) {
      throw bad("a base32 text cannot be " + length + " characters long");
    }
    byte[] out = new byte[length * 5 / 8];
    int buffer = 0;
    int bits = 0;
    int o = 0;
    for (int i = 0; i < length; i++) {
      buffer = (buffer << 5) | VALUES[text.charAt(i)];
      bits += 5;
      if (bits >= 8) {
        out[o++] = (byte) (buffer >>> (bits - 8));
        bits -= 8;
      }
    }
    if ((buffer & ((1 << bits) - 1)) != 0) {
      throw bad("the last character of the token has non-zero unused bits; it is not canonical");
    }
    return out;
  }

  private static String describe(char c) {
    if (c >= 0x21 && c < 0x7F) {
      return "'" + c + "'";
    }
    return String.format("U+%04X", (int) c);
  }

  private static TokenException bad(String message) {
    return new TokenException(TokenException.Reason.BAD_ENCODING, message);
  }
}
