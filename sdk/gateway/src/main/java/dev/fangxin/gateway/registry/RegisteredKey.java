package dev.fangxin.gateway.registry;

import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.key.TerminalPublicKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A terminal public key as registered against a payment tool, with its revocation time if revoked.
 * Times are whole UTC seconds.
 *
 * <p>Immutable and thread-safe.
 */
public final class RegisteredKey {
  private final TerminalPublicKey publicKey;
  private final String toolId;
  private final Instant registeredAt;
  private final Instant revokedAt;

  private RegisteredKey(
      TerminalPublicKey publicKey, String toolId, Instant registeredAt, Instant revokedAt) {
    this.publicKey = publicKey;
    this.toolId = toolId;
    this.registeredAt = registeredAt;
    this.revokedAt = revokedAt;
  }

  static RegisteredKey of(
      TerminalPublicKey publicKey, String toolId, Instant registeredAt, Instant revokedAt) {
    return new RegisteredKey(
        Objects.requireNonNull(publicKey, "publicKey == null"),
        Objects.requireNonNull(toolId, "toolId == null"),
        Objects.requireNonNull(registeredAt, "registeredAt == null"),
        revokedAt);
  }

  /** The key ID (first 8 bytes of SHA-256 over the SPKI). */
  public KeyId keyId() {
    return publicKey.keyId();
  }

  /** The public key. */
  public TerminalPublicKey publicKey() {
    return publicKey;
  }

  /** The payment tool the key signs for. */
  public String toolId() {
    return toolId;
  }

  /** When the key was registered. */
  public Instant registeredAt() {
    return registeredAt;
  }

  /** When the key was revoked; empty if it is not. */
  public Optional<Instant> revokedAt() {
    return Optional.ofNullable(revokedAt);
  }

  /**
   * Whether a receipt signed at {@code signedAt} may be accepted under this key: true unless the
   * key is revoked and {@code signedAt} is at or after the revocation. The registration time is
   * deliberately not a lower bound: an offline terminal may sign before its registration reaches
   * the gateway.
   */
  public boolean validAt(Instant signedAt) {
    Objects.requireNonNull(signedAt, "signedAt == null");
    return revokedAt == null || signedAt.isBefore(revokedAt);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RegisteredKey)) {
      return false;
    }
    RegisteredKey k = (RegisteredKey) o;
    return publicKey.equals(k.publicKey)
        && toolId.equals(k.toolId)
        && registeredAt.equals(k.registeredAt)
        && Objects.equals(revokedAt, k.revokedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(publicKey, toolId, registeredAt, revokedAt);
  }

  @Override
  public String toString() {
    return "RegisteredKey{keyId="
        + keyId().toHex()
        + ", toolId="
        + toolId
        + ", registeredAt="
        + registeredAt
        + ", revokedAt="
        + revokedAt
        + "}";
  }
}
