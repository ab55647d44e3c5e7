package dev.fangxin.core.webhook;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * A symmetric signing secret for {@code v1} (HMAC-SHA256) signatures: 24 to 64 bytes, written as
 * {@code whsec_} followed by their standard base64 with padding.
 *
 * <p>Instances are immutable and safe to share between threads. {@link #toString()} never reveals
 * the secret; only {@link #encoded()} does.
 */
public final class WebhookSecret {
  /** The prefix of the text form of a secret. */
  public static final String PREFIX = "whsec_";

  /** Smallest accepted secret, in bytes (the specification's 192 bits). */
  public static final int MIN_BYTES = 24;

  /** Largest accepted secret, in bytes (the specification's 512 bits). */
  public static final int MAX_BYTES = 64;

  /** Size of a {@link #generate() generated} secret, in bytes. */
  public static final int GENERATED_BYTES = 32;

  private final byte[] key;

  private WebhookSecret(byte[] key) {
    this.key = key;
  }

  /** A new secret of 32 bytes from a fresh {@link SecureRandom}. */
  public static WebhookSecret generate() {
    return generate(new SecureRandom());
  }

  /** A new secret of 32 bytes drawn from {@code random} (pass a seeded one only in tests). */
  public static WebhookSecret generate(SecureRandom random) {
    requireNonNull(random, "random == null");
    byte[] key = new byte[GENERATED_BYTES];
    random.nextBytes(key);
    return new WebhookSecret(key);
  }

  /**
   * Reads a secret written as {@code whsec_<base64>}. The prefix may be left out, as the reference
   * libraries of the specification allow.
   *
   * @throws WebhookException with {@code BAD_SECRET} if the text is not canonical base64 of 24 to
   *     64 bytes; the message never repeats the text
   */
  public static WebhookSecret parse(String text) {
    requireNonNull(text, "text == null");
    String base64 = text.startsWith(PREFIX) ? text.substring(PREFIX.length()) : text;
    Optional<byte[]> key = Webhooks.decodeCanonicalBase64(base64);
    if (key.isEmpty()) {
      throw new WebhookException(
          WebhookException.Reason.BAD_SECRET,
          "The webhook secret is not standard base64 with padding; expected \"whsec_\" followed by"
              + " the base64 of 24 to 64 bytes.");
    }
    return of(key.get());
  }

  /**
   * A secret made of exactly these bytes (copied).
   *
   * @throws WebhookException with {@code BAD_SECRET} unless there are 24 to 64 bytes
   */
  public static WebhookSecret of(byte[] key) {
    requireNonNull(key, "key == null");
    if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
      throw new WebhookException(
          WebhookException.Reason.BAD_SECRET,
          "The webhook secret is "
              + key.length
              + " bytes long; expected "
              + MIN_BYTES
              + " to "
              + MAX_BYTES
              + " bytes.");
    }
    return new WebhookSecret(key.clone());
  }

  /** The text form, {@code whsec_} + base64. This reveals the secret: hand it only to its owner. */
  public String encoded() {
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The length of the secret in bytes. */
  public int length() {
    return key.length;
  }

  byte[] sign(byte[] content) {
    return Webhooks.hmacSha256(key, content);
  }

  /** {@code WebhookSecret(whsec_…, 32 bytes)}: never the secret itself. */
  @Override
  public String toString() {
    return "WebhookSecret(whsec_…, " + key.length + " bytes)";
  }
}
