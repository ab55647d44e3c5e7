package dev.fangxin.core.webhook;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An Ed25519 public key that verifies {@code v1a} signatures, written as {@code whpk_} followed by
 * the standard base64 (with padding) of its 32-byte RFC 8032 encoding.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class WebhookPublicKey {
  /** The prefix of the text form of a public key. */
  public static final String PREFIX = "whpk_";

  /** Size of an Ed25519 public key, in bytes. */
  public static final int LENGTH = 32;

  private final byte[] encoded;
  private final Ed25519PublicKeyParameters params;

  private WebhookPublicKey(byte[] encoded, Ed25519PublicKeyParameters params) {
    this.encoded = encoded;
    this.params = params;
  }

  /**
   * Reads a public key written as {@code whpk_<base64>}; the prefix may be left out.
   *
   * @throws WebhookException with {@code BAD_KEY} if the text is not canonical base64 of a valid
   *     32-byte Ed25519 public key
   */
  public static WebhookPublicKey parse(String text) {
    requireNonNull(text, "text == null");
    String base64 = text.startsWith(PREFIX) ? text.substring(PREFIX.length()) : text;
    Optional<byte[]> bytes = Webhooks.decodeCanonicalBase64(base64);
    if (bytes.isEmpty()) {
      throw new WebhookException(
          WebhookException.Reason.BAD_KEY,
          "The webhook public key is not standard base64 with padding; expected \"whpk_\""
              + " followed by the base64 of 32 bytes.");
    }
    return of(bytes.get());
  }

  /**
   * The public key with this 32-byte RFC 8032 encoding (copied).
   *
   * @throws WebhookException with {@code BAD_KEY} if it is not 32 bytes or not a point on the curve
   */
  public static WebhookPublicKey of(byte[] encoded) {
    requireNonNull(encoded, "encoded == null");
    if (encoded.length != LENGTH) {
      throw new WebhookException(
          WebhookException.Reason.BAD_KEY,
          "The webhook public key is "
              + encoded.length
              + " bytes long; expected "
              + LENGTH
              + " bytes.");
    }
    Ed25519PublicKeyParameters params;
    try {
      params = new Ed25519PublicKeyParameters(encoded, 0);
    } catch (IllegalArgumentException e) {
      throw new WebhookException(
          WebhookException.Reason.BAD_KEY,
          "The webhook public key is 32 bytes but not a valid Ed25519 point encoding.");
    }
    return new WebhookPublicKey(encoded.clone(), params);
  }

  static WebhookPublicKey of(Ed25519PublicKeyParameters params) {
    return new WebhookPublicKey(params.getEncoded(), params);
  }

  /** The 32-byte RFC 8032 encoding (a copy). */
  public byte[] bytes() {
    return encoded.clone();
  }

  /** The text form, {@code whpk_} + base64. Public keys are not secret. */
  public String encoded() {
    return PREFIX + Base64.getEncoder().encodeToString(encoded);
  }

  boolean verify(byte[] content, byte[] signature) {
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, params);
    verifier.update(content, 0, content.length);
    return verifier.verifySignature(signature);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebhookPublicKey && Arrays.equals(encoded, ((WebhookPublicKey) o).encoded);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded);
  }

  /** The {@link #encoded() text form}. */
  @Override
  public String toString() {
    return encoded();
  }
}
