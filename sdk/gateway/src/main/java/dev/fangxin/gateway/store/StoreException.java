package dev.fangxin.gateway.store;

import dev.fangxin.core.FangxinException;
import java.util.Objects;

/**
 * Thrown when the gateway's store cannot be configured, reached, migrated or used.
 *
 * <p>Messages name the JDBC URL with any {@code password=} parameter redacted, and the user; they
 * never contain the password. Branch on {@link #reasonCode()} or {@link #reason()}, not on the
 * message.
 */
public final class StoreException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why the store failed. Each has a stable {@link #code()}. */
  public enum Reason {
    /** A {@link StoreConfig} value was missing or out of range. */
    INVALID_CONFIG("store.invalid_config"),
    /** The database could not be reached or refused the credentials. */
    CONNECTION_FAILED("store.connection_failed"),
    /** Flyway could not bring the schema up to date. */
    MIGRATION_FAILED("store.migration_failed"),
    /** A statement failed on an open store. */
    SQL_FAILED("store.sql_failed"),
    /** An outbox operation named a row that does not exist. */
    OUTBOX_ITEM_NOT_FOUND("store.outbox_item_not_found");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The stable code, {@code "store.<reason>"}. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;

  StoreException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason == null");
  }

  StoreException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason == null");
  }

  /** Why the store failed. */
  public Reason reasonCode() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.code();
  }
}
