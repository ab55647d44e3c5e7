package dev.fangxin.gateway.endpoint;

import dev.fangxin.core.FangxinException;
import java.util.Locale;
import java.util.Objects;

/**
 * Thrown when {@link Endpoints} refuses a change: a URL that is not an acceptable webhook target,
 * an unknown merchant, a merchant without an endpoint, or an overlap out of range. A refused change
 * stores nothing. Database failures are not wrapped: they surface as {@link
 * dev.fangxin.gateway.store.StoreException}. Branch on {@link #reasonCode()} or {@link #reason()},
 * not on the message.
 */
public final class EndpointException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why a change was refused. Each has a stable {@link #code()}. */
  public enum Reason {
    /** The URL is malformed, not http or https, carries credentials or a fragment, or is long. */
    INVALID_URL,
    /** No merchant has the given ID. */
    UNKNOWN_MERCHANT,
    /** The merchant has not set an endpoint yet. */
    NOT_CONFIGURED,
    /** A rotation overlap is negative or longer than {@link Endpoints#MAX_OVERLAP}. */
    INVALID_OVERLAP,
    /**
     * A rotation with an overlap would leave more than {@link Endpoints#MAX_ACTIVE_SECRETS} secrets
     * signing at once.
     */
    TOO_MANY_SECRETS;

    /** The stable code, {@code "endpoint.<reason in snake case>"}. */
    public String code() {
      return "endpoint." + name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  EndpointException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason == null");
  }

  /** Why the change was refused. */
  public Reason reasonCode() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.code();
  }
}
