package dev.fangxin.core.journal;

import dev.fangxin.core.FangxinException;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Thrown when a journal file cannot be opened, read or appended to.
 *
 * <p>{@link #reason()} is a stable code such as {@code "journal.corrupt"}; {@link #reasonCode()}
 * gives the same as an enum to switch on. Where the problem sits at a known place in the file (a
 * damaged record, a bad header) {@link #offset()} names that byte offset; the message names it too.
 *
 * <p>An {@link Reason#IO} failure from {@link JournalFile#append} means the outcome is unknown: the
 * record may or may not be in the file after the next {@link JournalFile#open}. It never means the
 * record is durable.
 */
public final class JournalException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why a journal operation failed. */
  public enum Reason {
    /** The file (for a scan) or its directory (for an open) does not exist. */
    NOT_FOUND,
    /** Another {@link JournalFile}, in this process or another one, holds the file's lock. */
    LOCKED,
    /** The 16-byte file header is missing, has the wrong magic, version or reserved bytes. */
    BAD_HEADER,
    /** The file has damage followed by valid records, so it is not a torn tail a writer may cut. */
    CORRUPT,
    /** A payload is longer than {@link JournalFile#MAX_RECORD_SIZE} bytes. */
    RECORD_TOO_LARGE,
    /** A payload is empty; records carry 1 to {@link JournalFile#MAX_RECORD_SIZE} bytes. */
    EMPTY_RECORD,
    /** The journal was closed. */
    CLOSED,
    /** The operating system reported an I/O error; the cause carries it. */
    IO;

    /** The stable code, {@code "journal."} followed by the lower-case name. Never localized. */
    public String code() {
      return "journal." + name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;
  private final long offset;

  JournalException(Reason reason, String message) {
    this(reason, message, -1L, null);
  }

  JournalException(Reason reason, String message, Throwable cause) {
    this(reason, message, -1L, cause);
  }

  JournalException(Reason reason, String message, long offset) {
    this(reason, message, offset, null);
  }

  private JournalException(Reason reason, String message, long offset, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.offset = offset;
  }

  /** Why the operation failed, as an enum. */
  public Reason reasonCode() {
    return reason;
  }

  /** The stable code of {@link #reasonCode()}, for example {@code "journal.locked"}. */
  @Override
  public String reason() {
    return reason.code();
  }

  /**
   * The byte offset in the file where the problem was found, for {@link Reason#CORRUPT} and {@link
   * Reason#BAD_HEADER}; empty otherwise.
   */
  public OptionalLong offset() {
    return offset < 0 ? OptionalLong.empty() : OptionalLong.of(offset);
  }
}
