package dev.fangxin.core;

/**
 * The root of every exception that {@code fangxin-sdk-core} throws on purpose.
 *
 * <p>Each subclass names one concept (a token, a key, a journal, an identifier, a QR image) and
 * carries a stable, machine-readable {@link #reason()} such as {@code "token.bad_signature"}, so
 * that callers and the gateway's {@code problem+json} answers can branch on it without parsing the
 * message. The message itself is a sentence for people: it says what was wrong and, where it helps,
 * what was expected.
 */
public abstract class FangxinException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected FangxinException(String message) {
    super(message);
  }

  protected FangxinException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A stable code, {@code "<concept>.<reason>"} in lower snake case. Never localized. */
  public abstract String reason();
}
