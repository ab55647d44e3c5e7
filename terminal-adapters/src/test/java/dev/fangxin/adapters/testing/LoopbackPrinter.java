package dev.fangxin.adapters.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;

/**
 * A mock ESC/POS network printer on loopback (like a printer's TCP port 9100): records every byte
 * it receives and answers real-time status queries ({@code DLE EOT n}) with a configurable status.
 * Use it in tests with a TCP transport:
 *
 * <pre>{@code
 * try (LoopbackPrinter printer = LoopbackPrinter.start()) {
 *   printer.status(LoopbackPrinter.Status.PAPER_OUT);
 *   // connect a transport to printer.host() : printer.port(), print, then:
 *   assertThat(printer.jobBytes()).isEmpty();
 * }
 * }</pre>
 *
 * <p>What it records: {@link #bytes()} is every byte received, status queries included, exactly as
 * on the wire; {@link #jobBytes()} is the same with each answered {@code 10 04 n} (n = 1..4)
 * removed. Like many real printers it answers a {@code 10 04 n} wherever it appears, even inside
 * raster data. Connections are served one at a time, in order; bytes of all connections are
 * appended to the same record.
 *
 * <p>Failure injection: {@link #closeAfterJobBytes(long)} resets the connection (TCP RST) once that
 * many job bytes have arrived; {@link #silent(boolean)} stops answering status queries; {@link
 * #rawStatus(int, int, int)} answers arbitrary bytes (garbage).
 *
 * <p>Thread-safe: the server runs on its own daemon thread; every method may be called from any
 * thread. Close it (try-with-resources) to stop the thread and free the port.
 */
public final class LoopbackPrinter implements AutoCloseable {
  /** A status the printer reports. */
  public enum Status {
    /** Ready: replies 12 12 12. */
    ONLINE(0x12, 0x12, 0x12),
    /** Offline without a specific cause: 1A 12 12. */
    OFFLINE(0x1A, 0x12, 0x12),
    /** Cover open: 1A 16 12. */
    COVER_OPEN(0x1A, 0x16, 0x12),
    /** Paper out: 1A 32 72. */
    PAPER_OUT(0x1A, 0x32, 0x72),
    /** Ready but the roll is nearly empty: 12 12 1E. */
    PAPER_NEAR_END(0x12, 0x12, 0x1E),
    /** An error (cutter jam, say): 1A 52 12. */
    ERROR(0x1A, 0x52, 0x12);

    private final int printer;
    private final int offlineCause;
    private final int paper;

    Status(int printer, int offlineCause, int paper) {
      this.printer = printer;
      this.offlineCause = offlineCause;
      this.paper = paper;
    }
  }

  private final ServerSocket server;
  private final Thread thread;
  private final ByteArrayOutputStream all = new ByteArrayOutputStream();
  private final ByteArrayOutputStream job = new ByteArrayOutputStream();
  private final Object lock = new Object();

  private int[] replies = {0x12, 0x12, 0x12, 0x12};
  private boolean silent;
  private long closeAfter = -1;
  private int statusQueries;
  private int connections;
  private Socket current;
  private volatile boolean closed;

  private LoopbackPrinter(ServerSocket server) {
    this.server = server;
    this.thread = new Thread(this::serve, "loopback-printer-" + server.getLocalPort());
    this.thread.setDaemon(true);
  }

