package dev.fangxin.adapters.transport;

import dev.fangxin.core.FangxinException;

/** A transport could not be opened, read or written. {@link #reasonCode()} says why. */
public final class TransportException extends FangxinException {
  private static final long serialVersionUID = 1L;

  /** Why. Codes are stable. */
  public enum Reason {
    /** The port, host or device does not exist. */
    NOT_FOUND("transport.not_found"),
    /** Another process holds the port. */
    BUSY("transport.busy"),
    /** The operating system refused access (permissions, group dialout). */
    PERMISSION_DENIED("transport.permission_denied"),
    /** The settings are invalid or not supported by the device. */
    BAD_CONFIGURATION("transport.bad_configuration"),
    /** The connection could not be made in time. */
    CONNECT_TIMEOUT("transport.connect_timeout"),
    /** A write did not complete in time. */
    WRITE_TIMEOUT("transport.write_timeout"),
    /** The peer closed the connection or the device went away. */
    DISCONNECTED("transport.disconnected"),
    /** The native serial library cannot load on this system. */
    NATIVE_UNAVAILABLE("transport.native_unavailable"),
    /** The transport was closed. */
    CLOSED("transport.closed"),
    /** Any other I/O failure; the cause has the detail. */
    IO("transport.io");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The stable machine-readable code. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;

  public TransportException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public TransportException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reasonCode() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.code();
  }
}
