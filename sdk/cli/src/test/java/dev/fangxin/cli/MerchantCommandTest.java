package dev.fangxin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fangxin.core.id.CreditCode;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.gateway.DisputeServices;
import dev.fangxin.gateway.Gateway;
import dev.fangxin.gateway.auth.ApiKeys;
import dev.fangxin.gateway.auth.Role;
import dev.fangxin.gateway.config.GatewayConfig;
import dev.fangxin.gateway.endpoint.Endpoints;
import dev.fangxin.gateway.registry.Binding;
import dev.fangxin.gateway.registry.PaymentTool;
import dev.fangxin.gateway.registry.Registry;
import dev.fangxin.gateway.testing.SettableClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fangxin merchant switch-tool} and {@code fangxin merchant bindings} against a running
 * gateway on loopback: a switch that registers the new tool and moves the endpoint, its replay, the
 * history, and clear one-line errors for a refusal, a wrong key and an unreachable gateway.
 */
class MerchantCommandTest {
  static final Instant NOW = Instant.parse("2026-01-10T00:00:00Z");
  static final String M = "91330106MA27XKP9Q" + CreditCode.checkCharacter("91330106MA27XKP9Q");
  static final PaymentTool T1 =
      PaymentTool.cardTerminal(
          InstitutionCode.of("48020000"),
          MerchantNumber.of("898330160110021"),
          TerminalId.of("A1B2C3D4"));
  static final String T2 = "ct:48030000:898440160110099:B0000001";

  @TempDir Path dir;
  Gateway gateway;
  Registry registry;
  Path opKey;

  record Result(int status, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    Result r = new Result(status, out.toString(), err.toString());
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception:");
    return r;
  }

  @BeforeEach
  void start() throws Exception {
    SettableClock clock = new SettableClock(NOW);
    gateway =
        DisputeServices.start(
            GatewayConfig.load(
                Map.of("http.port", "0", "data.dir", dir.resolve("data").toString()), Map.of()),
            clock);
    registry = Registry.on(gateway.store(), clock);
    registry.registerMerchant(M, "Tea house", "zh-CN", "Asia/Shanghai");
    registry.registerTool(T1);
    registry.bind(T1.id(), M, Instant.parse("2025-12-01T00:00:00Z"));
    Endpoints.on(gateway.store(), clock).put(M, "http://127.0.0.1:9/old", Endpoints.V1a.KEEP);
    opKey = dir.resolve("op.key");
    Files.writeString(
        opKey, ApiKeys.on(gateway.store(), clock).issue("op", Role.OPERATOR, null, null).apiKey());
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  String url() {
    return gateway.listenUrl().toString();
  }

  @Test
  void switchesRegistersMovesTheEndpointAndListsTheHistory() throws Exception {
    String[] args = {
      "merchant",
      "switch-tool",
      "--gateway",
      url(),
      "--api-key-file",
      opKey.toString(),
      "--merchant",
      M,
      "--from",
      T1.id(),
      "--to",
      T2,
      "--register",
      "--at",
      "2026-01-05T08:00:00+08:00",
      "--endpoint",
      "http://127.0.0.1:9/new"
    };
    Result r = run(args);
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .contains(T1.id() + " -> " + T2 + " at 2026-01-05T00:00:00Z")
        .contains("closed  2025-12-01T00:00:00Z .. 2026-01-05T00:00:00Z")
        .contains("opened  2026-01-05T00:00:00Z .. (open)")
        .contains("registered the new tool")
        .contains("endpoint http://127.0.0.1:9/new");
    assertThat(registry.bindingsOf(M))
        .extracting(b -> b.toolId() + " " + b.validFrom() + " " + b.validTo().orElse(null))
        .containsExactly(
            T1.id() + " 2025-12-01T00:00:00Z 2026-01-05T00:00:00Z",
            T2 + " 2026-01-05T00:00:00Z null");

    Result again = run(args);
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.out()).doesNotContain("registered the new tool");
    assertThat(registry.bindingsOf(M)).hasSize(2);

    Result list =
        run(
            "merchant",
            "bindings",
            "--gateway",
            url(),
            "--api-key-file",
            opKey.toString(),
            "--merchant",
            M);
    assertThat(list.status()).isZero();
    assertThat(list.out().lines().toList())
        .containsExactly(
            "merchant " + M,
            "  " + T1.id() + "  2025-12-01T00:00:00Z .. 2026-01-05T00:00:00Z",
            "  " + T2 + "  2026-01-05T00:00:00Z .. (open)");
  }

  @Test
  void refusalsAreOneClearLineAndChangeNothing() throws Exception {
    List<Binding> before = registry.bindingsOf(M);
    Result early =
        run(
            "merchant",
            "switch-tool",
            "--gateway",
            url(),
            "--api-key-file",
            opKey.toString(),
            "--merchant",
            M,
            "--from",
            T1.id(),
            "--to",
            T2,
            "--register",
            "--at",
            "2025-11-01T00:00:00Z");
    assertThat(early.status()).isEqualTo(2);
    assertThat(early.err()).contains("409 registry.bad_interval").contains("must come after");

    Result unregistered =
        run(
            "merchant",
            "switch-tool",
            "--gateway",
            url(),
            "--api-key-file",
            opKey.toString(),
            "--merchant",
            M,
            "--from",
            T1.id(),
            "--to",
            T2);
    assertThat(unregistered.status()).isEqualTo(2);
    assertThat(unregistered.err()).contains("404 registry.unknown_tool");

    Result badUrl =
        run(
            "merchant",
            "switch-tool",
            "--gateway",
            url(),
            "--api-key-file",
            opKey.toString(),
            "--merchant",
            M,
            "--from",
            T1.id(),
            "--to",
            T2,
            "--register",
            "--endpoint",
            "ftp://x");
    assertThat(badUrl.status()).isEqualTo(2);
    assertThat(badUrl.err()).contains("422 request.invalid_fields").contains("endpoint_url:");

    Path wrong = dir.resolve("wrong.key");
    Files.writeString(wrong, "fxk_000000000000000000000000_" + "A".repeat(43));
    Result unauthorized =
        run(
            "merchant",
            "bindings",
            "--gateway",
            url(),
            "--api-key-file",
            wrong.toString(),
            "--merchant",
            M);
    assertThat(unauthorized.status()).isEqualTo(2);
    assertThat(unauthorized.err()).contains("401 auth.invalid_credentials");

    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Result down =
        run(
            "merchant",
            "bindings",
            "--gateway",
            "http://127.0.0.1:" + closedPort,
            "--api-key-file",
            opKey.toString(),
            "--merchant",
            M);
    assertThat(down.status()).isEqualTo(2);
    assertThat(down.err()).contains("cannot reach the gateway");

    Result noKey =
        run(
            "merchant",
            "bindings",
            "--gateway",
            url(),
            "--api-key-file",
            dir.resolve("missing.key").toString(),
            "--merchant",
            M);
    assertThat(noKey.status()).isEqualTo(2);
    assertThat(noKey.err()).contains("cannot read --api-key-file");

    assertThat(registry.bindingsOf(M)).isEqualTo(before);
  }
}
