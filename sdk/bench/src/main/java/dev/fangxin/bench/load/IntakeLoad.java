package dev.fangxin.bench.load;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpServer;
import dev.fangxin.core.id.CreditCode;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.key.TerminalPublicKey;
import dev.fangxin.core.link.DisputeLink;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.token.DisputeClaim;
import dev.fangxin.core.token.DisputeToken;
import dev.fangxin.gateway.DisputeServices;
import dev.fangxin.gateway.Gateway;
import dev.fangxin.gateway.config.GatewayConfig;
import dev.fangxin.gateway.endpoint.Endpoints;
import dev.fangxin.gateway.registry.PaymentTool;
import dev.fangxin.gateway.registry.Registry;
import dev.fangxin.protocol.v1.TransactionType;
import io.netty.handler.codec.http.HttpMethod;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway intake benchmark (BENCHMARKS.md, "Gateway intake"): the integrated gateway ({@link
 * DisputeServices#start}) filing complaints over {@code POST /v1/complaints} against {@link
 * BareVerifyServer}, a Netty endpoint that only verifies the same SM2 tokens, both driven by {@link
 * HttpLoad} with the same connections and the same request bodies.
 *
 * <p>For each store (embedded PostgreSQL with {@code fsync=on} and {@code synchronous_commit=on},
 * then an H2 file database): a fresh database, the gateway in this process with its delivery
 * workers running, merchants, card terminals and SM2 terminal keys registered through the Java API,
 * and every merchant's webhook endpoint pointed at a loopback receiver that answers 204 (or, with
 * {@code --delivery none}, no endpoint at all; with {@code --delivery elsewhere}, the measured
 * gateway runs with {@code delivery.workers=0}, as an intake-only node, and a second gateway on the
 * same store delivers the backlog after the measurement, timed). Then:
 *
 * <ol>
 *   <li>closed-loop warm-ups of the bare endpoint and of the gateway;
 *   <li>closed-loop maximum throughput, in alternating rounds: the bare endpoint, then the gateway
 *       (one receipt per complaint: every request carries a token never filed before), then the
 *       bare endpoint again…; the totals over the rounds are compared;
 *   <li>the gateway at half that throughput, open loop (latency from the intended send time).
 * </ol>
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.fangxin.bench.load.IntakeLoad [--connections 32]
 * [--warmup 10s] [--duration 8s] [--rounds 3] [--stores pg,h2] [--delivery receiver|none|elsewhere]
 * [--tokens 120000] [--terminals 4] [--drain 60s] [--set key=value]…} where {@code --set} passes a
 * gateway setting such as {@code http.worker-threads=8}. Prints one table at the end.
 */
public final class IntakeLoad {
  private static final Instant EPOCH = Instant.now().minus(Duration.ofDays(2));

  private IntakeLoad() {}

