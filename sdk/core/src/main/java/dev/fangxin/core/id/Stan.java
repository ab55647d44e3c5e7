package dev.fangxin.core.id;

import dev.fangxin.core.id.InvalidIdentifierException.Reason;

/**
 * A system trace audit number (STAN), ISO 8583 field 11: exactly 6 digits, {@code 000001} to {@code
 * 999999}.
 *
 * <p>{@code 000000} is rejected: terminals number traces from 1 and wrap from 999999 to 000001.
 * Immutable and thread-safe.
 */
public final class Stan {
  static final String FIELD = "stan";
  static final String NAME = "system trace audit number";
  private static final Ids.Format FORMAT =
      new Ids.Format(FIELD, NAME, "exactly 6 digits", 6, 6, Ids.DIGIT);

  private final String value;

  private Stan(String value) {
    this.value = value;
  }

  /**
   * Returns the trace audit number {@code value}.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws InvalidIdentifierException if {@code value} is not exactly 6 ASCII digits ({@code
   *     LENGTH}, {@code CHARACTER}, {@code EMPTY}) or is {@code "000000"} ({@code RANGE})
   */
  public static Stan of(String value) {
    FORMAT.check(value);
    if (value.equals("000000")) {
      throw Ids.fail(FIELD, Reason.RANGE, NAME + " must be 000001 to 999999, got \"000000\"");
    }
    return new Stan(value);
  }

  /** The 6 digits. */
  public String value() {
    return value;
  }

  /** The number, 1 to 999999. */
  public int number() {
    return Integer.parseInt(value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Stan && ((Stan) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** The 6 digits. */
  @Override
  public String toString() {
    return value;
  }
}
