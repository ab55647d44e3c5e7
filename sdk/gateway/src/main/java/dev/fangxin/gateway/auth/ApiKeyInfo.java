package dev.fangxin.gateway.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What is stored about one API key, without its secret: key ID, holder, role, scope, creation and
 * revocation times (whole UTC seconds). Immutable and thread-safe.
 */
public final class ApiKeyInfo {
  private final String keyId;
  private final Principal principal;
  private final Instant createdAt;
  private final Instant revokedAt;

  private ApiKeyInfo(String keyId, Principal principal, Instant createdAt, Instant revokedAt) {
    this.keyId = keyId;
    this.principal = principal;
    this.createdAt = createdAt;
    this.revokedAt = revokedAt;
  }

  static ApiKeyInfo of(String keyId, Principal principal, Instant createdAt, Instant revokedAt) {
    return new ApiKeyInfo(
        Objects.requireNonNull(keyId, "keyId == null"),
        Objects.requireNonNull(principal, "principal == null"),
        Objects.requireNonNull(createdAt, "createdAt == null"),
        revokedAt);
  }

  /** The public key ID, the part between {@code fxk_} and the secret. */
  public String keyId() {
    return keyId;
  }

  /** Who holds the key: client ID, role, merchant or institution. */
  public Principal principal() {
    return principal;
  }

  /** When the key was issued. */
  public Instant createdAt() {
    return createdAt;
  }

  /** When the key stops (or stopped) working; empty if it is not revoked. */
  public Optional<Instant> revokedAt() {
    return Optional.ofNullable(revokedAt);
  }

  /** Whether the key authenticates at {@code t}: not revoked, or revoked after {@code t}. */
  public boolean activeAt(Instant t) {
    Objects.requireNonNull(t, "t == null");
    return revokedAt == null || t.isBefore(revokedAt);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ApiKeyInfo)) {
      return false;
    }
    ApiKeyInfo k = (ApiKeyInfo) o;
    return keyId.equals(k.keyId)
        && principal.equals(k.principal)
        && createdAt.equals(k.createdAt)
        && Objects.equals(revokedAt, k.revokedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyId, principal, createdAt, revokedAt);
  }

  @Override
  public String toString() {
    return "ApiKeyInfo{"
        + keyId
        + " "
        + principal
        + (revokedAt != null ? " revoked at " + revokedAt : "")
        + "}";
  }
}
