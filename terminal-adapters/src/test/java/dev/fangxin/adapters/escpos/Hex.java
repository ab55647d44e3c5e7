package dev.fangxin.adapters.escpos;

import java.util.HexFormat;

/** Hex helpers for golden-byte tests: spaces and line breaks in literals are ignored. */
final class Hex {
  private Hex() {}

  static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
  }

  static String hex(byte[] bytes) {
    return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bytes);
  }

  /** 32 bytes per line, upper case, for golden files that diff well. */
  static String dump(byte[] bytes) {
    StringBuilder b = new StringBuilder();
    HexFormat f = HexFormat.of().withUpperCase();
    for (int i = 0; i < bytes.length; i += 32) {
      b.append(f.formatHex(bytes, i, Math.min(bytes.length, i + 32))).append('\n');
    }
    return b.toString();
  }

  static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static int count(byte[] haystack, byte[] needle) {
    int n = 0;
    for (int at = indexOf(haystack, needle, 0); at >= 0; at = indexOf(haystack, needle, at + 1)) {
      n++;
    }
    return n;
  }
}
