package dev.fangxin.core.id;

/**
 * A UnionPay QR payment voucher number: 1 to 32 characters from {@code 0-9}, {@code A-Z} and {@code
 * a-z}.
 *
 * <p>In practice UnionPay issues voucher numbers of 20 digits; the wider format accepted here
 * leaves room for other QR networks without weakening what a voucher number may contain. It is kept
 * beside a payment's {@link DurableTrace}, never instead of it. Case is preserved. Immutable and
 * thread-safe.
 */
public final class VoucherNumber {
  private static final Ids.Format FORMAT =
      new Ids.Format(
          "voucher_number",
          "voucher number",
          "1 to 32 characters from 0-9, A-Z and a-z",
          1,
          32,
          Ids.ALPHANUMERIC);

  private final String value;

  private VoucherNumber(String value) {
    this.value = value;
  }

  /**
   * Returns the voucher number {@code value}, case preserved.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws InvalidIdentifierException if {@code value} is empty, longer than 32 characters, or
   *     contains anything but ASCII letters and digits
   */
  public static VoucherNumber of(String value) {
    return new VoucherNumber(FORMAT.check(value));
  }

  /** The characters, as given. */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VoucherNumber && ((VoucherNumber) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** The characters, as given. */
  @Override
  public String toString() {
    return value;
  }
}
