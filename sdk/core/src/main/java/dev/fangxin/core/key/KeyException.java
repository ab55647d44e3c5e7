package dev.fangxin.core.key;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.FangxinException;
import java.util.Locale;

/**
 * A key, a key identifier, a signature algorithm name or a PEM block was not what this package
 * accepts. The {@link #reasonCode()} says which rule was broken; the message says what was found
 * and what was expected.
 *
 * <p>Signature <em>verification</em> never throws this exception: a bad signature is reported as
 * {@code false} by {@link TerminalPublicKey#verify(byte[], byte[])}.
 */
public final class KeyException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why a key or key-related input was refused. */
  public enum Reason {
    /** The bytes are not the expected DER structure (SubjectPublicKeyInfo, PKCS#8). */
    MALFORMED_ENCODING,
    /** The text is not a single PEM block with the expected label and valid base64. */
    MALFORMED_PEM,
    /** The structure is well formed but names an algorithm or curve this SDK does not support. */
    UNSUPPORTED_ALGORITHM,
    /** The algorithm is supported but the key material itself is invalid. */
    INVALID_KEY,
    /** A key identifier was not 8 bytes or 16 hex characters. */
    INVALID_KEY_ID,
    /** A signature algorithm name or protobuf value is not one of the supported algorithms. */
    UNKNOWN_ALGORITHM;

    /** The stable code, e.g. {@code "key.unsupported_algorithm"}. */
    public String code() {
      return "key." + name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  KeyException(Reason reason, String message) {
    super(message);
    this.reason = requireNonNull(reason, "reason == null");
  }

  KeyException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = requireNonNull(reason, "reason == null");
  }

  /** The reason as an enum, for callers that switch on it. */
  public Reason reasonCode() {
    return reason;
  }

  /** The stable code of {@link #reasonCode()}, e.g. {@code "key.invalid_key"}. */
  @Override
  public String reason() {
    return reason.code();
  }
}
