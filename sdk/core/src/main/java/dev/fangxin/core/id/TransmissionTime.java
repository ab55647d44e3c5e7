package dev.fangxin.core.id;

import dev.fangxin.core.id.InvalidIdentifierException.Reason;
import java.time.Month;

/**
 * A transmission date and time, ISO 8583 field 7: {@code MMDDhhmmss}, ten digits.
 *
 * <p>UnionPay sends it in China Standard Time (UTC+8). It carries no year, so February 29 is always
 * accepted here; see {@link DurableTrace} for the identity that adds one. Validation: month 01–12,
 * day 01 to the longest length of that month (29 for February), hour 00–23, minute and second 00–59
 * (no leap second). Immutable and thread-safe.
 */
public final class TransmissionTime {
  static final String FIELD = "transmission_time";
  private static final String NAME = "transmission time";
  private static final String EXPECTED = "MMDDhhmmss, exactly 10 digits";
  private static final Ids.Format FORMAT = new Ids.Format(FIELD, NAME, EXPECTED, 10, 10, Ids.DIGIT);

  private final String value;

  private TransmissionTime(String value) {
    this.value = value;
  }

  /**
   * Returns the transmission time {@code value}.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws InvalidIdentifierException with reason {@code EMPTY}, {@code LENGTH} or {@code
   *     CHARACTER} if {@code value} is not ten ASCII digits, {@code DATE} if the month, day, hour,
   *     minute or second does not exist
   */
  public static TransmissionTime of(String value) {
    FORMAT.check(value);
    checkMonthDay(FIELD, NAME, EXPECTED, value);
    checkRange(value, 4, "hour", 23);
    checkRange(value, 6, "minute", 59);
    checkRange(value, 8, "second", 59);
    return new TransmissionTime(value);
  }

  /** The month, 1–12. */
  public int month() {
    return twoDigits(value, 0);
  }

  /** The day of the month, 1–31. */
  public int day() {
    return twoDigits(value, 2);
  }

  /** The hour, 0–23. */
  public int hour() {
    return twoDigits(value, 4);
  }

  /** The minute, 0–59. */
  public int minute() {
    return twoDigits(value, 6);
  }

  /** The second, 0–59. */
  public int second() {
    return twoDigits(value, 8);
  }

  /** The ten digits {@code MMDDhhmmss}. */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransmissionTime && ((TransmissionTime) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** The ten digits {@code MMDDhhmmss}. */
  @Override
  public String toString() {
    return value;
  }

  private static void checkRange(String value, int at, String unit, int max) {
    int n = twoDigits(value, at);
    if (n > max) {
      throw Ids.fail(
          FIELD,
          Reason.DATE,
          NAME
              + " must be "
              + EXPECTED
              + " with "
              + unit
              + " 00-"
              + max
              + ", got "
              + unit
              + " "
              + value.substring(at, at + 2)
              + ": "
              + Ids.echo(value));
    }
  }

  /** Two ASCII digits at {@code at} as a number; the caller has checked they are digits. */
  static int twoDigits(String s, int at) {
    return (s.charAt(at) - '0') * 10 + (s.charAt(at + 1) - '0');
  }

  /**
   * Checks that the first four digits of {@code value} are a month 01–12 and a day that exists in
   * that month in some year (so 0229 is allowed).
   */
  static void checkMonthDay(String field, String name, String expected, String value) {
    int month = twoDigits(value, 0);
    String must = name + " must be " + expected + " with ";
    if (month < 1 || month > 12) {
      throw Ids.fail(
          field,
          Reason.DATE,
          must + "month 01-12, got month " + value.substring(0, 2) + ": " + Ids.echo(value));
    }
    int day = twoDigits(value, 2);
    int maxDay = Month.of(month).maxLength();
    if (day < 1 || day > maxDay) {
      throw Ids.fail(
          field,
          Reason.DATE,
          must
              + "a day that exists in month "
              + value.substring(0, 2)
              + " (01-"
              + maxDay
              + "), got day "
              + value.substring(2, 4)
              + ": "
              + Ids.echo(value));
    }
  }
}
