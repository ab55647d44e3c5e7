package dev.fangxin.core.id;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.id.InvalidIdentifierException.Reason;

/**
 * An institution identification code: the acquiring institution (ISO 8583 field 32) or the
 * forwarding institution (field 33), 1 to 11 digits.
 *
 * <p>The canonical form ({@link #value()}) is the digits alone. Inside a {@link SettleKey} the code
 * occupies a fixed 11-character slot: the digits left-aligned and padded on the right with ASCII
 * spaces ({@code U+0020}), as UnionPay's settleKey convention lays it out; {@link #padded()}
 * returns that form and {@link #ofPadded(String)} reads it. Leading zeros are significant and kept.
 *
 * <p>Immutable and thread-safe.
 */
public final class InstitutionCode {
  /** The width of the padded form. */
  public static final int PADDED_LENGTH = 11;

  static final String FIELD = "institution_code";
  private static final String NAME = "institution code";
  private static final Ids.Format FORMAT =
      new Ids.Format(FIELD, NAME, "1 to 11 digits", 1, PADDED_LENGTH, Ids.DIGIT);

  private final String value;

  private InstitutionCode(String value) {
    this.value = value;
  }

  /**
   * Returns the institution code {@code value}.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws InvalidIdentifierException if {@code value} is not 1 to 11 ASCII digits
   */
  public static InstitutionCode of(String value) {
    return new InstitutionCode(FORMAT.check(value));
  }

  /**
   * Reads the 11-character padded form: 1 to 11 digits, left-aligned, followed only by spaces.
   *
   * @throws NullPointerException if {@code padded} is null
   * @throws InvalidIdentifierException if {@code padded} is not exactly 11 characters ({@code
   *     LENGTH}), is all spaces ({@code EMPTY}), or has anything but digits followed by spaces
   *     ({@code CHARACTER})
   */
  public static InstitutionCode ofPadded(String padded) {
    requireNonNull(padded, "padded == null");
    String must =
        NAME + " must be 1 to 11 digits left-aligned and right-padded with spaces to 11, got ";
    if (padded.length() != PADDED_LENGTH) {
      throw Ids.fail(
          FIELD, Reason.LENGTH, must + Ids.characters(padded.length()) + ": " + Ids.echo(padded));
    }
    int end = 0;
    while (end < PADDED_LENGTH && Ids.DIGIT.test(padded.charAt(end))) {
      end++;
    }
    for (int i = end; i < PADDED_LENGTH; i++) {
      char c = padded.charAt(i);
      if (c != ' ') {
        throw Ids.fail(
            FIELD,
            Reason.CHARACTER,
            must + Ids.describe(c) + " at position " + (i + 1) + ": " + Ids.echo(padded));
      }
    }
    if (end == 0) {
      throw Ids.fail(FIELD, Reason.EMPTY, must + "only spaces: " + Ids.echo(padded));
    }
    return new InstitutionCode(padded.substring(0, end));
  }

  /** The digits, without padding. */
  public String value() {
    return value;
  }

  /**
   * The settleKey form: the digits left-aligned and right-padded with spaces to exactly 11
   * characters, for example {@code "48020000 "} for {@code "48020000"}.
   */
  public String padded() {
    StringBuilder b = new StringBuilder(PADDED_LENGTH).append(value);
    while (b.length() < PADDED_LENGTH) {
      b.append(' ');
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InstitutionCode && ((InstitutionCode) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** The digits, without padding. */
  @Override
  public String toString() {
    return value;
  }
}
