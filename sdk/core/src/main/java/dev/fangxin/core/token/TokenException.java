package dev.fangxin.core.token;

import dev.fangxin.core.FangxinException;

/**
 * A dispute token or dispute link was refused. {@link #reasonCode()} says why; the message says
 * what exactly was wrong. Parsing and verification never throw anything else for bad input.
 */
public final class TokenException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why a token or link was refused. Codes are stable; see protocol/SPEC.md §8. */
  public enum Reason {
    /** The link or token text is longer than any valid one. */
    TOO_LONG("token.too_long"),
    /** The token text is not canonical unpadded base32. */
    BAD_ENCODING("token.bad_encoding"),
    /** The bytes are not a well-formed, canonically encoded token. */
    MALFORMED("token.malformed"),
    /** Bytes follow the token. */
    TRAILING_BYTES("token.trailing_bytes"),
    /** The claim declares a format version this verifier does not know. */
    UNSUPPORTED_VERSION("token.unsupported_version"),
    /** A claim field is out of its range (type, sequence, amount, currency, time). */
    BAD_FIELD("token.bad_field"),
    /** The token names a different key than the one it was verified against. */
    KEY_MISMATCH("token.key_mismatch"),
    /** The signature does not verify. */
    BAD_SIGNATURE("token.bad_signature"),
    /** The text is not a dispute link ({@code <BASE>/D/<TOKEN>}). */
    BAD_LINK("token.bad_link");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The stable machine-readable code, e.g. {@code "token.bad_signature"}. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;

  public TokenException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public TokenException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Why the token was refused. */
  public Reason reasonCode() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.code();
  }
}
