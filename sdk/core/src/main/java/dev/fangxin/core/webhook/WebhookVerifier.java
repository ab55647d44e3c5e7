package dev.fangxin.core.webhook;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Verifies Standard Webhooks headers against the raw request body.
 *
 * <p>A webhook passes if its {@code webhook-id} is 1 to 256 printable ASCII characters, its {@code
 * webhook-timestamp} is canonical decimal seconds within the tolerance of the clock (both edges
 * included), and ANY entry of its {@code webhook-signature} header verifies with ANY configured
 * secret ({@code v1}) or public key ({@code v1a}). HMAC values are compared in constant time.
 * Entries of other versions (e.g. {@code v2,...}) are ignored, as the specification requires.
 *
 * <p>The checks run in this order and the first failure is thrown: headers present, header lengths,
 * id, timestamp format, timestamp tolerance, signature header syntax, signatures.
 *
 * <p>Instances are immutable and safe to use from many threads at once. Verification does not
 * remember ids: replay protection beyond the tolerance window (deduplicating on {@code webhook-id})
 * is the caller's job.
 */
public final class WebhookVerifier {
  /** The tolerance the specification suggests and {@link Builder} uses by default: 5 minutes. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private final List<WebhookSecret> secrets;
  private final List<WebhookPublicKey> publicKeys;
  private final long toleranceSeconds;
  private final Clock clock;

  private WebhookVerifier(Builder builder) {
    this.secrets = List.copyOf(builder.secrets);
    this.publicKeys = List.copyOf(builder.publicKeys);
    this.toleranceSeconds = builder.tolerance.getSeconds();
    this.clock = builder.clock;
  }

  /** A builder with no secrets or keys, the default tolerance and the system UTC clock. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Verifies one webhook. Pass the header values exactly as received ({@code null} if a header is
   * absent) and the exact raw body bytes, before any parsing.
   *
   * @throws WebhookException if the webhook is not authentic or not fresh; the message never
   *     contains a secret, key or signature value
   */
  public void verify(String id, String timestamp, String signatureHeader, byte[] body) {
    requireNonNull(body, "body == null");
    requirePresent(WebhookHeaders.ID, id);
    requirePresent(WebhookHeaders.TIMESTAMP, timestamp);
    requirePresent(WebhookHeaders.SIGNATURE, signatureHeader);
    if (signatureHeader.length() > Webhooks.MAX_SIGNATURE_HEADER_LENGTH) {
      throw new WebhookException(
          WebhookException.Reason.HEADER_TOO_LONG,
          "The webhook-signature header is "
              + signatureHeader.length()
              + " characters long; expected at most "
              + Webhooks.MAX_SIGNATURE_HEADER_LENGTH
              + ".");
    }
    Webhooks.checkId(id);
    long seconds = parseTimestamp(timestamp);
    checkTolerance(seconds);
    List<SignatureEntry> entries = SignatureEntry.parseHeader(signatureHeader);

    byte[] content = Webhooks.signedContent(id, timestamp, body);
    byte[][] hmacs = null; // computed lazily, once per secret
    boolean sawKnownEntry = false;
    boolean sawMalformedEntry = false;
    for (SignatureEntry entry : entries) {
      if (entry.version().equals("v1")) {
        sawKnownEntry = true;
        Optional<byte[]> mac = decode(entry.value(), Webhooks.HMAC_LENGTH);
        if (mac.isEmpty()) {
          sawMalformedEntry = true;
          continue;
        }
        if (hmacs == null) {
          hmacs = new byte[secrets.size()][];
          for (int i = 0; i < secrets.size(); i++) {
            hmacs[i] = secrets.get(i).sign(content);
          }
        }
        for (byte[] expected : hmacs) {
          if (MessageDigest.isEqual(expected, mac.get())) {
            return;
          }
        }
      } else if (entry.version().equals("v1a")) {
        sawKnownEntry = true;
        Optional<byte[]> signature = decode(entry.value(), Webhooks.ED25519_SIGNATURE_LENGTH);
        if (signature.isEmpty()) {
          sawMalformedEntry = true;
          continue;
        }
        for (WebhookPublicKey key : publicKeys) {
          if (key.verify(content, signature.get())) {
            return;
          }
        }
      }
    }
    if (sawMalformedEntry) {
      throw new WebhookException(
          WebhookException.Reason.MALFORMED_SIGNATURE,
          "No webhook-signature entry verified and at least one v1 or v1a entry is not canonical"
              + " base64 of 32 (v1) or 64 (v1a) bytes.");
    }
    if (!sawKnownEntry) {
      throw new WebhookException(
          WebhookException.Reason.NO_MATCHING_SIGNATURE,
          "The webhook-signature header has "
              + entries.size()
              + (entries.size() == 1 ? " entry" : " entries")
              + " but none of version v1 or v1a.");
    }
    throw new WebhookException(
        WebhookException.Reason.NO_MATCHING_SIGNATURE,
        "No webhook-signature entry verifies with any of the "
            + secrets.size()
            + " secret(s) and "
            + publicKeys.size()
            + " public key(s) configured; the body, id or timestamp may have been altered or the"
            + " sender uses another secret.");
  }

