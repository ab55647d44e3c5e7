package dev.fangxin.core.webhook;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Signs webhooks the Standard Webhooks way: one {@code v1,<base64 HMAC-SHA256>} entry per secret,
 * in the order they were added, then one {@code v1a,<base64 Ed25519>} entry if a signing key is
 * configured, separated by single spaces. Several secrets at once let a secret be rotated without
 * downtime.
 *
 * <p>Instances are immutable and safe to use from many threads at once.
 */
public final class WebhookSigner {
  private final List<WebhookSecret> secrets;
  private final WebhookSigningKey signingKey; // null when absent

  private WebhookSigner(Builder builder) {
    this.secrets = List.copyOf(builder.secrets);
    this.signingKey = builder.signingKey;
  }

  /** A builder with no secrets and no key. */
  public static Builder builder() {
    return new Builder();
  }

  /** A signer with just these secrets (at least one). */
  public static WebhookSigner of(WebhookSecret... secrets) {
    Builder builder = builder();
    for (WebhookSecret secret : secrets) {
      builder.addSecret(secret);
    }
    return builder.build();
  }

  /**
   * Signs {@code body} (the exact bytes that will be sent) for message {@code id} at {@code
   * timestamp}, which is truncated to whole seconds.
   *
   * @param id 1 to 256 printable ASCII characters other than {@code '.'}; the same for every retry
   *     of one event
   * @param timestamp the time of this delivery attempt, not before the epoch
   * @throws WebhookException with {@code BAD_ID} or {@code HEADER_TOO_LONG} if {@code id} breaks
   *     these rules
   */
  public WebhookHeaders sign(String id, Instant timestamp, byte[] body) {
    requireNonNull(id, "id == null");
    requireNonNull(timestamp, "timestamp == null");
    requireNonNull(body, "body == null");
    Webhooks.checkId(id);
    int dot = id.indexOf('.');
    if (dot >= 0) {
      throw new WebhookException(
          WebhookException.Reason.BAD_ID,
          "The webhook-id has a '.' at index "
              + dot
              + "; expected none, because '.' separates the signed fields.");
    }
    if (timestamp.getEpochSecond() < 0) {
      throw new IllegalArgumentException("timestamp before the epoch: " + timestamp);
    }
    String seconds = Long.toString(timestamp.getEpochSecond());
    byte[] content = Webhooks.signedContent(id, seconds, body);
    Base64.Encoder base64 = Base64.getEncoder();
    StringBuilder header = new StringBuilder();
    for (WebhookSecret secret : secrets) {
      if (header.length() > 0) {
        header.append(' ');
      }
      header.append("v1,").append(base64.encodeToString(secret.sign(content)));
    }
    if (signingKey != null) {
      if (header.length() > 0) {
        header.append(' ');
      }
      header.append("v1a,").append(base64.encodeToString(signingKey.sign(content)));
    }
    return new WebhookHeaders(id, seconds, header.toString());
  }

  /** {@code WebhookSigner(2 secrets, Ed25519 key whpk_…)}: never a secret. */
  @Override
  public String toString() {
    return "WebhookSigner("
        + secrets.size()
        + (secrets.size() == 1 ? " secret" : " secrets")
        + (signingKey == null ? "" : ", Ed25519 key " + signingKey.publicKey().encoded())
        + ")";
  }

  /** Collects secrets and an optional Ed25519 key. Not thread-safe; build once and share. */
  public static final class Builder {
    private final List<WebhookSecret> secrets = new ArrayList<>();
    private WebhookSigningKey signingKey;

    private Builder() {}

    /** Adds a secret; its {@code v1} entry comes after those of secrets added earlier. */
    public Builder addSecret(WebhookSecret secret) {
      secrets.add(requireNonNull(secret, "secret == null"));
      return this;
    }

    /** Sets the Ed25519 key of the {@code v1a} entry, replacing any earlier one. */
    public Builder signingKey(WebhookSigningKey key) {
      this.signingKey = requireNonNull(key, "key == null");
      return this;
    }

    /**
     * The signer.
     *
     * @throws IllegalStateException if there is neither a secret nor a key, or more than 16 in all
     */
    public WebhookSigner build() {
      if (secrets.isEmpty() && signingKey == null) {
        throw new IllegalStateException("At least one secret or a signing key is required.");
      }
      int count = secrets.size() + (signingKey == null ? 0 : 1);
      if (count > Webhooks.MAX_SECRETS_AND_KEYS) {
        throw new IllegalStateException(
            "At most "
                + Webhooks.MAX_SECRETS_AND_KEYS
                + " secrets and keys in all are allowed, got "
                + count
                + ".");
      }
      return new WebhookSigner(this);
    }
  }
}
