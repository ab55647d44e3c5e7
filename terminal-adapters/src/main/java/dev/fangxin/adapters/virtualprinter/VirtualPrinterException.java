package dev.fangxin.adapters.virtualprinter;

import dev.fangxin.core.FangxinException;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The {@link VirtualPrinter} could not render an ESC/POS stream. {@link #reasonCode()} says why in
 * a stable form; the message says it for people, naming the command and the byte offset (counted
 * from 0 at the first byte of the stream) where that applies.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class VirtualPrinterException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why rendering failed. The {@link #code()} of each constant never changes. */
  public enum Reason {
    /**
     * A command of the subset is truncated (the stream ends inside it), has a parameter outside its
     * range, declares a length ({@code pL pH}, {@code xL xH yL yH}) that the stream does not hold,
     * or the bytes after {@code FS &} are not valid GB18030.
     */
    MALFORMED,
    /** A command (or a control byte, or a code-page character) outside the rendered subset. */
    UNSUPPORTED_COMMAND,
    /** The input has more bytes, or the paper would be longer, than the printer's limits. */
    TOO_LARGE,
    /** The paper holds Chinese text but none of the configured fonts can display it. */
    NO_CJK_FONT;

    private final String code = "virtual_printer." + name().toLowerCase(Locale.ROOT);

    /** Returns the stable code of this reason, such as {@code "virtual_printer.malformed"}. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;
  private final int offset;

  VirtualPrinterException(Reason reason, int offset, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason == null");
    this.offset = offset;
  }

  VirtualPrinterException(Reason reason, int offset, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason == null");
    this.offset = offset;
  }

  /** Returns why rendering failed. */
  public Reason reasonCode() {
    return reason;
  }

  /**
   * Returns the stable code of {@link #reasonCode()}, such as {@code "virtual_printer.malformed"}.
   */
  @Override
  public String reason() {
    return reason.code();
  }

  /**
   * Returns the byte offset in the stream of the command (or character) that failed, or empty when
   * the failure is not tied to one position (the input as a whole is too large).
   */
  public OptionalInt offset() {
    return offset < 0 ? OptionalInt.empty() : OptionalInt.of(offset);
  }
}
