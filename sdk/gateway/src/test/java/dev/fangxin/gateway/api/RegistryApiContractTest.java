package dev.fangxin.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fangxin.core.id.CreditCode;
import dev.fangxin.core.identity.TerminalIdentity;
import dev.fangxin.core.key.Pem;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.gateway.auth.ApiKeys;
import dev.fangxin.gateway.auth.Guard;
import dev.fangxin.gateway.auth.IssuedKey;
import dev.fangxin.gateway.auth.Role;
import dev.fangxin.gateway.http.GatewayHttpServer;
import dev.fangxin.gateway.http.HttpServerConfig;
import dev.fangxin.gateway.http.Route;
import dev.fangxin.gateway.registry.Registry;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry HTTP API end to end: a real {@link GatewayHttpServer} on an ephemeral loopback port,
 * real {@link ApiKeys} and {@link Registry} on a fresh database per test. Subclasses say where the
 * database is.
 */
abstract class RegistryApiContractTest {
  static final Instant T0 = Instant.ofEpochSecond(1_767_225_600L); // 2026-01-01T00:00:00Z
  static final String M = code("91330106MA27XKP9Q");
  static final String N = code("91110000MA01ABCD1");
  static final String T1 = "ct:48020000:898330160110021:A1B2c3d4";
  static final String[] TABLES = {
    "merchants", "payment_tools", "tool_bindings", "terminal_keys", "api_keys"
  };

  /** A clock that stands still until moved. */
  static final class StepClock extends Clock {
    volatile Instant now;

    StepClock(Instant start) {
      now = start;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }
  }

  @TempDir Path dir;

  private Store store;
  private StepClock clock;
  private Registry registry;
  private ApiKeys apiKeys;
  private GatewayHttpServer server;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  String op;
  String merchantM;
  String merchantN;
  String acquirer;
  String otherAcquirer;
  String wallet;

  abstract StoreConfig freshDatabase() throws Exception;

  static String code(String first17) {
    return first17 + CreditCode.checkCharacter(first17);
  }

  @BeforeEach
  void start() throws Exception {
    store = Store.open(freshDatabase());
    clock = new StepClock(T0);
    registry = Registry.on(store, clock);
    apiKeys = ApiKeys.on(store, clock);
    List<Route> routes = RegistryRoutes.routes(registry, apiKeys, Guard.of(apiKeys), clock);
    GatewayHttpServer.Builder b =
        GatewayHttpServer.builder(
            HttpServerConfig.builder().port(0).maxBodySize(64 * 1024).build());
    routes.forEach(b::route);
    server = b.build();
    server.start();
    registry.registerMerchant(M, "Tea House", "zh-CN", "Asia/Shanghai");
    registry.registerMerchant(N, "Noodles", "en-GB", "Asia/Shanghai");
    op = apiKeys.bootstrapOperator("root").orElseThrow().apiKey();
    merchantM = apiKeys.issue("shop-m", Role.MERCHANT, M, null).apiKey();
    merchantN = apiKeys.issue("shop-n", Role.MERCHANT, N, null).apiKey();
    acquirer = apiKeys.issue("bank-a", Role.ACQUIRER, null, "48020000").apiKey();
    otherAcquirer = apiKeys.issue("bank-b", Role.ACQUIRER, null, "11112222").apiKey();
    wallet = apiKeys.issue("wallet", Role.WALLET_PARTNER, null, null).apiKey();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  // ---------------------------------------------------------------- helpers

  HttpResponse<String> call(String method, String path, String key, String body) throws Exception {
    return call(method, path, key, "application/json", body == null ? null : utf8(body));
  }

  HttpResponse<String> call(String method, String path, String key, String type, byte[] body)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(20));
    if (key != null) {
      r.header("Authorization", "Bearer " + key);
    }
    if (type != null && body != null) {
      r.header("Content-Type", type);
    }
    r.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    return client.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static JsonObject json(HttpResponse<String> res) {
    return JsonParser.parseString(res.body()).getAsJsonObject();
  }

