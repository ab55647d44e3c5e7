package dev.fangxin.core.id;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.id.InvalidIdentifierException.Reason;
import java.util.function.IntPredicate;

/** Shared validation and message helpers for this package. Stateless, thread-safe. */
final class Ids {
  /** Inputs are echoed in messages up to this many characters. */
  static final int ECHO_LIMIT = 40;

  static final IntPredicate DIGIT = c -> c >= '0' && c <= '9';
  static final IntPredicate ALPHANUMERIC =
      c -> (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');

  private Ids() {}

  /**
   * The input in double quotes, shortened to {@link #ECHO_LIMIT} characters, with quotes,
   * backslashes and everything outside printable ASCII escaped so a message stays one safe line.
   */
  static String echo(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), ECHO_LIMIT) + 8).append('"');
    int n = Math.min(s.length(), ECHO_LIMIT);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        b.append(c);
      } else {
        b.append(String.format("\\u%04X", (int) c));
      }
    }
    b.append('"');
    if (s.length() > ECHO_LIMIT) {
      b.append("...");
    }
    return b.toString();
  }

  /** A short description of one character for a message: {@code 'A'}, "a space" or "U+00A0". */
  static String describe(char c) {
    if (c == ' ') {
      return "a space";
    }
    if (c > 0x20 && c < 0x7f) {
      return "'" + c + "'";
    }
    return String.format("U+%04X", (int) c);
  }

  static String characters(int n) {
    return n == 1 ? "1 character" : n + " characters";
  }

  static InvalidIdentifierException fail(String field, Reason reason, String message) {
    return new InvalidIdentifierException(field, reason, message);
  }

  /**
   * Re-throws a part's failure as a failure of the composite, naming the part in {@code partField}
   * and prefixing the part's message with {@code where}.
   */
  static InvalidIdentifierException inPart(
      String partField, String where, InvalidIdentifierException e) {
    return new InvalidIdentifierException(
        partField, e.reasonCode(), where + ": " + e.getMessage(), e);
  }

  /**
   * The format of a simple identifier: a length range and an allowed character set.
   *
   * <p>Messages read {@code "<name> must be <expected>, got ..."}.
   */
  static final class Format {
    final String field;
    final String name;
    final String expected;
    final int min;
    final int max;
    final IntPredicate allowed;

    Format(String field, String name, String expected, int min, int max, IntPredicate allowed) {
      this.field = field;
      this.name = name;
      this.expected = expected;
      this.min = min;
      this.max = max;
      this.allowed = allowed;
    }

    /** Returns {@code input} if it has the format; otherwise throws. */
    String check(String input) {
      requireNonNull(input, "value == null");
      String must = name + " must be " + expected + ", got ";
      if (input.isEmpty()) {
        throw fail(field, Reason.EMPTY, must + "an empty string");
      }
      if (input.length() < min || input.length() > max) {
        throw fail(field, Reason.LENGTH, must + characters(input.length()) + ": " + echo(input));
      }
      for (int i = 0; i < input.length(); i++) {
        char c = input.charAt(i);
        if (!allowed.test(c)) {
          throw fail(
              field,
              Reason.CHARACTER,
              must + describe(c) + " at position " + (i + 1) + ": " + echo(input));
        }
      }
      return input;
    }
  }
}
