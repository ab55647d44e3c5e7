package dev.fangxin.gateway.clearing;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.fangxin.core.FangxinException;
import dev.fangxin.gateway.http.Problem;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Thrown when the clearing components refuse something: an unknown or duplicate acquirer, a bad
 * hook signature, a batch with invalid records, a conflicting replay, a trace that is unknown or
 * does not match what the consumer said. {@link #reasonCode()} carries the stable code and the HTTP
 * status; {@link #errors()} lists every invalid record field, by record index. A refusal stores
 * nothing. Branch on the reason, not on the message.
 */
public final class ClearingException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why. Each has a stable {@link #code()} ({@code clearing.<name>}) and an HTTP status. */
  public enum Reason {
    /** A request field is missing or malformed; see {@link #errors()}. */
    INVALID_FIELD(422),
    /** The body is not a parseable clearing batch. */
    MALFORMED_BODY(400),
    /** The body's media type is neither JSON nor protobuf. */
    UNSUPPORTED_MEDIA_TYPE(415),
    /** No acquirer has the institution code. */
    UNKNOWN_ACQUIRER(404),
    /** An acquirer with the institution code is already registered. */
    DUPLICATE_ACQUIRER(409),
    /** The hook request carries no signature headers, or malformed ones. */
    MISSING_SIGNATURE(401),
    /** The hook request's signature matches no active secret of the acquirer (or it is unknown). */
    BAD_SIGNATURE(401),
    /** The hook request's timestamp is more than the tolerance away from the gateway's clock. */
    STALE_TIMESTAMP(401),
    /** The acquirer sent records of another institution; see {@link #errors()}. */
    FOREIGN_INSTITUTION(403),
    /** One or more records are invalid; the whole batch is refused; see {@link #errors()}. */
    INVALID_RECORDS(422),
    /** The batch ID was used before with a different body. */
    BATCH_CONFLICT(409),
    /** A record's trace is already stored with different content; see {@link #errors()}. */
    RECORD_CONFLICT(409),
    /** No clearing record is known for the trace, locally or from the acquirer's callback. */
    UNKNOWN_TRACE(404),
    /** The clearing record's amount or date differs from what was given; see {@link #errors()}. */
    TRACE_MISMATCH(422),
    /** No registered payment tool matches the clearing record. */
    NO_TOOL(422),
    /** The payment tool was bound to no merchant at the payment's time. */
    NO_MERCHANT(422),
    /** The acquirer's callback could not be reached or answered badly (after retries). */
    LOOKUP_FAILED(503),
    /**
     * No clearing record of the collection code's payments has the amount near the time given (a
     * complaint from a merchant collection code).
     */
    NO_PAYMENT(404),
    /**
     * Several clearing records of the collection code's payments have the amount near the time
     * given; {@code candidates} lists their times (never their traces), and the trace is needed.
     */
    AMBIGUOUS_PAYMENT(409);

    private final int status;

    Reason(int status) {
      this.status = status;
    }

    /** The stable code, {@code "clearing.<reason in snake case>"}. */
    public String code() {
      return "clearing." + name().toLowerCase(Locale.ROOT);
    }

    /** The HTTP status this reason is answered with. */
    public int status() {
      return status;
    }
  }

  /**
   * One invalid field: the index of the record in its batch (-1 for a field of the batch or request
   * itself), the field's name as in {@code fangxin.v1.ClearingRecord} (dotted for nested fields)
   * and what is wrong.
   */
  public static final class FieldError {
    private final int index;
    private final String field;
    private final String message;

    private FieldError(int index, String field, String message) {
      this.index = index;
      this.field = field;
      this.message = message;
    }

    /** An error about {@code field} of record {@code index} (-1: not about one record). */
    public static FieldError of(int index, String field, String message) {
      if (index < -1) {
        throw new IllegalArgumentException("index must be -1 or more, got " + index + ".");
      }
      return new FieldError(
          index,
          Objects.requireNonNull(field, "field == null"),
          Objects.requireNonNull(message, "message == null"));
    }

    /** The record's index in the batch, or -1. */
    public int index() {
      return index;
    }

    /** The field's name. */
    public String field() {
      return field;
    }

    /** What is wrong, a sentence. */
    public String message() {
      return message;
    }

    /** {@code {"index": 3, "field": "amount.minor_units", "message": "…"}}; no index when -1. */
    public JsonObject toJson() {
      JsonObject o = new JsonObject();
      if (index >= 0) {
        o.addProperty("index", index);
      }
      o.addProperty("field", field);
      o.addProperty("message", message);
      return o;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FieldError
          && ((FieldError) o).index == index
          && ((FieldError) o).field.equals(field)
          && ((FieldError) o).message.equals(message);
    }

    @Override
    public int hashCode() {
      return Objects.hash(index, field, message);
    }

    @Override
    public String toString() {
      return (index >= 0 ? "[" + index + "] " : "") + field + ": " + message;
    }
  }

  private final Reason reason;
  private final List<FieldError> errors;
  private final JsonArray candidates;

  ClearingException(Reason reason, String message) {
    this(reason, message, List.of());
  }

  ClearingException(Reason reason, String message, List<FieldError> errors) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason == null");
    this.errors = List.copyOf(errors);
    this.candidates = null;
  }

  /**
   * A refusal of a complaint from a merchant collection code: {@code NO_PAYMENT}, or {@code
   * AMBIGUOUS_PAYMENT} with {@code candidates} (each {@code {"paid_at", "paid_at_local"}}).
   */
  public static ClearingException payment(Reason reason, String message, JsonArray candidates) {
    if (reason != Reason.NO_PAYMENT && reason != Reason.AMBIGUOUS_PAYMENT) {
      throw new IllegalArgumentException("Not a payment reason: " + reason + ".");
    }
    return new ClearingException(reason, message, candidates);
  }

  private ClearingException(Reason reason, String message, JsonArray candidates) {
    super(message);
    this.reason = reason;
    this.errors = List.of();
    this.candidates = candidates == null ? null : candidates.deepCopy();
  }

  /** Why. */
  public Reason reasonCode() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.code();
  }

  /** Every invalid field found, in record order; empty for reasons about no field. */
  public List<FieldError> errors() {
    return errors;
  }

  /** The {@code application/problem+json} answer, with {@code errors} when there are any. */
  public Problem toProblem() {
    Problem p = Problem.of(reason.code(), reason.status(), getMessage());
    if (!errors.isEmpty()) {
      JsonArray a = new JsonArray();
      errors.forEach(e -> a.add(e.toJson()));
      p = p.with("errors", a);
    }
    if (candidates != null) {
      p = p.with("candidates", candidates.deepCopy());
    }
    return p;
  }
}
