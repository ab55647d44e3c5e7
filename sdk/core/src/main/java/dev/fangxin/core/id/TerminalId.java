package dev.fangxin.core.id;

/**
 * A terminal ID (TID): the card acceptor terminal identification of ISO 8583 field 41, exactly 8
 * characters from {@code 0-9}, {@code A-Z} and {@code a-z}.
 *
 * <p>Case is preserved and significant: {@code "ab12cd34"} and {@code "AB12CD34"} are different
 * terminal IDs. Immutable and thread-safe.
 */
public final class TerminalId {
  private static final Ids.Format FORMAT =
      new Ids.Format(
          "terminal_id",
          "terminal ID",
          "exactly 8 characters from 0-9, A-Z and a-z",
          8,
          8,
          Ids.ALPHANUMERIC);

  private final String value;

  private TerminalId(String value) {
    this.value = value;
  }

  /**
   * Returns the terminal ID {@code value}, case preserved.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws InvalidIdentifierException if {@code value} is not exactly 8 ASCII letters or digits
   */
  public static TerminalId of(String value) {
    return new TerminalId(FORMAT.check(value));
  }

  /** The 8 characters, as given. */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TerminalId && ((TerminalId) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** The 8 characters, as given. */
  @Override
  public String toString() {
    return value;
  }
}
