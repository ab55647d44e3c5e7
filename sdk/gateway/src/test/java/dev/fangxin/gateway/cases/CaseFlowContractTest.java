package dev.fangxin.gateway.cases;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
import dev.fangxin.gateway.auth.Guard;
import dev.fangxin.gateway.auth.Principal;
import dev.fangxin.gateway.http.GatewayHttpServer;
import dev.fangxin.gateway.http.HttpServerConfig;
import dev.fangxin.gateway.http.Route;
import dev.fangxin.gateway.intake.ComplaintIntake;
import dev.fangxin.gateway.intake.IntakeRoutes;
import dev.fangxin.gateway.intake.ReceiptVerifier;
import dev.fangxin.gateway.registry.PaymentTool;
import dev.fangxin.gateway.registry.Registry;
import dev.fangxin.gateway.store.OutboxItem;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import dev.fangxin.protocol.v1.TransactionType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Shared fixture of the case and intake contract tests: a real store (subclasses say which
 * database), a real registry with two merchants, a card terminal bound to the first and a real
 * Ed25519 terminal key, the real case service, intake and routes served over loopback HTTP, and a
 * {@link MutableClock}.
 */
abstract class CaseFlowContractTest {
  static final Instant T0 = Instant.ofEpochSecond(1_767_225_600L); // 2026-01-01T00:00:00Z
  static final String M = creditCode("91330106MA27XKP9Q");
  static final String N = creditCode("91110000MA01ABCD1");
  static final PaymentTool T1 =
      PaymentTool.cardTerminal(
          InstitutionCode.of("48020000"),
          MerchantNumber.of("898330160110021"),
          TerminalId.of("A1B2C3D4"));
  static final String M_KEY = "key-merchant-m";
  static final String N_KEY = "key-merchant-n";
  static final String OPERATOR_KEY = "key-operator";
  static final String WALLET_KEY = "key-wallet";

  MutableClock clock;
  Store store;
  Registry registry;
  TerminalKeyPair terminal;
  SimpleMeterRegistry meters;
  AtomicInteger wakeUps;
  CaseService cases;
  ReceiptVerifier verifier;
  ComplaintIntake intake;
  GatewayHttpServer server;
  HttpClient client;
  private long nextSequence = 1;

  /** A config for a fresh, empty database, used once per test. */
  abstract StoreConfig freshDatabase() throws Exception;

  static String creditCode(String first17) {
    return first17 + CreditCode.checkCharacter(first17);
  }

  @BeforeEach
  void setUp() throws Exception {
    clock = new MutableClock(T0);
    store = Store.open(freshDatabase());
    registry = Registry.on(store, clock);
    registry.registerMerchant(M, "杭州西湖茶庄有限公司", "zh-CN", "Asia/Shanghai");
    registry.registerMerchant(N, "Beijing Noodles", "en-GB", "Asia/Shanghai");
    registry.registerTool(T1);
    registry.bind(T1.id(), M, T0.minus(Duration.ofDays(30)));
    terminal = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    registry.registerKey(terminal.publicKey(), T1.id(), T0.minus(Duration.ofDays(30)));
    meters = new SimpleMeterRegistry();
    wakeUps = new AtomicInteger();
    cases =
        CaseService.builder(store, clock)
            .meters(meters)
            .afterCommit(wakeUps::incrementAndGet)
            .build();
    verifier = ReceiptVerifier.create(registry, meters);
    intake = ComplaintIntake.create(verifier, cases, meters);
    Map<String, Principal> keys =
        Map.of(
            M_KEY, Principal.merchant("client-m", M),
            N_KEY, Principal.merchant("client-n", N),
            OPERATOR_KEY, Principal.operator("client-op"),
            WALLET_KEY, Principal.walletPartner("client-wallet"));
    Guard guard = Guard.of(key -> Optional.ofNullable(keys.get(key)));
    GatewayHttpServer.Builder b =
        GatewayHttpServer.builder(
            HttpServerConfig.builder().port(0).workerThreads(8).maxPendingRequests(200).build());
    List<Route> routes = new ArrayList<>(IntakeRoutes.create(verifier, intake).routes());
    routes.addAll(CaseRoutes.create(cases, guard).routes());
    for (Route r : routes) {
      b.route(r);
    }
    server = b.build();
    server.start();
    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  // ------------------------------------------------------------------ tokens

  /** A real token signed by the registered terminal key, paid at {@code paidAt}. */
  String token(Instant paidAt) {
    return token(terminal, paidAt, 1250);
  }

  String token(TerminalKeyPair key, Instant paidAt, long minorUnits) {
    DisputeClaim claim =
        DisputeClaim.of(
            TransactionType.TRANSACTION_TYPE_SALE,
            key.keyId(),
            nextSequence++,
            paidAt,
            Money.of(minorUnits, Money.CNY));
    return DisputeLink.encodeToken(DisputeToken.sign(claim, key));
  }

  static JsonObject complaint(String token, String description) {
    JsonObject o = new JsonObject();
    o.addProperty("receipt_token", token);
    o.addProperty("category", "quality");
    o.addProperty("desired_outcome", "refund_money");
    o.addProperty("description", description);
    return o;
  }

  // ------------------------------------------------------------------ HTTP

  /** A response: status, headers and the body parsed as JSON (null when empty). */
  static final class Reply {
    final int status;
    final HttpResponse<String> raw;
    final JsonObject json;

    Reply(HttpResponse<String> raw) {
      this.status = raw.statusCode();
      this.raw = raw;
      this.json =
          raw.body().isEmpty() ? null : JsonParser.parseString(raw.body()).getAsJsonObject();
    }

    String code() {
      return json.get("type").getAsString().substring("https://fangxin.dev/problems/".length());
    }

    String get(String member) {
      return json.get(member).getAsString();
    }

    Optional<String> header(String name) {
      return raw.headers().firstValue(name);
    }
  }

  Reply send(String method, String path, String contentType, byte[] body, String... headers)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      r.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      r.header(headers[i], headers[i + 1]);
    }
    return new Reply(
        client.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
  }

  Reply postJson(String path, JsonElement body, String... headers) throws Exception {
    return send(
        "POST",
        path,
        "application/json",
        body.toString().getBytes(StandardCharsets.UTF_8),
        headers);
  }

  Reply post(String path, String... headers) throws Exception {
    return send("POST", path, null, null, headers);
  }

  Reply get(String path, String... headers) throws Exception {
    return send("GET", path, null, null, headers);
  }

  Reply file(JsonObject complaint, String... headers) throws Exception {
    return postJson("/v1/complaints", complaint, headers);
  }

  /** Files a complaint that must be created; returns its 201 body. */
  JsonObject fileNew(String token, String description) throws Exception {
    Reply r = file(complaint(token, description));
    assertThat(r.status).as(r.raw.body()).isEqualTo(201);
    return r.json;
  }

