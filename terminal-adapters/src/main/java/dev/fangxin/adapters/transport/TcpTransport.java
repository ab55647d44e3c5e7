package dev.fangxin.adapters.transport;

import static java.util.Objects.requireNonNull;

import dev.fangxin.adapters.transport.TransportException.Reason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Raw TCP to a device, e.g. a receipt printer's port 9100 ("JetDirect", "AppSocket").
 *
 * <p>The socket is a non-blocking {@link SocketChannel} with two {@link Selector}s, one for reads
 * and one for writes, so a read and a write can wait at the same time. Every wait happens on the
 * calling thread and every failure is thrown there: there is no background thread that could
 * swallow an error. {@code TCP_NODELAY} is on (small commands go out at once) and {@code
 * SO_KEEPALIVE} is on (a printer that lost power is noticed eventually, after the operating
 * system's keep-alive time, often two hours).
 *
 * <p>Truth about TCP: a successful {@link #write} means the local kernel took the bytes, not that
 * the printer received them; a peer that vanished without a reset is only noticed by a later write
 * timing out or by keep-alive. A write that cannot complete within the write timeout (the printer
 * stopped reading: paper out, cover open) fails with {@link Reason#WRITE_TIMEOUT} and closes the
 * transport, because an unknown part of the bytes was sent.
 *
 * <p>Threading: as {@link Transport}: one reader and one writer at a time; {@link #close()} from
 * any thread makes blocked calls fail with {@link Reason#CLOSED}.
 */
public final class TcpTransport implements Transport {
  private static final int DISCARD_LIMIT = 1 << 20;

  private final SocketChannel channel;
  private final Selector readSelector;
  private final Selector writeSelector;
  private final String address;
  private final Duration writeTimeout;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TcpTransport(
      SocketChannel channel,
      Selector readSelector,
      Selector writeSelector,
      String address,
      Duration writeTimeout) {
    this.channel = channel;
    this.readSelector = readSelector;
    this.writeSelector = writeSelector;
    this.address = address;
    this.writeTimeout = writeTimeout;
  }

  /**
   * Connects to {@code host:port}. Name resolution happens first and is not bounded by {@code
   * connectTimeout} (the operating system's resolver decides how long it takes).
   *
   * @param connectTimeout how long the TCP handshake may take; positive
   * @param writeTimeout how long one {@link #write} may wait for the peer to take bytes; positive
   * @throws TransportException {@code NOT_FOUND} when the host name does not resolve, the
   *     connection is refused (nothing listens on that port) or there is no route to the host;
   *     {@code CONNECT_TIMEOUT} when the handshake does not finish in time (a host that is off or a
   *     firewall that drops); {@code BAD_CONFIGURATION} for a bad port or timeout; {@code IO}
   *     otherwise. Each message names the address.
   */
  public static TcpTransport connect(
      String host, int port, Duration connectTimeout, Duration writeTimeout) {
    requireNonNull(host, "host == null");
    if (host.isBlank()) {
      throw new TransportException(
          Reason.BAD_CONFIGURATION, "The host is empty; expected a name or an IP address.");
    }
    if (port < 1 || port > 65535) {
      throw new TransportException(
          Reason.BAD_CONFIGURATION, "The TCP port must be 1 to 65535; got " + port + ".");
    }
    Timeouts.checkPositive("connect timeout", connectTimeout);
    Timeouts.checkPositive("write timeout", writeTimeout);
    String address = host + ":" + port;
    InetAddress ip;
    try {
      ip = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new TransportException(
          Reason.NOT_FOUND, "Unknown host " + host + ": the name does not resolve.", e);
    }
    String resolved =
        ip.getHostAddress().equals(host) ? address : address + " (" + ip.getHostAddress() + ")";
    SocketChannel channel = null;
    Selector readSelector = null;
    Selector writeSelector = null;
    try {
      channel = SocketChannel.open();
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
      channel
          .socket()
          .connect(
              new InetSocketAddress(ip, port), Timeouts.ceilMillis(Timeouts.nanos(connectTimeout)));
      channel.configureBlocking(false);
      readSelector = Selector.open();
      writeSelector = Selector.open();
      channel.register(readSelector, SelectionKey.OP_READ);
      channel.register(writeSelector, SelectionKey.OP_WRITE);
      return new TcpTransport(channel, readSelector, writeSelector, address, writeTimeout);
    } catch (SocketTimeoutException e) {
      closeQuietly(channel, readSelector, writeSelector);
      throw new TransportException(
          Reason.CONNECT_TIMEOUT,
          "Connecting to "
              + resolved
              + " did not finish within "
              + Timeouts.millis(connectTimeout)
              + " ms: the host is off, unreachable or a firewall drops the connection.",
          e);
    } catch (ConnectException e) {
      closeQuietly(channel, readSelector, writeSelector);
      throw new TransportException(
          Reason.NOT_FOUND,
          "Connection to " + resolved + " was refused: nothing listens on that port.",
          e);
    } catch (NoRouteToHostException e) {
      closeQuietly(channel, readSelector, writeSelector);
      throw new TransportException(
          Reason.NOT_FOUND, "There is no route to " + resolved + " (" + e.getMessage() + ").", e);
    } catch (IOException e) {
      closeQuietly(channel, readSelector, writeSelector);
      throw new TransportException(
          Reason.IO, "Connecting to " + resolved + " failed: " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      closeQuietly(channel, readSelector, writeSelector);
      throw e;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Waits at most the write timeout for the whole call (not per chunk). On {@link
   * Reason#WRITE_TIMEOUT} the transport is closed. A peer that closed or reset the connection gives
   * {@link Reason#DISCONNECTED}; the first write after a peer's orderly close usually still
   * succeeds (the kernel takes it, the peer answers with a reset), the next one fails.
   */
  @Override
  public void write(byte[] data, int offset, int length) {
    requireNonNull(data, "data == null");
    Objects.checkFromIndexSize(offset, length, data.length);
    ensureOpen();
    ByteBuffer buffer = ByteBuffer.wrap(data, offset, length);
    long deadline = Timeouts.deadline(Timeouts.nanos(writeTimeout));
    try {
      while (true) {
        channel.write(buffer);
        if (!buffer.hasRemaining()) {
          return;
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          int written = length - buffer.remaining();
          close();
          throw new TransportException(
              Reason.WRITE_TIMEOUT,
              "Wrote "
                  + written
                  + " of "
                  + length
                  + " bytes to "
                  + address
                  + " within "
                  + Timeouts.millis(writeTimeout)
                  + " ms: the peer is not reading (paper out, cover open, busy). The transport is"
                  + " now closed because an unknown part of the bytes was sent.");
        }
        writeSelector.select(Timeouts.ceilMillis(remaining));
        writeSelector.selectedKeys().clear();
      }
    } catch (ClosedChannelException | ClosedSelectorException e) {
      throw closedException(e);
    } catch (IOException e) {
      if (closed.get()) {
        throw closedException(e);
      }
      throw disconnected("Writing to", e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws TransportException {@code DISCONNECTED} at end of stream (the peer closed its side) or
   *     on a reset; {@code CLOSED}
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
    ByteBuffer target = ByteBuffer.wrap(buffer, offset, length);
    long deadline = Timeouts.deadline(Timeouts.nanos(timeout));
    try {
      while (true) {
        int n = channel.read(target);
        if (n > 0) {
          return n;
        }
        if (n < 0) {
          throw new TransportException(
              Reason.DISCONNECTED, "The peer " + address + " closed the connection.");
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return 0;
        }
        readSelector.select(Timeouts.ceilMillis(remaining));
        readSelector.selectedKeys().clear();
        if (closed.get()) {
          throw closedException(null);
        }
      }
    } catch (ClosedChannelException | ClosedSelectorException e) {
      throw closedException(e);
    } catch (IOException e) {
      if (closed.get()) {
        throw closedException(e);
      }
      throw disconnected("Reading from", e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads and drops what the kernel has received (at most 1 MiB per call). End of stream is left
   * for the next {@link #read} to report.
   */
  @Override
  public void discardInput() {
    ensureOpen();
    ByteBuffer scratch = ByteBuffer.allocate(8192);
    int dropped = 0;
    try {
      while (dropped < DISCARD_LIMIT) {
        scratch.clear();
        int n = channel.read(scratch);
        if (n <= 0) {
          return;
        }
        dropped += n;
      }
    } catch (ClosedChannelException e) {
      throw closedException(e);
    } catch (IOException e) {
      if (closed.get()) {
        throw closedException(e);
      }
      throw disconnected("Reading from", e);
    }
  }

  /** {@code "tcp <host>:<port>"}. */
  @Override
  public String description() {
    return "tcp " + address;
  }

  /** Closes the socket. Idempotent; blocked reads and writes fail with {@link Reason#CLOSED}. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      // Closing the selectors wakes threads waiting in select() and deregisters the channel, which
      // lets the socket itself close.
      closeQuietly(channel, readSelector, writeSelector);
    }
  }

  @Override
  public String toString() {
    return description();
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw closedException(null);
    }
  }

  private TransportException closedException(Exception cause) {
    return new TransportException(
        Reason.CLOSED, "The connection to " + address + " is closed.", cause);
  }

  private TransportException disconnected(String verb, IOException e) {
    return new TransportException(
        Reason.DISCONNECTED,
        verb
            + " "
            + address
            + " failed: the peer closed or reset the connection ("
            + e.getMessage()
            + ").",
        e);
  }

  private static void closeQuietly(AutoCloseable... resources) {
    for (AutoCloseable r : resources) {
      if (r != null) {
        try {
          r.close();
        } catch (Exception ignored) {
          // Closing is best effort; the socket is being abandoned anyway.
        }
      }
    }
  }
}
