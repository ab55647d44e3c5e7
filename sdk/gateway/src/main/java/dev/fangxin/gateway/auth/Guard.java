package dev.fangxin.gateway.auth;

import dev.fangxin.gateway.http.ProblemException;
import dev.fangxin.gateway.http.RouteRequest;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Authenticates route requests by their {@code Authorization: Bearer <api key>} header. Problems:
 * {@code auth.missing_credentials} and {@code auth.invalid_credentials} (401, with {@code
 * WWW-Authenticate: Bearer}), {@code auth.forbidden} (403: a valid key whose role may not call the
 * route). Thread-safe.
 */
public final class Guard {
  private final Authenticator authenticator;

  private Guard(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /** A guard that asks {@code authenticator}. */
  public static Guard of(Authenticator authenticator) {
    return new Guard(Objects.requireNonNull(authenticator, "authenticator == null"));
  }

  /**
   * The caller, who must hold one of {@code roles}.
   *
   * @throws ProblemException 401 or 403 as described in the class comment
   */
  public Principal require(RouteRequest request, Role... roles) {
    Principal p = authenticate(request);
    Set<Role> allowed = roles.length == 0 ? EnumSet.allOf(Role.class) : EnumSet.noneOf(Role.class);
    allowed.addAll(Arrays.asList(roles));
    if (!allowed.contains(p.role())) {
      throw ProblemException.of(
          "auth.forbidden", 403, "This API key's role (" + p.role().code() + ") may not do this.");
    }
    return p;
  }

  /**
   * The caller if the request carries an {@code Authorization} header, empty if it carries none.
   *
   * @throws ProblemException 401 if a header is present but malformed, unknown or revoked
   */
  public Optional<Principal> optional(RouteRequest request) {
    if (request.header("authorization").isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(authenticate(request));
  }

  private Principal authenticate(RouteRequest request) {
    String header =
        request
            .header("authorization")
            .orElseThrow(
                () ->
                    unauthorized(
                        "auth.missing_credentials",
                        "This request needs an API key: send \"Authorization: Bearer <key>\"."));
    if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw unauthorized(
          "auth.invalid_credentials", "The Authorization header must be \"Bearer <key>\".");
    }
    String key = header.substring(7).trim();
    return authenticator
        .authenticate(key)
        .orElseThrow(
            () ->
                unauthorized(
                    "auth.invalid_credentials", "The API key is unknown, malformed or revoked."));
  }

  private static ProblemException unauthorized(String code, String detail) {
    return ProblemException.of(code, 401, detail).withHeader("WWW-Authenticate", "Bearer");
  }
}
