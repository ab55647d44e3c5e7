package dev.fangxin.core.qr;

import dev.fangxin.core.FangxinException;
import java.util.Locale;
import java.util.Objects;

/**
 * Thrown when a QR code cannot be encoded, rendered or decoded. The {@link #reasonCode()} says why
 * in a stable, machine-readable form; the message says it for people.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class QrException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why a QR operation failed. The {@link #code()} of each constant never changes. */
  public enum Reason {
    /** The text does not fit into a QR code of version 40 at the requested error correction. */
    TEXT_TOO_LONG,
    /** The image was read, but no readable QR code was found in it. */
    NO_CODE_FOUND,
    /** The bytes are not a supported image (PNG, JPEG, GIF, BMP), or are damaged or truncated. */
    UNREADABLE_IMAGE,
    /** The image exceeds the byte-size or pixel-dimension limits of the decoder. */
    IMAGE_TOO_LARGE,
    /** An argument is outside its documented range (module size, quiet zone, pixel count...). */
    INVALID_ARGUMENT;

    private final String code = "qr." + name().toLowerCase(Locale.ROOT);

    /** Returns the stable code of this reason, such as {@code "qr.text_too_long"}. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;

  QrException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason == null");
  }

  QrException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason == null");
  }

  /** Returns why the operation failed. */
  public Reason reasonCode() {
    return reason;
  }

  /** Returns the stable code of {@link #reasonCode()}, such as {@code "qr.no_code_found"}. */
  @Override
  public String reason() {
    return reason.code();
  }
}
