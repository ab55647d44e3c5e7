package dev.fangxin.gateway.registry;

import dev.fangxin.core.FangxinException;
import java.util.Locale;
import java.util.Objects;

/**
 * Thrown when the registry refuses an operation: a malformed field, an unknown merchant, tool or
 * key, a duplicate, an interval that would overlap or run backwards, or a key-ID collision.
 *
 * <p>Database failures are not wrapped here: they surface as {@link
 * dev.fangxin.gateway.store.StoreException} with reason {@code store.sql_failed}. Branch on {@link
 * #reasonCode()} or {@link #reason()}, not on the message.
 */
public final class RegistryException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why the registry refused. Each has a stable {@link #code()}. */
  public enum Reason {
    /** A field was missing, too long or malformed; the message names the field. */
    INVALID_FIELD,
    /** No merchant has the given ID. */
    UNKNOWN_MERCHANT,
    /** No payment tool has the given ID. */
    UNKNOWN_TOOL,
    /** No terminal key has the given key ID. */
    UNKNOWN_KEY,
    /** The thing to register already exists with different contents. */
    DUPLICATE,
    /** A binding or revocation time is not after the interval it would close or follow. */
    BAD_INTERVAL,
    /** The tool has no open binding to close. */
    NOT_BOUND,
    /** A different public key already holds the same key ID. */
    KEY_ID_COLLISION,
    /** The tool to bind is bound to another merchant at the requested time. */
    BOUND_ELSEWHERE;

    /** The stable code, {@code "registry.<reason in snake case>"}. */
    public String code() {
      return "registry." + name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  RegistryException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason == null");
  }

  RegistryException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason == null");
  }

  /** Why the registry refused. */
  public Reason reasonCode() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.code();
  }
}
