package dev.fangxin.gateway.clearing;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A newly issued acquirer secret, shown once: its ID, the secret text ({@code fxa_} and the
 * unpadded base64url of 32 random bytes) and when the secrets issued before it stop being accepted.
 * Immutable; never log {@link #secret()}.
 */
public final class IssuedSecret {
  private final long id;
  private final String secret;
  private final Instant previousExpireAt;

  IssuedSecret(long id, String secret, Instant previousExpireAt) {
    this.id = id;
    this.secret = Objects.requireNonNull(secret, "secret == null");
    this.previousExpireAt = previousExpireAt;
  }

  /** The secret's ID. */
  public long id() {
    return id;
  }

  /** The secret text, for {@link HookSignature#sign}. */
  public String secret() {
    return secret;
  }

  /** When the earlier secrets expire; empty when there were none. */
  public Optional<Instant> previousExpireAt() {
    return Optional.ofNullable(previousExpireAt);
  }

  /** Never the secret. */
  @Override
  public String toString() {
    return "IssuedSecret{" + id + "}";
  }
}
