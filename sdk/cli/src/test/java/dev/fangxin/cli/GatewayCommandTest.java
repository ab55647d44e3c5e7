package dev.fangxin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fangxin gateway}: bad settings in-process, and a real run as a child process. */
class GatewayCommandTest {
  private static final Pattern LISTENING =
      Pattern.compile("Fangxin gateway listening on (http://127\\.0\\.0\\.1:(\\d+))");

  @TempDir Path dir;

  @Test
  void aBadFlagIsOneLineNamingKeySourceAndExpectation() {
    CliTest.Result r = CliTest.run("gateway", "--port", "80x");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "gateway: Invalid value for http.port from flag --port: \"80x\"; expected an integer"
                + " from 0 to 65535. [config.invalid_value]\n");
    CliTest.Result serve = CliTest.run("gateway", "serve", "--delivery-horizon", "72h");
    assertThat(serve.status()).isEqualTo(2);
    assertThat(serve.err())
        .startsWith(
            "serve: Invalid value for delivery.horizon from flag --delivery-horizon: \"72h\";"
                + " expected a duration from 7d to 90d");
  }

  @Test
  void anUnknownKeyInTheConfigFileIsRefusedWithItsLine() throws IOException {
    Path f = dir.resolve("gateway.properties");
    Files.writeString(f, "http.port=0\nstore.pool=3\n");
    CliTest.Result r = CliTest.run("gateway", "--config", f.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "gateway: Unknown key \"store.pool\" in the configuration file "
                + f
                + " on line 2; expected one of the keys listed in the gateway README (did you"
                + " mean store.url?). [config.unknown_key]\n");
  }

  @Test
  void helpListsEverySettingAndTheServeSubcommand() {
    CliTest.Result r = CliTest.run("gateway", "--help");
    assertThat(r.status()).isZero();
    assertThat(r.out())
        .contains("serve")
        .contains("--port=VALUE")
        .contains("--store-url=VALUE")
        .contains("FANGXIN_STORE_URL")
        .contains("--tls-cert-chain=VALUE")
        .contains("--config=VALUE")
        .doesNotContain("--store-password")
        .doesNotContain("--regulator-secret");
  }

  @Test
  void anUnusableStoreIsOneLine() {
    CliTest.Result r =
        CliTest.run(
            "gateway",
            "--port",
            "0",
            "--store-url",
            "jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2&password=hunter2");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("gateway: Could not connect to the store at")
        .endsWith("[store.connection_failed]\n");
    assertThat(r.err()).doesNotContain("hunter2");
    assertThat(r.err().lines().count()).isEqualTo(1);
  }

  @Test
  void runsUntilSigtermThenStopsCleanly() throws Exception {
    String url =
        "jdbc:h2:file:"
            + dir.resolve("db").resolve("fangxin")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    runAndStop(List.of("gateway", "--port", "0", "--store-url", url), "Store: " + url + " (H2)");
  }

  @Test
  void servesTheEmbeddedDatabaseUnderTheDataDirectory() throws Exception {
    Path data = dir.resolve("data");
    runAndStop(
        List.of("gateway", "serve", "--port", "0", "--data-dir", data.toString()),
        "Data: " + data + " (embedded H2 database)");
    assertThat(data.resolve("fangxin.mv.db")).exists();
  }

  private void runAndStop(List<String> args, String storeLine) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(Main.class.getName());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("FANGXIN_"));
    Process p = pb.start();
    CompletableFuture<String> stderr =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return e.toString();
              }
            });
    List<String> lines = new CopyOnWriteArrayList<>();
    CountDownLatch started = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  lines.add(line);
                  if (line.startsWith("Stop with")) {
                    started.countDown();
                  }
                }
              } catch (IOException e) {
                lines.add("(read failed: " + e + ")");
              } finally {
                started.countDown();
              }
            });
    reader.start();
    try {
      assertThat(started.await(120, TimeUnit.SECONDS)).isTrue();
      URI base =
          lines.stream()
              .map(LISTENING::matcher)
              .filter(Matcher::matches)
              .map(m -> URI.create(m.group(1)))
              .findFirst()
              .orElse(null);
      assertThat(base)
          .as("started; output %s; errors %s", lines, p.isAlive() ? "" : stderr.get())
          .isNotNull();
      assertThat(lines).contains(storeLine).contains("Dispute links: " + base);

      HttpClient client = HttpClient.newHttpClient();
      assertThat(get(client, base.resolve("/healthz")).body()).isEqualTo("ok");
      assertThat(get(client, base.resolve("/readyz")).body()).isEqualTo("ready");
      HttpResponse<String> metrics = get(client, base.resolve("/metrics"));
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("fangxin_outbox_due 0.0");

      // SIGTERM (Process.destroy() would also close our end of the pipes).
      assertThat(p.toHandle().destroy()).isTrue();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
      assertThat(p.exitValue()).as("exit status; stderr %s", stderr.get()).isZero();
      assertThat(lines).contains("Stopping: draining in-flight requests…", "Stopped.");
      assertThat(stderr.get()).doesNotContain("Exception").doesNotContain("\tat ");
    } finally {
      p.destroyForcibly();
    }
  }

  private static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
    return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }
}
