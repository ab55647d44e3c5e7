package dev.fangxin.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code fangxin gateway} running as a child JVM with the test classpath, as an operator runs it:
 * flags on the command line, secrets in the environment (every inherited {@code FANGXIN_*} variable
 * is removed first). Its standard output and error go to files in {@code logs}, so a busy child
 * never blocks on a full pipe, and a failing test can show them.
 *
 * <p>Not thread-safe: one test thread starts, kills and stops it.
 */
final class GatewayProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("Fangxin gateway listening on (http://127\\.0\\.0\\.1:\\d+)");

  private final String name;
  private final Process process;
  private final Path out;
  private final Path err;
  private final URI base;

  private GatewayProcess(String name, Process process, Path out, Path err, URI base) {
    this.name = name;
    this.process = process;
    this.out = out;
    this.err = err;
    this.base = base;
  }

  /**
   * Starts {@code fangxin gateway <flags>} and waits (up to 2 minutes) until it says it listens.
   *
   * @param name names the log files, e.g. {@code gw-a}
   * @param env environment variables to add, e.g. {@code FANGXIN_REGULATOR_SECRET}
   * @throws AssertionError if it exits or stays silent, with its output
   */
  static GatewayProcess start(String name, Path logs, List<String> flags, Map<String, String> env)
      throws IOException, InterruptedException {
    Files.createDirectories(logs);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Small and polite on a shared 2-core machine.
    command.add("-Xmx384m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(Main.class.getName());
    command.add("gateway");
    command.addAll(flags);
    Path out = logs.resolve(name + ".out");
    Path err = logs.resolve(name + ".err");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(logs.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("FANGXIN_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (text.contains("Stop with")) {
        Matcher m = LISTENING.matcher(text);
        if (!m.find()) {
          p.destroyForcibly();
          throw new AssertionError(name + " started without saying where: " + text);
        }
        return new GatewayProcess(name, p, out, err, URI.create(m.group(1)));
      }
      if (!p.isAlive()) {
        throw new AssertionError(
            name
                + " exited with "
                + p.exitValue()
                + "; output: "
                + text
                + "; errors: "
                + Files.readString(err, StandardCharsets.UTF_8));
      }
      Thread.sleep(50);
    }
    p.destroyForcibly();
    throw new AssertionError(name + " did not start within 2 minutes");
  }

  /** Where it listens, e.g. {@code http://127.0.0.1:40123}. */
  URI base() {
    return base;
  }

  /** Its process ID. */
  long pid() {
    return process.pid();
  }

  /** Whether it still runs. */
  boolean isAlive() {
    return process.isAlive();
  }

  /** Its standard output so far. */
  String output() throws IOException {
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  /** Its standard error so far (the gateway's log). */
  String errors() throws IOException {
    return Files.readString(err, StandardCharsets.UTF_8);
  }

  /**
   * SIGKILL ({@link Process#destroyForcibly()} on Unix): no shutdown hook, no drain, no flush.
   * Waits until the process is gone.
   */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " survived SIGKILL for 30 s");
    }
  }

  /**
   * SIGTERM, then waits up to a minute for the graceful stop.
   *
   * @return the exit status
   */
  int stop() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(name + " did not stop within a minute of SIGTERM");
    }
    return process.exitValue();
  }

  /** Kills it if it still runs. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  @Override
  public String toString() {
    return name + "(pid " + process.pid() + ", " + base + ")";
  }

  /** The value of a Prometheus sample line such as {@code name{tags} 12.0}, or 0 if absent. */
  static double sample(String metrics, String lineStart) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(lineStart + " ")) {
        return Double.parseDouble(line.substring(lineStart.length() + 1).trim());
      }
    }
    return 0;
  }

  /** {@code Duration} in seconds with one decimal, for reports. */
  static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
