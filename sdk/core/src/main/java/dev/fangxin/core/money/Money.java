package dev.fangxin.core.money;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.money.MoneyException.Reason;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.Currency;
import java.util.HashMap;
import java.util.Map;

/**
 * An amount of money: a signed 64-bit number of minor units plus an ISO 4217 numeric currency code,
 * for example 12800 minor units of 156 (CNY) for ¥128.00.
 *
 * <p>The currencies known are those of {@link Currency#getAvailableCurrencies()} that have a
 * numeric code and a fixed number of fraction digits ({@link Currency#getDefaultFractionDigits()}
 * not -1, which excludes gold, SDRs and the like), read once per JVM. Where the JDK lists two
 * currencies under one numeric code (a currency and its successor, for example 532 ANG and XCG),
 * the alphabetically first code is used for {@link #currencyCode()}; their fraction digits agree.
 * The fraction digits are the JDK's, so they follow the ISO 4217 list the JDK ships (JPY 0, CNY 2,
 * KWD 3).
 *
 * <p>No floating point is used: amounts are read and written as decimal strings with exact integer
 * arithmetic. Values are immutable and thread-safe. {@link #compareTo(Money)}, {@link #plus(Money)}
 * and {@link #minus(Money)} accept only amounts in the same currency.
 */
public final class Money implements Comparable<Money> {
  /** ISO 4217 numeric code of the Chinese yuan renminbi. */
  public static final int CNY = 156;

  /** ISO 4217 numeric code of the Hong Kong dollar. */
  public static final int HKD = 344;

  /** ISO 4217 numeric code of the Macanese pataca. */
  public static final int MOP = 446;

  /** ISO 4217 numeric code of the New Taiwan dollar. */
  public static final int TWD = 901;

  /** ISO 4217 numeric code of the US dollar. */
  public static final int USD = 840;

  /** ISO 4217 numeric code of the euro. */
  public static final int EUR = 978;

  /** ISO 4217 numeric code of the Japanese yen. */
  public static final int JPY = 392;

  /** Inputs are echoed in messages up to this many characters. */
  private static final int ECHO_LIMIT = 40;

  private final long minorUnits;
  private final int currency;
  private final Currency jdkCurrency;

  private Money(long minorUnits, int currency, Currency jdkCurrency) {
    this.minorUnits = minorUnits;
    this.currency = currency;
    this.jdkCurrency = jdkCurrency;
  }

  /**
   * Returns {@code minorUnits} of the currency with ISO 4217 numeric code {@code currencyNumeric}.
   *
   * @throws MoneyException with reason {@code UNKNOWN_CURRENCY} if the currency is not known
   */
  public static Money of(long minorUnits, int currencyNumeric) {
    return new Money(
        minorUnits, currencyNumeric, lookUp(currencyNumeric, Integer.toString(currencyNumeric)));
  }

