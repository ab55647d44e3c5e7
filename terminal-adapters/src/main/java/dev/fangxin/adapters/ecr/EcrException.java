package dev.fangxin.adapters.ecr;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.FangxinException;
import java.util.Locale;

/**
 * A payment-terminal (ECR) link, frame or message failed. {@link #reasonCode()} says why; {@link
 * #reason()} is the stable code {@code "ecr.<reason in snake case>"}.
 *
 * <p>Two reasons matter most to a cashier: {@link Reason#NOT_PERFORMED} means the terminal says the
 * sale never happened, so it is safe to start it again; {@link Reason#RESULT_UNKNOWN} means the
 * terminal accepted the sale request and its outcome could not be learned, so the sale must
 * <b>not</b> be repeated until someone checks the terminal.
 */
public final class EcrException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why. Codes are stable. */
  public enum Reason {
    /** A frame arrived complete but its LRC did not match its bytes; the link NAKs it. */
    BAD_LRC,
    /** A frame stopped arriving midway (the inter-byte timeout passed); the link NAKs it. */
    TRUNCATED_FRAME,
    /** A frame declared (or a caller tried to send) more data bytes than the format allows. */
    OVERSIZE_FRAME,
    /** A length field that is not valid in its encoding (a non-digit in ASCII or BCD). */
    BAD_LENGTH,
    /** The byte after a frame's data was not ETX (0x03). */
    NO_ETX,
    /**
     * Bytes outside a frame that are neither STX, ACK nor NAK; the message says how many and where.
     */
    NOISE,
    /** The peer NAKed the first transmission and every retransmission. */
    NAK_LIMIT,
    /** No ACK after the first transmission and all allowed retransmissions. */
    NO_ACK,
    /** No reply to a request within the response timeout. */
    RESPONSE_TIMEOUT,
    /**
     * The terminal acknowledged a sale, no response came, and the last-result queries did not
     * resolve it. The sale must not be repeated: it may have been charged.
     */
    RESULT_UNKNOWN,
    /** The terminal says it has no result for the sale: the sale was not performed. */
    NOT_PERFORMED,
    /**
     * A frame received again (its ACK was lost). The link does not throw this: it ACKs the copy,
     * drops it and counts it ({@link EcrLink#duplicatesDropped()}). Codecs or applications that
     * want to treat duplicates as errors may use it.
     */
    DUPLICATE,
    /** A message could not be encoded or decoded; {@link EcrException#field()} names the field. */
    BAD_MESSAGE,
    /**
     * The transport failed; the cause is the {@link
     * dev.fangxin.adapters.transport.TransportException}.
     */
    TRANSPORT;

    /** The stable code of this reason, {@code "ecr.<reason in snake case>"}. */
    public String code() {
      return "ecr." + name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;
  private final String field;

  /** An exception with {@code reason} and a message saying what was wrong and what was expected. */
  public EcrException(Reason reason, String message) {
    this(reason, "", message, null);
  }

  /** An exception with {@code reason}, a message and the underlying cause. */
  public EcrException(Reason reason, String message, Throwable cause) {
    this(reason, "", message, cause);
  }

  private EcrException(Reason reason, String field, String message, Throwable cause) {
    super(message, cause);
    this.reason = requireNonNull(reason, "reason == null");
    this.field = requireNonNull(field, "field == null");
  }

  /**
   * A {@link Reason#BAD_MESSAGE} failure of the message field {@code field} (e.g. {@code "stan"}).
   */
  public static EcrException badMessage(String field, String message) {
    return new EcrException(Reason.BAD_MESSAGE, field, message, null);
  }

  /** A {@link Reason#BAD_MESSAGE} failure of {@code field} caused by {@code cause}. */
  public static EcrException badMessage(String field, String message, Throwable cause) {
    return new EcrException(Reason.BAD_MESSAGE, field, message, cause);
  }

  /** Why. */
  public Reason reasonCode() {
    return reason;
  }

  /** The stable code, for example {@code "ecr.result_unknown"}. */
  @Override
  public String reason() {
    return reason.code();
  }

  /**
   * For {@link Reason#BAD_MESSAGE}: the message field that was wrong in lower snake case (for
   * example {@code "masked_pan"}), or {@code "header"}; otherwise the empty string.
   */
  public String field() {
    return field;
  }
}
