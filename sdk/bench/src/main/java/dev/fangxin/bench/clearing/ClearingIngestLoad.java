package dev.fangxin.bench.clearing;

import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.gateway.clearing.file.ClearingFileGenerator;
import dev.fangxin.gateway.clearing.file.ClearingFileHeader;
import dev.fangxin.gateway.clearing.file.ClearingFileReader;
import dev.fangxin.gateway.clearing.file.ClearingIngest;
import dev.fangxin.gateway.clearing.file.ClearingRecord;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postgresql.PGConnection;

/**
 * Clearing file ingest against a raw COPY of the same data, on embedded PostgreSQL, in one run.
 *
 * <p>For each record count: generate a file; render the exact rows the ingest stores as a COPY text
 * file (not timed); time a raw {@code COPY ... FROM STDIN} of it, in one transaction, into a table
 * created {@code LIKE clearing_records INCLUDING ALL} (same columns, primary key, indexes and
 * check) and into one with the same columns and no index or constraint; then time {@link
 * ClearingIngest} of the file (both passes: full validation with SHA-256 and CRC-32C, then chunked
 * COPY with progress rows) into {@code clearing_records}. Heap: the pools' peak use during the
 * ingest (garbage included) and the peak of heap in use right after a collection (sampled every 50
 * ms), which is what grows if memory is not flat. Files are deleted afterwards.
 *
 * <p>Usage: {@code java -Xmx256m -cp benchmarks.jar dev.fangxin.bench.clearing.ClearingIngestLoad
 * [DIR] [N ...]} (default: a temporary directory, 1000000 and 10000000). With {@code
 * -Dfangxin.bench.lookup=true}, each run also measures trace look-ups ({@link ClearingLookupLoad})
 * on its database before dropping it.
 */
public final class ClearingIngestLoad {
  private static final InstitutionCode ACQUIRER = InstitutionCode.of("48020000");

  private ClearingIngestLoad() {}

