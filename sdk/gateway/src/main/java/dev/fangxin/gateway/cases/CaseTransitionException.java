package dev.fangxin.gateway.cases;

import dev.fangxin.core.FangxinException;
import java.util.Objects;

/**
 * Thrown when {@link CaseLifecycle#apply} refuses an {@link Event}. The {@link CaseRecord} it was
 * given is immutable and therefore unchanged. Branch on {@link #reasonCode()} or {@link #reason()},
 * not on the message.
 */
public final class CaseTransitionException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why a transition was refused. Each has a stable {@link #code()}. */
  public enum Reason {
    /** The transition table has no cell for this state and event. */
    ILLEGAL_TRANSITION("case.illegal_transition"),
    /** The case is resolved or escalated; nothing may change it any more. */
    FINAL_STATE("case.final_state"),
    /** A merchant acted on a case that belongs to another merchant. */
    WRONG_MERCHANT("case.wrong_merchant"),
    /** A merchant acted at or after the merchant deadline; the case is due for escalation. */
    DEADLINE_PASSED("case.deadline_passed"),
    /** The event needs the merchant deadline to have passed, and it has not. */
    DEADLINE_NOT_PASSED("case.deadline_not_passed"),
    /** The lifecycle's clock reads earlier than the case's last update. */
    CLOCK_BEHIND("case.clock_behind");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The stable code, {@code "case.<reason>"}. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;

  CaseTransitionException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason == null");
  }

  /** Why the transition was refused. */
  public Reason reasonCode() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.code();
  }
}
