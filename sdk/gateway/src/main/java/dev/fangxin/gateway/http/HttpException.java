package dev.fangxin.gateway.http;

import dev.fangxin.core.FangxinException;
import java.util.Objects;

/**
 * Thrown when the HTTP server is misconfigured, a {@link Route} is malformed, or the server cannot
 * bind. Branch on {@link #reasonCode()} or {@link #reason()}, not on the message.
 */
public final class HttpException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why the HTTP server failed. Each has a stable {@link #code()}. */
  public enum Reason {
    /** An {@link HttpServerConfig} value was missing or out of range. */
    INVALID_CONFIG("http.invalid_config"),
    /** A {@link Route} method, pattern or status was malformed. */
    INVALID_ROUTE("http.invalid_route"),
    /** Two routes share a method and a pattern shape. */
    DUPLICATE_ROUTE("http.duplicate_route"),
    /** The server could not bind, or was started twice or after close. */
    START_FAILED("http.start_failed"),
    /** The TLS certificate chain or private key could not be loaded. */
    TLS_FAILED("http.tls_failed");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The stable code, {@code "http.<reason>"}. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;

  HttpException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason == null");
  }

  HttpException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason == null");
  }

  /** Why the server failed. */
  public Reason reasonCode() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.code();
  }
}