  /** Convenience for {@link #verify(String, String, String, byte[])} with signed headers. */
  public void verify(WebhookHeaders headers, byte[] body) {
    requireNonNull(headers, "headers == null");
    verify(headers.id(), headers.timestamp(), headers.signature(), body);
  }

  private static void requirePresent(String name, String value) {
    if (value == null || value.isEmpty()) {
      throw new WebhookException(
          WebhookException.Reason.MISSING_HEADER,
          "The " + name + " header is missing or empty; expected it on every webhook.");
    }
  }

  private static long parseTimestamp(String timestamp) {
    boolean digits = timestamp.length() <= Webhooks.MAX_TIMESTAMP_LENGTH;
    for (int i = 0; digits && i < timestamp.length(); i++) {
      char c = timestamp.charAt(i);
      digits = c >= '0' && c <= '9';
    }
    if (!digits || (timestamp.length() > 1 && timestamp.charAt(0) == '0')) {
      throw new WebhookException(
          WebhookException.Reason.BAD_TIMESTAMP,
          "The webhook-timestamp is not 1 to "
              + Webhooks.MAX_TIMESTAMP_LENGTH
              + " decimal digits without sign or leading zeros; expected integer seconds since"
              + " the epoch, e.g. 1614265330.");
    }
    return Long.parseLong(timestamp);
  }

  private void checkTolerance(long seconds) {
    long now = clock.instant().getEpochSecond();
    if (seconds < now - toleranceSeconds) {
      throw new WebhookException(
          WebhookException.Reason.TIMESTAMP_TOO_OLD,
          "The webhook-timestamp "
              + seconds
              + " is "
              + (now - seconds)
              + " s before now ("
              + now
              + "); expected at most "
              + toleranceSeconds
              + " s.");
    }
    if (seconds > now + toleranceSeconds) {
      throw new WebhookException(
          WebhookException.Reason.TIMESTAMP_TOO_NEW,
          "The webhook-timestamp "
              + seconds
              + " is "
              + (seconds - now)
              + " s after now ("
              + now
              + "); expected at most "
              + toleranceSeconds
              + " s.");
    }
  }

  private static Optional<byte[]> decode(String base64, int length) {
    return Webhooks.decodeCanonicalBase64(base64).filter(bytes -> bytes.length == length);
  }

  @Override
  public String toString() {
    return "WebhookVerifier("
        + secrets.size()
        + " secret(s), "
        + publicKeys.size()
        + " public key(s), tolerance "
        + toleranceSeconds
        + " s)";
  }

  /** Collects secrets, public keys, a tolerance and a clock. Not thread-safe; build once. */
  public static final class Builder {
    private final List<WebhookSecret> secrets = new ArrayList<>();
    private final List<WebhookPublicKey> publicKeys = new ArrayList<>();
    private Duration tolerance = DEFAULT_TOLERANCE;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Accepts {@code v1} entries made with this secret. */
    public Builder addSecret(WebhookSecret secret) {
      secrets.add(requireNonNull(secret, "secret == null"));
      return this;
    }

    /** Accepts {@code v1a} entries made with the private half of this key. */
    public Builder addPublicKey(WebhookPublicKey key) {
      publicKeys.add(requireNonNull(key, "key == null"));
      return this;
    }

    /**
     * How far the timestamp may be from the clock, either way, in whole seconds.
     *
     * @throws IllegalArgumentException unless it is a whole number of seconds, at least 1 s and at
     *     most one day
     */
    public Builder tolerance(Duration tolerance) {
      requireNonNull(tolerance, "tolerance == null");
      if (tolerance.getNano() != 0
          || tolerance.getSeconds() < 1
          || tolerance.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException(
            "tolerance must be whole seconds between 1 s and 1 day: " + tolerance);
      }
      this.tolerance = tolerance;
      return this;
    }

    /** The clock that says what "now" is (a fixed clock in tests). */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * The verifier.
     *
     * @throws IllegalStateException if there is no secret and no key, or more than 16 in all
     */
    public WebhookVerifier build() {
      int count = secrets.size() + publicKeys.size();
      if (count == 0) {
        throw new IllegalStateException("At least one secret or public key is required.");
      }
      if (count > Webhooks.MAX_SECRETS_AND_KEYS) {
        throw new IllegalStateException(
            "At most "
                + Webhooks.MAX_SECRETS_AND_KEYS
                + " secrets and keys in all are allowed, got "
                + count
                + ".");
      }
      return new WebhookVerifier(this);
    }
  }
}