  static void assertProblem(HttpResponse<String> res, int status, String code) {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    assertThat(res.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(json(res).get("type").getAsString())
        .isEqualTo("https://fangxin.dev/problems/" + code);
  }

  static List<String> errorFields(HttpResponse<String> res) {
    List<String> out = new ArrayList<>();
    for (var e : json(res).getAsJsonArray("errors")) {
      out.add(e.getAsJsonObject().get("field").getAsString());
      assertThat(e.getAsJsonObject().get("message").getAsString()).isNotBlank();
    }
    return out;
  }

  /** Every row of every registry table, for "nothing changed" checks. */
  Map<String, List<List<Object>>> snapshot() throws Exception {
    Map<String, List<List<Object>>> out = new LinkedHashMap<>();
    try (Connection c = store.connection();
        Statement s = c.createStatement()) {
      for (String t : TABLES) {
        List<List<Object>> rows = new ArrayList<>();
        try (ResultSet r = s.executeQuery("SELECT * FROM " + t)) {
          ResultSetMetaData md = r.getMetaData();
          while (r.next()) {
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
              Object v = r.getObject(i);
              row.add(v instanceof byte[] ? HexFormat.of().formatHex((byte[]) v) : v);
            }
            rows.add(row);
          }
        }
        rows.sort((a, b) -> a.toString().compareTo(b.toString()));
        out.put(t, rows);
      }
    }
    return out;
  }

  void setUpT1BoundToMWithKey() {
    registry.registerTool(
        dev.fangxin.gateway.registry.PaymentTool.cardTerminal(
            dev.fangxin.core.id.InstitutionCode.of("48020000"),
            dev.fangxin.core.id.MerchantNumber.of("898330160110021"),
            dev.fangxin.core.id.TerminalId.of("A1B2c3d4")));
    registry.bind(T1, M, T0);
  }

  static String pemBody(String toolId, TerminalKeyPair key) {
    JsonObject o = new JsonObject();
    o.addProperty("tool_id", toolId);
    o.addProperty("public_key_pem", key.publicKey().toPem());
    return o.toString();
  }

  String csrPem(SignatureAlgorithm algorithm, String name) {
    TerminalIdentity id =
        TerminalIdentity.create(dir.resolve(name + ".p12"), "pw".toCharArray(), algorithm, name);
    return id.certificationRequestPem("CN=" + name + ",O=Tea House,C=CN");
  }

  static String csrBody(String toolId, String csr) {
    JsonObject o = new JsonObject();
    o.addProperty("tool_id", toolId);
    o.addProperty("csr_pem", csr);
    return o.toString();
  }

  // ---------------------------------------------------------------- happy paths

