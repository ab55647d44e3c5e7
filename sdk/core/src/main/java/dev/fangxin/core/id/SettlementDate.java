package dev.fangxin.core.id;

import java.time.MonthDay;

/**
 * A settlement date, ISO 8583 field 15: {@code MMDD}, four digits.
 *
 * <p>It carries no year, so February 29 is accepted; {@link #existsIn(int)} says whether the date
 * exists in a given year, and {@link DurableTrace} pairs it with one. Immutable and thread-safe.
 */
public final class SettlementDate {
  static final String FIELD = "settlement_date";
  private static final String NAME = "settlement date";
  private static final String EXPECTED = "MMDD, exactly 4 digits";
  private static final Ids.Format FORMAT = new Ids.Format(FIELD, NAME, EXPECTED, 4, 4, Ids.DIGIT);

  private final String value;

  private SettlementDate(String value) {
    this.value = value;
  }

  /**
   * Returns the settlement date {@code value}.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws InvalidIdentifierException with reason {@code EMPTY}, {@code LENGTH} or {@code
   *     CHARACTER} if {@code value} is not four ASCII digits, {@code DATE} if the month is not
   *     01–12 or the day does not exist in that month (0229 is allowed)
   */
  public static SettlementDate of(String value) {
    FORMAT.check(value);
    TransmissionTime.checkMonthDay(FIELD, NAME, EXPECTED, value);
    return new SettlementDate(value);
  }

  /** The month, 1–12. */
  public int month() {
    return TransmissionTime.twoDigits(value, 0);
  }

  /** The day of the month, 1–31. */
  public int day() {
    return TransmissionTime.twoDigits(value, 2);
  }

  /** This month and day. */
  public MonthDay toMonthDay() {
    return MonthDay.of(month(), day());
  }

  /** Whether this date exists in {@code year}: false only for 0229 in a year that is not leap. */
  public boolean existsIn(int year) {
    return toMonthDay().isValidYear(year);
  }

  /** The four digits {@code MMDD}. */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SettlementDate && ((SettlementDate) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** The four digits {@code MMDD}. */
  @Override
  public String toString() {
    return value;
  }
}
