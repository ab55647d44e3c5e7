package dev.fangxin.gateway.registry;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A tool's belonging to a merchant for the half-open interval {@code [validFrom, validTo)}; an
 * empty {@link #validTo()} means the binding is still open. Times are whole UTC seconds.
 *
 * <p>Immutable and thread-safe.
 */
public final class Binding {
  private final String toolId;
  private final String merchantId;
  private final Instant validFrom;
  private final Instant validTo;

  private Binding(String toolId, String merchantId, Instant validFrom, Instant validTo) {
    this.toolId = toolId;
    this.merchantId = merchantId;
    this.validFrom = validFrom;
    this.validTo = validTo;
  }

  static Binding of(String toolId, String merchantId, Instant validFrom, Instant validTo) {
    return new Binding(
        Objects.requireNonNull(toolId, "toolId == null"),
        Objects.requireNonNull(merchantId, "merchantId == null"),
        Objects.requireNonNull(validFrom, "validFrom == null"),
        validTo);
  }

  /** The bound tool. */
  public String toolId() {
    return toolId;
  }

  /** The merchant the tool belonged to. */
  public String merchantId() {
    return merchantId;
  }

  /** The first instant of the binding (inclusive). */
  public Instant validFrom() {
    return validFrom;
  }

  /** The instant the binding ended (exclusive); empty while it is open. */
  public Optional<Instant> validTo() {
    return Optional.ofNullable(validTo);
  }

  /** Whether the binding is still open. */
  public boolean isOpen() {
    return validTo == null;
  }

  /** Whether {@code t} lies in {@code [validFrom, validTo)}. */
  public boolean covers(Instant t) {
    Objects.requireNonNull(t, "t == null");
    return !t.isBefore(validFrom) && (validTo == null || t.isBefore(validTo));
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Binding)) {
      return false;
    }
    Binding b = (Binding) o;
    return toolId.equals(b.toolId)
        && merchantId.equals(b.merchantId)
        && validFrom.equals(b.validFrom)
        && Objects.equals(validTo, b.validTo);
  }

  @Override
  public int hashCode() {
    return Objects.hash(toolId, merchantId, validFrom, validTo);
  }

  @Override
  public String toString() {
    return "Binding{"
        + toolId
        + " -> "
        + merchantId
        + " ["
        + validFrom
        + ", "
        + (validTo == null ? "open" : validTo.toString())
        + ")}";
  }
}
