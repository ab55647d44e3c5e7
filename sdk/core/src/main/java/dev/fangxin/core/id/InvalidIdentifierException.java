package dev.fangxin.core.id;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.FangxinException;
import java.util.Locale;

/**
 * Thrown when a string (or a protobuf field) is not a valid identifier of the kind asked for.
 *
 * <p>{@link #field()} names the identifier kind in lower snake case, for example {@code
 * "credit_code"} or {@code "merchant_number"}. When a composite value ({@link SettleKey}, {@link
 * DurableTrace}) fails because one of its parts is wrong, {@link #field()} names that part with the
 * field name it has in {@code fangxin.v1.Trace} ({@code "acquirer_institution"}, {@code "stan"},
 * {@code "settlement_year"}, ...), the message says where the part was, and the cause is the
 * exception the part itself raised.
 *
 * <p>{@link #reason()} is {@code "identifier."} followed by the snake-case reason, for example
 * {@code "identifier.check_character"}.
 */
public final class InvalidIdentifierException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why an identifier was rejected. */
  public enum Reason {
    /** The input was the empty string. */
    EMPTY,
    /** The input had the wrong number of characters. */
    LENGTH,
    /** The input contained a character that is not allowed at that position. */
    CHARACTER,
    /** The check character of a unified social credit code did not match the other 17. */
    CHECK_CHARACTER,
    /** A month, day, hour, minute or second that does not exist. */
    DATE,
    /** A number outside the allowed range (a year, or a trace audit number of zero). */
    RANGE,
    /** The characters are allowed but not in that arrangement (for example a badly masked PAN). */
    FORMAT,
    /** A full or insufficiently masked card number was given where a masked one is required. */
    FULL_CARD_NUMBER;

    /** The stable code of this reason, {@code "identifier.<reason in snake case>"}. */
    public String code() {
      return "identifier." + name().toLowerCase(Locale.ROOT);
    }
  }

  private final String field;
  private final Reason reason;

  InvalidIdentifierException(String field, Reason reason, String message) {
    super(message);
    this.field = requireNonNull(field, "field == null");
    this.reason = requireNonNull(reason, "reason == null");
  }

  InvalidIdentifierException(String field, Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.field = requireNonNull(field, "field == null");
    this.reason = requireNonNull(reason, "reason == null");
  }

  /**
   * The identifier kind (or, for a composite value, the failing part) in lower snake case, for
   * example {@code "credit_code"}.
   */
  public String field() {
    return field;
  }

  /** Why the identifier was rejected. */
  public Reason reasonCode() {
    return reason;
  }

  /** The stable code of {@link #reasonCode()}, for example {@code "identifier.length"}. */
  @Override
  public String reason() {
    return reason.code();
  }
}