  /**
   * Reads a decimal amount such as {@code "128.00"}, {@code "128"}, {@code "128.5"} or {@code
   * "-5.00"} in the currency {@code currencyNumeric}.
   *
   * <p>Accepted form: an optional {@code '-'}, one or more ASCII digits, and optionally a {@code
   * '.'} followed by one or more digits, no more than the currency's fraction digits (trailing
   * zeros count: {@code "1.000"} is too precise for CNY). Leading zeros are allowed. Not accepted:
   * a leading {@code '+'}, exponents, spaces, grouping commas, a bare {@code '.'}.
   *
   * @throws NullPointerException if {@code decimal} is null
   * @throws MoneyException with reason {@code UNKNOWN_CURRENCY}, {@code FORMAT}, {@code PRECISION}
   *     (more fraction digits than the currency has) or {@code OVERFLOW} (more minor units than a
   *     {@code long} holds)
   */
  public static Money parse(String decimal, int currencyNumeric) {
    requireNonNull(decimal, "decimal == null");
    Currency c = lookUp(currencyNumeric, Integer.toString(currencyNumeric));
    int fractionDigits = c.getDefaultFractionDigits();
    String must =
        "decimal amount must be an optional '-', digits, and optionally '.' and up to "
            + fractionDigits
            + " fraction digits, like \""
            + example(fractionDigits)
            + "\", got ";
    if (decimal.isEmpty()) {
      throw new MoneyException(Reason.FORMAT, must + "an empty string");
    }
    if (decimal.charAt(0) == '+') {
      throw new MoneyException(
          Reason.FORMAT, must + "a leading '+', which is not accepted: " + echo(decimal));
    }
    int i = 0;
    boolean negative = false;
    if (decimal.charAt(0) == '-') {
      negative = true;
      i++;
    }
    int intStart = i;
    while (i < decimal.length() && isDigit(decimal.charAt(i))) {
      i++;
    }
    int intEnd = i;
    if (intEnd == intStart) {
      throw formatError(must, decimal, i, "no digits before");
    }
    int fracStart = intEnd;
    int fracEnd = intEnd;
    if (i < decimal.length() && decimal.charAt(i) == '.') {
      i++;
      fracStart = i;
      while (i < decimal.length() && isDigit(decimal.charAt(i))) {
        i++;
      }
      fracEnd = i;
      if (fracEnd == fracStart) {
        throw formatError(must, decimal, i, "no digits after '.' before");
      }
    }
    if (i < decimal.length()) {
      throw formatError(must, decimal, i, "");
    }
    int fraction = fracEnd - fracStart;
    if (fraction > fractionDigits) {
      throw new MoneyException(
          Reason.PRECISION,
          c.getCurrencyCode()
              + " amounts have "
              + (fractionDigits == 0 ? "no" : "at most " + fractionDigits)
              + " fraction digits, got "
              + fraction
              + ": "
              + echo(decimal));
    }
    int significant = intStart;
    while (significant < intEnd - 1 && decimal.charAt(significant) == '0') {
      significant++;
    }
    if (intEnd - significant + fractionDigits > 40) {
      throw overflowParsing(decimal, c);
    }
    StringBuilder digits = new StringBuilder(intEnd - significant + fractionDigits + 1);
    if (negative) {
      digits.append('-');
    }
    digits.append(decimal, significant, intEnd).append(decimal, fracStart, fracEnd);
    for (int k = fraction; k < fractionDigits; k++) {
      digits.append('0');
    }
    BigInteger units = new BigInteger(digits.toString());
    if (units.bitLength() > 63) {
      throw overflowParsing(decimal, c);
    }
    return new Money(units.longValue(), currencyNumeric, c);
  }

  /**
   * Reads a {@code fangxin.v1.Money}.
   *
   * @throws NullPointerException if {@code proto} is null
   * @throws MoneyException with reason {@code UNKNOWN_CURRENCY} if {@code currency} is unset (0) or
   *     not a known currency
   */
  public static Money fromProto(dev.fangxin.protocol.v1.Money proto) {
    requireNonNull(proto, "proto == null");
    int numeric = proto.getCurrency(); // uint32 on the wire
    return new Money(
        proto.getMinorUnits(), numeric, lookUp(numeric, Integer.toUnsignedString(numeric)));
  }

  /** This amount as a {@code fangxin.v1.Money}. */
  public dev.fangxin.protocol.v1.Money toProto() {
    return dev.fangxin.protocol.v1.Money.newBuilder()
        .setMinorUnits(minorUnits)
        .setCurrency(currency)
        .build();
  }

  /** The amount in minor units of {@link #currency()}, for example 12800 for CNY 128.00. */
  public long minorUnits() {
    return minorUnits;
  }

  /** The ISO 4217 numeric code of the currency, for example 156. */
  public int currency() {
    return currency;
  }

  /** The ISO 4217 alphabetic code of the currency, for example {@code "CNY"}. */
  public String currencyCode() {
    return jdkCurrency.getCurrencyCode();
  }

  /** The number of fraction digits of the currency: 0 for JPY, 2 for CNY, 3 for KWD. */
  public int fractionDigits() {
    return jdkCurrency.getDefaultFractionDigits();
  }

  /**
   * The amount as a plain decimal string with exactly {@link #fractionDigits()} fraction digits and
   * no grouping: {@code "128.00"}, {@code "-5.00"}, {@code "0.05"}, {@code "128"} for JPY. {@link
   * #parse(String, int)} reads it back to an equal value.
   */
  public String toDecimalString() {
    return BigDecimal.valueOf(minorUnits, fractionDigits()).toPlainString();
  }

  /**
   * Returns {@code this + other}.
   *
   * @throws NullPointerException if {@code other} is null
   * @throws MoneyException with reason {@code CURRENCY_MISMATCH} or {@code OVERFLOW}
   */
  public Money plus(Money other) {
    requireNonNull(other, "other == null");
    requireSameCurrency(other, "add");
    try {
      return new Money(Math.addExact(minorUnits, other.minorUnits), currency, jdkCurrency);
    } catch (ArithmeticException e) {
      throw new MoneyException(
          Reason.OVERFLOW,
          this + " + " + other + " does not fit in 64-bit minor units (at most " + max() + ")",
          e);
    }
  }

