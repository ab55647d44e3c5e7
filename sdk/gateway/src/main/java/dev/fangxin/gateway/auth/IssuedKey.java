package dev.fangxin.gateway.auth;

import java.util.Objects;

/**
 * A freshly issued API key: the plaintext {@link #apiKey()}, which exists only in this object and
 * is never stored, and the stored {@link #info()}. Hand the plaintext to the client once and drop
 * it. {@link #toString()} does not reveal it. Immutable and thread-safe.
 */
public final class IssuedKey {
  private final String apiKey;
  private final ApiKeyInfo info;

  private IssuedKey(String apiKey, ApiKeyInfo info) {
    this.apiKey = apiKey;
    this.info = info;
  }

  static IssuedKey of(String apiKey, ApiKeyInfo info) {
    return new IssuedKey(
        Objects.requireNonNull(apiKey, "apiKey == null"), Objects.requireNonNull(info, "info"));
  }

  /** The plaintext key, {@code fxk_<key id>_<secret>}, for the {@code Authorization} header. */
  public String apiKey() {
    return apiKey;
  }

  /** What was stored (no secret). */
  public ApiKeyInfo info() {
    return info;
  }

  @Override
  public String toString() {
    return "IssuedKey{" + info + ", secret redacted}";
  }
}
