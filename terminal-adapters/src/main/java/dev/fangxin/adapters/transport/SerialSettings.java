package dev.fangxin.adapters.transport;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Objects;

/**
 * How to open a serial port: device path, line settings ({@code 9600 8N1}), flow control and
 * timeouts. Immutable and thread-safe; build one with {@link #builder(String)}.
 *
 * <p>Platform truth, so nobody designs against a promise the operating system does not keep:
 *
 * <ul>
 *   <li>The baud rate is checked for being positive only. Whether the port takes it is decided by
 *       the driver when the port is opened ({@link TransportException.Reason#BAD_CONFIGURATION}
 *       then). Linux takes non-standard rates on most USB adapters through {@code termios2}; a
 *       pseudo-terminal takes the standard rates only and does not pace bytes at all.
 *   <li>{@link StopBits#ONE_POINT_FIVE} exists on the wire with 5 data bits only, so other data
 *       sizes are refused here. POSIX has no 1.5 setting: a 16550-style UART sends 1.5 stop bits
 *       when asked for two with 5 data bits, and that is what is asked for on Linux and macOS.
 *   <li>{@link Parity#MARK} and {@link Parity#SPACE} need {@code CMSPAR}, which Linux and Windows
 *       have and macOS does not.
 *   <li>Read timeouts on Linux and macOS have decisecond granularity ({@code VTIME}); see {@link
 *       SerialTransport#read(byte[], int, int, Duration)}.
 * </ul>
 */
public final class SerialSettings {
  /** Parity bit. {@link #toString()} gives the letter used in {@code 8N1}. */
  public enum Parity {
    /** No parity bit. */
    NONE("N"),
    /** Odd parity. */
    ODD("O"),
    /** Even parity. */
    EVEN("E"),
    /** Parity bit always 1. */
    MARK("M"),
    /** Parity bit always 0. */
    SPACE("S");

    private final String letter;

    Parity(String letter) {
      this.letter = letter;
    }

    /** The letter in the usual short form: N, O, E, M or S. */
    public String letter() {
      return letter;
    }
  }

  /** Stop bits. */
  public enum StopBits {
    /** One stop bit. */
    ONE("1"),
    /** One and a half stop bits; only with 5 data bits. */
    ONE_POINT_FIVE("1.5"),
    /** Two stop bits. */
    TWO("2");

    private final String label;

    StopBits(String label) {
      this.label = label;
    }

    /** The number in the usual short form: 1, 1.5 or 2. */
    public String label() {
      return label;
    }
  }

  /** Flow control. */
  public enum FlowControl {
    /** None: the printer's buffer must keep up (most receipt printers with DIP switches set so). */
    NONE,
    /** Hardware handshake on the RTS and CTS lines, both directions. */
    RTS_CTS,
    /** Software handshake with XON (0x11) and XOFF (0x13), both directions. */
    XON_XOFF
  }

  /** The largest timeout accepted, in milliseconds (about 24.8 days: an {@code int}). */
  static final long MAX_TIMEOUT_MILLIS = Integer.MAX_VALUE;

  private final String portPath;
  private final int baudRate;
  private final int dataBits;
  private final Parity parity;
  private final StopBits stopBits;
  private final FlowControl flowControl;
  private final Duration readTimeout;
  private final Duration writeTimeout;

  private SerialSettings(Builder b) {
    this.portPath = b.portPath;
    this.baudRate = b.baudRate;
    this.dataBits = b.dataBits;
    this.parity = b.parity;
    this.stopBits = b.stopBits;
    this.flowControl = b.flowControl;
    this.readTimeout = b.readTimeout;
    this.writeTimeout = b.writeTimeout;
  }

  /**
   * A builder for {@code portPath} (e.g. {@code /dev/ttyUSB0}, {@code /dev/pts/3} or {@code COM3})
   * with the defaults 9600 8N1, no flow control, a 1 s read timeout and a 5 s write timeout.
   */
  public static Builder builder(String portPath) {
    return new Builder().portPath(portPath);
  }

  /** The device path, e.g. {@code /dev/ttyUSB0}. */
  public String portPath() {
    return portPath;
  }

  /** Bits per second. */
  public int baudRate() {
    return baudRate;
  }

  /** Data bits per character, 5 to 8. */
  public int dataBits() {
    return dataBits;
  }

  /** The parity bit. */
  public Parity parity() {
    return parity;
  }

  /** The stop bits. */
  public StopBits stopBits() {
    return stopBits;
  }

  /** The flow control. */
  public FlowControl flowControl() {
    return flowControl;
  }

  /**
   * The timeout of {@link SerialTransport#read(byte[], int, int)}, the overload without one. Zero
   * means "return what has already arrived".
   */
  public Duration readTimeout() {
    return readTimeout;
  }

