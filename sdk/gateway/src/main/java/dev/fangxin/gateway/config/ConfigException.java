package dev.fangxin.gateway.config;

import dev.fangxin.core.FangxinException;
import java.util.Objects;

/**
 * Thrown when the gateway's configuration cannot be read or holds a bad value. The message names
 * the key, where the value came from (a flag, an environment variable, a line of the file) and what
 * was expected; it never repeats the value of a secret. Branch on {@link #reasonCode()} or {@link
 * #reason()}, not on the message.
 */
public final class ConfigException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why the configuration was refused. Each has a stable {@link #code()}. */
  public enum Reason {
    /** A value could not be parsed or is out of range. */
    INVALID_VALUE("config.invalid_value"),
    /** The configuration file names a key the gateway does not know. */
    UNKNOWN_KEY("config.unknown_key"),
    /** Settings that only make sense together were not given together. */
    INCONSISTENT("config.inconsistent"),
    /** The configuration file (or a file a setting names) could not be read or parsed. */
    UNREADABLE_FILE("config.unreadable_file");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The stable code, {@code "config.<reason>"}. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;
  private final String key;
  private final String source;

  ConfigException(Reason reason, String key, String source, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason == null");
    this.key = Objects.requireNonNull(key, "key == null");
    this.source = Objects.requireNonNull(source, "source == null");
  }

  ConfigException(Reason reason, String key, String source, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason == null");
    this.key = Objects.requireNonNull(key, "key == null");
    this.source = Objects.requireNonNull(source, "source == null");
  }

  /** Why the configuration was refused. */
  public Reason reasonCode() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.code();
  }

  /** The key at fault, such as {@code http.port} (the file's key for an unknown key). */
  public String key() {
    return key;
  }

  /**
   * Where the bad value came from, such as {@code flag --port}, {@code environment variable
   * FANGXIN_HTTP_PORT}, {@code file gateway.properties line 3} or {@code default}.
   */
  public String source() {
    return source;
  }
}
