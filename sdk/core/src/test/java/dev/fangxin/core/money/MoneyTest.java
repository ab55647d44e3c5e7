package dev.fangxin.core.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fangxin.core.money.MoneyException.Reason;
import java.math.BigDecimal;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MoneyTest {
  private static final int KWD = 414;
  private static final int BHD = 48;
  private static final String CNY_FORMAT =
      "decimal amount must be an optional '-', digits, and optionally '.' and up to 2 fraction"
          + " digits, like \"128.00\", got ";

  private static MoneyException assertRejected(ThrowingCallable call, Reason reason, String msg) {
    MoneyException e = catchThrowableOfType(MoneyException.class, call);
    assertThat(e).as("expected a MoneyException").isNotNull();
    assertThat(e.reasonCode()).as("reason of: %s", e.getMessage()).isEqualTo(reason);
    assertThat(e.reason()).isEqualTo(reason.code());
    assertThat(e).hasMessage(msg);
    return e;
  }

  @Test
  void constants() {
    assertThat(Money.of(0, Money.CNY).currencyCode()).isEqualTo("CNY");
    assertThat(Money.of(0, Money.HKD).currencyCode()).isEqualTo("HKD");
    assertThat(Money.of(0, Money.MOP).currencyCode()).isEqualTo("MOP");
    assertThat(Money.of(0, Money.TWD).currencyCode()).isEqualTo("TWD");
    assertThat(Money.of(0, Money.USD).currencyCode()).isEqualTo("USD");
    assertThat(Money.of(0, Money.EUR).currencyCode()).isEqualTo("EUR");
    assertThat(Money.of(0, Money.JPY).currencyCode()).isEqualTo("JPY");
  }

  @Test
  void basics() {
    Money m = Money.of(12800, Money.CNY);
    assertThat(m.minorUnits()).isEqualTo(12800);
    assertThat(m.currency()).isEqualTo(156);
    assertThat(m.currencyCode()).isEqualTo("CNY");
    assertThat(m.fractionDigits()).isEqualTo(2);
    assertThat(m.toDecimalString()).isEqualTo("128.00");
    assertThat(m).hasToString("CNY 128.00");
    assertThat(m).isEqualTo(Money.of(12800, 156)).hasSameHashCodeAs(Money.of(12800, 156));
    assertThat(m).isNotEqualTo(Money.of(12800, Money.HKD));
    assertThat(m).isNotEqualTo(Money.of(12801, Money.CNY));
  }

  @ParameterizedTest
  @CsvSource({
    "128.00, 156, 12800, 128.00",
    "128, 156, 12800, 128.00",
    "128.5, 156, 12850, 128.50",
    "-5.00, 156, -500, -5.00",
    "0.05, 156, 5, 0.05",
    "-0.05, 156, -5, -0.05",
    "-0, 156, 0, 0.00",
    "0128.00, 156, 12800, 128.00",
    "128, 392, 128, 128",
    "-128, 392, -128, -128",
    "1.234, 414, 1234, 1.234",
    "1.2, 414, 1200, 1.200",
    "0.001, 48, 1, 0.001",
    "12.3456, 990, 123456, 12.3456",
    "92233720368547758.07, 156, 9223372036854775807, 92233720368547758.07",
    "-92233720368547758.08, 156, -9223372036854775808, -92233720368547758.08",
    "9223372036854775807, 392, 9223372036854775807, 9223372036854775807",
  })
  void parse(String decimal, int currency, long minor, String formatted) {
    Money m = Money.parse(decimal, currency);
    assertThat(m.minorUnits()).isEqualTo(minor);
    assertThat(m.currency()).isEqualTo(currency);
    assertThat(m.toDecimalString()).isEqualTo(formatted);
  }

  @Test
  void toStringOfOtherCurrencies() {
    assertThat(Money.of(128, Money.JPY)).hasToString("JPY 128");
    assertThat(Money.of(-1234, KWD)).hasToString("KWD -1.234");
    assertThat(Money.of(1, BHD)).hasToString("BHD 0.001");
    assertThat(Money.of(Long.MIN_VALUE, Money.CNY)).hasToString("CNY -92233720368547758.08");
  }

  @Test
  void tooManyFractionDigits() {
    assertRejected(
        () -> Money.parse("128.001", Money.CNY),
        Reason.PRECISION,
        "CNY amounts have at most 2 fraction digits, got 3: \"128.001\"");
    assertRejected(
        () -> Money.parse("128.000", Money.CNY),
        Reason.PRECISION,
        "CNY amounts have at most 2 fraction digits, got 3: \"128.000\"");
    assertRejected(
        () -> Money.parse("128.5", Money.JPY),
        Reason.PRECISION,
        "JPY amounts have no fraction digits, got 1: \"128.5\"");
    assertRejected(
        () -> Money.parse("1.2345", KWD),
        Reason.PRECISION,
        "KWD amounts have at most 3 fraction digits, got 4: \"1.2345\"");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "+128.00|a leading '+', which is not accepted: \"+128.00\"",
        "1e5|'e' at position 2: \"1e5\"",
        "1.28E2|'E' at position 5: \"1.28E2\"",
        "1,280.00|',' at position 2: \"1,280.00\"",
        "' 128.00'|no digits before a space at position 1: \" 128.00\"",
        "'128.00 '|a space at position 7: \"128.00 \"",
        "128.|no digits after '.' before the end of the string: \"128.\"",
        ".5|no digits before '.' at position 1: \".5\"",
        "-|no digits before the end of the string: \"-\"",
        "--5|no digits before '-' at position 2: \"--5\"",
        "1.2.3|'.' at position 4: \"1.2.3\"",
        "１２８|no digits before U+FF11 at position 1: \"\\uFF11\\uFF12\\uFF18\"",
        "NaN|no digits before 'N' at position 1: \"NaN\"",
      })
  void malformedDecimals(String decimal, String detail) {
    assertRejected(() -> Money.parse(decimal, Money.CNY), Reason.FORMAT, CNY_FORMAT + detail);
  }

  @Test
  void emptyAndNull() {
    assertRejected(() -> Money.parse("", Money.CNY), Reason.FORMAT, CNY_FORMAT + "an empty string");
    assertThatThrownBy(() -> Money.parse(null, Money.CNY))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("decimal == null");
  }

  @Test
  void formatMessageFollowsTheCurrency() {
    assertRejected(
        () -> Money.parse("1x", Money.JPY),
        Reason.FORMAT,
        "decimal amount must be an optional '-', digits, and optionally '.' and up to 0 fraction"
            + " digits, like \"128\", got 'x' at position 2: \"1x\"");
  }

  @Test
  void overflowWhileParsing() {
    String cnyRange =
        "decimal amount must be from -92233720368547758.08 to 92233720368547758.07 CNY to fit in"
            + " 64-bit minor units, got ";
    assertRejected(
        () -> Money.parse("92233720368547758.08", Money.CNY),
        Reason.OVERFLOW,
        cnyRange + "\"92233720368547758.08\"");
    assertRejected(
        () -> Money.parse("-92233720368547758.09", Money.CNY),
        Reason.OVERFLOW,
        cnyRange + "\"-92233720368547758.09\"");
    String huge = "9".repeat(5000);
    MoneyException e =
        catchThrowableOfType(MoneyException.class, () -> Money.parse(huge, Money.CNY));
    assertThat(e.reasonCode()).isEqualTo(Reason.OVERFLOW);
    assertThat(e).hasMessageEndingWith("\"" + "9".repeat(40) + "\"...");
    assertThat(Money.parse("0".repeat(100) + "1.00", Money.CNY).minorUnits()).isEqualTo(100);
  }

  @Test
  void unknownCurrency() {
    assertRejected(
        () -> Money.of(1, 999),
        Reason.UNKNOWN_CURRENCY,
        "currency must be an ISO 4217 numeric code with a fixed number of fraction digits, like"
            + " 156 for CNY, got 999, which is not a known currency");
    // XAU (gold) has a numeric code but no fraction digits: excluded.
    assertRejected(
        () -> Money.parse("1", 959),
        Reason.UNKNOWN_CURRENCY,
        "currency must be an ISO 4217 numeric code with a fixed number of fraction digits, like"
            + " 156 for CNY, got 959, which is not a known currency");
    assertRejected(
        () -> Money.of(1, -156),
        Reason.UNKNOWN_CURRENCY,
        "currency must be an ISO 4217 numeric code with a fixed number of fraction digits, like"
            + " 156 for CNY, got -156, which is not a known currency");
  }

  @Test
  void proto() {
    Money m = Money.of(-500, Money.CNY);
    dev.fangxin.protocol.v1.Money p = m.toProto();
    assertThat(p.getMinorUnits()).isEqualTo(-500);
    assertThat(p.getCurrency()).isEqualTo(156);
    assertThat(Money.fromProto(p)).isEqualTo(m);
    assertRejected(
        () -> Money.fromProto(dev.fangxin.protocol.v1.Money.newBuilder().setMinorUnits(5).build()),
        Reason.UNKNOWN_CURRENCY,
        "currency must be an ISO 4217 numeric code with a fixed number of fraction digits, like"
            + " 156 for CNY, got 0 (unset)");
    assertRejected(
        () -> Money.fromProto(dev.fangxin.protocol.v1.Money.newBuilder().setCurrency(-1).build()),
        Reason.UNKNOWN_CURRENCY,
        "currency must be an ISO 4217 numeric code with a fixed number of fraction digits, like"
            + " 156 for CNY, got 4294967295, which is not a known currency");
    assertThatThrownBy(() -> Money.fromProto(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("proto == null");
  }

  @Test
  void arithmetic() {
    Money a = Money.parse("128.00", Money.CNY);
    Money b = Money.parse("0.50", Money.CNY);
    assertThat(a.plus(b)).isEqualTo(Money.parse("128.50", Money.CNY));
    assertThat(a.minus(b)).isEqualTo(Money.parse("127.50", Money.CNY));
    assertThat(b.minus(a)).hasToString("CNY -127.50");
    assertThat(a.compareTo(b)).isPositive();
    assertThat(b.compareTo(a)).isNegative();
    assertThat(a.compareTo(Money.of(12800, Money.CNY))).isZero();
  }

  @Test
  void overflowInArithmetic() {
    Money max = Money.of(Long.MAX_VALUE, Money.CNY);
    Money min = Money.of(Long.MIN_VALUE, Money.CNY);
    Money cent = Money.of(1, Money.CNY);
    MoneyException e =
        assertRejected(
            () -> max.plus(cent),
            Reason.OVERFLOW,
            "CNY 92233720368547758.07 + CNY 0.01 does not fit in 64-bit minor units (at most CNY"
                + " 92233720368547758.07)");
    assertThat(e).hasCauseInstanceOf(ArithmeticException.class);
    assertRejected(
        () -> min.minus(cent),
        Reason.OVERFLOW,
        "CNY -92233720368547758.08 - CNY 0.01 does not fit in 64-bit minor units (at least CNY"
            + " -92233720368547758.08)");
    assertThat(max.minus(cent).plus(cent)).isEqualTo(max);
  }

  @ParameterizedTest
  @ValueSource(strings = {"plus", "minus", "compareTo"})
  void currencyMismatch(String op) {
    Money cny = Money.of(100, Money.CNY);
    Money hkd = Money.of(100, Money.HKD);
    String verb = op.equals("plus") ? "add" : op.equals("minus") ? "subtract" : "compare";
    assertRejected(
        () -> {
          switch (op) {
            case "plus":
              cny.plus(hkd);
              break;
            case "minus":
              cny.minus(hkd);
              break;
            default:
              cny.compareTo(hkd);
          }
        },
        Reason.CURRENCY_MISMATCH,
        "cannot "
            + verb
            + " amounts in different currencies: CNY 1.00 and HKD 1.00; convert one"
            + " first");
  }

  /** Round trips over currencies with 0, 2, 3 and 4 fraction digits, across the long range. */
  @Test
  void randomRoundTrips() {
    int[] currencies = {Money.JPY, Money.CNY, Money.USD, KWD, BHD, 990 /* CLF, 4 digits */};
    Random random = new Random(4217);
    for (int n = 0; n < 20_000; n++) {
      int currency = currencies[random.nextInt(currencies.length)];
      long minor;
      switch (random.nextInt(3)) {
        case 0:
          minor = random.nextLong();
          break;
        case 1:
          minor = random.nextInt(2_000_001) - 1_000_000;
          break;
        default:
          minor =
              random.nextBoolean()
                  ? Long.MAX_VALUE - random.nextInt(3)
                  : Long.MIN_VALUE + random.nextInt(3);
      }
      Money m = Money.of(minor, currency);
      String decimal = m.toDecimalString();
      assertThat(Money.parse(decimal, currency)).isEqualTo(m);
      assertThat(Money.fromProto(m.toProto())).isEqualTo(m);
      // Checked against BigDecimal, never against floating point.
      assertThat(new BigDecimal(decimal)).isEqualTo(BigDecimal.valueOf(minor, m.fractionDigits()));
      if (m.fractionDigits() > 0) {
        assertThat(decimal.length() - decimal.indexOf('.') - 1).isEqualTo(m.fractionDigits());
      } else {
        assertThat(decimal).doesNotContain(".");
      }
    }
  }

  @Test
  void fractionDigitsByCurrency() {
    assertThat(Money.of(0, Money.JPY).fractionDigits()).isZero();
    assertThat(Money.of(0, Money.CNY).fractionDigits()).isEqualTo(2);
    assertThat(Money.of(0, KWD).fractionDigits()).isEqualTo(3);
    assertThat(Money.of(0, BHD).fractionDigits()).isEqualTo(3);
    assertThat(Money.of(0, BHD).currencyCode()).isEqualTo("BHD");
  }

  @Test
  void reasonCodes() {
    assertThat(Reason.UNKNOWN_CURRENCY.code()).isEqualTo("money.unknown_currency");
    assertThat(Reason.CURRENCY_MISMATCH.code()).isEqualTo("money.currency_mismatch");
  }
}
