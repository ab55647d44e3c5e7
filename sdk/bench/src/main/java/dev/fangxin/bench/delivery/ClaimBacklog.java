package dev.fangxin.bench.delivery;

import dev.fangxin.gateway.store.OutboxItem;
import dev.fangxin.gateway.store.OutboxQueue;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What one outbox claim costs as the backlog grows: a fresh database per size, that many due rows
 * for four merchants committed in one go (no ANALYZE afterwards, as after a burst), then claims of
 * 8 rows for two seconds, each claim's rows given back so the head of the queue stays the same,
 * passing over no merchant, one, three, and all four. A flat cost across sizes means a claim reads
 * only what it takes.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.fangxin.bench.delivery.ClaimBacklog [--db
 * pg|h2|both] [--sizes 1000,80000]}.
 */
public final class ClaimBacklog {
  private static final List<String> MERCHANTS = List.of("m1", "m2", "m3", "m4");

  private ClaimBacklog() {}

  /** Runs the benchmark with the options in the class comment. */
  public static void main(String[] args) throws Exception {
    String db = "both";
    String sizes = "1000,80000";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--db" -> db = args[i + 1];
        case "--sizes" -> sizes = args[i + 1];
        default -> throw new IllegalArgumentException("Unknown option " + args[i] + ".");
      }
    }
    System.out.println("| store | due rows | passing over | ms per claim of 8 (and give-back) |");
    System.out.println("|---|---|---|---|");
    for (String size : sizes.split(",")) {
      int rows = Integer.parseInt(size.trim());
      if (!db.equals("h2")) {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
          String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
          run("pg", StoreConfig.of(url, "postgres", "", 4), rows);
        }
      }
      if (!db.equals("pg")) {
        run("h2", StoreConfig.embeddedDefault(Files.createTempDirectory("claim-backlog")), rows);
      }
    }
  }

  private static void run(String name, StoreConfig config, int rows) {
    try (Store store = Store.open(config)) {
      Instant now = Instant.now();
      for (int from = 0; from < rows; from += 1000) {
        List<OutboxQueue.MerchantEvent> events = new ArrayList<>();
        for (int i = from; i < Math.min(rows, from + 1000); i++) {
          byte[] payload = ("{\"row\":" + i + "}").getBytes(StandardCharsets.UTF_8);
          events.add(
              OutboxQueue.MerchantEvent.of(
                  MERCHANTS.get(i % 4), null, "case.created", payload, now.minusSeconds(10)));
        }
        store.inTransaction(
            tx -> {
              store.outbox().enqueueAllForMerchants(tx, events);
              return null;
            });
      }
      for (int skipped : new int[] {0, 1, 3, 4}) {
        Set<String> skip = Set.copyOf(MERCHANTS.subList(0, skipped));
        long start = System.nanoTime();
        int claims = 0;
        while (System.nanoTime() - start < 2_000_000_000L) {
          List<OutboxItem> items =
              store.outbox().claim("bench", 8, now, Duration.ofSeconds(60), skip, false);
          for (OutboxItem item : items) {
            store.outbox().release(item.id(), "bench");
          }
          claims++;
        }
        System.out.printf(
            "| %s | %,d | %d of 4 merchants | %.2f |%n",
            name, rows, skipped, (System.nanoTime() - start) / 1e6 / claims);
      }
    }
  }
}
