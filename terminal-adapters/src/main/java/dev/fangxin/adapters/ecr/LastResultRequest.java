package dev.fangxin.adapters.ecr;

/**
 * Asks the terminal for the result of the sale with a given ECR reference, after its response was
 * lost. Immutable and thread-safe.
 */
public final class LastResultRequest implements EcrRequest {
  private final String ecrReference;

  private LastResultRequest(String ecrReference) {
    this.ecrReference = ecrReference;
  }

  /**
   * A query for {@code ecrReference}.
   *
   * @throws IllegalArgumentException if it is not 1 to 32 characters from {@code 0-9 A-Z a-z - _}
   */
  public static LastResultRequest of(String ecrReference) {
    return new LastResultRequest(Fields.reference(ecrReference));
  }

  @Override
  public String ecrReference() {
    return ecrReference;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LastResultRequest
        && ((LastResultRequest) o).ecrReference.equals(ecrReference);
  }

  @Override
  public int hashCode() {
    return ecrReference.hashCode();
  }

  @Override
  public String toString() {
    return "LastResultRequest{" + ecrReference + "}";
  }
}
