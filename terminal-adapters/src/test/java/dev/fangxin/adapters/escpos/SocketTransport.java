package dev.fangxin.adapters.escpos;

import dev.fangxin.adapters.transport.Transport;
import dev.fangxin.adapters.transport.TransportException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A minimal TCP {@link Transport} for these tests (the real one lives in the transport package).
 */
final class SocketTransport implements Transport {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String description;

  private SocketTransport(Socket socket, String description) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.description = description;
  }

  static SocketTransport connect(String host, int port) {
    try {
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress(host, port), 5000);
      socket.setTcpNoDelay(true);
      return new SocketTransport(socket, "tcp " + host + ":" + port);
    } catch (IOException e) {
      throw new TransportException(TransportException.Reason.IO, e.getMessage(), e);
    }
  }

  @Override
  public void write(byte[] data, int offset, int length) {
    try {
      out.write(data, offset, length);
      out.flush();
    } catch (IOException e) {
      throw new TransportException(
          TransportException.Reason.IO,
          "write to " + description + " failed: " + e.getMessage(),
          e);
    }
  }

  @Override
  public int read(byte[] buffer, int offset, int length, Duration timeout) {
    try {
      socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      int n = in.read(buffer, offset, length);
      if (n < 0) {
        throw new TransportException(
            TransportException.Reason.DISCONNECTED, description + " closed the connection");
      }
      return n;
    } catch (SocketTimeoutException e) {
      return 0;
    } catch (IOException e) {
      throw new TransportException(
          TransportException.Reason.IO,
          "read from " + description + " failed: " + e.getMessage(),
          e);
    }
  }

  @Override
  public void discardInput() {
    try {
      int available;
      while ((available = in.available()) > 0) {
        in.skipNBytes(available);
      }
    } catch (IOException e) {
      throw new TransportException(
          TransportException.Reason.IO,
          "read from " + description + " failed: " + e.getMessage(),
          e);
    }
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing: nothing to do
    }
  }
}
