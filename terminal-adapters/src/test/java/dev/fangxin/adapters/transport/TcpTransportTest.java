package dev.fangxin.adapters.transport;

import static dev.fangxin.adapters.transport.Ptys.readExactly;
import static dev.fangxin.adapters.transport.SerialTransportTest.assertReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.adapters.transport.TransportException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TcpTransport against real loopback sockets. */
class TcpTransportTest {
  private static final Duration CONNECT = Duration.ofSeconds(5);
  private static final Duration WRITE = Duration.ofSeconds(5);

  private ServerSocket server;
  private String address;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Socket> accepted = new ArrayList<>();

  @BeforeEach
  void listen() throws IOException {
    server = new ServerSocket();
    server.setReceiveBufferSize(4096); // inherited by accepted sockets: a small window
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    address = "127.0.0.1:" + server.getLocalPort();
  }

  @AfterEach
  void stop() throws IOException {
    executor.shutdownNow();
    for (Socket s : accepted) {
      s.close();
    }
    server.close();
  }

  private TcpTransport connect() {
    return TcpTransport.connect("127.0.0.1", server.getLocalPort(), CONNECT, WRITE);
  }

  private Future<Socket> accept() {
    return executor.submit(
        () -> {
          Socket s = server.accept();
          synchronized (accepted) {
            accepted.add(s);
          }
          return s;
        });
  }

  @Test
  void bytesCrossBothWays() throws Exception {
    Future<Socket> peerFuture = accept();
    try (TcpTransport t = connect()) {
      Socket peer = peerFuture.get(5, TimeUnit.SECONDS);
      assertThat(t.description()).isEqualTo("tcp " + address);
      t.write("\u001b@hello".getBytes(StandardCharsets.US_ASCII));
      InputStream in = peer.getInputStream();
      byte[] got = new byte[7];
      int n = 0;
      while (n < 7) {
        n += in.read(got, n, 7 - n);
      }
      assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("\u001b@hello");
      peer.getOutputStream().write(new byte[] {0x10, 0x04, 0x01, (byte) 0xFF});
      assertThat(readExactly(t, 4)).containsExactly(0x10, 0x04, 0x01, 0xFF);
    }
  }

  @Test
  void readReturnsZeroWhenNothingArrives() throws Exception {
    Future<Socket> peer = accept();
    try (TcpTransport t = connect()) {
      peer.get(5, TimeUnit.SECONDS);
      assertThat(t.read(new byte[8], 0, 8, Duration.ofMillis(100))).isZero();
      assertThat(t.read(new byte[8], 0, 8, Duration.ZERO)).isZero();
    }
  }

  @Test
  void discardInputDropsWhatHasArrived() throws Exception {
    Future<Socket> peerFuture = accept();
    try (TcpTransport t = connect()) {
      Socket peer = peerFuture.get(5, TimeUnit.SECONDS);
      peer.getOutputStream().write("stale".getBytes(StandardCharsets.US_ASCII));
      // Wait until the first byte is in: then the whole 5-byte segment is.
      byte[] first = readExactly(t, 1);
      assertThat(first).containsExactly('s');
      t.discardInput();
      peer.getOutputStream().write("fresh".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(readExactly(t, 5), StandardCharsets.US_ASCII)).isEqualTo("fresh");
    }
  }

