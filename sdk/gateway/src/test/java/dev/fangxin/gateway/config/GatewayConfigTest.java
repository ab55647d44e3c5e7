package dev.fangxin.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.gateway.store.StoreConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GatewayConfigTest {
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  @TempDir Path dir;

  private Path file(String text) throws IOException {
    Path p = dir.resolve("gateway.properties");
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void defaultsRunOutOfTheBox() {
    GatewayConfig c = GatewayConfig.defaults();
    assertThat(c.http().host()).isEqualTo("127.0.0.1");
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.http().maxHeaderSize()).isEqualTo(8192);
    assertThat(c.http().maxBodySize()).isEqualTo(65536);
    assertThat(c.http().readTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.http().idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.http().workerThreads()).isEqualTo(32);
    assertThat(c.tls()).isEmpty();
    assertThat(c.dataDir()).isEqualTo(Path.of("data").toAbsolutePath().normalize());
    assertThat(c.embeddedStore()).isTrue();
    assertThat(c.store().dialect()).isEqualTo(StoreConfig.Dialect.H2);
    assertThat(c.store().jdbcUrl())
        .isEqualTo(
            StoreConfig.embeddedDefault(Path.of("data")).jdbcUrl() + ";DB_CLOSE_ON_EXIT=FALSE");
    assertThat(c.store().user()).isEqualTo("fangxin");
    assertThat(c.store().poolSize()).isEqualTo(10);
    assertThat(c.publicBaseUrl()).isEmpty();
    assertThat(c.delivery().workers()).isEqualTo(4);
    assertThat(c.delivery().perEndpointConcurrency()).isEqualTo(2);
    assertThat(c.delivery().requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.delivery().circuitThreshold()).isEqualTo(20);
    assertThat(c.delivery().horizon()).isEqualTo(Duration.ofDays(7));
    assertThat(c.delivery().minAttempts()).isEqualTo(12);
    assertThat(c.regulator()).isEmpty();
    assertThat(c.merchantDeadline()).isEqualTo(Duration.ofHours(96));
    assertThat(c.metricsRefreshInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.configFile()).isEmpty();
    assertThat(c.source("http.port")).isEqualTo("default");
  }

  @Test
  void flagsBeatEnvironmentBeatFileBeatDefaults() throws IOException {
    Path f =
        file(
            "# comment\n"
                + "http.port = 7001\n"
                + "http.max-body-size: 1000\n"
                + "http.worker-threads 3\n"
                + "store.pool-size=5\n");
    Map<String, String> env =
        Map.of(
            "FANGXIN_CONFIG", f.toString(),
            "FANGXIN_HTTP_PORT", "7002",
            "FANGXIN_HTTP_MAX_BODY_SIZE", "2000",
            "FANGXIN_UNRELATED", "ignored",
            "PATH", "/bin");
    GatewayConfig c = GatewayConfig.load(Map.of("http.port", "7003"), env);
    assertThat(c.http().port()).isEqualTo(7003);
    assertThat(c.source("http.port")).isEqualTo("flag --port");
    assertThat(c.http().maxBodySize()).isEqualTo(2000);
    assertThat(c.source("http.max-body-size"))
        .isEqualTo("environment variable FANGXIN_HTTP_MAX_BODY_SIZE");
    assertThat(c.http().workerThreads()).isEqualTo(3);
    assertThat(c.source("http.worker-threads")).isEqualTo("file " + f + " line 4");
    assertThat(c.store().poolSize()).isEqualTo(5);
    assertThat(c.http().maxHeaderSize()).isEqualTo(8192);
    assertThat(c.source("http.max-header-size")).isEqualTo("default");
    assertThat(c.configFile()).contains(f);
  }

  @Test
  void aConfigFlagBeatsTheConfigEnvironmentVariable() throws IOException {
    Path a = file("http.port=1111\n");
    Path b = dir.resolve("b.properties");
    Files.writeString(b, "http.port=2222\n");
    GatewayConfig c =
        GatewayConfig.load(Map.of("config", b.toString()), Map.of("FANGXIN_CONFIG", a.toString()));
    assertThat(c.http().port()).isEqualTo(2222);
  }

  @Test
  void propertiesEscapesAndContinuationsAreRead() throws IOException {
    Path f = file("public.base-url = https://fx.example.cn\\\n    /hz/\nstore.user=g\\u0077\n");
    GatewayConfig c = GatewayConfig.load(Map.of("config", f.toString()), Map.of());
    assertThat(c.publicBaseUrl()).contains(URI.create("https://fx.example.cn/hz"));
    assertThat(c.store().user()).isEqualTo("gw");
  }

  @Test
  void postgresUrlSwitchesTheStore() {
    GatewayConfig c =
        GatewayConfig.load(
            Map.of("store.url", "jdbc:postgresql://db:5432/fangxin", "store.password", "pw"),
            Map.of("FANGXIN_STORE_USER", "gw"));
    assertThat(c.embeddedStore()).isFalse();
    assertThat(c.store().dialect()).isEqualTo(StoreConfig.Dialect.POSTGRESQL);
    assertThat(c.store().user()).isEqualTo("gw");
    assertThat(c.toString()).doesNotContain("pw,").contains("store.password=***");
  }

  @Test
  void unknownKeyInTheFileIsRefusedWithItsLine() throws IOException {
    Path f = file("http.port=1\n\n# x\nhttp.prot=2\n");
    assertThatThrownBy(() -> GatewayConfig.load(Map.of("config", f.toString()), Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.reasonCode()).isEqualTo(ConfigException.Reason.UNKNOWN_KEY);
              assertThat(e.reason()).isEqualTo("config.unknown_key");
              assertThat(e.key()).isEqualTo("http.prot");
              assertThat(e.source()).isEqualTo("file " + f + " line 4");
            })
        .hasMessage(
            "Unknown key \"http.prot\" in the configuration file "
                + f
                + " on line 4; expected one of the keys listed in the gateway README (did you"
                + " mean http.port?).");
  }

  @Test
  void theFileCannotNameAnotherConfigFile() throws IOException {
    Path f = file("config=other.properties\n");
    assertThatThrownBy(() -> GatewayConfig.load(Map.of("config", f.toString()), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("on line 1; the configuration file cannot name another one.");
  }

  @Test
  void aKeyGivenTwiceInTheFileIsRefused() throws IOException {
    Path f = file("http.port=1\nhttp.port=2\n");
    assertThatThrownBy(() -> GatewayConfig.load(Map.of("config", f.toString()), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "The configuration file "
                + f
                + " sets http.port twice, on line 1 and on line 2; expected each key once.");
  }

  @Test
  void aMissingConfigFileIsRefused() {
    Path f = dir.resolve("absent.properties");
    assertThatThrownBy(() -> GatewayConfig.load(Map.of("config", f.toString()), Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(ConfigException.Reason.UNREADABLE_FILE))
        .hasMessage("Could not read the configuration file " + f + ": no such file.");
  }

  @Test
  void unknownFlagKeyIsRefused() {
    assertThatThrownBy(() -> GatewayConfig.load(Map.of("http.nope", "1"), Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(ConfigException.Reason.UNKNOWN_KEY));
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("data.dir", "", "a directory path"),
        Arguments.of("http.host", " ", "a host name or IP address"),
        Arguments.of("http.port", "80x", "an integer from 0 to 65535"),
        Arguments.of("http.port", "65536", "an integer from 0 to 65535"),
        Arguments.of("http.port", "-1", "an integer from 0 to 65535"),
        Arguments.of("http.max-initial-line-length", "255", "an integer from 256 to 65536"),
        Arguments.of("http.max-header-size", "1023", "an integer from 1024 to 1048576"),
        Arguments.of("http.max-body-size", "67108865", "an integer from 0 to 67108864"),
        Arguments.of("http.idle-timeout", "0s", durationPhrase("1ms", "1d")),
        Arguments.of("http.idle-timeout", "ten seconds", durationPhrase("1ms", "1d")),
        Arguments.of("http.read-timeout", "2h", durationPhrase("1ms", "1h")),
        Arguments.of("http.worker-threads", "0", "an integer from 1 to 1024"),
        Arguments.of("http.max-pending-requests", "1000001", "an integer from 1 to 1000000"),
        Arguments.of("http.shutdown-timeout", "-1s", durationPhrase("0s", "1h")),
        Arguments.of(
            "store.url",
            "jdbc:mysql://db/x",
            "empty, or a JDBC URL starting with jdbc:h2: or jdbc:postgresql:"),
        Arguments.of("store.user", "", "a database user name"),
        Arguments.of("store.pool-size", "201", "an integer from 1 to 200"),
        Arguments.of(
            "public.base-url",
            "ftp://x.example",
            "empty, or an absolute http:// or https:// URL without query or fragment"),
        Arguments.of(
            "public.base-url",
            "https://x.example/?q=1",
            "empty, or an absolute http:// or https:// URL without query or fragment"),
        Arguments.of("delivery.workers", "257", "an integer from 0 to 256"),
        Arguments.of("delivery.workers", "-1", "an integer from 0 to 256"),
        Arguments.of("delivery.per-endpoint-concurrency", "0", "an integer from 1 to 64"),
        Arguments.of("delivery.request-timeout", "500ms", durationPhrase("1s", "5m")),
        Arguments.of("delivery.circuit-threshold", "0", "an integer from 1 to 10000"),
        Arguments.of("delivery.horizon", "72h", durationPhrase("7d", "90d")),
        Arguments.of("delivery.min-attempts", "11", "an integer from 12 to 1000"),
        Arguments.of(
            "regulator.url",
            "12315",
            "empty, or an absolute http:// or https:// URL without query or fragment"),
        Arguments.of("cases.merchant-deadline", "59m", durationPhrase("1h", "365d")),
        Arguments.of("metrics.refresh-interval", "PT0.5S", durationPhrase("1s", "1h")));
  }

  private static String durationPhrase(String min, String max) {
    return "a duration from " + min + " to " + max + " such as 500ms, 10s, 5m, 96h or 7d";
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badValues")
  void everyBadValueNamesKeySourceAndExpectation(String key, String value, String expected)
      throws IOException {
    ConfigKey k = GatewayConfig.keys().stream().filter(x -> x.name().equals(key)).findFirst().get();
    // From a flag.
    assertThatThrownBy(() -> GatewayConfig.load(Map.of(key, value), Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.reasonCode()).isEqualTo(ConfigException.Reason.INVALID_VALUE);
              assertThat(e.key()).isEqualTo(key);
              assertThat(e.source()).isEqualTo("flag " + k.flag());
            })
        .hasMessage(
            "Invalid value for "
                + key
                + " from flag "
                + k.flag()
                + ": \""
                + value
                + "\"; expected "
                + expected
                + ".");
    // From the environment.
    assertThatThrownBy(() -> GatewayConfig.load(Map.of(), Map.of(k.environmentVariable(), value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "Invalid value for " + key + " from environment variable " + k.environmentVariable());
    // From the file, with its line.
    Path f = file("# settings\n" + key + "=" + value + "\n");
    assertThatThrownBy(() -> GatewayConfig.load(Map.of("config", f.toString()), Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.source()).isEqualTo("file " + f + " line 2"))
        .hasMessageStartingWith("Invalid value for " + key + " from file " + f + " line 2");
  }

  @Test
  void goodDurationsInEveryNotation() {
    Map<String, String> flags = new HashMap<>();
    flags.put("http.read-timeout", "1500ms");
    flags.put("http.idle-timeout", "2m");
    flags.put("cases.merchant-deadline", "4d");
    flags.put("http.shutdown-timeout", "PT30S");
    GatewayConfig c = GatewayConfig.load(flags, Map.of());
    assertThat(c.http().readTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.http().idleTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.merchantDeadline()).isEqualTo(Duration.ofDays(4));
    assertThat(c.http().shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void tlsNeedsBothFilesAndReadableOnes() throws IOException {
    Path chain = Files.writeString(dir.resolve("chain.pem"), "x");
    assertThatThrownBy(
            () -> GatewayConfig.load(Map.of("tls.cert-chain", chain.toString()), Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.reasonCode()).isEqualTo(ConfigException.Reason.INCONSISTENT);
              assertThat(e.key()).isEqualTo("tls.private-key");
            })
        .hasMessage(
            "tls.cert-chain is set (from flag --tls-cert-chain) but tls.private-key is not;"
                + " expected both to turn on TLS, or neither.");
    Path missing = dir.resolve("missing-key.pem");
    assertThatThrownBy(
            () ->
                GatewayConfig.load(
                    Map.of(),
                    Map.of(
                        "FANGXIN_TLS_CERT_CHAIN",
                        chain.toString(),
                        "FANGXIN_TLS_PRIVATE_KEY",
                        missing.toString())))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(ConfigException.Reason.UNREADABLE_FILE))
        .hasMessage(
            "Invalid value for tls.private-key from environment variable FANGXIN_TLS_PRIVATE_KEY: "
                + missing
                + " is not a readable file; expected a readable PEM file.");
    assertThatThrownBy(
            () -> GatewayConfig.load(Map.of("tls.private-key-password", "hunter2"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "tls.private-key-password is set (from setting tls.private-key-password) but TLS is"
                + " off; expected tls.cert-chain and tls.private-key with it.")
        .hasMessageNotContaining("hunter2");
    GatewayConfig on =
        GatewayConfig.load(
            Map.of("tls.cert-chain", chain.toString(), "tls.private-key", chain.toString()),
            Map.of());
    assertThat(on.tls()).isPresent();
    assertThat(on.http().tls()).isPresent();
  }

  @Test
  void regulatorNeedsUrlAndSecretAndHidesTheSecret() {
    assertThatThrownBy(
            () -> GatewayConfig.load(Map.of("regulator.url", "https://12315.example"), Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(ConfigException.Reason.INCONSISTENT))
        .hasMessage(
            "regulator.url is set (from flag --regulator-url) but regulator.secret is not;"
                + " expected both for a regulator sink, or neither.");
    assertThatThrownBy(
            () ->
                GatewayConfig.load(
                    Map.of(
                        "regulator.url",
                        "https://12315.example",
                        "regulator.secret",
                        "whsec_short"),
                    Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.reasonCode()).isEqualTo(ConfigException.Reason.INVALID_VALUE);
              assertThat(e.key()).isEqualTo("regulator.secret");
            })
        .hasMessage(
            "Invalid value for regulator.secret from setting regulator.secret (value hidden);"
                + " expected empty, or whsec_ followed by the base64 of 24 to 64 bytes.");
    GatewayConfig c =
        GatewayConfig.load(
            Map.of("regulator.url", "https://12315.example/hooks/"),
            Map.of("FANGXIN_REGULATOR_SECRET", SECRET));
    assertThat(c.regulator()).isPresent();
    assertThat(c.regulator().get().url()).isEqualTo(URI.create("https://12315.example/hooks"));
    assertThat(c.toString()).doesNotContain(SECRET.substring(6)).contains("regulator.secret=***");
  }

  @Test
  void everyKeyHasAnEnvironmentVariableAndAFlagOfItsOwn() {
    assertThat(GatewayConfig.keys())
        .filteredOn(k -> !k.secret())
        .extracting(ConfigKey::flag)
        .doesNotHaveDuplicates()
        .allMatch(f -> f.matches("--[a-z][a-z-]+"));
    assertThat(GatewayConfig.keys())
        .filteredOn(ConfigKey::secret)
        .allMatch(k -> k.flag().isEmpty());
    assertThat(GatewayConfig.keys())
        .extracting(ConfigKey::environmentVariable)
        .doesNotHaveDuplicates()
        .allMatch(v -> v.matches("FANGXIN_[A-Z0-9_]+"));
    assertThat(GatewayConfig.keys())
        .filteredOn(ConfigKey::secret)
        .extracting(ConfigKey::name)
        .containsExactly("tls.private-key-password", "store.password", "regulator.secret");
  }

  @Test
  void everyDefaultParses() {
    // The documented defaults are the values load() uses; each must satisfy its own rule.
    for (ConfigKey k : GatewayConfig.keys()) {
      GatewayConfig c = GatewayConfig.load(Map.of(k.name(), k.defaultValue()), Map.of());
      assertThat(c.source(k.name()))
          .isEqualTo(k.secret() ? "setting " + k.name() : "flag " + k.flag());
    }
  }

  /**
   * The README's reference table is generated from {@link GatewayConfig#keys()}. To regenerate
   * after changing a key: {@code ./mvnw -pl sdk/gateway test -Dtest=GatewayConfigTest
   * -DargLine=-Dfangxin.regenerateDocs=true}.
   */
  @Test
  void readmeTableMatchesTheCode() throws IOException {
    Path readme = Path.of("README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    String begin = "<!-- config-table:begin (generated by GatewayConfig.referenceTable()) -->\n";
    String end = "<!-- config-table:end -->";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    assertThat(b).as("README has the begin marker").isNotNegative();
    assertThat(e).as("README has the end marker").isGreaterThan(b);
    String table = GatewayConfig.referenceTable();
    if (Boolean.getBoolean("fangxin.regenerateDocs")) {
      text = text.substring(0, b + begin.length()) + table + text.substring(e);
      Files.writeString(readme, text, StandardCharsets.UTF_8);
      e = text.indexOf(end);
    }
    assertThat(text.substring(b + begin.length(), e)).isEqualTo(table);
  }
}
