package dev.fangxin.gateway.config;

import dev.fangxin.core.webhook.WebhookException;
import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.gateway.http.HttpServerConfig;
import dev.fangxin.gateway.http.TlsConfig;
import dev.fangxin.gateway.store.StoreConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every setting of the gateway in one immutable value, with defaults that run out of the box:
 * {@code GatewayConfig.defaults()} serves plain HTTP on {@code 127.0.0.1:8080} from an H2 file
 * database under {@code ./data}.
 *
 * <p><b>Sources.</b> {@link #load} takes each setting from the first source that has it: a
 * command-line flag, then an environment variable ({@code FANGXIN_...}), then the configuration
 * file ({@code --config gateway.properties} or {@code FANGXIN_CONFIG}; Java properties format,
 * UTF-8), then the default. The file may only name known keys: an unknown key is refused with its
 * name and line. An empty value means "not set" for optional settings (TLS, regulator sink, public
 * base URL, store URL) and is a bad value for the others. Relative paths are resolved against the
 * working directory.
 *
 * <p>Secrets ({@code store.password}, {@code tls.private-key-password}, {@code regulator.secret})
 * have no command-line flag, so they never show in a process list: give them in the environment or
 * the file (or in code through {@code flags}, reported as {@code setting <key>}).
 *
 * <p><b>Errors.</b> Every bad value is a {@link ConfigException} naming the key, the source and
 * what was expected; secrets are never repeated. The keys are {@link #keys()}; the reference table
 * in {@code sdk/gateway/README.md} is {@link #referenceTable()}.
 *
 * <p>Instances are immutable and thread-safe; {@link #toString()} hides secrets.
 */
public final class GatewayConfig {
  /** Key of the configuration file setting (flag and environment only, never inside the file). */
  public static final String CONFIG_FILE = "config";

  private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

  private static final List<Def> DEFS = new ArrayList<>();
  private static final Map<String, Def> BY_NAME = new LinkedHashMap<>();

  static {
    def(
        CONFIG_FILE,
        "--config",
        "",
        "empty, or a path to a properties file",
        "Configuration file in Java properties format (flag or environment only).",
        false,
        optionalPath());
    def(
        "data.dir",
        "--data-dir",
        "./data",
        "a directory path",
        "Directory of the embedded H2 database, used when store.url is empty.",
        false,
        requiredPath());
    def(
        "http.host",
        "--host",
        "127.0.0.1",
        "a host name or IP address",
        "Address the HTTP server binds.",
        false,
        nonBlank());
    def(
        "http.port",
        "--port",
        "8080",
        "an integer from 0 to 65535",
        "Port the HTTP server binds; 0 picks a free port.",
        false,
        integer(0, 65535));
    def(
        "http.max-initial-line-length",
        "--http-max-initial-line-length",
        "4096",
        "an integer from 256 to 65536",
        "Longest request line in bytes (longer: 414).",
        false,
        integer(256, 65536));
    def(
        "http.max-header-size",
        "--http-max-header-size",
        "8192",
        "an integer from 1024 to 1048576",
        "Largest header block in bytes (larger: 431).",
        false,
        integer(1024, 1 << 20));
    def(
        "http.max-body-size",
        "--http-max-body-size",
        "65536",
        "an integer from 0 to 67108864",
        "Largest request body in bytes (larger: 413).",
        false,
        integer(0, 64 << 20));
    def(
        "http.idle-timeout",
        "--http-idle-timeout",
        "60s",
        durationPhrase("1ms", "1d"),
        "Closes a connection silent this long with no request in flight.",
        false,
        duration(Duration.ofMillis(1), Duration.ofDays(1)));
    def(
        "http.read-timeout",
        "--http-read-timeout",
        "10s",
        durationPhrase("1ms", "1h"),
        "Time for a request (and a TLS handshake) to arrive once begun (then 408).",
        false,
        duration(Duration.ofMillis(1), Duration.ofHours(1)));
    def(
        "http.worker-threads",
        "--http-worker-threads",
        "32",
        "an integer from 1 to 1024",
        "Threads running route handlers (they block on the store; concurrent complaints are"
            + " committed together).",
        false,
        integer(1, 1024));
    def(
        "http.max-pending-requests",
        "--http-max-pending-requests",
        "256",
        "an integer from 1 to 1000000",
        "Requests queued for the workers before 503.",
        false,
        integer(1, 1_000_000));
    def(
        "http.shutdown-timeout",
        "--http-shutdown-timeout",
        "10s",
        durationPhrase("0s", "1h"),
        "How long shutdown waits for in-flight requests.",
        false,
        duration(Duration.ZERO, Duration.ofHours(1)));
    def(
        "tls.cert-chain",
        "--tls-cert-chain",
        "",
        "empty, or a readable PEM file",
        "Server certificate chain (PEM, server certificate first); with tls.private-key turns"
            + " on HTTPS.",
        false,
        optionalPath());
    def(
        "tls.private-key",
        "--tls-private-key",
        "",
        "empty, or a readable PEM file",
        "Private key of the certificate (PKCS#8 PEM, RSA or EC).",
        false,
        optionalPath());
    def(
        "tls.private-key-password",
        "",
        "",
        "empty, or the password of an encrypted PKCS#8 key",
        "Password of an encrypted private key.",
        true,
        optionalText());
    def(
        "tls.client-auth",
        "--tls-client-auth",
        "none",
        "none or want",
        "want: the TLS handshake asks clients for a certificate (not required); acquirers"
            + " registered by certificate fingerprint then push clearing batches without HMAC.",
        false,
        raw -> {
          if (!raw.equals("none") && !raw.equals("want")) {
            throw new IllegalArgumentException("not none or want");
          }
          return raw;
        });
    def(
        "tls.client-ca",
        "--tls-client-ca",
        "",
        "empty, or a readable PEM file",
        "CA certificates (PEM) a client certificate must chain to; empty = any certificate,"
            + " identified by its registered fingerprint only.",
        false,
        optionalPath());
    def(
        "store.url",
        "--store-url",
        "",
        "empty, or a JDBC URL starting with jdbc:h2: or" + " jdbc:postgresql:",
        "JDBC URL of the store; empty = H2 file database under data.dir; jdbc:postgresql:"
            + " switches to PostgreSQL.",
        false,
        jdbcUrl());
    def(
        "store.user",
        "--store-user",
        "fangxin",
        "a database user name",
        "Database user.",
        false,
        nonBlank());
    def(
        "store.password",
        "",
        "",
        "the database password (may be empty)",
        "Database password.",
        true,
        optionalText());
    def(
        "store.pool-size",
        "--store-pool-size",
        "10",
        "an integer from 1 to 200",
        "Maximum pooled database connections.",
        false,
        integer(1, StoreConfig.MAX_POOL_SIZE));
    def(
        "public.base-url",
        "--public-base-url",
        "",
        "empty, or an absolute http:// or https:// URL without query or fragment",
        "Base URL of dispute links; empty = the address the server listens on.",
        false,
        httpUrl());
    def(
        "delivery.workers",
        "--delivery-workers",
        "4",
        "an integer from 0 to 256",
        "Threads delivering webhooks; 0 = this process files complaints but delivers nothing (another"
            + " gateway on the same store delivers).",
        false,
        integer(0, 256));
    def(
        "delivery.per-endpoint-concurrency",
        "--delivery-per-endpoint-concurrency",
        "2",
        "an integer from 1 to 64",
        "Most requests in flight to one merchant endpoint.",
        false,
        integer(1, 64));
    def(
        "delivery.request-timeout",
        "--delivery-request-timeout",
        "10s",
        durationPhrase("1s", "5m"),
        "Time limit of one delivery attempt.",
        false,
        duration(Duration.ofSeconds(1), Duration.ofMinutes(5)));
    def(
        "delivery.circuit-threshold",
        "--delivery-circuit-threshold",
        "20",
        "an integer from 1 to 10000",
        "Consecutive failures after which an endpoint's circuit opens.",
        false,
        integer(1, 10_000));
    def(
        "delivery.backoff-base",
        "--delivery-backoff-base",
        "30s",
        durationPhrase("100ms", "1h"),
        "First retry delay; each later one doubles (with jitter) up to 6 hours.",
        false,
        duration(Duration.ofMillis(100), Duration.ofHours(1)));
    def(
        "delivery.horizon",
        "--delivery-horizon",
        "7d",
        durationPhrase("7d", "90d"),
        "How long an event is retried before it is dead-lettered (at least 7 days).",
        false,
        duration(Duration.ofDays(7), Duration.ofDays(90)));
    def(
        "delivery.min-attempts",
        "--delivery-min-attempts",
        "12",
        "an integer from 12 to 1000",
        "Fewest attempts before an event may be dead-lettered (at least 12).",
        false,
        integer(12, 1000));
    def(
        "regulator.url",
        "--regulator-url",
        "",
        "empty, or an absolute http:// or https:// URL without query or fragment",
        "Webhook sink of the regulator (escalations, endpoint notices); empty = none.",
        false,
        httpUrl());
    def(
        "regulator.secret",
        "",
        "",
        "empty, or whsec_ followed by the base64 of 24 to 64 bytes",
        "Signing secret of the regulator sink (required with regulator.url).",
        true,
        optionalText());
    def(
        "cases.merchant-deadline",
        "--cases-merchant-deadline",
        "96h",
        durationPhrase("1h", "365d"),
        "Time a merchant has to handle a case before it escalates.",
        false,
        duration(Duration.ofHours(1), Duration.ofDays(365)));
    def(
        "metrics.refresh-interval",
        "--metrics-refresh-interval",
        "10s",
        durationPhrase("1s", "1h"),
        "Database-derived gauges are recomputed at most this often.",
        false,
        duration(Duration.ofSeconds(1), Duration.ofHours(1)));
  }

  private final Map<String, Object> values;
  private final Map<String, String> sources;
  private final HttpServerConfig http;
  private final StoreConfig store;
  private final Delivery delivery;
  private final Regulator regulator;

  private GatewayConfig(Map<String, Object> values, Map<String, String> sources) {
    this.values = values;
    this.sources = sources;
    this.http = buildHttp();
    this.store = buildStore();
    this.delivery =
        new Delivery(
            (Integer) values.get("delivery.workers"),
            (Integer) values.get("delivery.per-endpoint-concurrency"),
            (Duration) values.get("delivery.request-timeout"),
            (Integer) values.get("delivery.circuit-threshold"),
            (Duration) values.get("delivery.backoff-base"),
            (Duration) values.get("delivery.horizon"),
            (Integer) values.get("delivery.min-attempts"));
    this.regulator = buildRegulator();
  }

  // ---------------------------------------------------------------- factories

  /** The configuration with every default: nothing read from flags, environment or a file. */
  public static GatewayConfig defaults() {
    return load(Map.of(), Map.of());
  }

  /**
   * Resolves every setting from {@code flags}, then {@code environment}, then the configuration
   * file, then the defaults.
   *
   * @param flags values given on the command line (or in code), keyed by {@link ConfigKey#name()}
   *     such as {@code http.port}; the key {@value #CONFIG_FILE} names the configuration file
   * @param environment the process environment (normally {@code System.getenv()}); only the
   *     variables of {@link #keys()} are read, others are ignored
   * @throws ConfigException naming the key, the source and what was expected for the first bad
   *     value; {@link ConfigException.Reason#UNKNOWN_KEY} for an unknown key in the file or in
   *     {@code flags}
   */
  public static GatewayConfig load(Map<String, String> flags, Map<String, String> environment) {
    Objects.requireNonNull(flags, "flags == null");
    Objects.requireNonNull(environment, "environment == null");
    for (String k : flags.keySet()) {
      if (!BY_NAME.containsKey(k)) {
        throw new ConfigException(
            ConfigException.Reason.UNKNOWN_KEY,
            k,
            "flags",
            "Unknown setting " + k + "; expected one of " + BY_NAME.keySet() + ".");
      }
    }
    Map<String, String> raw = new HashMap<>();
    Map<String, String> sources = new HashMap<>();
    Def configDef = BY_NAME.get(CONFIG_FILE);
    for (Def d : DEFS) {
      String env = d.key.environmentVariable();
      if (flags.containsKey(d.key.name())) {
        raw.put(d.key.name(), flags.get(d.key.name()));
        sources.put(
            d.key.name(),
            d.key.flag().isEmpty() ? "setting " + d.key.name() : "flag " + d.key.flag());
      } else if (environment.containsKey(env)) {
        raw.put(d.key.name(), environment.get(env));
        sources.put(d.key.name(), "environment variable " + env);
      }
    }
    Path file = (Path) configDef.parse(raw.getOrDefault(CONFIG_FILE, ""), source(sources));
    if (file != null) {
      Map<String, PropertiesFile.Entry> entries = PropertiesFile.read(file);
      for (Map.Entry<String, PropertiesFile.Entry> e : entries.entrySet()) {
        String key = e.getKey();
        String where = "file " + file + " line " + e.getValue().line();
        if (!BY_NAME.containsKey(key) || key.equals(CONFIG_FILE)) {
          throw new ConfigException(
              ConfigException.Reason.UNKNOWN_KEY,
              key,
              where,
              "Unknown key \""
                  + key
                  + "\" in the configuration file "
                  + file
                  + " on line "
                  + e.getValue().line()
                  + (key.equals(CONFIG_FILE)
                      ? "; the configuration file cannot name another one."
                      : "; expected one of the keys listed in the gateway README"
                          + suggestion(key)
                          + "."));
        }
        if (!raw.containsKey(key)) {
          raw.put(key, e.getValue().value());
          sources.put(key, where);
        }
      }
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Def d : DEFS) {
      String name = d.key.name();
      if (!raw.containsKey(name)) {
        sources.put(name, "default");
        raw.put(name, d.key.defaultValue());
      }
      values.put(name, d.parse(raw.get(name), source(sources)));
    }
    return new GatewayConfig(values, Map.copyOf(sources));
  }

  private static Function<String, String> source(Map<String, String> sources) {
    return k -> sources.getOrDefault(k, "default");
  }

  private static String suggestion(String unknown) {
    String best = null;
    int bestDistance = 4;
    for (String k : BY_NAME.keySet()) {
      int d = distance(unknown, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return best == null ? "" : " (did you mean " + best + "?)";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Every setting, in documentation order. */
  public static List<ConfigKey> keys() {
    List<ConfigKey> out = new ArrayList<>();
    for (Def d : DEFS) {
      out.add(d.key);
    }
    return List.copyOf(out);
  }

  /**
   * The Markdown reference table of every setting (key, environment variable, flag, default,
   * meaning), exactly as it appears in {@code sdk/gateway/README.md}.
   */
  public static String referenceTable() {
    StringBuilder sb = new StringBuilder();
    sb.append("| Key | Environment variable | Flag | Default | Meaning |\n");
    sb.append("|---|---|---|---|---|\n");
    for (Def d : DEFS) {
      ConfigKey k = d.key;
      sb.append("| `")
          .append(k.name())
          .append("` | `")
          .append(k.environmentVariable())
          .append("` | ")
          .append(k.flag().isEmpty() ? "(none: secret)" : "`" + k.flag() + "`")
          .append(" | ")
          .append(k.defaultValue().isEmpty() ? "(none)" : "`" + k.defaultValue() + "`")
          .append(" | ")
          .append(k.meaning().replace("|", "\\|"))
          .append(" Expects ")
          .append(k.expected().replace("|", "\\|"))
          .append(". |\n");
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- accessors

  /** Where the value of {@code key} came from: {@code flag --port}, {@code default}, and so on. */
  public String source(String key) {
    String s = sources.get(key);
    if (s == null) {
      throw new IllegalArgumentException("Unknown setting \"" + key + "\".");
    }
    return s;
  }

  /** The configuration file that was read, if any. */
  public Optional<Path> configFile() {
    return Optional.ofNullable((Path) values.get(CONFIG_FILE));
  }

  /** The directory of the embedded H2 database ({@code data.dir}), absolute. */
  public Path dataDir() {
    return ((Path) values.get("data.dir")).toAbsolutePath().normalize();
  }

  /** The HTTP server settings, TLS included. */
  public HttpServerConfig http() {
    return http;
  }

  /** The TLS settings when HTTPS is on. */
  public Optional<TlsConfig> tls() {
    return http.tls();
  }

  /** The store: the H2 file database under {@link #dataDir()} unless {@code store.url} is set. */
  public StoreConfig store() {
    return store;
  }

  /** Whether the store is the embedded H2 database under {@link #dataDir()}. */
  public boolean embeddedStore() {
    return ((String) values.get("store.url")).isEmpty();
  }

  /** The configured base URL of dispute links, without a trailing slash; empty = derived. */
  public Optional<URI> publicBaseUrl() {
    return Optional.ofNullable((URI) values.get("public.base-url"));
  }

  /** Delivery settings. */
  public Delivery delivery() {
    return delivery;
  }

  /** The regulator's webhook sink, when configured. */
  public Optional<Regulator> regulator() {
    return Optional.ofNullable(regulator);
  }

  /** How long a merchant has to handle a case before it escalates (default 96 hours). */
  public Duration merchantDeadline() {
    return (Duration) values.get("cases.merchant-deadline");
  }

  /** How often, at most, database-derived gauges are recomputed (default 10 s). */
  public Duration metricsRefreshInterval() {
    return (Duration) values.get("metrics.refresh-interval");
  }

  /** Delivery settings. Immutable and thread-safe. */
  public static final class Delivery {
    private final int workers;
    private final int perEndpointConcurrency;
    private final Duration requestTimeout;
    private final int circuitThreshold;
    private final Duration backoffBase;
    private final Duration horizon;
    private final int minAttempts;

    private Delivery(
        int workers,
        int perEndpointConcurrency,
        Duration requestTimeout,
        int circuitThreshold,
        Duration backoffBase,
        Duration horizon,
        int minAttempts) {
      this.backoffBase = backoffBase;
      this.workers = workers;
      this.perEndpointConcurrency = perEndpointConcurrency;
      this.requestTimeout = requestTimeout;
      this.circuitThreshold = circuitThreshold;
      this.horizon = horizon;
      this.minAttempts = minAttempts;
    }

    /**
     * Threads delivering webhooks ({@code delivery.workers}, default 4); 0 when this process
     * delivers nothing.
     */
    public int workers() {
      return workers;
    }

    /** Most requests in flight to one endpoint (default 2). */
    public int perEndpointConcurrency() {
      return perEndpointConcurrency;
    }

    /** Time limit of one attempt (default 10 s). */
    public Duration requestTimeout() {
      return requestTimeout;
    }

    /** Consecutive failures that open an endpoint's circuit (default 20). */
    public int circuitThreshold() {
      return circuitThreshold;
    }

    /** The first retry delay; later ones double with jitter (default 30 s). */
    public Duration backoffBase() {
      return backoffBase;
    }

    /** How long an event is retried before dead-lettering (default and minimum 7 days). */
    public Duration horizon() {
      return horizon;
    }

    /** Fewest attempts before dead-lettering (default and minimum 12). */
    public int minAttempts() {
      return minAttempts;
    }

    @Override
    public String toString() {
      return "Delivery{workers="
          + workers
          + ", perEndpointConcurrency="
          + perEndpointConcurrency
          + ", requestTimeout="
          + requestTimeout
          + ", circuitThreshold="
          + circuitThreshold
          + ", backoffBase="
          + backoffBase
          + ", horizon="
          + horizon
          + ", minAttempts="
          + minAttempts
          + "}";
    }
  }

  /** The regulator's webhook sink. Immutable and thread-safe; {@link #toString()} hides secret. */
  public static final class Regulator {
    private final URI url;
    private final WebhookSecret secret;

    private Regulator(URI url, WebhookSecret secret) {
      this.url = url;
      this.secret = secret;
    }

    /** Where regulator events are posted. */
    public URI url() {
      return url;
    }

    /** The secret that signs them. */
    public WebhookSecret secret() {
      return secret;
    }

    @Override
    public String toString() {
      return "Regulator{url=" + url + ", secret=***}";
    }
  }

  // ---------------------------------------------------------------- cross-field rules

  private HttpServerConfig buildHttp() {
    Path chain = (Path) values.get("tls.cert-chain");
    Path key = (Path) values.get("tls.private-key");
    String password = (String) values.get("tls.private-key-password");
    TlsConfig tls = null;
    if (chain != null || key != null) {
      if (chain == null || key == null) {
        String missing = chain == null ? "tls.cert-chain" : "tls.private-key";
        String given = chain == null ? "tls.private-key" : "tls.cert-chain";
        throw new ConfigException(
            ConfigException.Reason.INCONSISTENT,
            missing,
            sources.get(given),
            given
                + " is set (from "
                + sources.get(given)
                + ") but "
                + missing
                + " is not; expected both to turn on TLS, or neither.");
      }
      readableFile("tls.cert-chain", chain);
      readableFile("tls.private-key", key);
      tls = TlsConfig.fromPem(chain, key, password.isEmpty() ? null : password);
      Path clientCa = (Path) values.get("tls.client-ca");
      if (values.get("tls.client-auth").equals("want")) {
        if (clientCa != null) {
          readableFile("tls.client-ca", clientCa);
        }
        tls = tls.withClientAuth(clientCa);
      } else if (clientCa != null) {
        throw new ConfigException(
            ConfigException.Reason.INCONSISTENT,
            "tls.client-ca",
            sources.get("tls.client-ca"),
            "tls.client-ca is set (from "
                + sources.get("tls.client-ca")
                + ") but tls.client-auth is none; expected tls.client-auth=want with it.");
      }
    } else if (values.get("tls.client-auth").equals("want")
        || values.get("tls.client-ca") != null) {
      String k = values.get("tls.client-ca") != null ? "tls.client-ca" : "tls.client-auth";
      throw new ConfigException(
          ConfigException.Reason.INCONSISTENT,
          k,
          sources.get(k),
          k
              + " is set (from "
              + sources.get(k)
              + ") but TLS is off; expected tls.cert-chain and tls.private-key with it.");
    } else if (!password.isEmpty()) {
      throw new ConfigException(
          ConfigException.Reason.INCONSISTENT,
          "tls.private-key-password",
          sources.get("tls.private-key-password"),
          "tls.private-key-password is set (from "
              + sources.get("tls.private-key-password")
              + ") but TLS is off; expected tls.cert-chain and tls.private-key with it.");
    }
    return HttpServerConfig.builder()
        .host((String) values.get("http.host"))
        .port((Integer) values.get("http.port"))
        .maxInitialLineLength((Integer) values.get("http.max-initial-line-length"))
        .maxHeaderSize((Integer) values.get("http.max-header-size"))
        .maxBodySize((Integer) values.get("http.max-body-size"))
        .idleTimeout((Duration) values.get("http.idle-timeout"))
        .readTimeout((Duration) values.get("http.read-timeout"))
        .workerThreads((Integer) values.get("http.worker-threads"))
        .maxPendingRequests((Integer) values.get("http.max-pending-requests"))
        .shutdownTimeout((Duration) values.get("http.shutdown-timeout"))
        .tls(tls)
        .build();
  }

  private void readableFile(String key, Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new ConfigException(
          ConfigException.Reason.UNREADABLE_FILE,
          key,
          sources.get(key),
          "Invalid value for "
              + key
              + " from "
              + sources.get(key)
              + ": "
              + file
              + " is not a readable file; expected a readable PEM file.");
    }
  }

  /**
   * H2 closes a database from its own JVM shutdown hook unless told not to; the gateway closes the
   * pool itself after draining, so the embedded default opts out. (H2 refuses this setting together
   * with its mixed mode, so the operator commands open the embedded database only while the gateway
   * is stopped; on PostgreSQL they run beside it.)
   */
  private static final String EMBEDDED_SUFFIX = ";DB_CLOSE_ON_EXIT=FALSE";

  private StoreConfig buildStore() {
    String url = (String) values.get("store.url");
    String user = (String) values.get("store.user");
    String password = (String) values.get("store.password");
    int pool = (Integer) values.get("store.pool-size");
    if (url.isEmpty()) {
      url = StoreConfig.embeddedDefault(dataDir()).jdbcUrl() + EMBEDDED_SUFFIX;
    }
    return StoreConfig.of(url, user, password, pool);
  }

  private Regulator buildRegulator() {
    URI url = (URI) values.get("regulator.url");
    String secret = (String) values.get("regulator.secret");
    if (url == null && secret.isEmpty()) {
      return null;
    }
    if (url == null || secret.isEmpty()) {
      String missing = url == null ? "regulator.url" : "regulator.secret";
      String given = url == null ? "regulator.secret" : "regulator.url";
      throw new ConfigException(
          ConfigException.Reason.INCONSISTENT,
          missing,
          sources.get(given),
          given
              + " is set (from "
              + sources.get(given)
              + ") but "
              + missing
              + " is not; expected both for a regulator sink, or neither.");
    }
    try {
      return new Regulator(url, WebhookSecret.parse(secret));
    } catch (WebhookException e) {
      throw new ConfigException(
          ConfigException.Reason.INVALID_VALUE,
          "regulator.secret",
          sources.get("regulator.secret"),
          "Invalid value for regulator.secret from "
              + sources.get("regulator.secret")
              + " (value hidden); expected "
              + BY_NAME.get("regulator.secret").key.expected()
              + ".",
          e);
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("GatewayConfig{");
    boolean first = true;
    for (Def d : DEFS) {
      if (!first) {
        sb.append(", ");
      }
      first = false;
      Object v = values.get(d.key.name());
      sb.append(d.key.name()).append('=');
      if (d.key.secret()) {
        sb.append(v == null || v.toString().isEmpty() ? "" : "***");
      } else if (d.key.name().equals("store.url")) {
        sb.append(store.redactedUrl());
      } else {
        sb.append(v == null ? "" : v);
      }
    }
    return sb.append('}').toString();
  }

  // ---------------------------------------------------------------- the key table

  /** Parses a raw value; returns null for "not set", throws IllegalArgumentException if bad. */
  @FunctionalInterface
  private interface Parser {
    Object parse(String raw);
  }

  private static final class Def {
    final ConfigKey key;
    final Parser parser;

    Def(ConfigKey key, Parser parser) {
      this.key = key;
      this.parser = parser;
    }

    Object parse(String raw, Function<String, String> sources) {
      try {
        return parser.parse(raw.strip());
      } catch (IllegalArgumentException e) {
        String source = sources.apply(key.name());
        throw new ConfigException(
            ConfigException.Reason.INVALID_VALUE,
            key.name(),
            source,
            "Invalid value for "
                + key.name()
                + " from "
                + source
                + (key.secret() ? " (value hidden)" : ": \"" + raw + "\"")
                + "; expected "
                + key.expected()
                + ".",
            e);
      }
    }
  }

  private static void def(
      String name,
      String flag,
      String defaultValue,
      String expected,
      String meaning,
      boolean secret,
      Parser parser) {
    Def d = new Def(new ConfigKey(name, flag, defaultValue, expected, meaning, secret), parser);
    DEFS.add(d);
    BY_NAME.put(name, d);
  }

  private static String durationPhrase(String min, String max) {
    return "a duration from " + min + " to " + max + " such as 500ms, 10s, 5m, 96h or 7d";
  }

  private static Parser integer(int min, int max) {
    return raw -> {
      int v;
      try {
        v = Integer.parseInt(raw);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not an integer", e);
      }
      if (v < min || v > max) {
        throw new IllegalArgumentException("out of range");
      }
      return v;
    };
  }

  private static Parser duration(Duration min, Duration max) {
    return raw -> {
      Duration d = parseDuration(raw);
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException("out of range");
      }
      return d;
    };
  }

  /**
   * Parses {@code 500ms}, {@code 10s}, {@code 5m}, {@code 96h}, {@code 7d} or an ISO-8601 duration
   * such as {@code PT10S}.
   *
   * @throws IllegalArgumentException if it is neither
   */
  static Duration parseDuration(String raw) {
    Matcher m = DURATION.matcher(raw);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms":
          return Duration.ofMillis(n);
        case "s":
          return Duration.ofSeconds(n);
        case "m":
          return Duration.ofMinutes(n);
        case "h":
          return Duration.ofHours(n);
        default:
          return Duration.ofDays(n);
      }
    }
    if (raw.toUpperCase(Locale.ROOT).startsWith("P")) {
      try {
        return Duration.parse(raw);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("not a duration", e);
      }
    }
    throw new IllegalArgumentException("not a duration");
  }

  private static Parser nonBlank() {
    return raw -> {
      if (raw.isEmpty()) {
        throw new IllegalArgumentException("blank");
      }
      return raw;
    };
  }

  private static Parser optionalText() {
    return raw -> raw;
  }

  private static Parser requiredPath() {
    return raw -> {
      if (raw.isEmpty()) {
        throw new IllegalArgumentException("blank");
      }
      return path(raw);
    };
  }

  private static Parser optionalPath() {
    return raw -> raw.isEmpty() ? null : path(raw);
  }

  private static Path path(String raw) {
    try {
      return Path.of(raw);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("not a path", e);
    }
  }

  private static Parser jdbcUrl() {
    return raw -> {
      if (!raw.isEmpty() && !raw.startsWith("jdbc:h2:") && !raw.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException("unsupported JDBC URL");
      }
      return raw;
    };
  }

  private static Parser httpUrl() {
    return raw -> {
      if (raw.isEmpty()) {
        return null;
      }
      URI uri;
      try {
        uri = new URI(raw);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("not a URI", e);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https"))
          || uri.getHost() == null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null
          || uri.getRawUserInfo() != null) {
        throw new IllegalArgumentException("not an absolute http(s) URL");
      }
      String s = uri.toString();
      while (s.endsWith("/")) {
        s = s.substring(0, s.length() - 1);
      }
      return URI.create(s);
    };
  }
}
