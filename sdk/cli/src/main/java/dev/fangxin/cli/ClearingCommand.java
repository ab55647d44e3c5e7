package dev.fangxin.cli;

import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.InvalidIdentifierException;
import dev.fangxin.gateway.clearing.file.ClearingFileException;
import dev.fangxin.gateway.clearing.file.ClearingFileGenerator;
import dev.fangxin.gateway.clearing.file.ClearingFileHeader;
import dev.fangxin.gateway.clearing.file.ClearingIngest;
import dev.fangxin.gateway.config.GatewayConfig;
import dev.fangxin.gateway.store.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fangxin clearing}: acquirers' daily clearing files ({@code protocol/SPEC.md} section 14).
 * {@code ingest} loads one into the gateway's store (the same settings as {@code fangxin gateway},
 * so it finds the same database); {@code generate} writes valid test files.
 */
@Command(
    name = "clearing",
    mixinStandardHelpOptions = true,
    description = "Ingests and generates acquirers' daily clearing files.",
    subcommands = {ClearingCommand.Ingest.class, ClearingCommand.Generate.class})
final class ClearingCommand implements Runnable {
  @CommandLine.Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static InstitutionCode acquirer(String code) {
    try {
      return InstitutionCode.of(code);
    } catch (InvalidIdentifierException e) {
      throw new UserException("--acquirer: " + e.getMessage());
    }
  }

  /** {@code fangxin clearing ingest FILE --acquirer CODE}. */
  @Command(
      name = "ingest",
      mixinStandardHelpOptions = true,
      description = {
        "Validates a clearing file completely, then loads it into clearing_records in chunks.",
        "A refused file changes nothing; an interrupted ingest resumes when run again; the same",
        "file twice is refused as already ingested. Card numbers are stored masked (first 6,",
        "last 4). On PostgreSQL the records are loaded with COPY.",
        "Store settings are the gateway's: flags, FANGXIN_* environment, --config FILE."
      },
      footer = {
        "",
        "Exit status: 0 ingested, 1 the file was refused (the message names line and field),",
        "2 bad usage, unreadable file or store failure."
      })
  static final class Ingest implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The clearing file.")
    Path file;

    @Option(
        names = "--acquirer",
        required = true,
        paramLabel = "CODE",
        description = "Institution code of the acquirer whose file this is (must be registered).")
    String acquirer;

