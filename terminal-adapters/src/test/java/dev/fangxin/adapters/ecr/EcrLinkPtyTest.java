package dev.fangxin.adapters.ecr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fangxin.adapters.testing.PtyPair;
import dev.fangxin.adapters.transport.Transport;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Frames through a real pseudo-terminal: the tty layer must pass every byte value untouched (CR,
 * LF, XON/XOFF, Ctrl-D, DEL, 0xFF), which only holds in raw mode.
 */
class EcrLinkPtyTest {
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

  @Test
  void goldenFrameCrossesThePtyByteForByte() {
    PtyPair.assumeAvailable();
    try (PtyPair pty = PtyPair.open();
        Transport a = PaymentTerminalPtyTest.openPty(pty.a());
        Transport b = PaymentTerminalPtyTest.openPty(pty.b())) {
      byte[] frame =
          FrameCodec.create(FrameFormat.BINARY_LENGTH)
              .encode("SQ0001RF002R1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      a.write(frame);
      byte[] got = readExactly(b, frame.length);
      assertThat(HEX.formatHex(got))
          .isEqualTo("02 00 0D 53 51 30 30 30 31 52 46 30 30 32 52 31 03 48");
    }
  }

  @Test
  void everyByteValueCrossesALinkOverThePty() {
    PtyPair.assumeAvailable();
    try (PtyPair pty = PtyPair.open();
        EcrLink ecr =
            EcrLink.builder(PaymentTerminalPtyTest.openPty(pty.a()))
                .frameFormat(FrameFormat.BINARY_LENGTH)
                .timings(EcrLinkTest.FAST)
                .build();
        EcrLink peer =
            EcrLink.builder(PaymentTerminalPtyTest.openPty(pty.b()))
                .frameFormat(FrameFormat.BINARY_LENGTH)
                .timings(EcrLinkTest.FAST)
                .build()) {
      byte[] all = new byte[256];
      for (int i = 0; i < 256; i++) {
        all[i] = (byte) i;
      }
      Thread sender = new Thread(() -> ecr.send(all));
      sender.start();
      assertThat(peer.receive(Duration.ofSeconds(5))).isEqualTo(all);
      try {
        sender.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      assertThat(sender.isAlive()).isFalse();
      assertThat(ecr.transmissions()).isEqualTo(1);
      assertThat(peer.framesRejected()).isZero();
    }
  }

  private static byte[] readExactly(Transport t, int n) {
    byte[] out = new byte[n];
    int got = 0;
    while (got < n) {
      int r = t.read(out, got, n - got, Duration.ofSeconds(5));
      assertThat(r).as("bytes within 5 s").isPositive();
      got += r;
    }
    return out;
  }
}
