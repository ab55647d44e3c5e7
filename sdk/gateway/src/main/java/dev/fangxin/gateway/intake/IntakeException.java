package dev.fangxin.gateway.intake;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.fangxin.core.FangxinException;
import dev.fangxin.gateway.http.Problem;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A complaint or a dispute token was refused. {@link #reasonCode()} says why and carries the HTTP
 * status the intake routes answer with; {@link #errors()} lists every invalid field of a refused
 * request; {@link #caseId()} points at the existing case for {@code intake.case_already_open}.
 * Branch on the reason, not on the message. A refused complaint stores nothing.
 */
public final class IntakeException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why. Each has a stable {@link #code()} and the {@link #status()} it is answered with. */
  public enum Reason {
    /** The token text is not a well-formed dispute token (bad base32, framing, fields). */
    TOKEN_MALFORMED("intake.token_malformed", 400),
    /** No terminal key with the token's key ID is registered. */
    UNKNOWN_KEY("intake.unknown_key", 422),
    /** The token's signature does not verify with the registered key. */
    BAD_SIGNATURE("intake.bad_signature", 422),
    /** The key was revoked at or before the time the receipt claims to have been signed. */
    TOKEN_REVOKED("intake.token_revoked", 422),
    /** The key's payment tool is not registered (a registry inconsistency). */
    UNKNOWN_TOOL("intake.unknown_tool", 422),
    /** The key's payment tool was bound to no merchant at the receipt's time. */
    NO_MERCHANT("intake.no_merchant", 422),
    /** The body is not parseable: bad JSON or protobuf, not UTF-8, not an object. */
    MALFORMED_BODY("intake.malformed_body", 400),
    /** The body parsed, but fields are missing, unknown or invalid; see {@link #errors()}. */
    INVALID_FIELD("intake.invalid_field", 422),
    /** The body's media type is neither JSON nor protobuf. */
    UNSUPPORTED_MEDIA_TYPE("intake.unsupported_media_type", 415),
    /** The idempotency key was used before with a different request. */
    IDEMPOTENCY_KEY_REUSED("intake.idempotency_key_reused", 422),
    /** The receipt already has an open case; {@link #caseId()} names it. */
    CASE_ALREADY_OPEN("intake.case_already_open", 409),
    /** Concurrent filings for the same receipt kept colliding; retry. */
    CONFLICT("intake.conflict", 409);

    private final String code;
    private final int status;

    Reason(String code, int status) {
      this.code = code;
      this.status = status;
    }

    /** The stable code, {@code "intake.<reason>"}. */
    public String code() {
      return code;
    }

    /** The HTTP status the intake routes answer with. */
    public int status() {
      return status;
    }
  }

  /** One invalid field of a request: its name (dotted for nested members) and what is wrong. */
  public static final class FieldError {
    private final String field;
    private final String detail;

    private FieldError(String field, String detail) {
      this.field = field;
      this.detail = detail;
    }

    /** An error about {@code field}. */
    public static FieldError of(String field, String detail) {
      return new FieldError(
          Objects.requireNonNull(field, "field == null"),
          Objects.requireNonNull(detail, "detail == null"));
    }

    /** The field, such as {@code "contact.phone"} or {@code "Idempotency-Key"}. */
    public String field() {
      return field;
    }

    /** A sentence saying what is wrong. */
    public String detail() {
      return detail;
    }

    @Override
    public String toString() {
      return field + ": " + detail;
    }
  }

  private final Reason reason;
  private final String caseId;
  private final List<FieldError> errors;
  private final String tokenReason;

  private IntakeException(
      Reason reason,
      String message,
      String caseId,
      List<FieldError> errors,
      String tokenReason,
      Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason == null");
    this.caseId = caseId;
    this.errors = List.copyOf(errors);
    this.tokenReason = tokenReason;
  }

  static IntakeException of(Reason reason, String message) {
    return new IntakeException(reason, message, null, List.of(), null, null);
  }

  static IntakeException token(Reason reason, String message, String tokenReason, Throwable c) {
    return new IntakeException(reason, message, null, List.of(), tokenReason, c);
  }

  static IntakeException caseOpen(String message, String caseId) {
    return new IntakeException(Reason.CASE_ALREADY_OPEN, message, caseId, List.of(), null, null);
  }

  static IntakeException invalid(List<FieldError> errors) {
    StringBuilder fields = new StringBuilder();
    for (FieldError e : errors) {
      if (fields.length() > 0) {
        fields.append(", ");
      }
      fields.append(e.field());
    }
    String message =
        errors.size() == 1
            ? errors.get(0).field() + ": " + errors.get(0).detail()
            : "The request has " + errors.size() + " invalid fields: " + fields + ".";
    return new IntakeException(Reason.INVALID_FIELD, message, null, errors, null, null);
  }

  /** Why. */
  public Reason reasonCode() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.code();
  }

  /** The open case a duplicate complaint points at. */
  public Optional<String> caseId() {
    return Optional.ofNullable(caseId);
  }

  /** Every invalid field, for {@link Reason#INVALID_FIELD}; empty otherwise. */
  public List<FieldError> errors() {
    return errors;
  }

  /** The core token reason ({@code token.bad_encoding}, …) behind a token refusal. */
  public Optional<String> tokenReason() {
    return Optional.ofNullable(tokenReason);
  }

  /**
   * This refusal as a problem: the reason's code and status, the message as detail, and extension
   * members {@code case_id}, {@code errors} ({@code [{"field", "detail"}]}) and {@code
   * token_reason} where they apply.
   */
  public Problem toProblem() {
    Problem p = Problem.of(reason.code(), reason.status(), String.valueOf(getMessage()));
    if (caseId != null) {
      p = p.with("case_id", caseId);
    }
    if (!errors.isEmpty()) {
      JsonArray list = new JsonArray();
      for (FieldError e : errors) {
        JsonObject o = new JsonObject();
        o.addProperty("field", e.field());
        o.addProperty("detail", e.detail());
        list.add(o);
      }
      p = p.with("errors", list);
    }
    if (tokenReason != null) {
      p = p.with("token_reason", tokenReason);
    }
    return p;
  }
}
