package dev.fangxin.core.money;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.FangxinException;
import java.util.Locale;

/**
 * Thrown when an amount cannot be made, read or computed: an unknown currency, too many fraction
 * digits, a malformed decimal string, an overflow of the 64-bit minor-unit count, or arithmetic
 * across two currencies.
 *
 * <p>{@link #reason()} is {@code "money."} followed by the snake-case reason, for example {@code
 * "money.unknown_currency"}.
 */
public final class MoneyException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why an amount was rejected. */
  public enum Reason {
    /** The ISO 4217 numeric code is not a currency this JDK knows with a fixed number of digits. */
    UNKNOWN_CURRENCY,
    /** A decimal string had more fraction digits than the currency has. */
    PRECISION,
    /** A decimal string was not of the accepted form. */
    FORMAT,
    /** The result does not fit in a signed 64-bit number of minor units. */
    OVERFLOW,
    /** Two amounts in different currencies were added, subtracted or compared. */
    CURRENCY_MISMATCH;

    /** The stable code of this reason, {@code "money.<reason in snake case>"}. */
    public String code() {
      return "money." + name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  MoneyException(Reason reason, String message) {
    super(message);
    this.reason = requireNonNull(reason, "reason == null");
  }

  MoneyException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = requireNonNull(reason, "reason == null");
  }

  /** Why the amount was rejected. */
  public Reason reasonCode() {
    return reason;
  }

  /** The stable code of {@link #reasonCode()}, for example {@code "money.overflow"}. */
  @Override
  public String reason() {
    return reason.code();
  }
}
