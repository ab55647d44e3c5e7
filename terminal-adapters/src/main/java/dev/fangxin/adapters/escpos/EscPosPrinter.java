package dev.fangxin.adapters.escpos;

import static java.util.Objects.requireNonNull;

import dev.fangxin.adapters.transport.Transport;
import dev.fangxin.adapters.transport.TransportException;
import java.time.Duration;

/**
 * An ESC/POS printer on a {@link Transport}: asks its real-time status and prints jobs built with
 * {@link EscPos} or {@link ReceiptLayout}.
 *
 * <p>Contract of {@link #print(byte[])}: it first asks the status ({@code DLE EOT 1, 2, 4}) and
 * refuses to send anything when the printer is offline, its cover is open or the paper is out; then
 * it writes the job; then it asks {@code DLE EOT 1} once more and waits for a valid reply, which
 * proves the connection carried the whole job (a TCP write returns as soon as the kernel has the
 * bytes, so a printer that drops the connection mid-job is only noticed here). When it returns, the
 * printer has received every byte; it does not wait for the paper to come out. When it throws,
 * {@link PrinterException#mayHavePrinted()} says whether anything may have printed: false for every
 * failure before the job was written (retry freely), true for a failure while writing or confirming
 * (look at the printer before printing again: a reprint should carry the COPY marker).
 *
 * <p>Every call runs on the caller's thread and blocks; failures are thrown there, never swallowed
 * in a background thread. Calls are serialized (one job or status query at a time), so an instance
 * may be shared by threads. The transport belongs to the caller, who closes it; this class never
 * closes it.
 *
 * <p>Printer truth: automatic status back ({@code GS a}) must be off (it is after power-on and
 * {@code ESC @}), or its unsolicited 4-byte messages are read as replies. Over serial, a printer
 * with a full buffer and hardware flow control holds {@code DLE EOT} back with the job, so the
 * confirming query may wait for the transport's write timeout. Some printers also answer a {@code
 * 10 04 n} sequence that happens to occur inside raster image data; such stray replies are
 * discarded before each query.
 */
public final class EscPosPrinter {
  /** The default time allowed for each status reply. */
  public static final Duration DEFAULT_STATUS_TIMEOUT = Duration.ofMillis(1000);

  private static final int[] QUERIES = {1, 2, 4};

  private final Transport transport;
  private final Duration statusTimeout;

  private EscPosPrinter(Transport transport, Duration statusTimeout) {
    this.transport = transport;
    this.statusTimeout = statusTimeout;
  }

  /** A printer on {@code transport} allowing {@link #DEFAULT_STATUS_TIMEOUT} per status reply. */
  public static EscPosPrinter on(Transport transport) {
    return on(transport, DEFAULT_STATUS_TIMEOUT);
  }

  /**
   * A printer on {@code transport} allowing {@code statusTimeout} per status reply. On Linux serial
   * ports read timeouts round up to 100 ms.
   *
   * @throws IllegalArgumentException if the timeout is not positive
   */
  public static EscPosPrinter on(Transport transport, Duration statusTimeout) {
    requireNonNull(transport, "transport == null");
    requireNonNull(statusTimeout, "statusTimeout == null");
    if (statusTimeout.isNegative() || statusTimeout.isZero()) {
      throw new IllegalArgumentException("statusTimeout must be positive, got " + statusTimeout);
    }
    return new EscPosPrinter(transport, statusTimeout);
  }

  /**
   * Asks {@code DLE EOT 1}, {@code 2} and {@code 4}, one at a time, each reply within the status
   * timeout. Prints nothing.
   *
   * @throws PrinterException {@code NO_STATUS_REPLY} if a reply does not come in time, {@code
   *     BAD_STATUS_REPLY} if a reply is not a status byte, {@code TRANSPORT} (cause: the {@link
   *     TransportException}) if the transport fails; never {@link
   *     PrinterException#mayHavePrinted()}
   */
  public synchronized PrinterStatus status() {
    byte[] replies = new byte[QUERIES.length];
    try {
      transport.discardInput();
      for (int i = 0; i < QUERIES.length; i++) {
        replies[i] = query(QUERIES[i], false);
      }
    } catch (TransportException e) {
      throw transportFailure("while asking its status; nothing was sent to print", e, false);
    }
    return PrinterStatus.parse(replies[0], replies[1], replies[2]);
  }

  /**
   * Checks the status, writes {@code job}, and confirms the printer is still answering (see the
   * class documentation).
   *
   * @throws PrinterException before anything is sent ({@code mayHavePrinted() == false}): {@code
   *     COVER_OPEN}, {@code PAPER_OUT}, {@code PRINTER_ERROR}, {@code OFFLINE}, or any failure of
   *     {@link #status()}; after the job was handed to the transport ({@code mayHavePrinted() ==
   *     true}): {@code TRANSPORT}, {@code NO_STATUS_REPLY} or {@code BAD_STATUS_REPLY}
   * @throws IllegalArgumentException if {@code job} is empty
   */
  public synchronized void print(byte[] job) {
    requireNonNull(job, "job == null");
    if (job.length == 0) {
      throw new IllegalArgumentException("job is empty");
    }
    PrinterStatus status = status();
    if (status.problem().isPresent()) {
      PrinterException.Reason reason = status.problem().get();
      throw new PrinterException(
          reason,
          "the printer on "
              + transport.description()
              + " cannot print: "
              + describe(reason)
              + " ("
              + status
              + "); nothing was sent");
    }
    try {
      transport.write(job);
    } catch (TransportException e) {
      throw transportFailure(
          "while writing a " + job.length + "-byte job; part of it may have printed", e, true);
    }
    try {
      transport.discardInput();
      query(1, true);
    } catch (TransportException e) {
      throw transportFailure(
          "after writing a "
              + job.length
              + "-byte job, while confirming it arrived; part of it may have printed",
          e,
          true);
    }
  }

  /** The transport's description. */
  public String description() {
    return transport.description();
  }

  private byte query(int n, boolean afterJob) {
    transport.write(EscPos.statusRequest(n));
    byte[] one = new byte[1];
    int read = transport.read(one, 0, 1, statusTimeout);
    if (read == 0) {
      throw new PrinterException(
          PrinterException.Reason.NO_STATUS_REPLY,
          "the printer on "
              + transport.description()
              + " did not answer DLE EOT "
              + n
              + " within "
              + statusTimeout.toMillis()
              + " ms"
              + (afterJob
                  ? " after the job was sent; part of it may have printed"
                  : "; is it on, and is this the right port and baud rate? Nothing was sent"),
          null,
          afterJob);
    }
    try {
      PrinterStatus.checkFixedBits(n, one[0]);
    } catch (PrinterException e) {
      throw new PrinterException(
          e.reasonCode(),
          "the printer on " + transport.description() + ": " + e.getMessage(),
          null,
          afterJob);
    }
    return one[0];
  }

  private PrinterException transportFailure(String when, TransportException e, boolean afterJob) {
    return new PrinterException(
        PrinterException.Reason.TRANSPORT,
        "the transport to the printer on "
            + transport.description()
            + " failed "
            + when
            + ": "
            + e.getMessage(),
        e,
        afterJob);
  }

  private static String describe(PrinterException.Reason reason) {
    return switch (reason) {
      case COVER_OPEN -> "the cover is open";
      case PAPER_OUT -> "the paper is out";
      case PRINTER_ERROR -> "it reports an error";
      default -> "it is offline";
    };
  }
}
