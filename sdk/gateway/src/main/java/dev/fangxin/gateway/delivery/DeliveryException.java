package dev.fangxin.gateway.delivery;

import dev.fangxin.core.FangxinException;
import java.util.Locale;
import java.util.Objects;

/**
 * Thrown when delivery refuses a request: a configuration out of range, a replay of a case or
 * webhook ID that has no outbox rows, or a time range that runs backwards. Database failures are
 * not wrapped: they surface as {@link dev.fangxin.gateway.store.StoreException}. Branch on {@link
 * #reasonCode()} or {@link #reason()}, not on the message.
 */
public final class DeliveryException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why delivery refused. Each has a stable {@link #code()}. */
  public enum Reason {
    /** A {@link DeliveryConfig} or {@link Backoff} value is missing or out of range. */
    INVALID_CONFIG,
    /** A replay named a case that has no outbox rows. */
    UNKNOWN_CASE,
    /** A replay named a webhook ID that no outbox row carries. */
    UNKNOWN_WEBHOOK,
    /** A time range is empty or runs backwards, or a limit is out of range. */
    INVALID_RANGE;

    /** The stable code, {@code "delivery.<reason in snake case>"}. */
    public String code() {
      return "delivery." + name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  DeliveryException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason == null");
  }

  /** Why delivery refused. */
  public Reason reasonCode() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.code();
  }
}
