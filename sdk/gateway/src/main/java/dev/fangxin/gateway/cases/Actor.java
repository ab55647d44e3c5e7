package dev.fangxin.gateway.cases;

import java.util.Objects;
import java.util.Optional;

/**
 * Who caused a case {@link Transition}: the gateway itself, the merchant that owns the case, the
 * consumer holding the case's access secret, or the regulator.
 *
 * <p>Immutable and thread-safe. Two actors are equal when their kind and merchant ID are equal.
 */
public final class Actor {
  /** The kinds of actor. */
  public enum Kind {
    /** The gateway: webhook delivery results and timers. */
    SYSTEM,
    /** A merchant, authenticated as the merchant with {@link #merchantId()}. */
    MERCHANT,
    /** The consumer who filed the complaint. */
    CONSUMER,
    /**
     * The regulator (12315). Reserved for the regulator sink's own events, which follow escalation
     * and are not part of the {@link CaseLifecycle} table; no {@link Event} type accepts it yet.
     */
    REGULATOR
  }

  private static final Actor SYSTEM = new Actor(Kind.SYSTEM, null);
  private static final Actor CONSUMER = new Actor(Kind.CONSUMER, null);
  private static final Actor REGULATOR = new Actor(Kind.REGULATOR, null);

  private final Kind kind;
  private final String merchantId;

  private Actor(Kind kind, String merchantId) {
    this.kind = kind;
    this.merchantId = merchantId;
  }

  /** The gateway itself. */
  public static Actor system() {
    return SYSTEM;
  }

  /** The consumer of the case. */
  public static Actor consumer() {
    return CONSUMER;
  }

  /** The regulator. */
  public static Actor regulator() {
    return REGULATOR;
  }

  /**
   * The merchant with {@code merchantId}.
   *
   * @throws IllegalArgumentException if the ID is blank or longer than {@value
   *     CaseRecord#MAX_ID_LENGTH} characters
   */
  public static Actor merchant(String merchantId) {
    return new Actor(Kind.MERCHANT, CaseRecord.checkId("merchantId", merchantId));
  }

  /** What kind of actor this is. */
  public Kind kind() {
    return kind;
  }

  /** The merchant's ID when {@link #kind()} is {@link Kind#MERCHANT}; empty otherwise. */
  public Optional<String> merchantId() {
    return Optional.ofNullable(merchantId);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Actor
        && ((Actor) o).kind == kind
        && Objects.equals(((Actor) o).merchantId, merchantId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, merchantId);
  }

  /** {@code "SYSTEM"}, {@code "CONSUMER"}, {@code "REGULATOR"} or {@code "MERCHANT(id)"}. */
  @Override
  public String toString() {
    return merchantId == null ? kind.name() : kind.name() + "(" + merchantId + ")";
  }
}
