package dev.fangxin.core.id;

import static dev.fangxin.core.id.Rejections.assertRejected;
import static dev.fangxin.core.id.Rejections.rejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.core.id.InvalidIdentifierException.Reason;
import dev.fangxin.protocol.v1.Trace;
import java.time.LocalDate;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SettleKey and DurableTrace. */
class TracesTest {
  static final String KEY = "48020000   00010344   1234560305143015";
  static final String TRACE = KEY + "0305" + "2024";

  private static SettleKey key() {
    return SettleKey.of(
        InstitutionCode.of("48020000"),
        InstitutionCode.of("00010344"),
        Stan.of("123456"),
        TransmissionTime.of("0305143015"));
  }

  private static Trace.Builder proto() {
    return Trace.newBuilder()
        .setAcquirerInstitution("48020000")
        .setForwardingInstitution("00010344")
        .setStan("123456")
        .setTransmissionTime("0305143015")
        .setSettlementDate("0305")
        .setSettlementYear(2024);
  }

  @Test
  void settleKeyLayout() {
    SettleKey key = key();
    assertThat(key.value()).isEqualTo(KEY).hasSize(38);
    assertThat(key).hasToString(KEY);
    assertThat(KEY.substring(0, 11)).isEqualTo("48020000   ");
    assertThat(KEY.substring(11, 22)).isEqualTo("00010344   ");
    assertThat(KEY.substring(22, 28)).isEqualTo("123456");
    assertThat(KEY.substring(28, 38)).isEqualTo("0305143015");
    SettleKey parsed = SettleKey.parse(KEY);
    assertThat(parsed).isEqualTo(key).hasSameHashCodeAs(key);
    assertThat(parsed.acquirer()).isEqualTo(InstitutionCode.of("48020000"));
    assertThat(parsed.forwarding()).isEqualTo(InstitutionCode.of("00010344"));
    assertThat(parsed.stan()).isEqualTo(Stan.of("123456"));
    assertThat(parsed.transmissionTime()).isEqualTo(TransmissionTime.of("0305143015"));
  }

  @Test
  void settleKeyWithFullWidthInstitutionCodes() {
    String s = "12345678901" + "00000000001" + "999999" + "1231235959";
    assertThat(SettleKey.parse(s).value()).isEqualTo(s);
    assertThat(SettleKey.parse(s).acquirer().value()).isEqualTo("12345678901");
  }

  @Test
  void settleKeyParseNamesTheFailingPart() {
    assertRejected(
        () -> SettleKey.parse(KEY.substring(1)),
        "settle_key",
        Reason.LENGTH,
        "settle key must be exactly 38 characters, got 37 characters: \""
            + KEY.substring(1, 38)
            + "\"");
    assertRejected(
        () -> SettleKey.parse(""),
        "settle_key",
        Reason.EMPTY,
        "settle key must be exactly 38 characters, got an empty string");
    InvalidIdentifierException e =
        assertRejected(
            () -> SettleKey.parse("   48020000" + KEY.substring(11)),
            "acquirer_institution",
            Reason.CHARACTER,
            "settle key characters 1-11 (acquirer institution): institution code must be 1 to 11"
                + " digits left-aligned and right-padded with spaces to 11, got '4' at position"
                + " 4: \"   48020000\"");
    assertThat(e).hasCauseInstanceOf(InvalidIdentifierException.class);
    assertThat(((InvalidIdentifierException) e.getCause()).field()).isEqualTo("institution_code");
    assertRejected(
        () -> SettleKey.parse(KEY.substring(0, 11) + "           " + KEY.substring(22)),
        "forwarding_institution",
        Reason.EMPTY,
        "settle key characters 12-22 (forwarding institution): institution code must be 1 to 11"
            + " digits left-aligned and right-padded with spaces to 11, got only spaces:"
            + " \"           \"");
    assertRejected(
        () -> SettleKey.parse(KEY.substring(0, 22) + "000000" + KEY.substring(28)),
        "stan",
        Reason.RANGE,
        "settle key characters 23-28 (system trace audit number): system trace audit number must"
            + " be 000001 to 999999, got \"000000\"");
    assertRejected(
        () -> SettleKey.parse(KEY.substring(0, 28) + "0230143015"),
        "transmission_time",
        Reason.DATE,
        "settle key characters 29-38 (transmission time): transmission time must be MMDDhhmmss,"
            + " exactly 10 digits with a day that exists in month 02 (01-29), got day 30:"
            + " \"0230143015\"");
  }