  /**
   * How long a {@link SerialTransport#write(byte[], int, int)} may block before it fails with
   * {@link TransportException.Reason#WRITE_TIMEOUT}.
   */
  public Duration writeTimeout() {
    return writeTimeout;
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.portPath = portPath;
    b.baudRate = baudRate;
    b.dataBits = dataBits;
    b.parity = parity;
    b.stopBits = stopBits;
    b.flowControl = flowControl;
    b.readTimeout = readTimeout;
    b.writeTimeout = writeTimeout;
    return b;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SerialSettings)) {
      return false;
    }
    SerialSettings s = (SerialSettings) o;
    return baudRate == s.baudRate
        && dataBits == s.dataBits
        && portPath.equals(s.portPath)
        && parity == s.parity
        && stopBits == s.stopBits
        && flowControl == s.flowControl
        && readTimeout.equals(s.readTimeout)
        && writeTimeout.equals(s.writeTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        portPath, baudRate, dataBits, parity, stopBits, flowControl, readTimeout, writeTimeout);
  }

  /**
   * The line settings in the usual short form, e.g. {@code "9600 8N1"}, {@code "19200 7E2"}, {@code
   * "9600 5N1.5"}, followed by {@code " RTS/CTS"} or {@code " XON/XOFF"} when flow control is on.
   * The port path is not included (see {@link SerialTransport#description()}).
   */
  @Override
  public String toString() {
    String flow =
        flowControl == FlowControl.RTS_CTS
            ? " RTS/CTS"
            : flowControl == FlowControl.XON_XOFF ? " XON/XOFF" : "";
    return baudRate + " " + dataBits + parity.letter() + stopBits.label() + flow;
  }

  /**
   * Builds {@link SerialSettings}. Setters check their argument at once and throw {@link
   * TransportException} with reason {@link TransportException.Reason#BAD_CONFIGURATION} and a
   * sentence saying what was wrong; {@link #build()} checks the combination. Not thread-safe.
   */
  public static final class Builder {
    private String portPath;
    private int baudRate = 9600;
    private int dataBits = 8;
    private Parity parity = Parity.NONE;
    private StopBits stopBits = StopBits.ONE;
    private FlowControl flowControl = FlowControl.NONE;
    private Duration readTimeout = Duration.ofSeconds(1);
    private Duration writeTimeout = Duration.ofSeconds(5);

    private Builder() {}

    /** The device path; not empty, no NUL character. */
    public Builder portPath(String portPath) {
      requireNonNull(portPath, "portPath == null");
      if (portPath.isBlank()) {
        throw bad("The serial port path is empty; expected a device such as /dev/ttyUSB0.");
      }
      if (portPath.indexOf('\0') >= 0) {
        throw bad("The serial port path contains a NUL character.");
      }
      this.portPath = portPath;
      return this;
    }

    /** Bits per second, positive (9600, 19200, 38400, 57600, 115200 or what the driver takes). */
    public Builder baudRate(int baudRate) {
      if (baudRate <= 0) {
        throw bad("The baud rate must be positive, e.g. 9600 or 115200; got " + baudRate + ".");
      }
      this.baudRate = baudRate;
      return this;
    }

    /** Data bits per character, 5 to 8. */
    public Builder dataBits(int dataBits) {
      if (dataBits < 5 || dataBits > 8) {
        throw bad("Data bits must be 5, 6, 7 or 8; got " + dataBits + ".");
      }
      this.dataBits = dataBits;
      return this;
    }

    /** The parity bit. */
    public Builder parity(Parity parity) {
      this.parity = requireNonNull(parity, "parity == null");
      return this;
    }

    /** The stop bits. */
    public Builder stopBits(StopBits stopBits) {
      this.stopBits = requireNonNull(stopBits, "stopBits == null");
      return this;
    }

    /** The flow control. */
    public Builder flowControl(FlowControl flowControl) {
      this.flowControl = requireNonNull(flowControl, "flowControl == null");
      return this;
    }

    /** The default read timeout; zero or positive, at most {@code Integer.MAX_VALUE} ms. */
    public Builder readTimeout(Duration readTimeout) {
      this.readTimeout = checkTimeout("read", readTimeout, true);
      return this;
    }

    /** The write timeout; positive, at most {@code Integer.MAX_VALUE} ms. */
    public Builder writeTimeout(Duration writeTimeout) {
      this.writeTimeout = checkTimeout("write", writeTimeout, false);
      return this;
    }

    /** The settings; fails when 1.5 stop bits are combined with more than 5 data bits. */
    public SerialSettings build() {
      if (portPath == null) {
        throw bad("Serial port path required.");
      }
      if (stopBits == StopBits.ONE_POINT_FIVE && dataBits != 5) {
        throw bad(
            "1.5 stop bits exist with 5 data bits only; got "
                + dataBits
                + " data bits. Use ONE or TWO stop bits.");
      }
      return new SerialSettings(this);
    }

    private static Duration checkTimeout(String what, Duration timeout, boolean zeroAllowed) {
      requireNonNull(timeout, what + "Timeout == null");
      if (timeout.isNegative() || (!zeroAllowed && timeout.isZero())) {
        throw bad(
            "The "
                + what
                + " timeout must be "
                + (zeroAllowed ? "zero or positive" : "positive")
                + "; got "
                + timeout
                + ".");
      }
      if (timeout.compareTo(Duration.ofMillis(MAX_TIMEOUT_MILLIS)) > 0) {
        throw bad(
            "The "
                + what
                + " timeout must be at most "
                + MAX_TIMEOUT_MILLIS
                + " ms; got "
                + timeout
                + ".");
      }
      return timeout;
    }

    private static TransportException bad(String message) {
      return new TransportException(TransportException.Reason.BAD_CONFIGURATION, message);
    }
  }
}
