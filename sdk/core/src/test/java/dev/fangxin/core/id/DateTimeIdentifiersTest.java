package dev.fangxin.core.id;

import static dev.fangxin.core.id.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fangxin.core.id.InvalidIdentifierException.Reason;
import java.time.MonthDay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** TransmissionTime (ISO 8583 field 7) and SettlementDate (field 15). */
class DateTimeIdentifiersTest {
  private static final String TT = "transmission time must be MMDDhhmmss, exactly 10 digits";
  private static final String SD = "settlement date must be MMDD, exactly 4 digits";

  @Test
  void transmissionTimeAccessors() {
    TransmissionTime t = TransmissionTime.of("0305143015");
    assertThat(t.month()).isEqualTo(3);
    assertThat(t.day()).isEqualTo(5);
    assertThat(t.hour()).isEqualTo(14);
    assertThat(t.minute()).isEqualTo(30);
    assertThat(t.second()).isEqualTo(15);
    assertThat(t.value()).isEqualTo("0305143015");
    assertThat(t).hasToString("0305143015").isEqualTo(TransmissionTime.of("0305143015"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0101000000", "1231235959", "0229120000", "0430000000", "0131000000"})
  void transmissionTimeAcceptsEdges(String s) {
    assertThat(TransmissionTime.of(s).value()).isEqualTo(s);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1301120000|month 01-12, got month 13",
        "0001120000|month 01-12, got month 00",
        "0100120000|a day that exists in month 01 (01-31), got day 00",
        "0230120000|a day that exists in month 02 (01-29), got day 30",
        "0431120000|a day that exists in month 04 (01-30), got day 31",
        "0305240000|hour 00-23, got hour 24",
        "0305236000|minute 00-59, got minute 60",
        "0305235960|second 00-59, got second 60",
      })
  void transmissionTimeRejectsImpossibleDates(String s, String detail) {
    assertRejected(
        () -> TransmissionTime.of(s),
        "transmission_time",
        Reason.DATE,
        TT + " with " + detail + ": \"" + s + "\"");
  }

  @Test
  void transmissionTimeRejectsFormat() {
    assertRejected(
        () -> TransmissionTime.of("030514301"),
        "transmission_time",
        Reason.LENGTH,
        TT + ", got 9 characters: \"030514301\"");
    assertRejected(
        () -> TransmissionTime.of("0305 43015"),
        "transmission_time",
        Reason.CHARACTER,
        TT + ", got a space at position 5: \"0305 43015\"");
    assertRejected(
        () -> TransmissionTime.of(""),
        "transmission_time",
        Reason.EMPTY,
        TT + ", got an empty string");
  }

  @Test
  void settlementDate() {
    SettlementDate d = SettlementDate.of("0305");
    assertThat(d.month()).isEqualTo(3);
    assertThat(d.day()).isEqualTo(5);
    assertThat(d.toMonthDay()).isEqualTo(MonthDay.of(3, 5));
    assertThat(d).hasToString("0305").isEqualTo(SettlementDate.of("0305"));
    assertThat(d.existsIn(2023)).isTrue();
  }

  @Test
  void leapDayExistsOnlyInLeapYears() {
    SettlementDate leap = SettlementDate.of("0229");
    assertThat(leap.existsIn(2024)).isTrue();
    assertThat(leap.existsIn(2000)).isTrue();
    assertThat(leap.existsIn(2023)).isFalse();
    assertThat(leap.existsIn(2100)).isFalse();
  }

  @Test
  void settlementDateRejections() {
    assertRejected(
        () -> SettlementDate.of("1232"),
        "settlement_date",
        Reason.DATE,
        SD + " with a day that exists in month 12 (01-31), got day 32: \"1232\"");
    assertRejected(
        () -> SettlementDate.of("0015"),
        "settlement_date",
        Reason.DATE,
        SD + " with month 01-12, got month 00: \"0015\"");
    assertRejected(
        () -> SettlementDate.of("20240305"),
        "settlement_date",
        Reason.LENGTH,
        SD + ", got 8 characters: \"20240305\"");
    assertRejected(
        () -> SettlementDate.of("03-5"),
        "settlement_date",
        Reason.CHARACTER,
        SD + ", got '-' at position 3: \"03-5\"");
  }
}
