package dev.fangxin.core.identity;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.FangxinException;
import java.util.Locale;

/**
 * A terminal identity file could not be created, read, changed or used. The {@link #reasonCode()}
 * tells the cases apart; in particular a wrong password ({@link Reason#WRONG_PASSWORD}) is distinct
 * from a file that is not a PKCS#12 store at all ({@link Reason#UNREADABLE}).
 */
public final class IdentityException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why an identity operation failed. */
  public enum Reason {
    /** The identity file does not exist. */
    NOT_FOUND,
    /** {@link TerminalIdentity#create} was asked to write over an existing file. */
    ALREADY_EXISTS,
    /**
     * The password does not open the file: the PKCS#12 integrity MAC (or a key decryption) failed.
     * PKCS#12 cannot tell a wrong password from a structurally intact file whose protected content
     * was altered; both are reported here.
     */
    WRONG_PASSWORD,
    /** The file is not a PKCS#12 store: truncated, garbage, or inconsistent entries. */
    UNREADABLE,
    /** The PKCS#12 store holds no private key entry. */
    NO_KEYS,
    /** A private key in the store is not an SM2, ECDSA P-256 or Ed25519 key. */
    UNSUPPORTED_KEY,
    /** A subject distinguished name given for a certification request is not valid. */
    INVALID_SUBJECT,
    /** Reading or writing the file failed for another reason (permissions, disk full, ...). */
    IO;

    /** The stable code, e.g. {@code "identity.wrong_password"}. */
    public String code() {
      return "identity." + name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  IdentityException(Reason reason, String message) {
    super(message);
    this.reason = requireNonNull(reason, "reason == null");
  }

  IdentityException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = requireNonNull(reason, "reason == null");
  }

  /** The reason as an enum, for callers that switch on it. */
  public Reason reasonCode() {
    return reason;
  }

  /** The stable code of {@link #reasonCode()}, e.g. {@code "identity.not_found"}. */
  @Override
  public String reason() {
    return reason.code();
  }
}
