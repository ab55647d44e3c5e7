package dev.fangxin.adapters.transport;

import java.io.Closeable;
import java.time.Duration;

/**
 * A byte pipe to a device: a serial port, a TCP socket (a printer's port 9100), or any stream pair.
 * Printers and payment-terminal links are written against this interface only, so they run
 * unchanged over a real port, a pseudo-terminal or loopback TCP.
 *
 * <p>Threading: one thread may read while another writes; two concurrent readers (or writers) are
 * not supported. {@link #close()} may be called from any thread and makes blocked calls fail with
 * {@link TransportException.Reason#CLOSED}.
 */
public interface Transport extends Closeable {
  /**
   * Writes all {@code length} bytes, blocking until the operating system accepted them or the
   * transport's write timeout passes.
   *
   * @throws TransportException {@code WRITE_TIMEOUT}, {@code DISCONNECTED}, {@code CLOSED} or
   *     {@code IO}; never returns having written part of the bytes silently
   */
  void write(byte[] data, int offset, int length);

  /** Writes all of {@code data}. */
  default void write(byte[] data) {
    write(data, 0, data.length);
  }

  /**
   * Reads at least one and at most {@code length} bytes, waiting at most {@code timeout}.
   *
   * @return the number of bytes read, or 0 if none arrived within {@code timeout}
   * @throws TransportException {@code DISCONNECTED} when the peer closed the connection (end of
   *     stream), {@code CLOSED} or {@code IO}
   */
  int read(byte[] buffer, int offset, int length, Duration timeout);

  /** Discards bytes already received and not yet read (stale replies, line noise). */
  void discardInput();

  /** A short description for messages and logs, e.g. {@code "serial /dev/ttyUSB0 9600 8N1"}. */
  String description();

  /** Closes the transport. Idempotent. */
  @Override
  void close();
}
