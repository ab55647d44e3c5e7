package dev.fangxin.bench.clearing;

import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.gateway.clearing.ClearingLookup;
import dev.fangxin.gateway.clearing.ClearingRecord;
import dev.fangxin.gateway.clearing.ClearingRecords;
import dev.fangxin.gateway.clearing.file.ClearingFileGenerator;
import dev.fangxin.gateway.clearing.file.ClearingFileHeader;
import dev.fangxin.gateway.clearing.file.ClearingIngest;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Trace look-up latency with many clearing records stored, against a primary-key {@code SELECT 1}
 * round trip through the same pool in the same run.
 *
 * <p>The look-up is the one the gateway makes for every trace-started complaint: {@link
 * ClearingLookup#local(ClearingRecords)}{@code .find(trace)} (what {@code TraceRouter.route} calls
 * first), which runs one transaction reading the full row by primary key and decodes it into a
 * {@link ClearingRecord}. Traces are drawn at random from a sample of the stored ones; one in ten
 * is unknown (a stored trace moved to settlement year 2099, which no generated record has). The
 * baseline is {@code SELECT 1 FROM clearing_records WHERE durable_trace = ?} in a {@link
 * Store#inTransaction} over the same pool, i.e. the floor of any look-up: borrow a connection, one
 * round trip, commit. Phases: warm-up, then a latency phase on one thread (p50/p99/p999 of each
 * call), then a throughput phase on {@code threads} threads; baseline and look-up alternate in
 * blocks so that load from other processes hits both alike. The query plan ({@code EXPLAIN}) is
 * printed so that the index use is visible.
 *
 * <p>Usage, standalone (starts embedded PostgreSQL in {@code DIR}, generates and ingests {@code N}
 * records with {@link ClearingIngest}, measures, deletes everything): {@code java -Xmx256m -cp
 * benchmarks.jar dev.fangxin.bench.clearing.ClearingLookupLoad [DIR] [N]} (default: a temporary
 * directory, 10000000); with {@code -Dfangxin.bench.go=FILE} it fills, then waits for FILE to exist
 * before it measures. Against a database that already holds the records (migrated by the gateway):
 * {@code ClearingLookupLoad jdbc:postgresql://HOST:PORT/DB [USER]}, which only reads. {@link
 * ClearingIngestLoad} calls {@link #measure} on the database of its last run when started with
 * {@code -Dfangxin.bench.lookup=true}, so one run covers both targets.
 */
public final class ClearingLookupLoad {
  private static final InstitutionCode ACQUIRER = InstitutionCode.of("48020000");

  private ClearingLookupLoad() {}

  /** Runs standalone; arguments as in the class documentation. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].startsWith("jdbc:postgresql:")) {
      try (Store store =
          Store.open(StoreConfig.of(args[0], args.length > 1 ? args[1] : "postgres", "", 4))) {
        measure(store, 4);
      }
      return;
    }
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("lookup-bench");
    long n = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
    Files.createDirectories(dir);
    try (EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(dir.resolve("pgdata"))
            .setCleanDataDirectory(true)
            .start()) {
      try (Connection c = pg.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE lookup_bench");
      }
      String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/lookup_bench";
      Path file = dir.resolve("lookup-" + n + ".txt");
      try (Store store = Store.open(StoreConfig.of(url, "postgres", "", 4))) {
        try (Connection c = store.connection();
            Statement s = c.createStatement()) {
          s.execute(
              "INSERT INTO acquirers (institution_code, name, created_at) VALUES ('48020000',"
                  + " 'A', 0)");
        }
        ClearingFileGenerator.generate(
            file, ClearingFileHeader.of(ACQUIRER, LocalDate.of(2026, 11, 28), "LOOKUP-" + n), n, 7);
        long t = System.nanoTime();
        ClearingIngest.on(store, Clock.fixed(Instant.ofEpochSecond(1_795_800_000L), ZoneOffset.UTC))
            .ingest(file, ACQUIRER, ClearingIngest.QUIET);
        System.out.printf(
            Locale.ROOT, "ingested %,d records in %.1f s%n", n, (System.nanoTime() - t) / 1e9);
        Files.delete(file);
        awaitGo();
        measure(store, 4);
      } finally {
        Files.deleteIfExists(file);
      }
    }
  }

  /**
   * With {@code -Dfangxin.bench.go=FILE}, waits until FILE exists before measuring, so that a long
   * fill can run while the machine is busy and the measurement once it is idle.
   */
  private static void awaitGo() throws InterruptedException {
    String go = System.getProperty("fangxin.bench.go");
    if (go == null) {
      return;
    }
    System.out.println("filled; waiting for " + go + " to exist before measuring");
    while (!Files.exists(Path.of(go))) {
      Thread.sleep(1_000);
    }
  }

  /**
   * Measures look-ups against the records in {@code store}'s {@code clearing_records} and prints
   * the results.
   *
   * @param threads threads of the throughput phase (at most the pool size is useful)
   */
  public static void measure(Store store, int threads) throws Exception {
    ClearingRecords records =
        ClearingRecords.on(
            store, Clock.fixed(Instant.ofEpochSecond(1_795_800_000L), ZoneOffset.UTC));
    ClearingLookup lookup = ClearingLookup.local(records);
    long stored = records.count();
    try (Connection c = store.connection();
        Statement s = c.createStatement()) {
      s.execute("ANALYZE clearing_records");
    }
    List<DurableTrace> known = sample(store, 100_000);
    List<DurableTrace> unknown = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      DurableTrace t = known.get(i);
      unknown.add(DurableTrace.of(t.settleKey(), t.settlementDate(), 2099));
    }
    System.out.printf(
        Locale.ROOT,
        "%n== trace look-up: %,d records stored, %,d known traces sampled, %,d unknown%n",
        stored,
        known.size(),
        unknown.size());
    explain(store, "EXPLAIN (ANALYZE, BUFFERS) " + ClearingRecordsQuery.FULL, known.get(0));
    explain(store, "EXPLAIN (ANALYZE, BUFFERS) " + ClearingRecordsQuery.BASELINE, known.get(1));

    Op look =
        (t) -> {
          Optional<ClearingRecord> r = lookup.find(t);
          return r.isPresent();
        };
    Op base =
        (t) ->
            store.inTransaction(
                tx -> {
                  try (PreparedStatement p = tx.prepareStatement(ClearingRecordsQuery.BASELINE)) {
                    p.setString(1, t.value());
                    try (ResultSet rs = p.executeQuery()) {
                      return rs.next();
                    }
                  }
                });

    SplittableRandom random = new SplittableRandom(11);
    // Warm-up: JIT, pool, and the index's upper pages.
    for (int i = 0; i < 20_000; i++) {
      DurableTrace t = pick(random, known, unknown);
      look.run(t);
      base.run(t);
    }
    // Latency: one thread, blocks of 1000 alternating.
    int perOp = 100_000;
    long[] lookNs = new long[perOp];
    long[] baseNs = new long[perOp];
    long found = 0;
    long expectedFound = 0;
    for (int block = 0; block < perOp / 1000; block++) {
      for (int i = block * 1000; i < (block + 1) * 1000; i++) {
        DurableTrace t = pick(random, known, unknown);
        boolean isKnown = t.year() != 2099;
        long a = System.nanoTime();
        boolean hit = look.run(t);
        lookNs[i] = System.nanoTime() - a;
        if (hit != isKnown) {
          throw new IllegalStateException("look-up of " + t + " answered " + hit);
        }
        found += hit ? 1 : 0;
        expectedFound += isKnown ? 1 : 0;
      }
      for (int i = block * 1000; i < (block + 1) * 1000; i++) {
        DurableTrace t = pick(random, known, unknown);
        long a = System.nanoTime();
        base.run(t);
        baseNs[i] = System.nanoTime() - a;
      }
    }
    Arrays.sort(lookNs);
    Arrays.sort(baseNs);
    System.out.printf(
        Locale.ROOT,
        "latency, 1 thread, %,d calls each (%,d found, as expected %,d):%n"
            + "  %-44s p50 %7.3f ms  p99 %7.3f ms  p999 %7.3f ms  max %7.3f ms%n"
            + "  %-44s p50 %7.3f ms  p99 %7.3f ms  p999 %7.3f ms  max %7.3f ms%n"
            + "  ratio look-up / baseline: p50 %.2f  p99 %.2f%n",
        perOp,
        found,
        expectedFound,
        "ClearingLookup.local(records).find(trace)",
        pct(lookNs, 0.50),
        pct(lookNs, 0.99),
        pct(lookNs, 0.999),
        lookNs[perOp - 1] / 1e6,
        "baseline SELECT 1 by primary key",
        pct(baseNs, 0.50),
        pct(baseNs, 0.99),
        pct(baseNs, 0.999),
        baseNs[perOp - 1] / 1e6,
        pct(lookNs, 0.50) / pct(baseNs, 0.50),
        pct(lookNs, 0.99) / pct(baseNs, 0.99));

    double lookRate = throughput(look, known, unknown, threads, 10_000_000_000L);
    double baseRate = throughput(base, known, unknown, threads, 10_000_000_000L);
    double lookRate2 = throughput(look, known, unknown, threads, 10_000_000_000L);
    double baseRate2 = throughput(base, known, unknown, threads, 10_000_000_000L);
    System.out.printf(
        Locale.ROOT,
        "throughput, %d threads, 2 × 10 s each, alternating: look-up %,.0f/s and %,.0f/s,"
            + " baseline %,.0f/s and %,.0f/s; ratio look-up / baseline %.2f%n",
        threads,
        lookRate,
        lookRate2,
        baseRate,
        baseRate2,
        (lookRate + lookRate2) / (baseRate + baseRate2));
  }

  /** The SQL the benchmark explains and runs as baseline. */
  private static final class ClearingRecordsQuery {
    static final String FULL = "SELECT * FROM clearing_records WHERE durable_trace = ?";
    static final String BASELINE = "SELECT 1 FROM clearing_records WHERE durable_trace = ?";
  }

  @FunctionalInterface
  private interface Op {
    boolean run(DurableTrace trace) throws Exception;
  }

  private static DurableTrace pick(
      SplittableRandom random, List<DurableTrace> known, List<DurableTrace> unknown) {
    return random.nextInt(10) == 0
        ? unknown.get(random.nextInt(unknown.size()))
        : known.get(random.nextInt(known.size()));
  }

  private static double pct(long[] sorted, double q) {
    int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1e6;
  }

  private static double throughput(
      Op op, List<DurableTrace> known, List<DurableTrace> unknown, int threads, long nanos)
      throws InterruptedException {
    AtomicLong done = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    CountDownLatch end = new CountDownLatch(threads);
    long deadline = System.nanoTime() + nanos;
    long start = System.nanoTime();
    for (int i = 0; i < threads; i++) {
      SplittableRandom random = new SplittableRandom(100 + i);
      Thread t =
          new Thread(
              () -> {
                try {
                  long local = 0;
                  while (System.nanoTime() < deadline) {
                    op.run(pick(random, known, unknown));
                    local++;
                  }
                  done.addAndGet(local);
                } catch (Exception e) {
                  failures.incrementAndGet();
                  e.printStackTrace();
                } finally {
                  end.countDown();
                }
              });
      t.setDaemon(true);
      t.start();
    }
    end.await();
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " threads failed");
    }
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  private static List<DurableTrace> sample(Store store, int max) throws Exception {
    List<DurableTrace> list = new ArrayList<>();
    try (Connection c = store.connection();
        Statement s = c.createStatement()) {
      long n;
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM clearing_records")) {
        rs.next();
        n = rs.getLong(1);
      }
      double percent = Math.min(100.0, 100.0 * max * 1.5 / Math.max(1, n));
      try (ResultSet rs =
          s.executeQuery(
              "SELECT durable_trace FROM clearing_records TABLESAMPLE BERNOULLI ("
                  + String.format(Locale.ROOT, "%.6f", percent)
                  + ") REPEATABLE (3) LIMIT "
                  + max)) {
        while (rs.next()) {
          list.add(DurableTrace.parse(rs.getString(1)));
        }
      }
    }
    if (list.size() < 10_000) {
      throw new IllegalStateException(
          "Need at least 10000 stored records to sample, found " + list.size() + ".");
    }
    java.util.Collections.shuffle(list, new java.util.Random(5));
    return list;
  }

  private static void explain(Store store, String sql, DurableTrace trace) throws Exception {
    try (Connection c = store.connection();
        PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, trace.value());
      try (ResultSet rs = p.executeQuery()) {
        System.out.println(sql.replace("EXPLAIN (ANALYZE, BUFFERS) ", "EXPLAIN ANALYZE ") + ":");
        while (rs.next()) {
          System.out.println("  " + rs.getString(1));
        }
      }
    }
  }
}
