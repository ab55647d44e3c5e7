package dev.fangxin.core.id;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.id.InvalidIdentifierException.Reason;

/**
 * A card number (PAN) reduced to at most its first 6 and last 4 digits, for example {@code
 * "622202******1234"} or {@code "****1234"}: the only form of a card number Fangxin keeps.
 *
 * <p>Accepted form: up to 6 digits, then at least 4 {@code '*'}, then up to 4 digits (regular
 * expression {@code \d{0,6}\*{4,}\d{0,4}} over ASCII digits), at most 19 characters. When leading
 * digits are shown the whole must be 12 to 19 characters, as long as the card number it stands for;
 * a form that hides the leading digits ({@code "****1234"}) may be shorter.
 *
 * <p>Anything that looks like a full or partly unmasked card number, that is any input with more
 * than 10 digits (counting every Unicode digit, wherever it stands), is rejected with reason {@link
 * InvalidIdentifierException.Reason#FULL_CARD_NUMBER}. No exception thrown by this class ever
 * repeats the digits it was given, not even in part: messages describe counts and positions only,
 * so they are safe to log.
 *
 * <p>Immutable and thread-safe.
 */
public final class MaskedPan {
  private static final String FIELD = "masked_pan";
  private static final String CARD_FIELD = "card_number";
  private static final String NAME = "masked card number";
  private static final String FULL_CARD_NUMBER_MESSAGE =
      "a full card number was given; pass at most the first 6 and last 4 digits,"
          + " e.g. 622202******1234";

  private final String value;
  private final int leading;
  private final int trailing;

  private MaskedPan(String value, int leading, int trailing) {
    this.value = value;
    this.leading = leading;
    this.trailing = trailing;
  }

  /**
   * Returns the masked card number {@code value}.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws InvalidIdentifierException with reason {@code FULL_CARD_NUMBER} if {@code value} has
   *     more than 10 digits; {@code EMPTY}, {@code LENGTH}, {@code CHARACTER} or {@code FORMAT} if
   *     it is otherwise not of the accepted form. The message never contains the input's digits.
   */
  public static MaskedPan of(String value) {
    requireNonNull(value, "value == null");
    String must =
        NAME + " must be at most the first 6 digits, at least 4 '*' and at most the last 4 digits";
    if (value.isEmpty()) {
      throw Ids.fail(FIELD, Reason.EMPTY, must + ", got an empty string");
    }
    int digits = 0;
    for (int i = 0; i < value.length(); i++) {
      if (Character.isDigit(value.charAt(i))) {
        digits++;
      }
    }
    if (digits > 10) {
      throw Ids.fail(FIELD, Reason.FULL_CARD_NUMBER, FULL_CARD_NUMBER_MESSAGE);
    }
    if (value.length() > 19) {
      throw Ids.fail(
          FIELD,
          Reason.LENGTH,
          NAME + " must be at most 19 characters, got " + Ids.characters(value.length()));
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!Ids.DIGIT.test(c) && c != '*') {
        String what = Character.isDigit(c) ? "a digit other than 0-9" : Ids.describe(c);
        throw Ids.fail(
            FIELD,
            Reason.CHARACTER,
            NAME + " may contain only 0-9 and '*', got " + what + " at position " + (i + 1));
      }
    }
    int leading = 0;
    while (leading < value.length() && value.charAt(leading) != '*') {
      leading++;
    }
    int stars = 0;
    while (leading + stars < value.length() && value.charAt(leading + stars) == '*') {
      stars++;
    }
    int trailing = value.length() - leading - stars;
    if (value.indexOf('*', leading + stars) >= 0) {
      throw Ids.fail(
          FIELD, Reason.FORMAT, must + ", got more than one run of '*' separated by digits");
    }
    if (stars < 4) {
      throw Ids.fail(
          FIELD,
          Reason.FORMAT,
          must + ", got " + (stars == 0 ? "no '*'" : "only " + stars + " '*'"));
    }
    if (leading > 6) {
      throw Ids.fail(
          FIELD, Reason.FORMAT, must + ", got " + leading + " digits before the first '*'");
    }
    if (trailing > 4) {
      throw Ids.fail(
          FIELD, Reason.FORMAT, must + ", got " + trailing + " digits after the last '*'");
    }
    if (leading > 0 && value.length() < 12) {
      throw Ids.fail(
          FIELD,
          Reason.LENGTH,
          NAME
              + " that shows its first digits must be 12 to 19 characters, as long as the card"
              + " number, got "
              + Ids.characters(value.length()));
    }
    return new MaskedPan(value, leading, trailing);
  }

  /**
   * Masks a full card number: keeps its first 6 and last 4 digits and replaces the rest with {@code
   * '*'}, for example {@code "6222021234567890"} becomes {@code "622202******7890"}.
   *
   * <p>At least 4 digits are always hidden, so a card number of 12 or 13 digits keeps only its
   * first 4 or 5 digits. The Luhn check digit is not verified. The card number is not kept, and the
   * exceptions thrown never contain its digits.
   *
   * @throws NullPointerException if {@code fullPan} is null
   * @throws InvalidIdentifierException with field {@code "card_number"} if {@code fullPan} is not
   *     12 to 19 ASCII digits
   */
  public static MaskedPan mask(String fullPan) {
    requireNonNull(fullPan, "fullPan == null");
    String must = "card number must be 12 to 19 digits, got ";
    if (fullPan.isEmpty()) {
      throw Ids.fail(CARD_FIELD, Reason.EMPTY, must + "an empty string");
    }
    int n = fullPan.length();
    if (n < 12 || n > 19) {
      throw Ids.fail(CARD_FIELD, Reason.LENGTH, must + Ids.characters(n));
    }
    for (int i = 0; i < n; i++) {
      if (!Ids.DIGIT.test(fullPan.charAt(i))) {
        throw Ids.fail(
            CARD_FIELD,
            Reason.CHARACTER,
            must + "a character other than 0-9 at position " + (i + 1));
      }
    }
    int leading = Math.min(6, n - 8);
    StringBuilder b = new StringBuilder(n).append(fullPan, 0, leading);
    for (int i = leading; i < n - 4; i++) {
      b.append('*');
    }
    b.append(fullPan, n - 4, n);
    return new MaskedPan(b.toString(), leading, 4);
  }

  /** The digits shown before the mask, at most 6; empty if none are shown. */
  public String first6() {
    return value.substring(0, leading);
  }

  /** The digits shown after the mask, at most 4; empty if none are shown. */
  public String last4() {
    return value.substring(value.length() - trailing);
  }

  /** The masked form, for example {@code "622202******1234"}. */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MaskedPan && ((MaskedPan) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** The masked form, for example {@code "622202******1234"}. */
  @Override
  public String toString() {
    return value;
  }
}
