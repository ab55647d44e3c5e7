package dev.fangxin.gateway.clearing;

import com.google.gson.JsonArray;
import dev.fangxin.core.FangxinException;
import dev.fangxin.gateway.http.Problem;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Thrown when an acquirer's client certificate is refused: at registration (malformed, expired, a
 * CA certificate, already registered), at revocation (unknown), or when a hook request presents it
 * over mutual TLS (unregistered, revoked, outside its validity, or speaking for another acquirer).
 * {@link #reasonCode()} carries the stable code and the HTTP status. A refusal stores nothing.
 * Branch on the reason, not on the message.
 */
public final class AcquirerCertificateException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why. Each has a stable {@link #code()} ({@code clearing.<name>}) and an HTTP status. */
  public enum Reason {
    /** The PEM is not exactly one X.509 certificate usable by a TLS client; see the detail. */
    INVALID_CERTIFICATE(422),
    /** The certificate (same fingerprint) is already registered, possibly revoked. */
    DUPLICATE_CERTIFICATE(409),
    /** The acquirer has no certificate with that ID. */
    UNKNOWN_CERTIFICATE(404),
    /** The TLS client certificate is registered to no acquirer. */
    UNREGISTERED_CERTIFICATE(401),
    /** The TLS client certificate was registered and has been revoked. */
    REVOKED_CERTIFICATE(401),
    /** The gateway's time is outside the TLS client certificate's validity. */
    EXPIRED_CERTIFICATE(401),
    /** The request names an acquirer other than the one its certificate is registered to. */
    WRONG_ACQUIRER(403);

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

  private final Reason reason;
  private final String field;

  AcquirerCertificateException(Reason reason, String message) {
    this(reason, message, null);
  }

  AcquirerCertificateException(Reason reason, String message, String field) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason == null");
    this.field = field;
  }

  /** Why. */
  public Reason reasonCode() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.code();
  }

  /** The request field at fault ({@code certificate_pem}), if the refusal is about one. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }

  /**
   * The {@code application/problem+json} answer; with an {@code errors} array naming the field when
   * there is one (the same shape as {@link ClearingException#toProblem()}).
   */
  public Problem toProblem() {
    Problem p = Problem.of(reason.code(), reason.status(), getMessage());
    if (field != null) {
      JsonArray a = new JsonArray();
      a.add(ClearingException.FieldError.of(-1, field, getMessage()).toJson());
      p = p.with("errors", a);
    }
    return p;
  }
}
