package dev.fangxin.core.id;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.id.InvalidIdentifierException.Reason;

/**
 * A unified social credit code (统一社会信用代码) per GB 32100-2015: the 18-character identifier of a legal
 * entity in mainland China, and the key of a merchant in Fangxin.
 *
 * <p>Layout, positions counted from 1:
 *
 * <ul>
 *   <li>1: registration authority (for example {@code 9} for market regulation);
 *   <li>2: entity type within that authority;
 *   <li>3–8: administrative division code (GB/T 2260), six digits;
 *   <li>9–17: organisation code (GB 11714) body;
 *   <li>18: check character.
 * </ul>
 *
 * <p>Every character comes from the 31-character alphabet {@code 0123456789ABCDEFGHJKLMNPQRTUWXY}
 * ({@code I}, {@code O}, {@code Z}, {@code S} and {@code V} never occur). With {@code v(c)} the
 * index of {@code c} in that alphabet and {@code S = Σ v(c_i) · w_i} over {@code i = 1..17} with
 * weights {@code w_i = 3^(i-1) mod 31} (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30,
 * 28), the check character is the alphabet character at index {@code 31 - (S mod 31)}, where 31 is
 * taken as 0. Because 31 is prime and no weight is 0 mod 31, the check detects every
 * single-character substitution.
 *
 * <p>The registration authority and entity type characters are not checked against a list: the list
 * has been extended since 2015 and will be again. Input may be in lower case (ASCII letters are
 * upper-cased); whitespace and any other character are rejected, not trimmed. Immutable and
 * thread-safe.
 */
public final class CreditCode {
  /** The 31 characters a credit code may contain, in the order of their values 0..30. */
  public static final String ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

  private static final String FIELD = "credit_code";
  private static final String NAME = "credit code";
  private static final String CHARSET = "0-9 and A-Z except I, O, S, V and Z";
  private static final int[] WEIGHTS = weights();

  private final String value;

  private CreditCode(String value) {
    this.value = value;
  }

  /**
   * Returns the credit code {@code value}, upper-cased.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws InvalidIdentifierException with reason {@code EMPTY} or {@code LENGTH} if {@code value}
   *     is not 18 characters, {@code CHARACTER} if it contains a character outside the alphabet or
   *     a non-digit in positions 3–8, {@code CHECK_CHARACTER} if the 18th character is not the
   *     check character of the first 17 (the message says which one was expected)
   */
  public static CreditCode of(String value) {
    requireNonNull(value, "value == null");
    String must = NAME + " must be exactly 18 characters from " + CHARSET + ", got ";
    if (value.isEmpty()) {
      throw Ids.fail(FIELD, Reason.EMPTY, must + "an empty string");
    }
    if (value.length() != 18) {
      throw Ids.fail(
          FIELD, Reason.LENGTH, must + Ids.characters(value.length()) + ": " + Ids.echo(value));
    }
    String upper = upperCase(value, must);
    for (int i = 2; i < 8; i++) {
      char c = upper.charAt(i);
      if (!Ids.DIGIT.test(c)) {
        throw Ids.fail(
            FIELD,
            Reason.CHARACTER,
            NAME
                + " positions 3-8 (administrative division code) must be digits, got "
                + Ids.describe(value.charAt(i))
                + " at position "
                + (i + 1)
                + ": "
                + Ids.echo(value));
      }
    }
    char expected = ALPHABET.charAt(checkValue(upper));
    char actual = upper.charAt(17);
    if (actual != expected) {
      throw Ids.fail(
          FIELD,
          Reason.CHECK_CHARACTER,
          NAME
              + " check character (position 18) must be '"
              + expected
              + "' for the first 17 characters, got "
              + Ids.describe(value.charAt(17))
              + ": "
              + Ids.echo(value));
    }
    return new CreditCode(upper);
  }

  /**
   * The check character (position 18) for the first 17 characters of a credit code.
   *
   * <p>Only the alphabet is checked here, not the digits of positions 3–8, so this is the bare GB
   * 32100 check computation. Lower-case letters are treated as upper case.
   *
   * @throws NullPointerException if {@code first17} is null
   * @throws InvalidIdentifierException if {@code first17} is not 17 characters from the alphabet
   */
  public static char checkCharacter(String first17) {
    requireNonNull(first17, "first17 == null");
    String must =
        "the first 17 characters of a "
            + NAME
            + " must be exactly 17 characters from "
            + CHARSET
            + ", got ";
    if (first17.isEmpty()) {
      throw Ids.fail(FIELD, Reason.EMPTY, must + "an empty string");
    }
    if (first17.length() != 17) {
      throw Ids.fail(
          FIELD, Reason.LENGTH, must + Ids.characters(first17.length()) + ": " + Ids.echo(first17));
    }
    return ALPHABET.charAt(checkValue(upperCase(first17, must)));
  }

  /** The registration authority, position 1. */
  public char registrationAuthority() {
    return value.charAt(0);
  }

  /** The entity type, position 2. */
  public char entityType() {
    return value.charAt(1);
  }

  /** The administrative division code, positions 3–8 (six digits). */
  public String divisionCode() {
    return value.substring(2, 8);
  }

  /** The organisation code body, positions 9–17. */
  public String organisationCode() {
    return value.substring(8, 17);
  }

  /** The 18 characters, upper case. */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CreditCode && ((CreditCode) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** The 18 characters, upper case. */
  @Override
  public String toString() {
    return value;
  }

  /** Upper-cases ASCII letters and checks every character is in the alphabet. */
  private static String upperCase(String s, String must) {
    char[] out = new char[s.length()];
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      char u = c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c;
      if (ALPHABET.indexOf(u) < 0) {
        throw Ids.fail(
            FIELD,
            Reason.CHARACTER,
            must + Ids.describe(c) + " at position " + (i + 1) + ": " + Ids.echo(s));
      }
      out[i] = u;
    }
    return new String(out);
  }

  /** The alphabet index of the check character of the (validated, upper-case) first 17. */
  private static int checkValue(String upper) {
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      sum += ALPHABET.indexOf(upper.charAt(i)) * WEIGHTS[i];
    }
    return (31 - sum % 31) % 31;
  }

  private static int[] weights() {
    int[] w = new int[17];
    int x = 1;
    for (int i = 0; i < 17; i++) {
      w[i] = x;
      x = x * 3 % 31;
    }
    return w;
  }
}
