package dev.fangxin.adapters.ecr;

import static java.util.Objects.requireNonNull;

/** Validation shared by the message values. */
final class Fields {
  /** The longest ECR reference number. */
  static final int MAX_REFERENCE_LENGTH = 32;

  private Fields() {}

  /**
   * Checks an ECR reference: 1 to 32 characters from {@code 0-9 A-Z a-z - _}.
   *
   * @throws IllegalArgumentException saying what was wrong
   */
  static String reference(String ref) {
    requireNonNull(ref, "ecrReference == null");
    if (ref.isEmpty() || ref.length() > MAX_REFERENCE_LENGTH) {
      throw new IllegalArgumentException(
          "ecrReference must be 1 to " + MAX_REFERENCE_LENGTH + " characters, got " + ref.length());
    }
    for (int i = 0; i < ref.length(); i++) {
      char c = ref.charAt(i);
      if (!(isAsciiAlnum(c) || c == '-' || c == '_')) {
        throw new IllegalArgumentException(
            "ecrReference may contain only 0-9, A-Z, a-z, '-' and '_'; character "
                + (i + 1)
                + " is not one of them");
      }
    }
    return ref;
  }

  /** Checks {@code value} is exactly {@code length} ASCII letters or digits. */
  static String alnum(String value, int length, String name) {
    requireNonNull(value, name + " == null");
    if (value.length() != length) {
      throw new IllegalArgumentException(
          name + " must be " + length + " characters 0-9 A-Z a-z, got " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      if (!isAsciiAlnum(value.charAt(i))) {
        throw new IllegalArgumentException(
            name
                + " must be "
                + length
                + " characters 0-9 A-Z a-z; character "
                + (i + 1)
                + " is not");
      }
    }
    return value;
  }

  static boolean isAsciiAlnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }
}
