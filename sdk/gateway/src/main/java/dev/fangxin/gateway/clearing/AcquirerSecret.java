package dev.fangxin.gateway.clearing;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One HMAC secret of an acquirer as listed: its ID and lifetime, never the secret itself. Immutable
 * and thread-safe.
 */
public final class AcquirerSecret {
  private final long id;
  private final Instant createdAt;
  private final Instant expiresAt;

  AcquirerSecret(long id, Instant createdAt, Instant expiresAt) {
    this.id = id;
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt == null");
    this.expiresAt = expiresAt;
  }

  /** The secret's ID. */
  public long id() {
    return id;
  }

  /** When it was issued. */
  public Instant createdAt() {
    return createdAt;
  }

  /** When it stops being accepted; empty while it has no end. */
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }

  /** Whether signatures made with it are accepted at {@code t}. */
  public boolean activeAt(Instant t) {
    return expiresAt == null || expiresAt.isAfter(t);
  }

  @Override
  public String toString() {
    return "AcquirerSecret{" + id + "}";
  }
}
