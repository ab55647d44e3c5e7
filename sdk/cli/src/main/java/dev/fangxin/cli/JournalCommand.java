package dev.fangxin.cli;

import dev.fangxin.core.key.TerminalPublicKey;
import dev.fangxin.core.receipt.JournalVerifier;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "journal",
    mixinStandardHelpOptions = true,
    description = "Works with receipt journals.",
    subcommands = {JournalCommand.Verify.class})
final class JournalCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Checks every record of a receipt journal and lists every problem found: damaged bytes,",
        "edits (bad signatures), gaps, reordering, duplicates, forks and chain breaks, by",
        "sequence number. Exit status 0 when the journal verifies, 1 when it does not."
      },
      footer = {
        "",
        "Example:",
        "  fangxin journal verify --public-key terminal.pub.pem terminal.journal"
      })
  static final class Verify implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOURNAL", description = "The journal file.")
    Path journal;

    @Option(
        names = "--public-key",
        paramLabel = "FILE",
        description =
            "A trusted public key (PEM); repeat for rotated keys. Without one, the keys"
                + " announced in the journal are used.")
    List<Path> publicKeys = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      if (!Files.isRegularFile(journal)) {
        throw new UserException("no such journal file: " + journal);
      }
      List<TerminalPublicKey> keys = new ArrayList<>();
      for (Path p : publicKeys) {
        if (!Files.isRegularFile(p)) {
          throw new UserException("no such public key file: " + p);
        }
        keys.add(TerminalPublicKey.fromPem(Files.readString(p, StandardCharsets.US_ASCII)));
      }
      JournalVerifier.Report report = JournalVerifier.verify(journal, keys);
      out.printf(
          "%s: %d receipts, %d findings%n", journal, report.receipts(), report.findings().size());
      for (JournalVerifier.Finding f : report.findings()) {
        out.printf("  %s%s%n", f.kind().isError() ? "" : "(note) ", f);
      }
      out.println(report.ok() ? "VERDICT: VALID" : "VERDICT: INVALID");
      return report.ok() ? 0 : Main.VERIFICATION_FAILED;
    }
  }
}
