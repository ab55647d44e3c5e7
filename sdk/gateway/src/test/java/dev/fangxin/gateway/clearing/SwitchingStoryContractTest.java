package dev.fangxin.gateway.clearing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fangxin.core.code.MerchantCode;
import dev.fangxin.core.code.MerchantCodeClaim;
import dev.fangxin.core.code.MerchantLink;
import dev.fangxin.core.id.CreditCode;
import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.link.DisputeLink;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.token.DisputeClaim;
import dev.fangxin.core.token.DisputeToken;
import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.gateway.DisputeServices;
import dev.fangxin.gateway.Gateway;
import dev.fangxin.gateway.auth.ApiKeys;
import dev.fangxin.gateway.auth.Role;
import dev.fangxin.gateway.config.GatewayConfig;
import dev.fangxin.gateway.testing.GatewayApi;
import dev.fangxin.gateway.testing.GatewayApi.Response;
import dev.fangxin.gateway.testing.MockMerchant;
import dev.fangxin.gateway.testing.SettableClock;
import dev.fangxin.protocol.v1.ClearingBatch;
import dev.fangxin.protocol.v1.ClearingRecord;
import dev.fangxin.protocol.v1.ToolType;
import dev.fangxin.protocol.v1.TransactionType;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The issue's switching story, over HTTP through the assembled gateway ({@link DisputeServices}):
 * merchant M takes payments with terminal T1 of acquirer A, switches (one {@code POST
 * /v1/merchants/M/tool-switches}) to terminal T2 of acquirer B and moves its endpoint; complaints
 * from a T1 receipt, a T2 receipt, a T1 trace typed by hand and a wallet partner's trace all reach
 * M's new endpoint; T1, re-bound to merchant N, routes a payment made after the re-binding to N
 * (from its receipt and from its trace); the same payment by token and by trace is one case; an
 * unknown trace is answered clearly and nothing is sent anywhere. Clearing records arrive through
 * the signed push hook. Also every refusal of the switch, each leaving the bindings as they were.
 */
abstract class SwitchingStoryContractTest {
  static final Instant NOW = Instant.parse("2026-01-10T04:00:00Z");
  static final String A = "48020000";
  static final String B = "48030000";
  static final String MID_A = "898330160110021";
  static final String MID_B = "898440160110099";
  static final String MID_C = "898330160110077";
  static final String M = credit("91330106MA27XKP9Q");
  static final String N = credit("91110000MA01ABCD1");
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  final SettableClock clock = new SettableClock(NOW);
  final HttpClient client = HttpClient.newHttpClient();
  final AtomicLong sequence = new AtomicLong(1);
  final AtomicLong stan = new AtomicLong(100);
  final List<MockMerchant> sinks = new ArrayList<>();
  Gateway gateway;
  GatewayApi api;
  String op;
  String wallet;
  String acquirerBKey;
  String merchantKey;
  Map<String, String> secrets = new HashMap<>();

  abstract Map<String, String> storeSettings() throws Exception;

  static String credit(String first17) {
    return first17 + CreditCode.checkCharacter(first17);
  }

  @AfterEach
  void tearDown() {
    if (gateway != null) {
      gateway.close();
    }
    sinks.forEach(MockMerchant::close);
  }

  void start() throws Exception {
    Map<String, String> flags = new HashMap<>(storeSettings());
    flags.put("http.port", "0");
    flags.put("delivery.backoff-base", "1s");
    gateway = DisputeServices.start(GatewayConfig.load(flags, Map.of()), clock);
    api = GatewayApi.at(gateway.listenUrl(), client);
    ApiKeys keys = ApiKeys.on(gateway.store(), clock);
    op = keys.issue("op", Role.OPERATOR, null, null).apiKey();
    wallet = keys.issue("wallet", Role.WALLET_PARTNER, null, null).apiKey();
    acquirerBKey = keys.issue("acq-b", Role.ACQUIRER, null, B).apiKey();
  }

