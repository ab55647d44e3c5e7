package dev.fangxin.core.id;

import static dev.fangxin.core.id.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.core.id.InvalidIdentifierException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MerchantNumber, TerminalId, Stan, Rrn, InstitutionCode and VoucherNumber. */
class SimpleIdentifiersTest {

  @Test
  void merchantNumber() {
    MerchantNumber mid = MerchantNumber.of("898310058120123");
    assertThat(mid.value()).isEqualTo("898310058120123");
    assertThat(mid).hasToString("898310058120123");
    assertThat(mid).isEqualTo(MerchantNumber.of("898310058120123"));
    assertThat(mid.hashCode()).isEqualTo(MerchantNumber.of("898310058120123").hashCode());
    assertThat(mid).isNotEqualTo(MerchantNumber.of("898310058120124"));
    assertThat(mid).isNotEqualTo("898310058120123");
  }

  @Test
  void merchantNumberRejections() {
    assertRejected(
        () -> MerchantNumber.of("12345678901234"),
        "merchant_number",
        Reason.LENGTH,
        "merchant number must be exactly 15 digits, got 14 characters: \"12345678901234\"");
    assertRejected(
        () -> MerchantNumber.of(""),
        "merchant_number",
        Reason.EMPTY,
        "merchant number must be exactly 15 digits, got an empty string");
    assertRejected(
        () -> MerchantNumber.of("89831005812012A"),
        "merchant_number",
        Reason.CHARACTER,
        "merchant number must be exactly 15 digits, got 'A' at position 15: \"89831005812012A\"");
    assertRejected(
        () -> MerchantNumber.of("8983100581 0123"),
        "merchant_number",
        Reason.CHARACTER,
        "merchant number must be exactly 15 digits, got a space at position 11:"
            + " \"8983100581 0123\"");
    assertRejected(
        () -> MerchantNumber.of("8983100581\n0123"),
        "merchant_number",
        Reason.CHARACTER,
        "merchant number must be exactly 15 digits, got U+000A at position 11:"
            + " \"8983100581\\u000A0123\"");
    assertThatThrownBy(() -> MerchantNumber.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value == null");
  }

  @Test
  void terminalIdPreservesCase() {
    TerminalId upper = TerminalId.of("AB12CD34");
    TerminalId lower = TerminalId.of("ab12cd34");
    assertThat(upper.value()).isEqualTo("AB12CD34");
    assertThat(lower).hasToString("ab12cd34");
    assertThat(upper).isNotEqualTo(lower);
    assertThat(TerminalId.of("00000001")).isEqualTo(TerminalId.of("00000001"));
  }

  @Test
  void terminalIdRejections() {
    assertRejected(
        () -> TerminalId.of("AB12CD3"),
        "terminal_id",
        Reason.LENGTH,
        "terminal ID must be exactly 8 characters from 0-9, A-Z and a-z, got 7 characters:"
            + " \"AB12CD3\"");
    assertRejected(
        () -> TerminalId.of("AB12-D34"),
        "terminal_id",
        Reason.CHARACTER,
        "terminal ID must be exactly 8 characters from 0-9, A-Z and a-z, got '-' at position 5:"
            + " \"AB12-D34\"");
    assertRejected(
        () -> TerminalId.of("AB12ÄD34"),
        "terminal_id",
        Reason.CHARACTER,
        "terminal ID must be exactly 8 characters from 0-9, A-Z and a-z, got U+00C4 at position"
            + " 5: \"AB12\\u00C4D34\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"000001", "123456", "999999"})
  void stanAccepts(String s) {
    Stan stan = Stan.of(s);
    assertThat(stan.value()).isEqualTo(s);
    assertThat(stan).hasToString(s);
    assertThat(stan.number()).isEqualTo(Integer.parseInt(s));
    assertThat(stan).isEqualTo(Stan.of(s));
  }

  @Test
  void stanRejections() {
    assertRejected(
        () -> Stan.of("000000"),
        "stan",
        Reason.RANGE,
        "system trace audit number must be 000001 to 999999, got \"000000\"");
    assertRejected(
        () -> Stan.of("12345"),
        "stan",
        Reason.LENGTH,
        "system trace audit number must be exactly 6 digits, got 5 characters: \"12345\"");
    assertRejected(
        () -> Stan.of("12345x"),
        "stan",
        Reason.CHARACTER,
        "system trace audit number must be exactly 6 digits, got 'x' at position 6: \"12345x\"");
  }

  @Test
  void rrn() {
    assertThat(Rrn.of("123456789012").value()).isEqualTo("123456789012");
    assertThat(Rrn.of("A1b2C3d4E5f6")).hasToString("A1b2C3d4E5f6");
    assertThat(Rrn.of("A1b2C3d4E5f6")).isNotEqualTo(Rrn.of("A1B2C3D4E5F6"));
    assertRejected(
        () -> Rrn.of("1234567890123"),
        "rrn",
        Reason.LENGTH,
        "retrieval reference number must be exactly 12 characters from 0-9, A-Z and a-z, got 13"
            + " characters: \"1234567890123\"");
    assertRejected(
        () -> Rrn.of("12345678901_"),
        "rrn",
        Reason.CHARACTER,
        "retrieval reference number must be exactly 12 characters from 0-9, A-Z and a-z, got '_'"
            + " at position 12: \"12345678901_\"");
  }

  @Test
  void institutionCode() {
    InstitutionCode code = InstitutionCode.of("48020000");
    assertThat(code.value()).isEqualTo("48020000");
    assertThat(code).hasToString("48020000");
    assertThat(code.padded()).isEqualTo("48020000   ").hasSize(11);
    assertThat(InstitutionCode.of("1").padded()).isEqualTo("1          ");
    assertThat(InstitutionCode.of("01234567890").padded()).isEqualTo("01234567890");
    assertThat(InstitutionCode.ofPadded("48020000   ")).isEqualTo(code);
    assertThat(InstitutionCode.ofPadded("01234567890").value()).isEqualTo("01234567890");
    assertThat(InstitutionCode.of("0048")).isNotEqualTo(InstitutionCode.of("48"));
  }

  @Test
  void institutionCodeRejections() {
    assertRejected(
        () -> InstitutionCode.of("123456789012"),
        "institution_code",
        Reason.LENGTH,
        "institution code must be 1 to 11 digits, got 12 characters: \"123456789012\"");
    assertRejected(
        () -> InstitutionCode.of(""),
        "institution_code",
        Reason.EMPTY,
        "institution code must be 1 to 11 digits, got an empty string");
    assertRejected(
        () -> InstitutionCode.of("4802 "),
        "institution_code",
        Reason.CHARACTER,
        "institution code must be 1 to 11 digits, got a space at position 5: \"4802 \"");
    String must =
        "institution code must be 1 to 11 digits left-aligned and right-padded with spaces to 11,"
            + " got ";
    assertRejected(
        () -> InstitutionCode.ofPadded("   48020000"),
        "institution_code",
        Reason.CHARACTER,
        must + "'4' at position 4: \"   48020000\"");
    assertRejected(
        () -> InstitutionCode.ofPadded("4802 000   "),
        "institution_code",
        Reason.CHARACTER,
        must + "'0' at position 6: \"4802 000   \"");
    assertRejected(
        () -> InstitutionCode.ofPadded("           "),
        "institution_code",
        Reason.EMPTY,
        must + "only spaces: \"           \"");
    assertRejected(
        () -> InstitutionCode.ofPadded("48020000"),
        "institution_code",
        Reason.LENGTH,
        must + "8 characters: \"48020000\"");
    assertThatThrownBy(() -> InstitutionCode.ofPadded(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("padded == null");
  }

  @Test
  void voucherNumber() {
    assertThat(VoucherNumber.of("20240305123456789012").value()).isEqualTo("20240305123456789012");
    assertThat(VoucherNumber.of("x")).hasToString("x");
    assertThat(VoucherNumber.of("A".repeat(32)).value()).hasSize(32);
    assertRejected(
        () -> VoucherNumber.of("A".repeat(33)),
        "voucher_number",
        Reason.LENGTH,
        "voucher number must be 1 to 32 characters from 0-9, A-Z and a-z, got 33 characters: \""
            + "A".repeat(33)
            + "\"");
    assertRejected(
        () -> VoucherNumber.of(""),
        "voucher_number",
        Reason.EMPTY,
        "voucher number must be 1 to 32 characters from 0-9, A-Z and a-z, got an empty string");
    assertRejected(
        () -> VoucherNumber.of("2024\"0305"),
        "voucher_number",
        Reason.CHARACTER,
        "voucher number must be 1 to 32 characters from 0-9, A-Z and a-z, got '\"' at position"
            + " 5: \"2024\\\"0305\"");
  }

  @Test
  void reasonCodesAreStable() {
    assertThat(Reason.EMPTY.code()).isEqualTo("identifier.empty");
    assertThat(Reason.CHECK_CHARACTER.code()).isEqualTo("identifier.check_character");
    assertThat(Reason.FULL_CARD_NUMBER.code()).isEqualTo("identifier.full_card_number");
  }
}
