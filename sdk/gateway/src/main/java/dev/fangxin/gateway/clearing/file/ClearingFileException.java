package dev.fangxin.gateway.clearing.file;

import dev.fangxin.core.FangxinException;
import java.util.Locale;
import java.util.Objects;

/**
 * Thrown when a clearing file is refused: it is malformed, truncated, fails its trailer's controls,
 * names an unknown acquirer, repeats a batch or a file already ingested, or conflicts with records
 * already stored.
 *
 * <p>{@link #line()} is the 1-based line of the file the problem was found on (0 when it concerns
 * the file as a whole) and {@link #field()} the name of the field (a column name of {@code
 * protocol/SPEC.md} section 14, such as {@code "stan"} or {@code "card_number"}; empty when none
 * applies). Messages never contain a card number or any part of one, so they are safe to log.
 * Branch on {@link #reasonCode()} or {@link #reason()}, not on the message.
 */
public final class ClearingFileException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why a clearing file was refused. Each has a stable {@link #code()}. */
  public enum Reason {
    /** The file ends before its trailer, or its last line has no line feed. */
    TRUNCATED,
    /** A line is not a record of the expected type and length. */
    MALFORMED_LINE,
    /** A field holds a value that its column does not allow. */
    INVALID_FIELD,
    /** The trailer's record count differs from the number of detail records. */
    COUNT_MISMATCH,
    /** The trailer's total amount differs from the sum of the detail amounts. */
    TOTAL_MISMATCH,
    /** The trailer's CRC-32C differs from the one computed over the detail lines. */
    CHECKSUM_MISMATCH,
    /** Bytes follow the trailer. */
    TRAILING_DATA,
    /** The acquirer in the header is not registered, or is not the one the caller named. */
    UNKNOWN_ACQUIRER,
    /** A detail record belongs to another acquirer than the file's header names. */
    ACQUIRER_MISMATCH,
    /** This exact file (same SHA-256) was ingested completely before. */
    ALREADY_INGESTED,
    /** The header's batch ID was received before with other content. */
    DUPLICATE_BATCH,
    /** A record's durable trace is already stored (or repeated in the file) with other content. */
    CONFLICTING_RECORD,
    /** The file could not be read. */
    IO_FAILED;

    /** The stable code, {@code "clearing_file.<reason in snake case>"}. */
    public String code() {
      return "clearing_file." + name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;
  private final long line;
  private final String field;

  ClearingFileException(Reason reason, long line, String field, String message) {
    this(reason, line, field, message, null);
  }

  ClearingFileException(Reason reason, long line, String field, String message, Throwable cause) {
    super(prefix(line, field) + message, cause);
    this.reason = Objects.requireNonNull(reason, "reason == null");
    this.line = line;
    this.field = Objects.requireNonNull(field, "field == null");
  }

  private static String prefix(long line, String field) {
    if (line <= 0) {
      return "";
    }
    return "line " + line + (field.isEmpty() ? "" : ", field " + field) + ": ";
  }

  /** Why the file was refused. */
  public Reason reasonCode() {
    return reason;
  }

  /** The 1-based line the problem was found on, or 0 when it concerns the whole file. */
  public long line() {
    return line;
  }

  /** The name of the offending field, or the empty string. */
  public String field() {
    return field;
  }

  @Override
  public String reason() {
    return reason.code();
  }
}