  Response ok(Response r, int status) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    return r;
  }

  Response post(String path, String key, JsonObject body) throws Exception {
    return api.call("POST", path, key, body == null ? null : body.toString());
  }

  static JsonObject obj(Object... kv) {
    JsonObject o = new JsonObject();
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      if (v instanceof JsonObject) {
        o.add((String) kv[i], (JsonObject) v);
      } else if (v instanceof Number) {
        o.addProperty((String) kv[i], (Number) v);
      } else {
        o.addProperty((String) kv[i], (String) v);
      }
    }
    return o;
  }

  void merchant(String id) throws Exception {
    ok(
        post(
            "/v1/merchants",
            op,
            obj("id", id, "name", "Shop " + id, "locale", "zh-CN", "time_zone", "Asia/Shanghai")),
        201);
  }

  String terminal(String acquirer, String mid, String tid) throws Exception {
    return ok(
            post(
                "/v1/tools",
                op,
                obj(
                    "kind",
                    "card_terminal",
                    "acquirer",
                    acquirer,
                    "merchant_number",
                    mid,
                    "terminal_id",
                    tid)),
            201)
        .get("id");
  }

  TerminalKeyPair key(String toolId) throws Exception {
    TerminalKeyPair k = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    ok(
        post(
            "/v1/terminal-keys",
            op,
            obj("tool_id", toolId, "public_key_pem", k.publicKey().toPem())),
        201);
    return k;
  }

  MockMerchant endpoint(String merchantId) throws Exception {
    MockMerchant sink = MockMerchant.builder().trust(WebhookSecret.generate()).clock(clock).start();
    sinks.add(sink);
    Response r =
        api.call(
            "PUT",
            "/v1/merchants/" + merchantId + "/endpoint",
            op,
            obj("url", sink.url().toString()).toString());
    ok(r, 201);
    secrets.put(merchantId, r.get("secret"));
    sink.trustSecrets(WebhookSecret.parse(r.get("secret")));
    return sink;
  }

  String acquirer(String code) throws Exception {
    return ok(post("/v1/acquirers", op, obj("institution_code", code, "name", "Bank " + code)), 201)
        .get("secret");
  }

  /** A payment: its receipt token (signed by {@code key}) and its clearing record. */
  final class Payment {
    final Instant at;
    final long minor;
    final ClearingRecord record;
    final String token;

    Payment(String acquirer, String mid, String tid, TerminalKeyPair key, Instant at, long minor) {
      this.at = at;
      this.minor = minor;
      int s = (int) stan.getAndIncrement();
      this.record =
          ClearingRecord.newBuilder()
              .setTrace(ClearingFixtures.trace(acquirer, s))
              .setMerchantNumber(mid)
              .setTerminalId(tid)
              .setAmount(
                  dev.fangxin.protocol.v1.Money.newBuilder().setMinorUnits(minor).setCurrency(156))
              .setTransactionTime(at.getEpochSecond() + 20) // the acquirer's clock, a bit later
              .setToolType(ToolType.TOOL_TYPE_POS_TERMINAL)
              .setMaskedPan("622202******1234")
              .setMessageType("0200")
              .setProcessingCode("000000")
              .setMcc("5812")
              .build();
      this.token =
          key == null
              ? null
              : DisputeLink.encodeToken(
                  DisputeToken.sign(
                      DisputeClaim.of(
                          TransactionType.TRANSACTION_TYPE_SALE,
                          key.keyId(),
                          sequence.getAndIncrement(),
                          at,
                          Money.of(minor, Money.CNY)),
                      key));
    }

    String trace() {
      return DurableTrace.fromProto(record.getTrace()).value();
    }

    JsonObject amount() {
      return obj("value", Money.of(minor, Money.CNY).toDecimalString(), "currency", "CNY");
    }

    String paidOn() {
      return Instant.ofEpochSecond(record.getTransactionTime())
          .atZone(SHANGHAI)
          .toLocalDate()
          .toString();
    }
  }

  /** Pushes {@code records} as acquirer {@code code}'s signed batch. */
  void push(String code, String batchId, ClearingRecord... records) throws Exception {
    ClearingBatch.Builder b =
        ClearingBatch.newBuilder().setBatchId(batchId).setAcquirerInstitution(code);
    for (ClearingRecord r : records) {
      b.addRecords(r);
    }
    byte[] body = b.build().toByteArray();
    long ts = clock.instant().getEpochSecond();
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(gateway.listenUrl().resolve("/v1/clearing/batches"))
                .header("Content-Type", BatchParser.PROTOBUF)
                .header(HookSignature.ACQUIRER, code)
                .header(HookSignature.TIMESTAMP, Long.toString(ts))
                .header(
                    HookSignature.SIGNATURE,
                    HookSignature.sign(
                        secrets.get("acq:" + code), ts, "POST", "/v1/clearing/batches", body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  static JsonObject complaint(String description) {
    return obj(
        "category", "quality", "desired_outcome", "refund_money", "description", description);
  }

  Response byToken(Payment p) throws Exception {
    JsonObject c = complaint("token");
    c.addProperty("receipt_token", p.token);
    return post("/v1/complaints", null, c);
  }

  Response byTypedTrace(Payment p) throws Exception {
    JsonObject c = complaint("typed");
    c.addProperty("trace", p.trace());
    c.add("amount", p.amount());
    c.addProperty("paid_on", p.paidOn());
    return post("/v1/complaints", null, c);
  }

  Response byCode(String link, String paidAt, String amount) throws Exception {
    JsonObject c = complaint("code");
    c.addProperty("merchant_code", link);
    c.addProperty("paid_at", paidAt);
    c.add("amount", obj("value", amount, "currency", "CNY"));
    return post("/v1/complaints", null, c);
  }

  /** A QR collection-code payment of acquirer A under {@link #MID_C} (no TID). */
  ClearingRecord codeRecord(Instant at, long minor) {
    return ClearingRecord.newBuilder()
        .setTrace(ClearingFixtures.trace(A, (int) stan.getAndIncrement()))
        .setMerchantNumber(MID_C)
        .setAmount(dev.fangxin.protocol.v1.Money.newBuilder().setMinorUnits(minor).setCurrency(156))
        .setTransactionTime(at.getEpochSecond())
        .setToolType(ToolType.TOOL_TYPE_QR_COLLECTION_CODE)
        .build();
  }

  /** The 81-byte code {@code token} with its last 64 bytes (the signature) replaced. */
  static byte[] withSignature(byte[] token, byte[] signature) {
    byte[] copy = token.clone();
    System.arraycopy(signature, 0, copy, copy.length - 64, 64);
    return copy;
  }

  Response byWallet(Payment p) throws Exception {
    JsonObject c = complaint("wallet");
    c.addProperty("trace", p.trace());
    return post("/v1/complaints", wallet, c);
  }

  List<String> bindingsOfM() throws Exception {
    Response r = ok(api.call("GET", "/v1/merchants/" + M + "/bindings", op, null), 200);
    List<String> out = new ArrayList<>();
    for (var e : r.json().getAsJsonArray("bindings")) {
      JsonObject b = e.getAsJsonObject();
      out.add(
          b.get("tool_id").getAsString()
              + " "
              + b.get("valid_from").getAsString()
              + ".."
              + (b.get("valid_to").isJsonNull() ? "" : b.get("valid_to").getAsString()));
    }
    return out;
  }

  /** Every row of the registry and endpoint tables, to show a refusal changed nothing. */
  String registrySnapshot() throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Connection c = gateway.store().connection();
        Statement s = c.createStatement()) {
      for (String q :
          List.of(
              "SELECT tool_id, merchant_id, valid_from, valid_to FROM tool_bindings ORDER BY id",
              "SELECT id FROM payment_tools ORDER BY id",
              "SELECT merchant_id, url FROM merchant_endpoints ORDER BY merchant_id")) {
        try (ResultSet rs = s.executeQuery(q)) {
          while (rs.next()) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
              sb.append(rs.getString(i)).append('|');
            }
            sb.append('\n');
          }
        }
      }
    }
    return sb.toString();
  }

  /** Outbox rows per target merchant. */
  Map<String, Integer> outboxByMerchant() throws Exception {
    Map<String, Integer> out = new TreeMap<>();
    try (Connection c = gateway.store().connection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT merchant_id, COUNT(*) FROM outbox WHERE merchant_id IS NOT NULL"
                    + " GROUP BY merchant_id")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getInt(2));
      }
    }
    return out;
  }

  static List<String> caseIds(MockMerchant sink) {
    List<String> ids = new ArrayList<>();
    for (MockMerchant.Received r : sink.received()) {
      if (r.verified() && !r.duplicate()) {
        JsonObject event = JsonParser.parseString(r.bodyUtf8()).getAsJsonObject();
        assertThat(event.get("type").getAsString()).isEqualTo("case.created");
        ids.add(event.getAsJsonObject("data").get("case_id").getAsString());
      }
    }
    return ids;
  }

  @Test
  void complaintsFollowTheMerchantAcrossTools() throws Exception {
    start();
    secrets.put("acq:" + A, acquirer(A));
    secrets.put("acq:" + B, acquirer(B));
    merchant(M);
    merchant(N);
    merchantKey =
        ApiKeys.on(gateway.store(), clock).issue("shop-m", Role.MERCHANT, M, null).apiKey();
    String t1 = terminal(A, MID_A, "A1B2C3D4");
    ok(
        post(
            "/v1/tools/" + t1 + "/bindings",
            op,
            obj("merchant_id", M, "from", "2025-12-01T00:00:00Z")),
        201);
    TerminalKeyPair k1 = key(t1);
    MockMerchant oldShop = endpoint(M);
    MockMerchant shopN = endpoint(N);

    // Payments on T1 while M holds it.
    Instant switchAt = NOW.minus(Duration.ofDays(2));
    Payment p1 = new Payment(A, MID_A, "A1B2C3D4", k1, switchAt.minus(Duration.ofDays(3)), 1250);
    Payment p3 = new Payment(A, MID_A, "A1B2C3D4", null, switchAt.minus(Duration.ofDays(2)), 3300);
    Payment p4 = new Payment(A, MID_A, "A1B2C3D4", k1, switchAt.minus(Duration.ofDays(1)), 4400);
    push(A, "a-1", p1.record, p3.record, p4.record);
    // The receipt's summary now names its payment's trace and masked card (never the whole PAN).
    Response summary = api.call("GET", "/D/" + p1.token, null, null);
    ok(summary, 200);
    assertThat(summary.json().get("masked_card").getAsString()).isEqualTo("622202******1234");
    assertThat(summary.json().get("trace").getAsString()).isEqualTo(p1.trace());

    // Refusals of the switch, each changing nothing.
    String before = registrySnapshot();
    MockMerchant newShop =
        MockMerchant.builder().trust(WebhookSecret.parse(secrets.get(M))).clock(clock).start();
    sinks.add(newShop);
    JsonObject toT2 =
        obj(
            "from_tool_id",
            t1,
            "to_kind",
            "card_terminal",
            "to_acquirer",
            B,
            "to_merchant_number",
            MID_B,
            "to_terminal_id",
            "B0000001",
            "at",
            switchAt.toString(),
            "endpoint_url",
            newShop.url().toString());
    String path = "/v1/merchants/" + M + "/tool-switches";
    JsonObject early = toT2.deepCopy();
    early.addProperty("at", "2025-11-30T00:00:00Z");
    assertThat(post(path, op, early).json().get("type").getAsString())
        .endsWith("registry.bad_interval");
    assertThat(
            post("/v1/merchants/" + N + "/tool-switches", op, toT2)
                .json()
                .get("type")
                .getAsString())
        .endsWith("registry.not_bound");
    assertThat(post(path, merchantKey, toT2).status()).isEqualTo(403);
    assertThat(post(path, acquirerBKey, toT2).status()).isEqualTo(403); // endpoint_url
    JsonObject foreign = toT2.deepCopy();
    foreign.remove("endpoint_url");
    foreign.addProperty("to_acquirer", A);
    assertThat(post(path, acquirerBKey, foreign).status()).isEqualTo(403);
    JsonObject badUrl = toT2.deepCopy();
    badUrl.addProperty("endpoint_url", "ftp://x");
    assertThat(post(path, op, badUrl).status()).isEqualTo(422);
    JsonObject self = obj("from_tool_id", t1, "to_tool_id", t1);
    assertThat(post(path, op, self).status()).isEqualTo(422);
    assertThat(post(path, op, obj("from_tool_id", t1, "to_tool_id", "ct:none")).status())
        .isEqualTo(404);
    // A tool bound to N cannot be switched to.
    String spare = terminal(B, MID_B, "B0000009");
    ok(
        post(
            "/v1/tools/" + spare + "/bindings",
            op,
            obj("merchant_id", N, "from", "2025-12-01T00:00:00Z")),
        201);
    before = registrySnapshot();
    Response elsewhere = post(path, op, obj("from_tool_id", t1, "to_tool_id", spare));
    assertThat(elsewhere.status()).as(elsewhere.toString()).isEqualTo(409);
    assertThat(elsewhere.get("type")).endsWith("registry.bound_elsewhere");
    assertThat(registrySnapshot()).isEqualTo(before);

    // The switch: T1 closed, T2 (registered on the way) opened, endpoint moved, in one step.
    Response switched = ok(post(path, op, toT2), 201);
    String t2 = switched.get("to_tool_id");
    assertThat(switched.json().get("tool_registered").getAsBoolean()).isTrue();
    assertThat(switched.json().getAsJsonObject("endpoint").get("url").getAsString())
        .isEqualTo(newShop.url().toString());
    assertThat(switched.json().getAsJsonObject("endpoint").has("secret")).isFalse();
    JsonObject replay = ok(post(path, op, toT2), 200).json();
    assertThat(replay.get("tool_registered").getAsBoolean()).isFalse();
    replay.remove("tool_registered");
    JsonObject first = switched.json();
    first.remove("tool_registered");
    assertThat(replay).isEqualTo(first);
    assertThat(bindingsOfM())
        .containsExactly(t1 + " 2025-12-01T00:00:00Z.." + switchAt, t2 + " " + switchAt + "..");
    assertThat(
            ok(api.call("GET", "/v1/merchants/" + M + "/bindings", merchantKey, null), 200)
                .json()
                .getAsJsonArray("bindings")
                .size())
        .isEqualTo(2);
    assertThat(api.call("GET", "/v1/merchants/" + N + "/bindings", merchantKey, null).status())
        .isEqualTo(404);
    JsonArray seenByB =
        ok(api.call("GET", "/v1/merchants/" + M + "/bindings", acquirerBKey, null), 200)
            .json()
            .getAsJsonArray("bindings");
    assertThat(seenByB).hasSize(1);

    TerminalKeyPair k2 = key(t2);
    Payment p2 = new Payment(B, MID_B, "B0000001", k2, NOW.minus(Duration.ofDays(1)), 2200);
    push(B, "b-1", p2.record);

    // T1 goes to merchant N; a payment on it afterwards is N's.
    Instant rebound = NOW.minus(Duration.ofHours(12));
    ok(
        post(
            "/v1/tools/" + t1 + "/bindings", op, obj("merchant_id", N, "from", rebound.toString())),
        201);
    Payment p5 = new Payment(A, MID_A, "A1B2C3D4", k1, NOW.minus(Duration.ofHours(6)), 5500);
    Payment p6 = new Payment(A, MID_A, "A1B2C3D4", null, NOW.minus(Duration.ofHours(5)), 6600);
    push(A, "a-2", p5.record, p6.record);

    // Every origin reaches M's new endpoint for M's payments, N's for N's.
    Map<String, String> expected = new TreeMap<>();
    Response c1 = ok(byToken(p1), 201);
    expected.put(c1.get("case_id"), M);
    Response c2 = ok(byToken(p2), 201);
    expected.put(c2.get("case_id"), M);
    Response c3 = ok(byTypedTrace(p3), 201);
    expected.put(c3.get("case_id"), M);
    Response c4 = ok(byWallet(p4), 201);
    expected.put(c4.get("case_id"), M);
    Response c5 = ok(byToken(p5), 201);
    expected.put(c5.get("case_id"), N);
    Response c6 = ok(byTypedTrace(p6), 201);
    expected.put(c6.get("case_id"), N);

    // M's collection code (acquirer A, its own MID), kept through the switch.
    String codeTool =
        ok(post("/v1/tools", op, obj("kind", "collection_code", "code_id", A + "." + MID_C)), 201)
            .get("id");
    ok(
        post(
            "/v1/tools/" + codeTool + "/bindings",
            op,
            obj("merchant_id", M, "from", "2025-12-01T00:00:00Z")),
        201);
    TerminalKeyPair codeKey = key(codeTool);
    String link =
        MerchantLink.of(
                "https://fx.example.cn/hz",
                MerchantCode.sign(
                    MerchantCodeClaim.of(codeKey.keyId(), Instant.parse("2025-12-01T00:00:00Z")),
                    codeKey))
            .toString();
    ClearingRecord p7 = codeRecord(NOW.minus(Duration.ofHours(3)), 7700);
    ClearingRecord p8a = codeRecord(NOW.minus(Duration.ofHours(2)), 8800);
    ClearingRecord p8b = codeRecord(NOW.minus(Duration.ofHours(2)).plusSeconds(180), 8800);
    push(A, "a-3", p7, p8a, p8b);
    // The consumer's local time (Asia/Shanghai, no offset), two minutes off, and the amount.
    String localP7 =
        Instant.ofEpochSecond(p7.getTransactionTime())
            .plusSeconds(120)
            .atZone(SHANGHAI)
            .toLocalDateTime()
            .toString();
    Response c7 = ok(byCode(link, localP7, "77.00"), 201);
    assertThat(c7.get("merchant_id")).isEqualTo(M);
    expected.put(c7.get("case_id"), M);
    // The same payment by its trace afterwards is the same case.
    JsonObject typed7 = complaint("typed");
    typed7.addProperty("trace", DurableTrace.fromProto(p7.getTrace()).value());
    Response dup7 = post("/v1/complaints", wallet, typed7);
    assertThat(dup7.status()).as(dup7.toString()).isEqualTo(409);
    assertThat(dup7.get("case_id")).isEqualTo(c7.get("case_id"));
    // Two payments of 88.00 three minutes apart: the trace is needed; the answer names times only.
    Response ambiguous =
        byCode(link, Instant.ofEpochSecond(p8a.getTransactionTime()).toString(), "88.00");
    assertThat(ambiguous.status()).as(ambiguous.toString()).isEqualTo(409);
    assertThat(ambiguous.get("type")).endsWith("clearing.ambiguous_payment");
    assertThat(ambiguous.json().getAsJsonArray("candidates")).hasSize(2);
    assertThat(ambiguous.body())
        .doesNotContain(DurableTrace.fromProto(p8a.getTrace()).value().trim())
        .contains(Instant.ofEpochSecond(p8b.getTransactionTime()).toString());
    // No payment of that amount then.
    Response none = byCode(link, localP7, "77.01");
    assertThat(none.status()).as(none.toString()).isEqualTo(404);
    assertThat(none.get("type")).endsWith("clearing.no_payment");
    Response tooLate =
        byCode(
            link,
            Instant.ofEpochSecond(p7.getTransactionTime()).plus(Duration.ofMinutes(11)).toString(),
            "77.00");
    assertThat(tooLate.get("type")).endsWith("clearing.no_payment");
    // A forged code (another key claiming the code's key ID) and a code of an unknown key.
    TerminalKeyPair other = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    MerchantCode real = MerchantLink.parse(link).code();
    String forged =
        MerchantLink.of(
                "https://fx.example.cn/hz",
                MerchantCode.parse(
                    withSignature(
                        real.toBytes(),
                        other.sign(MerchantCode.signedBytes(real.claim().toBytes())))))
            .toString();
    assertThat(byCode(forged, localP7, "77.00").get("type")).endsWith("intake.bad_signature");
    String stranger =
        MerchantLink.of(
                "https://fx.example.cn/hz",
                MerchantCode.sign(MerchantCodeClaim.of(other.keyId(), NOW), other))
            .toString();
    assertThat(byCode(stranger, localP7, "77.00").get("type")).endsWith("intake.unknown_key");
    assertThat(byCode("HTTPS://FX.EXAMPLE.CN/HZ/M/NOTACODE", localP7, "77.00").get("type"))
        .endsWith("intake.token_malformed");
    for (Response c : List.of(c1, c2, c3, c4)) {
      assertThat(c.get("merchant_id")).isEqualTo(M);
    }
    assertThat(c5.get("merchant_id")).isEqualTo(N);
    assertThat(c6.get("merchant_id")).isEqualTo(N);

    // The same payment by token and by trace is one case, whichever comes first.
    Response again = byTypedTrace(p1);
    assertThat(again.status()).as(again.toString()).isEqualTo(409);
    assertThat(again.get("type")).endsWith("intake.case_already_open");
    assertThat(again.get("case_id")).isEqualTo(c1.get("case_id"));
    Response viaToken = byToken(p4);
    assertThat(viaToken.status()).as(viaToken.toString()).isEqualTo(409);
    assertThat(viaToken.get("case_id")).isEqualTo(c4.get("case_id"));
    assertThat(byWallet(p5).get("case_id")).isEqualTo(c5.get("case_id"));

    // An unknown trace: a clear 404, nothing stored or sent.
    Payment unknown = new Payment(A, MID_A, "A1B2C3D4", null, NOW.minus(Duration.ofHours(1)), 999);
    Map<String, Integer> outbox = outboxByMerchant();
    Response notFound = byTypedTrace(unknown);
    assertThat(notFound.status()).as(notFound.toString()).isEqualTo(404);
    assertThat(notFound.get("type")).endsWith("clearing.unknown_trace");
    assertThat(notFound.get("detail")).isNotBlank();
    assertThat(byWallet(unknown).status()).isEqualTo(404);
    assertThat(outboxByMerchant()).isEqualTo(outbox);

    assertThat(newShop.awaitProcessed(5, Duration.ofSeconds(30))).isTrue();
    assertThat(shopN.awaitProcessed(2, Duration.ofSeconds(30))).isTrue();
    Thread.sleep(500);
    assertThat(outboxByMerchant()).isEqualTo(Map.of(M, 5, N, 2));
    assertThat(oldShop.received()).isEmpty();
    assertThat(caseIds(newShop))
        .containsExactlyInAnyOrder(
            c1.get("case_id"),
            c2.get("case_id"),
            c3.get("case_id"),
            c4.get("case_id"),
            c7.get("case_id"));
    assertThat(caseIds(shopN)).containsExactlyInAnyOrder(c5.get("case_id"), c6.get("case_id"));
    assertThat(newShop.received()).hasSize(5);
    assertThat(shopN.received()).hasSize(2);
  }
}
