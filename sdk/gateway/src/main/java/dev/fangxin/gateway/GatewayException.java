package dev.fangxin.gateway;

import dev.fangxin.core.FangxinException;
import java.util.Objects;

/**
 * Thrown when the assembled {@link Gateway} cannot start. Failures of the store, the HTTP server or
 * the configuration keep their own exceptions ({@code StoreException}, {@code HttpException},
 * {@code ConfigException}); this one covers a component that failed with a checked exception.
 */
public final class GatewayException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why the gateway failed. Each has a stable {@link #code()}. */
  public enum Reason {
    /** A component could not be installed. */
    START_FAILED("gateway.start_failed");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The stable code, {@code "gateway.<reason>"}. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;

  GatewayException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason == null");
  }

  /** Why the gateway failed. */
  public Reason reasonCode() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.code();
  }
}