  /** Runs the benchmark with the options in the class comment. */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    Map<String, String> settings = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("Expected --option value pairs, not " + args[i] + ".");
      }
      if (args[i].equals("--set")) {
        String[] kv = args[i + 1].split("=", 2);
        settings.put(kv[0], kv[1]);
      } else {
        opts.put(args[i].substring(2), args[i + 1]);
      }
    }
    int connections = Integer.parseInt(opts.getOrDefault("connections", "32"));
    Duration warmup = duration(opts.getOrDefault("warmup", "10s"));
    Duration measure = duration(opts.getOrDefault("duration", "8s"));
    Duration drain = duration(opts.getOrDefault("drain", "30s"));
    List<String> stores = List.of(opts.getOrDefault("stores", "pg,h2").split(","));
    String deliveryMode = opts.getOrDefault("delivery", "receiver");
    if (!List.of("receiver", "none", "elsewhere").contains(deliveryMode)) {
      throw new IllegalArgumentException(
          "--delivery is receiver, none or elsewhere, not " + deliveryMode + ".");
    }
    boolean receiver = !deliveryMode.equals("none");
    boolean elsewhere = deliveryMode.equals("elsewhere");
    int tokenCount = Integer.parseInt(opts.getOrDefault("tokens", "120000"));
    int terminals = Integer.parseInt(opts.getOrDefault("terminals", "4"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    Logger.getLogger("").setLevel(Level.WARNING);

    System.out.printf(
        "IntakeLoad: %d connections, warm-up %s, %d rounds of %s per side, delivery %s, %d tokens, %d SM2"
            + " terminals, gateway settings %s, %d cores, JVM %s%n",
        connections,
        warmup,
        rounds,
        measure,
        elsewhere
            ? "by a second gateway started after the measurement (this one has none)"
            : receiver ? "to a loopback 204 receiver" : "with no endpoint configured",
        tokenCount,
        terminals,
        settings,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.version"));

    List<TerminalKeyPair> keys = new ArrayList<>();
    Map<KeyId, TerminalPublicKey> publicKeys = new HashMap<>();
    for (int i = 0; i < terminals; i++) {
      TerminalKeyPair k = TerminalKeyPair.generate(SignatureAlgorithm.SM2_SM3);
      keys.add(k);
      publicKeys.put(k.keyId(), k.publicKey());
    }
    long t0 = System.nanoTime();
    byte[][] bodies = signBodies(keys, tokenCount);
    System.out.printf(
        "signed %d tokens in %.1f s (%d-byte bodies)%n",
        tokenCount, (System.nanoTime() - t0) / 1e9, bodies[0].length);

    List<Row> rows = new ArrayList<>();
    try (Receiver hooks = receiver ? Receiver.start() : null) {
      for (String store : stores) {
        rows.add(
            runStore(
                store.trim(),
                connections,
                warmup,
                measure,
                drain,
                keys,
                publicKeys,
                bodies,
                hooks,
                elsewhere,
                settings,
                rounds));
      }
    }
    System.out.println();
    System.out.printf(
        "load average now: %s%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.println(
        "| store | bare verify req/s | intake req/s | ratio | open loop req/s | p50 ms | p99 ms |"
            + " max ms | errors |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (Row r : rows) {
      System.out.printf(
          "| %s | %.0f | %.0f | %.2f | %.0f | %.1f | %.1f | %.1f | %d |%n",
          r.store,
          r.bare.throughput(),
          r.intake.throughput(),
          r.intake.throughput() / r.bare.throughput(),
          r.open.throughput(),
          r.open.percentileMillis(50),
          r.open.percentileMillis(99),
          r.open.percentileMillis(100),
          r.intake.failed() + r.open.failed() + r.open.unsent());
    }
    System.out.println();
    for (Row r : rows) {
      System.out.printf(
          "%s: open loop %d ok, %d failed, %d unsent; closed loop intake %d ok, %d failed%n",
          r.store,
          r.open.completed(),
          r.open.failed(),
          r.open.unsent(),
          r.intake.completed(),
          r.intake.failed());
    }
  }

  private record Row(String store, Total bare, Total intake, HttpLoad.Result open) {}

  /** Requests completed and failed, and seconds, summed over rounds. */
  private record Total(long completed, long failed, double seconds) {
    static Total of(List<HttpLoad.Result> results) {
      long c = 0;
      long f = 0;
      double s = 0;
      for (HttpLoad.Result r : results) {
        c += r.completed();
        f += r.failed();
        s += r.seconds();
      }
      return new Total(c, f, s);
    }

    double throughput() {
      return completed / seconds;
    }
  }

  private static Row runStore(
      String store,
      int connections,
      Duration warmup,
      Duration measure,
      Duration drain,
      List<TerminalKeyPair> keys,
      Map<KeyId, TerminalPublicKey> publicKeys,
      byte[][] bodies,
      Receiver hooks,
      boolean elsewhere,
      Map<String, String> settings,
      int rounds)
      throws Exception {
    System.out.printf("%n== %s ==%n", store);
    EmbeddedPostgres pg = null;
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "intake-" + store);
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("http.port", "0");
    flags.put("data.dir", dir.resolve("h2").toString());
    flags.put("delivery.backoff-base", "30s");
    if (store.equals("pg")) {
      // On the disk (not tmpfs), fsync and synchronous_commit on: a 201 means the case is on disk.
      // (zonky's default is synchronous_commit=off.)
      pg =
          EmbeddedPostgres.builder()
              .setDataDirectory(dir.resolve("pgdata"))
              .setCleanDataDirectory(true)
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("full_page_writes", "on")
              // Statement counts per complaint (see Cost below).
              .setServerConfig("shared_preload_libraries", "pg_stat_statements")
              .setServerConfig("pg_stat_statements.track_planning", "on")
              .start();
      try (Connection c = pg.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE intake");
        System.out.printf(
            "PostgreSQL %s: fsync=%s synchronous_commit=%s wal_sync_method=%s data=%s%n",
            show(s, "server_version"),
            show(s, "fsync"),
            show(s, "synchronous_commit"),
            show(s, "wal_sync_method"),
            dir.resolve("pgdata"));
      }
      try (Connection c = pg.getDatabase("postgres", "intake").getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE EXTENSION pg_stat_statements");
      }
      flags.put("store.url", "jdbc:postgresql://localhost:" + pg.getPort() + "/intake");
      flags.put("store.user", "postgres");
    } else if (!store.equals("h2")) {
      throw new IllegalArgumentException("Stores are pg and h2, not " + store + ".");
    } else {
      System.out.printf("H2 file database under %s%n", dir.resolve("h2"));
    }
    if (elsewhere) {
      flags.put("delivery.workers", "0");
    }
    flags.putAll(settings);
    boolean drainBetween = hooks != null && !elsewhere;
    Clock clock = Clock.systemUTC();
    try (Gateway gw = DisputeServices.start(GatewayConfig.load(flags, Map.of()), clock);
        BareVerifyServer bare = BareVerifyServer.start(publicKeys, 2)) {
      System.out.printf(
          "gateway %s: %s%n", gw.listenUrl(), describe(gw.config(), store, hooks != null));
      register(gw, clock, keys, hooks);

      AtomicLong cursor = new AtomicLong();
      HttpLoad.RequestSource cyclic =
          t -> complaint(bodies[(int) (cursor.getAndIncrement() % bodies.length)]);
      HttpLoad.Result w0 =
          HttpLoad.run("127.0.0.1", bare.port(), connections, warmup, 0, 0, cyclic);
      System.out.println("bare verify warm-up: " + w0);

      AtomicLong next = new AtomicLong();
      HttpLoad.RequestSource fresh = t -> complaint(bodies[(int) next.getAndIncrement()]);
      int port = gw.port();
      HttpLoad.Result w =
          HttpLoad.run(
              "127.0.0.1", port, connections, warmup, 0, bodies.length - next.get(), fresh);
      System.out.println("intake warm-up: " + w);
      waitForOutbox(gw, drain, drainBetween);
      // Alternate short rounds of the two closed loops, so that a change in the machine's load
      // (it is shared) hits both sides alike; the totals over all rounds are compared.
      List<HttpLoad.Result> bares = new ArrayList<>();
      List<HttpLoad.Result> intakes = new ArrayList<>();
      Cost cost = Cost.zero();
      for (int r = 0; r < rounds; r++) {
        HttpLoad.Result b =
            HttpLoad.run("127.0.0.1", bare.port(), connections, measure, 0, 0, cyclic);
        System.out.printf("round %d bare verify, closed loop: %s%n", r + 1, b);
        long cases0 = count(gw, "SELECT COUNT(*) FROM cases");
        Cost before = Cost.now(gw, pg, dir);
        HttpLoad.Result i =
            HttpLoad.run(
                "127.0.0.1", port, connections, measure, 0, bodies.length - next.get(), fresh);
        waitForOutbox(gw, drain, drainBetween);
        Cost spent = Cost.now(gw, pg, dir).minus(before);
        long filed = count(gw, "SELECT COUNT(*) FROM cases") - cases0;
        cost = cost.plus(spent.withCases(filed));
        System.out.printf(
            "round %d intake, closed loop: %s (ratio %.2f); per complaint, delivery included: %s%n",
            r + 1, i, i.throughput() / b.throughput(), spent.withCases(filed).perCase());
        bares.add(b);
        intakes.add(i);
      }
      System.out.printf("intake rounds, per complaint, delivery included: %s%n", cost.perCase());
      if (pg != null) {
        Cost.printStatements(gw, cost.cases);
      }
      Total bareResult = Total.of(bares);
      Total intake = Total.of(intakes);
      double rate = intake.throughput() / 2;
      HttpLoad.Result open =
          HttpLoad.run(
              "127.0.0.1", port, connections, measure, rate, bodies.length - next.get(), fresh);
      System.out.printf("intake, open loop at %.0f req/s: %s%n", rate, open);
      System.out.printf(
          "cases stored: %d; complaints sent: %d of %d tokens%n",
          count(gw, "SELECT COUNT(*) FROM cases"), next.get(), bodies.length);
      if (next.get() >= bodies.length) {
        System.out.println("WARNING: ran out of tokens; pass a larger --tokens.");
      }
      if (elsewhere) {
        drainWithSecondGateway(gw, flags, clock);
      }
      return new Row(store, bareResult, intake, open);
    } finally {
      if (pg != null) {
        pg.close();
      }
      deleteTree(dir);
    }
  }

  private static String describe(GatewayConfig c, String store, boolean receiver) {
    return String.format(
        "http worker threads %d, store pool %d, delivery workers %d (%s)",
        c.http().workerThreads(),
        c.store().poolSize(),
        c.delivery().workers(),
        receiver ? "endpoint: loopback 204 receiver" : "no endpoint configured");
  }

  /**
   * Waits until no outbox row is due (receiver mode), so one phase's backlog does not load the
   * next.
   */
  private static void waitForOutbox(Gateway gw, Duration max, boolean receiver) throws Exception {
    if (!receiver) {
      return;
    }
    long start = System.nanoTime();
    long pending = 0;
    while (System.nanoTime() - start < max.toNanos()) {
      pending =
          count(gw, "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL");
      if (pending == 0) {
        break;
      }
      Thread.sleep(250);
    }
    System.out.printf(
        "outbox: %d undelivered after %.1f s of draining%n",
        pending, (System.nanoTime() - start) / 1e9);
  }

  /**
   * Starts a second gateway on the same store with default delivery workers (the measured one has
   * none) and times how long it takes to deliver the backlog the measurement left.
   */
  private static void drainWithSecondGateway(Gateway gw, Map<String, String> flags, Clock clock)
      throws Exception {
    Map<String, String> delivering = new LinkedHashMap<>(flags);
    delivering.remove("delivery.workers");
    long backlog =
        count(gw, "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL");
    long start = System.nanoTime();
    try (Gateway second = DisputeServices.start(GatewayConfig.load(delivering, Map.of()), clock)) {
      System.out.printf(
          "second gateway %s delivers the backlog of %d webhooks (delivery workers %d)%n",
          second.listenUrl(), backlog, second.config().delivery().workers());
      waitForOutbox(gw, Duration.ofMinutes(10), true);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "backlog of %d delivered in %.1f s = %.0f webhooks/s%n",
        backlog, seconds, backlog / seconds);
  }

  private static long count(Gateway gw, String sql) throws SQLException {
    try (Connection c = gw.store().connection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String show(Statement s, String name) throws SQLException {
    try (ResultSet rs = s.executeQuery("SHOW " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void register(
      Gateway gw, Clock clock, List<TerminalKeyPair> keys, Receiver hooks) {
    Registry registry = Registry.on(gw.store(), clock);
    Endpoints endpoints = Endpoints.on(gw.store(), clock);
    for (int i = 0; i < keys.size(); i++) {
      String first17 = String.format("91330106MA27XK%03d", i);
      String merchant = first17 + CreditCode.checkCharacter(first17);
      registry.registerMerchant(merchant, "Bench merchant " + i, "zh-CN", "Asia/Shanghai");
      PaymentTool tool =
          PaymentTool.cardTerminal(
              InstitutionCode.of("48020000"),
              MerchantNumber.of("898330160110021"),
              TerminalId.of(String.format("BENCH%03d", i)));
      registry.registerTool(tool);
      registry.bind(tool.id(), merchant, EPOCH.minus(Duration.ofDays(1)));
      registry.registerKey(keys.get(i).publicKey(), tool.id(), EPOCH.minus(Duration.ofDays(1)));
      if (hooks != null) {
        endpoints.put(merchant, hooks.url(), Endpoints.V1a.KEEP);
      }
    }
  }

  private static HttpLoad.Request complaint(byte[] body) {
    return new HttpLoad.Request(
        HttpMethod.POST, "/v1/complaints", Map.of(), "application/json", body);
  }

  /** One body per receipt: sequence numbers are unique per terminal, signed on every core. */
  private static byte[][] signBodies(List<TerminalKeyPair> keys, int n) throws Exception {
    byte[][] bodies = new byte[n][];
    int threads = Runtime.getRuntime().availableProcessors();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int p = 0; p < threads; p++) {
        int part = p;
        parts.add(
            pool.submit(
                () -> {
                  for (int i = part; i < n; i += threads) {
                    TerminalKeyPair key = keys.get(i % keys.size());
                    DisputeClaim claim =
                        DisputeClaim.of(
                            TransactionType.TRANSACTION_TYPE_SALE,
                            key.keyId(),
                            i / keys.size() + 1,
                            EPOCH.plusSeconds(i / keys.size()),
                            Money.of(1250 + i % 1000, Money.CNY));
                    JsonObject o = new JsonObject();
                    o.addProperty(
                        "receipt_token", DisputeLink.encodeToken(DisputeToken.sign(claim, key)));
                    o.addProperty("category", "quality");
                    o.addProperty("desired_outcome", "refund_money");
                    o.addProperty("description", "The tea was stale; receipt " + i + ".");
                    bodies[i] = o.toString().getBytes(StandardCharsets.UTF_8);
                  }
                }));
      }
      for (Future<?> f : parts) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    return bodies;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static Duration duration(String s) {
    if (s.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
    }
    if (s.endsWith("s")) {
      return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
    }
    return Duration.parse(s);
  }

  /** A loopback webhook receiver that answers every POST 204 (it does not verify signatures). */
  private static final class Receiver implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private Receiver(HttpServer server, ExecutorService executor) {
      this.server = server;
      this.executor = executor;
    }

    static Receiver start() throws IOException {
      HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
      ExecutorService e = Executors.newFixedThreadPool(4);
      s.setExecutor(e);
      s.createContext(
          "/",
          ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(204, -1);
            ex.close();
          });
      s.start();
      return new Receiver(s, e);
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    @Override
    public void close() {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  /**
   * CPU and store work over a phase: this JVM's CPU time (gateway, load generator and delivery
   * receiver), PostgreSQL's CPU time (the postmaster and its backends, from /proc), statements
   * executed (pg_stat_statements) and transactions committed (pg_stat_database).
   */
  static final class Cost {
    final long jvmCpuNanos;
    final long pgCpuTicks;
    final long statements;
    final long commits;
    final long cases;

    Cost(long jvmCpuNanos, long pgCpuTicks, long statements, long commits, long cases) {
      this.jvmCpuNanos = jvmCpuNanos;
      this.pgCpuTicks = pgCpuTicks;
      this.statements = statements;
      this.commits = commits;
      this.cases = cases;
    }

    static Cost zero() {
      return new Cost(0, 0, 0, 0, 0);
    }

    static Cost now(Gateway gw, EmbeddedPostgres pg, Path dir) throws Exception {
      long jvm =
          ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
              .getProcessCpuTime();
      if (pg == null) {
        return new Cost(jvm, 0, 0, 0, 0);
      }
      long statements;
      long commits;
      try (Connection c = gw.store().connection();
          Statement s = c.createStatement()) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT COALESCE(SUM(calls), 0) FROM pg_stat_statements"
                    + " WHERE query NOT LIKE '%pg_stat%'")) {
          rs.next();
          statements = rs.getLong(1);
        }
        try (ResultSet rs =
            s.executeQuery(
                "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
          rs.next();
          commits = rs.getLong(1);
        }
      }
      return new Cost(jvm, pgTicks(dir.resolve("pgdata")), statements, commits, 0);
    }

    /** utime + stime (+ reaped children's) of the postmaster and its live children, in ticks. */
    private static long pgTicks(Path pgdata) throws IOException {
      long postmaster = Long.parseLong(Files.readAllLines(pgdata.resolve("postmaster.pid")).get(0));
      long ticks = 0;
      try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
        for (Path p : (Iterable<Path>) procs::iterator) {
          String name = p.getFileName().toString();
          if (!name.chars().allMatch(Character::isDigit)) {
            continue;
          }
          String stat;
          try {
            stat = Files.readString(p.resolve("stat"));
          } catch (IOException gone) {
            continue;
          }
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long pid = Long.parseLong(name);
          long ppid = Long.parseLong(f[1]);
          if (pid == postmaster || ppid == postmaster) {
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            if (pid == postmaster) {
              ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
            }
          }
        }
      }
      return ticks;
    }

    Cost minus(Cost o) {
      return new Cost(
          jvmCpuNanos - o.jvmCpuNanos,
          pgCpuTicks - o.pgCpuTicks,
          statements - o.statements,
          commits - o.commits,
          cases - o.cases);
    }

    Cost plus(Cost o) {
      return new Cost(
          jvmCpuNanos + o.jvmCpuNanos,
          pgCpuTicks + o.pgCpuTicks,
          statements + o.statements,
          commits + o.commits,
          cases + o.cases);
    }

    Cost withCases(long n) {
      return new Cost(jvmCpuNanos, pgCpuTicks, statements, commits, n);
    }

    String perCase() {
      double n = Math.max(1, cases);
      return String.format(
          "%d cases, JVM CPU %.2f ms, PostgreSQL CPU %.2f ms, %.2f statements, %.2f commits",
          cases, jvmCpuNanos / 1e6 / n, pgCpuTicks * 10.0 / n, statements / n, commits / n);
    }

    static void printStatements(Gateway gw, long cases) throws SQLException {
      System.out.println("statements per complaint over the whole run (pg_stat_statements):");
      try (Connection c = gw.store().connection();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT calls, regexp_replace(query, '\\s+', ' ', 'g'), total_exec_time,"
                      + " total_plan_time FROM pg_stat_statements"
                      + " WHERE query NOT LIKE '%pg_stat%' ORDER BY calls DESC LIMIT 20")) {
        long total = count(gw, "SELECT COUNT(*) FROM cases");
        while (rs.next()) {
          String q = rs.getString(2);
          System.out.printf(
              "  %6.2f  exec %6.3f ms plan %6.3f ms per call  %s%n",
              rs.getLong(1) / (double) Math.max(1, total),
              rs.getDouble(3) / Math.max(1, rs.getLong(1)),
              rs.getDouble(4) / Math.max(1, rs.getLong(1)),
              q.length() > 120 ? q.substring(0, 120) : q);
        }
      }
    }
  }
}
