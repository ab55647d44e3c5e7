package dev.fangxin.bench.delivery;

import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.gateway.delivery.Delivery;
import dev.fangxin.gateway.delivery.DeliveryConfig;
import dev.fangxin.gateway.endpoint.Endpoints;
import dev.fangxin.gateway.registry.Registry;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end webhook delivery benchmark: the gateway's {@link Delivery} against a loopback receiver
 * that verifies every signature ({@link LoopbackReceiver}), on embedded PostgreSQL and on an H2
 * file database, in one JVM on one host.
 *
 * <p><b>Throughput.</b> {@code rows} outbox rows for {@code merchants} merchants are committed
 * before delivery starts; the figure is rows / (time from {@code start()} until the last row is
 * marked delivered in the store). <b>First-attempt delay.</b> With delivery running and idle, rows
 * are committed one per transaction at {@code rate} per second (each commit followed by {@code
 * wake()}, as the case service does); the delay of a row is from its commit returning to its
 * request arriving at the receiver. Both phases check that every row was delivered, none twice,
 * every signature verified and exactly one attempt recorded per row.
 *
 * <p>Run: {@code java -cp sdk/bench/target/benchmarks.jar dev.fangxin.bench.delivery.DeliveryLoad
 * [--db=pg|h2|both] [--rows=20000] [--merchants=8] [--rate=1000] [--latency-rows=10000]
 * [--workers=32] [--per-endpoint=8] [--synchronous-commit=on|off]}; PostgreSQL runs with {@code
 * fsync} and, unless told otherwise, {@code synchronous_commit} on
 */
public final class DeliveryLoad {
  private DeliveryLoad() {}

