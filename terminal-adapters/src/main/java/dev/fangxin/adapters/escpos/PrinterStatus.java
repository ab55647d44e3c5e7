package dev.fangxin.adapters.escpos;

import java.util.Optional;

/**
 * A printer's real-time status: the replies to {@code DLE EOT 1} (printer), {@code DLE EOT 2}
 * (offline cause) and {@code DLE EOT 4} (paper roll), decoded per the Epson ESC/POS reference.
 * Immutable and thread-safe.
 *
 * <p>Bits used: n = 1 bit 3 offline; n = 2 bit 2 cover open, bit 3 paper being fed by the button,
 * bit 5 printing stopped by paper end, bit 6 error; n = 4 bits 2–3 paper near end, bits 5–6 paper
 * end. In every reply bits 1 and 4 are 1 and bits 0 and 7 are 0; {@link #parse} rejects a byte that
 * breaks this, which catches most line noise and wrong baud rates.
 */
public final class PrinterStatus {
  private static final int FIXED_MASK = 0x93;
  private static final int FIXED_VALUE = 0x12;

  private final byte printer;
  private final byte offlineCause;
  private final byte paper;

  private PrinterStatus(byte printer, byte offlineCause, byte paper) {
    this.printer = printer;
    this.offlineCause = offlineCause;
    this.paper = paper;
  }

  /**
   * Decodes the three reply bytes.
   *
   * @throws PrinterException {@code BAD_STATUS_REPLY} if a byte's fixed bits are wrong, naming the
   *     query and the byte
   */
  public static PrinterStatus parse(byte printer, byte offlineCause, byte paper) {
    checkFixedBits(1, printer);
    checkFixedBits(2, offlineCause);
    checkFixedBits(4, paper);
    return new PrinterStatus(printer, offlineCause, paper);
  }

  /**
   * Checks that {@code reply} to {@code DLE EOT n} has bits 1 and 4 set and bits 0 and 7 clear.
   *
   * @throws PrinterException {@code BAD_STATUS_REPLY} otherwise
   */
  static void checkFixedBits(int n, byte reply) {
    if ((reply & FIXED_MASK) != FIXED_VALUE) {
      throw new PrinterException(
          PrinterException.Reason.BAD_STATUS_REPLY,
          String.format(
              "the reply to DLE EOT %d was 0x%02X, not a status byte (expected bits 1 and 4 set,"
                  + " bits 0 and 7 clear: 0x12 | flags); check the baud rate and that the device"
                  + " is an ESC/POS printer",
              n, reply & 0xFF));
    }
  }

  /** Whether the printer reports itself online (n = 1, bit 3 clear). */
  public boolean online() {
    return (printer & 0x08) == 0;
  }

  /** Whether the paper cover is open (n = 2, bit 2). */
  public boolean coverOpen() {
    return (offlineCause & 0x04) != 0;
  }

  /** Whether paper is being fed by the feed button (n = 2, bit 3). */
  public boolean feedButtonPressed() {
    return (offlineCause & 0x08) != 0;
  }

  /** Whether printing stopped because the paper ran out (n = 2, bit 5). */
  public boolean stoppedByPaperEnd() {
    return (offlineCause & 0x20) != 0;
  }

  /** Whether the printer reports an error (n = 2, bit 6). */
  public boolean error() {
    return (offlineCause & 0x40) != 0;
  }

  /** Whether the roll is nearly empty (n = 4, bits 2–3): a warning, printing still works. */
  public boolean paperNearEnd() {
    return (paper & 0x0C) != 0;
  }

  /** Whether the roll is empty (n = 4, bits 5–6, or n = 2 bit 5). */
  public boolean paperOut() {
    return (paper & 0x60) != 0 || stoppedByPaperEnd();
  }

  /**
   * What keeps the printer from printing, most specific first: {@code COVER_OPEN}, {@code
   * PAPER_OUT}, {@code PRINTER_ERROR}, then {@code OFFLINE}; empty when it can print. A near-end
   * roll is not a problem (see {@link #paperNearEnd()}).
   */
  public Optional<PrinterException.Reason> problem() {
    if (coverOpen()) {
      return Optional.of(PrinterException.Reason.COVER_OPEN);
    }
    if (paperOut()) {
      return Optional.of(PrinterException.Reason.PAPER_OUT);
    }
    if (error()) {
      return Optional.of(PrinterException.Reason.PRINTER_ERROR);
    }
    if (!online()) {
      return Optional.of(PrinterException.Reason.OFFLINE);
    }
    return Optional.empty();
  }

  /** Whether the printer can print now ({@link #problem()} is empty). */
  public boolean ready() {
    return problem().isEmpty();
  }

  /** The three raw reply bytes, in query order 1, 2, 4. */
  public byte[] rawReplies() {
    return new byte[] {printer, offlineCause, paper};
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrinterStatus s
        && printer == s.printer
        && offlineCause == s.offlineCause
        && paper == s.paper;
  }

  @Override
  public int hashCode() {
    return (printer << 16) | ((offlineCause & 0xFF) << 8) | (paper & 0xFF);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("PrinterStatus{");
    b.append(online() ? "online" : "offline");
    if (coverOpen()) {
      b.append(", cover open");
    }
    if (paperOut()) {
      b.append(", paper out");
    } else if (paperNearEnd()) {
      b.append(", paper near end");
    }
    if (error()) {
      b.append(", error");
    }
    if (feedButtonPressed()) {
      b.append(", feed button");
    }
    return b.append(String.format(", raw %02X %02X %02X}", printer, offlineCause, paper))
        .toString();
  }
}
