package dev.fangxin.core.webhook;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/** Shared pieces of the scheme: limits, the signed content, HMAC and strict base64. */
final class Webhooks {
  /** Longest accepted {@code webhook-id}, in characters. */
  static final int MAX_ID_LENGTH = 256;

  /** Longest accepted {@code webhook-signature} header, in characters (8 KiB). */
  static final int MAX_SIGNATURE_HEADER_LENGTH = 8 * 1024;

  /** Longest accepted {@code webhook-timestamp} header, in digits. */
  static final int MAX_TIMESTAMP_LENGTH = 18;

  /** Most secrets plus keys a signer or verifier may hold. */
  static final int MAX_SECRETS_AND_KEYS = 16;

  static final int HMAC_LENGTH = 32;
  static final int ED25519_SIGNATURE_LENGTH = 64;

  private Webhooks() {}

  /** The UTF-8 bytes of {@code id + "." + timestamp + "."} followed by {@code body}. */
  static byte[] signedContent(String id, String timestamp, byte[] body) {
    byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
    byte[] content = new byte[prefix.length + body.length];
    System.arraycopy(prefix, 0, content, 0, prefix.length);
    System.arraycopy(body, 0, content, prefix.length, body.length);
    return content;
  }

  static byte[] hmacSha256(byte[] key, byte[] content) {
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(key));
    mac.update(content, 0, content.length);
    byte[] out = new byte[HMAC_LENGTH];
    mac.doFinal(out, 0);
    return out;
  }

  /**
   * Decodes standard base64 with padding, refusing anything that does not re-encode to exactly
   * {@code text} (missing padding, stray bits, other alphabets).
   */
  static Optional<byte[]> decodeCanonicalBase64(String text) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
      return Optional.empty();
    }
    return Optional.of(bytes);
  }

  /**
   * Checks a {@code webhook-id}: 1 to 256 printable ASCII characters (0x21..0x7E).
   *
   * @throws WebhookException with {@code HEADER_TOO_LONG} or {@code BAD_ID}
   */
  static void checkId(String id) {
    if (id.length() > MAX_ID_LENGTH) {
      throw new WebhookException(
          WebhookException.Reason.HEADER_TOO_LONG,
          "The webhook-id is "
              + id.length()
              + " characters long; expected at most "
              + MAX_ID_LENGTH
              + ".");
    }
    if (id.isEmpty()) {
      throw new WebhookException(
          WebhookException.Reason.BAD_ID,
          "The webhook-id is empty; expected 1 to "
              + MAX_ID_LENGTH
              + " printable ASCII characters.");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new WebhookException(
            WebhookException.Reason.BAD_ID,
            String.format(
                "The webhook-id has character U+%04X at index %d; expected printable ASCII"
                    + " (0x21 to 0x7E) only.",
                (int) c, i));
      }
    }
  }
}
