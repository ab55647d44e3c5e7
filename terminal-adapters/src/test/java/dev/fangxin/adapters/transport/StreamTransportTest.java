package dev.fangxin.adapters.transport;

import static dev.fangxin.adapters.transport.Ptys.readExactly;
import static dev.fangxin.adapters.transport.SerialTransportTest.assertReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.adapters.transport.TransportException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** StreamTransport over piped streams: a "device" on the other side of two pipes. */
class StreamTransportTest {
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private PipedOutputStream deviceOut; // device -> transport
  private PipedInputStream deviceIn; // transport -> device
  private StreamTransport transport;

  @BeforeEach
  void connect() throws IOException {
    // Larger than any test's data: PipedOutputStream polls once a second for room, and a device
    // write must not wait on that. Flushing wakes the reader at once.
    PipedInputStream transportIn = new PipedInputStream(512 * 1024);
    deviceOut = new PipedOutputStream(transportIn);
    deviceIn = new PipedInputStream(64 * 1024);
    PipedOutputStream transportOut = new PipedOutputStream(deviceIn);
    transport = StreamTransport.of(transportIn, transportOut, "pipe to test device");
  }

  @AfterEach
  void close() {
    transport.close();
    executor.shutdownNow();
  }

  @Test
  void bytesCrossBothWays() throws IOException {
    assertThat(transport.description()).isEqualTo("pipe to test device");
    transport.write(new byte[] {0x1b, 0x40, 0x00, (byte) 0xFF});
    byte[] got = new byte[4];
    int n = 0;
    while (n < 4) {
      n += deviceIn.read(got, n, 4 - n);
    }
    assertThat(got).containsExactly(0x1b, 0x40, 0x00, 0xFF);
    deviceOut.write("ok".getBytes(StandardCharsets.US_ASCII));
    deviceOut.flush();
    assertThat(new String(readExactly(transport, 2), StandardCharsets.US_ASCII)).isEqualTo("ok");
  }

  /** More than the buffer holds, so the ring wraps and the reader thread waits for room. */
  @Test
  void moreThanTheBufferArrivesInOrder() throws Exception {
    byte[] data = new byte[3 * StreamTransport.BUFFER_CAPACITY + 123];
    new Random(7).nextBytes(data);
    Future<?> device =
        executor.submit(
            () -> {
              deviceOut.write(data);
              deviceOut.flush();
              return null;
            });
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buffer = new byte[5000]; // not a divisor of the capacity
    while (got.size() < data.length) {
      int n = transport.read(buffer, 0, buffer.length, Duration.ofSeconds(5));
      assertThat(n).as("bytes within 5 s").isPositive();
      got.write(buffer, 0, n);
    }
    device.get(5, TimeUnit.SECONDS);
    assertThat(got.toByteArray()).isEqualTo(data);
  }

  @Test
  void readReturnsZeroWhenNothingArrives() {
    assertThat(transport.read(new byte[8], 0, 8, Duration.ofMillis(100))).isZero();
    assertThat(transport.read(new byte[8], 0, 8, Duration.ZERO)).isZero();
  }

  @Test
  void endOfStreamIsDisconnectedAfterTheBytesBeforeIt() throws IOException {
    deviceOut.write("bye".getBytes(StandardCharsets.US_ASCII));
    deviceOut.close();
    assertThat(new String(readExactly(transport, 3), StandardCharsets.US_ASCII)).isEqualTo("bye");
    for (int i = 0; i < 2; i++) {
      assertReason(
          () -> transport.read(new byte[8], 0, 8, Duration.ofSeconds(5)),
          Reason.DISCONNECTED,
          "The input of pipe to test device ended (end of stream).");
    }
  }

  @Test
  void anInputStreamFailureIsIoWithTheCause() {
    IOException boom = new IOException("device reset");
    InputStream failing =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw boom;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            throw boom;
          }
        };
    try (StreamTransport t = StreamTransport.of(failing, OutputStream.nullOutputStream(), "dev")) {
      assertThatThrownBy(() -> t.read(new byte[8], 0, 8, Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              TransportException.class, e -> assertThat(e.reasonCode()).isEqualTo(Reason.IO))
          .hasMessage("Reading from dev failed: device reset")
          .hasCause(boom);
    }
  }

  @Test
  void anOutputStreamFailureIsIo() {
    OutputStream failing =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("Broken pipe");
          }
        };
    try (StreamTransport t = StreamTransport.of(InputStream.nullInputStream(), failing, "dev")) {
      assertReason(() -> t.write(new byte[1]), Reason.IO, "Writing to dev failed: Broken pipe");
    }
  }

  @Test
  void discardInputDropsWhatHasArrived() throws Exception {
    deviceOut.write("stale".getBytes(StandardCharsets.US_ASCII));
    deviceOut.flush();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (transport.buffered() < 5) {
      assertThat(System.nanoTime()).as("buffered within 10 s").isLessThan(deadline);
      Thread.sleep(2);
    }
    transport.discardInput();
    deviceOut.write("fresh".getBytes(StandardCharsets.US_ASCII));
    deviceOut.flush();
    assertThat(new String(readExactly(transport, 5), StandardCharsets.US_ASCII)).isEqualTo("fresh");
  }

  @Test
  void closeEndsABlockedReadAndLaterCallsAreClosed() throws Exception {
    CompletableFuture<Throwable> reader =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                transport.read(new byte[8], 0, 8, Duration.ofSeconds(20));
                return null;
              } catch (Throwable e) {
                return e;
              }
            },
            executor);
    Thread.sleep(100); // let the reader wait; the outcome does not depend on it
    transport.close();
    transport.close();
    assertThat(reader.get(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            TransportException.class, e -> assertThat(e.reasonCode()).isEqualTo(Reason.CLOSED));
    String closed = "pipe to test device is closed.";
    assertReason(() -> transport.write(new byte[1]), Reason.CLOSED, closed);
    assertReason(() -> transport.read(new byte[1], 0, 1, Duration.ZERO), Reason.CLOSED, closed);
    assertReason(transport::discardInput, Reason.CLOSED, closed);
  }

  @Test
  void argumentsAreChecked() {
    assertThatThrownBy(() -> transport.read(new byte[4], 2, 3, Duration.ZERO))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> transport.read(new byte[4], 0, 4, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout < 0: PT-0.001S");
    assertThatThrownBy(
            () ->
                StreamTransport.of(
                    InputStream.nullInputStream(), OutputStream.nullOutputStream(), " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("description is blank");
  }
}
