package dev.fangxin.adapters.transport;

import static dev.fangxin.adapters.transport.Ptys.readExactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.fangxin.adapters.testing.PtyPair;
import dev.fangxin.adapters.transport.SerialSettings.FlowControl;
import dev.fangxin.adapters.transport.SerialSettings.Parity;
import dev.fangxin.adapters.transport.SerialSettings.StopBits;
import dev.fangxin.adapters.transport.TransportException.Reason;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SerialTransport over real kernel pseudo-terminals (socat), never a mock. */
class SerialTransportTest {
  private PtyPair pty;
  private final ExecutorService executor = Executors.newCachedThreadPool();

  @BeforeEach
  void openPty() {
    PtyPair.assumeAvailable();
    pty = PtyPair.open();
  }

  @AfterEach
  void closePty() {
    executor.shutdownNow();
    if (pty != null) {
      pty.close();
    }
  }

  private static SerialSettings settings(String path) {
    return SerialSettings.builder(path).baudRate(115200).build();
  }

  @Test
  void everyByteValueCrossesBothWays() {
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    try (SerialTransport a = SerialTransport.open(settings(pty.a()));
        SerialTransport b = SerialTransport.open(settings(pty.b()))) {
      a.write(all);
      assertThat(readExactly(b, 256)).isEqualTo(all);
      b.write(all, 16, 100);
      assertThat(readExactly(a, 100)).containsExactly(java.util.Arrays.copyOfRange(all, 16, 116));
    }
  }