  @Test
  void merchantsAreCreatedAndReadWithTimesInBothForms() throws Exception {
    HttpResponse<String> res =
        call(
            "POST",
            "/v1/merchants",
            op,
            "{\"id\":\"X-HK-0001\",\"name\":\"Kowloon Tea\",\"locale\":\"zh-HK\","
                + "\"time_zone\":\"Asia/Hong_Kong\"}");
    assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
    assertThat(res.headers().firstValue("location")).hasValue("/v1/merchants/X-HK-0001");
    assertThat(res.headers().firstValue("content-type")).hasValue("application/json");
    JsonObject m = json(res);
    assertThat(m.get("id").getAsString()).isEqualTo("X-HK-0001");
    assertThat(m.get("locale").getAsString()).isEqualTo("zh-HK");
    assertThat(m.get("time_zone").getAsString()).isEqualTo("Asia/Hong_Kong");
    assertThat(m.get("created_at").getAsString()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(m.get("created_at_epoch").getAsLong()).isEqualTo(T0.getEpochSecond());

    HttpResponse<String> get = call("GET", "/v1/merchants/" + M, merchantM, null);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(json(get).get("name").getAsString()).isEqualTo("Tea House");
    assertThat(call("GET", "/v1/merchants/X-HK-0001", op, null).statusCode()).isEqualTo(200);
    // A lower-case credit code finds the same merchant.
    assertThat(call("GET", "/v1/merchants/" + M.toLowerCase(), op, null).statusCode())
        .isEqualTo(200);
  }

  @Test
  void toolsBindingsAndHistory() throws Exception {
    String terminal =
        "{\"kind\":\"card_terminal\",\"acquirer\":\"48020000\","
            + "\"merchant_number\":\"898330160110021\",\"terminal_id\":\"A1B2c3d4\"}";
    HttpResponse<String> created = call("POST", "/v1/tools", acquirer, terminal);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(json(created).get("id").getAsString()).isEqualTo(T1);
    assertThat(json(created).get("kind").getAsString()).isEqualTo("card_terminal");
    // Registering the same tool again is idempotent.
    assertThat(call("POST", "/v1/tools", op, terminal).statusCode()).isEqualTo(200);
    HttpResponse<String> code =
        call("POST", "/v1/tools", op, "{\"kind\":\"collection_code\",\"code_id\":\"hz-17\"}");
    assertThat(code.statusCode()).isEqualTo(201);
    assertThat(json(code).get("id").getAsString()).isEqualTo("cc:hz-17");

    HttpResponse<String> bound =
        call("POST", "/v1/tools/" + T1 + "/bindings", op, "{\"merchant_id\":\"" + M + "\"}");
    assertThat(bound.statusCode()).as(bound.body()).isEqualTo(201);
    assertThat(json(bound).get("valid_from").getAsString()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(json(bound).get("valid_to").isJsonNull()).isTrue();
    HttpResponse<String> moved =
        call(
            "POST",
            "/v1/tools/" + T1 + "/bindings",
            op,
            "{\"merchant_id\":\"" + N + "\",\"from\":\"2026-01-02T08:00:00+08:00\"}");
    assertThat(moved.statusCode()).isEqualTo(201);
    assertThat(json(moved).get("valid_from_epoch").getAsLong())
        .isEqualTo(T0.getEpochSecond() + 86_400);
    HttpResponse<String> closed =
        call(
            "POST",
            "/v1/tools/" + T1 + "/bindings/close",
            op,
            "{\"at\":" + (T0.getEpochSecond() + 2 * 86_400) + "}");
    assertThat(closed.statusCode()).as(closed.body()).isEqualTo(200);
    assertThat(json(closed).get("valid_to").getAsString()).isEqualTo("2026-01-03T00:00:00Z");

    JsonArray all =
        json(call("GET", "/v1/tools/" + T1 + "/bindings", op, null)).getAsJsonArray("bindings");
    assertThat(all).hasSize(2);
    assertThat(all.get(0).getAsJsonObject().get("valid_to").getAsString())
        .isEqualTo("2026-01-02T00:00:00Z");
    // A merchant sees only its own bindings of a tool it held.
    JsonArray mine =
        json(call("GET", "/v1/tools/" + T1 + "/bindings", merchantM, null))
            .getAsJsonArray("bindings");
    assertThat(mine).hasSize(1);
    assertThat(mine.get(0).getAsJsonObject().get("merchant_id").getAsString()).isEqualTo(M);
    assertThat(call("GET", "/v1/tools/" + T1, merchantM, null).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/v1/tools/cc:hz-17", merchantM, null).statusCode()).isEqualTo(404);
  }

  @Test
  void terminalKeysByPemAndByVerifiedCsrOfEveryAlgorithm() throws Exception {
    setUpT1BoundToMWithKey();
    TerminalKeyPair pair = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    HttpResponse<String> reg = call("POST", "/v1/terminal-keys", acquirer, pemBody(T1, pair));
    assertThat(reg.statusCode()).as(reg.body()).isEqualTo(201);
    String keyId = pair.publicKey().keyId().toHex();
    assertThat(json(reg).get("key_id").getAsString()).isEqualTo(keyId);
    assertThat(json(reg).get("revoked_at").isJsonNull()).isTrue();
    assertThat(reg.headers().firstValue("location")).hasValue("/v1/terminal-keys/" + keyId);
    // The same key for the same tool again: idempotent.
    assertThat(call("POST", "/v1/terminal-keys", op, pemBody(T1, pair)).statusCode())
        .isEqualTo(200);

    for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
      HttpResponse<String> csr =
          call("POST", "/v1/terminal-keys", op, csrBody(T1, csrPem(alg, "T-" + alg.label())));
      assertThat(csr.statusCode()).as(alg + " " + csr.body()).isEqualTo(201);
      assertThat(json(csr).get("algorithm").getAsString()).isEqualTo(alg.label());
      assertThat(json(csr).get("csr_subject").getAsString()).contains("CN=T-" + alg.label());
    }

    clock.now = T0.plusSeconds(500);
    HttpResponse<String> revoked =
        call("POST", "/v1/terminal-keys/" + keyId + "/revocation", acquirer, null);
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    assertThat(json(revoked).get("revoked_at_epoch").getAsLong())
        .isEqualTo(T0.getEpochSecond() + 500);
    HttpResponse<String> earlier =
        call(
            "POST",
            "/v1/terminal-keys/" + keyId + "/revocation",
            op,
            "{\"at\":\"2026-01-01T00:01:00Z\"}");
    assertThat(json(earlier).get("revoked_at_epoch").getAsLong())
        .isEqualTo(T0.getEpochSecond() + 60);
    HttpResponse<String> get = call("GET", "/v1/terminal-keys/" + keyId, merchantM, null);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(json(get).get("revoked_at").getAsString()).isEqualTo("2026-01-01T00:01:00Z");
    assertThat(json(get).get("public_key_pem").getAsString()).isEqualTo(pair.publicKey().toPem());
  }

  @Test
  void apiKeysAreIssuedListedAndRevokedOverHttp() throws Exception {
    HttpResponse<String> issued =
        call(
            "POST",
            "/v1/api-keys",
            op,
            "{\"client_id\":\"shop-m2\",\"role\":\"merchant\",\"merchant_id\":\"" + M + "\"}");
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
    String key = json(issued).get("api_key").getAsString();
    String keyId = json(issued).get("key_id").getAsString();
    assertThat(key).startsWith("fxk_" + keyId + "_");
    assertThat(call("GET", "/v1/merchants/" + M, key, null).statusCode()).isEqualTo(200);

    HttpResponse<String> list = call("GET", "/v1/api-keys?client_id=shop-m2", op, null);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).doesNotContain(key.substring(29));
    assertThat(json(list).getAsJsonArray("keys")).hasSize(1);
    assertThat(json(list).getAsJsonArray("keys").get(0).getAsJsonObject().get("role").getAsString())
        .isEqualTo("merchant");

    HttpResponse<String> revoked = call("POST", "/v1/api-keys/" + keyId + "/revocation", op, "{}");
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    HttpResponse<String> after = call("GET", "/v1/merchants/" + M, key, null);
    assertProblem(after, 401, "auth.invalid_credentials");
    assertThat(after.headers().firstValue("www-authenticate")).hasValue("Bearer");
  }

  // ---------------------------------------------------------------- roles

  private record Case(String method, String path, String body, Map<String, Integer> expected) {}

  @Test
  void everyRouteAgainstEveryRole() throws Exception {
    setUpT1BoundToMWithKey();
    TerminalKeyPair k = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    registry.registerKey(k.publicKey(), T1, T0);
    String kid = k.publicKey().keyId().toHex();
    IssuedKey spare = apiKeys.issue("spare", Role.WALLET_PARTNER, null, null);
    Map<String, String> callers = new LinkedHashMap<>();
    callers.put("none", null);
    callers.put("operator", op);
    callers.put("merchant", merchantM);
    callers.put("acquirer", acquirer);
    callers.put("wallet_partner", wallet);
    int[] n = {0};
    List<java.util.function.Supplier<Case>> cases =
        List.of(
            () ->
                new Case(
                    "POST",
                    "/v1/merchants",
                    "{\"id\":\"X-R"
                        + (++n[0])
                        + "\",\"name\":\"n\",\"locale\":\"en\","
                        + "\"time_zone\":\"UTC\"}",
                    expect(201, 403, 403, 403)),
            () -> new Case("GET", "/v1/merchants/" + M, null, expect(200, 200, 403, 403)),
            () ->
                new Case(
                    "POST",
                    "/v1/tools",
                    "{\"kind\":\"card_terminal\",\"acquirer\":\"48020000\","
                        + "\"merchant_number\":\"898330160110021\",\"terminal_id\":\""
                        + String.format("R%07d", ++n[0])
                        + "\"}",
                    expect(201, 403, 201, 403)),
            () -> new Case("GET", "/v1/tools/" + T1, null, expect(200, 200, 200, 403)),
            () ->
                new Case(
                    "POST",
                    "/v1/tools/" + T1 + "/bindings",
                    "{\"merchant_id\":\""
                        + M
                        + "\",\"from\":"
                        + (T0.getEpochSecond() + 10 * (++n[0]))
                        + "}",
                    expect(201, 403, 403, 403)),
            () ->
                new Case(
                    "POST",
                    "/v1/tools/" + T1 + "/bindings/close",
                    "{\"at\":" + (T0.getEpochSecond() + 10 * (++n[0])) + "}",
                    expect(200, 403, 403, 403)),
            () ->
                new Case("GET", "/v1/tools/" + T1 + "/bindings", null, expect(200, 200, 200, 403)),
            () ->
                new Case(
                    "POST",
                    "/v1/terminal-keys",
                    pemBody(T1, TerminalKeyPair.generate(SignatureAlgorithm.ECDSA_P256_SHA256)),
                    expect(201, 403, 201, 403)),
            () -> new Case("GET", "/v1/terminal-keys/" + kid, null, expect(200, 200, 200, 403)),
            () ->
                new Case(
                    "POST",
                    "/v1/terminal-keys/" + kid + "/revocation",
                    "{\"at\":" + (T0.getEpochSecond() + 100_000 - (++n[0])) + "}",
                    expect(200, 403, 200, 403)),
            () ->
                new Case(
                    "POST",
                    "/v1/api-keys",
                    "{\"client_id\":\"c" + (++n[0]) + "\",\"role\":\"wallet_partner\"}",
                    expect(201, 403, 403, 403)),
            () -> new Case("GET", "/v1/api-keys?client_id=spare", null, expect(200, 403, 403, 403)),
            () ->
                new Case(
                    "POST",
                    "/v1/api-keys/" + spare.info().keyId() + "/revocation",
                    "{\"at\":" + (T0.getEpochSecond() + 100_000 - (++n[0])) + "}",
                    expect(200, 403, 403, 403)));
    assertThat(cases)
        .hasSize(RegistryRoutes.routes(registry, apiKeys, Guard.of(apiKeys), clock).size());
    for (var make : cases) {
      for (var caller : callers.entrySet()) {
        Case c = make.get();
        Map<String, List<List<Object>>> before = snapshot();
        HttpResponse<String> res = call(c.method, c.path, caller.getValue(), c.body);
        int want = c.expected.get(caller.getKey());
        assertThat(res.statusCode())
            .as(caller.getKey() + " " + c.method + " " + c.path + " -> " + res.body())
            .isEqualTo(want);
        if (want == 401) {
          assertProblem(res, 401, "auth.missing_credentials");
          assertThat(res.headers().firstValue("www-authenticate")).hasValue("Bearer");
        } else if (want == 403) {
          assertProblem(res, 403, "auth.forbidden");
        }
        if (want >= 400 || c.method.equals("GET")) {
          assertThat(snapshot()).as(caller.getKey() + " " + c.path).isEqualTo(before);
        }
      }
    }
  }

  private static Map<String, Integer> expect(int operator, int merchant, int acquirer, int wallet) {
    return Map.of(
        "none", 401,
        "operator", operator,
        "merchant", merchant,
        "acquirer", acquirer,
        "wallet_partner", wallet);
  }

  @Test
  void clientsNeverSeeWhatIsNotTheirs() throws Exception {
    setUpT1BoundToMWithKey();
    TerminalKeyPair k = TerminalKeyPair.generate(SignatureAlgorithm.SM2_SM3);
    registry.registerKey(k.publicKey(), T1, T0);
    String kid = k.publicKey().keyId().toHex();
    Map<String, List<List<Object>>> before = snapshot();
    assertProblem(
        call("GET", "/v1/merchants/" + M, merchantN, null), 404, "registry.unknown_merchant");
    assertProblem(
        call("GET", "/v1/merchants/X-NONE", merchantN, null), 404, "registry.unknown_merchant");
    assertProblem(call("GET", "/v1/tools/" + T1, merchantN, null), 404, "registry.unknown_tool");
    assertProblem(
        call("GET", "/v1/tools/" + T1 + "/bindings", merchantN, null),
        404,
        "registry.unknown_tool");
    assertProblem(
        call("GET", "/v1/terminal-keys/" + kid, merchantN, null), 404, "registry.unknown_key");
    assertProblem(
        call("GET", "/v1/tools/" + T1, otherAcquirer, null), 404, "registry.unknown_tool");
    assertProblem(
        call("GET", "/v1/terminal-keys/" + kid, otherAcquirer, null), 404, "registry.unknown_key");
    assertProblem(
        call("POST", "/v1/terminal-keys/" + kid + "/revocation", otherAcquirer, null),
        404,
        "registry.unknown_key");
    assertProblem(
        call(
            "POST",
            "/v1/terminal-keys",
            otherAcquirer,
            pemBody(T1, TerminalKeyPair.generate(SignatureAlgorithm.ED25519))),
        404,
        "registry.unknown_tool");
    assertProblem(
        call(
            "POST",
            "/v1/tools",
            otherAcquirer,
            "{\"kind\":\"card_terminal\",\"acquirer\":\"48020000\","
                + "\"merchant_number\":\"898330160110021\",\"terminal_id\":\"ZZ000000\"}"),
        403,
        "auth.forbidden");
    assertProblem(
        call("POST", "/v1/tools", acquirer, "{\"kind\":\"collection_code\",\"code_id\":\"q\"}"),
        403,
        "auth.forbidden");
    assertThat(snapshot()).isEqualTo(before);
  }

  // ---------------------------------------------------------------- bad input

  @Test
  void malformedBodiesAreRefusedAndChangeNothing() throws Exception {
    String good = "{\"id\":\"X-A\",\"name\":\"n\",\"locale\":\"en\",\"time_zone\":\"UTC\"}";
    Map<String, List<List<Object>>> before = snapshot();
    Object[][] cases = {
      {"application/json", "{", 400, "request.malformed_json"},
      {"application/json", "", 400, "request.malformed_json"},
      {"application/json", "[]", 400, "request.malformed_json"},
      {"application/json", "\"x\"", 400, "request.malformed_json"},
      {"application/json", "null", 400, "request.malformed_json"},
      {"application/json", good + "{}", 400, "request.malformed_json"},
      {"application/json", "{'id':'X-A'}", 400, "request.malformed_json"},
      {"application/json", "{\"id\":\"X-A\",}", 400, "request.malformed_json"},
      {"application/json", "{\"id\":NaN}", 400, "request.malformed_json"},
      {
        "application/json",
        "{\"id\":\"X-A\",\"id\":\"X-B\",\"name\":\"n\",\"locale\":\"en\",\"time_zone\":\"UTC\"}",
        400,
        "request.malformed_json"
      },
      {
        "application/json",
        "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}",
        400,
        "request.malformed_json"
      },
      {"text/plain", good, 415, "request.unsupported_media_type"},
      {"application/x-www-form-urlencoded", "id=X-A", 415, "request.unsupported_media_type"},
      {"application/json; charset=latin1", good, 415, "request.unsupported_media_type"},
    };
    for (Object[] c : cases) {
      HttpResponse<String> res =
          call("POST", "/v1/merchants", op, (String) c[0], utf8((String) c[1]));
      assertProblem(res, (Integer) c[2], (String) c[3]);
    }
    // No content type at all.
    assertProblem(
        call("POST", "/v1/merchants", op, null, utf8(good)), 415, "request.unsupported_media_type");
    // Not UTF-8.
    assertProblem(
        call(
            "POST",
            "/v1/merchants",
            op,
            "application/json",
            new byte[] {'{', '"', 'i', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}),
        400,
        "request.malformed_json");
    // Over the server's body limit.
    String huge = "{\"id\":\"X-A\",\"name\":\"" + "a".repeat(70_000) + "\"}";
    assertProblem(call("POST", "/v1/merchants", op, huge), 413, "http.payload_too_large");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void unknownFieldsWrongTypesAndInvalidValuesAreNamed() throws Exception {
    Map<String, List<List<Object>>> before = snapshot();
    HttpResponse<String> unknown =
        call(
            "POST",
            "/v1/merchants",
            op,
            "{\"id\":\"X-A\",\"name\":\"n\",\"locale\":\"en\",\"time_zone\":\"UTC\","
                + "\"admin\":true,\"<x>\":1}");
    assertProblem(unknown, 422, "request.invalid_fields");
    assertThat(errorFields(unknown)).containsExactlyInAnyOrder("admin", "<x>");

    HttpResponse<String> types =
        call(
            "POST",
            "/v1/merchants",
            op,
            "{\"id\":5,\"name\":[\"n\"],\"locale\":{},\"time_zone\":null}");
    assertProblem(types, 422, "request.invalid_fields");
    assertThat(errorFields(types)).containsExactly("id", "name", "locale", "time_zone");

    HttpResponse<String> values =
        call(
            "POST",
            "/v1/merchants",
            op,
            "{\"id\":\"91330106MA27XKP9Q0\",\"name\":\""
                + "n".repeat(201)
                + "\","
                + "\"locale\":\"not a tag!\",\"time_zone\":\"Mars/Olympus\"}");
    assertProblem(values, 422, "request.invalid_fields");
    assertThat(errorFields(values)).containsExactly("id", "name", "locale", "time_zone");

    HttpResponse<String> control =
        call(
            "POST",
            "/v1/merchants",
            op,
            "{\"id\":\"X-A\",\"name\":\"a\\u0007b\",\"locale\":\"en\",\"time_zone\":\"UTC\"}");
    assertThat(errorFields(control)).containsExactly("name");
    // NUL is refused by the parser itself, in any string: PostgreSQL cannot store it.
    assertProblem(
        call(
            "POST",
            "/v1/merchants",
            op,
            "{\"id\":\"X-A\",\"name\":\"a\\u0000b\",\"locale\":\"en\",\"time_zone\":\"UTC\"}"),
        400,
        "request.malformed_json");

    setUpT1BoundToMWithKey();
    Map<String, List<List<Object>>> withTool = snapshot();
    Object[][] cases = {
      {"/v1/tools", "{\"kind\":\"boat\"}", List.of("kind")},
      {"/v1/tools", "{}", List.of("kind")},
      {
        "/v1/tools",
        "{\"kind\":\"card_terminal\",\"acquirer\":\"4802x\",\"merchant_number\":7,\"terminal_id\":\"\",\"code_id\":\"a\"}",
        List.of("acquirer", "merchant_number", "terminal_id", "code_id")
      },
      {
        "/v1/tools",
        "{\"kind\":\"collection_code\",\"code_id\":\"a b\",\"acquirer\":\"1\"}",
        List.of("acquirer", "code_id")
      },
      {
        "/v1/tools/" + T1 + "/bindings",
        "{\"merchant_id\":\"" + N + "\",\"from\":\"yesterday\"}",
        List.of("from")
      },
      {
        "/v1/tools/" + T1 + "/bindings",
        "{\"merchant_id\":\"" + N + "\",\"from\":true}",
        List.of("from")
      },
      {
        "/v1/tools/" + T1 + "/bindings",
        "{\"merchant_id\":\"" + N + "\",\"from\":1.5}",
        List.of("from")
      },
      {
        "/v1/tools/" + T1 + "/bindings",
        "{\"merchant_id\":\"" + N + "\",\"from\":-1}",
        List.of("from")
      },
      {
        "/v1/tools/" + T1 + "/bindings",
        "{\"from\":\"2026-01-01T00:00:00\"}",
        List.of("merchant_id", "from")
      },
      {"/v1/tools/" + T1 + "/bindings/close", "{\"at\":\"2026-13-01T00:00:00Z\"}", List.of("at")},
      {"/v1/terminal-keys", "{\"tool_id\":\"" + T1 + "\"}", List.of("public_key_pem")},
      {
        "/v1/terminal-keys",
        "{\"tool_id\":\"" + T1 + "\",\"public_key_pem\":\"x\",\"csr_pem\":\"y\"}",
        List.of("csr_pem")
      },
      {
        "/v1/terminal-keys",
        "{\"tool_id\":\""
            + T1
            + "\",\"public_key_pem\":\"-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----\\n\"}",
        List.of("public_key_pem")
      },
      {
        "/v1/terminal-keys",
        "{\"tool_id\":\""
            + T1
            + "\",\"csr_pem\":\"-----BEGIN CERTIFICATE REQUEST-----\\nMAA=\\n-----END CERTIFICATE REQUEST-----\\n\"}",
        List.of("csr_pem")
      },
      {"/v1/api-keys", "{\"client_id\":\"c\",\"role\":\"admin\"}", List.of("role")},
      {"/v1/api-keys", "{\"client_id\":\"c\",\"role\":\"merchant\"}", List.of("merchant_id")},
      {"/v1/api-keys", "{\"client_id\":\"c d\",\"role\":\"operator\"}", List.of("client_id")},
      {
        "/v1/api-keys",
        "{\"client_id\":\"c\",\"role\":\"acquirer\",\"institution_code\":\"12ab\"}",
        List.of("institution_code")
      },
      {
        "/v1/api-keys",
        "{\"client_id\":\"c\",\"role\":\"operator\",\"merchant_id\":\"" + M + "\"}",
        List.of("merchant_id")
      },
    };
    for (Object[] c : cases) {
      HttpResponse<String> res = call("POST", (String) c[0], op, (String) c[1]);
      assertProblem(res, 422, "request.invalid_fields");
      @SuppressWarnings("unchecked")
      List<String> fields = (List<String>) c[2];
      assertThat(errorFields(res)).as((String) c[1]).containsExactlyInAnyOrderElementsOf(fields);
    }
    assertThat(snapshot()).isEqualTo(withTool);
    assertThat(before.get("merchants")).hasSize(2);
  }

  @Test
  void tamperedCsrIsRefused() throws Exception {
    setUpT1BoundToMWithKey();
    String csr = csrPem(SignatureAlgorithm.ECDSA_P256_SHA256, "T0001");
    byte[] der = Pem.decode("CERTIFICATE REQUEST", csr);
    byte[] cn = utf8("T0001");
    int at = indexOf(der, cn);
    assertThat(at).isPositive();
    der[at + 4] = '2';
    String tampered = Pem.encode("CERTIFICATE REQUEST", der);
    Map<String, List<List<Object>>> before = snapshot();
    HttpResponse<String> res = call("POST", "/v1/terminal-keys", op, csrBody(T1, tampered));
    assertProblem(res, 422, "request.invalid_fields");
    assertThat(errorFields(res)).containsExactly("csr_pem");
    assertThat(json(res).getAsJsonArray("errors").toString()).contains("does not verify");
    assertThat(snapshot()).isEqualTo(before);
    // The untampered request is accepted.
    assertThat(call("POST", "/v1/terminal-keys", op, csrBody(T1, csr)).statusCode()).isEqualTo(201);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void conflictsAndUnknownIdsChangeNothing() throws Exception {
    setUpT1BoundToMWithKey();
    TerminalKeyPair k = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    registry.registerKey(k.publicKey(), T1, T0);
    registry.registerTool(dev.fangxin.gateway.registry.PaymentTool.collectionCode("q1"));
    Map<String, List<List<Object>>> before = snapshot();
    assertProblem(
        call(
            "POST",
            "/v1/merchants",
            op,
            "{\"id\":\""
                + M.toLowerCase()
                + "\",\"name\":\"again\",\"locale\":\"en\",\"time_zone\":\"UTC\"}"),
        409,
        "registry.duplicate");
    assertProblem(
        call(
            "POST",
            "/v1/tools/" + T1 + "/bindings",
            op,
            "{\"merchant_id\":\"" + N + "\",\"from\":" + T0.getEpochSecond() + "}"),
        409,
        "registry.bad_interval");
    assertProblem(
        call("POST", "/v1/tools/cc:q1/bindings/close", op, "{}"), 409, "registry.not_bound");
    assertProblem(
        call(
            "POST",
            "/v1/tools/" + T1 + "/bindings/close",
            op,
            "{\"at\":" + (T0.getEpochSecond() - 5) + "}"),
        409,
        "registry.bad_interval");
    assertProblem(
        call("POST", "/v1/terminal-keys", op, pemBody("cc:q1", k)), 409, "registry.duplicate");
    assertProblem(
        call(
            "POST",
            "/v1/terminal-keys/" + k.publicKey().keyId().toHex() + "/revocation",
            op,
            "{\"at\":" + (T0.getEpochSecond() - 1) + "}"),
        409,
        "registry.bad_interval");
    assertProblem(
        call("POST", "/v1/tools/" + T1 + "/bindings", op, "{\"merchant_id\":\"X-NOBODY\"}"),
        404,
        "registry.unknown_merchant");
    assertProblem(
        call("POST", "/v1/tools/cc:nope/bindings", op, "{\"merchant_id\":\"" + M + "\"}"),
        404,
        "registry.unknown_tool");
    assertProblem(call("GET", "/v1/tools/cc:nope", op, null), 404, "registry.unknown_tool");
    assertProblem(
        call("GET", "/v1/tools/cc:nope/bindings", op, null), 404, "registry.unknown_tool");
    assertProblem(
        call(
            "POST",
            "/v1/terminal-keys",
            op,
            pemBody("cc:nope", TerminalKeyPair.generate(SignatureAlgorithm.ED25519))),
        404,
        "registry.unknown_tool");
    assertProblem(
        call("GET", "/v1/terminal-keys/00112233aabbccdd", op, null), 404, "registry.unknown_key");
    assertProblem(call("GET", "/v1/terminal-keys/not-hex", op, null), 404, "registry.unknown_key");
    assertProblem(
        call("POST", "/v1/terminal-keys/00112233aabbccdd/revocation", op, null),
        404,
        "registry.unknown_key");
    assertProblem(
        call("POST", "/v1/api-keys/" + "0".repeat(24) + "/revocation", op, null),
        404,
        "api_key.unknown_key");
    assertProblem(
        call(
            "POST",
            "/v1/api-keys",
            op,
            "{\"client_id\":\"c\",\"role\":\"merchant\",\"merchant_id\":\"X-NOBODY\"}"),
        404,
        "api_key.unknown_merchant");
    assertProblem(call("GET", "/v1/api-keys", op, null), 422, "request.invalid_fields");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void metacharactersAreStoredVerbatimAndReturnedEscaped() throws Exception {
    String name = "Robert'); DROP TABLE merchants;-- <script>alert(\"x\")</script> & \\ 茶 ü";
    JsonObject body = new JsonObject();
    body.addProperty("id", "X-META");
    body.addProperty("name", name);
    body.addProperty("locale", "zh-CN");
    body.addProperty("time_zone", "Asia/Shanghai");
    HttpResponse<String> res = call("POST", "/v1/merchants", op, body.toString());
    assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
    HttpResponse<String> get = call("GET", "/v1/merchants/X-META", op, null);
    for (HttpResponse<String> r : List.of(res, get)) {
      assertThat(r.body()).doesNotContain("<script>").doesNotContain("</script>");
      assertThat(r.body()).contains("\\u003cscript\\u003e");
      assertThat(json(r).get("name").getAsString()).isEqualTo(name);
    }
    assertThat(registry.merchant("X-META").orElseThrow().name()).isEqualTo(name);
    assertThat(snapshot().get("merchants")).hasSize(3);
  }
}
