package dev.fangxin.cli;

import dev.fangxin.core.FangxinException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fangxin} command. Exit status: 0 success, 1 a verification that ran and failed, 2 bad
 * input or usage. Errors are one clear line on standard error, never a stack trace (set {@code
 * FANGXIN_DEBUG=1} to see one).
 */
@Command(
    name = "fangxin",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Signs POS transactions, prints dispute links into receipt QR codes, and runs the"
            + " dispute gateway.",
    subcommands = {
      KeygenCommand.class,
      SignCommand.class,
      VerifyCommand.class,
      JournalCommand.class,
      ReceiptCommand.class,
      QuickstartCommand.class,
      DemoCommand.class,
      StickerCommand.class,
      GatewayCommand.class,
      ClearingCommand.class,
      MerchantCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Start with:  fangxin quickstart",
      "Exit status: 0 success, 1 verification failed, 2 bad input or usage."
    })
public final class Main implements Runnable {
  /** Exit status of a verification that ran and failed. */
  static final int VERIFICATION_FAILED = 1;

  /** Exit status of bad input or usage. */
  static final int BAD_INPUT = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line and returns the exit status; used by {@link #main} and by tests. */
  static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    GatewayCommand.addConfigOptions(cli.getSubcommands().get("gateway"));
    GatewayCommand.addConfigOptions(
        cli.getSubcommands().get("clearing").getSubcommands().get("ingest"));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          String name = commandLine.getCommandName();
          if (e instanceof FangxinException fe) {
            err.println(name + ": " + fe.getMessage() + " [" + fe.reason() + "]");
          } else if (e instanceof UserException ue) {
            err.println(name + ": " + ue.getMessage());
          } else if (e instanceof java.io.IOException
              || e instanceof java.io.UncheckedIOException) {
            err.println(name + ": " + describe(e));
          } else {
            err.println(name + ": unexpected error: " + describe(e));
          }
          if (System.getenv("FANGXIN_DEBUG") != null) {
            e.printStackTrace(err);
          }
          err.flush();
          return BAD_INPUT;
        });
    cli.setParameterExceptionHandler(
        (e, a) -> {
          err.println(e.getCommandLine().getCommandName() + ": " + e.getMessage());
          err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          err.flush();
          return BAD_INPUT;
        });
    int status = cli.execute(args);
    out.flush();
    err.flush();
    return status;
  }

  private static String describe(Throwable e) {
    if (e instanceof java.nio.file.NoSuchFileException n) {
      return "no such file: " + n.getFile();
    }
    if (e instanceof java.nio.file.AccessDeniedException a) {
      return "permission denied: " + a.getFile();
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException f) {
      return "already exists: " + f.getFile();
    }
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads the version from the jar manifest, or says "development build". */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"fangxin " + (v == null ? "(development build)" : v)};
    }
  }
}
