package dev.fangxin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fangxin clearing generate} and {@code fangxin clearing ingest} on an H2 data dir. */
class ClearingCommandTest {
  @TempDir Path dir;

  Path dataDir() {
    return dir.resolve("data");
  }

  void registerAcquirer(String code) throws Exception {
    try (Store store = Store.open(StoreConfig.embeddedDefault(dataDir()))) {
      store.inTransaction(
          tx -> {
            try (Statement s = tx.createStatement()) {
              return s.executeUpdate(
                  "INSERT INTO acquirers (institution_code, name, created_at) VALUES ('"
                      + code
                      + "', 'A', 0)");
            }
          });
    }
  }

  long records() throws Exception {
    try (Store store = Store.open(StoreConfig.embeddedDefault(dataDir()));
        Connection c = store.connection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM clearing_records")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void generateThenIngestThenRefuseTheSameFileAgain() throws Exception {
    Path file = dir.resolve("clearing.txt");
    CliTest.Result g =
        CliTest.run(
            "clearing",
            "generate",
            "--records",
            "2500",
            "--acquirer",
            "48020000",
            "--seed",
            "3",
            file.toString());
    assertThat(g.status()).as(g.err()).isZero();
    assertThat(g.out())
        .isEqualTo(
            "Wrote "
                + file
                + ": 2500 records, batch GEN-20261128-3 of acquirer 48020000, "
                + (55 + 179 * 2500 + 38)
                + " bytes.\n");
    registerAcquirer("48020000");

    CliTest.Result r =
        CliTest.run(
            "clearing",
            "ingest",
            file.toString(),
            "--acquirer",
            "48020000",
            "--chunk-records",
            "1000",
            "--data-dir",
            dataDir().toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith(
            "Ingested "
                + file
                + ": 2500 records as batch GEN-20261128-3 of acquirer 48020000 (2500 loaded, 0"
                + " already stored and skipped) in ");
    // Not a terminal here: plain progress lines, first and last of each phase.
    assertThat(r.err())
        .contains("clearing ingest: validate   0% 0/0 MB")
        .contains("clearing ingest: validate 100%")
        .contains("clearing ingest: load 100% 2500/2500 records");
    assertThat(records()).isEqualTo(2500);

    CliTest.Result again =
        CliTest.run(
            "clearing",
            "ingest",
            file.toString(),
            "--acquirer",
            "48020000",
            "--data-dir",
            dataDir().toString());
    assertThat(again.status()).isEqualTo(1);
    assertThat(again.err())
        .contains("ingest: this file (SHA-256 ")
        .endsWith(
            ") was already ingested as batch GEN-20261128-3 of acquirer 48020000 (2500 records"
                + " loaded) [clearing_file.already_ingested]\n");
    assertThat(records()).isEqualTo(2500);
  }

  @Test
  void aBadFieldIsOneLineNamingLineAndFieldAndChangesNothing() throws Exception {
    Path file = dir.resolve("bad.txt");
    assertThat(
            CliTest.run(
                    "clearing",
                    "generate",
                    "--records",
                    "100",
                    "--acquirer",
                    "48020000",
                    file.toString())
                .status())
        .isZero();
    byte[] bytes = Files.readAllBytes(file);
    int line7 = 55 + 179 * 5;
    bytes[line7 + 103 + 3] = 'x'; // merchant_number, column 107
    Files.write(file, bytes);
    registerAcquirer("48020000");
    CliTest.Result r =
        CliTest.run(
            "clearing",
            "ingest",
            file.toString(),
            "--acquirer",
            "48020000",
            "--data-dir",
            dataDir().toString());
    assertThat(r.status()).isEqualTo(1);
    String[] lines = r.err().split("\n");
    assertThat(lines[lines.length - 1])
        .isEqualTo(
            "ingest: line 7, field merchant_number: merchant number must be exactly 15 digits,"
                + " got 'x' at position 4: \""
                + new String(bytes, line7 + 103, 15, StandardCharsets.US_ASCII)
                + "\" [clearing_file.invalid_field]");
    assertThat(records()).isZero();
  }

  @Test
  void unknownAcquirerAndUsageErrors() throws Exception {
    Path file = dir.resolve("a.txt");
    CliTest.run(
        "clearing", "generate", "--records", "10", "--acquirer", "48020000", file.toString());
    registerAcquirer("11110000");
    CliTest.Result r =
        CliTest.run(
            "clearing",
            "ingest",
            file.toString(),
            "--acquirer",
            "48020000",
            "--data-dir",
            dataDir().toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err())
        .endsWith(
            "ingest: acquirer 48020000 is not registered; register it before ingesting its files"
                + " [clearing_file.unknown_acquirer]\n");
    CliTest.Result bad =
        CliTest.run(
            "clearing",
            "ingest",
            file.toString(),
            "--acquirer",
            "48A",
            "--data-dir",
            dataDir().toString());
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).startsWith("ingest: --acquirer: institution code must be");
    CliTest.Result missing =
        CliTest.run("clearing", "ingest", dir.resolve("nope.txt").toString(), "--acquirer", "1");
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).isEqualTo("ingest: no such file: " + dir.resolve("nope.txt") + "\n");
  }

  @Test
  void theProgressBarOnATerminalShowsRateAndEta() {
    StringWriter sink = new StringWriter();
    long[] now = {0};
    ClearingCommand.Progress p =
        new ClearingCommand.Progress(new PrintWriter(sink), true, () -> now[0]);
    p.progress(dev.fangxin.gateway.clearing.file.ClearingIngest.Phase.LOAD, 0, 1000);
    now[0] = 2_000_000_000L;
    p.progress(dev.fangxin.gateway.clearing.file.ClearingIngest.Phase.LOAD, 250, 1000);
    p.done();
    assertThat(sink.toString())
        .isEqualTo(
            "\r[.........................] load   0% 0/1000 records, 0 records/s, ETA --:--"
                + "\r[######...................] load  25% 250/1000 records, 125 records/s, ETA"
                + " 0:06\n");
  }
}
