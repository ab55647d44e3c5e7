package dev.fangxin.core.webhook;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.FangxinException;
import java.util.Locale;

/**
 * A webhook could not be signed or verified, or a webhook secret or key could not be read. The
 * {@link #reasonCode()} says which rule was broken; the message says what was found and what was
 * expected.
 *
 * <p>Messages never contain a secret, a private key or a signature value: they may be logged and
 * returned to the sender of a rejected request.
 */
public final class WebhookException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why a webhook, secret or key was refused. */
  public enum Reason {
    /** A {@code webhook-id}, {@code webhook-timestamp} or {@code webhook-signature} is absent. */
    MISSING_HEADER,
    /** A header is longer than this package accepts (id 256 characters, signature 8 KiB). */
    HEADER_TOO_LONG,
    /** The {@code webhook-id} is empty or holds characters other than printable ASCII. */
    BAD_ID,
    /** The {@code webhook-timestamp} is not a canonical non-negative decimal number of seconds. */
    BAD_TIMESTAMP,
    /** The timestamp is further in the past than the verifier's tolerance. */
    TIMESTAMP_TOO_OLD,
    /** The timestamp is further in the future than the verifier's tolerance. */
    TIMESTAMP_TOO_NEW,
    /**
     * The {@code webhook-signature} header is not a list of {@code version,base64} entries, or an
     * entry of a known version ({@code v1}, {@code v1a}) is not canonical base64 of the right size
     * and no other entry verified.
     */
    MALFORMED_SIGNATURE,
    /** The header is well formed but no entry verifies with any configured secret or key. */
    NO_MATCHING_SIGNATURE,
    /** A {@code whsec_} secret is not base64 of 24 to 64 bytes. */
    BAD_SECRET,
    /** A {@code whsk_} or {@code whpk_} key is not base64 of a valid 32-byte Ed25519 key. */
    BAD_KEY;

    /** The stable code, e.g. {@code "webhook.no_matching_signature"}. */
    public String code() {
      return "webhook." + name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  WebhookException(Reason reason, String message) {
    super(message);
    this.reason = requireNonNull(reason, "reason == null");
  }

  /** The reason as an enum, for callers that switch on it. */
  public Reason reasonCode() {
    return reason;
  }

  /** The stable code of {@link #reasonCode()}, e.g. {@code "webhook.timestamp_too_old"}. */
  @Override
  public String reason() {
    return reason.code();
  }
}
