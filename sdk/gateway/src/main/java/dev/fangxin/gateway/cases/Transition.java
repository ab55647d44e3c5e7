package dev.fangxin.gateway.cases;

import dev.fangxin.protocol.v1.CaseState;
import java.time.Instant;
import java.util.Objects;

/**
 * One audited state change of a case: when, who, from which state, to which, and why.
 *
 * <p>Immutable and thread-safe; equal when every field is equal.
 */
public final class Transition {
  private final Instant at;
  private final Actor actor;
  private final CaseState from;
  private final CaseState to;
  private final String reason;

  private Transition(Instant at, Actor actor, CaseState from, CaseState to, String reason) {
    this.at = at;
    this.actor = actor;
    this.from = from;
    this.to = to;
    this.reason = reason;
  }

  /**
   * A transition, for instance one read back from storage.
   *
   * @throws IllegalArgumentException if a state is unspecified or unrecognized, {@code from} equals
   *     {@code to}, or the reason is blank or longer than {@value Event#MAX_REASON_LENGTH}
   */
  public static Transition of(
      Instant at, Actor actor, CaseState from, CaseState to, String reason) {
    Objects.requireNonNull(at, "at == null");
    Objects.requireNonNull(actor, "actor == null");
    CaseRecord.checkState("from", from);
    CaseRecord.checkState("to", to);
    if (from == to) {
      throw new IllegalArgumentException(
          "A transition must change the state; both are " + to + ".");
    }
    return new Transition(at, actor, from, to, Event.checkReason(reason));
  }

  /** When the lifecycle's clock stamped it. */
  public Instant at() {
    return at;
  }

  /** Who caused it. */
  public Actor actor() {
    return actor;
  }

  /** The state before. */
  public CaseState from() {
    return from;
  }

  /** The state after. */
  public CaseState to() {
    return to;
  }

  /** Why, as given by the event. */
  public String reason() {
    return reason;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Transition)) {
      return false;
    }
    Transition t = (Transition) o;
    return at.equals(t.at)
        && actor.equals(t.actor)
        && from == t.from
        && to == t.to
        && reason.equals(t.reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(at, actor, from, to, reason);
  }

  @Override
  public String toString() {
    return at + " " + actor + " " + from + " -> " + to + ": " + reason;
  }
}
