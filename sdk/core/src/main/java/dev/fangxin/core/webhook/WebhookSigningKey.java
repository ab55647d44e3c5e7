package dev.fangxin.core.webhook;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An Ed25519 private key that makes {@code v1a} signatures, written as {@code whsk_} followed by
 * the standard base64 (with padding) of its 32-byte RFC 8032 seed, as the specification's reference
 * libraries do.
 *
 * <p>Instances are immutable and safe to share between threads. {@link #toString()} never reveals
 * the key; only {@link #encoded()} does.
 */
public final class WebhookSigningKey {
  /** The prefix of the text form of a signing key. */
  public static final String PREFIX = "whsk_";

  /** Size of an Ed25519 seed, in bytes. */
  public static final int LENGTH = 32;

  private final Ed25519PrivateKeyParameters params;
  private final WebhookPublicKey publicKey;

  private WebhookSigningKey(Ed25519PrivateKeyParameters params) {
    this.params = params;
    this.publicKey = WebhookPublicKey.of(params.generatePublicKey());
  }

  /** A new key from a fresh {@link SecureRandom}. */
  public static WebhookSigningKey generate() {
    return generate(new SecureRandom());
  }

  /** A new key drawn from {@code random} (pass a seeded one only in tests). */
  public static WebhookSigningKey generate(SecureRandom random) {
    requireNonNull(random, "random == null");
    return new WebhookSigningKey(new Ed25519PrivateKeyParameters(random));
  }

  /**
   * Reads a key written as {@code whsk_<base64>}; the prefix may be left out.
   *
   * @throws WebhookException with {@code BAD_KEY} if the text is not canonical base64 of 32 bytes;
   *     the message never repeats the text
   */
  public static WebhookSigningKey parse(String text) {
    requireNonNull(text, "text == null");
    String base64 = text.startsWith(PREFIX) ? text.substring(PREFIX.length()) : text;
    Optional<byte[]> seed = Webhooks.decodeCanonicalBase64(base64);
    if (seed.isEmpty()) {
      throw new WebhookException(
          WebhookException.Reason.BAD_KEY,
          "The webhook signing key is not standard base64 with padding; expected \"whsk_\""
              + " followed by the base64 of a 32-byte seed.");
    }
    return ofSeed(seed.get());
  }

  /**
   * The key with this 32-byte seed.
   *
   * @throws WebhookException with {@code BAD_KEY} unless the seed is 32 bytes
   */
  public static WebhookSigningKey ofSeed(byte[] seed) {
    requireNonNull(seed, "seed == null");
    if (seed.length != LENGTH) {
      throw new WebhookException(
          WebhookException.Reason.BAD_KEY,
          "The webhook signing key is "
              + seed.length
              + " bytes long; expected a "
              + LENGTH
              + "-byte seed.");
    }
    return new WebhookSigningKey(new Ed25519PrivateKeyParameters(seed, 0));
  }

  /** The matching public key, to give to verifiers. */
  public WebhookPublicKey publicKey() {
    return publicKey;
  }

  /** The text form, {@code whsk_} + base64 of the seed. This reveals the key. */
  public String encoded() {
    return PREFIX + Base64.getEncoder().encodeToString(params.getEncoded());
  }

  byte[] sign(byte[] content) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, params);
    signer.update(content, 0, content.length);
    return signer.generateSignature();
  }

  /** {@code WebhookSigningKey(whsk_…, public whpk_…)}: never the private key itself. */
  @Override
  public String toString() {
    return "WebhookSigningKey(whsk_…, public " + publicKey.encoded() + ")";
  }
}
