package dev.fangxin.adapters.escpos;

import dev.fangxin.core.FangxinException;

/**
 * A receipt could not be laid out or printed. {@link #reasonCode()} says why and {@link
 * #mayHavePrinted()} says whether anything may have come out of the printer.
 *
 * <p>Only {@link Reason#TRANSPORT} and {@link Reason#NO_STATUS_REPLY} raised <em>after</em> the job
 * was handed to the transport leave the outcome unknown; every other failure happens before a
 * single byte of the job is sent, so nothing was printed and the job may simply be retried.
 */
public final class PrinterException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why. Codes are stable. */
  public enum Reason {
    /** The printer reports itself offline for a reason other than those below. */
    OFFLINE("printer.offline"),
    /** The paper cover is open. */
    COVER_OPEN("printer.cover_open"),
    /** The paper roll is empty (or printing stopped at paper end). */
    PAPER_OUT("printer.paper_out"),
    /**
     * The roll is nearly empty. Never thrown by {@link EscPosPrinter}: it is a warning, exposed as
     * {@link PrinterStatus#paperNearEnd()}.
     */
    PAPER_NEAR_END("printer.paper_near_end"),
    /** The printer reports an error (cutter jam, head overheated, unrecoverable error). */
    PRINTER_ERROR("printer.printer_error"),
    /** The printer did not answer a status query in time. */
    NO_STATUS_REPLY("printer.no_status_reply"),
    /**
     * The printer answered a status query with a byte that is not a status byte (fixed bits wrong):
     * often a wrong baud rate or a device that is not an ESC/POS printer.
     */
    BAD_STATUS_REPLY("printer.bad_status_reply"),
    /** The transport failed; the cause is the {@code TransportException}. */
    TRANSPORT("printer.transport"),
    /** Text that the printer's code page cannot print (a control character, non-ASCII on ASCII). */
    UNSUPPORTED("printer.unsupported"),
    /** Content that does not fit the paper or a command's limits. */
    LAYOUT("printer.layout");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The stable machine-readable code, e.g. {@code "printer.paper_out"}. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;
  private final boolean mayHavePrinted;

  /** A failure before anything was sent: nothing was printed. */
  public PrinterException(Reason reason, String message) {
    this(reason, message, null, false);
  }

  /** A failure before anything was sent, with its cause: nothing was printed. */
  public PrinterException(Reason reason, String message, Throwable cause) {
    this(reason, message, cause, false);
  }

  PrinterException(Reason reason, String message, Throwable cause, boolean mayHavePrinted) {
    super(message, cause);
    this.reason = java.util.Objects.requireNonNull(reason, "reason == null");
    this.mayHavePrinted = mayHavePrinted;
  }

  /** Why, as an enum. */
  public Reason reasonCode() {
    return reason;
  }

  /** Why, as the stable code, e.g. {@code "printer.paper_out"}. */
  @Override
  public String reason() {
    return reason.code();
  }

  /**
   * Whether some or all of the job may have been printed: true only when the failure came after the
   * first byte of the job was handed to the transport. When false, nothing was printed.
   */
  public boolean mayHavePrinted() {
    return mayHavePrinted;
  }
}
