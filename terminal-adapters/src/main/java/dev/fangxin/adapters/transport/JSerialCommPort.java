package dev.fangxin.adapters.transport;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;

/**
 * The one class that touches jSerialComm. It is loaded by {@link SerialTransport#open} only after
 * {@link NativeLoader#ensureLoaded()} succeeded, so nothing else in this package can trigger
 * jSerialComm's static initializer.
 *
 * <p>Only two timeout modes are used: read semi-blocking (POSIX {@code VMIN=0, VTIME=t}) and writes
 * on a blocking descriptor. jSerialComm's non-blocking mode is never used: its native write spins
 * on {@code EAGAIN} in that mode, and switching modes changes {@code O_NONBLOCK} under a concurrent
 * writer. Write-blocking mode is never used either: it adds a {@code tcdrain()} that waits until
 * the UART has sent every bit, which nothing can interrupt.
 */
final class JSerialCommPort {
  private final SerialPort port;
  private final boolean windows;
  private int currentReadTimeoutMillis = -1;

  private JSerialCommPort(SerialPort port, boolean windows) {
    this.port = port;
    this.windows = windows;
  }

  /** Opens {@code settings.portPath()}. */
  static JSerialCommPort open(SerialSettings settings, int initialReadTimeoutMillis) {
    String path = settings.portPath();
    SerialPort port;
    try {
      port = SerialPort.getCommPort(path);
    } catch (SerialPortInvalidPortException e) {
      throw new TransportException(
          TransportException.Reason.NOT_FOUND, "Serial port " + path + " does not exist.", e);
    }
    boolean windows = isWindows();
    port.setComPortParameters(
        settings.baudRate(),
        settings.dataBits(),
        stopBits(settings, windows),
        parity(settings.parity()),
        false);
    port.setFlowControl(flowControl(settings.flowControl()));
    port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, initialReadTimeoutMillis, 0);
    if (!port.openPort()) {
      throw SerialErrors.openFailure(
          path, settings, port.getLastErrorCode(), port.getLastErrorLocation(), windows);
    }
    JSerialCommPort p = new JSerialCommPort(port, windows);
    p.currentReadTimeoutMillis = initialReadTimeoutMillis;
    return p;
  }

  boolean windows() {
    return windows;
  }

  /**
   * Sets the read timeout used by {@link #read} unless it already is; jSerialComm re-applies the
   * whole configuration on every change, so callers keep it stable.
   */
  void readTimeoutMillis(int millis) {
    if (millis != currentReadTimeoutMillis) {
      port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, millis, 0);
      currentReadTimeoutMillis = millis;
    }
  }

  /** Bytes read (0 when the timeout passed), or -1 on failure ({@link #lastErrorCode()}). */
  int read(byte[] buffer, int offset, int length) {
    return port.readBytes(buffer, length, offset);
  }

  /** Bytes written, or -1 (or 0) on failure ({@link #lastErrorCode()}). */
  int write(byte[] data, int offset, int length) {
    return port.writeBytes(data, length, offset);
  }

  /** Bytes waiting in the operating system's input buffer, or -1 when the port is unusable. */
  int bytesAvailable() {
    return port.bytesAvailable();
  }

  int lastErrorCode() {
    return port.getLastErrorCode();
  }

  /** Closes the port; unblocks a read or write in progress (measured on Linux ptys). */
  void close() {
    port.closePort();
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win");
  }

  private static int stopBits(SerialSettings s, boolean windows) {
    switch (s.stopBits()) {
      case ONE:
        return SerialPort.ONE_STOP_BIT;
      case ONE_POINT_FIVE:
        // POSIX has no 1.5: CSTOPB with CS5 makes a 16550 UART send 1.5 stop bits.
        return windows ? SerialPort.ONE_POINT_FIVE_STOP_BITS : SerialPort.TWO_STOP_BITS;
      case TWO:
        return SerialPort.TWO_STOP_BITS;
      default:
        throw new AssertionError(s.stopBits());
    }
  }

  private static int parity(SerialSettings.Parity parity) {
    switch (parity) {
      case NONE:
        return SerialPort.NO_PARITY;
      case ODD:
        return SerialPort.ODD_PARITY;
      case EVEN:
        return SerialPort.EVEN_PARITY;
      case MARK:
        return SerialPort.MARK_PARITY;
      case SPACE:
        return SerialPort.SPACE_PARITY;
      default:
        throw new AssertionError(parity);
    }
  }

  private static int flowControl(SerialSettings.FlowControl flow) {
    switch (flow) {
      case NONE:
        return SerialPort.FLOW_CONTROL_DISABLED;
      case RTS_CTS:
        return SerialPort.FLOW_CONTROL_RTS_ENABLED | SerialPort.FLOW_CONTROL_CTS_ENABLED;
      case XON_XOFF:
        return SerialPort.FLOW_CONTROL_XONXOFF_IN_ENABLED
            | SerialPort.FLOW_CONTROL_XONXOFF_OUT_ENABLED;
      default:
        throw new AssertionError(flow);
    }
  }
}
