package dev.fangxin.gateway.endpoint;

import dev.fangxin.core.webhook.WebhookPublicKey;
import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.core.webhook.WebhookSigner;
import dev.fangxin.core.webhook.WebhookSigningKey;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A merchant's webhook endpoint as it is at one instant: where deliveries go, the secrets that sign
 * them ({@code v1}, one signature each, newest first; more than one during a rotation overlap), the
 * optional Ed25519 key of the {@code v1a} signature, and the circuit state. Immutable and safe to
 * share. {@link #toString()} never reveals a secret or the private key.
 */
public final class Endpoint {
  /** One active HMAC secret and its lifetime. */
  public static final class ActiveSecret {
    private final long id;
    private final WebhookSecret secret;
    private final Instant createdAt;
    private final Instant expiresAt;

    ActiveSecret(long id, WebhookSecret secret, Instant createdAt, Instant expiresAt) {
      this.id = id;
      this.secret = Objects.requireNonNull(secret, "secret == null");
      this.createdAt = Objects.requireNonNull(createdAt, "createdAt == null");
      this.expiresAt = expiresAt;
    }

    /** The secret's row ID; stable, safe to show. */
    public long id() {
      return id;
    }

    /** The secret itself. Never put it in a response after creation, nor in a log. */
    public WebhookSecret secret() {
      return secret;
    }

    /** When it was created. */
    public Instant createdAt() {
      return createdAt;
    }

    /** When it stops signing (end of a rotation overlap); empty while it is the current secret. */
    public Optional<Instant> expiresAt() {
      return Optional.ofNullable(expiresAt);
    }

    @Override
    public String toString() {
      return "ActiveSecret{id="
          + id
          + ", createdAt="
          + createdAt
          + (expiresAt == null ? "" : ", expiresAt=" + expiresAt)
          + "}";
    }
  }

  private final String merchantId;
  private final URI url;
  private final List<ActiveSecret> secrets;
  private final WebhookSigningKey signingKey;
  private final Instant createdAt;
  private final Instant updatedAt;
  private final Instant pausedAt;
  private final String pausedReason;
  private final int consecutiveFailures;
  private final Instant probeAt;

  Endpoint(
      String merchantId,
      URI url,
      List<ActiveSecret> secrets,
      WebhookSigningKey signingKey,
      Instant createdAt,
      Instant updatedAt,
      Instant pausedAt,
      String pausedReason,
      int consecutiveFailures,
      Instant probeAt) {
    this.merchantId = merchantId;
    this.url = url;
    this.secrets = List.copyOf(secrets);
    this.signingKey = signingKey;
    this.createdAt = createdAt;
    this.updatedAt = updatedAt;
    this.pausedAt = pausedAt;
    this.pausedReason = pausedReason;
    this.consecutiveFailures = consecutiveFailures;
    this.probeAt = probeAt;
  }

  /** The merchant this endpoint belongs to. */
  public String merchantId() {
    return merchantId;
  }

  /** Where deliveries go: an absolute {@code http} or {@code https} URL without credentials. */
  public URI url() {
    return url;
  }

  /** The secrets that sign now, newest first; empty only if every secret has expired. */
  public List<ActiveSecret> secrets() {
    return secrets;
  }

  /** The Ed25519 key of the {@code v1a} signature, if the endpoint receives one. */
  public Optional<WebhookSigningKey> signingKey() {
    return Optional.ofNullable(signingKey);
  }

  /** The public half of {@link #signingKey()}, as handed to the merchant. */
  public Optional<WebhookPublicKey> publicKey() {
    return signingKey().map(WebhookSigningKey::publicKey);
  }

  /**
   * A signer with every active secret (newest first) and the signing key, if any.
   *
   * @throws IllegalStateException if no secret is active and there is no signing key
   */
  public WebhookSigner signer() {
    WebhookSigner.Builder b = WebhookSigner.builder();
    for (ActiveSecret s : secrets) {
      b.addSecret(s.secret());
    }
    if (signingKey != null) {
      b.signingKey(signingKey);
    }
    return b.build();
  }

  /** When the endpoint was first set. */
  public Instant createdAt() {
    return createdAt;
  }

  /** When its URL or key last changed. */
  public Instant updatedAt() {
    return updatedAt;
  }

  /** Whether the circuit keeps the endpoint paused. */
  public boolean paused() {
    return pausedAt != null;
  }

  /** Since when the endpoint is paused, if it is. */
  public Optional<Instant> pausedAt() {
    return Optional.ofNullable(pausedAt);
  }

  /** Why the endpoint was paused, if it is. */
  public Optional<String> pausedReason() {
    return Optional.ofNullable(pausedReason);
  }

  /** Failed attempts since the last success. */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  /** While paused: when the next half-open probe may be sent. */
  public Optional<Instant> probeAt() {
    return Optional.ofNullable(probeAt);
  }

  @Override
  public String toString() {
    return "Endpoint{merchant="
        + merchantId
        + ", url="
        + url
        + ", "
        + secrets.size()
        + " secret(s)"
        + (signingKey == null ? "" : ", v1a " + signingKey.publicKey().encoded())
        + (pausedAt == null ? "" : ", paused since " + pausedAt)
        + "}";
  }
}
