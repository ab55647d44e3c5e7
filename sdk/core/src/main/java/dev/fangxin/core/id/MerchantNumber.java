package dev.fangxin.core.id;

/**
 * A merchant number (MID): the card acceptor identification code of ISO 8583 field 42, exactly 15
 * digits as UnionPay assigns them.
 *
 * <p>Immutable and thread-safe.
 */
public final class MerchantNumber {
  private static final Ids.Format FORMAT =
      new Ids.Format("merchant_number", "merchant number", "exactly 15 digits", 15, 15, Ids.DIGIT);

  private final String value;

  private MerchantNumber(String value) {
    this.value = value;
  }

  /**
   * Returns the merchant number {@code value}.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws InvalidIdentifierException if {@code value} is not exactly 15 ASCII digits
   */
  public static MerchantNumber of(String value) {
    return new MerchantNumber(FORMAT.check(value));
  }

  /** The 15 digits. */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MerchantNumber && ((MerchantNumber) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** The 15 digits. */
  @Override
  public String toString() {
    return value;
  }
}
