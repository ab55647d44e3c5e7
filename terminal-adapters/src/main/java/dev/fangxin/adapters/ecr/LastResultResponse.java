package dev.fangxin.adapters.ecr;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The terminal's answer to a {@link LastResultRequest}: either the {@link SaleResponse} it gave (or
 * would have given) for that reference, or "not found", meaning the terminal has no transaction
 * with that reference: the sale was not performed. Immutable and thread-safe.
 */
public final class LastResultResponse implements EcrResponse {
  private final String ecrReference;
  private final SaleResponse result;

  private LastResultResponse(String ecrReference, SaleResponse result) {
    this.ecrReference = ecrReference;
    this.result = result;
  }

  /** The terminal found the sale; {@link #ecrReference()} is the result's. */
  public static LastResultResponse found(SaleResponse result) {
    requireNonNull(result, "result == null");
    return new LastResultResponse(result.ecrReference(), result);
  }

  /**
   * The terminal has no transaction with {@code ecrReference}.
   *
   * @throws IllegalArgumentException if the reference is not valid
   */
  public static LastResultResponse notFound(String ecrReference) {
    return new LastResultResponse(Fields.reference(ecrReference), null);
  }

  @Override
  public String ecrReference() {
    return ecrReference;
  }

  /** Whether the terminal found the sale. */
  public boolean found() {
    return result != null;
  }

  /** The sale's result, if found. */
  public Optional<SaleResponse> result() {
    return Optional.ofNullable(result);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LastResultResponse
        && ((LastResultResponse) o).ecrReference.equals(ecrReference)
        && java.util.Objects.equals(((LastResultResponse) o).result, result);
  }

  @Override
  public int hashCode() {
    return ecrReference.hashCode() * 31 + (result == null ? 0 : result.hashCode());
  }

  @Override
  public String toString() {
    return "LastResultResponse{"
        + ecrReference
        + (result == null ? ", not found}" : ", found " + result + "}");
  }
}
