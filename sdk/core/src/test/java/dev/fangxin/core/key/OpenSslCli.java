package dev.fangxin.core.key;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code openssl} command line for interop tests. When {@code openssl} is not on the PATH
 * the calling test is skipped, except when the environment variable {@code CI} is {@code "true"}:
 * then it fails, because OpenSSL interop is an acceptance criterion.
 */
public final class OpenSslCli {
  /** Exit code and combined stdout + stderr of one run. */
  public static final class Result {
    public final int exitCode;
    public final String output;

    Result(int exitCode, String output) {
      this.exitCode = exitCode;
      this.output = output;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + ": " + output;
    }
  }

  private final Path workDir;

  private OpenSslCli(Path workDir) {
    this.workDir = workDir;
  }

  /** An instance running in {@code workDir}, or a skipped/failed test if there is no openssl. */
  public static OpenSslCli require(Path workDir) {
    boolean found = onPath();
    if (!found && "true".equals(System.getenv("CI"))) {
      fail("openssl is not on the PATH, and CI=true requires the OpenSSL interop tests to run");
    }
    assumeTrue(found, "openssl is not on the PATH; skipping the OpenSSL interop test");
    return new OpenSslCli(workDir);
  }

  private static boolean onPath() {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "openssl"))) {
        return true;
      }
    }
    return false;
  }

  /** Runs {@code openssl args...} in the work directory and waits at most 30 s. */
  public Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(Arrays.asList(args));
    Process p =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("openssl did not finish within 30 s: " + command);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** Like {@link #run} but fails the test unless the exit code is 0. */
  public Result ok(String... args) throws IOException, InterruptedException {
    Result r = run(args);
    if (r.exitCode != 0) {
      fail("openssl " + String.join(" ", args) + " failed: " + r);
    }
    return r;
  }
}