  @Test
  void aClosedPortIsNotFound() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertReason(
        () -> TcpTransport.connect("127.0.0.1", port, CONNECT, WRITE),
        Reason.NOT_FOUND,
        "Connection to 127.0.0.1:" + port + " was refused: nothing listens on that port.");
  }

  @Test
  void anUnknownHostIsNotFound() {
    assertReason(
        () -> TcpTransport.connect("printer.invalid", 9100, CONNECT, WRITE),
        Reason.NOT_FOUND,
        "Unknown host printer.invalid: the name does not resolve.");
  }

  /**
   * Linux drops a SYN when the listener's accept queue is full, so a listener with backlog 1 that
   * never accepts makes the handshake time out, on loopback, without depending on the network.
   */
  @Test
  void aHandshakeThatDoesNotFinishIsConnectTimeout() throws Exception {
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> fillers = new ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          Socket s = new Socket();
          fillers.add(s);
          try {
            s.connect(full.getLocalSocketAddress(), 300);
          } catch (SocketTimeoutException e) {
            break; // the queue is full
          }
        }
        int port = full.getLocalPort();
        assertReason(
            () -> TcpTransport.connect("127.0.0.1", port, Duration.ofMillis(300), WRITE),
            Reason.CONNECT_TIMEOUT,
            "Connecting to 127.0.0.1:"
                + port
                + " did not finish within 300 ms: the host is off, unreachable or a firewall drops"
                + " the connection.");
      } finally {
        for (Socket s : fillers) {
          s.close();
        }
      }
    }
  }

  @Test
  void badArgumentsAreBadConfiguration() {
    assertReason(
        () -> TcpTransport.connect("127.0.0.1", 0, CONNECT, WRITE),
        Reason.BAD_CONFIGURATION,
        "The TCP port must be 1 to 65535; got 0.");
    assertReason(
        () -> TcpTransport.connect(" ", 9100, CONNECT, WRITE),
        Reason.BAD_CONFIGURATION,
        "The host is empty; expected a name or an IP address.");
    assertReason(
        () -> TcpTransport.connect("127.0.0.1", 9100, Duration.ZERO, WRITE),
        Reason.BAD_CONFIGURATION,
        "The connect timeout must be positive; got PT0S.");
  }

  /** The peer accepts and never reads: the write fails on the caller's thread, bounded. */
  @Test
  void aPeerThatDoesNotReadIsWriteTimeout() throws Exception {
    Future<Socket> peer = accept();
    int length = 32 * 1024 * 1024;
    try (TcpTransport t =
        TcpTransport.connect("127.0.0.1", server.getLocalPort(), CONNECT, Duration.ofMillis(300))) {
      peer.get(5, TimeUnit.SECONDS);
      assertThatThrownBy(() -> t.write(new byte[length]))
          .isInstanceOfSatisfying(
              TransportException.class,
              e -> assertThat(e.reasonCode()).isEqualTo(Reason.WRITE_TIMEOUT))
          .hasMessageStartingWith("Wrote ")
          .hasMessageEndingWith(
              " of "
                  + length
                  + " bytes to "
                  + address
                  + " within 300 ms: the peer is not reading (paper out, cover open, busy). The"
                  + " transport is now closed because an unknown part of the bytes was sent.");
      assertReason(
          () -> t.write(new byte[1]),
          Reason.CLOSED,
          "The connection to " + address + " is closed.");
    }
  }

  @Test
  void aPeerThatClosesIsDisconnectedOnReadAndThenOnWrite() throws Exception {
    Future<Socket> peer = accept();
    try (TcpTransport t = connect()) {
      peer.get(5, TimeUnit.SECONDS).close();
      assertReason(
          () -> t.read(new byte[8], 0, 8, Duration.ofSeconds(5)),
          Reason.DISCONNECTED,
          "The peer " + address + " closed the connection.");
      // The first write after an orderly close is usually taken; the peer answers with a reset
      // and a later write fails.
      assertThatThrownBy(() -> writeUntilFailure(t))
          .isInstanceOfSatisfying(
              TransportException.class,
              e -> assertThat(e.reasonCode()).isEqualTo(Reason.DISCONNECTED))
          .hasMessageStartingWith(
              "Writing to " + address + " failed: the peer closed or reset the connection (");
    }
  }

  @Test
  void aPeerResetIsDisconnectedOnReadAndOnWrite() throws Exception {
    Future<Socket> peerFuture = accept();
    try (TcpTransport t = connect()) {
      Socket peer = peerFuture.get(5, TimeUnit.SECONDS);
      peer.setSoLinger(true, 0); // close sends RST
      peer.close();
      assertThatThrownBy(() -> t.read(new byte[8], 0, 8, Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              TransportException.class,
              e -> assertThat(e.reasonCode()).isEqualTo(Reason.DISCONNECTED))
          .hasMessage(
              "Reading from "
                  + address
                  + " failed: the peer closed or reset the connection (Connection reset).");
      assertThatThrownBy(() -> t.write(new byte[16]))
          .isInstanceOfSatisfying(
              TransportException.class,
              e -> assertThat(e.reasonCode()).isEqualTo(Reason.DISCONNECTED))
          .hasMessageStartingWith(
              "Writing to " + address + " failed: the peer closed or reset the connection (");
    }
  }

  @Test
  void closeFromAnotherThreadEndsABlockedRead() throws Exception {
    Future<Socket> peer = accept();
    TcpTransport t = connect();
    peer.get(5, TimeUnit.SECONDS);
    CompletableFuture<Throwable> reader =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                t.read(new byte[8], 0, 8, Duration.ofSeconds(20));
                return null;
              } catch (Throwable e) {
                return e;
              }
            },
            executor);
    Thread.sleep(200); // let the reader block; the outcome does not depend on it
    t.close();
    t.close();
    assertThat(reader.get(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            TransportException.class, e -> assertThat(e.reasonCode()).isEqualTo(Reason.CLOSED));
    String closed = "The connection to " + address + " is closed.";
    assertReason(() -> t.read(new byte[1], 0, 1, Duration.ZERO), Reason.CLOSED, closed);
    assertReason(t::discardInput, Reason.CLOSED, closed);
  }

  private static void writeUntilFailure(TcpTransport t) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      t.write(new byte[64]);
      Thread.sleep(10);
    }
    throw new AssertionError("200 writes to a closed peer succeeded");
  }
}
