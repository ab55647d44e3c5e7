package dev.fangxin.core.id;

import static dev.fangxin.core.id.Rejections.assertRejected;
import static dev.fangxin.core.id.Rejections.rejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.core.id.InvalidIdentifierException.Reason;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MaskedPanTest {
  private static final String FULL =
      "a full card number was given; pass at most the first 6 and last 4 digits,"
          + " e.g. 622202******1234";
  private static final String MUST =
      "masked card number must be at most the first 6 digits, at least 4 '*' and at most the"
          + " last 4 digits";
  private static final Pattern FIVE_DIGITS = Pattern.compile("\\d{5,}");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "622202******1234|622202|1234",
        "622202*********1234|622202|1234",
        "6222********1234|6222|1234",
        "****1234||1234",
        "************1234||1234",
        "622202**********|622202|",
        "****||",
        "1234****5678|1234|5678",
      })
  void accepts(String masked, String first6, String last4) {
    MaskedPan pan = MaskedPan.of(masked);
    assertThat(pan.value()).isEqualTo(masked);
    assertThat(pan).hasToString(masked).isEqualTo(MaskedPan.of(masked));
    assertThat(pan.first6()).isEqualTo(first6 == null ? "" : first6);
    assertThat(pan.last4()).isEqualTo(last4 == null ? "" : last4);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "6222021234561234", // 16 digits, no mask
        "6222021234567",
        "6222021234567890123",
        "62220212345*****", // 11 visible digits
        "6222021234*****5678", // more than 10 visible
        "6222 0212 3456 1234", // separated full number
        "622202******12345678",
        "６２２２０２１２３４５６１２３４", // full-width digits
      })
  void rejectsFullCardNumbersWithoutEchoingDigits(String input) {
    assertRejected(() -> MaskedPan.of(input), "masked_pan", Reason.FULL_CARD_NUMBER, FULL);
  }

  @Test
  void rejectsOtherMalformedInput() {
    assertRejected(
        () -> MaskedPan.of(""), "masked_pan", Reason.EMPTY, MUST + ", got an empty string");
    assertRejected(
        () -> MaskedPan.of("622202****************1234"),
        "masked_pan",
        Reason.LENGTH,
        "masked card number must be at most 19 characters, got 26 characters");
    assertRejected(
        () -> MaskedPan.of("622202-******-1234"),
        "masked_pan",
        Reason.CHARACTER,
        "masked card number may contain only 0-9 and '*', got '-' at position 7");
    assertRejected(
        () -> MaskedPan.of("622202xxxxxx1234"),
        "masked_pan",
        Reason.CHARACTER,
        "masked card number may contain only 0-9 and '*', got 'x' at position 7");
    assertRejected(
        () -> MaskedPan.of("622202*****١234"),
        "masked_pan",
        Reason.CHARACTER,
        "masked card number may contain only 0-9 and '*', got a digit other than 0-9 at"
            + " position 12");
    assertRejected(
        () -> MaskedPan.of("6222021*****1"),
        "masked_pan",
        Reason.FORMAT,
        MUST + ", got 7 digits before the first '*'");
    assertRejected(
        () -> MaskedPan.of("622202***1234"),
        "masked_pan",
        Reason.FORMAT,
        MUST + ", got only 3 '*'");
    assertRejected(
        () -> MaskedPan.of("1234567890"), "masked_pan", Reason.FORMAT, MUST + ", got no '*'");
    assertRejected(
        () -> MaskedPan.of("62****12****"),
        "masked_pan",
        Reason.FORMAT,
        MUST + ", got more than one run of '*' separated by digits");
    assertRejected(
        () -> MaskedPan.of("****12345"),
        "masked_pan",
        Reason.FORMAT,
        MUST + ", got 5 digits after the last '*'");
  }

  @Test
  void leadingDigitsNeedTheLengthOfACardNumber() {
    assertThat(MaskedPan.of("6222****1234").first6()).isEqualTo("6222");
    assertThat(MaskedPan.of("622202****12").last4()).isEqualTo("12");
    assertRejected(
        () -> MaskedPan.of("62****1234"),
        "masked_pan",
        Reason.LENGTH,
        "masked card number that shows its first digits must be 12 to 19 characters, as long as"
            + " the card number, got 10 characters");
  }

  @Test
  void maskKeepsFirstSixAndLastFour() {
    assertThat(MaskedPan.mask("6222021234567890").value()).isEqualTo("622202******7890");
    assertThat(MaskedPan.mask("6222021234567890123").value()).isEqualTo("622202*********0123");
    assertThat(MaskedPan.mask("62220212345678").value()).isEqualTo("622202****5678");
    // At least 4 digits stay hidden: 13 and 12 digit numbers show fewer leading digits.
    assertThat(MaskedPan.mask("6222021234567").value()).isEqualTo("62220****4567");
    assertThat(MaskedPan.mask("622202123456").value()).isEqualTo("6222****3456");
    assertThat(MaskedPan.mask("622202123456").first6()).isEqualTo("6222");
    assertThat(MaskedPan.mask("6222021234567890").last4()).isEqualTo("7890");
    MaskedPan m = MaskedPan.mask("6222021234567890");
    assertThat(MaskedPan.of(m.value())).isEqualTo(m);
  }

  @Test
  void maskRejectsWithoutEchoing() {
    assertRejected(
        () -> MaskedPan.mask("62220212345"),
        "card_number",
        Reason.LENGTH,
        "card number must be 12 to 19 digits, got 11 characters");
    assertRejected(
        () -> MaskedPan.mask("62220212345678901234"),
        "card_number",
        Reason.LENGTH,
        "card number must be 12 to 19 digits, got 20 characters");
    assertRejected(
        () -> MaskedPan.mask("6222 0212 3456 7890"),
        "card_number",
        Reason.CHARACTER,
        "card number must be 12 to 19 digits, got a character other than 0-9 at position 5");
    assertRejected(
        () -> MaskedPan.mask(""),
        "card_number",
        Reason.EMPTY,
        "card number must be 12 to 19 digits, got an empty string");
    assertThatThrownBy(() -> MaskedPan.mask(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("fullPan == null");
  }

  /**
   * Fuzz: random strings of digits, '*', separators and letters, of every length up to 30. No
   * exception message may contain a run of 5 or more digits once the fixed example
   * "622202******1234" of the FULL_CARD_NUMBER message is taken out.
   */
  @Test
  void messagesNeverEchoDigits() {
    Random random = new Random(1234);
    String alphabet = "0123456789012345678901234567890123456789****- x";
    int rejectedCount = 0;
    for (int n = 0; n < 20_000; n++) {
      int length = random.nextInt(31);
      StringBuilder b = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String input = random.nextInt(4) == 0 ? b.toString().replaceAll("[^0-9]", "") : b.toString();
      for (int which = 0; which < 2; which++) {
        String message;
        try {
          if (which == 0) {
            MaskedPan.of(input);
          } else {
            MaskedPan.mask(input);
          }
          continue;
        } catch (InvalidIdentifierException e) {
          message = e.getMessage();
          rejectedCount++;
        }
        String withoutExample = message.replace("622202******1234", "");
        if (FIVE_DIGITS.matcher(withoutExample).find()) {
          throw new AssertionError("message echoes digits: " + message);
        }
        if (input.length() >= 4 && input.chars().allMatch(Character::isDigit)) {
          assertThat(withoutExample).doesNotContain(input.substring(0, 4));
        }
      }
    }
    assertThat(rejectedCount).isGreaterThan(20_000);
  }

  @Test
  void fullCardNumbersOfEveryLengthAreRejected() {
    Random random = new Random(42);
    for (int length = 11; length <= 19; length++) {
      for (int n = 0; n < 100; n++) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
          b.append((char) ('0' + random.nextInt(10)));
        }
        String pan = b.toString();
        InvalidIdentifierException e = rejected(() -> MaskedPan.of(pan));
        assertThat(e.reasonCode()).isEqualTo(Reason.FULL_CARD_NUMBER);
        assertThat(e).hasMessage(FULL);
      }
    }
  }
}
