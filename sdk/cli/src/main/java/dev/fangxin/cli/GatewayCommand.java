package dev.fangxin.cli;

import dev.fangxin.gateway.DisputeServices;
import dev.fangxin.gateway.Gateway;
import dev.fangxin.gateway.auth.ApiKeys;
import dev.fangxin.gateway.config.ConfigKey;
import dev.fangxin.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code fangxin gateway}: runs the dispute gateway ({@code serve} is the default action, and an
 * alias). Operator subcommands ({@code replay}, {@code dead-letters}) slot in beside {@code serve}.
 *
 * <p>Every setting of {@link GatewayConfig#keys()} is a flag of both {@code gateway} and {@code
 * gateway serve}, added by {@link #addConfigOptions} so that the flags, the environment variables
 * and the README table all come from one list.
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the dispute gateway until SIGTERM or Ctrl-C, then shuts down gracefully.",
      "With no flags: plain HTTP on 127.0.0.1:8080 and an H2 database under ./data.",
      "Settings come from flags, then FANGXIN_* environment variables, then --config FILE",
      "(Java properties), then defaults; see sdk/gateway/README.md."
    },
    subcommands = {
      GatewayCommand.Serve.class,
      GatewayOpsCommands.ReplayCommand.class,
      GatewayOpsCommands.DeadLettersCommand.class,
      GatewayOpsCommands.ApiKeyCommand.class
    },
    footer = {
      "",
      "Secrets (store.password, tls.private-key-password, regulator.secret) have no flag:",
      "set FANGXIN_STORE_PASSWORD and the like, or put them in the --config file.",
      "",
      "Examples:",
      "  fangxin gateway",
      "  fangxin gateway --port 8443 --tls-cert-chain chain.pem --tls-private-key key.pem",
      "  FANGXIN_STORE_PASSWORD=… fangxin gateway --store-url jdbc:postgresql://db/fangxin"
    })
final class GatewayCommand implements Callable<Integer> {
  @CommandLine.Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    return serve(spec);
  }

  /** {@code fangxin gateway serve}: the same as {@code fangxin gateway}. */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = "Runs the dispute gateway (the same as 'fangxin gateway').")
  static final class Serve implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      return serve(spec);
    }
  }

  /**
   * Adds one option per configuration key to the {@code gateway} command and its {@code serve}
   * subcommand. Call once, after the command line is built and before it parses.
   */
  static void addConfigOptions(CommandLine gateway) {
    add(gateway.getCommandSpec());
    for (CommandLine sub : gateway.getSubcommands().values()) {
      add(sub.getCommandSpec());
      for (CommandLine subsub : sub.getSubcommands().values()) {
        add(subsub.getCommandSpec());
      }
    }
  }

  private static void add(CommandSpec spec) {
    for (ConfigKey key : GatewayConfig.keys()) {
      if (key.flag().isEmpty()) {
        continue; // a secret: environment or file only, never in a process list
      }
      String def = key.defaultValue().isEmpty() ? "none" : key.defaultValue();
      spec.addOption(
          OptionSpec.builder(key.flag())
              .type(String.class)
              .arity("1")
              .paramLabel("VALUE")
              .description(
                  key.meaning()
                      + " Default: "
                      + def
                      + ". Environment: "
                      + key.environmentVariable()
                      + ".")
              .build());
    }
  }

  /** The settings given as flags on this command line, keyed by configuration key. */
  static Map<String, String> flags(CommandSpec spec) {
    Map<String, String> flags = new LinkedHashMap<>();
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    for (ConfigKey key : GatewayConfig.keys()) {
      if (!key.flag().isEmpty() && parsed.hasMatchedOption(key.flag())) {
        flags.put(key.name(), parsed.matchedOptionValue(key.flag(), ""));
      }
    }
    return flags;
  }

  private static int serve(CommandSpec spec) throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    GatewayConfig config = GatewayConfig.load(flags(spec), System.getenv());
    Gateway gateway = DisputeServices.start(config, Clock.systemUTC());
    Optional<Path> operatorKey = bootstrapOperatorKey(gateway, config);
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  out.println("Stopping: draining in-flight requests…");
                  out.flush();
                  gateway.close();
                  out.println("Stopped.");
                  out.flush();
                  // A signal-initiated JVM exit reports 128 + signal; a graceful stop is a success.
                  Runtime.getRuntime().halt(0);
                },
                "fangxin-gateway-shutdown"));
    out.println("Fangxin gateway listening on " + gateway.listenUrl());
    if (config.embeddedStore()) {
      out.println("Data: " + config.dataDir() + " (embedded H2 database)");
    } else {
      out.println("Store: " + config.store().redactedUrl() + " (" + config.store().dialect() + ")");
    }
    out.println("Dispute links: " + gateway.publicBaseUrl());
    config.configFile().ifPresent(f -> out.println("Configuration: " + f));
    operatorKey.ifPresent(
        f ->
            out.println(
                "First start: an operator API key was written to "
                    + f
                    + " (readable by you only); use it as \"Authorization: Bearer <key>\"."));
    out.println("Health: /healthz  Readiness: /readyz  Metrics: /metrics");
    out.println("Stop with Ctrl-C or SIGTERM.");
    out.flush();
    forever.await();
    return 0;
  }

  /**
   * On a store with no active operator key, issues one and writes it to {@code
   * <data.dir>/operator.key} with owner-only permissions, so the first operator can register
   * merchants. Returns the file, or empty when an operator key already existed.
   */
  private static Optional<Path> bootstrapOperatorKey(Gateway gateway, GatewayConfig config) {
    ApiKeys keys = ApiKeys.on(gateway.store(), Clock.systemUTC());
    return keys.bootstrapOperator("operator")
        .map(
            issued -> {
              Path file = config.dataDir().resolve("operator.key");
              try {
                Files.createDirectories(config.dataDir());
                Files.deleteIfExists(file);
                Files.createFile(
                    file,
                    PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, issued.apiKey() + "\n", StandardCharsets.US_ASCII);
              } catch (IOException e) {
                throw new UncheckedIOException(
                    "could not write the first operator key to " + file, e);
              }
              return file;
            });
  }
}
