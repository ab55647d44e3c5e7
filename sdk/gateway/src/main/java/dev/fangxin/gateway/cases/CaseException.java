package dev.fangxin.gateway.cases;

import dev.fangxin.core.FangxinException;
import java.util.Objects;
import java.util.Optional;

/**
 * Thrown when the case store or {@link CaseService} refuses a request or cannot read a case back
 * (refusals by the lifecycle's rules are {@link CaseTransitionException}s instead). Branch on
 * {@link #reasonCode()} or {@link #reason()}, not on the message. A refused write changes nothing:
 * the transaction it ran in is rolled back.
 */
public final class CaseException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why. Each has a stable {@link #code()}. */
  public enum Reason {
    /** No case has the ID. */
    NOT_FOUND("case.not_found"),
    /** Another writer changed the case between its read and this write. */
    CONCURRENT_UPDATE("case.concurrent_update"),
    /** A case with the same idempotency key exists; {@link #caseId()} names it. */
    DUPLICATE_IDEMPOTENCY_KEY("case.duplicate_idempotency_key"),
    /** The receipt already has an open case; {@link #caseId()} names it. */
    RECEIPT_ALREADY_OPEN("case.receipt_already_open"),
    /**
     * A merchant's answer names an amount that does not fit: for a kind other than REFUND or
     * PROPOSAL, in another currency than the receipt's, or a refund above the amount paid.
     */
    INVALID_ANSWER("case.invalid_answer"),
    /** A stored case does not read back as a consistent record. */
    CORRUPT_RECORD("case.corrupt_record");

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
  private final String caseId;

  CaseException(Reason reason, String message, String caseId) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason == null");
    this.caseId = caseId;
  }

  CaseException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason == null");
    this.caseId = null;
  }

  /** Why the store refused. */
  public Reason reasonCode() {
    return reason;
  }

  /** The case the refusal points at: the existing case for a duplicate, if known. */
  public Optional<String> caseId() {
    return Optional.ofNullable(caseId);
  }

  @Override
  public String reason() {
    return reason.code();
  }
}