  /** Claims every due outbox row and reports the case.created ones delivered, as delivery does. */
  List<OutboxItem> deliverAll() {
    List<OutboxItem> items =
        store.outbox().claim("test-worker", 1000, clock.instant(), Duration.ofSeconds(30));
    for (OutboxItem item : items) {
      store.outbox().markDelivered(item.id(), clock.instant());
      cases.onDelivered(item, clock.instant());
    }
    return items;
  }

  // ------------------------------------------------------------------ database

  long count(String sql, Object... params) {
    return store.inTransaction(
        tx -> {
          try (PreparedStatement s = tx.prepareStatement(sql)) {
            bind(s, params);
            try (ResultSet r = s.executeQuery()) {
              r.next();
              return r.getLong(1);
            }
          }
        });
  }

  /** Every outbox row of {@code caseId}, in order: [event_type, target, payload JSON]. */
  List<Object[]> outbox(String caseId) {
    return store.inTransaction(
        tx -> {
          List<Object[]> out = new ArrayList<>();
          try (PreparedStatement s =
              tx.prepareStatement(
                  "SELECT event_type, target, payload, merchant_id FROM outbox WHERE case_id = ?"
                      + " ORDER BY id")) {
            s.setString(1, caseId);
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                out.add(
                    new Object[] {
                      r.getString(1),
                      r.getString(2),
                      JsonParser.parseString(new String(r.getBytes(3), StandardCharsets.UTF_8))
                          .getAsJsonObject(),
                      r.getString(4)
                    });
              }
            }
          }
          return out;
        });
  }

  /** Audit rows of {@code caseId}: [actor, from, to, reason, at]. */
  List<String[]> audit(String caseId) {
    return store.inTransaction(
        tx -> {
          List<String[]> out = new ArrayList<>();
          try (PreparedStatement s =
              tx.prepareStatement(
                  "SELECT actor, from_state, to_state, reason, at FROM audit WHERE case_id = ?"
                      + " ORDER BY id")) {
            s.setString(1, caseId);
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                out.add(
                    new String[] {
                      r.getString(1),
                      r.getString(2),
                      r.getString(3),
                      r.getString(4),
                      Instant.ofEpochSecond(r.getLong(5)).toString()
                    });
              }
            }
          }
          return out;
        });
  }

  String caseState(String caseId) {
    return store.inTransaction(
        tx -> {
          try (PreparedStatement s = tx.prepareStatement("SELECT state FROM cases WHERE id = ?")) {
            s.setString(1, caseId);
            try (ResultSet r = s.executeQuery()) {
              return r.next() ? r.getString(1) : null;
            }
          }
        });
  }

  private static void bind(PreparedStatement s, Object... params) throws java.sql.SQLException {
    for (int i = 0; i < params.length; i++) {
      s.setObject(i + 1, params[i]);
    }
  }

  /** RFC 4648 base32, upper case, no padding: the token text of {@code bytes}. */
  static String base32(byte[] bytes) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder sb = new StringBuilder();
    int acc = 0;
    int bits = 0;
    for (byte b : bytes) {
      acc = (acc << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        sb.append(alphabet.charAt((acc >>> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      sb.append(alphabet.charAt((acc << (5 - bits)) & 31));
    }
    return sb.toString();
  }

  // ================================================================== tests

  @Test
  void receiptSummaryShowsTheMerchantAndTheLocalTime() throws Exception {
    String token = token(T0.minus(Duration.ofHours(3)));
    Reply r = get("/D/" + token);
    assertThat(r.status).as(r.raw.body()).isEqualTo(200);
    assertThat(r.get("merchant_id")).isEqualTo(M);
    assertThat(r.get("merchant_name")).isEqualTo("杭州西湖茶庄有限公司");
    assertThat(r.get("tool_id")).isEqualTo(T1.id());
    assertThat(r.get("key_id")).isEqualTo(terminal.keyId().toHex());
    assertThat(r.get("type")).isEqualTo("sale");
    assertThat(r.json.getAsJsonObject("amount").get("value").getAsString()).isEqualTo("12.50");
    assertThat(r.json.getAsJsonObject("amount").get("currency").getAsString()).isEqualTo("CNY");
    assertThat(r.get("paid_at")).isEqualTo("2025-12-31T21:00:00Z");
    assertThat(r.get("paid_at_local")).isEqualTo("2026-01-01T05:00+08:00");
    assertThat(r.get("time_zone")).isEqualTo("Asia/Shanghai");
    // Lower case decodes to the same receipt.
    assertThat(get("/D/" + token.toLowerCase(java.util.Locale.ROOT)).status).isEqualTo(200);
  }

  @Test
  void complaintCommitsCaseAuditAndOutboxRowTogether() throws Exception {
    String token = token(T0.minus(Duration.ofHours(1)));
    Reply r = file(complaint(token, "The tea was stale."));
    assertThat(r.status).as(r.raw.body()).isEqualTo(201);
    String caseId = r.get("case_id");
    assertThat(caseId).matches("case_[a-z2-7]{26}");
    assertThat(r.header("Location")).contains("/v1/cases/" + caseId);
    assertThat(r.get("merchant_id")).isEqualTo(M);
    assertThat(r.get("created_at")).isEqualTo(T0.toString());
    assertThat(r.get("deadline_at")).isEqualTo(T0.plus(Duration.ofHours(96)).toString());
    String secret = r.get("access_secret");
    assertThat(secret).matches("[A-Za-z0-9_-]{43}");

    assertThat(caseState(caseId)).isEqualTo("received");
    assertThat(count("SELECT COUNT(*) FROM open_receipts WHERE case_id = ?", caseId)).isEqualTo(1);
    assertThat(audit(caseId)).hasSize(1);
    assertThat(audit(caseId).get(0))
        .containsExactly("consumer", null, "received", "filed", T0.toString());
    List<Object[]> rows = outbox(caseId);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0)[0]).isEqualTo("case.created");
    assertThat(rows.get(0)[1]).isEqualTo("merchant");
    assertThat(rows.get(0)[3]).isEqualTo(M);
    JsonObject event = (JsonObject) rows.get(0)[2];
    assertThat(event.get("type").getAsString()).isEqualTo("case.created");
    assertThat(event.get("timestamp").getAsString()).isEqualTo(T0.toString());
    JsonObject data = event.getAsJsonObject("data");
    assertThat(data.get("case_id").getAsString()).isEqualTo(caseId);
    assertThat(data.get("merchant_id").getAsString()).isEqualTo(M);
    assertThat(data.get("state").getAsString()).isEqualTo("received");
    assertThat(data.getAsJsonObject("complaint").get("description").getAsString())
        .isEqualTo("The tea was stale.");
    assertThat(wakeUps.get()).isEqualTo(1);
    assertThat(meters.counter("fangxin.intake.complaints", "outcome", "created").count())
        .isEqualTo(1.0);

    // Only SHA-256 of the secret is stored.
    byte[] stored =
        store.inTransaction(
            tx -> {
              try (PreparedStatement s =
                  tx.prepareStatement("SELECT access_secret_hash FROM cases WHERE id = ?")) {
                s.setString(1, caseId);
                try (ResultSet x = s.executeQuery()) {
                  x.next();
                  return x.getBytes(1);
                }
              }
            });
    assertThat(stored).isEqualTo(StoredCase.sha256(secret));

    // The consumer reads the case with the secret.
    Reply view = get("/v1/cases/" + caseId, "Fangxin-Case-Secret", secret);
    assertThat(view.status).isEqualTo(200);
    assertThat(view.get("state")).isEqualTo("received");
    assertThat(view.json.getAsJsonObject("receipt").get("sequence").getAsLong()).isEqualTo(1);
  }

  @Test
  void sameRequestReplaysTheFirstAnswer() throws Exception {
    String token = token(T0.minus(Duration.ofHours(1)));
    JsonObject c = complaint(token, "Wrong change given.");
    Reply first = file(c, "Idempotency-Key", "k-123");
    assertThat(first.status).isEqualTo(201);
    Reply again = file(c, "Idempotency-Key", "k-123");
    assertThat(again.status).isEqualTo(200);
    assertThat(again.raw.body()).isEqualTo(first.raw.body());
    assertThat(again.header("Location")).isEqualTo(first.header("Location"));

    // Without a header, the key is derived from the request; JSON and protobuf agree.
    String token2 = token(T0.minus(Duration.ofHours(2)));
    JsonObject c2 = complaint(token2, "Overcharged.");
    Reply a = file(c2);
    Reply b = file(c2);
    assertThat(a.status).isEqualTo(201);
    assertThat(b.status).isEqualTo(200);
    assertThat(b.raw.body()).isEqualTo(a.raw.body());
    byte[] proto =
        dev.fangxin.protocol.v1.Complaint.newBuilder()
            .setReceiptToken(token2.toLowerCase(java.util.Locale.ROOT))
            .setCategory(dev.fangxin.protocol.v1.ComplaintCategory.COMPLAINT_CATEGORY_QUALITY)
            .setDesiredOutcome(dev.fangxin.protocol.v1.DesiredOutcome.DESIRED_OUTCOME_REFUND_MONEY)
            .setDescription("Overcharged.")
            .build()
            .toByteArray();
    Reply p = send("POST", "/v1/complaints", "application/x-protobuf", proto);
    assertThat(p.status).as(p.raw.body()).isEqualTo(200);
    assertThat(p.raw.body()).isEqualTo(a.raw.body());

    assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(2);
    assertThat(count("SELECT COUNT(*) FROM outbox")).isEqualTo(2);
    assertThat(meters.counter("fangxin.intake.complaints", "outcome", "replayed").count())
        .isEqualTo(3.0);
  }

  @Test
  void reusedIdempotencyKeyWithAnotherBodyIsRefused() throws Exception {
    String token = token(T0.minus(Duration.ofHours(1)));
    assertThat(file(complaint(token, "First."), "Idempotency-Key", "k-1").status).isEqualTo(201);
    Reply r = file(complaint(token, "Second, different."), "Idempotency-Key", "k-1");
    assertThat(r.status).isEqualTo(422);
    assertThat(r.code()).isEqualTo("intake.idempotency_key_reused");
    assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM outbox")).isEqualTo(1);
  }

  @Test
  void secondOpenComplaintPointsAtTheFirstUntilItIsResolved() throws Exception {
    String token = token(T0.minus(Duration.ofHours(1)));
    JsonObject first = fileNew(token, "Broken cup.");
    String caseId = first.get("case_id").getAsString();
    Reply second = file(complaint(token, "Also the saucer."));
    assertThat(second.status).isEqualTo(409);
    assertThat(second.code()).isEqualTo("intake.case_already_open");
    assertThat(second.get("case_id")).isEqualTo(caseId);
    assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(1);
    assertThat(meters.counter("fangxin.intake.complaints", "outcome", "duplicate_open").count())
        .isEqualTo(1.0);

    // Resolve it: delivered, answered, confirmed.
    deliverAll();
    clock.advance(Duration.ofHours(1));
    Reply answer =
        postJson(
            "/v1/cases/" + caseId + "/responses",
            JsonParser.parseString(
                "{\"kind\": \"refund\", \"amount\": {\"value\": \"12.50\","
                    + " \"currency\": \"CNY\"}}"),
            "Authorization",
            "Bearer " + M_KEY);
    assertThat(answer.status).as(answer.raw.body()).isEqualTo(200);
    assertThat(answer.json.getAsJsonObject("response").get("kind").getAsString())
        .isEqualTo("refund");
    assertThat(
            answer
                .json
                .getAsJsonObject("response")
                .getAsJsonObject("amount")
                .get("value")
                .getAsString())
        .isEqualTo("12.50");
    clock.advance(Duration.ofHours(1));
    Reply confirm =
        post(
            "/v1/cases/" + caseId + "/confirmation",
            "Fangxin-Case-Secret",
            first.get("access_secret").getAsString());
    assertThat(confirm.status).as(confirm.raw.body()).isEqualTo(200);
    assertThat(confirm.get("state")).isEqualTo("resolved");
    assertThat(count("SELECT COUNT(*) FROM open_receipts")).isEqualTo(0);

    Reply third = file(complaint(token, "It broke again."));
    assertThat(third.status).as(third.raw.body()).isEqualTo(201);
    assertThat(third.get("case_id")).isNotEqualTo(caseId);
  }

  @Test
  void revokedKeyRefusesReceiptsSignedAtOrAfterRevocation() throws Exception {
    Instant revokedAt = T0.minus(Duration.ofDays(1));
    String before = token(revokedAt.minusSeconds(1));
    String at = token(revokedAt);
    String after = token(revokedAt.plus(Duration.ofHours(5)));
    registry.revokeKey(terminal.keyId(), revokedAt);

    assertThat(file(complaint(before, "Signed before revocation.")).status).isEqualTo(201);
    for (String t : List.of(at, after)) {
      Reply r = file(complaint(t, "Signed after revocation."));
      assertThat(r.status).isEqualTo(422);
      assertThat(r.code()).isEqualTo("intake.token_revoked");
      assertThat(get("/D/" + t).code()).isEqualTo("intake.token_revoked");
    }
    assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(1);
    assertThat(
            meters
                .counter("fangxin.intake.verification.failures", "reason", "intake.token_revoked")
                .count())
        .isEqualTo(4.0);
  }

  @Test
  void unknownKeyIsRefused() throws Exception {
    TerminalKeyPair stranger = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    String t = token(stranger, T0.minusSeconds(60), 100);
    Reply r = file(complaint(t, "From an unregistered till."));
    assertThat(r.status).isEqualTo(422);
    assertThat(r.code()).isEqualTo("intake.unknown_key");
    assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(0);
  }

  @Test
  void forgedAndAlteredTokensAreRefused() throws Exception {
    String good = token(T0.minusSeconds(60));
    byte[] bytes = DisputeLink.decodeToken(good).toBytes();
    // Flip one bit in every byte of the claim body and of the signature.
    for (int i = 2; i < bytes.length; i++) {
      if (i == 27 || i == 28) {
        continue; // the signature field's tag and length: framing, not content
      }
      for (int bit : new int[] {0, 7}) {
        byte[] altered = bytes.clone();
        altered[i] ^= (byte) (1 << bit);
        String text = base32(altered);
        try {
          verifier.verify(text);
          throw new AssertionError("altered byte " + i + " bit " + bit + " was accepted");
        } catch (dev.fangxin.gateway.intake.IntakeException e) {
          assertThat(e.reason())
              .as("byte %d bit %d", i, bit)
              .isIn("intake.token_malformed", "intake.bad_signature", "intake.unknown_key");
        }
      }
    }
    // Over HTTP: a flipped signature bit, and a changed character of the text.
    byte[] sig = bytes.clone();
    sig[60] ^= 1;
    Reply r = file(complaint(base32(sig), "Forged."));
    assertThat(r.status).isEqualTo(422);
    assertThat(r.code()).isEqualTo("intake.bad_signature");
    char[] chars = good.toCharArray();
    chars[100] = chars[100] == 'A' ? 'B' : 'A';
    Reply changed = get("/D/" + new String(chars));
    assertThat(changed.status).isIn(400, 422);
    Reply garbage = get("/D/NOT-A-TOKEN");
    assertThat(garbage.status).isEqualTo(400);
    assertThat(garbage.code()).isEqualTo("intake.token_malformed");
    assertThat(garbage.get("token_reason")).isEqualTo("token.bad_encoding");
    assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(0);
  }

  @Test
  void receiptsRouteByTheBindingValidWhenTheyWereSigned() throws Exception {
    Instant rebind = T0.minus(Duration.ofDays(10));
    registry.bind(T1.id(), N, rebind);
    Reply old = file(complaint(token(rebind.minusSeconds(1)), "Paid to M."));
    Reply recent = file(complaint(token(rebind), "Paid to N."));
    assertThat(old.status).isEqualTo(201);
    assertThat(recent.status).isEqualTo(201);
    assertThat(old.get("merchant_id")).isEqualTo(M);
    assertThat(recent.get("merchant_id")).isEqualTo(N);
    assertThat(outbox(recent.get("case_id")).get(0)[3]).isEqualTo(N);

    // Before the first binding the tool belonged to no one.
    Reply none = file(complaint(token(T0.minus(Duration.ofDays(40))), "Too early."));
    assertThat(none.status).isEqualTo(422);
    assertThat(none.code()).isEqualTo("intake.no_merchant");
  }

  @Test
  void merchantsSeeAndAnswerOnlyTheirOwnCases() throws Exception {
    JsonObject filed = fileNew(token(T0.minusSeconds(60)), "Cold soup.");
    String id = filed.get("case_id").getAsString();
    String path = "/v1/cases/" + id;

    // Acknowledging before delivery is an illegal transition.
    Reply early = post(path + "/acknowledgement", "Authorization", "Bearer " + M_KEY);
    assertThat(early.status).isEqualTo(409);
    assertThat(early.code()).isEqualTo("case.illegal_transition");

    deliverAll();
    assertThat(caseState(id)).isEqualTo("delivered");
    deliverAll(); // nothing left; a repeated delivery report changes nothing
    assertThat(audit(id)).hasSize(2);

    assertThat(get(path, "Authorization", "Bearer " + M_KEY).status).isEqualTo(200);
    assertThat(get(path, "Authorization", "Bearer " + OPERATOR_KEY).status).isEqualTo(200);
    for (Reply r :
        List.of(
            get(path, "Authorization", "Bearer " + N_KEY),
            get(path, "Authorization", "Bearer " + WALLET_KEY),
            get(path, "Fangxin-Case-Secret", "wrong"),
            get(
                "/v1/cases/case_aaaaaaaaaaaaaaaaaaaaaaaaaa",
                "Authorization",
                "Bearer " + OPERATOR_KEY),
            post(path + "/acknowledgement", "Authorization", "Bearer " + N_KEY),
            postJson(
                path + "/responses",
                JsonParser.parseString("{\"kind\": \"accept\"}"),
                "Authorization",
                "Bearer " + N_KEY),
            post(path + "/confirmation", "Fangxin-Case-Secret", "wrong"))) {
      assertThat(r.status).as(r.raw.body()).isEqualTo(404);
      assertThat(r.code()).isEqualTo("case.not_found");
    }
    Reply anonymous = get(path);
    assertThat(anonymous.status).isEqualTo(401);
    assertThat(anonymous.code()).isEqualTo("auth.missing_credentials");
    Reply wallet = post(path + "/acknowledgement", "Authorization", "Bearer " + WALLET_KEY);
    assertThat(wallet.status).isEqualTo(403);
    assertThat(post(path + "/confirmation").code()).isEqualTo("case.missing_secret");
    assertThat(caseState(id)).isEqualTo("delivered");

    clock.advance(Duration.ofMinutes(5));
    Reply ack = post(path + "/acknowledgement", "Authorization", "Bearer " + M_KEY);
    assertThat(ack.status).as(ack.raw.body()).isEqualTo(200);
    assertThat(ack.get("state")).isEqualTo("acknowledged");

    // Validation of the answer.
    Reply bad =
        postJson(
            path + "/responses",
            JsonParser.parseString(
                "{\"kind\": \"accept\", \"amount\": {\"value\": \"1.00\", \"currency\": \"CNY\"}}"),
            "Authorization",
            "Bearer " + M_KEY);
    assertThat(bad.status).isEqualTo(422);
    assertThat(bad.code()).isEqualTo("case.invalid_answer");
    Reply tooMuch =
        postJson(
            path + "/responses",
            JsonParser.parseString(
                "{\"kind\": \"refund\", \"amount\": {\"value\": \"99.00\", \"currency\": \"CNY\"}}"),
            "Authorization",
            "Bearer " + M_KEY);
    assertThat(tooMuch.code()).isEqualTo("case.invalid_answer");
    Reply unknown =
        postJson(
            path + "/responses",
            JsonParser.parseString("{\"kind\": \"maybe\", \"colour\": \"red\"}"),
            "Authorization",
            "Bearer " + M_KEY);
    assertThat(unknown.status).isEqualTo(422);
    assertThat(unknown.code()).isEqualTo("case.invalid_field");
    assertThat(unknown.raw.body()).contains("\"field\":\"colour\"");
    Reply notJson =
        send(
            "POST",
            path + "/responses",
            "text/plain",
            "kind=accept".getBytes(StandardCharsets.UTF_8),
            "Authorization",
            "Bearer " + M_KEY);
    assertThat(notJson.status).isEqualTo(415);
    assertThat(caseState(id)).isEqualTo("acknowledged");

    Reply answered =
        postJson(
            path + "/responses",
            JsonParser.parseString(
                "{\"kind\": \"proposal\", \"message\": \"A voucher?\", \"amount\": {\"value\": \"20.00\", \"currency\": \"CNY\"}}"),
            "Authorization",
            "Bearer " + M_KEY);
    assertThat(answered.status).as(answered.raw.body()).isEqualTo(200);
    assertThat(answered.get("state")).isEqualTo("answered");
    Reply twice =
        postJson(
            path + "/responses",
            JsonParser.parseString("{\"kind\": \"accept\"}"),
            "Authorization",
            "Bearer " + M_KEY);
    assertThat(twice.status).isEqualTo(409);
    assertThat(twice.code()).isEqualTo("case.illegal_transition");

    // Listing: own cases only.
    fileNew(token(T0.minusSeconds(30)), "Another one.");
    Reply mine = get("/v1/cases?state=answered", "Authorization", "Bearer " + M_KEY);
    assertThat(mine.status).isEqualTo(200);
    assertThat(mine.json.getAsJsonArray("cases")).hasSize(1);
    assertThat(get("/v1/cases", "Authorization", "Bearer " + M_KEY).json.getAsJsonArray("cases"))
        .hasSize(2);
    assertThat(get("/v1/cases", "Authorization", "Bearer " + N_KEY).json.getAsJsonArray("cases"))
        .isEmpty();
    assertThat(get("/v1/cases?state=lost", "Authorization", "Bearer " + M_KEY).code())
        .isEqualTo("case.invalid_query");
    assertThat(get("/v1/cases", "Authorization", "Bearer " + WALLET_KEY).status).isEqualTo(403);
  }

  @Test
  void consumerDeclineEscalatesWithTheWholeRecord() throws Exception {
    JsonObject filed = fileNew(token(T0.minusSeconds(60)), "Short weight.");
    String id = filed.get("case_id").getAsString();
    String secret = filed.get("access_secret").getAsString();
    deliverAll();
    clock.advance(Duration.ofHours(2));
    assertThat(
            postJson(
                    "/v1/cases/" + id + "/responses",
                    JsonParser.parseString(
                        "{\"kind\": \"reject\", \"message\": \"Scales are certified.\"}"),
                    "Authorization",
                    "Bearer " + M_KEY)
                .status)
        .isEqualTo(200);
    clock.advance(Duration.ofHours(2));
    int before = wakeUps.get();
    Reply declined =
        postJson(
            "/v1/cases/" + id + "/decline",
            JsonParser.parseString("{\"reason\": \"I weighed it at home.\"}"),
            "Fangxin-Case-Secret",
            secret);
    assertThat(declined.status).as(declined.raw.body()).isEqualTo(200);
    assertThat(declined.get("state")).isEqualTo("escalated");
    assertThat(wakeUps.get()).isEqualTo(before + 1);
    assertThat(count("SELECT COUNT(*) FROM open_receipts")).isEqualTo(0);

    List<Object[]> rows = outbox(id);
    assertThat(rows)
        .extracting(x -> x[0] + "/" + x[1])
        .containsExactly(
            "case.created/merchant", "case.escalated/merchant", "case.escalated/regulator");
    JsonObject regulator = ((JsonObject) rows.get(2)[2]).getAsJsonObject("data");
    assertThat(regulator.get("case_id").getAsString()).isEqualTo(id);
    assertThat(regulator.get("merchant_id").getAsString()).isEqualTo(M);
    assertThat(regulator.get("state").getAsString()).isEqualTo("escalated");
    assertThat(regulator.getAsJsonObject("complaint").get("description").getAsString())
        .isEqualTo("Short weight.");
    assertThat(regulator.getAsJsonObject("receipt").get("merchant_id").getAsString()).isEqualTo(M);
    assertThat(regulator.getAsJsonObject("response").get("message").getAsString())
        .isEqualTo("Scales are certified.");
    assertThat(regulator.getAsJsonArray("transitions")).hasSize(3);
    assertThat(regulator.getAsJsonObject("escalation").get("reason").getAsString())
        .isEqualTo("I weighed it at home.");
    JsonObject merchantCopy = ((JsonObject) rows.get(1)[2]).getAsJsonObject("data");
    assertThat(merchantCopy.get("state").getAsString()).isEqualTo("escalated");
    assertThat(merchantCopy.has("complaint")).isFalse();

    // Final: nothing more changes it.
    Reply again = post("/v1/cases/" + id + "/confirmation", "Fangxin-Case-Secret", secret);
    assertThat(again.status).isEqualTo(409);
    assertThat(again.code()).isEqualTo("case.final_state");
  }

  @Test
  void consumerConfirmationResolvesAndTellsTheMerchant() throws Exception {
    JsonObject filed = fileNew(token(T0.minusSeconds(60)), "Late delivery.");
    String id = filed.get("case_id").getAsString();
    deliverAll();
    clock.advance(Duration.ofHours(1));
    postJson(
        "/v1/cases/" + id + "/responses",
        JsonParser.parseString("{\"kind\": \"accept\"}"),
        "Authorization",
        "Bearer " + M_KEY);
    clock.advance(Duration.ofHours(1));
    Reply ok =
        post(
            "/v1/cases/" + id + "/confirmation",
            "Fangxin-Case-Secret",
            filed.get("access_secret").getAsString());
    assertThat(ok.get("state")).isEqualTo("resolved");
    List<Object[]> rows = outbox(id);
    assertThat(rows)
        .extracting(x -> x[0] + "/" + x[1])
        .containsExactly("case.created/merchant", "case.updated/merchant");
    JsonObject data = ((JsonObject) rows.get(1)[2]).getAsJsonObject("data");
    assertThat(data.get("state").getAsString()).isEqualTo("resolved");
    assertThat(data.getAsJsonObject("transition").get("actor").getAsString()).isEqualTo("consumer");
    assertThat(
            meters
                .counter("fangxin.cases.transitions", "from", "answered", "to", "resolved")
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void deadlineEscalatesOnceEvenWithTwoTimers() throws Exception {
    JsonObject filed = fileNew(token(T0.minusSeconds(60)), "No answer ever.");
    String id = filed.get("case_id").getAsString();
    deliverAll();
    CaseTimers a = CaseTimers.create(cases, clock, Duration.ofHours(1));
    CaseTimers b = CaseTimers.create(cases, clock, Duration.ofHours(1));
    assertThat(a.runOnce(clock.instant())).isZero();

    // Escalation by the consumer is refused before the deadline.
    Reply early =
        post(
            "/v1/cases/" + id + "/escalation",
            "Fangxin-Case-Secret",
            filed.get("access_secret").getAsString());
    assertThat(early.status).isEqualTo(409);
    assertThat(early.code()).isEqualTo("case.deadline_not_passed");

    clock.advance(Duration.ofHours(97));
    Instant now = clock.instant();
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var fa =
          pool.submit(
              () -> {
                go.await();
                return a.runOnce(now);
              });
      var fb =
          pool.submit(
              () -> {
                go.await();
                return b.runOnce(now);
              });
      go.countDown();
      assertThat(fa.get() + fb.get()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(caseState(id)).isEqualTo("escalated");
    assertThat(a.runOnce(now)).isZero();
    assertThat(outbox(id))
        .extracting(x -> x[0] + "/" + x[1])
        .containsExactly(
            "case.created/merchant", "case.escalated/merchant", "case.escalated/regulator");
    List<String[]> trail = audit(id);
    assertThat(trail.get(trail.size() - 1))
        .containsExactly(
            "system", "delivered", "escalated", "merchant deadline passed", now.toString());

    Reply late = post("/v1/cases/" + id + "/acknowledgement", "Authorization", "Bearer " + M_KEY);
    assertThat(late.status).isEqualTo(409);
    assertThat(late.code()).isEqualTo("case.final_state");
  }

  @Test
  void merchantIsRefusedAfterTheDeadlineEvenBeforeTheTimerRuns() throws Exception {
    JsonObject filed = fileNew(token(T0.minusSeconds(60)), "Slow merchant.");
    String id = filed.get("case_id").getAsString();
    deliverAll();
    clock.advance(Duration.ofHours(96));
    Reply late =
        postJson(
            "/v1/cases/" + id + "/responses",
            JsonParser.parseString("{\"kind\": \"accept\"}"),
            "Authorization",
            "Bearer " + M_KEY);
    assertThat(late.status).isEqualTo(409);
    assertThat(late.code()).isEqualTo("case.deadline_passed");
    assertThat(caseState(id)).isEqualTo("delivered");
    // The consumer may now escalate in one request.
    Reply esc =
        post(
            "/v1/cases/" + id + "/escalation",
            "Fangxin-Case-Secret",
            filed.get("access_secret").getAsString());
    assertThat(esc.status).isEqualTo(200);
    assertThat(esc.get("state")).isEqualTo("escalated");
    assertThat(CaseTimers.create(cases, clock, Duration.ofHours(1)).runOnce(clock.instant()))
        .isZero();
  }

  @Test
  void everyTransitionHasAnAuditRow() throws Exception {
    JsonObject filed = fileNew(token(T0.minusSeconds(60)), "Audit me.");
    String id = filed.get("case_id").getAsString();
    deliverAll();
    clock.advance(Duration.ofMinutes(1));
    post("/v1/cases/" + id + "/acknowledgement", "Authorization", "Bearer " + M_KEY);
    clock.advance(Duration.ofMinutes(1));
    postJson(
        "/v1/cases/" + id + "/responses",
        JsonParser.parseString("{\"kind\": \"refund\"}"),
        "Authorization",
        "Bearer " + M_KEY);
    clock.advance(Duration.ofMinutes(1));
    Reply done =
        post(
            "/v1/cases/" + id + "/decline",
            "Fangxin-Case-Secret",
            filed.get("access_secret").getAsString());
    JsonArray transitions = done.json.getAsJsonArray("transitions");
    List<String[]> trail = audit(id);
    assertThat(trail).hasSize(transitions.size() + 1);
    assertThat(trail)
        .extracting(r -> r[0] + ":" + r[1] + "->" + r[2])
        .containsExactly(
            "consumer:null->received",
            "system:received->delivered",
            "merchant:" + M + ":delivered->acknowledged",
            "merchant:" + M + ":acknowledged->answered",
            "consumer:answered->escalated");
    for (int i = 0; i < transitions.size(); i++) {
      JsonObject t = transitions.get(i).getAsJsonObject();
      String[] row = trail.get(i + 1);
      assertThat(t.get("actor").getAsString()).isEqualTo(row[0]);
      assertThat(t.get("from").getAsString()).isEqualTo(row[1]);
      assertThat(t.get("to").getAsString()).isEqualTo(row[2]);
      assertThat(t.get("reason").getAsString()).isEqualTo(row[3]);
      assertThat(t.get("at").getAsString()).isEqualTo(row[4]);
    }
    // The record reads back equal from the store.
    StoredCase stored = cases.find(id).orElseThrow();
    assertThat(stored.record().transitions()).hasSize(4);
    assertThat(CaseJson.view(stored)).isEqualTo(done.json);
  }

  @Test
  void metacharactersAreStoredAndReturnedVerbatim() throws Exception {
    String description =
        "Robert'); DROP TABLE cases;-- <script>alert(\"x\")</script> & %s \\ \u6f22\u5b57 \ud83d\ude00\nline 2";
    String name = "O'Brien <b>\"Bobby\"</b> ; --";
    JsonObject c = complaint(token(T0.minusSeconds(60)), description);
    JsonObject contact = new JsonObject();
    contact.addProperty("phone", "+8613800138000");
    contact.addProperty("name", name);
    c.add("contact", contact);
    Reply r = file(c, "Idempotency-Key", "';DELETE/**/FROM/**/cases;--<x>\"");
    assertThat(r.status).as(r.raw.body()).isEqualTo(201);
    String id = r.get("case_id");
    deliverAll();
    clock.advance(Duration.ofMinutes(1));
    String message = "<img src=x onerror=alert(1)>' OR '1'='1 \"quoted\"";
    JsonObject answer = new JsonObject();
    answer.addProperty("kind", "reject");
    answer.addProperty("message", message);
    answer.addProperty("reason", "reason with ' and \" and <tag>");
    assertThat(
            postJson("/v1/cases/" + id + "/responses", answer, "Authorization", "Bearer " + M_KEY)
                .status)
        .isEqualTo(200);

    Reply view = get("/v1/cases/" + id, "Fangxin-Case-Secret", r.get("access_secret"));
    assertThat(view.status).isEqualTo(200);
    JsonObject complaint = view.json.getAsJsonObject("complaint");
    assertThat(complaint.get("description").getAsString()).isEqualTo(description);
    assertThat(complaint.getAsJsonObject("contact").get("name").getAsString()).isEqualTo(name);
    assertThat(view.json.getAsJsonObject("response").get("message").getAsString())
        .isEqualTo(message);
    assertThat(view.raw.body()).doesNotContain("alert(\"x\")"); // quotes are escaped
    assertThat(audit(id).get(2)[3]).isEqualTo("reason with ' and \" and <tag>");
    StoredCase stored = cases.find(id).orElseThrow();
    assertThat(stored.complaint().description()).isEqualTo(description);
    assertThat(stored.record().lastResponseMessage()).contains(message);
    assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(1);
    // Replay with the same odd key still finds the case.
    assertThat(file(c, "Idempotency-Key", "';DELETE/**/FROM/**/cases;--<x>\"").status)
        .isEqualTo(200);
  }

  @Test
  void invalidComplaintsAreRefusedNamingEachField() throws Exception {
    String token = token(T0.minusSeconds(60));
    JsonObject c = complaint(token, "x".repeat(2001));
    c.addProperty("category", "bad-food");
    c.addProperty("colour", "red");
    JsonObject contact = new JsonObject();
    contact.addProperty("phone", "call me");
    c.add("contact", contact);
    Reply r = file(c);
    assertThat(r.status).isEqualTo(422);
    assertThat(r.code()).isEqualTo("intake.invalid_field");
    assertThat(r.json.getAsJsonArray("errors"))
        .extracting(e -> e.getAsJsonObject().get("field").getAsString())
        .containsExactlyInAnyOrder("colour", "category", "description", "contact.phone");

    JsonObject wrongType = complaint(token, "ok");
    wrongType.addProperty("desired_outcome", 3);
    assertThat(
            file(wrongType)
                .json
                .getAsJsonArray("errors")
                .get(0)
                .getAsJsonObject()
                .get("field")
                .getAsString())
        .isEqualTo("desired_outcome");
    Reply dup =
        send(
            "POST",
            "/v1/complaints",
            "application/json",
            ("{\"receipt_token\": \"" + token + "\", \"receipt_token\": \"x\"}")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(dup.status).isEqualTo(422);
    Reply malformed =
        send(
            "POST",
            "/v1/complaints",
            "application/json",
            "{\"receipt_token\": ".getBytes(StandardCharsets.UTF_8));
    assertThat(malformed.status).isEqualTo(400);
    assertThat(malformed.code()).isEqualTo("intake.malformed_body");
    Reply text =
        send("POST", "/v1/complaints", "text/plain", "hello".getBytes(StandardCharsets.UTF_8));
    assertThat(text.status).isEqualTo(415);
    assertThat(text.code()).isEqualTo("intake.unsupported_media_type");
    Reply notProto =
        send("POST", "/v1/complaints", "application/x-protobuf", new byte[] {(byte) 0xff, 0x01});
    assertThat(notProto.status).isEqualTo(400);
    byte[] otherOrigin =
        dev.fangxin.protocol.v1.Complaint.newBuilder()
            .setTrace(dev.fangxin.protocol.v1.TracedPayment.getDefaultInstance())
            .setCategory(dev.fangxin.protocol.v1.ComplaintCategory.COMPLAINT_CATEGORY_PRICE)
            .setDesiredOutcome(dev.fangxin.protocol.v1.DesiredOutcome.DESIRED_OUTCOME_APOLOGY)
            .setDescription("Trace origin.")
            .build()
            .toByteArray();
    Reply origin = send("POST", "/v1/complaints", "application/x-protobuf", otherOrigin);
    assertThat(origin.status).isEqualTo(422);
    assertThat(origin.raw.body()).contains("\"field\":\"trace\"");
    Reply badKey = file(complaint(token, "ok"), "Idempotency-Key", "has space");
    assertThat(badKey.status).isEqualTo(422);
    assertThat(badKey.raw.body()).contains("Idempotency-Key");
    assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(0);
    assertThat(count("SELECT COUNT(*) FROM outbox")).isEqualTo(0);
    assertThat(meters.counter("fangxin.intake.complaints", "outcome", "refused").count())
        .isEqualTo(8.0);
  }

  @Test
  void twentyConcurrentFilingsOfOneReceiptOpenExactlyOneCase() throws Exception {
    String token = token(T0.minusSeconds(60));
    List<Reply> different = race(20, i -> complaint(token, "Filing number " + i));
    assertThat(different).filteredOn(r -> r.status == 201).hasSize(1);
    String id =
        different.stream().filter(r -> r.status == 201).findFirst().orElseThrow().get("case_id");
    assertThat(different)
        .filteredOn(r -> r.status == 409)
        .hasSize(19)
        .allSatisfy(r -> assertThat(r.get("case_id")).isEqualTo(id));
    assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM open_receipts")).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM outbox")).isEqualTo(1);

    String token2 = token(T0.minusSeconds(30));
    List<Reply> same = race(20, i -> complaint(token2, "Always the same."));
    assertThat(same).filteredOn(r -> r.status == 201).hasSize(1);
    assertThat(same).filteredOn(r -> r.status == 200).hasSize(19);
    assertThat(same).extracting(r -> r.raw.body()).containsOnly(same.get(0).raw.body());
    assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(2);
  }

  @Test
  void concurrentFilingsCommittedTogetherAnswerEachRequestOnItsOwn() throws Exception {
    // Filed first: a case open on receipt R, and a filing whose replay will be sent again.
    String tokenR = token(T0.minusSeconds(90));
    String openOnR = fileNew(tokenR, "Already open.").get("case_id").getAsString();
    String tokenP = token(T0.minusSeconds(80));
    Reply first = file(complaint(tokenP, "Replayed."), "Idempotency-Key", "replay-key-1");
    assertThat(first.status).isEqualTo(201);
    int before = wakeUps.get();

    // Then, all at once (committed in groups): 24 new receipts, 4 more complaints on R, 4
    // replays, and 2 identical new filings (one group cannot hold both).
    String tokenD = token(T0.minusSeconds(70));
    List<String> fresh = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      fresh.add(token(T0.minusSeconds(60 - i)));
    }
    List<Reply> replies =
        race(
            34,
            i -> {
              if (i < 24) {
                return complaint(fresh.get(i), "New number " + i);
              } else if (i < 28) {
                return complaint(tokenR, "Again on R " + i);
              } else if (i < 32) {
                JsonObject c = complaint(tokenP, "Replayed.");
                c.addProperty("idempotency_key", "replay-key-1");
                return c;
              }
              return complaint(tokenD, "Twice the same.");
            });
    List<Reply> created = replies.subList(0, 24);
    assertThat(created).allSatisfy(r -> assertThat(r.status).as(r.raw.body()).isEqualTo(201));
    assertThat(created.stream().map(r -> r.get("case_id")).distinct()).hasSize(24);
    assertThat(replies.subList(24, 28))
        .allSatisfy(
            r -> {
              assertThat(r.status).isEqualTo(409);
              assertThat(r.get("case_id")).isEqualTo(openOnR);
            });
    assertThat(replies.subList(28, 32))
        .allSatisfy(
            r -> {
              assertThat(r.status).isEqualTo(200);
              assertThat(r.raw.body()).isEqualTo(first.raw.body());
            });
    assertThat(replies.subList(32, 34))
        .extracting(r -> r.status)
        .containsExactlyInAnyOrder(201, 200);
    assertThat(replies.get(32).raw.body()).isEqualTo(replies.get(33).raw.body());

    // Every answered case is stored whole: case, open receipt, audit row, outbox row.
    assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(2 + 24 + 1);
    assertThat(count("SELECT COUNT(*) FROM open_receipts")).isEqualTo(2 + 24 + 1);
    assertThat(count("SELECT COUNT(*) FROM audit")).isEqualTo(2 + 24 + 1);
    assertThat(count("SELECT COUNT(*) FROM outbox")).isEqualTo(2 + 24 + 1);
    for (Reply r : created) {
      assertThat(caseState(r.get("case_id"))).isEqualTo("received");
      assertThat(outbox(r.get("case_id"))).hasSize(1);
    }
    assertThat(wakeUps.get()).isGreaterThan(before);
    assertThat(meters.counter("fangxin.intake.complaints", "outcome", "created").count())
        .isEqualTo(2 + 24 + 1);
  }

  @Test
  void deliveriesReportedTogetherMoveEachCaseOnce() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(fileNew(token(T0.minusSeconds(60 - i)), "Batch " + i).get("case_id").getAsString());
    }
    List<OutboxItem> items =
        store.outbox().claim("test-worker", 10, clock.instant(), Duration.ofSeconds(30));
    assertThat(items).hasSize(5);
    // One case is answered by the merchant already (delivered, then acknowledged): left alone.
    OutboxItem early = items.get(0);
    cases.onDelivered(early, clock.instant());
    cases.acknowledge(early.caseId().orElseThrow(), M, "seen");
    clock.advance(Duration.ofSeconds(7));
    for (OutboxItem item : items) {
      store.outbox().markDelivered(item.id(), clock.instant());
    }
    cases.onDeliveredAll(items, clock.instant());
    cases.onDeliveredAll(items, clock.instant()); // again: at least once is harmless
    for (OutboxItem item : items) {
      String id = item.caseId().orElseThrow();
      if (item == early) {
        assertThat(caseState(id)).isEqualTo("acknowledged");
        assertThat(count("SELECT COUNT(*) FROM audit WHERE case_id = ?", id)).isEqualTo(3);
      } else {
        assertThat(caseState(id)).isEqualTo("delivered");
        assertThat(
                count(
                    "SELECT COUNT(*) FROM audit WHERE case_id = ? AND to_state = 'delivered'"
                        + " AND at = ?",
                    id,
                    T0.getEpochSecond() + 7))
            .isEqualTo(1);
      }
    }
  }

  @Test
  void staleWriterLosesTheOptimisticCheck() throws Exception {
    String id = fileNew(token(T0.minusSeconds(60)), "Race me.").get("case_id").getAsString();
    deliverAll();
    StoredCase stale = cases.find(id).orElseThrow();
    clock.advance(Duration.ofMinutes(1));
    cases.acknowledge(id, M, "first writer");
    CaseRecord next =
        CaseLifecycle.create(clock)
            .apply(
                stale.record(),
                Event.merchantAnswered(
                    M,
                    dev.fangxin.protocol.v1.ResponseKind.RESPONSE_KIND_ACCEPT,
                    Optional.empty(),
                    "second writer"));
    int auditRows = audit(id).size();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                store.inTransaction(
                    tx -> {
                      cases.caseStore().update(tx, stale, next, Optional.empty());
                      return null;
                    }))
        .isInstanceOf(CaseException.class)
        .satisfies(
            e ->
                assertThat(((CaseException) e).reasonCode())
                    .isEqualTo(CaseException.Reason.CONCURRENT_UPDATE));
    assertThat(caseState(id)).isEqualTo("acknowledged");
    assertThat(audit(id)).hasSize(auditRows);
  }

  @Test
  void deadLetteredCreationIsLeftToTheDeadlineTimer() throws Exception {
    String id =
        fileNew(token(T0.minusSeconds(60)), "Endpoint is down.").get("case_id").getAsString();
    clock.advance(Duration.ofHours(80));
    List<OutboxItem> items =
        store.outbox().claim("test-worker", 10, clock.instant(), Duration.ofSeconds(30));
    assertThat(items).hasSize(1);
    store.outbox().markDead(items.get(0).id(), clock.instant());
    cases.onDeadLettered(items.get(0), clock.instant());
    assertThat(caseState(id)).isEqualTo("received");
    clock.advance(Duration.ofHours(17));
    // A late delivery report is still recorded; the merchant can no longer act, and the timer
    // escalates.
    cases.onDelivered(items.get(0), clock.instant());
    assertThat(caseState(id)).isEqualTo("delivered");
    assertThat(CaseTimers.create(cases, clock, Duration.ofSeconds(1)).runOnce(clock.instant()))
        .isEqualTo(1);
    assertThat(caseState(id)).isEqualTo("escalated");

    // A dead letter reported after the deadline escalates at once.
    String id2 = fileNew(token(T0.minusSeconds(30)), "Also down.").get("case_id").getAsString();
    List<OutboxItem> second =
        store.outbox().claim("test-worker", 10, clock.instant(), Duration.ofSeconds(30)).stream()
            .filter(i -> i.caseId().orElse("").equals(id2))
            .collect(java.util.stream.Collectors.toList());
    clock.advance(Duration.ofHours(96));
    cases.onDeadLettered(second.get(0), clock.instant());
    assertThat(caseState(id2)).isEqualTo("escalated");
  }

  @Test
  void aDeliveryRecordedByAGatewayThatDiedBeforeApplyingItIsAppliedByTheTimer() throws Exception {
    String id = fileNew(token(T0.minusSeconds(60)), "Killed mid-way.").get("case_id").getAsString();
    String other =
        fileNew(token(T0.minusSeconds(50)), "Still pending.").get("case_id").getAsString();
    List<OutboxItem> items =
        store.outbox().claim("test-worker", 10, clock.instant(), Duration.ofSeconds(30));
    assertThat(items).hasSize(2);
    OutboxItem delivered =
        items.stream().filter(i -> i.caseId().orElseThrow().equals(id)).findFirst().orElseThrow();
    // The merchant accepted it and the outbox says so, but the process died before the listener
    // moved the case (kill -9 between the two commits).
    store.outbox().markDelivered(delivered.id(), T0.plusSeconds(5));
    clock.advance(Duration.ofMinutes(10));
    CaseService restarted = CaseService.builder(store, clock).build();
    CaseTimers timers = CaseTimers.create(restarted, clock, Duration.ofSeconds(30));
    assertThat(timers.runOnce(clock.instant())).isZero(); // nothing escalated
    assertThat(caseState(id)).isEqualTo("delivered");
    assertThat(caseState(other)).isEqualTo("received"); // not delivered: left alone
    assertThat(
            count(
                "SELECT COUNT(*) FROM audit WHERE case_id = ? AND to_state = 'delivered' AND at = ?",
                id,
                T0.getEpochSecond() + 5))
        .isEqualTo(1);
    // Running again, or the late listener, changes nothing.
    assertThat(restarted.recordMissedDeliveries(100)).isZero();
    cases.onDelivered(delivered, clock.instant());
    assertThat(count("SELECT COUNT(*) FROM audit WHERE case_id = ?", id)).isEqualTo(2);
  }

  @Test
  void periodicTimerThreadEscalatesWithTheInjectedClock() throws Exception {
    String id = fileNew(token(T0.minusSeconds(60)), "Timer thread.").get("case_id").getAsString();
    clock.advance(Duration.ofHours(96));
    try (CaseTimers timers = CaseTimers.create(cases, clock, Duration.ofMillis(20))) {
      timers.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!"escalated".equals(caseState(id)) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }
    assertThat(caseState(id)).isEqualTo("escalated");
    assertThat(outbox(id)).hasSize(3);
  }

  private List<Reply> race(int n, java.util.function.IntFunction<JsonObject> body)
      throws Exception {
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(n);
    try {
      List<java.util.concurrent.Future<Reply>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        JsonObject b = body.apply(i);
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  return file(b);
                }));
      }
      go.countDown();
      List<Reply> out = new ArrayList<>();
      for (var f : futures) {
        Reply r = f.get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.status).as(r.raw.body()).isIn(200, 201, 409);
        out.add(r);
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
