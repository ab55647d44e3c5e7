package dev.fangxin.gateway.auth;

import java.util.Optional;

/**
 * Resolves a presented API key to the client that holds it. Implementations compare in constant
 * time and never log the key. Thread-safe.
 */
@FunctionalInterface
public interface Authenticator {
  /**
   * The principal holding {@code apiKey}, or empty if the key is unknown, malformed or revoked.
   * Never throws for a bad key; throws only if the lookup itself fails.
   */
  Optional<Principal> authenticate(String apiKey);
}