  /** Runs the benchmark; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("db", "both");
    a.put("rows", "20000");
    a.put("merchants", "8");
    a.put("rate", "1000");
    a.put("latency-rows", "10000");
    a.put("workers", "32");
    a.put("per-endpoint", "8");
    a.put("synchronous-commit", "on");
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException("Arguments look like --name=value, got " + arg);
      }
      String k = arg.substring(2, arg.indexOf('='));
      if (!a.containsKey(k)) {
        throw new IllegalArgumentException("Unknown argument --" + k + "; known: " + a.keySet());
      }
      a.put(k, arg.substring(arg.indexOf('=') + 1));
    }
    System.out.println(
        "DeliveryLoad "
            + a
            + " cpus="
            + Runtime.getRuntime().availableProcessors()
            + " java="
            + System.getProperty("java.version"));
    String db = a.get("db");
    if (db.equals("pg") || db.equals("both")) {
      // fsync and synchronous_commit on by default, so a delivered mark is on disk when it
      // commits (zonky's default is synchronous_commit=off; --synchronous-commit=off for that).
      try (EmbeddedPostgres pg =
          EmbeddedPostgres.builder()
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", a.get("synchronous-commit"))
              .start()) {
        try (Connection c = pg.getPostgresDatabase().getConnection();
            Statement st = c.createStatement()) {
          st.execute("CREATE DATABASE delivery_bench");
          try (var rs = st.executeQuery("SHOW synchronous_commit")) {
            rs.next();
            System.out.println("postgresql synchronous_commit=" + rs.getString(1));
          }
        }
        StoreConfig config =
            StoreConfig.of(
                "jdbc:postgresql://localhost:" + pg.getPort() + "/delivery_bench",
                "postgres",
                "",
                20);
        run("postgresql", config, a, postmaster(pg));
      }
    }
    if (db.equals("h2") || db.equals("both")) {
      Path dir = Files.createTempDirectory("delivery-bench-h2");
      run("h2", StoreConfig.embeddedDefault(dir), a, Optional.empty());
    }
  }

  /** The postmaster of {@code pg}, from the pid file in its data directory. */
  private static Optional<ProcessHandle> postmaster(EmbeddedPostgres pg) throws Exception {
    String dataDir;
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement st = c.createStatement();
        ResultSet r = st.executeQuery("SHOW data_directory")) {
      r.next();
      dataDir = r.getString(1);
    }
    String first = Files.readAllLines(Path.of(dataDir, "postmaster.pid")).get(0).strip();
    return ProcessHandle.of(Long.parseLong(first));
  }

  private static void run(
      String name, StoreConfig storeConfig, Map<String, String> a, Optional<ProcessHandle> db)
      throws Exception {
    int rows = Integer.parseInt(a.get("rows"));
    int merchants = Integer.parseInt(a.get("merchants"));
    int rate = Integer.parseInt(a.get("rate"));
    int latencyRows = Integer.parseInt(a.get("latency-rows"));
    Clock clock = Clock.systemUTC();
    try (Store store = Store.open(storeConfig);
        LoopbackReceiver receiver = LoopbackReceiver.start(rows + latencyRows, 2)) {
      Registry registry = Registry.on(store, clock);
      Endpoints endpoints = Endpoints.on(store, clock);
      for (int m = 0; m < merchants; m++) {
        String id = merchant(m);
        registry.registerMerchant(id, "Bench shop " + m, "zh-CN", "Asia/Shanghai");
        // The endpoint is created with a placeholder URL, then moved to the receiver, which must
        // first know the secret the endpoint was created with.
        WebhookSecret secret =
            endpoints
                .put(id, "http://127.0.0.1:9/unused", Endpoints.V1a.KEEP)
                .newSecret()
                .orElseThrow();
        endpoints.put(id, receiver.merchant(m, secret).toString(), Endpoints.V1a.KEEP);
      }
      DeliveryConfig config =
          DeliveryConfig.builder()
              .node("bench")
              .workers(Integer.parseInt(a.get("workers")))
              .perEndpointConcurrency(Integer.parseInt(a.get("per-endpoint")))
              .build();

      // ------------------------------------------------ throughput: a committed backlog
      for (int from = 0; from < rows; from += 500) {
        int start = from;
        int end = Math.min(rows, from + 500);
        store.inTransaction(
            tx -> {
              for (int seq = start; seq < end; seq++) {
                enqueue(store, tx, merchants, seq, clock);
              }
              return null;
            });
      }
      if (store.dialect() == StoreConfig.Dialect.POSTGRESQL) {
        // What autovacuum does within a minute of a bulk load: without statistics the planner
        // takes the freshly filled outbox for empty and claims by a sequential scan.
        store.inTransaction(
            tx -> {
              try (Statement st = tx.createStatement()) {
                st.execute("ANALYZE outbox");
              }
              return null;
            });
      }
      Delivery delivery = Delivery.builder(store, endpoints, config).clock(clock).build();
      CpuMeter cpu = new CpuMeter(LoopbackReceiver.THREAD_PREFIX, db);
      long[] cpu0 = cpu.sample();
      Map<String, Long> threads0 = cpu.byThread();
      long t0 = System.nanoTime();
      delivery.start();
      delivery.wake();
      awaitDelivered(store, receiver, rows);
      long t1 = System.nanoTime();
      long[] cpu1 = cpu.sample();
      Map<String, Long> threads1 = cpu.byThread();
      double seconds = (t1 - t0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "%s throughput: %d rows delivered in %.2f s = %.0f webhooks/s (%s)%n",
          name,
          rows,
          seconds,
          rows / seconds,
          config);
      System.out.printf(
          Locale.ROOT,
          "%s throughput %s; load average %.2f%n",
          name,
          CpuMeter.perWebhook(cpu0, cpu1, rows),
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      System.out.println(name + " " + CpuMeter.breakdown(threads0, threads1, rows));
      long javaThreads = 0;
      for (Map.Entry<String, Long> e : threads1.entrySet()) {
        javaThreads += e.getValue() - threads0.getOrDefault(e.getKey(), 0L);
      }
      System.out.printf(
          Locale.ROOT,
          "%s CPU per webhook outside Java threads (JIT compiler, GC, JVM): %.0f us%n",
          name,
          ((cpu1[0] - cpu0[0]) - javaThreads) / 1e3 / rows);

      // ------------------------------------------------ first-attempt delay: a steady stream
      long[] committed = new long[latencyRows];
      long period = 1_000_000_000L / rate;
      long s0 = System.nanoTime();
      for (int i = 0; i < latencyRows; i++) {
        long due = s0 + i * period;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        int seq = rows + i;
        store.inTransaction(tx -> enqueue(store, tx, merchants, seq, clock));
        committed[i] = System.nanoTime();
        delivery.wake();
      }
      double offered = latencyRows / ((System.nanoTime() - s0) / 1e9);
      awaitDelivered(store, receiver, rows + latencyRows);
      delivery.stop();
      long[] delays = new long[latencyRows];
      for (int i = 0; i < latencyRows; i++) {
        long arrived = receiver.firstArrival(rows + i);
        if (arrived == 0) {
          throw new IllegalStateException("Event " + (rows + i) + " never arrived.");
        }
        delays[i] = arrived - committed[i];
      }
      Arrays.sort(delays);
      System.out.printf(
          Locale.ROOT,
          "%s first attempt after commit: %d rows at %.0f rows/s offered, p50 %.1f ms, p99 %.1f"
              + " ms, max %.1f ms%n",
          name,
          latencyRows,
          offered,
          delays[latencyRows / 2] / 1e6,
          delays[(int) Math.ceil(latencyRows * 0.99) - 1] / 1e6,
          delays[latencyRows - 1] / 1e6);

      // ------------------------------------------------ checks
      int total = rows + latencyRows;
      long attempts = count(store, "SELECT COUNT(*) FROM delivery_attempts");
      long delivered = count(store, "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NOT NULL");
      System.out.printf(
          Locale.ROOT,
          "%s checks: rows %d, delivered %d, attempts recorded %d, received %d distinct,"
              + " duplicates %d, bad signatures %d%n",
          name,
          total,
          delivered,
          attempts,
          receiver.unique(),
          receiver.duplicates(),
          receiver.unverified());
      if (delivered != total || receiver.unique() != total || receiver.unverified() != 0) {
        throw new IllegalStateException("Not every row was delivered exactly as expected.");
      }
    }
  }

  private static String merchant(int index) {
    return "X-BENCH-" + index;
  }

  private static long enqueue(Store store, Connection tx, int merchants, int seq, Clock clock)
      throws SQLException {
    String merchantId = merchant(seq % merchants);
    String body =
        "{\"type\":\"case.updated\",\"timestamp\":\"2026-03-02T08:00:00Z\",\"data\":{\"case_id\":"
            + "\"bench-"
            + seq
            + "\",\"merchant_id\":\""
            + merchantId
            + "\",\"state\":\"merchant_notified\",\"seq\":"
            + seq
            + "}}";
    return store
        .outbox()
        .enqueueForMerchant(
            tx,
            merchantId,
            null,
            "case.updated",
            body.getBytes(StandardCharsets.UTF_8),
            clock.instant());
  }

  /** Waits until the receiver has {@code total} events and the store shows none pending. */
  private static void awaitDelivered(Store store, LoopbackReceiver receiver, int total)
      throws InterruptedException {
    while (receiver.unique() < total) {
      Thread.sleep(5); // cheap: no query while requests are still arriving
    }
    while (pending(store) > 0) {
      Thread.sleep(5);
    }
  }

  private static long pending(Store store) {
    return count(
        store, "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL");
  }

  private static long count(Store store, String sql) {
    return store.inTransaction(
        tx -> {
          try (PreparedStatement s = tx.prepareStatement(sql);
              ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
          }
        });
  }
}