  @Test
  void aBurstOf64KiBArrivesIntact() throws Exception {
    byte[] burst = new byte[64 * 1024];
    new Random(42).nextBytes(burst);
    SerialSettings slowWrites =
        settings(pty.a()).toBuilder().writeTimeout(Duration.ofSeconds(20)).build();
    try (SerialTransport a = SerialTransport.open(slowWrites);
        SerialTransport b = SerialTransport.open(settings(pty.b()))) {
      // The pty holds a few KiB: the write only finishes while the other end reads.
      Future<?> writer = executor.submit(() -> a.write(burst));
      assertThat(readExactly(b, burst.length)).isEqualTo(burst);
      writer.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void readReturnsZeroWhenNothingArrives() {
    SerialSettings s = settings(pty.a()).toBuilder().readTimeout(Duration.ofMillis(100)).build();
    try (SerialTransport a = SerialTransport.open(s)) {
      byte[] buffer = new byte[16];
      assertThat(a.read(buffer, 0, 16, Duration.ofMillis(150))).isZero();
      assertThat(a.read(buffer, 0, 16, Duration.ZERO)).isZero();
      assertThat(a.read(buffer, 0, 0, Duration.ofSeconds(5))).isZero();
      assertThat(a.read(buffer, 0, 16)).isZero(); // the settings' read timeout
    }
  }

  @Test
  void zeroTimeoutReturnsWhatHasArrived() throws Exception {
    try (SerialTransport a = SerialTransport.open(settings(pty.a()));
        SerialTransport b = SerialTransport.open(settings(pty.b()))) {
      a.write("ping".getBytes(StandardCharsets.US_ASCII));
      awaitAvailable(b, 4);
      byte[] buffer = new byte[16];
      assertThat(b.read(buffer, 0, 16, Duration.ZERO)).isEqualTo(4);
      assertThat(new String(buffer, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("ping");
    }
  }

  @Test
  void discardInputDropsWhatHasArrived() throws Exception {
    try (SerialTransport a = SerialTransport.open(settings(pty.a()));
        SerialTransport b = SerialTransport.open(settings(pty.b()))) {
      a.write("stale".getBytes(StandardCharsets.US_ASCII));
      awaitAvailable(b, 5);
      b.discardInput();
      assertThat(b.available()).isZero();
      a.write("fresh".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(readExactly(b, 5), StandardCharsets.US_ASCII)).isEqualTo("fresh");
    }
  }

  /**
   * The settings reach the kernel's termios: read back with stty, not from jSerialComm. Linux's pty
   * driver forces CS8 and clears PARENB whatever is asked (a pty has no wire), so data bits and
   * parity show in the input flags jSerialComm sets with them: ISTRIP below 8 bits, INPCK and
   * IGNPAR with parity, PARODD and CMSPAR for odd, mark and space.
   */
  @Test
  void settingsReachTheTerminal() throws Exception {
    assertTermios(
        b -> b.baudRate(9600),
        "speed 9600 baud",
        "-istrip",
        "-inpck",
        "-cstopb",
        "-crtscts",
        "-ixon",
        "-ixoff");
    assertTermios(
        b -> b.baudRate(19200).dataBits(7).parity(Parity.EVEN),
        "speed 19200 baud",
        "istrip",
        "inpck",
        "ignpar",
        "-parodd",
        "-cstopb");
    assertTermios(
        b -> b.baudRate(38400).parity(Parity.ODD).stopBits(StopBits.TWO),
        "speed 38400 baud",
        "-istrip",
        "inpck",
        "parodd",
        "cstopb");
    assertTermios(
        b -> b.baudRate(57600).dataBits(5).stopBits(StopBits.ONE_POINT_FIVE),
        "speed 57600 baud",
        "istrip",
        "cstopb");
    assertTermios(
        b -> b.baudRate(115200).parity(Parity.MARK), "speed 115200 baud", "parodd", "cmspar");
    assertTermios(b -> b.parity(Parity.SPACE), "-parodd", "cmspar", "inpck");
    assertTermios(b -> b.flowControl(FlowControl.RTS_CTS), "crtscts", "-ixon", "-ixoff");
    assertTermios(b -> b.flowControl(FlowControl.XON_XOFF), "-crtscts", "ixon", "ixoff");
  }

  private void assertTermios(UnaryOperator<SerialSettings.Builder> configure, String... flags)
      throws Exception {
    SerialSettings s = configure.apply(SerialSettings.builder(pty.a())).build();
    try (SerialTransport a = SerialTransport.open(s)) {
      assertThat(a.description()).isEqualTo("serial " + pty.a() + " " + s);
      List<String> words = List.of(Ptys.run(List.of("stty", "-F", pty.a(), "-a")).split("[;\\s]+"));
      String speed = flags[0].startsWith("speed") ? flags[0] : null;
      if (speed != null) {
        assertThat(String.join(" ", words)).as(s.toString()).contains(speed);
      }
      for (String flag : flags) {
        if (!flag.startsWith("speed")) {
          assertThat(words).as(s + " -> " + flag).contains(flag);
        }
      }
    }
  }

  @Test
  void aMissingPortIsNotFound() {
    assertReason(
        () -> SerialTransport.open(SerialSettings.builder("/dev/ttyFANGXIN-missing").build()),
        Reason.NOT_FOUND,
        "Serial port /dev/ttyFANGXIN-missing does not exist.");
  }

  @Test
  void aFileThatIsNotATerminalIsABadConfiguration() {
    assertReason(
        () -> SerialTransport.open(SerialSettings.builder("/dev/null").build()),
        Reason.BAD_CONFIGURATION,
        null);
    assertThatThrownBy(() -> SerialTransport.open(SerialSettings.builder("/dev/null").build()))
        .hasMessageStartingWith(
            "/dev/null refused the settings 9600 8N1: it is not a serial port, or its driver does"
                + " not support them");
  }

  /** A pty takes the standard rates only; the driver refuses 250000 (ENOTTY on Linux). */
  @Test
  void aRateThePtyRefusesIsABadConfiguration() {
    assertReason(
        () -> SerialTransport.open(SerialSettings.builder(pty.a()).baudRate(250000).build()),
        Reason.BAD_CONFIGURATION,
        null);
    // The failed open released everything: the port opens afterwards.
    SerialTransport.open(settings(pty.a())).close();
  }

  @Test
  void closeIsIdempotentAndLaterCallsAreClosed() {
    SerialTransport a = SerialTransport.open(settings(pty.a()));
    a.close();
    a.close();
    String closed = "Serial port " + pty.a() + " is closed.";
    assertReason(() -> a.write(new byte[1]), Reason.CLOSED, closed);
    assertReason(() -> a.read(new byte[1], 0, 1, Duration.ZERO), Reason.CLOSED, closed);
    assertReason(a::discardInput, Reason.CLOSED, closed);
    // Closing released the port: it opens again.
    SerialTransport.open(settings(pty.a())).close();
  }

  @Test
  void aSecondOpenInThisProcessIsBusy() {
    try (SerialTransport a = SerialTransport.open(settings(pty.a()))) {
      assertReason(
          () -> SerialTransport.open(settings(pty.a())),
          Reason.BUSY,
          "Serial port "
              + pty.a()
              + " is already open in this process; close that transport first.");
      assertThat(a.description()).startsWith("serial " + pty.a());
    }
  }

  /**
   * Another process holding the device's flock() makes open fail with BUSY (errno 11). On Linux a
   * pty has no exclusive open otherwise: a program that does not lock could still open it.
   */
  @Test
  void aPortLockedByAnotherProcessIsBusy() throws Exception {
    assumeThat(Files.isExecutable(Path.of("/usr/bin/flock"))).as("flock(1)").isTrue();
    Process holder =
        new ProcessBuilder("/usr/bin/flock", "-x", pty.a(), "-c", "echo locked; sleep 30")
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(out.readLine()).isEqualTo("locked");
      assertThatThrownBy(() -> SerialTransport.open(settings(pty.a())))
          .isInstanceOfSatisfying(
              TransportException.class, e -> assertThat(e.reasonCode()).isEqualTo(Reason.BUSY))
          .hasMessageStartingWith(
              "Serial port " + pty.a() + " is in use: another process holds its lock (errno 11 at");
    } finally {
      holder.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void closeFromAnotherThreadEndsABlockedRead() throws Exception {
    SerialTransport a = SerialTransport.open(settings(pty.a()));
    CompletableFuture<Throwable> reader =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                a.read(new byte[8], 0, 8, Duration.ofSeconds(20));
                return null;
              } catch (Throwable t) {
                return t;
              }
            },
            executor);
    Thread.sleep(300); // let the reader block in the kernel; the outcome does not depend on it
    a.close();
    assertThat(reader.get(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            TransportException.class, e -> assertThat(e.reasonCode()).isEqualTo(Reason.CLOSED));
  }

  @Test
  void theOtherEndGoingAwayIsDisconnected() {
    try (SerialTransport a = SerialTransport.open(settings(pty.a()))) {
      pty.close(); // socat exits: the pty is hung up
      pty = null;
      assertThatThrownBy(() -> a.read(new byte[8], 0, 8, Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              TransportException.class,
              e -> assertThat(e.reasonCode()).isEqualTo(Reason.DISCONNECTED))
          .hasMessageStartingWith("Serial port ")
          .hasMessageContaining(" went away: the device was unplugged or the other end hung up");
    }
  }

  /**
   * Nobody reads the other end, so the kernel stops taking bytes: the watchdog closes the port,
   * which releases the blocked write, and the caller gets WRITE_TIMEOUT on its own thread.
   */
  @Test
  void aWriteNobodyTakesTimesOutAndClosesThePort() {
    SerialSettings quick =
        settings(pty.a()).toBuilder().writeTimeout(Duration.ofMillis(300)).build();
    try (SerialTransport a = SerialTransport.open(quick);
        SerialTransport b = SerialTransport.open(settings(pty.b()))) {
      byte[] big = new byte[4 * 1024 * 1024];
      assertThatThrownBy(() -> a.write(big))
          .isInstanceOfSatisfying(
              TransportException.class,
              e -> assertThat(e.reasonCode()).isEqualTo(Reason.WRITE_TIMEOUT))
          .hasMessageStartingWith(
              "Serial port " + pty.a() + " did not take 4194304 bytes within 300 ms (")
          .hasMessageEndingWith(
              " confirmed): flow control holds the line or the device is not reading. The port is"
                  + " now closed because an unknown part of the bytes reached the device.");
      assertReason(
          () -> a.write(new byte[1]), Reason.CLOSED, "Serial port " + pty.a() + " is closed.");
      assertThat(b.description()).isNotEmpty();
    }
  }

  private static void awaitAvailable(SerialTransport t, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (t.available() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("fewer than " + n + " bytes arrived within 10 s");
      }
      Thread.sleep(5);
    }
  }

  static void assertReason(ThrowingCallable call, Reason reason, String message) {
    var assertion =
        assertThatThrownBy(call)
            .isInstanceOfSatisfying(
                TransportException.class,
                e -> {
                  assertThat(e.reasonCode()).isEqualTo(reason);
                  assertThat(e.reason()).isEqualTo(reason.code());
                });
    if (message != null) {
      assertion.hasMessage(message);
    }
  }
}
