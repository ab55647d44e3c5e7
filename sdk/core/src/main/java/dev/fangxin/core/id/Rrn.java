package dev.fangxin.core.id;

/**
 * A retrieval reference number (RRN), ISO 8583 field 37: exactly 12 characters from {@code 0-9},
 * {@code A-Z} and {@code a-z}.
 *
 * <p>An RRN is kept beside a payment's {@link DurableTrace}, never instead of it: it is assigned by
 * the acquirer or terminal and is not unique across the network. Case is preserved. Immutable and
 * thread-safe.
 */
public final class Rrn {
  private static final Ids.Format FORMAT =
      new Ids.Format(
          "rrn",
          "retrieval reference number",
          "exactly 12 characters from 0-9, A-Z and a-z",
          12,
          12,
          Ids.ALPHANUMERIC);

  private final String value;

  private Rrn(String value) {
    this.value = value;
  }

  /**
   * Returns the retrieval reference number {@code value}, case preserved.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws InvalidIdentifierException if {@code value} is not exactly 12 ASCII letters or digits
   */
  public static Rrn of(String value) {
    return new Rrn(FORMAT.check(value));
  }

  /** The 12 characters, as given. */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Rrn && ((Rrn) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** The 12 characters, as given. */
  @Override
  public String toString() {
    return value;
  }
}
