package dev.fangxin.gateway.pages;

import dev.fangxin.core.FangxinException;
import java.util.Objects;

/**
 * Thrown by the consumer pages' own checks: a form body that cannot be read, a photo that is not an
 * acceptable image. The pages turn each into a message in the consumer's language (the key is
 * {@link Reason#messageKey()}); nothing is stored when one is thrown. Branch on {@link
 * #reasonCode()}, not on the message.
 */
public final class PageException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why. Each has a stable {@link #code()} and the message key the pages show. */
  public enum Reason {
    /** The body is not a readable {@code application/x-www-form-urlencoded} or multipart form. */
    MALFORMED_FORM("page.malformed_form", "error_malformed_form"),
    /** A form field is sent twice, or a field the form does not have is sent. */
    UNEXPECTED_FIELD("page.unexpected_field", "error_malformed_form"),
    /** A photo's bytes are neither JPEG nor PNG, whatever type it claims. */
    PHOTO_TYPE("page.photo_type", "error_photo_type"),
    /** A photo is larger than {@link Photos#MAX_PHOTO_BYTES} or its pixels than the limit. */
    PHOTO_TOO_LARGE("page.photo_too_large", "error_photo_too_large"),
    /** More than {@link Photos#MAX_PHOTOS} photos. */
    PHOTO_TOO_MANY("page.photo_too_many", "error_photo_too_many"),
    /** A photo claims to be JPEG or PNG but cannot be decoded. */
    PHOTO_UNREADABLE("page.photo_unreadable", "error_photo_unreadable");

    private final String code;
    private final String messageKey;

    Reason(String code, String messageKey) {
      this.code = code;
      this.messageKey = messageKey;
    }

    /** The stable code, {@code "page.<reason>"}. */
    public String code() {
      return code;
    }

    /** The key of the message shown to the consumer (see {@link Messages}). */
    public String messageKey() {
      return messageKey;
    }
  }

  private final Reason reason;

  PageException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason == null");
  }

  PageException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason == null");
  }

  /** Why. */
  public Reason reasonCode() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.code();
  }
}