  /** Runs the comparison; arguments as in the class documentation. */
  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("clearing-bench");
    Files.createDirectories(dir);
    List<Long> counts = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      counts.add(Long.parseLong(args[i]));
    }
    if (counts.isEmpty()) {
      counts = List.of(1_000_000L, 10_000_000L);
    }
    System.out.printf(
        Locale.ROOT,
        "JVM %s, max heap %d MiB, %d CPUs, dir %s%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors(),
        dir);
    try (EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(dir.resolve("pgdata"))
            .setCleanDataDirectory(true)
            .start()) {
      int db = 0;
      for (long n : counts) {
        run(pg, dir, n, "bench_" + (++db));
      }
    }
  }

  private static void run(EmbeddedPostgres pg, Path dir, long n, String database) throws Exception {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
    String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/" + database;
    Path file = dir.resolve("clearing-" + n + ".txt");
    Path tsv = dir.resolve("clearing-" + n + ".tsv");
    long t0 = System.nanoTime();
    ClearingFileGenerator.generate(
        file, ClearingFileHeader.of(ACQUIRER, LocalDate.of(2026, 11, 28), "BENCH-" + n), n, 42);
    long t1 = System.nanoTime();
    render(file, tsv, "BENCH-" + n, 1_795_800_000L);
    long t2 = System.nanoTime();
    System.out.printf(
        Locale.ROOT,
        "%n== %,d records: file %,d bytes (generated in %.1f s), COPY text %,d bytes (rendered in"
            + " %.1f s)%n",
        n,
        Files.size(file),
        (t1 - t0) / 1e9,
        Files.size(tsv),
        (t2 - t1) / 1e9);

    try (Store store = Store.open(StoreConfig.of(url, "postgres", "", 4))) {
      try (Connection c = store.connection();
          Statement s = c.createStatement()) {
        s.execute(
            "INSERT INTO acquirers (institution_code, name, created_at) VALUES ('48020000', 'A',"
                + " 0)");
        s.execute("CREATE TABLE raw_like (LIKE clearing_records INCLUDING ALL)");
        s.execute("CREATE TABLE raw_bare (LIKE clearing_records)");
        s.execute("CHECKPOINT");
      }
      double rawLike = rawCopy(store, tsv, "raw_like");
      double rawBare = rawCopy(store, tsv, "raw_bare");
      try (Connection c = store.connection();
          Statement s = c.createStatement()) {
        s.execute("CHECKPOINT");
      }
      System.gc();
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        p.resetPeakUsage();
      }
      HeapSampler sampler = new HeapSampler();
      sampler.start();
      long i0 = System.nanoTime();
      ClearingIngest.Result r =
          ClearingIngest.on(
                  store, Clock.fixed(Instant.ofEpochSecond(1_795_800_000L), ZoneOffset.UTC))
              .ingest(file, ACQUIRER, ClearingIngest.QUIET);
      double ingest = (System.nanoTime() - i0) / 1e9;
      sampler.stopSampling();
      long peakPools = 0;
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP) {
          peakPools += p.getPeakUsage().getUsed();
        }
      }
      long stored = count(store, "SELECT COUNT(*) FROM clearing_records");
      long rawStored = count(store, "SELECT COUNT(*) FROM raw_like");
      if (stored != n || rawStored != n || r.loaded() != n) {
        throw new IllegalStateException(
            "counts differ: ingest " + stored + ", raw " + rawStored + ", expected " + n);
      }
      long same =
          count(
              store,
              "SELECT COUNT(*) FROM (SELECT * FROM clearing_records EXCEPT SELECT * FROM"
                  + " raw_like) d");
      System.out.printf(
          Locale.ROOT,
          "raw COPY, table LIKE clearing_records INCLUDING ALL: %.1f s (%,.0f rows/s)%n"
              + "raw COPY, bare table (no index or constraint):    %.1f s (%,.0f rows/s)%n"
              + "ClearingIngest (validate + chunked COPY):         %.1f s (%,.0f rows/s)%n"
              + "rows differing between ingest and raw COPY: %d%n"
              + "ratio (raw COPY identical table time / ingest time): %.2f%n"
              + "ratio (raw COPY bare table time / ingest time):      %.2f%n"
              + "peak heap during ingest: pools %.1f MiB (garbage included), after-GC %.1f MiB%n",
          rawLike,
          n / rawLike,
          rawBare,
          n / rawBare,
          ingest,
          n / ingest,
          same,
          rawLike / ingest,
          rawBare / ingest,
          peakPools / 1048576.0,
          sampler.peakAfterGc / 1048576.0);
      try (Connection c = store.connection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
        rs.next();
        System.out.printf(Locale.ROOT, "database size: %,d bytes%n", rs.getLong(1));
      }
      if (Boolean.getBoolean("fangxin.bench.lookup")) {
        ClearingLookupLoad.measure(store, 4);
      }
    }
    Files.delete(file);
    Files.delete(tsv);
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE " + database);
    }
  }

  private static double rawCopy(Store store, Path tsv, String table) throws Exception {
    try (Connection c = store.connection();
        InputStream in = new BufferedInputStream(Files.newInputStream(tsv), 1 << 16)) {
      c.setAutoCommit(false);
      long t = System.nanoTime();
      c.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(
              "COPY "
                  + table
                  + " (durable_trace, acquirer_institution, forwarding_institution, stan,"
                  + " transmission_time, settlement_date, rrn, merchant_number, terminal_id,"
                  + " amount_minor, currency, transaction_time, tool_type, voucher_number,"
                  + " masked_pan, message_type, processing_code, mcc, batch_id, ingested_at)"
                  + " FROM STDIN",
              in);
      c.commit();
      c.setAutoCommit(true);
      return (System.nanoTime() - t) / 1e9;
    }
  }

  /** Writes the rows the ingest stores, as COPY text, from the validated records. */
  private static void render(Path file, Path tsv, String batchId, long ingestedAt)
      throws Exception {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        ClearingFileReader reader = ClearingFileReader.open(in, false);
        Writer w =
            new BufferedWriter(
                new OutputStreamWriter(
                    new BufferedOutputStream(Files.newOutputStream(tsv), 1 << 16),
                    StandardCharsets.US_ASCII),
                1 << 16)) {
      ClearingRecord r;
      while ((r = reader.next()) != null) {
        DurableTrace t = r.trace();
        w.write(t.value());
        tab(w, t.settleKey().acquirer().value());
        tab(w, t.settleKey().forwarding().value());
        tab(w, t.settleKey().stan().value());
        tab(w, t.settleKey().transmissionTime().value());
        tab(w, t.year() + t.settlementDate().value());
        tab(w, r.rrn().map(Object::toString).orElse(null));
        tab(w, r.merchantNumber().value());
        tab(w, r.terminalId().map(Object::toString).orElse(null));
        tab(w, Long.toString(r.amount().minorUnits()));
        tab(w, Integer.toString(r.amount().currency()));
        tab(w, Long.toString(r.transactionTime()));
        tab(w, dev.fangxin.gateway.clearing.ClearingRecord.toolTypeCode(r.toolType()));
        tab(w, r.voucherNumber().map(Object::toString).orElse(null));
        tab(w, r.maskedPan().map(Object::toString).orElse(null));
        tab(w, r.messageType());
        tab(w, r.processingCode());
        tab(w, r.mcc());
        tab(w, batchId);
        tab(w, Long.toString(ingestedAt));
        w.write('\n');
      }
    }
  }

  private static void tab(Writer w, String v) throws Exception {
    w.write('\t');
    w.write(v == null ? "\\N" : v);
  }

  private static long count(Store store, String sql) throws Exception {
    try (Connection c = store.connection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Samples the heap in use right after each collection (the live set), keeping the peak. */
  private static final class HeapSampler extends Thread {
    volatile boolean running = true;
    volatile long peakAfterGc;

    HeapSampler() {
      super("heap-sampler");
      setDaemon(true);
    }

    @Override
    public void run() {
      while (running) {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
          if (p.getType() == MemoryType.HEAP) {
            MemoryUsage u = p.getCollectionUsage();
            if (u != null) {
              sum += u.getUsed();
            }
          }
        }
        peakAfterGc = Math.max(peakAfterGc, sum);
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void stopSampling() throws InterruptedException {
      running = false;
      join();
    }
  }
}
