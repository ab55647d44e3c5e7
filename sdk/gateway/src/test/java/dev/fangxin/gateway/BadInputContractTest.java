package dev.fangxin.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.fangxin.core.id.CreditCode;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.link.DisputeLink;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.token.DisputeClaim;
import dev.fangxin.core.token.DisputeToken;
import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.gateway.auth.ApiKeys;
import dev.fangxin.gateway.auth.IssuedKey;
import dev.fangxin.gateway.auth.Role;
import dev.fangxin.gateway.cases.MutableClock;
import dev.fangxin.gateway.clearing.Acquirers;
import dev.fangxin.gateway.clearing.HookSignature;
import dev.fangxin.gateway.config.GatewayConfig;
import dev.fangxin.gateway.endpoint.Endpoints;
import dev.fangxin.gateway.http.Route;
import dev.fangxin.gateway.registry.PaymentTool;
import dev.fangxin.gateway.registry.Registry;
import dev.fangxin.gateway.testing.MockMerchant;
import dev.fangxin.gateway.testing.StoreSnapshot;
import dev.fangxin.protocol.v1.TransactionType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The issue's bad-input acceptance suite against the integrated gateway ({@link
 * DisputeServices#start}): for every route the gateway serves, a table of bad requests — missing,
 * empty, malformed and wrongly shaped bodies, unknown members, wrong types per field, oversize
 * bodies, wrong media types, garbage protobuf, metacharacters in every string field and path
 * parameter, missing, malformed, unknown and revoked API keys, wrong roles, another merchant's key,
 * wrong consumer secrets, and unknown, forged, altered, revoked, truncated and non-base32 tokens.
 * Each must be answered with the expected 4xx as {@code application/problem+json} with {@code
 * type}, {@code title}, {@code status} and {@code detail}, and every row of every table must be
 * byte-identical afterwards. Then a seeded fuzz of valid requests per route: never a 5xx, and
 * nothing stored changes on a 4xx. Requests go over raw loopback sockets, so every byte is ours.
 *
 * <p>One gateway per class (subclasses choose the store); the clock stands still, so deadline
 * timers and delivery retries never fire by themselves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BadInputContractTest {
  static final Instant T0 = Instant.ofEpochSecond(1_767_225_600L); // 2026-01-01T00:00:00Z
  static final String M = creditCode("91330106MA27XKP9Q");
  static final String N = creditCode("91110000MA01ABCD1");
  static final PaymentTool T1 =
      PaymentTool.cardTerminal(
          InstitutionCode.of("48020000"),
          MerchantNumber.of("898330160110021"),
          TerminalId.of("A1B2C3D4"));
  static final PaymentTool T3 = PaymentTool.collectionCode("spare-code");
  static final PaymentTool T4 = PaymentTool.collectionCode("switch-from");
  static final PaymentTool T5 = PaymentTool.collectionCode("switch-to");
  static final String HOOK_ACQUIRER = "48020000";
  static final String SPARE_ACQUIRER = "48990000";
  static final int MAX_BODY = 65_536;

  /** Metacharacter strings sent in every string field, path parameter and credential. */
  static final List<String> METACHARACTERS =
      List.of(
          "'; DROP TABLE cases;--",
          "<script>alert(1)</script>",
          "a\u0000b",
          "\u202Egnp.exe",
          "x".repeat(10_000));

  final MutableClock clock = new MutableClock(T0);
  Gateway gateway;
  MockMerchant shop;
  MockMerchant regulator;
  Registry registry;
  ApiKeys apiKeys;
  TerminalKeyPair k1;
  TerminalKeyPair revokedKey;
  String op;
  String merchantM;
  String merchantN;
  String wallet;
  String acquirer;
  String revokedM;
  String spareApiKeyId;
  String spareTerminalKeyId;
  String k1Id;
  String caseId;
  String caseSecret;
  String goodToken;
  String freshToken;
  String hookSecret;
  int acquirerSerial = 100;
  long sequence = 1;
  Map<String, List<String>> baseline;
  final List<String> failures = new ArrayList<>();
  final Map<String, Integer> casesPerRoute = new TreeMap<>();

  /** Settings (as flags) naming a fresh store. */
  abstract Map<String, String> storeSettings() throws Exception;

  /** Mutations per route in {@link #fuzzNeverAnswers5xxAndRefusalsChangeNothing}. */
  abstract int fuzzMutations();

  static String creditCode(String first17) {
    return first17 + CreditCode.checkCharacter(first17);
  }

  @BeforeAll
  void startGateway() throws Exception {
    Map<String, String> flags = new HashMap<>(storeSettings());
    flags.put("http.port", "0");
    flags.put("http.read-timeout", "1s");
    flags.put("http.max-body-size", Integer.toString(MAX_BODY));
    flags.put("http.worker-threads", "4");
    // Every webhook is delivered at the first attempt (the merchant's and the regulator's sinks
    // accept whatever verifies), so background work ends and stored data stays still.
    WebhookSecret regulatorSecret = WebhookSecret.generate();
    regulator = MockMerchant.builder().trust(regulatorSecret).clock(clock).start();
    flags.put("regulator.url", regulator.url().toString());
    gateway =
        DisputeServices.start(
            GatewayConfig.load(
                flags, Map.of("FANGXIN_REGULATOR_SECRET", regulatorSecret.encoded())),
            clock);
    registry = Registry.on(gateway.store(), clock);
    apiKeys = ApiKeys.on(gateway.store(), clock);
    registry.registerMerchant(M, "杭州西湖茶庄有限公司", "zh-CN", "Asia/Shanghai");
    registry.registerMerchant(N, "Beijing Noodles", "en-GB", "Asia/Shanghai");
    registry.registerTool(T1);
    registry.bind(T1.id(), M, T0.minus(Duration.ofDays(30)));
    registry.registerTool(T3);
    registry.bind(T3.id(), M, T0.minus(Duration.ofDays(30)));
    registry.registerTool(T4);
    registry.bind(T4.id(), M, T0.minus(Duration.ofDays(30)));
    registry.registerTool(T5);
    Acquirers acquirers = Acquirers.on(gateway.store(), clock);
    hookSecret =
        acquirers
            .register(InstitutionCode.of(HOOK_ACQUIRER), "Hook bank", Optional.empty())
            .secret();
    acquirers.register(InstitutionCode.of(SPARE_ACQUIRER), "Spare bank", Optional.empty());
    k1 = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    registry.registerKey(k1.publicKey(), T1.id(), T0.minus(Duration.ofDays(30)));
    k1Id = k1.publicKey().keyId().toHex();
    revokedKey = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    registry.registerKey(revokedKey.publicKey(), T1.id(), T0.minus(Duration.ofDays(30)));
    registry.revokeKey(revokedKey.publicKey().keyId(), T0.minus(Duration.ofDays(5)));
    TerminalKeyPair spare = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    registry.registerKey(spare.publicKey(), T1.id(), T0.minus(Duration.ofDays(30)));
    spareTerminalKeyId = spare.publicKey().keyId().toHex();
    op = apiKeys.issue("ops", Role.OPERATOR, null, null).apiKey();
    merchantM = apiKeys.issue("shop-m", Role.MERCHANT, M, null).apiKey();
    merchantN = apiKeys.issue("shop-n", Role.MERCHANT, N, null).apiKey();
    wallet = apiKeys.issue("wallet", Role.WALLET_PARTNER, null, null).apiKey();
    acquirer = apiKeys.issue("acq", Role.ACQUIRER, null, "48020000").apiKey();
    IssuedKey old = apiKeys.issue("shop-m-old", Role.MERCHANT, M, null);
    apiKeys.revoke(old.info().keyId(), T0);
    revokedM = old.apiKey();
    spareApiKeyId = apiKeys.issue("spare", Role.WALLET_PARTNER, null, null).info().keyId();
    Endpoints endpoints = Endpoints.on(gateway.store(), clock);
    WebhookSecret secret =
        endpoints
            .put(M, "http://127.0.0.1:9/hooks", Endpoints.V1a.DISABLE)
            .newSecret()
            .orElseThrow();
    shop = MockMerchant.builder().trust(secret).clock(clock).start();
    restoreEndpoint();
    goodToken = token(k1, T0.minus(Duration.ofDays(1)));
    Response pushed = send(signedBatch(validBatch()));
    assertThat(pushed.status).as(pushed.body()).isEqualTo(201);
    Response filed = send(request("POST", "/v1/complaints").json(complaint(goodToken)));
    assertThat(filed.status).as(filed.body()).isEqualTo(201);
    caseId = filed.json().get("case_id").getAsString();
    caseSecret = filed.json().get("access_secret").getAsString();
    freshToken = token(k1, T0.minus(Duration.ofHours(2)));
    settle();
  }

  @AfterAll
  void stopGateway() {
    if (gateway != null) {
      gateway.close();
    }
    if (shop != null) {
      shop.close();
    }
    if (regulator != null) {
      regulator.close();
    }
  }

  /** After an accepted request: undo a moved endpoint, wait for background work, re-baseline. */
  void accepted(RouteCase route) throws Exception {
    if (route.method().equals("PUT") || route.pattern().endsWith("/tool-switches")) {
      restoreEndpoint();
    }
    settle();
  }

  /** Points M's endpoint back at the mock merchant (after a fuzzed PUT moved it). */
  void restoreEndpoint() {
    Endpoints.on(gateway.store(), clock).put(M, shop.url().toString(), Endpoints.V1a.KEEP);
  }

  String token(TerminalKeyPair key, Instant paidAt) {
    DisputeClaim claim =
        DisputeClaim.of(
            TransactionType.TRANSACTION_TYPE_SALE,
            key.keyId(),
            sequence++,
            paidAt,
            Money.of(1250, Money.CNY));
    return DisputeLink.encodeToken(DisputeToken.sign(claim, key));
  }

  /** The push hook's valid JSON batch: one POS record of {@link #HOOK_ACQUIRER}. */
  static JsonObject validBatch() {
    JsonObject trace = new JsonObject();
    trace.addProperty("acquirer_institution", HOOK_ACQUIRER);
    trace.addProperty("forwarding_institution", "00010344");
    trace.addProperty("stan", "000042");
    trace.addProperty("transmission_time", "0101083000");
    trace.addProperty("settlement_date", "0101");
    trace.addProperty("settlement_year", 2026);
    trace.addProperty("rrn", "600100000042");
    JsonObject amount = new JsonObject();
    amount.addProperty("minor_units", "1250");
    amount.addProperty("currency", 156);
    JsonObject record = new JsonObject();
    record.add("trace", trace);
    record.addProperty("merchant_number", T1.merchantNumber().orElseThrow().value());
    record.addProperty("terminal_id", T1.terminalId().orElseThrow().value());
    record.add("amount", amount);
    record.addProperty("transaction_time", "1767222000");
    record.addProperty("tool_type", "TOOL_TYPE_POS_TERMINAL");
    JsonArray records = new JsonArray();
    records.add(record);
    JsonObject batch = new JsonObject();
    batch.addProperty("batch_id", "bad-input-1");
    batch.addProperty("acquirer_institution", HOOK_ACQUIRER);
    batch.add("records", records);
    return batch;
  }

  /** {@code batch} as a request signed (when sent) by the hook acquirer. */
  Req signedBatch(JsonObject batch) {
    Req r = request("POST", "/v1/clearing/batches").json(batch);
    r.signWith = hookSecret;
    return r;
  }

  static JsonObject complaint(String token) {
    JsonObject o = new JsonObject();
    o.addProperty("receipt_token", token);
    o.addProperty("category", "quality");
    o.addProperty("desired_outcome", "refund_money");
    o.addProperty("description", "The tea was stale.");
    JsonObject contact = new JsonObject();
    contact.addProperty("phone", "13800138000");
    contact.addProperty("name", "Li");
    o.add("contact", contact);
    return o;
  }

  // ------------------------------------------------------------------ the route table

  /** Who a route's valid request authenticates as. */
  enum Auth {
    NONE,
    OPERATOR,
    MERCHANT,
    CONSUMER,
    /** Signed with the acquirer's HMAC secret (the clearing push hook). */
    SIGNED
  }

  /** Which problem vocabulary a route's body errors use. */
  enum Family {
    BUILTIN(null, null, null, 0),
    REGISTRY(
        "request.malformed_json", "request.unsupported_media_type", "request.invalid_fields", 422),
    ENDPOINT(
        "endpoint.invalid_body", "endpoint.unsupported_media_type", "endpoint.invalid_body", 400),
    INTAKE("intake.malformed_body", "intake.unsupported_media_type", "intake.invalid_field", 422),
    CASES("case.malformed_body", "case.unsupported_media_type", "case.invalid_field", 422),
    /**
     * The push hook: the proto3 JSON mapping refuses unknown members and most wrong types as a
     * malformed body (400); what parses but is not a valid batch is 422 {@code
     * clearing.invalid_records}.
     */
    CLEARING("clearing.malformed_body", "clearing.unsupported_media_type", null, 0);

    final String malformed;
    final String mediaType;
    final String invalid;
    final int invalidStatus;

    Family(String malformed, String mediaType, String invalid, int invalidStatus) {
      this.malformed = malformed;
      this.mediaType = mediaType;
      this.invalid = invalid;
      this.invalidStatus = invalidStatus;
    }

    /** A duplicate member: registry and endpoint call it malformed, intake and cases a field. */
    Expect duplicate() {
      return this == REGISTRY || this == ENDPOINT || this == CLEARING
          ? Expect.of(400, malformed)
          : invalidField();
    }

    Expect invalidField() {
      return this == CLEARING
          ? new Expect(Set.of(400, 422), null)
          : Expect.of(invalidStatus, invalid);
    }
  }

  /** Whether a route takes a JSON body. */
  enum Body {
    NONE,
    REQUIRED,
    OPTIONAL
  }

  /** An expected refusal: one of the statuses, and the code when known. */
  record Expect(Set<Integer> statuses, String code) {
    static Expect of(int status, String code) {
      return new Expect(Set.of(status), code);
    }

    static Expect any4xx() {
      return new Expect(Set.of(), null);
    }
  }

  /**
   * One route: its pattern, the path of a valid request, how the valid request authenticates, its
   * body, and what a caller with the wrong role and another merchant get.
   */
  record RouteCase(
      String method,
      String pattern,
      Supplier<String> path,
      Auth auth,
      Family family,
      Body body,
      Supplier<JsonObject> validBody,
      Set<String> numericStringFields,
      Expect wrongRole,
      Expect otherMerchant) {
    String key() {
      return method + " " + pattern;
    }
  }

  static final Expect FORBIDDEN = Expect.of(403, "auth.forbidden");

  List<RouteCase> table() {
    Expect unknownMerchant = Expect.of(404, "registry.unknown_merchant");
    Expect unknownTool = Expect.of(404, "registry.unknown_tool");
    Expect caseNotFound = Expect.of(404, "case.not_found");
    Expect endpointUnknown = Expect.of(404, "endpoint.unknown_merchant");
    String tool = T1.id();
    String spareTool = T3.id();
    List<RouteCase> t = new ArrayList<>();
    t.add(builtin("/healthz"));
    t.add(builtin("/readyz"));
    t.add(builtin("/metrics"));
    t.add(
        registry(
            "POST",
            "/v1/merchants",
            () -> "/v1/merchants",
            Auth.OPERATOR,
            Body.REQUIRED,
            () ->
                obj(
                    "id",
                    "X-FUZZ-" + (sequence++),
                    "name",
                    "n",
                    "locale",
                    "en",
                    "time_zone",
                    "UTC"),
            FORBIDDEN,
            FORBIDDEN));
    t.add(
        registry(
            "GET",
            "/v1/merchants/{id}",
            () -> "/v1/merchants/" + M,
            Auth.OPERATOR,
            Body.NONE,
            null,
            FORBIDDEN,
            unknownMerchant));
    t.add(
        registry(
            "POST",
            "/v1/tools",
            () -> "/v1/tools",
            Auth.OPERATOR,
            Body.REQUIRED,
            () -> obj("kind", "collection_code", "code_id", "fuzz-" + (sequence++)),
            FORBIDDEN,
            FORBIDDEN));
    t.add(
        registry(
            "GET",
            "/v1/tools/{id}",
            () -> "/v1/tools/" + tool,
            Auth.OPERATOR,
            Body.NONE,
            null,
            FORBIDDEN,
            unknownTool));
    t.add(
        registry(
            "POST",
            "/v1/tools/{id}/bindings",
            () -> "/v1/tools/" + spareTool + "/bindings",
            Auth.OPERATOR,
            Body.REQUIRED,
            () -> obj("merchant_id", N, "from", "2026-01-01T00:00:00Z"),
            FORBIDDEN,
            FORBIDDEN));
    t.add(
        registry(
            "POST",
            "/v1/tools/{id}/bindings/close",
            () -> "/v1/tools/" + spareTool + "/bindings/close",
            Auth.OPERATOR,
            Body.OPTIONAL,
            () -> obj("at", "2026-01-01T00:00:00Z"),
            FORBIDDEN,
            FORBIDDEN));
    t.add(
        registry(
            "GET",
            "/v1/tools/{id}/bindings",
            () -> "/v1/tools/" + tool + "/bindings",
            Auth.OPERATOR,
            Body.NONE,
            null,
            FORBIDDEN,
            unknownTool));
    t.add(
        registry(
            "POST",
            "/v1/terminal-keys",
            () -> "/v1/terminal-keys",
            Auth.OPERATOR,
            Body.REQUIRED,
            () ->
                obj(
                    "tool_id",
                    spareTool,
                    "public_key_pem",
                    TerminalKeyPair.generate(SignatureAlgorithm.ED25519).publicKey().toPem()),
            FORBIDDEN,
            FORBIDDEN));
    t.add(
        registry(
            "GET",
            "/v1/terminal-keys/{keyId}",
            () -> "/v1/terminal-keys/" + k1Id,
            Auth.OPERATOR,
            Body.NONE,
            null,
            FORBIDDEN,
            Expect.of(404, "registry.unknown_key")));
    t.add(
        registry(
            "POST",
            "/v1/terminal-keys/{keyId}/revocation",
            () -> "/v1/terminal-keys/" + spareTerminalKeyId + "/revocation",
            Auth.OPERATOR,
            Body.OPTIONAL,
            () -> obj("at", "2026-01-01T00:00:00Z"),
            FORBIDDEN,
            FORBIDDEN));
    t.add(
        registry(
            "POST",
            "/v1/api-keys",
            () -> "/v1/api-keys",
            Auth.OPERATOR,
            Body.REQUIRED,
            () -> obj("client_id", "fuzz-" + (sequence++), "role", "wallet_partner"),
            FORBIDDEN,
            FORBIDDEN));
    t.add(
        registry(
            "GET",
            "/v1/api-keys",
            () -> "/v1/api-keys?client_id=shop-m",
            Auth.OPERATOR,
            Body.NONE,
            null,
            FORBIDDEN,
            FORBIDDEN));
    t.add(
        registry(
            "POST",
            "/v1/api-keys/{keyId}/revocation",
            () -> "/v1/api-keys/" + spareApiKeyId + "/revocation",
            Auth.OPERATOR,
            Body.OPTIONAL,
            () -> obj("at", "2026-01-01T00:00:00Z"),
            FORBIDDEN,
            FORBIDDEN));
    t.add(
        registry(
            "POST",
            "/v1/merchants/{id}/tool-switches",
            () -> "/v1/merchants/" + M + "/tool-switches",
            Auth.OPERATOR,
            Body.REQUIRED,
            () ->
                obj(
                    "from_tool_id",
                    T4.id(),
                    "to_tool_id",
                    T5.id(),
                    "at",
                    "2026-01-01T00:00:00Z",
                    "endpoint_url",
                    shop.url().toString()),
            FORBIDDEN,
            FORBIDDEN));
    t.add(
        registry(
            "GET",
            "/v1/merchants/{id}/bindings",
            () -> "/v1/merchants/" + M + "/bindings",
            Auth.OPERATOR,
            Body.NONE,
            null,
            FORBIDDEN,
            unknownMerchant));
    t.add(
        registry(
            "POST",
            "/v1/acquirers",
            () -> "/v1/acquirers",
            Auth.OPERATOR,
            Body.REQUIRED,
            () ->
                obj(
                    "institution_code",
                    "4801" + String.format("%04d", acquirerSerial++ % 10_000),
                    "name",
                    "Fuzz bank",
                    "callback_url",
                    "https://acquirer.example/lookup"),
            FORBIDDEN,
            FORBIDDEN));
    t.add(
        registry(
            "GET",
            "/v1/acquirers/{code}",
            () -> "/v1/acquirers/" + SPARE_ACQUIRER,
            Auth.OPERATOR,
            Body.NONE,
            null,
            FORBIDDEN,
            FORBIDDEN));
    t.add(
        new RouteCase(
            "POST",
            "/v1/acquirers/{code}/secrets",
            () -> "/v1/acquirers/" + SPARE_ACQUIRER + "/secrets",
            Auth.OPERATOR,
            Family.REGISTRY,
            Body.OPTIONAL,
            () -> {
              JsonObject o = new JsonObject();
              o.addProperty("overlap_seconds", 0);
              return o;
            },
            Set.of(),
            FORBIDDEN,
            FORBIDDEN));
    t.add(
        registry(
            "PUT",
            "/v1/acquirers/{code}/callback",
            () -> "/v1/acquirers/" + SPARE_ACQUIRER + "/callback",
            Auth.OPERATOR,
            Body.REQUIRED,
            () -> obj("callback_url", "https://acquirer.example/lookup"),
            FORBIDDEN,
            FORBIDDEN));
    t.add(
        new RouteCase(
            "POST",
            "/v1/clearing/batches",
            () -> "/v1/clearing/batches",
            Auth.SIGNED,
            Family.CLEARING,
            Body.REQUIRED,
            BadInputContractTest::validBatch,
            Set.of(),
            null,
            null));
    String endpoint = "/v1/merchants/" + M + "/endpoint";
    t.add(
        new RouteCase(
            "PUT",
            "/v1/merchants/{id}/endpoint",
            () -> endpoint,
            Auth.MERCHANT,
            Family.ENDPOINT,
            Body.REQUIRED,
            () -> {
              JsonObject o = obj("url", shop.url().toString());
              o.addProperty("v1a", false);
              return o;
            },
            Set.of(),
            FORBIDDEN,
            endpointUnknown));
    t.add(
        new RouteCase(
            "GET",
            "/v1/merchants/{id}/endpoint",
            () -> endpoint,
            Auth.MERCHANT,
            Family.ENDPOINT,
            Body.NONE,
            null,
            Set.of(),
            FORBIDDEN,
            endpointUnknown));
    t.add(
        new RouteCase(
            "POST",
            "/v1/merchants/{id}/endpoint/secrets",
            () -> endpoint + "/secrets",
            Auth.MERCHANT,
            Family.ENDPOINT,
            Body.OPTIONAL,
            () -> {
              JsonObject o = new JsonObject();
              o.addProperty("overlap_seconds", 3600);
              return o;
            },
            Set.of(),
            FORBIDDEN,
            endpointUnknown));
    t.add(
        new RouteCase(
            "POST",
            "/v1/merchants/{id}/endpoint/resume",
            () -> endpoint + "/resume",
            Auth.MERCHANT,
            Family.ENDPOINT,
            Body.NONE,
            null,
            Set.of(),
            FORBIDDEN,
            endpointUnknown));
    t.add(
        new RouteCase(
            "GET",
            "/D/{token}",
            () -> "/D/" + goodToken,
            Auth.NONE,
            Family.INTAKE,
            Body.NONE,
            null,
            Set.of(),
            null,
            null));
    t.add(
        new RouteCase(
            "POST",
            "/v1/complaints",
            () -> "/v1/complaints",
            Auth.NONE,
            Family.INTAKE,
            Body.REQUIRED,
            () -> complaint(freshToken),
            Set.of(),
            null,
            null));
    t.add(
        new RouteCase(
            "GET",
            "/v1/cases",
            () -> "/v1/cases?merchant_id=" + M,
            Auth.MERCHANT,
            Family.CASES,
            Body.NONE,
            null,
            Set.of(),
            FORBIDDEN,
            Expect.of(422, "case.invalid_query")));
    t.add(
        new RouteCase(
            "GET",
            "/v1/cases/{id}",
            () -> "/v1/cases/" + caseId,
            Auth.MERCHANT,
            Family.CASES,
            Body.NONE,
            null,
            Set.of(),
            caseNotFound,
            caseNotFound));
    t.add(caseRoute("/acknowledgement", Auth.MERCHANT, Body.OPTIONAL, obj("reason", "seen")));
    t.add(
        caseRoute(
            "/responses",
            Auth.MERCHANT,
            Body.REQUIRED,
            obj("kind", "proposal", "message", "We can refund half.", "reason", "because")));
    for (String consumer : List.of("/confirmation", "/decline", "/escalation")) {
      t.add(caseRoute(consumer, Auth.CONSUMER, Body.OPTIONAL, obj("reason", "my reason")));
    }
    return t;
  }

  private RouteCase caseRoute(String suffix, Auth auth, Body body, JsonObject valid) {
    Expect notFound = Expect.of(404, "case.not_found");
    Expect wrongRole = auth == Auth.MERCHANT ? FORBIDDEN : Expect.of(401, "case.missing_secret");
    return new RouteCase(
        "POST",
        "/v1/cases/{id}" + suffix,
        () -> "/v1/cases/" + caseId + suffix,
        auth,
        Family.CASES,
        body,
        valid::deepCopy,
        Set.of(),
        wrongRole,
        auth == Auth.MERCHANT ? notFound : Expect.of(401, "case.missing_secret"));
  }

  private static RouteCase builtin(String path) {
    return new RouteCase(
        "GET", path, () -> path, Auth.NONE, Family.BUILTIN, Body.NONE, null, Set.of(), null, null);
  }

  private static RouteCase registry(
      String method,
      String pattern,
      Supplier<String> path,
      Auth auth,
      Body body,
      Supplier<JsonObject> valid,
      Expect wrongRole,
      Expect otherMerchant) {
    return new RouteCase(
        method,
        pattern,
        path,
        auth,
        Family.REGISTRY,
        body,
        valid,
        Set.of("from", "at"),
        wrongRole,
        otherMerchant);
  }

  static JsonObject obj(String... kv) {
    JsonObject o = new JsonObject();
    for (int i = 0; i < kv.length; i += 2) {
      o.addProperty(kv[i], kv[i + 1]);
    }
    return o;
  }

  // ------------------------------------------------------------------ requests

  /** A request built byte by byte. */
  final class Req {
    final String method;
    String path;
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] body = new byte[0];
    boolean sendLength;

    /** When set, the acquirer secret the request is signed with as it is sent (after mutations). */
    String signWith;

    Req(String method, String path) {
      this.method = method;
      this.path = path;
    }

    Req header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Req without(String name) {
      headers.remove(name);
      return this;
    }

    Req body(String contentType, byte[] bytes) {
      if (contentType == null) {
        headers.remove("Content-Type");
      } else {
        headers.put("Content-Type", contentType);
      }
      body = bytes;
      sendLength = true;
      return this;
    }

    Req json(JsonElement e) {
      return body("application/json", e.toString().getBytes(StandardCharsets.UTF_8));
    }

    Req text(String contentType, String text) {
      return body(contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    Req copy() {
      Req r = new Req(method, path);
      r.headers.putAll(headers);
      r.body = body.clone();
      r.sendLength = sendLength;
      r.signWith = signWith;
      return r;
    }

    byte[] bytes() {
      if (signWith != null) {
        long ts = clock.instant().getEpochSecond();
        int q = path.indexOf('?');
        String signedPath = q < 0 ? path : path.substring(0, q);
        headers.put(HookSignature.ACQUIRER, HOOK_ACQUIRER);
        headers.put(HookSignature.TIMESTAMP, Long.toString(ts));
        headers.put(
            HookSignature.SIGNATURE, HookSignature.sign(signWith, ts, method, signedPath, body));
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
      head.append("Host: 127.0.0.1\r\n");
      for (var h : headers.entrySet()) {
        head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
      }
      if (sendLength || body.length > 0) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("\r\n");
      out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
      out.writeBytes(body);
      return out.toByteArray();
    }

    @Override
    public String toString() {
      String b = new String(body, StandardCharsets.UTF_8);
      return method
          + " "
          + abbreviate(path)
          + " "
          + abbreviate(headers.toString())
          + " "
          + abbreviate(b);
    }
  }

  static String abbreviate(String s) {
    return s.length() > 160 ? s.substring(0, 160) + "…(" + s.length() + ")" : s;
  }

  Req request(String method, String path) {
    return new Req(method, path);
  }

  /** The valid request of {@code route}, with its credentials. */
  Req valid(RouteCase route) {
    Req r = request(route.method(), route.path().get());
    switch (route.auth()) {
      case OPERATOR:
        r.header("Authorization", "Bearer " + op);
        break;
      case MERCHANT:
        r.header("Authorization", "Bearer " + merchantM);
        break;
      case CONSUMER:
        r.header("Fangxin-Case-Secret", caseSecret);
        break;
      case SIGNED:
        r.signWith = hookSecret;
        break;
      default:
        break;
    }
    if (route.validBody() != null) {
      r.json(route.validBody().get());
    }
    return r;
  }

  /** A response as read off the socket. */
  record Response(int status, Map<String, String> headers, byte[] raw, boolean closed) {
    String body() {
      return new String(raw, StandardCharsets.UTF_8);
    }

    JsonObject json() {
      return JsonParser.parseString(body()).getAsJsonObject();
    }
  }

  private Socket socket;

  Response send(Req r) throws IOException {
    for (int attempt = 0; ; attempt++) {
      if (socket == null || socket.isClosed()) {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5_000);
        socket.setSoTimeout(30_000);
      }
      try {
        OutputStream out = socket.getOutputStream();
        out.write(r.bytes());
        out.flush();
        Response res = read(socket.getInputStream());
        if (res.closed()) {
          socket.close();
        }
        return res;
      } catch (SocketException | EofBeforeResponse e) {
        socket.close();
        if (attempt >= 1) {
          throw e;
        }
      }
    }
  }

  /** The server closed a kept-alive connection before answering (retry once on a new one). */
  static final class EofBeforeResponse extends IOException {
    private static final long serialVersionUID = 1L;

    EofBeforeResponse() {
      super("connection closed before a response");
    }
  }

  static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EofBeforeResponse();
      }
      head.write(b);
      state =
          (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
              ? state + 1
              : (b == '\r' ? 1 : 0);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    boolean closed = "close".equalsIgnoreCase(headers.getOrDefault("connection", ""));
    return new Response(status, headers, body, closed);
  }

  // ------------------------------------------------------------------ the store

  /** Every row of every table in the schema, each rendered exactly, sorted. */
  Map<String, List<String>> snapshot() throws Exception {
    Map<String, List<String>> out = StoreSnapshot.of(gateway.store());
    assertThat(out).as("tables in the store's schema").hasSizeGreaterThan(10);
    return out;
  }

  /**
   * Waits until background work has caught up with the last accepted request (no outbox row is due
   * or claimed now, and two snapshots agree), then takes the baseline.
   */
  void settle() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Map<String, List<String>> last = null;
    while (System.nanoTime() < deadline) {
      long pending;
      try (Connection c = gateway.store().connection();
          var ps =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL"
                      + " AND (due_at <= ? OR claimed_by IS NOT NULL)")) {
        ps.setLong(1, clock.instant().getEpochSecond());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          pending = rs.getLong(1);
        }
      }
      Map<String, List<String>> now = snapshot();
      try (Connection c = gateway.store().connection();
          Statement st = c.createStatement();
          // A delivered case.created moves its case on in a transaction of its own, just after.
          ResultSet rs =
              st.executeQuery(
                  "SELECT COUNT(*) FROM outbox o JOIN cases k ON k.id = o.case_id"
                      + " WHERE o.event_type = 'case.created' AND o.delivered_at IS NOT NULL"
                      + " AND k.state = 'received'")) {
        rs.next();
        pending += rs.getLong(1);
      }
      if (pending == 0 && now.equals(last)) {
        baseline = now;
        return;
      }
      last = now;
      Thread.sleep(10);
    }
    Map<String, List<String>> now = snapshot();
    List<String> undelivered = new ArrayList<>();
    for (String row : now.get("outbox")) {
      if (row.contains("DELIVERED_AT=null") || row.contains("delivered_at=null")) {
        undelivered.add((row.replaceAll("PAYLOAD=[^\u001f]*", "")));
      }
    }
    for (var t : Thread.getAllStackTraces().entrySet()) {
      String name = t.getKey().getName().toLowerCase(Locale.ROOT);
      if (name.contains("deliver") || name.contains("http") || name.contains("mock")) {
        System.out.println("THREAD " + t.getKey().getName());
        for (StackTraceElement e : Arrays.copyOf(t.getValue(), Math.min(25, t.getValue().length))) {
          System.out.println("    " + e);
        }
      }
    }
    throw new AssertionError(
        "background work did not settle within 20 s: changing "
            + diff(last, now)
            + ", undelivered outbox rows: "
            + undelivered
            + ", shop received "
            + shop.received().size());
  }

  // ------------------------------------------------------------------ checks

  /**
   * Sends {@code r}, which must be refused as {@code expect}: a 4xx problem+json with type, title,
   * status and detail, and every table unchanged.
   */
  void refused(RouteCase route, String what, Req r, Expect expect) throws Exception {
    casesPerRoute.merge(route.key(), 1, Integer::sum);
    Response res = send(r);
    String label =
        route.key() + " [" + what + "] " + r + " -> " + res.status + " " + abbreviate(res.body());
    if (res.status < 400 || res.status > 499) {
      failures.add("not a 4xx: " + label);
      if (res.status < 400) {
        accepted(route);
      }
      return;
    }
    if (!expect.statuses().isEmpty() && !expect.statuses().contains(res.status)) {
      failures.add("expected " + expect.statuses() + ": " + label);
    }
    String problem = problemError(res);
    if (problem != null) {
      failures.add(problem + ": " + label);
    } else if (expect.code() != null
        && !res.json()
            .get("type")
            .getAsString()
            .equals("https://fangxin.dev/problems/" + expect.code())) {
      failures.add("expected code " + expect.code() + ": " + label);
    }
    Map<String, List<String>> after = snapshot();
    if (!after.equals(baseline)) {
      failures.add("stored data changed: " + label + " " + diff(baseline, after));
      settle();
    }
  }

  /** Null if {@code res} is a well-formed problem document; else what is wrong. */
  static String problemError(Response res) {
    String type = res.headers().getOrDefault("content-type", "");
    if (!type.equals("application/problem+json")) {
      return "content type " + type;
    }
    JsonObject p;
    try {
      p = res.json();
    } catch (RuntimeException e) {
      return "body is not a JSON object";
    }
    for (String member : List.of("type", "title", "detail")) {
      if (!p.has(member) || !p.get(member).isJsonPrimitive()) {
        return "no " + member;
      }
    }
    if (!p.has("status") || p.get("status").getAsInt() != res.status()) {
      return "status member differs";
    }
    return null;
  }

  static String diff(Map<String, List<String>> before, Map<String, List<String>> after) {
    StringBuilder d = new StringBuilder();
    for (String table : new TreeSet<>(after.keySet())) {
      if (!after.get(table).equals(before.get(table))) {
        d.append(table).append(' ');
      }
    }
    for (String table : before.keySet()) {
      if (!after.containsKey(table)) {
        d.append("dropped ").append(table).append(' ');
      }
    }
    return "(tables: " + d.toString().trim() + ")";
  }

  void assertNoFailures() {
    assertThat(failures).as(failures.size() + " failures").isEmpty();
  }

  // ------------------------------------------------------------------ tests

  @Test
  void theTableCoversEveryRouteTheGatewayServes() {
    Set<String> served = new TreeSet<>();
    for (Route r : gateway.routes()) {
      served.add(r.method() + " " + r.pattern());
    }
    // The acquirers' certificate routes (mutual TLS) have their refusal tests, nothing stored, in
    // clearing/AcquirerMtlsContractTest.
    Set<String> certificates =
        Set.of(
            "POST /v1/acquirers/{code}/certificates",
            "GET /v1/acquirers/{code}/certificates",
            "DELETE /v1/acquirers/{code}/certificates/{id}");
    assertThat(served).containsAll(certificates);
    served.removeAll(certificates);
    // The consumer pages (HTML forms, the collection-code pages among them) and the merchant's
    // photo routes have their own bad-input suite, pages/ConsumerPagesContractTest, in the
    // consumer's language.
    Set<String> pages =
        Set.of(
            "GET /D/{token}/complaint",
            "POST /D/{token}/complaint",
            "GET /C/{id}",
            "GET /C/{id}/{secret}",
            "POST /C/{id}/{action}",
            "GET /assets/fangxin.css",
            "GET /v1/cases/{id}/photos",
            "GET /v1/cases/{id}/photos/{n}",
            "GET /M/{token}",
            "POST /M/{token}",
            "POST /M/{token}/complaint");
    assertThat(served).containsAll(pages);
    served.removeAll(pages);
    Set<String> covered = new TreeSet<>();
    for (RouteCase c : table()) {
      covered.add(c.key());
    }
    assertThat(covered).isEqualTo(served);
    assertThat(served).hasSize(36);
  }

  @Test
  void everyRouteRefusesEveryBadInputAndChangesNothing() throws Exception {
    settle();
    failures.clear();
    casesPerRoute.clear();
    for (RouteCase route : table()) {
      bodies(route);
      credentials(route);
      pathParameters(route);
      oversize(route);
    }
    tokens();
    System.out.println("bad-input cases per route: " + casesPerRoute);
    System.out.println(
        "bad-input cases in all: "
            + casesPerRoute.values().stream().mapToInt(Integer::intValue).sum()
            + " over "
            + casesPerRoute.size()
            + " routes");
    assertNoFailures();
  }

  private void oversize(RouteCase route) throws Exception {
    Req r = valid(route).text("application/json", "{\"a\":\"" + "x".repeat(MAX_BODY) + "\"}");
    refused(route, "oversize", r, Expect.of(413, "http.payload_too_large"));
  }

  private void bodies(RouteCase route) throws Exception {
    Family f = route.family();
    if (route.body() == Body.NONE) {
      return;
    }
    Expect malformed = Expect.of(400, f.malformed);
    Expect media = Expect.of(415, f.mediaType);
    if (route.body() == Body.REQUIRED) {
      Expect none = f == Family.CASES ? f.invalidField() : Expect.of(415, f.mediaType);
      Req noBody = valid(route);
      noBody.body = new byte[0];
      noBody.sendLength = false;
      noBody.without("Content-Type");
      refused(route, "no body", noBody, none);
      refused(
          route,
          "empty body",
          valid(route).body("application/json", new byte[0]),
          f == Family.CASES ? f.invalidField() : malformed);
    }
    for (String bad :
        List.of(
            "{\"a\":",
            "{",
            "[]",
            "[{}]",
            "\"string\"",
            "42",
            "null",
            "true",
            "{}{}",
            "{'a':'b'}",
            "{\"a\":1,}",
            "// comment\n{}",
            "{\"a\":NaN}",
            "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}",
            "{\"a\":1e99999999999}")) {
      refused(
          route,
          "malformed " + abbreviate(bad),
          valid(route).text("application/json", bad),
          malformed);
    }
    refused(
        route,
        "not UTF-8",
        valid(route)
            .body(
                "application/json",
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'}),
        malformed);
    JsonObject good = route.validBody().get();
    String first = good.keySet().iterator().next();
    String dup = "{\"" + first + "\":" + good.get(first) + "," + good.toString().substring(1);
    refused(route, "duplicate member", valid(route).text("application/json", dup), f.duplicate());
    JsonObject unknown = route.validBody().get();
    unknown.addProperty("zz_unknown", 1);
    refused(
        route,
        "unknown member",
        valid(route).json(unknown),
        f == Family.ENDPOINT ? Expect.of(400, f.invalid) : f.invalidField());
    for (String type :
        List.of(
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/json; charset=latin1",
            "application/jsonx",
            "multipart/form-data; boundary=x")) {
      Req r = valid(route);
      r.headers.put("Content-Type", type);
      refused(route, "content type " + type, r, media);
    }
    if (!route.key().equals("POST /v1/complaints")
        && !route.key().equals("POST /v1/clearing/batches")) {
      refused(
          route,
          "protobuf where only JSON is accepted",
          valid(route).body("application/x-protobuf", new byte[] {0x0a, 0x02, 'h', 'i'}),
          media);
    } else {
      for (byte[] garbage :
          List.of(
              new byte[] {(byte) 0xff, 0x01},
              new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f},
              new byte[] {0x0a, 0x05, 'a'},
              "{\"json\": true}".getBytes(StandardCharsets.UTF_8))) {
        refused(
            route,
            "garbage protobuf " + Arrays.toString(garbage),
            valid(route).body("application/x-protobuf", garbage),
            new Expect(Set.of(400, 422), null));
      }
      refused(
          route,
          "empty protobuf",
          valid(route).body("application/x-protobuf", new byte[0]),
          f == Family.CLEARING ? Expect.of(422, "clearing.invalid_records") : f.invalidField());
    }
    // Wrong types, field by field (nested objects too).
    for (String field : good.keySet()) {
      JsonElement v = good.get(field);
      for (JsonElement wrong : wrongTypes(v, route.numericStringFields().contains(field))) {
        JsonObject o = route.validBody().get();
        o.add(field, wrong);
        Expect e = f == Family.ENDPOINT ? Expect.of(400, f.invalid) : f.invalidField();
        refused(
            route,
            "wrong type " + field + "=" + abbreviate(wrong.toString()),
            valid(route).json(o),
            e);
      }
      if (v.isJsonObject()) {
        for (String inner : v.getAsJsonObject().keySet()) {
          for (JsonElement wrong : wrongTypes(v.getAsJsonObject().get(inner), false)) {
            JsonObject o = route.validBody().get();
            o.getAsJsonObject(field).add(inner, wrong);
            refused(
                route, "wrong type " + field + "." + inner, valid(route).json(o), f.invalidField());
          }
        }
      }
    }
    // JSON null in every field: refused, or read as absent where the field is optional.
    for (String field : good.keySet()) {
      JsonObject o = route.validBody().get();
      o.add(field, JsonNull.INSTANCE);
      metacharacter(route, field + "=null", valid(route).json(o));
    }
    // Metacharacters in every string field: refused, or (free text) accepted and stored.
    for (String field : good.keySet()) {
      if (!isString(good.get(field))) {
        continue;
      }
      for (String meta : METACHARACTERS) {
        JsonObject o = route.validBody().get();
        o.addProperty(field, meta);
        metacharacter(route, field, valid(route).json(o));
      }
    }
  }

  static boolean isString(JsonElement e) {
    return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
  }

  static List<JsonElement> wrongTypes(JsonElement v, boolean numberIsFine) {
    List<JsonElement> out = new ArrayList<>();
    if (!isString(v)) {
      out.add(new JsonPrimitive("a string"));
    }
    if (!(v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) && !numberIsFine) {
      out.add(new JsonPrimitive(12345));
    }
    if (!(v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean())) {
      out.add(new JsonPrimitive(true));
    }
    out.add(new JsonArray());
    if (!v.isJsonObject()) {
      out.add(new JsonObject());
    }
    return out;
  }

  /**
   * A request carrying metacharacters where any string may stand: never a 5xx; a refusal is a
   * problem that changes nothing; an acceptance stores the text and never echoes raw markup.
   */
  private void metacharacter(RouteCase route, String field, Req r) throws Exception {
    casesPerRoute.merge(route.key(), 1, Integer::sum);
    Response res = send(r);
    String label = route.key() + " [metacharacters in " + field + "] " + r + " -> " + res.status;
    if (res.status >= 500) {
      failures.add("5xx: " + label + " " + abbreviate(res.body()));
    } else if (res.status >= 400) {
      String problem = problemError(res);
      if (problem != null) {
        failures.add(problem + ": " + label);
      }
      if (!snapshot().equals(baseline)) {
        failures.add("stored data changed: " + label);
        settle();
      }
    } else {
      if (res.body().contains("<script>")) {
        failures.add("raw markup echoed: " + label);
      }
      accepted(route);
    }
  }

  private void credentials(RouteCase route) throws Exception {
    if (route.auth() == Auth.NONE) {
      return;
    }
    if (route.auth() == Auth.SIGNED) {
      signatures(route);
      return;
    }
    if (route.auth() == Auth.CONSUMER) {
      refused(route, "no secret", valid(route).without("Fangxin-Case-Secret"), route.wrongRole());
      for (String secret :
          List.of(
              "wrong-secret",
              caseSecret.substring(1),
              caseSecret + "A",
              flipCase(caseSecret),
              "'; DROP TABLE cases;--")) {
        refused(
            route,
            "wrong secret",
            valid(route).header("Fangxin-Case-Secret", secret),
            Expect.of(404, "case.not_found"));
      }
      refused(
          route,
          "merchant key instead of the secret",
          valid(route)
              .without("Fangxin-Case-Secret")
              .header("Authorization", "Bearer " + merchantM),
          Expect.of(401, "case.missing_secret"));
      return;
    }
    Expect missing = Expect.of(401, "auth.missing_credentials");
    Expect invalid = Expect.of(401, "auth.invalid_credentials");
    refused(route, "no key", valid(route).without("Authorization"), missing);
    for (String header :
        List.of(
            "Bearer",
            "Bearer ",
            "Basic b3A6b3A=",
            "Bearer not-a-key",
            "Bearer fxk_000000000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "Bearer " + merchantM.substring(0, merchantM.length() - 1),
            "Bearer " + merchantM + "x",
            "Bearer " + flipCase(merchantM),
            "Bearer " + revokedM,
            "Bearer '; DROP TABLE api_keys;--",
            "Bearer <script>alert(1)</script>",
            "Bearer " + "k".repeat(4000))) {
      refused(
          route,
          "credential " + abbreviate(header),
          valid(route).header("Authorization", header),
          header.startsWith("Bearer ") && !header.equals("Bearer ")
              ? invalid
              : new Expect(Set.of(401), null));
    }
    refused(
        route,
        "wrong role (wallet partner)",
        valid(route).header("Authorization", "Bearer " + wallet),
        route.wrongRole());
    if (route.otherMerchant() != null) {
      refused(
          route,
          "another merchant's key",
          valid(route).header("Authorization", "Bearer " + merchantN),
          route.otherMerchant());
    }
    if (route.auth() == Auth.MERCHANT && route.key().startsWith("GET /v1/cases/")) {
      refused(
          route,
          "wrong consumer secret",
          valid(route).without("Authorization").header("Fangxin-Case-Secret", "wrong"),
          Expect.of(404, "case.not_found"));
    }
  }

  /**
   * The push hook's credentials: missing headers, bad and stale signatures, an unknown acquirer, an
   * API key instead of a signature, and a batch ID already used for other content.
   */
  private void signatures(RouteCase route) throws Exception {
    Expect missing = Expect.of(401, "clearing.missing_signature");
    Expect bad = Expect.of(401, "clearing.bad_signature");
    for (String header :
        List.of(HookSignature.ACQUIRER, HookSignature.TIMESTAMP, HookSignature.SIGNATURE)) {
      Req r = valid(route);
      r.bytes();
      r.signWith = null;
      refused(route, "no " + header, r.without(header), missing);
    }
    long ts = clock.instant().getEpochSecond();
    byte[] body = valid(route).body;
    String good = HookSignature.sign(hookSecret, ts, "POST", "/v1/clearing/batches", body);
    String flipped =
        good.substring(0, 10) + (good.charAt(10) == 'A' ? 'B' : 'A') + good.substring(11);
    Map<String, Expect> cases = new LinkedHashMap<>();
    cases.put(flipped, bad);
    cases.put("v1=", bad);
    cases.put("v2=" + good.substring(3), bad);
    cases.put(
        HookSignature.sign("fxa_" + "A".repeat(43), ts, "POST", "/v1/clearing/batches", body), bad);
    cases.put(HookSignature.sign(hookSecret, ts, "POST", "/v1/clearing/batch", body), bad);
    cases.put("'; DROP TABLE clearing_records;--", bad);
    cases.put("<script>alert(1)</script>", bad);
    for (var e : cases.entrySet()) {
      Req r = valid(route);
      r.signWith = null;
      r.header(HookSignature.ACQUIRER, HOOK_ACQUIRER)
          .header(HookSignature.TIMESTAMP, Long.toString(ts))
          .header(HookSignature.SIGNATURE, e.getKey());
      refused(route, "signature " + abbreviate(e.getKey()), r, e.getValue());
    }
    for (String acquirerCode : List.of("48020001", "1", "'; DROP TABLE acquirers;--", "4802000x")) {
      Req r = valid(route);
      r.signWith = null;
      r.header(HookSignature.ACQUIRER, acquirerCode)
          .header(HookSignature.TIMESTAMP, Long.toString(ts))
          .header(HookSignature.SIGNATURE, good);
      refused(route, "acquirer " + acquirerCode, r, new Expect(Set.of(401), null));
    }
    for (long stale : List.of(ts - 301, ts + 301, 0L)) {
      Req r = valid(route);
      r.signWith = null;
      r.header(HookSignature.ACQUIRER, HOOK_ACQUIRER)
          .header(HookSignature.TIMESTAMP, Long.toString(stale))
          .header(
              HookSignature.SIGNATURE,
              HookSignature.sign(hookSecret, stale, "POST", "/v1/clearing/batches", body));
      refused(route, "timestamp " + stale, r, Expect.of(401, "clearing.stale_timestamp"));
    }
    Req apiKey = valid(route);
    apiKey.signWith = null;
    refused(route, "an API key instead", apiKey.header("Authorization", "Bearer " + op), missing);
    // The batch ID names the batch already accepted: other content is a conflict.
    JsonObject other = validBatch();
    other
        .getAsJsonArray("records")
        .get(0)
        .getAsJsonObject()
        .getAsJsonObject("amount")
        .addProperty("minor_units", "999");
    refused(
        route, "duplicate batch", signedBatch(other), Expect.of(409, "clearing.batch_conflict"));
    // A record of the batch's trace with other content, under a new batch ID.
    other.addProperty("batch_id", "bad-input-2");
    refused(
        route,
        "conflicting record",
        signedBatch(other),
        Expect.of(409, "clearing.record_conflict"));
    // A record of another institution.
    JsonObject foreign = validBatch();
    foreign.addProperty("batch_id", "bad-input-3");
    foreign
        .getAsJsonArray("records")
        .get(0)
        .getAsJsonObject()
        .getAsJsonObject("trace")
        .addProperty("acquirer_institution", SPARE_ACQUIRER);
    refused(
        route,
        "foreign institution",
        signedBatch(foreign),
        Expect.of(403, "clearing.foreign_institution"));
    // Invalid fields of a record, reported by index and field.
    for (String[] f :
        new String[][] {
          {"merchant_number", "'; DROP TABLE cases;--"},
          {"terminal_id", ""},
          {"masked_pan", "6222020000001234"},
          {"tool_type", "TOOL_TYPE_UNSPECIFIED"},
          {"transaction_time", "-5"}
        }) {
      JsonObject invalid = validBatch();
      invalid.addProperty("batch_id", "bad-input-4");
      invalid.getAsJsonArray("records").get(0).getAsJsonObject().addProperty(f[0], f[1]);
      refused(
          route,
          "invalid " + f[0],
          signedBatch(invalid),
          Expect.of(422, "clearing.invalid_records"));
    }
    // A truncated body, signed as sent.
    Req truncated = valid(route);
    truncated.body = Arrays.copyOf(truncated.body, truncated.body.length / 2);
    refused(route, "truncated", truncated, Expect.of(400, "clearing.malformed_body"));
  }

  static String flipCase(String s) {
    StringBuilder b = new StringBuilder(s);
    for (int i = s.length() - 1; i >= 0; i--) {
      char c = s.charAt(i);
      if (Character.isLetter(c)) {
        b.setCharAt(
            i, Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        return b.toString();
      }
    }
    return s + "x";
  }

  private void pathParameters(RouteCase route) throws Exception {
    if (!route.pattern().contains("{")) {
      return;
    }
    String valid = route.path().get();
    List<String> params = new ArrayList<>(METACHARACTERS);
    params.add("does-not-exist");
    params.add("..");
    for (String p : params) {
      String path = replaceFirstParam(route.pattern(), valid, encode(p));
      Req r = valid(route);
      r.path = path;
      refused(route, "path parameter " + abbreviate(p), r, Expect.any4xx());
    }
  }

  /** {@code valid} with the segment where {@code pattern} has its first parameter replaced. */
  static String replaceFirstParam(String pattern, String valid, String value) {
    String query = "";
    int q = valid.indexOf('?');
    if (q >= 0) {
      query = valid.substring(q);
      valid = valid.substring(0, q);
    }
    String[] ps = pattern.split("/");
    String[] vs = valid.split("/");
    for (int i = 0; i < ps.length; i++) {
      if (ps[i].startsWith("{")) {
        vs[i] = value;
        break;
      }
    }
    return String.join("/", vs) + query;
  }

  static String encode(String s) {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.') {
        b.append((char) c);
      } else {
        b.append(String.format("%%%02X", c));
      }
    }
    return b.toString();
  }

  private void tokens() throws Exception {
    RouteCase receipt =
        table().stream().filter(r -> r.key().equals("GET /D/{token}")).findFirst().orElseThrow();
    RouteCase complaints =
        table().stream()
            .filter(r -> r.key().equals("POST /v1/complaints"))
            .findFirst()
            .orElseThrow();
    Map<String, Expect> bad = new LinkedHashMap<>();
    TerminalKeyPair stranger = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    bad.put(token(stranger, T0.minus(Duration.ofDays(1))), Expect.of(422, "intake.unknown_key"));
    DisputeToken real = DisputeLink.decodeToken(goodToken);
    DisputeToken forged =
        DisputeToken.of(
            real.claimBytes(),
            TerminalKeyPair.generate(SignatureAlgorithm.ED25519)
                .sign(DisputeToken.signedBytes(real.claimBytes())));
    bad.put(DisputeLink.encodeToken(forged), Expect.of(422, "intake.bad_signature"));
    byte[] sig = real.signature().clone();
    sig[10] ^= 0x01;
    bad.put(
        DisputeLink.encodeToken(DisputeToken.of(real.claimBytes(), sig)),
        Expect.of(422, "intake.bad_signature"));
    bad.put(
        token(revokedKey, T0.minus(Duration.ofDays(1))), Expect.of(422, "intake.token_revoked"));
    byte[] raw = real.toBytes();
    Random random = new Random(7);
    for (int i = 0; i < 24; i++) {
      byte[] altered = raw.clone();
      int bit = random.nextInt(altered.length * 8);
      altered[bit / 8] ^= (byte) (1 << (bit % 8));
      bad.put(
          base32(altered),
          new Expect(Set.of(400, 422), null)); // framing (400) or signature (422) breaks
    }
    bad.put(
        goodToken.substring(0, goodToken.length() - 5), Expect.of(400, "intake.token_malformed"));
    bad.put(goodToken.substring(0, 20), Expect.of(400, "intake.token_malformed"));
    bad.put(goodToken.replace(goodToken.charAt(3), '1'), new Expect(Set.of(400, 422), null));
    bad.put("0189!!", Expect.of(400, "intake.token_malformed"));
    bad.put("A", Expect.of(400, "intake.token_malformed"));
    bad.put("A".repeat(500), new Expect(Set.of(400, 422), null));
    bad.put(goodToken + "====", Expect.of(400, "intake.token_malformed"));
    bad.put("'; DROP TABLE cases;--", Expect.of(400, "intake.token_malformed"));
    bad.put("<script>alert(1)</script>", Expect.of(400, "intake.token_malformed"));
    for (var e : bad.entrySet()) {
      Req get = valid(receipt);
      get.path = "/D/" + encode(e.getKey());
      refused(receipt, "token", get, e.getValue());
      JsonObject body = complaint(e.getKey());
      Expect viaBody = e.getValue();
      if (e.getKey().length() > 410) {
        viaBody = Expect.of(422, "intake.invalid_field");
      }
      refused(complaints, "token in body", valid(complaints).json(body), viaBody);
    }
  }

  static String base32(byte[] bytes) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder b = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte x : bytes) {
      buffer = (buffer << 8) | (x & 0xff);
      bits += 8;
      while (bits >= 5) {
        b.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      b.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    }
    return b.toString();
  }

  @Test
  void aClientThatStallsGets408AndIsDisconnected() throws Exception {
    settle();
    for (String partial :
        List.of(
            "POST /v1/merchants HTTP/1.1\r\nHost: x\r\n",
            "POST /v1/merchants HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + op
                + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":")) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5_000);
        s.setSoTimeout(20_000);
        s.getOutputStream().write(partial.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        Response res = read(s.getInputStream());
        assertThat(res.status()).isEqualTo(408);
        assertThat(problemError(res)).isNull();
        assertThat(res.json().get("type").getAsString())
            .isEqualTo("https://fangxin.dev/problems/http.request_timeout");
        assertThat(s.getInputStream().read()).as("connection closed").isEqualTo(-1);
      }
    }
    assertThat(snapshot()).isEqualTo(baseline);
  }

  @Test
  void fuzzNeverAnswers5xxAndRefusalsChangeNothing() throws Exception {
    settle();
    failures.clear();
    int refusals = 0;
    int accepted = 0;
    List<RouteCase> routes = table();
    for (int i = 0; i < routes.size(); i++) {
      RouteCase route = routes.get(i);
      Random random = new Random(1_000L + i);
      for (int n = 0; n < fuzzMutations(); n++) {
        Req r = mutate(valid(route), route, random);
        Response res;
        try {
          res = send(r);
        } catch (IOException e) {
          failures.add("no response (" + e.getMessage() + "): " + route.key() + " #" + n + " " + r);
          continue;
        }
        String label = route.key() + " #" + n + " " + r + " -> " + res.status;
        if (res.status >= 500) {
          failures.add("5xx: " + label + " " + abbreviate(res.body()));
          if (failures.size() > 20) {
            assertNoFailures();
          }
        } else if (res.status >= 400) {
          refusals++;
          String problem = problemError(res);
          if (problem != null) {
            failures.add(problem + ": " + label);
          }
          Map<String, List<String>> after = snapshot();
          if (!after.equals(baseline)) {
            failures.add("stored data changed: " + label + " " + diff(baseline, after));
            settle();
          }
        } else {
          accepted++;
          if (!r.method.equals("GET")) {
            accepted(route);
          } else if (!snapshot().equals(baseline)) {
            failures.add("a GET changed stored data: " + label);
            settle();
          }
        }
      }
    }
    System.out.println(
        "fuzz: "
            + routes.size()
            + " routes x "
            + fuzzMutations()
            + " mutations: "
            + refusals
            + " refused, "
            + accepted
            + " accepted");
    assertNoFailures();
  }

  /** One seeded mutation of a valid request: of its body, headers, path or several at once. */
  Req mutate(Req r, RouteCase route, Random random) {
    int rounds = 1 + random.nextInt(3);
    for (int k = 0; k < rounds; k++) {
      switch (random.nextInt(10)) {
        case 0: // flip bits in the body
          if (r.body.length > 0) {
            for (int j = 0; j <= random.nextInt(4); j++) {
              int bit = random.nextInt(r.body.length * 8);
              r.body[bit / 8] ^= (byte) (1 << (bit % 8));
            }
          }
          break;
        case 1: // truncate or splice the body
          if (r.body.length > 0) {
            int from = random.nextInt(r.body.length);
            int to = from + random.nextInt(r.body.length - from + 1);
            byte[] cut = new byte[r.body.length - (to - from)];
            System.arraycopy(r.body, 0, cut, 0, from);
            System.arraycopy(r.body, to, cut, from, r.body.length - to);
            r.body = cut;
          }
          break;
        case 2: // insert random bytes
          {
            byte[] junk = new byte[1 + random.nextInt(8)];
            random.nextBytes(junk);
            int at = r.body.length == 0 ? 0 : random.nextInt(r.body.length + 1);
            byte[] grown = new byte[r.body.length + junk.length];
            System.arraycopy(r.body, 0, grown, 0, at);
            System.arraycopy(junk, 0, grown, at, junk.length);
            System.arraycopy(r.body, at, grown, at + junk.length, r.body.length - at);
            r.body = grown;
            r.sendLength = true;
          }
          break;
        case 3: // replace a member's value
        case 4:
          {
            JsonObject o = tryParse(r.body);
            if (o != null && !o.keySet().isEmpty()) {
              List<String> names = new ArrayList<>(o.keySet());
              o.add(names.get(random.nextInt(names.size())), randomValue(random));
              r.body = o.toString().getBytes(StandardCharsets.UTF_8);
            }
          }
          break;
        case 5: // drop or add a member
          {
            JsonObject o = tryParse(r.body);
            if (o != null) {
              List<String> names = new ArrayList<>(o.keySet());
              if (!names.isEmpty() && random.nextBoolean()) {
                o.remove(names.get(random.nextInt(names.size())));
              } else {
                o.add(
                    random.nextBoolean() ? "zz" + random.nextInt(9) : "reason",
                    randomValue(random));
              }
              r.body = o.toString().getBytes(StandardCharsets.UTF_8);
            }
          }
          break;
        case 6: // the credential
          {
            String name =
                r.headers.containsKey("Fangxin-Case-Secret")
                    ? "Fangxin-Case-Secret"
                    : "Authorization";
            String v = r.headers.get(name);
            if (v == null || random.nextInt(4) == 0) {
              r.headers.put(
                  "Authorization",
                  "Bearer "
                      + List.of(op, merchantM, merchantN, wallet, acquirer, revokedM)
                          .get(random.nextInt(6)));
            } else if (random.nextBoolean()) {
              r.headers.remove(name);
            } else {
              char[] cs = v.toCharArray();
              int at = random.nextInt(cs.length);
              cs[at] = (char) (33 + random.nextInt(94));
              r.headers.put(name, new String(cs));
            }
          }
          break;
        case 7: // the content type
          {
            List<String> types =
                List.of(
                    "application/json",
                    "text/plain",
                    "application/x-protobuf",
                    "application/json; charset=utf-16",
                    "",
                    "*/*");
            String t = types.get(random.nextInt(types.size()));
            if (t.isEmpty()) {
              r.headers.remove("Content-Type");
            } else {
              r.headers.put("Content-Type", t);
            }
          }
          break;
        case 8: // the path
          {
            String p = r.path;
            int at = 1 + random.nextInt(Math.max(1, p.length() - 1));
            String repl =
                List.of("%00", "%27", "%3C", "x", "/", "%E2%80%AE", "..", "%", "?a=%ZZ")
                    .get(random.nextInt(9));
            r.path =
                p.substring(0, at)
                    + repl
                    + p.substring(Math.min(p.length(), at + random.nextInt(3)));
          }
          break;
        default: // a metacharacter string in a string member
          {
            JsonObject o = tryParse(r.body);
            if (o != null) {
              for (String name : o.keySet()) {
                if (isString(o.get(name)) && random.nextBoolean()) {
                  o.addProperty(name, METACHARACTERS.get(random.nextInt(METACHARACTERS.size())));
                }
              }
              r.body = o.toString().getBytes(StandardCharsets.UTF_8);
            }
          }
      }
    }
    return r;
  }

  static JsonObject tryParse(byte[] body) {
    try {
      JsonElement e = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
      return e.isJsonObject() ? e.getAsJsonObject() : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  static JsonElement randomValue(Random random) {
    switch (random.nextInt(8)) {
      case 0:
        return JsonNull.INSTANCE;
      case 1:
        return new JsonPrimitive(random.nextLong());
      case 2:
        return new JsonPrimitive(random.nextBoolean());
      case 3:
        return new JsonArray();
      case 4:
        return new JsonObject();
      case 5:
        return new JsonPrimitive(METACHARACTERS.get(random.nextInt(METACHARACTERS.size())));
      case 6:
        return new JsonPrimitive(new java.math.BigDecimal("1e" + random.nextInt(100_000)));
      default:
        return new JsonPrimitive("s" + random.nextInt(1000));
    }
  }
}
