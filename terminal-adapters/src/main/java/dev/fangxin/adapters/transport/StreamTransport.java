package dev.fangxin.adapters.transport;

import static java.util.Objects.requireNonNull;

import dev.fangxin.adapters.transport.TransportException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A transport over any {@link InputStream} and {@link OutputStream} pair: a Bluetooth SPP socket's
 * streams, a USB printer class device file, a child process, piped streams in tests.
 *
 * <p>{@link InputStream#read} cannot time out, so one background thread per transport (a daemon
 * named {@code fangxin-stream-reader (<description>)}) reads the input stream into a bounded buffer
 * of {@value #BUFFER_CAPACITY} bytes, and {@link #read(byte[], int, int, Duration)} waits on that
 * buffer with its timeout. When the buffer is full the thread stops reading, so the stream's own
 * flow control pushes back on the sender. The thread never handles an error itself: end of stream
 * and any {@link IOException} are kept and thrown to the caller of {@code read} once the bytes
 * received before them have been read ({@link Reason#DISCONNECTED} and {@link Reason#IO}).
 *
 * <p>Writes go straight to the output stream on the calling thread and are flushed. There is no
 * write timeout: a write blocks as long as the output stream blocks, so {@link
 * Reason#WRITE_TIMEOUT} is never reported. Use {@link TcpTransport} or {@link SerialTransport}
 * where a device may stop reading.
 *
 * <p>{@link #close()} closes both streams and interrupts the reader thread. A stream whose {@code
 * read} ignores both (some device files) keeps the thread until its next byte or error; the thread
 * then ends without touching anything.
 *
 * <p>Threading: as {@link Transport}: one reader and one writer at a time; {@link #close()} from
 * any thread.
 */
public final class StreamTransport implements Transport {
  /** Capacity of the buffer between the reader thread and {@link #read}. */
  public static final int BUFFER_CAPACITY = 64 * 1024;

  private final InputStream in;
  private final OutputStream out;
  private final String description;
  private final AtomicBoolean closed = new AtomicBoolean();

  private final Object lock = new Object();
  private final byte[] ring = new byte[BUFFER_CAPACITY];
  private int head; // guarded by lock
  private int size; // guarded by lock
  private boolean endOfStream; // guarded by lock
  private Throwable failure; // guarded by lock

  private final Thread reader;

  private StreamTransport(InputStream in, OutputStream out, String description) {
    this.in = in;
    this.out = out;
    this.description = description;
    this.reader = new Thread(this::pump, "fangxin-stream-reader (" + description + ")");
    this.reader.setDaemon(true);
  }

  /**
   * A transport reading {@code in} and writing {@code out}; starts the reader thread. The transport
   * owns both streams from now on and closes them in {@link #close()}.
   *
   * @param description for messages and {@link #description()}, e.g. {@code "bluetooth
   *     00:11:22:33:44:55"}; not blank
   */
  public static StreamTransport of(InputStream in, OutputStream out, String description) {
    requireNonNull(in, "in == null");
    requireNonNull(out, "out == null");
    requireNonNull(description, "description == null");
    if (description.isBlank()) {
      throw new IllegalArgumentException("description is blank");
    }
    StreamTransport t = new StreamTransport(in, out, description);
    t.reader.start();
    return t;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Writes and flushes on the calling thread; blocks as long as the output stream blocks.
   *
   * @throws TransportException {@code IO} when the stream throws, {@code CLOSED}
   */
  @Override
  public void write(byte[] data, int offset, int length) {
    requireNonNull(data, "data == null");
    Objects.checkFromIndexSize(offset, length, data.length);
    ensureOpen();
    try {
      out.write(data, offset, length);
      out.flush();
    } catch (IOException e) {
      if (closed.get()) {
        throw closedException(e);
      }
      throw new TransportException(
          Reason.IO, "Writing to " + description + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Returns bytes already buffered by the reader thread at once; otherwise waits for them at
   * most {@code timeout}. An interrupt of the calling thread ends the wait with {@link Reason#IO}
   * and keeps the thread's interrupt status set.
   *
   * @throws TransportException {@code DISCONNECTED} when the input stream ended and every byte
   *     before the end was read; {@code IO} when it threw (the cause is attached); {@code CLOSED}
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
    synchronized (lock) {
      while (size == 0) {
        if (closed.get()) {
          throw closedException(null);
        }
        if (failure != null) {
          throw new TransportException(
              Reason.IO,
              "Reading from " + description + " failed: " + failure.getMessage(),
              failure);
        }
        if (endOfStream) {
          throw new TransportException(
              Reason.DISCONNECTED, "The input of " + description + " ended (end of stream).");
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return 0;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TransportException(
              Reason.IO, "Interrupted while reading from " + description + ".", e);
        }
      }
      if (closed.get()) {
        throw closedException(null);
      }
      int n = Math.min(length, size);
      int first = Math.min(n, BUFFER_CAPACITY - head);
      System.arraycopy(ring, head, buffer, offset, first);
      System.arraycopy(ring, 0, buffer, offset + first, n - first);
      head = (head + n) % BUFFER_CAPACITY;
      size -= n;
      lock.notifyAll(); // room for the reader thread
      return n;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Drops the bytes the reader thread has buffered. Bytes still inside the input stream (when
   * the buffer was full) are not dropped.
   */
  @Override
  public void discardInput() {
    ensureOpen();
    synchronized (lock) {
      head = 0;
      size = 0;
      lock.notifyAll();
    }
  }

  /** The description given to {@link #of}. */
  @Override
  public String description() {
    return description;
  }

  /** Closes both streams and stops the reader thread. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (lock) {
      lock.notifyAll();
    }
    reader.interrupt();
    try {
      in.close();
    } catch (IOException ignored) {
      // Closing is best effort; the transport is closed either way.
    }
    try {
      out.close();
    } catch (IOException ignored) {
      // As above.
    }
  }

  @Override
  public String toString() {
    return description;
  }

  /** Bytes the reader thread has buffered and {@link #read} has not returned yet; for tests. */
  int buffered() {
    synchronized (lock) {
      return size;
    }
  }

  /** The reader thread: input stream to ring buffer, until end of stream, failure or close. */
  private void pump() {
    byte[] chunk = new byte[8192];
    try {
      while (!closed.get()) {
        int room;
        synchronized (lock) {
          while (size == BUFFER_CAPACITY && !closed.get()) {
            lock.wait();
          }
          if (closed.get()) {
            return;
          }
          room = BUFFER_CAPACITY - size;
        }
        int n = in.read(chunk, 0, Math.min(chunk.length, room));
        synchronized (lock) {
          if (n < 0) {
            endOfStream = true;
            lock.notifyAll();
            return;
          }
          int tail = (head + size) % BUFFER_CAPACITY;
          int first = Math.min(n, BUFFER_CAPACITY - tail);
          System.arraycopy(chunk, 0, ring, tail, first);
          System.arraycopy(chunk, first, ring, 0, n - first);
          size += n;
          lock.notifyAll();
        }
      }
    } catch (InterruptedException e) {
      // close() interrupted the wait for room: nothing to report.
    } catch (IOException | RuntimeException e) {
      synchronized (lock) {
        if (!closed.get()) {
          failure = e; // thrown to the next reader, never logged or dropped here
        }
        lock.notifyAll();
      }
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw closedException(null);
    }
  }

  private TransportException closedException(Exception cause) {
    return new TransportException(Reason.CLOSED, description + " is closed.", cause);
  }
}
