package dev.fangxin.adapters.transport;

import static java.util.Objects.requireNonNull;

import dev.fangxin.adapters.transport.TransportException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A serial port (RS-232, a USB adapter, a pseudo-terminal) through jSerialComm 2.11.
 *
 * <p>jSerialComm is loaded lazily: no jSerialComm class is touched before the first {@link
 * #open(SerialSettings)}, so an application that only prints over TCP never extracts its native
 * library. If the library cannot load, {@code open} throws {@link Reason#NATIVE_UNAVAILABLE}, now
 * and on every later call, instead of ending the JVM (see {@link NativeLoader}).
 *
 * <p>Platform truth:
 *
 * <ul>
 *   <li>Read timeouts on Linux and macOS are counted by the kernel in deciseconds ({@code VTIME},
 *       at most 25.5 s per system call). {@link #read(byte[], int, int, Duration)} rounds each wait
 *       up to the next 100 ms and loops for longer timeouts, so a read may return up to 99 ms after
 *       its timeout, never before it. Windows counts milliseconds.
 *   <li>A pseudo-terminal ({@code /dev/pts/N}, socat) does not pace bytes by the baud rate, takes
 *       the standard baud rates only, and has no parity, stop bits or modem lines on the wire: its
 *       settings are stored in termios and otherwise ignored.
 *   <li>jSerialComm takes an advisory {@code flock()} on the device: a second open from another
 *       process that also locks (jSerialComm, {@code flock(1)}) fails with {@link Reason#BUSY}; a
 *       program that does not lock (cat, screen) can still open the port. A second open of the same
 *       port in this JVM fails with {@link Reason#BUSY}.
 *   <li>Writes on POSIX block in the kernel while the output buffer is full (flow control held, a
 *       pty nobody reads). The write timeout is enforced by a watchdog that closes the port;
 *       closing releases the blocked write on Linux (measured on ptys; for UARTs the close flushes
 *       the output, which wakes the writer). After {@link Reason#WRITE_TIMEOUT} the transport is
 *       closed, because an unknown part of the bytes reached the device.
 * </ul>
 *
 * <p>Threading: as {@link Transport}: one reader and one writer at a time; {@link #close()} from
 * any thread. Reads and {@link #discardInput()} are reader-side operations.
 */
public final class SerialTransport implements Transport {
  private static final int DISCARD_LIMIT = 1 << 20;

  /** Largest wait one kernel read can ask for on POSIX: {@code VTIME} is a byte of deciseconds. */
  static final int MAX_SLICE_MILLIS = 25_500;

  /** Real paths of ports open in this JVM: jSerialComm reports a second open with errno 2. */
  private static final Set<String> OPEN_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final SerialSettings settings;
  private final JSerialCommPort port;
  private final String lockKey;
  private final String description;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SerialTransport(SerialSettings settings, JSerialCommPort port, String lockKey) {
    this.settings = settings;
    this.port = port;
    this.lockKey = lockKey;
    this.description = "serial " + settings.portPath() + " " + settings;
  }

  /**
   * Opens the port with {@code settings}.
   *
   * @throws TransportException {@code NOT_FOUND} (no such device), {@code PERMISSION_DENIED},
   *     {@code BUSY} (held by another process, or already open in this JVM), {@code
   *     BAD_CONFIGURATION} (not a serial port, or settings the driver refuses), {@code
   *     NATIVE_UNAVAILABLE} or {@code IO}
   */
  public static SerialTransport open(SerialSettings settings) {
    return open(settings, NativeLoader.system());
  }

  /** For tests: opens with an injected native loader. */
  static SerialTransport open(SerialSettings settings, NativeLoader loader) {
    requireNonNull(settings, "settings == null");
    String path = settings.portPath();
    String lockKey = path;
    if (path.startsWith("/")) {
      Path p = Path.of(path);
      if (!Files.exists(p)) {
        throw new TransportException(Reason.NOT_FOUND, "Serial port " + path + " does not exist.");
      }
      try {
        lockKey = p.toRealPath().toString();
      } catch (IOException e) {
        lockKey = path;
      }
    }
    loader.ensureLoaded();
    if (!OPEN_IN_THIS_JVM.add(lockKey)) {
      throw new TransportException(
          Reason.BUSY,
          "Serial port " + path + " is already open in this process; close that transport first.");
    }
    try {
      JSerialCommPort port = JSerialCommPort.open(settings, initialReadTimeoutMillis(settings));
      return new SerialTransport(settings, port, lockKey);
    } catch (RuntimeException | Error e) {
      OPEN_IN_THIS_JVM.remove(lockKey);
      throw e;
    }
  }

  private static int initialReadTimeoutMillis(SerialSettings settings) {
    long nanos = Timeouts.nanos(settings.readTimeout());
    return slice(nanos <= 0 ? 1 : nanos, false);
  }

  /** The settings the port was opened with. */
  public SerialSettings settings() {
    return settings;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Blocks until the operating system took every byte, or fails after {@link
   * SerialSettings#writeTimeout()} with {@link Reason#WRITE_TIMEOUT} and closes the port. "Taken"
   * means queued in the driver: at 9600 baud a 4 KiB buffer needs about 4 s more to reach the wire.
   * Other failures: {@link Reason#DISCONNECTED} (device unplugged, pty hung up), {@link
   * Reason#CLOSED}, {@link Reason#IO}.
   */
  @Override
  public void write(byte[] data, int offset, int length) {
    requireNonNull(data, "data == null");
    Objects.checkFromIndexSize(offset, length, data.length);
    ensureOpen();
    if (length == 0) {
      return;
    }
    // 0 = writing, 1 = finished by the writer, 2 = timed out by the watchdog (port closed).
    AtomicInteger state = new AtomicInteger();
    ScheduledFuture<?> watchdog =
        Timeouts.watchdog()
            .schedule(
                () -> {
                  if (state.compareAndSet(0, 2)) {
                    close();
                  }
                },
                Timeouts.nanos(settings.writeTimeout()),
                TimeUnit.NANOSECONDS);
    int written = 0;
    try {
      while (written < length) {
        int n = port.write(data, offset + written, length - written);
        if (n <= 0) {
          break;
        }
        written += n;
      }
    } finally {
      watchdog.cancel(false);
    }
    if (!state.compareAndSet(0, 1)) {
      throw new TransportException(
          Reason.WRITE_TIMEOUT,
          "Serial port "
              + settings.portPath()
              + " did not take "
              + length
              + " bytes within "
              + Timeouts.millis(settings.writeTimeout())
              + " ms ("
              + written
              + " confirmed): flow control holds the line or the device is not reading. The port"
              + " is now closed because an unknown part of the bytes reached the device.");
    }
    if (written < length) {
      throw failure("Writing to", written, length);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Waits in kernel slices of whole deciseconds on Linux and macOS (see the class comment): the
   * read returns as soon as one byte arrives, or 0 at most 99 ms after {@code timeout}. A zero
   * timeout returns what has already arrived without waiting. A blocked read fails with {@link
   * Reason#CLOSED} when another thread closes the port.
   *
   * @throws TransportException {@code DISCONNECTED} when the device went away (unplugged, the pty
   *     peer closed), {@code CLOSED} or {@code IO}
   */
  @Override
  public int read(byte[] buffer, int offset, int length, Duration timeout) {
    requireNonNull(buffer, "buffer == null");
    Objects.checkFromIndexSize(offset, length, buffer.length);
    Timeouts.checkReadTimeout(timeout);
    ensureOpen();
    if (length == 0) {
      return 0;
    }
    long deadline = Timeouts.deadline(Timeouts.nanos(timeout));
    boolean first = true;
    while (true) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        if (!first) {
          return 0;
        }
        int available = port.bytesAvailable();
        if (available < 0) {
          throw failure("Reading from", 0, length);
        }
        if (available == 0) {
          return 0;
        }
        // Bytes are waiting: the read below returns them without waiting.
      } else {
        port.readTimeoutMillis(slice(remaining, port.windows()));
      }
      first = false;
      int n = port.read(buffer, offset, length);
      if (n > 0) {
        return n;
      }
      if (n < 0) {
        throw failure("Reading from", 0, length);
      }
    }
  }

  /**
   * Reads with {@link SerialSettings#readTimeout()}; see {@link #read(byte[], int, int, Duration)}.
   */
  public int read(byte[] buffer, int offset, int length) {
    return read(buffer, offset, length, settings.readTimeout());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads and drops what the operating system has buffered (at most 1 MiB per call, so a device
   * that never stops sending cannot hold the caller). Output is not touched: {@code
   * tcflush(TCIOFLUSH)} would also drop bytes still queued for the printer. Bytes on the wire or
   * inside a USB adapter at the moment of the call arrive afterwards.
   */
  @Override
  public void discardInput() {
    ensureOpen();
    byte[] scratch = new byte[4096];
    int dropped = 0;
    while (dropped < DISCARD_LIMIT) {
      int available = port.bytesAvailable();
      if (available < 0) {
        throw failure("Reading from", 0, 0);
      }
      if (available == 0) {
        return;
      }
      int n = port.read(scratch, 0, Math.min(available, scratch.length));
      if (n < 0) {
        throw failure("Reading from", 0, 0);
      }
      if (n == 0) {
        return;
      }
      dropped += n;
    }
  }

  /** {@code "serial <path> <settings>"}, e.g. {@code "serial /dev/ttyUSB0 9600 8N1"}. */
  @Override
  public String description() {
    return description;
  }

  /** Closes the port and releases its lock. Idempotent; unblocks a read or write in progress. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        port.close();
      } finally {
        OPEN_IN_THIS_JVM.remove(lockKey);
      }
    }
  }

  @Override
  public String toString() {
    return description;
  }

  /** Bytes waiting in the operating system's input buffer; for tests. */
  int available() {
    ensureOpen();
    return port.bytesAvailable();
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw closedException();
    }
  }

  private TransportException closedException() {
    return new TransportException(
        Reason.CLOSED, "Serial port " + settings.portPath() + " is closed.");
  }

  private TransportException failure(String verb, int done, int length) {
    if (closed.get()) {
      return closedException();
    }
    int errno = port.lastErrorCode();
    String progress =
        length > 0 && verb.startsWith("Writing")
            ? " after " + done + " of " + length + " bytes"
            : "";
    if (SerialErrors.isGone(errno, port.windows())) {
      return new TransportException(
          Reason.DISCONNECTED,
          "Serial port "
              + settings.portPath()
              + " went away"
              + progress
              + ": the device was unplugged or the other end hung up ("
              + (port.windows() ? "Windows error " : "errno ")
              + errno
              + ").");
    }
    return new TransportException(
        Reason.IO,
        verb
            + " serial port "
            + settings.portPath()
            + " failed"
            + progress
            + " ("
            + (port.windows() ? "Windows error " : "errno ")
            + errno
            + ").");
  }

  /**
   * The read timeout for one kernel wait covering {@code remainingNanos}: whole milliseconds
   * rounded up, on POSIX rounded up to whole deciseconds, at most 25.5 s.
   */
  static int slice(long remainingNanos, boolean windows) {
    int ms = Timeouts.ceilMillis(remainingNanos);
    if (!windows) {
      ms = (int) Math.min(MAX_SLICE_MILLIS, ((ms + 99L) / 100L) * 100L);
    }
    return Math.min(ms, MAX_SLICE_MILLIS);
  }
}
