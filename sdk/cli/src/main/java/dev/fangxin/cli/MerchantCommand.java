package dev.fangxin.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code fangxin merchant}: a merchant's payment tools on a running gateway, over its HTTP API
 * ({@code switch-tool}, {@code bindings}). Both need the gateway's URL and an API key read from a
 * file (never from the command line, where other users of the machine could see it). A refusal is
 * printed as the gateway's problem (its detail and code) and exits 2; so does a gateway that cannot
 * be reached.
 */
@Command(
    name = "merchant",
    mixinStandardHelpOptions = true,
    description = "A merchant's payment tools on a running gateway.",
    subcommands = {MerchantCommand.SwitchTool.class, MerchantCommand.Bindings.class})
final class MerchantCommand implements Runnable {
  @CommandLine.Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What every subcommand needs to call the gateway. */
  static final class GatewayOptions {
    @Option(
        names = "--gateway",
        required = true,
        paramLabel = "URL",
        description = "The gateway's base URL, e.g. https://gateway.example:8443.")
    String gateway;

    @Option(
        names = "--api-key-file",
        required = true,
        paramLabel = "FILE",
        description = "A file holding the API key (operator, or acquirer for switch-tool).")
    Path apiKeyFile;

    URI base() {
      URI uri;
      try {
        uri = URI.create(gateway.endsWith("/") ? gateway : gateway + "/");
      } catch (IllegalArgumentException e) {
        throw new UserException("--gateway is not a URL: " + gateway);
      }
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw new UserException("--gateway must be an http:// or https:// URL, got " + gateway);
      }
      return uri;
    }

    String apiKey() {
      try {
        String key = Files.readString(apiKeyFile, StandardCharsets.UTF_8).trim();
        if (key.isEmpty()) {
          throw new UserException("--api-key-file " + apiKeyFile + " is empty");
        }
        return key;
      } catch (IOException e) {
        throw new UserException("cannot read --api-key-file " + apiKeyFile + ": " + e.getMessage());
      }
    }

