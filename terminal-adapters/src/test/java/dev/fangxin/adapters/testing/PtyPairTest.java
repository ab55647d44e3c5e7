package dev.fangxin.adapters.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import org.junit.jupiter.api.Test;

class PtyPairTest {

  @Test
  void bytesCrossThePair() throws Exception {
    PtyPair.assumeAvailable();
    try (PtyPair pty = PtyPair.open();
        FileOutputStream out = new FileOutputStream(pty.a());
        FileInputStream in = new FileInputStream(pty.b())) {
      assertThat(pty.a()).startsWith("/dev/pts/");
      out.write(new byte[] {0x02, 0x00, (byte) 0xFF, 0x03});
      out.flush();
      // Not readNBytes: on Java 17 FileInputStream.readNBytes seeks, which a tty refuses.
      byte[] got = new byte[4];
      int n = 0;
      while (n < 4) {
        int r = in.read(got, n, 4 - n);
        assertThat(r).isPositive();
        n += r;
      }
      assertThat(got).containsExactly(0x02, 0x00, 0xFF, 0x03);
    }
  }
}
