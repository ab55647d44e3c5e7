package dev.fangxin.gateway.auth;

import dev.fangxin.core.FangxinException;
import java.util.Locale;
import java.util.Objects;

/**
 * Thrown when {@link ApiKeys} refuses to issue or revoke a key. Database failures are not wrapped
 * here: they surface as {@link dev.fangxin.gateway.store.StoreException}. Branch on {@link
 * #reasonCode()} or {@link #reason()}, not on the message.
 */
public final class ApiKeyException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why the key store refused. Each has a stable {@link #code()}. */
  public enum Reason {
    /** A field was missing or malformed; {@link #field()} names it. */
    INVALID_FIELD,
    /** The merchant a merchant key should act for is not registered. */
    UNKNOWN_MERCHANT,
    /** No API key has the given key ID. */
    UNKNOWN_KEY;

    /** The stable code, {@code "api_key.<reason in snake case>"}. */
    public String code() {
      return "api_key." + name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;
  private final String field;

  ApiKeyException(Reason reason, String field, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason == null");
    this.field = Objects.requireNonNull(field, "field == null");
  }

  /** Why the key store refused. */
  public Reason reasonCode() {
    return reason;
  }

  /**
   * The request field at fault, in the snake case used by the HTTP API: {@code client_id}, {@code
   * role}, {@code merchant_id}, {@code institution_code}, {@code key_id} or {@code at}.
   */
  public String field() {
    return field;
  }

  @Override
  public String reason() {
    return reason.code();
  }
}
