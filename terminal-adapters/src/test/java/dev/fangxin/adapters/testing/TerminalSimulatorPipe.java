package dev.fangxin.adapters.testing;

import static java.util.Objects.requireNonNull;

import dev.fangxin.adapters.transport.Transport;
import dev.fangxin.adapters.transport.TransportException;
import dev.fangxin.adapters.transport.TransportException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * In-memory {@link Transport}s for testing ECR code against {@link TerminalSimulator}: {@link
 * #open()} makes two connected ends (what one writes the other reads), and {@link #overStreams}
 * turns any stream pair (for example a pseudo-terminal opened as files) into a transport.
 *
 * <p>Both follow the {@link Transport} contract: {@code read} returns 0 on timeout, fails with
 * {@code DISCONNECTED} once the peer closed and everything sent was read, and with {@code CLOSED}
 * after {@code close()}. Thread-safe as the interface requires.
 */
public final class TerminalSimulatorPipe {
  private final Transport ecr;
  private final Transport terminal;

  private TerminalSimulatorPipe() {
    ByteQueue toTerminal = new ByteQueue();
    ByteQueue toEcr = new ByteQueue();
    this.ecr = new QueueTransport("pipe (ECR end)", toEcr, toTerminal);
    this.terminal = new QueueTransport("pipe (terminal end)", toTerminal, toEcr);
  }

  /** Two connected ends. */
  public static TerminalSimulatorPipe open() {
    return new TerminalSimulatorPipe();
  }

  /** The end for the code under test (the cash register). */
  public Transport ecrEnd() {
    return ecr;
  }

  /** The end for the {@link TerminalSimulator}. */
  public Transport terminalEnd() {
    return terminal;
  }

  /**
   * A transport that writes to {@code out} and reads from {@code in} through a daemon pump thread
   * (so reads can time out even though stream reads cannot). Closing it closes both streams.
   */
  public static Transport overStreams(InputStream in, OutputStream out, String description) {
    requireNonNull(in, "in == null");
    requireNonNull(out, "out == null");
    requireNonNull(description, "description == null");
    ByteQueue inbound = new ByteQueue();
    Thread pump =
        new Thread(
            () -> {
              byte[] buf = new byte[256];
              try {
                while (true) {
                  // read(), not readNBytes: a tty refuses the seek readNBytes makes on Java 17.
                  int n = in.read(buf, 0, buf.length);
                  if (n < 0) {
                    break;
                  }
                  inbound.write(buf, 0, n);
                }
              } catch (IOException | TransportException e) {
                // closed or the pty went away: end of stream
              }
              inbound.closeWriter();
            },
            "stream-pump " + description);
    pump.setDaemon(true);
    pump.start();
    return new Transport() {
      private volatile boolean closed;

      @Override
      public void write(byte[] data, int offset, int length) {
        if (closed) {
          throw new TransportException(Reason.CLOSED, description + " is closed");
        }
        try {
          out.write(data, offset, length);
          out.flush();
        } catch (IOException e) {
          throw new TransportException(Reason.IO, "write to " + description + " failed", e);
        }
      }

      @Override
      public int read(byte[] buffer, int offset, int length, Duration timeout) {
        if (closed) {
          throw new TransportException(Reason.CLOSED, description + " is closed");
        }
        return inbound.read(buffer, offset, length, timeout, description);
      }

      @Override
      public void discardInput() {
        inbound.clear();
      }

      @Override
      public String description() {
        return description;
      }

      @Override
      public void close() {
        closed = true;
        inbound.closeReader();
        try {
          out.close();
        } catch (IOException ignored) {
          // closing anyway
        }
        try {
          in.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    };
  }

  /** A byte FIFO with timed reads. */
  static final class ByteQueue {
    private byte[] buf = new byte[1024];
    private int head;
    private int count;
    private boolean writerClosed;
    private boolean readerClosed;

    synchronized void write(byte[] data, int offset, int length) {
      if (readerClosed || writerClosed) {
        throw new TransportException(Reason.DISCONNECTED, "the other end is closed");
      }
      if (count + length > buf.length) {
        byte[] bigger = new byte[Math.max(buf.length * 2, count + length)];
        for (int i = 0; i < count; i++) {
          bigger[i] = buf[(head + i) % buf.length];
        }
        buf = bigger;
        head = 0;
      }
      for (int i = 0; i < length; i++) {
        buf[(head + count + i) % buf.length] = data[offset + i];
      }
      count += length;
      notifyAll();
    }

    synchronized int read(
        byte[] out, int offset, int length, Duration timeout, String description) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (count == 0) {
        if (readerClosed) {
          throw new TransportException(Reason.CLOSED, description + " is closed");
        }
        if (writerClosed) {
          throw new TransportException(
              Reason.DISCONNECTED, "the other end of " + description + " closed");
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return 0;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TransportException(Reason.IO, "interrupted reading " + description, e);
        }
      }
      int n = Math.min(length, count);
      for (int i = 0; i < n; i++) {
        out[offset + i] = buf[(head + i) % buf.length];
      }
      head = (head + n) % buf.length;
      count -= n;
      return n;
    }

    synchronized void clear() {
      head = 0;
      count = 0;
    }

    synchronized void closeWriter() {
      writerClosed = true;
      notifyAll();
    }

    synchronized void closeReader() {
      readerClosed = true;
      notifyAll();
    }
  }

  private static final class QueueTransport implements Transport {
    private final String description;
    private final ByteQueue in;
    private final ByteQueue out;
    private volatile boolean closed;

    QueueTransport(String description, ByteQueue in, ByteQueue out) {
      this.description = description;
      this.in = in;
      this.out = out;
    }

    @Override
    public void write(byte[] data, int offset, int length) {
      if (closed) {
        throw new TransportException(Reason.CLOSED, description + " is closed");
      }
      out.write(data, offset, length);
    }

    @Override
    public int read(byte[] buffer, int offset, int length, Duration timeout) {
      if (closed) {
        throw new TransportException(Reason.CLOSED, description + " is closed");
      }
      return in.read(buffer, offset, length, timeout, description);
    }

    @Override
    public void discardInput() {
      in.clear();
    }

    @Override
    public String description() {
      return description;
    }

    @Override
    public void close() {
      closed = true;
      in.closeReader();
      out.closeWriter();
    }
  }
}