    @Option(
        names = "--chunk-records",
        paramLabel = "N",
        defaultValue = "20000",
        description = "Records committed per transaction (1 to 1000000). Default: 20000.")
    int chunkRecords;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      InstitutionCode code = acquirer(acquirer);
      if (!Files.isRegularFile(file)) {
        throw new UserException("no such file: " + file);
      }
      if (chunkRecords < 1 || chunkRecords > 1_000_000) {
        throw new UserException("--chunk-records must be 1 to 1000000, got " + chunkRecords);
      }
      GatewayConfig config = GatewayConfig.load(GatewayCommand.flags(spec), System.getenv());
      Progress progress = new Progress(err, System.console() != null, System::nanoTime);
      long start = System.nanoTime();
      try (Store store = Store.open(config.store())) {
        ClearingIngest.Result r =
            ClearingIngest.on(store, Clock.systemUTC(), chunkRecords).ingest(file, code, progress);
        progress.done();
        double seconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        if (r.resumedAfterLine() > 0) {
          out.println("Resumed after line " + r.resumedAfterLine() + ".");
        }
        out.printf(
            Locale.ROOT,
            "Ingested %s: %d records as batch %s of acquirer %s (%d loaded, %d already stored"
                + " and skipped) in %.1f s, %.0f records/s.%n",
            file,
            r.records(),
            r.header().batchId(),
            code,
            r.loaded(),
            r.skipped(),
            seconds,
            r.records() / seconds);
        out.flush();
        return 0;
      } catch (ClearingFileException e) {
        progress.done();
        err.println("ingest: " + e.getMessage() + " [" + e.reason() + "]");
        err.flush();
        return e.reasonCode() == ClearingFileException.Reason.IO_FAILED ? Main.BAD_INPUT : 1;
      }
    }
  }

  /**
   * Renders ingest progress: a one-line bar redrawn with a carriage return on a terminal, plain log
   * lines every 5 seconds otherwise. Runs on the ingesting thread.
   */
  static final class Progress implements ClearingIngest.Listener {
    private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;
    private static final long TTY_EVERY_NANOS = 200_000_000L;

    private final PrintWriter err;
    private final boolean tty;
    private final LongSupplier nanos;
    private ClearingIngest.Phase phase;
    private long phaseStart;
    private long lastShown;
    private boolean barOpen;

    Progress(PrintWriter err, boolean tty, LongSupplier nanos) {
      this.err = err;
      this.tty = tty;
      this.nanos = nanos;
    }

    @Override
    public void progress(ClearingIngest.Phase p, long done, long total) {
      long now = nanos.getAsLong();
      boolean first = p != phase;
      if (first) {
        if (barOpen) {
          err.println();
          barOpen = false;
        }
        phase = p;
        phaseStart = now;
        lastShown = now;
      }
      boolean last = done >= total;
      long every = tty ? TTY_EVERY_NANOS : PLAIN_EVERY_NANOS;
      if (!first && !last && now - lastShown < every) {
        return;
      }
      lastShown = now;
      err.print(
          tty
              ? "\r" + line(p, done, total, now)
              : "clearing ingest: " + line(p, done, total, now) + "\n");
      barOpen = tty;
      err.flush();
    }

    String line(ClearingIngest.Phase p, long done, long total, long now) {
      double seconds = (now - phaseStart) / 1e9;
      double rate = seconds > 0 ? done / seconds : 0;
      int pct = total == 0 ? 100 : (int) Math.min(100, done * 100 / total);
      String eta = rate > 0 ? duration((long) ((total - done) / rate)) : "--:--";
      StringBuilder b = new StringBuilder();
      if (tty) {
        b.append('[');
        int filled = pct / 4;
        b.append("#".repeat(filled)).append(".".repeat(25 - filled)).append("] ");
      }
      if (p == ClearingIngest.Phase.VALIDATE) {
        b.append(
            String.format(
                Locale.ROOT,
                "validate %3d%% %d/%d MB, %.1f MB/s, ETA %s",
                pct,
                done >> 20,
                total >> 20,
                rate / (1 << 20),
                eta));
      } else {
        b.append(
            String.format(
                Locale.ROOT,
                "load %3d%% %d/%d records, %.0f records/s, ETA %s",
                pct,
                done,
                total,
                rate,
                eta));
      }
      return b.toString();
    }

    static String duration(long seconds) {
      return seconds >= 3600
          ? String.format(
              Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
          : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    void done() {
      if (barOpen) {
        err.println();
        barOpen = false;
      }
      err.flush();
    }
  }

  /** {@code fangxin clearing generate --records N --acquirer CODE FILE}. */
  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description = {
        "Writes a valid clearing file of N generated records, for tests and benchmarks. The same",
        "seed, acquirer, date, batch ID and N always give the same bytes. Records carry full",
        "random test card numbers starting 622202, as an acquirer's file would."
      })
  static final class Generate implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to write (replaced).")
    Path file;

    @Option(names = "--records", required = true, paramLabel = "N", description = "Records.")
    long records;

    @Option(
        names = "--acquirer",
        required = true,
        paramLabel = "CODE",
        description = "Institution code of the acquirer.")
    String acquirer;

    @Option(
        names = "--date",
        paramLabel = "YYYY-MM-DD",
        defaultValue = "2026-11-28",
        description = "Business date of the file. Default: 2026-11-28.")
    String date;

    @Option(
        names = "--batch",
        paramLabel = "ID",
        description = "Batch ID. Default: GEN-<date>-<seed>.")
    String batch;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Default: 1.")
    long seed;

    @Override
    public Integer call() throws IOException {
      if (records < 0) {
        throw new UserException("--records must not be negative, got " + records);
      }
      LocalDate day;
      try {
        day = LocalDate.parse(date);
      } catch (DateTimeParseException e) {
        throw new UserException("--date must be YYYY-MM-DD, got \"" + date + "\"");
      }
      String batchId =
          batch != null ? batch : "GEN-" + day.toString().replace("-", "") + "-" + seed;
      ClearingFileHeader header;
      try {
        header = ClearingFileHeader.of(acquirer(acquirer), day, batchId);
      } catch (IllegalArgumentException e) {
        throw new UserException(e.getMessage());
      }
      ClearingFileGenerator.generate(file, header, records, seed);
      spec.commandLine()
          .getOut()
          .printf(
              Locale.ROOT,
              "Wrote %s: %d records, batch %s of acquirer %s, %d bytes.%n",
              file,
              records,
              batchId,
              header.acquirer(),
              Files.size(file));
      return 0;
    }
  }
}
