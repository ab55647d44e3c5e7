package dev.fangxin.adapters.ecr;

import java.util.Optional;

/**
 * What the terminal is asked to do with the amount. The {@link #code()} is the first two digits of
 * the ISO 8583 processing code (field 3).
 */
public enum TransactionType {
  /** A purchase: the cardholder pays. Code {@code "00"}. */
  SALE("00"),
  /**
   * A refund to the card. Code {@code "20"}. The request carries no reference to the original sale:
   * the terminal asks the operator for it, as most terminals do.
   */
  REFUND("20");

  private final String code;

  TransactionType(String code) {
    this.code = code;
  }

  /** The two-digit code on the wire. */
  public String code() {
    return code;
  }

  /** The type with {@code code}, if any. */
  public static Optional<TransactionType> ofCode(String code) {
    for (TransactionType t : values()) {
      if (t.code.equals(code)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