    /**
     * Sends one request; the answer if it is 2xx, else a {@link UserException} with the problem.
     */
    JsonObject call(String method, String path, JsonObject body) {
      HttpRequest.Builder r =
          HttpRequest.newBuilder(base().resolve(path))
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", "Bearer " + apiKey())
              .header("Accept", "application/json");
      if (body == null) {
        r.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        r.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
      }
      HttpResponse<String> res;
      try {
        res =
            HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .build()
                .send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (ConnectException e) {
        throw new UserException("cannot reach the gateway at " + gateway + " (connection refused)");
      } catch (HttpTimeoutException e) {
        throw new UserException("the gateway at " + gateway + " did not answer in time");
      } catch (IOException e) {
        throw new UserException("cannot reach the gateway at " + gateway + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UserException("interrupted");
      }
      JsonObject json = null;
      try {
        JsonElement e = JsonParser.parseString(res.body());
        json = e.isJsonObject() ? e.getAsJsonObject() : null;
      } catch (RuntimeException e) {
        json = null;
      }
      if (res.statusCode() / 100 == 2 && json != null) {
        return json;
      }
      if (json != null && json.has("detail") && json.has("type")) {
        String type = json.get("type").getAsString();
        String code = type.substring(type.lastIndexOf('/') + 1);
        StringBuilder m =
            new StringBuilder("the gateway refused (")
                .append(res.statusCode())
                .append(' ')
                .append(code)
                .append("): ")
                .append(json.get("detail").getAsString());
        if (json.has("errors") && json.get("errors").isJsonArray()) {
          for (JsonElement err : json.getAsJsonArray("errors")) {
            JsonObject o = err.getAsJsonObject();
            m.append("\n  ")
                .append(o.has("field") ? o.get("field").getAsString() : "?")
                .append(": ")
                .append(
                    o.has("message")
                        ? o.get("message").getAsString()
                        : o.has("detail") ? o.get("detail").getAsString() : "");
          }
        }
        throw new UserException(m.toString());
      }
      throw new UserException(
          "the gateway answered " + res.statusCode() + " without a problem document");
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String interval(JsonObject b) {
    return b.get("valid_from").getAsString()
        + " .. "
        + (b.get("valid_to").isJsonNull() ? "(open)" : b.get("valid_to").getAsString());
  }

  /** {@code fangxin merchant switch-tool}. */
  @Command(
      name = "switch-tool",
      mixinStandardHelpOptions = true,
      description = {
        "Moves a merchant from one payment tool to another in one step: closes its binding of",
        "the old tool at --at (default: now), opens its binding of the new tool from then, and",
        "with --endpoint moves its webhook endpoint. Nothing is half-applied: a refusal changes",
        "nothing. Running it again with the same arguments (and --at) is answered as already done.",
        "Callers: an operator key; an acquirer key when --to is a card terminal of its own",
        "institution (without --endpoint)."
      },
      footer = {
        "",
        "Example:",
        "  fangxin merchant switch-tool --gateway https://gw.example --api-key-file op.key \\",
        "      --merchant 91330106MA27XKP9QH --from ct:48020000:898330160110021:A1B2C3D4 \\",
        "      --to ct:48030000:898440160110099:B0000001 --register --at 2026-12-01T00:00:00+08:00"
      })
  static final class SwitchTool implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;

    @CommandLine.Mixin GatewayOptions gateway = new GatewayOptions();

    @Option(names = "--merchant", required = true, paramLabel = "ID", description = "Merchant ID.")
    String merchant;

    @Option(names = "--from", required = true, paramLabel = "TOOL", description = "Old tool ID.")
    String from;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "TOOL",
        description = "New tool ID (ct:ACQUIRER:MID:TID or cc:CODE).")
    String to;

    @Option(
        names = "--register",
        description = "Register --to first if it is not registered (derived from its ID).")
    boolean register;

    @Option(
        names = "--at",
        paramLabel = "TIME",
        description = "When the switch takes effect, RFC 3339 with an offset (default: now).")
    String at;

    @Option(
        names = "--endpoint",
        paramLabel = "URL",
        description = "Move the merchant's webhook endpoint to this URL in the same step.")
    String endpoint;

    @Override
    public Integer call() {
      JsonObject body = new JsonObject();
      body.addProperty("from_tool_id", from);
      if (register) {
        newTool(body, to);
      } else {
        body.addProperty("to_tool_id", to);
      }
      if (at != null) {
        try {
          OffsetDateTime.parse(at);
        } catch (DateTimeParseException e) {
          throw new UserException(
              "--at must be an RFC 3339 time with an offset such as 2026-12-01T00:00:00+08:00,"
                  + " got \""
                  + at
                  + "\"");
        }
        body.addProperty("at", at);
      }
      if (endpoint != null) {
        body.addProperty("endpoint_url", endpoint);
      }
      JsonObject r = gateway.call("POST", "v1/merchants/" + enc(merchant) + "/tool-switches", body);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "merchant "
              + r.get("merchant_id").getAsString()
              + ": "
              + r.get("from_tool_id").getAsString()
              + " -> "
              + r.get("to_tool_id").getAsString()
              + " at "
              + r.get("at").getAsString());
      out.println("  closed  " + interval(r.getAsJsonObject("closed")));
      out.println("  opened  " + interval(r.getAsJsonObject("opened")));
      if (r.get("tool_registered").getAsBoolean()) {
        out.println("  registered the new tool " + r.get("to_tool_id").getAsString());
      }
      if (r.has("endpoint") && r.get("endpoint").isJsonObject()) {
        JsonObject e = r.getAsJsonObject("endpoint");
        out.println("  endpoint " + e.get("url").getAsString());
        if (e.has("secret")) {
          out.println("  webhook secret (shown once): " + e.get("secret").getAsString());
        }
      }
      return 0;
    }

    private static void newTool(JsonObject body, String id) {
      String[] parts = id.split(":", -1);
      if (parts.length == 4 && parts[0].equals("ct")) {
        body.addProperty("to_kind", "card_terminal");
        body.addProperty("to_acquirer", parts[1]);
        body.addProperty("to_merchant_number", parts[2]);
        body.addProperty("to_terminal_id", parts[3]);
      } else if (parts.length == 2 && parts[0].equals("cc")) {
        body.addProperty("to_kind", "collection_code");
        body.addProperty("to_code_id", parts[1]);
      } else {
        throw new UserException(
            "--to with --register must be ct:ACQUIRER:MID:TID or cc:CODE, got \"" + id + "\"");
      }
    }
  }

  /** {@code fangxin merchant bindings}. */
  @Command(
      name = "bindings",
      mixinStandardHelpOptions = true,
      description = {
        "Lists every binding that ever held a payment tool for the merchant, oldest first.",
        "Callers: operator; the merchant itself; an acquirer (its own terminals only)."
      })
  static final class Bindings implements Callable<Integer> {
    @CommandLine.Spec CommandSpec spec;

    @CommandLine.Mixin GatewayOptions gateway = new GatewayOptions();

    @Option(names = "--merchant", required = true, paramLabel = "ID", description = "Merchant ID.")
    String merchant;

    @Override
    public Integer call() {
      JsonObject r = gateway.call("GET", "v1/merchants/" + enc(merchant) + "/bindings", null);
      PrintWriter out = spec.commandLine().getOut();
      out.println("merchant " + r.get("merchant_id").getAsString());
      if (r.getAsJsonArray("bindings").isEmpty()) {
        out.println("  (no bindings)");
      }
      for (JsonElement e : r.getAsJsonArray("bindings")) {
        JsonObject b = e.getAsJsonObject();
        out.println("  " + b.get("tool_id").getAsString() + "  " + interval(b));
      }
      return 0;
    }
  }
}
