package dev.fangxin.gateway.clearing.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.gateway.ops.TestPostgres;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Child JVMs: the reader streams a file several times larger than its heap, and an ingest killed
 * with {@code destroyForcibly} mid-way resumes to exactly the file's records.
 */
class ClearingFileChildProcessTest {
  static final InstitutionCode ACQUIRER = InstitutionCode.of("48020000");

  @TempDir Path dir;

  static Process child(String heap, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(heap);
    command.add("-cp");
    command.add(
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    command.add(ChildMain.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  @Test
  void theReaderStreamsAFileMuchLargerThanItsHeap() throws Exception {
    Path file = dir.resolve("big.txt");
    ClearingFileGenerator.generate(
        file, ClearingFileHeader.of(ACQUIRER, LocalDate.of(2026, 11, 28), "BIG"), 1_000_000, 1);
    long size = Files.size(file);
    assertThat(size).isEqualTo(55 + 179L * 1_000_000 + 38); // 179 MB
    Process p = child("-Xmx64m", "read", file.toString());
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("records 1000000 lines 1000002");
    long peak = Long.parseLong(out.substring(out.indexOf("peak-heap ") + 10).strip());
    assertThat(peak).isLessThan(64L << 20).isLessThan(size / 2);
  }

  @Test
  void anIngestKilledMidWayResumesToExactlyTheFilesRecords() throws Exception {
    try (TestPostgres server = TestPostgres.start()) {
      StoreConfig config = server.freshDatabase();
      Path file = dir.resolve("kill.txt");
      ClearingFileGenerator.generate(
          file, ClearingFileHeader.of(ACQUIRER, LocalDate.of(2026, 11, 28), "KILL"), 200_000, 2);
      try (Store store = Store.open(config)) {
        store.inTransaction(
            tx -> {
              try (PreparedStatement s =
                  tx.prepareStatement(
                      "INSERT INTO acquirers (institution_code, name, created_at)"
                          + " VALUES ('48020000', 'A', 0)")) {
                return s.executeUpdate();
              }
            });
      }
      Process p =
          child(
              "-Xmx128m",
              "ingest",
              config.jdbcUrl(),
              config.user(),
              file.toString(),
              ACQUIRER.value(),
              "1000");
      long seen = 0;
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("committed ")) {
            seen = Long.parseLong(line.split(" ")[2]);
            if (seen >= 20_000) {
              p.destroyForcibly();
              break;
            }
          }
        }
      }
      p.waitFor(1, TimeUnit.MINUTES);
      assertThat(seen).as("the child committed chunks before it was killed").isGreaterThan(0);
      try (Store store = Store.open(config)) {
        long before = count(store, "SELECT COUNT(*) FROM clearing_records");
        assertThat(before).isGreaterThanOrEqualTo(seen).isLessThan(200_000);
        ClearingIngest.Result result =
            ClearingIngest.on(store, Clock.systemUTC(), 5000)
                .ingest(file, ACQUIRER, ClearingIngest.QUIET);
        assertThat(result.resumedAfterLine()).isEqualTo(before + 1);
        assertThat(result.loaded()).isEqualTo(200_000);
        assertThat(count(store, "SELECT COUNT(*) FROM clearing_records")).isEqualTo(200_000);
        assertThat(count(store, "SELECT COUNT(DISTINCT durable_trace) FROM clearing_records"))
            .isEqualTo(200_000);
        assertThat(
                count(
                    store,
                    "SELECT COUNT(*) FROM clearing_files WHERE finished_at IS NOT NULL"
                        + " AND records_loaded = 200000 AND lines_committed = 200002"))
            .isEqualTo(1);
      }
    }
  }

  static long count(Store store, String sql) throws Exception {
    try (Connection c = store.connection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
