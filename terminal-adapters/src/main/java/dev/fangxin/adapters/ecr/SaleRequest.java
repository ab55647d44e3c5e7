package dev.fangxin.adapters.ecr;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.money.Money;

/**
 * Asks the terminal to take a payment: an ECR reference number chosen by the cash register (unique
 * per sale attempt: it is how the sale's result is asked for later), the amount and the transaction
 * type. Immutable and thread-safe.
 */
public final class SaleRequest implements EcrRequest {
  private final String ecrReference;
  private final Money amount;
  private final TransactionType type;

  private SaleRequest(String ecrReference, Money amount, TransactionType type) {
    this.ecrReference = ecrReference;
    this.amount = amount;
    this.type = type;
  }

  /**
   * A request.
   *
   * @param ecrReference 1 to 32 characters from {@code 0-9 A-Z a-z - _}
   * @param amount more than zero
   * @throws IllegalArgumentException saying which argument was wrong
   */
  public static SaleRequest of(String ecrReference, Money amount, TransactionType type) {
    Fields.reference(ecrReference);
    requireNonNull(amount, "amount == null");
    requireNonNull(type, "type == null");
    if (amount.minorUnits() <= 0) {
      throw new IllegalArgumentException("amount must be more than zero, got " + amount);
    }
    return new SaleRequest(ecrReference, amount, type);
  }

  /** A {@link TransactionType#SALE} of {@code amount}. */
  public static SaleRequest sale(String ecrReference, Money amount) {
    return of(ecrReference, amount, TransactionType.SALE);
  }

  @Override
  public String ecrReference() {
    return ecrReference;
  }

  /** The amount, more than zero. */
  public Money amount() {
    return amount;
  }

  /** The transaction type. */
  public TransactionType type() {
    return type;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SaleRequest
        && ((SaleRequest) o).ecrReference.equals(ecrReference)
        && ((SaleRequest) o).amount.equals(amount)
        && ((SaleRequest) o).type == type;
  }

  @Override
  public int hashCode() {
    return (ecrReference.hashCode() * 31 + amount.hashCode()) * 31 + type.hashCode();
  }

  @Override
  public String toString() {
    return "SaleRequest{" + ecrReference + ", " + type + ", " + amount + "}";
  }
}
