package dev.fangxin.gateway.clearing;

import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.InvalidIdentifierException;
import dev.fangxin.gateway.http.RouteRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signing of clearing hook requests (protocol/SPEC.md, "Clearing hook"), both directions: an
 * acquirer signs its {@code POST /v1/clearing/batches}, and the gateway signs its pull-hook calls
 * to the acquirer's callback with the same secret.
 *
 * <p>Headers: {@value #ACQUIRER} (the institution code), {@value #TIMESTAMP} (whole UTC epoch
 * seconds) and {@value #SIGNATURE}: one or more space-separated {@code v1=<base64 HMAC-SHA256>}
 * entries. The HMAC is keyed with the 32 bytes the secret's text ({@code fxa_…}) encodes and
 * computed over the UTF-8 bytes of {@code timestamp + "." + METHOD + "." + path + "." +
 * hex(sha256(body))}, where the path is the request target's path without the query and the hex is
 * lower case. A request is accepted when its timestamp is within {@link #TOLERANCE} of the
 * verifier's clock and one entry equals (constant-time compare) the HMAC under any of the
 * acquirer's active secrets.
 *
 * <p>Thread-safe; stateless apart from the injected {@link Acquirers} and clock.
 */
public final class HookSignature {
  /** Header naming the acquirer. */
  public static final String ACQUIRER = "Fangxin-Acquirer";

  /** Header with the signing time, epoch seconds. */
  public static final String TIMESTAMP = "Fangxin-Timestamp";

  /** Header with the signatures. */
  public static final String SIGNATURE = "Fangxin-Signature";

  /** How far a timestamp may be from the verifier's clock, either way. */
  public static final Duration TOLERANCE = Duration.ofMinutes(5);

  private final Acquirers acquirers;
  private final Clock clock;

  private HookSignature(Acquirers acquirers, Clock clock) {
    this.acquirers = acquirers;
    this.clock = clock;
  }

  /** A verifier of requests signed with the secrets in {@code acquirers}. */
  public static HookSignature verifier(Acquirers acquirers, Clock clock) {
    return new HookSignature(
        Objects.requireNonNull(acquirers, "acquirers == null"),
        Objects.requireNonNull(clock, "clock == null"));
  }

  /**
   * The {@value #SIGNATURE} value for a request: {@code v1=} and the base64 (with padding) of the
   * HMAC described in the class comment.
   *
   * @param secret the secret's text, {@code fxa_…}
   * @param timestamp epoch seconds, as sent in {@value #TIMESTAMP}
   * @param method the HTTP method, e.g. {@code POST} (upper-cased here)
   * @param path the request path without query, e.g. {@code /v1/clearing/batches}
   */
  public static String sign(
      String secret, long timestamp, String method, String path, byte[] body) {
    return "v1="
        + Base64.getEncoder().encodeToString(mac(keyOf(secret), timestamp, method, path, body));
  }

  /** {@link #sign} with the HMAC key itself (32 bytes). */
  static String signWithKey(byte[] key, long timestamp, String method, String path, byte[] body) {
    return "v1=" + Base64.getEncoder().encodeToString(mac(key, timestamp, method, path, body));
  }

  /**
   * The HMAC key a secret text encodes.
   *
   * @throws IllegalArgumentException if {@code secret} is not {@code fxa_} and the base64url of 32
   *     bytes
   */
  public static byte[] keyOf(String secret) {
    Objects.requireNonNull(secret, "secret == null");
    if (!secret.startsWith(Acquirers.SECRET_PREFIX)) {
      throw new IllegalArgumentException("An acquirer secret starts with fxa_.");
    }
    byte[] key;
    try {
      key = Base64.getUrlDecoder().decode(secret.substring(Acquirers.SECRET_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("An acquirer secret is fxa_ and base64url.", e);
    }
    if (key.length != 32) {
      throw new IllegalArgumentException(
          "An acquirer secret encodes 32 bytes, this one " + key.length + ".");
    }
    return key;
  }

  static byte[] mac(byte[] key, long timestamp, String method, String path, byte[] body) {
    Objects.requireNonNull(method, "method == null");
    Objects.requireNonNull(path, "path == null");
    Objects.requireNonNull(body, "body == null");
    try {
      String payload =
          timestamp
              + "."
              + method.toUpperCase(java.util.Locale.ROOT)
              + "."
              + path
              + "."
              + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 or HmacSHA256 is missing from this JVM.", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC key rejected.", e);
    }
  }

  /**
   * Authenticates a hook request: returns the acquirer that signed it.
   *
   * <p>Checks in order: the three headers are present and well-formed ({@code
   * clearing.missing_signature}); the timestamp is within {@link #TOLERANCE} ({@code
   * clearing.stale_timestamp}); the acquirer is registered and one signature matches one of its
   * active secrets ({@code clearing.bad_signature} — an unknown acquirer is answered the same way,
   * so the route does not reveal which institutions are registered).
   *
   * @throws ClearingException with the reasons above (all 401)
   */
  public InstitutionCode authenticate(RouteRequest request) {
    Objects.requireNonNull(request, "request == null");
    String acquirerText = request.header(ACQUIRER).orElse(null);
    String timestampText = request.header(TIMESTAMP).orElse(null);
    String signatures = request.header(SIGNATURE).orElse(null);
    if (acquirerText == null || timestampText == null || signatures == null) {
      throw fail(
          ClearingException.Reason.MISSING_SIGNATURE,
          "A clearing hook request carries "
              + ACQUIRER
              + ", "
              + TIMESTAMP
              + " and "
              + SIGNATURE
              + " headers.");
    }
    InstitutionCode institution;
    try {
      institution = InstitutionCode.of(acquirerText.trim());
    } catch (InvalidIdentifierException e) {
      throw fail(
          ClearingException.Reason.MISSING_SIGNATURE,
          ACQUIRER + " is not an institution code: " + e.getMessage() + ".");
    }
    long timestamp;
    try {
      timestamp = Long.parseLong(timestampText.trim());
    } catch (NumberFormatException e) {
      throw fail(
          ClearingException.Reason.MISSING_SIGNATURE,
          TIMESTAMP + " must be whole UTC epoch seconds.");
    }
    Instant now = clock.instant();
    if (Math.abs(now.getEpochSecond() - timestamp) > TOLERANCE.toSeconds()) {
      throw fail(
          ClearingException.Reason.STALE_TIMESTAMP,
          TIMESTAMP
              + " "
              + timestamp
              + " is more than "
              + TOLERANCE.toSeconds()
              + " seconds from the gateway's time "
              + now.getEpochSecond()
              + "; sign with the current time (check the clock).");
    }
    List<byte[]> keys = acquirers.activeKeys(institution, now);
    String path = request.path();
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    for (byte[] key : keys) {
      byte[] expected = mac(key, timestamp, request.method(), path, request.body());
      for (String entry : signatures.trim().split(" +")) {
        if (!entry.startsWith("v1=")) {
          continue;
        }
        byte[] given;
        try {
          given = Base64.getDecoder().decode(entry.substring(3));
        } catch (IllegalArgumentException e) {
          continue;
        }
        if (MessageDigest.isEqual(expected, given)) {
          return institution;
        }
      }
    }
    throw fail(
        ClearingException.Reason.BAD_SIGNATURE,
        "No "
            + SIGNATURE
            + " entry matches an active secret of acquirer "
            + institution.value()
            + " (or the acquirer is not registered).");
  }

  private static ClearingException fail(ClearingException.Reason reason, String message) {
    return new ClearingException(reason, message);
  }
}
