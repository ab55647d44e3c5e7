package dev.fangxin.adapters.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two connected kernel pseudo-terminals made by {@code socat}: bytes written to one end are read
 * from the other, through the real tty layer, so serial code is tested against a real port without
 * hardware. A pty does not pace bytes by baud rate.
 *
 * <p>Use in try-with-resources; {@link #close()} stops socat, which removes both ends. Requires
 * {@code socat} on the PATH ({@link #available()}); {@code .ci/run} installs it.
 */
public final class PtyPair implements AutoCloseable {
  private final Process socat;
  private final Path dir;
  private final Path a;
  private final Path b;

  private PtyPair(Process socat, Path dir, Path a, Path b) {
    this.socat = socat;
    this.dir = dir;
    this.a = a;
    this.b = b;
  }

  /** Whether socat is on the PATH. */
  public static boolean available() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String d : path.split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, "socat"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * For tests: skips the calling test when socat is missing, but fails it when {@code CI=true},
   * where {@code .ci/run} must have installed socat.
   */
  public static void assumeAvailable() {
    if (!available() && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("socat is required when CI=true; .ci/run installs it");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(available(), "socat on PATH");
  }

  /** Starts socat and waits (at most 10 s) until both ends exist. */
  public static PtyPair open() {
    try {
      Path dir = Files.createTempDirectory("fx-pty");
      Path a = dir.resolve("a");
      Path b = dir.resolve("b");
      Process socat =
          new ProcessBuilder(
                  List.of("socat", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("socat.log").toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!(Files.exists(a) && Files.exists(b))) {
        if (!socat.isAlive()) {
          throw new IllegalStateException(
              "socat exited: " + Files.readString(dir.resolve("socat.log")));
        }
        if (System.nanoTime() > deadline) {
          socat.destroyForcibly();
          throw new IllegalStateException("socat did not create the pty pair within 10 s");
        }
        Thread.sleep(10);
      }
      return new PtyPair(socat, dir, a, b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting socat", e);
    }
  }

  /** One end: the real device path (e.g. {@code /dev/pts/3}), resolved from socat's link. */
  public String a() {
    return resolve(a);
  }

  /** The other end. */
  public String b() {
    return resolve(b);
  }

  private static String resolve(Path link) {
    try {
      return link.toRealPath().toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    socat.destroy();
    try {
      if (!socat.waitFor(5, TimeUnit.SECONDS)) {
        socat.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      socat.destroyForcibly();
    }
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // best effort: a temp folder
    }
  }
}
