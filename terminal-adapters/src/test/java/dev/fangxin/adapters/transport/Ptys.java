package dev.fangxin.adapters.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test helpers for serial tests over socat pseudo-terminals. */
final class Ptys {
  private Ptys() {}

  /** Reads exactly {@code n} bytes or fails after 10 s. */
  static byte[] readExactly(Transport t, int n) {
    byte[] out = new byte[n];
    int got = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (got < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("read " + got + " of " + n + " bytes within 10 s");
      }
      got += t.read(out, got, n - got, Duration.ofMillis(500));
    }
    return out;
  }

  /** Runs a command and returns its standard output (stderr merged); fails on a non-zero exit. */
  static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = p.getInputStream()) {
      in.transferTo(out);
    }
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(command + " failed: " + out.toString(StandardCharsets.UTF_8));
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