  /**
   * Returns {@code this - other}.
   *
   * @throws NullPointerException if {@code other} is null
   * @throws MoneyException with reason {@code CURRENCY_MISMATCH} or {@code OVERFLOW}
   */
  public Money minus(Money other) {
    requireNonNull(other, "other == null");
    requireSameCurrency(other, "subtract");
    try {
      return new Money(Math.subtractExact(minorUnits, other.minorUnits), currency, jdkCurrency);
    } catch (ArithmeticException e) {
      throw new MoneyException(
          Reason.OVERFLOW,
          this + " - " + other + " does not fit in 64-bit minor units (at least " + min() + ")",
          e);
    }
  }

  /**
   * Compares amounts of the same currency by their minor units.
   *
   * @throws NullPointerException if {@code other} is null
   * @throws MoneyException with reason {@code CURRENCY_MISMATCH} if the currencies differ
   */
  @Override
  public int compareTo(Money other) {
    requireNonNull(other, "other == null");
    requireSameCurrency(other, "compare");
    return Long.compare(minorUnits, other.minorUnits);
  }

  /** Equal if the minor units and the currency are equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Money
        && ((Money) o).minorUnits == minorUnits
        && ((Money) o).currency == currency;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(minorUnits) * 31 + currency;
  }

  /** The alphabetic code and the decimal amount, for example {@code "CNY 128.00"}. */
  @Override
  public String toString() {
    return currencyCode() + " " + toDecimalString();
  }

  private void requireSameCurrency(Money other, String verb) {
    if (other.currency != currency) {
      throw new MoneyException(
          Reason.CURRENCY_MISMATCH,
          "cannot "
              + verb
              + " amounts in different currencies: "
              + this
              + " and "
              + other
              + "; convert one first");
    }
  }

  private String max() {
    return Money.of(Long.MAX_VALUE, currency).toString();
  }

  private String min() {
    return Money.of(Long.MIN_VALUE, currency).toString();
  }

  private static MoneyException overflowParsing(String decimal, Currency c) {
    return new MoneyException(
        Reason.OVERFLOW,
        "decimal amount must be from "
            + BigDecimal.valueOf(Long.MIN_VALUE, c.getDefaultFractionDigits()).toPlainString()
            + " to "
            + BigDecimal.valueOf(Long.MAX_VALUE, c.getDefaultFractionDigits()).toPlainString()
            + " "
            + c.getCurrencyCode()
            + " to fit in 64-bit minor units, got "
            + echo(decimal));
  }

  private static MoneyException formatError(String must, String decimal, int at, String what) {
    String found =
        at < decimal.length()
            ? describe(decimal.charAt(at)) + " at position " + (at + 1)
            : "the end of the string";
    String prefix = what.isEmpty() ? "" : what + " ";
    return new MoneyException(Reason.FORMAT, must + prefix + found + ": " + echo(decimal));
  }

  private static String example(int fractionDigits) {
    StringBuilder b = new StringBuilder("128");
    if (fractionDigits > 0) {
      b.append('.');
      for (int i = 0; i < fractionDigits; i++) {
        b.append('0');
      }
    }
    return b.toString();
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static String describe(char c) {
    if (c == ' ') {
      return "a space";
    }
    if (c > 0x20 && c < 0x7f) {
      return "'" + c + "'";
    }
    return String.format("U+%04X", (int) c);
  }

  /** The input in quotes, shortened and escaped so a message stays one safe line. */
  private static String echo(String s) {
    StringBuilder b = new StringBuilder().append('"');
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

  private static Currency lookUp(int numeric, String shown) {
    Currency c = Currencies.BY_NUMERIC.get(numeric);
    if (c == null) {
      throw new MoneyException(
          Reason.UNKNOWN_CURRENCY,
          "currency must be an ISO 4217 numeric code with a fixed number of fraction digits,"
              + " like 156 for CNY, got "
              + shown
              + (numeric == 0 ? " (unset)" : ", which is not a known currency"));
    }
    return c;
  }

  /** The currency table, built on first use and then never changed. */
  private static final class Currencies {
    static final Map<Integer, Currency> BY_NUMERIC = build();

    private static Map<Integer, Currency> build() {
      Map<Integer, Currency> map = new HashMap<>();
      for (Currency c : Currency.getAvailableCurrencies()) {
        if (c.getDefaultFractionDigits() < 0 || c.getNumericCode() <= 0) {
          continue;
        }
        map.merge(
            c.getNumericCode(),
            c,
            (a, b) -> a.getCurrencyCode().compareTo(b.getCurrencyCode()) <= 0 ? a : b);
      }
      return Collections.unmodifiableMap(map);
    }
  }
}
