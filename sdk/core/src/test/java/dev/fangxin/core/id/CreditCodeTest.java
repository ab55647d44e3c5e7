package dev.fangxin.core.id;

import static dev.fangxin.core.id.Rejections.assertRejected;
import static dev.fangxin.core.id.Rejections.rejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.fangxin.core.id.InvalidIdentifierException.Reason;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CreditCodeTest {
  private static final String ALPHABET = CreditCode.ALPHABET;

  /**
   * Published codes of well-known companies. Huawei's is shown on its Wikipedia page (机构代码); the
   * others appear on the companies' public registrations and in many public lists.
   */
  @ParameterizedTest
  @CsvSource({
    "914403001922038216, 6, '440300', Huawei Technologies Co., Ltd. (华为技术有限公司)",
    "91440300708461136T, T, '440300', Shenzhen Tencent Computer Systems Co., Ltd.",
    "91110108551385082Q, Q, '110108', Beijing Xiaomi Technology Co., Ltd. (小米科技有限责任公司)",
  })
  void acceptsPublishedCodes(String code, char check, String division, String company) {
    CreditCode c = CreditCode.of(code);
    assertThat(c.value()).as(company).isEqualTo(code);
    assertThat(c.toString()).isEqualTo(code);
    assertThat(CreditCode.checkCharacter(code.substring(0, 17))).isEqualTo(check);
    assertThat(c.registrationAuthority()).isEqualTo('9');
    assertThat(c.entityType()).isEqualTo('1');
    assertThat(c.divisionCode()).isEqualTo(division);
    assertThat(c.organisationCode()).isEqualTo(code.substring(8, 17));
  }

  @Test
  void weightsArePowersOfThreeModThirtyOne() {
    // The check of "00000000000000001" is 31 - 28 = 3, "1" in position 1 gives 31 - 1 = 30 → 'Y'.
    assertThat(CreditCode.checkCharacter("10000000000000000")).isEqualTo('Y');
    assertThat(CreditCode.checkCharacter("00000000000000001")).isEqualTo('3');
    // Sum ≡ 0 mod 31 maps 31 to 0.
    assertThat(CreditCode.checkCharacter("00000000000000000")).isEqualTo('0');
  }

  @Test
  void acceptsLowerCaseAndCanonicalizesToUpperCase() {
    CreditCode c = CreditCode.of("91440300708461136t");
    assertThat(c.value()).isEqualTo("91440300708461136T");
    assertThat(c).isEqualTo(CreditCode.of("91440300708461136T"));
    assertThat(c.hashCode()).isEqualTo(CreditCode.of("91440300708461136T").hashCode());
    assertThat(CreditCode.checkCharacter("91440300708461136".toLowerCase(java.util.Locale.ROOT)))
        .isEqualTo('T');
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> CreditCode.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value == null");
    assertThatThrownBy(() -> CreditCode.checkCharacter(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("first17 == null");
  }

  @Test
  void rejectsWrongCheckCharacterSayingTheExpectedOne() {
    assertRejected(
        () -> CreditCode.of("914403001922038217"),
        "credit_code",
        Reason.CHECK_CHARACTER,
        "credit code check character (position 18) must be '6' for the first 17 characters,"
            + " got '7': \"914403001922038217\"");
  }

  @Test
  void rejectsEmptyAndWrongLength() {
    String must =
        "credit code must be exactly 18 characters from 0-9 and A-Z except I, O, S, V and Z";
    assertRejected(
        () -> CreditCode.of(""), "credit_code", Reason.EMPTY, must + ", got an empty string");
    assertRejected(
        () -> CreditCode.of("91440300192203821"),
        "credit_code",
        Reason.LENGTH,
        must + ", got 17 characters: \"91440300192203821\"");
    assertRejected(
        () -> CreditCode.of("9144030019220382166"),
        "credit_code",
        Reason.LENGTH,
        must + ", got 19 characters: \"9144030019220382166\"");
  }

  @Test
  void rejectsWhitespaceInsteadOfTrimming() {
    assertRejected(
        () -> CreditCode.of(" 91440300192203821"),
        "credit_code",
        Reason.CHARACTER,
        "credit code must be exactly 18 characters from 0-9 and A-Z except I, O, S, V and Z,"
            + " got a space at position 1: \" 91440300192203821\"");
    assertThat(rejected(() -> CreditCode.of("914403001922038216 ")).reasonCode())
        .isEqualTo(Reason.LENGTH);
  }

  @ParameterizedTest
  @ValueSource(strings = {"I", "O", "Z", "S", "V", "i", "-"})
  void rejectsLettersOutsideTheAlphabet(String letter) {
    String code = "91440300" + letter + "08461136T";
    assertRejected(
        () -> CreditCode.of(code),
        "credit_code",
        Reason.CHARACTER,
        "credit code must be exactly 18 characters from 0-9 and A-Z except I, O, S, V and Z, got "
            + "'"
            + letter
            + "' at position 9: \""
            + code
            + "\"");
  }

  @Test
  void rejectsNonAsciiCharacterWithEscapedEcho() {
    String code = "9144030070846113６T"; // full-width digit six
    assertRejected(
        () -> CreditCode.of(code),
        "credit_code",
        Reason.CHARACTER,
        "credit code must be exactly 18 characters from 0-9 and A-Z except I, O, S, V and Z,"
            + " got U+FF16 at position 17: \"9144030070846113\\uFF16T\"");
  }

  @Test
  void rejectsLettersInTheDivisionCode() {
    assertRejected(
        () -> CreditCode.of("9144A300708461136T"),
        "credit_code",
        Reason.CHARACTER,
        "credit code positions 3-8 (administrative division code) must be digits, got 'A' at"
            + " position 5: \"9144A300708461136T\"");
  }

  @Test
  void checkCharacterRejectsBadInput() {
    assertRejected(
        () -> CreditCode.checkCharacter("9144030070846113"),
        "credit_code",
        Reason.LENGTH,
        "the first 17 characters of a credit code must be exactly 17 characters from 0-9 and A-Z"
            + " except I, O, S, V and Z, got 16 characters: \"9144030070846113\"");
    assertRejected(
        () -> CreditCode.checkCharacter("9144030070846113O"),
        "credit_code",
        Reason.CHARACTER,
        "the first 17 characters of a credit code must be exactly 17 characters from 0-9 and A-Z"
            + " except I, O, S, V and Z, got 'O' at position 17: \"9144030070846113O\"");
    assertThat(rejected(() -> CreditCode.checkCharacter("")).reasonCode()).isEqualTo(Reason.EMPTY);
  }

  @Test
  void longInputIsEchoedShortened() {
    String input = "9".repeat(50);
    InvalidIdentifierException e = rejected(() -> CreditCode.of(input));
    assertThat(e).hasMessageEndingWith("got 50 characters: \"" + "9".repeat(40) + "\"...");
  }

  /** A random valid prefix: any alphabet characters, except digits in positions 3-8. */
  private static String randomPrefix(Random random) {
    StringBuilder b = new StringBuilder(17);
    for (int i = 0; i < 17; i++) {
      b.append(
          i >= 2 && i < 8
              ? (char) ('0' + random.nextInt(10))
              : ALPHABET.charAt(random.nextInt(31)));
    }
    return b.toString();
  }

  @Test
  void checkCharacterMakesValidCodesForRandomPrefixes() {
    Random random = new Random(32100);
    for (int n = 0; n < 10_000; n++) {
      String prefix = randomPrefix(random);
      String code = prefix + CreditCode.checkCharacter(prefix);
      assertThat(CreditCode.of(code).value()).isEqualTo(code);
    }
  }

  /**
   * GB 32100's claim: the mod-31 check catches every single-character substitution. Each weight 3^k
   * is a unit mod 31 and two alphabet values differ by 1..30, so the weighted sum changes by a
   * non-zero amount mod 31. Verified exhaustively over all 17 positions x 30 substitutes on the
   * bare check for 2,000 random codes (plain comparisons: AssertJ per case would dominate).
   */
  @Test
  void everySingleCharacterSubstitutionChangesTheCheckCharacter() {
    Random random = new Random(20151);
    int cases = 0;
    for (int n = 0; n < 2_000; n++) {
      String prefix = randomPrefix(random);
      char check = CreditCode.checkCharacter(prefix);
      char[] chars = prefix.toCharArray();
      for (int pos = 0; pos < 17; pos++) {
        char original = chars[pos];
        for (int k = 0; k < ALPHABET.length(); k++) {
          if (ALPHABET.charAt(k) == original) {
            continue;
          }
          chars[pos] = ALPHABET.charAt(k);
          if (CreditCode.checkCharacter(new String(chars)) == check) {
            fail("substitution not detected: " + prefix + " -> " + new String(chars));
          }
          cases++;
        }
        chars[pos] = original;
      }
    }
    assertThat(cases).isEqualTo(2_000 * 17 * 30);
  }

  /** The same claim through {@link CreditCode#of}, including a changed check character. */
  @Test
  void everySingleCharacterSubstitutionIsRejectedByOf() {
    Random random = new Random(20152);
    for (int n = 0; n < 20; n++) {
      String prefix = randomPrefix(random);
      String code = prefix + CreditCode.checkCharacter(prefix);
      for (int pos = 0; pos < 18; pos++) {
        for (int k = 0; k < ALPHABET.length(); k++) {
          char substitute = ALPHABET.charAt(k);
          if (substitute == code.charAt(pos)) {
            continue;
          }
          char[] chars = code.toCharArray();
          chars[pos] = substitute;
          String changed = new String(chars);
          Reason expected =
              pos >= 2 && pos < 8 && !Ids.DIGIT.test(substitute)
                  ? Reason.CHARACTER
                  : Reason.CHECK_CHARACTER;
          try {
            CreditCode.of(changed);
            fail("accepted " + changed + ", a substitution at position " + (pos + 1));
          } catch (InvalidIdentifierException e) {
            if (e.reasonCode() != expected) {
              fail(changed + ": expected " + expected + ", got " + e.getMessage());
            }
          }
        }
      }
    }
  }
}
