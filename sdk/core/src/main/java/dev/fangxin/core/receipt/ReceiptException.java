package dev.fangxin.core.receipt;

import dev.fangxin.core.FangxinException;

/** A transaction could not be signed, or a signed receipt or journal was refused. */
public final class ReceiptException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why. Codes are stable. */
  public enum Reason {
    /** A transaction field is missing or inconsistent; the message names the field. */
    BAD_TRANSACTION("receipt.bad_transaction"),
    /** A signed receipt's bytes are not a well-formed version-1 receipt. */
    MALFORMED("receipt.malformed"),
    /** A receipt's signature does not verify, or its key is not the one given. */
    BAD_SIGNATURE("receipt.bad_signature"),
    /** The journal holds records the signer cannot continue from. */
    JOURNAL_INVALID("receipt.journal_invalid"),
    /** The key has used up its sequence space (2^32 - 1 receipts); rotate it. */
    SEQUENCE_EXHAUSTED("receipt.sequence_exhausted"),
    /** The signer was closed. */
    CLOSED("receipt.closed");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The stable machine-readable code. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;

  public ReceiptException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ReceiptException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reasonCode() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.code();
  }
}
