package dev.fangxin.cli;

import dev.fangxin.gateway.auth.ApiKeyInfo;
import dev.fangxin.gateway.auth.ApiKeys;
import dev.fangxin.gateway.auth.IssuedKey;
import dev.fangxin.gateway.auth.Role;
import dev.fangxin.gateway.config.GatewayConfig;
import dev.fangxin.gateway.delivery.DeadLetters;
import dev.fangxin.gateway.delivery.Replay;
import dev.fangxin.gateway.store.OutboxRecord;
import dev.fangxin.gateway.store.Store;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Operator subcommands of {@code fangxin gateway} that work directly on the gateway's store: {@code
 * replay}, {@code dead-letters} and {@code api-key}. They read the same settings as the gateway
 * (flags, environment, {@code --config}), so they find its database. On PostgreSQL they run beside
 * the gateway, whose next poll picks up a replay; the embedded H2 database is a single-process
 * file, so there they run while the gateway is stopped (H2 reports the file as locked otherwise).
 */
final class GatewayOpsCommands {
  private GatewayOpsCommands() {}

  private static Store open(CommandSpec spec) {
    GatewayConfig config = GatewayConfig.load(GatewayCommand.flags(spec), System.getenv());
    return Store.open(config.store());
  }

  private static Instant instant(String name, String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new UserException(
          name
              + " must be an RFC 3339 UTC time such as 2026-11-29T08:00:00Z, got \""
              + text
              + "\"");
    }
  }

  /** {@code fangxin gateway replay}: sends events again with their original webhook-id. */
  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = {
        "Enqueues events again, with their original webhook-id, so that receivers that already",
        "processed them can de-duplicate. Delivered and dead-lettered events can be replayed for",
        "a case's whole lifetime; events still pending are skipped (they will be delivered).",
        "Give exactly one of --case, --webhook-id, or --from with --to."
      },
      footer = {
        "",
        "Examples:",
        "  fangxin gateway replay --case case_abc…",
        "  fangxin gateway replay --from 2026-11-28T00:00:00Z --to 2026-11-29T00:00:00Z"
      })
  static final class ReplayCommand implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;

    @Option(names = "--case", paramLabel = "CASE_ID", description = "Every event of this case.")
    String caseId;

    @Option(names = "--webhook-id", paramLabel = "ID", description = "One event.")
    String webhookId;

    @Option(names = "--from", paramLabel = "TIME", description = "Events created at or after.")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Events created before.")
    String to;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "1000",
        description = "Most events replayed from a time range (1 to 1000). Default: 1000.")
    int limit;

    @Override
    public Integer call() {
      int given = (caseId != null ? 1 : 0) + (webhookId != null ? 1 : 0) + (from != null ? 1 : 0);
      if (given != 1 || (from == null) != (to == null)) {
        throw new UserException("give exactly one of --case, --webhook-id, or --from with --to");
      }
      PrintWriter out = spec.commandLine().getOut();
      try (Store store = open(spec)) {
        Replay replay = Replay.on(store, Clock.systemUTC(), () -> {});
        Replay.Result r;
        if (caseId != null) {
          r = replay.byCase(caseId);
        } else if (webhookId != null) {
          r = replay.byWebhookId(webhookId);
        } else {
          r = replay.byTimeRange(instant("--from", from), instant("--to", to), limit);
        }
        out.println(
            "Replayed "
                + r.replayed().size()
                + " event(s); skipped "
                + r.skipped().size()
                + " still pending.");
        out.flush();
      }
      return 0;
    }
  }

  /** {@code fangxin gateway dead-letters}: lists events that were given up on. */
  @Command(
      name = "dead-letters",
      mixinStandardHelpOptions = true,
      description = {
        "Lists events that were retried for the whole horizon (at least 7 days and 12 attempts)",
        "and dead-lettered, oldest first, with their last attempt. Replay them with",
        "'fangxin gateway replay'."
      })
  static final class DeadLettersCommand implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;

    @Option(
        names = "--from",
        paramLabel = "TIME",
        defaultValue = "1970-01-01T00:00:00Z",
        description = "Dead-lettered at or after. Default: the beginning.")
    String from;

    @Option(
        names = "--to",
        paramLabel = "TIME",
        description = "Dead-lettered before. Default: now.")
    String to;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "100",
        description = "Most rows listed (1 to 1000). Default: 100.")
    int limit;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Instant end = to == null ? Instant.now().plusSeconds(1) : instant("--to", to);
      try (Store store = open(spec)) {
        List<OutboxRecord> rows = DeadLetters.on(store).list(instant("--from", from), end, limit);
        out.println("Dead letters: " + rows.size());
        for (OutboxRecord r : rows) {
          out.println(
              r.webhookId()
                  + "  "
                  + r.eventType()
                  + "  case="
                  + r.caseId().orElse("-")
                  + "  to="
                  + r.target().code()
                  + r.merchantId().map(m -> ":" + m).orElse("")
                  + "  attempts="
                  + r.attempts()
                  + "  dead="
                  + r.deadAt().map(Instant::toString).orElse("-")
                  + "  last="
                  + (r.lastStatus().isPresent() ? "HTTP " + r.lastStatus().getAsInt() : "")
                  + r.lastError().orElse(""));
        }
        out.flush();
      }
      return 0;
    }
  }

  /** {@code fangxin gateway api-key}: issues, lists and revokes API keys. */
  @Command(
      name = "api-key",
      mixinStandardHelpOptions = true,
      description = "Issues, lists and revokes API keys (stored hashed; a key is shown once).",
      subcommands = {ApiKeyCreate.class, ApiKeyList.class, ApiKeyRevoke.class})
  static final class ApiKeyCommand implements Runnable {
    @CommandLine.Spec CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }

  /** {@code fangxin gateway api-key create}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Issues a key and prints it once.")
  static final class ApiKeyCreate implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;

    @Option(names = "--client", required = true, paramLabel = "ID", description = "Client ID.")
    String client;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        description = "operator, merchant, acquirer or wallet_partner.")
    String role;

    @Option(names = "--merchant", paramLabel = "ID", description = "For the merchant role.")
    String merchant;

    @Option(names = "--institution", paramLabel = "CODE", description = "For the acquirer role.")
    String institution;

    @Override
    public Integer call() {
      Role r;
      try {
        r = Role.fromCode(role);
      } catch (IllegalArgumentException e) {
        throw new UserException(e.getMessage());
      }
      try (Store store = open(spec)) {
        IssuedKey key =
            ApiKeys.on(store, Clock.systemUTC()).issue(client, r, merchant, institution);
        PrintWriter out = spec.commandLine().getOut();
        out.println(key.apiKey());
        out.flush();
        spec.commandLine()
            .getErr()
            .println("Key " + key.info().keyId() + " for " + key.info().principal() + ".");
      }
      return 0;
    }
  }

  /** {@code fangxin gateway api-key list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists a client's keys (never the keys themselves).")
  static final class ApiKeyList implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;

    @Option(names = "--client", required = true, paramLabel = "ID", description = "Client ID.")
    String client;

    @Override
    public Integer call() {
      try (Store store = open(spec)) {
        PrintWriter out = spec.commandLine().getOut();
        for (ApiKeyInfo k : ApiKeys.on(store, Clock.systemUTC()).list(client)) {
          out.println(
              k.keyId()
                  + "  "
                  + k.principal()
                  + "  created="
                  + k.createdAt()
                  + k.revokedAt().map(t -> "  revoked=" + t).orElse(""));
        }
        out.flush();
      }
      return 0;
    }
  }

  /** {@code fangxin gateway api-key revoke}. */
  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes a key now.")
  static final class ApiKeyRevoke implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;

    @CommandLine.Parameters(paramLabel = "KEY_ID", description = "The key's ID.")
    String keyId;

    @Override
    public Integer call() {
      try (Store store = open(spec)) {
        ApiKeyInfo k = ApiKeys.on(store, Clock.systemUTC()).revoke(keyId, Instant.now());
        spec.commandLine().getOut().println("Revoked " + k.keyId() + " at " + k.revokedAt().get());
        spec.commandLine().getOut().flush();
      }
      return 0;
    }
  }
}