  @Test
  void settleKeyRejectsNulls() {
    assertThatThrownBy(() -> SettleKey.of(null, InstitutionCode.of("1"), Stan.of("000001"), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("acquirer == null");
    assertThatThrownBy(() -> SettleKey.parse(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value == null");
  }

  @Test
  void durableTrace() {
    DurableTrace t = DurableTrace.of(key(), SettlementDate.of("0305"), 2024);
    assertThat(t.value()).isEqualTo(TRACE).hasSize(46);
    assertThat(t).hasToString(TRACE);
    assertThat(t.settleKey()).isEqualTo(key());
    assertThat(t.settlementDate()).isEqualTo(SettlementDate.of("0305"));
    assertThat(t.year()).isEqualTo(2024);
    assertThat(t.settlementDay()).isEqualTo(LocalDate.of(2024, 3, 5));
    assertThat(DurableTrace.parse(TRACE)).isEqualTo(t).hasSameHashCodeAs(t);
    assertThat(t).isNotEqualTo(DurableTrace.of(key(), SettlementDate.of("0305"), 2025));
    assertThat(t).isNotEqualTo(DurableTrace.of(key(), SettlementDate.of("0306"), 2024));
  }

  @Test
  void durableTraceToProtoUsesUnpaddedInstitutionCodes() {
    Trace p = DurableTrace.parse(TRACE).toProto();
    assertThat(p).isEqualTo(proto().build());
    assertThat(p.getAcquirerInstitution()).isEqualTo("48020000");
    assertThat(p.getRrn()).isEmpty();
    assertThat(p.getVoucherNumber()).isEmpty();
    assertThat(DurableTrace.fromProto(p)).isEqualTo(DurableTrace.parse(TRACE));
  }

  @Test
  void fromProtoIgnoresReferencesKeptBeside() {
    Trace p = proto().setRrn("not an RRN!").setVoucherNumber("20240305123456789012").build();
    assertThat(DurableTrace.fromProto(p).value()).isEqualTo(TRACE);
  }

  @Test
  void leapDayNeedsALeapYear() {
    SettlementDate leap = SettlementDate.of("0229");
    assertThat(DurableTrace.of(key(), leap, 2024).settlementDay())
        .isEqualTo(LocalDate.of(2024, 2, 29));
    assertRejected(
        () -> DurableTrace.of(key(), leap, 2023),
        "settlement_date",
        Reason.DATE,
        "settlement date must exist in its settlement year, got 0229 in 2023, which is not a"
            + " leap year");
    assertRejected(
        () -> DurableTrace.parse(KEY + "02292023"),
        "settlement_date",
        Reason.DATE,
        "durable trace characters 39-46: settlement date must exist in its settlement year, got"
            + " 0229 in 2023, which is not a leap year");
    assertRejected(
        () ->
            DurableTrace.fromProto(
                proto().setSettlementDate("0229").setSettlementYear(2023).build()),
        "settlement_date",
        Reason.DATE,
        "Trace.settlement_date: settlement date must exist in its settlement year, got 0229 in"
            + " 2023, which is not a leap year");
  }

  @Test
  void yearMustBe2000To2099() {
    assertThat(DurableTrace.of(key(), SettlementDate.of("0101"), 2000).year()).isEqualTo(2000);
    assertThat(DurableTrace.of(key(), SettlementDate.of("1231"), 2099).year()).isEqualTo(2099);
    assertRejected(
        () -> DurableTrace.of(key(), SettlementDate.of("0305"), 1999),
        "settlement_year",
        Reason.RANGE,
        "settlement year must be 2000 to 2099, got 1999");
    assertRejected(
        () -> DurableTrace.of(key(), SettlementDate.of("0305"), 2100),
        "settlement_year",
        Reason.RANGE,
        "settlement year must be 2000 to 2099, got 2100");
    assertRejected(
        () -> DurableTrace.parse(KEY + "03052100"),
        "settlement_year",
        Reason.RANGE,
        "durable trace characters 43-46 (settlement year): settlement year must be 2000 to 2099,"
            + " got 2100");
    assertRejected(
        () -> DurableTrace.parse(KEY + "0305 24 "),
        "settlement_year",
        Reason.CHARACTER,
        "durable trace characters 43-46 (settlement year): settlement year must be 4 digits, got"
            + " a space at position 43: \" 24 \"");
  }

  @Test
  void durableTraceParseNamesTheFailingPart() {
    assertRejected(
        () -> DurableTrace.parse(KEY),
        "durable_trace",
        Reason.LENGTH,
        "durable trace must be exactly 46 characters, got 38 characters: \"" + KEY + "\"");
    assertRejected(
        () -> DurableTrace.parse(KEY + "13052024"),
        "settlement_date",
        Reason.DATE,
        "durable trace characters 39-42 (settlement date): settlement date must be MMDD, exactly"
            + " 4 digits with month 01-12, got month 13: \"1305\"");
    assertRejected(
        () -> DurableTrace.parse(KEY.substring(0, 22) + "12345X" + KEY.substring(28) + "03052024"),
        "stan",
        Reason.CHARACTER,
        "durable trace characters 23-28 (system trace audit number): system trace audit number"
            + " must be exactly 6 digits, got 'X' at position 6: \"12345X\"");
  }

  @Test
  void fromProtoNamesTheFailingProtoField() {
    assertRejected(
        () -> DurableTrace.fromProto(proto().setAcquirerInstitution("48020000   ").build()),
        "acquirer_institution",
        Reason.CHARACTER,
        "Trace.acquirer_institution: institution code must be 1 to 11 digits, got a space at"
            + " position 9: \"48020000   \"");
    assertRejected(
        () -> DurableTrace.fromProto(proto().clearForwardingInstitution().build()),
        "forwarding_institution",
        Reason.EMPTY,
        "Trace.forwarding_institution: institution code must be 1 to 11 digits, got an empty"
            + " string");
    assertRejected(
        () -> DurableTrace.fromProto(proto().setStan("000000").build()),
        "stan",
        Reason.RANGE,
        "Trace.stan: system trace audit number must be 000001 to 999999, got \"000000\"");
    assertRejected(
        () -> DurableTrace.fromProto(proto().setTransmissionTime("0305143060").build()),
        "transmission_time",
        Reason.DATE,
        "Trace.transmission_time: transmission time must be MMDDhhmmss, exactly 10 digits with"
            + " second 00-59, got second 60: \"0305143060\"");
    assertRejected(
        () -> DurableTrace.fromProto(proto().setSettlementDate("305").build()),
        "settlement_date",
        Reason.LENGTH,
        "Trace.settlement_date: settlement date must be MMDD, exactly 4 digits, got 3"
            + " characters: \"305\"");
    assertRejected(
        () -> DurableTrace.fromProto(proto().clearSettlementYear().build()),
        "settlement_year",
        Reason.EMPTY,
        "Trace.settlement_year: settlement year must be 2000 to 2099, got 0 (unset)");
    assertRejected(
        () -> DurableTrace.fromProto(proto().setSettlementYear(-1).build()),
        "settlement_year",
        Reason.RANGE,
        "Trace.settlement_year: settlement year must be 2000 to 2099, got 4294967295");
    assertThatThrownBy(() -> DurableTrace.fromProto(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("trace == null");
  }

  @Test
  void randomTracesRoundTripThroughStringAndProto() {
    Random random = new Random(7);
    for (int n = 0; n < 2_000; n++) {
      String acquirer = digits(random, 1 + random.nextInt(11));
      String forwarding = digits(random, 1 + random.nextInt(11));
      Stan stan = Stan.of(String.format("%06d", 1 + random.nextInt(999_999)));
      int year = 2000 + random.nextInt(100);
      LocalDate day = LocalDate.of(year, 1, 1).plusDays(random.nextInt(365));
      String mmdd = String.format("%02d%02d", day.getMonthValue(), day.getDayOfMonth());
      TransmissionTime time =
          TransmissionTime.of(
              mmdd
                  + String.format(
                      "%02d%02d%02d", random.nextInt(24), random.nextInt(60), random.nextInt(60)));
      SettleKey key =
          SettleKey.of(InstitutionCode.of(acquirer), InstitutionCode.of(forwarding), stan, time);
      DurableTrace trace = DurableTrace.of(key, SettlementDate.of(mmdd), year);

      assertThat(SettleKey.parse(key.value())).isEqualTo(key);
      assertThat(DurableTrace.parse(trace.value())).isEqualTo(trace);
      assertThat(DurableTrace.fromProto(trace.toProto())).isEqualTo(trace);
      assertThat(trace.toProto().getAcquirerInstitution()).isEqualTo(acquirer);
      assertThat(trace.settlementDay()).isEqualTo(day);
    }
  }

  @Test
  void failuresCarryTheInnerExceptionAsCause() {
    InvalidIdentifierException e =
        rejected(() -> DurableTrace.fromProto(proto().setStan("1").build()));
    assertThat(e.getCause()).isInstanceOf(InvalidIdentifierException.class);
    assertThat(((InvalidIdentifierException) e.getCause()).field()).isEqualTo("stan");
    assertThat(e.reason()).isEqualTo("identifier.length");
  }

  private static String digits(Random random, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append((char) ('0' + random.nextInt(10)));
    }
    return b.toString();
  }
}