  /** Starts a printer on 127.0.0.1 at an ephemeral port, reporting {@link Status#ONLINE}. */
  public static LoopbackPrinter start() {
    try {
      ServerSocket server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      LoopbackPrinter printer = new LoopbackPrinter(server);
      printer.thread.start();
      return printer;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code "127.0.0.1"}. */
  public String host() {
    return server.getInetAddress().getHostAddress();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Sets the status answered from now on. */
  public LoopbackPrinter status(Status status) {
    return rawStatus(status.printer, status.offlineCause, status.paper);
  }

  /** Answers these bytes to {@code DLE EOT 1}, {@code 2} and {@code 4} ({@code 3} gets 0x12). */
  public LoopbackPrinter rawStatus(int printer, int offlineCause, int paper) {
    synchronized (lock) {
      replies = new int[] {printer, offlineCause, 0x12, paper};
    }
    return this;
  }

  /** Stops (true) or resumes (false) answering status queries; they are still recorded. */
  public LoopbackPrinter silent(boolean silent) {
    synchronized (lock) {
      this.silent = silent;
    }
    return this;
  }

  /**
   * Resets the current (or next) connection once {@code jobBytes} job bytes (not status queries)
   * have arrived on it; later connections are served normally.
   */
  public LoopbackPrinter closeAfterJobBytes(long jobBytes) {
    synchronized (lock) {
      this.closeAfter = jobBytes;
    }
    return this;
  }

  /** Every byte received so far, status queries included. */
  public byte[] bytes() {
    synchronized (lock) {
      return all.toByteArray();
    }
  }

  /** The bytes received so far without the answered {@code DLE EOT n} queries. */
  public byte[] jobBytes() {
    synchronized (lock) {
      return job.toByteArray();
    }
  }

  /** How many {@code DLE EOT n} queries arrived (answered or, when silent, not). */
  public int statusQueries() {
    synchronized (lock) {
      return statusQueries;
    }
  }

  /** How many connections were accepted. */
  public int connections() {
    synchronized (lock) {
      return connections;
    }
  }

  /**
   * Waits until at least {@code count} job bytes have arrived or {@code timeout} passes.
   *
   * @return whether they arrived
   */
  public boolean awaitJobBytes(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (job.size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  private void serve() {
    while (!closed) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      synchronized (lock) {
        connections++;
        current = socket;
      }
      try (socket) {
        handle(socket);
      } catch (IOException e) {
        // The peer went away or we reset the connection: serve the next one.
      }
    }
  }

  private void handle(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    OutputStream out = socket.getOutputStream();
    byte[] buffer = new byte[8192];
    long jobOnConnection = 0;
    int pending = 0; // 0: none, 1: saw DLE, 2: saw DLE EOT
    int n;
    while ((n = in.read(buffer)) > 0) {
      for (int i = 0; i < n; i++) {
        int b = buffer[i] & 0xFF;
        Integer reply = null;
        synchronized (lock) {
          all.write(b);
          if (pending == 2 && b >= 1 && b <= 4) {
            statusQueries++;
            pending = 0;
            if (!silent) {
              reply = replies[b - 1];
            }
          } else if (pending == 1 && b == 0x04) {
            pending = 2;
          } else {
            // Not (or no longer) a status query: what was held back is job data.
            if (pending >= 1) {
              job.write(0x10);
              jobOnConnection++;
            }
            if (pending == 2) {
              job.write(0x04);
              jobOnConnection++;
            }
            if (b == 0x10) {
              pending = 1;
            } else {
              pending = 0;
              job.write(b);
              jobOnConnection++;
            }
          }
          lock.notifyAll();
          if (closeAfter >= 0 && jobOnConnection >= closeAfter) {
            closeAfter = -1;
            socket.setSoLinger(true, 0);
            socket.close();
            return;
          }
        }
        if (reply != null) {
          out.write(reply);
          out.flush();
        }
      }
    }
    synchronized (lock) {
      // The connection ended in the middle of a would-be query: those bytes were job data.
      if (pending >= 1) {
        job.write(0x10);
      }
      if (pending == 2) {
        job.write(0x04);
      }
      lock.notifyAll();
    }
  }

  /** Stops the server and closes any open connection. Idempotent. */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
      Socket s;
      synchronized (lock) {
        s = current;
      }
      if (s != null) {
        s.close();
      }
      thread.join(5000);
    } catch (SocketException e) {
      // already closed
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
