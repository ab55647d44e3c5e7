package dev.fangxin.gateway.clearing;

import static dev.fangxin.gateway.clearing.ClearingFixtures.ACQ;
import static dev.fangxin.gateway.clearing.ClearingFixtures.MID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import dev.fangxin.core.id.CreditCode;
import dev.fangxin.core.id.DurableTrace;
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
import dev.fangxin.gateway.cases.CaseService;
import dev.fangxin.gateway.clearing.ClearingFixtures.Reply;
import dev.fangxin.gateway.http.GatewayHttpServer;
import dev.fangxin.gateway.http.HttpServerConfig;
import dev.fangxin.gateway.http.Route;
import dev.fangxin.gateway.intake.ComplaintIntake;
import dev.fangxin.gateway.intake.ComplaintRequest;
import dev.fangxin.gateway.intake.IntakeException;
import dev.fangxin.gateway.intake.IntakeRoutes;
import dev.fangxin.gateway.intake.ReceiptVerifier;
import dev.fangxin.gateway.registry.PaymentTool;
import dev.fangxin.gateway.registry.Registry;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import dev.fangxin.gateway.testing.SettableClock;
import dev.fangxin.protocol.v1.ClearingBatch;
import dev.fangxin.protocol.v1.ToolType;
import dev.fangxin.protocol.v1.TransactionType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Trace → clearing record → tool at that time → binding → merchant, and complaints that start from
 * a trace (typed by hand, or from a wallet partner) over real loopback HTTP on a real store; plus a
 * seeded property test over random binding histories.
 */
abstract class TraceRoutingContractTest {
  static final Instant T0 = Instant.ofEpochSecond(1_767_225_600L); // 2026-01-01T00:00:00Z
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  static final String M = creditCode("91330106MA27XKP9Q");
  static final String N = creditCode("91110000MA01ABCD1");
  static final String WALLET = "key-wallet";
  static final PaymentTool T1 =
      PaymentTool.cardTerminal(
          InstitutionCode.of(ACQ), MerchantNumber.of(MID), TerminalId.of(ClearingFixtures.TID));

  SettableClock clock;
  Store store;
  Registry registry;
  Acquirers acquirers;
  ClearingRecords records;
  TraceRouter router;
  CaseService cases;
  ComplaintIntake intake;
  GatewayHttpServer server;
  HttpClient client;
  URI base;

  abstract StoreConfig freshDatabase() throws Exception;

  static String creditCode(String first17) {
    return first17 + CreditCode.checkCharacter(first17);
  }

  @BeforeEach
  void setUp() throws Exception {
    clock = new SettableClock(T0.plus(Duration.ofDays(2)));
    store = Store.open(freshDatabase());
    registry = Registry.on(store, clock);
    registry.registerMerchant(M, "杭州西湖茶庄有限公司", "zh-CN", "Asia/Shanghai");
    registry.registerMerchant(N, "Beijing Noodles", "en-GB", "Asia/Shanghai");
    registry.registerTool(T1);
    registry.bind(T1.id(), M, T0.minus(Duration.ofDays(30)));
    registry.unbind(T1.id(), T0);
    registry.bind(T1.id(), N, T0);
    acquirers = Acquirers.on(store, clock);
    acquirers.register(InstitutionCode.of(ACQ), "Bank", Optional.empty());
    records = ClearingRecords.on(store, clock);
    router = TraceRouter.create(ClearingLookup.local(records), registry);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    cases = CaseService.builder(store, clock).meters(meters).build();
    ReceiptVerifier verifier = ReceiptVerifier.create(registry, meters);
    intake = ComplaintIntake.create(verifier, router, cases, meters);
    Map<String, Principal> keys = Map.of(WALLET, Principal.walletPartner("wallet"));
    Guard guard = Guard.of(k -> Optional.ofNullable(keys.get(k)));
    GatewayHttpServer.Builder b =
        GatewayHttpServer.builder(HttpServerConfig.builder().port(0).build());
    for (Route r : IntakeRoutes.create(verifier, intake, guard).routes()) {
      b.route(r);
    }
    server = b.build();
    server.start();
    base = URI.create("http://127.0.0.1:" + server.port());
    client = HttpClient.newHttpClient();
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

  /** Stores a POS record of T1 with STAN {@code stan} paid at {@code at}, 12.50 CNY. */
  DurableTrace store(int stan, Instant at) {
    ClearingBatch b =
        ClearingFixtures.batch("b-" + stan, ClearingFixtures.record(stan, at.getEpochSecond()));
    BatchParser.Parsed p = BatchParser.validate(InstitutionCode.of(ACQ), b);
    records.insertBatch(InstitutionCode.of(ACQ), p.batchId(), "push", p.sha256(), p.records());
    return p.records().get(0).trace();
  }

  Reply complain(JsonObject body, String... headers) throws Exception {
    return ClearingFixtures.send(
        client,
        base,
        "POST",
        "/v1/complaints",
        Optional.of("application/json"),
        body.toString().getBytes(StandardCharsets.UTF_8),
        headers);
  }

  static JsonObject traced(DurableTrace trace, String amount, String paidOn) {
    JsonObject o = new JsonObject();
    o.addProperty("trace", trace.value());
    if (amount != null) {
      JsonObject a = new JsonObject();
      a.addProperty("value", amount);
      a.addProperty("currency", "CNY");
      o.add("amount", a);
    }
    if (paidOn != null) {
      o.addProperty("paid_on", paidOn);
    }
    o.addProperty("category", "quality");
    o.addProperty("desired_outcome", "refund_money");
    o.addProperty("description", "The tea was stale.");
    return o;
  }

  long count(String sql) {
    return store.inTransaction(
        tx -> {
          try (PreparedStatement s = tx.prepareStatement(sql);
              ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
          }
        });
  }

  // ---------------------------------------------------------------- routing

  @Test
  void aReboundToolRoutesEachPaymentByTheBindingValidAtPaymentTime() {
    DurableTrace before = store(1, T0.minusSeconds(3600));
    DurableTrace after = store(2, T0.plusSeconds(3600));
    DurableTrace atSwitch = store(3, T0);
    assertThat(router.route(before).merchant().id()).isEqualTo(M);
    assertThat(router.route(after).merchant().id()).isEqualTo(N);
    assertThat(router.route(atSwitch).merchant().id()).isEqualTo(N);
    assertThat(router.route(before).tool()).isEqualTo(T1);

    DurableTrace unbound = store(4, T0.minus(Duration.ofDays(40)));
    assertThatThrownBy(() -> router.route(unbound))
        .isInstanceOfSatisfying(
            ClearingException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(ClearingException.Reason.NO_MERCHANT));
    DurableTrace unknown = DurableTrace.fromProto(ClearingFixtures.trace(ACQ, 99).build());
    assertThatThrownBy(() -> router.route(unknown))
        .isInstanceOfSatisfying(
            ClearingException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(ClearingException.Reason.UNKNOWN_TRACE));
  }

  @Test
  void aQrRecordWithoutTidRoutesToTheCollectionCodeOfItsAcquirerAndMid() {
    PaymentTool code = PaymentTool.collectionCode(ACQ + "." + MID);
    registry.registerTool(code);
    registry.bind(code.id(), M, T0.minus(Duration.ofDays(1)));
    ClearingBatch b =
        ClearingFixtures.batch(
            "qr",
            ClearingFixtures.record(5, T0.getEpochSecond())
                .clearTerminalId()
                .setToolType(ToolType.TOOL_TYPE_QR_COLLECTION_CODE));
    BatchParser.Parsed p = BatchParser.validate(InstitutionCode.of(ACQ), b);
    records.insertBatch(InstitutionCode.of(ACQ), "qr", "push", p.sha256(), p.records());
    assertThat(router.route(p.records().get(0).trace()).tool()).isEqualTo(code);
    assertThat(router.route(p.records().get(0).trace()).merchant().id()).isEqualTo(M);
  }

  // ---------------------------------------------------------------- intake

  @Test
  void aTraceTypedByHandMustMatchAmountAndDate() throws Exception {
    DurableTrace t = store(1, T0.minusSeconds(3600)); // 2026-01-01 07:00 in Shanghai
    Reply noAmount = complain(traced(t, null, null));
    assertThat(noAmount.status).isEqualTo(422);
    assertThat(noAmount.code()).isEqualTo("intake.invalid_field");
    assertThat(noAmount.raw.body()).contains("\"amount\"").contains("\"paid_on\"");

    Reply wrongAmount = complain(traced(t, "12.51", "2026-01-01"));
    assertThat(wrongAmount.status).isEqualTo(422);
    assertThat(wrongAmount.code()).isEqualTo("clearing.trace_mismatch");
    assertThat(wrongAmount.json.getAsJsonArray("errors")).hasSize(1);
    assertThat(
            wrongAmount
                .json
                .getAsJsonArray("errors")
                .get(0)
                .getAsJsonObject()
                .get("field")
                .getAsString())
        .isEqualTo("amount");

    Reply wrongDay = complain(traced(t, "12.50", "2025-12-31"));
    assertThat(wrongDay.code()).isEqualTo("clearing.trace_mismatch");
    assertThat(
            wrongDay
                .json
                .getAsJsonArray("errors")
                .get(0)
                .getAsJsonObject()
                .get("field")
                .getAsString())
        .isEqualTo("paid_on");

    DurableTrace unknown = DurableTrace.fromProto(ClearingFixtures.trace(ACQ, 77).build());
    Reply notKnown = complain(traced(unknown, "12.50", "2026-01-01"));
    assertThat(notKnown.status).isEqualTo(404);
    assertThat(notKnown.code()).isEqualTo("clearing.unknown_trace");

    Reply bad = complain(traced(t, "12.50", "2026-01-01"), "Authorization", "Bearer nope");
    assertThat(bad.status).isEqualTo(401);
    assertThat(count("SELECT COUNT(*) FROM cases")).isZero();
    assertThat(count("SELECT COUNT(*) FROM outbox")).isZero();

    Reply ok = complain(traced(t, "12.50", "2026-01-01"));
    assertThat(ok.status).as(ok.toString()).isEqualTo(201);
    assertThat(ok.json.get("merchant_id").getAsString()).isEqualTo(M);
    Reply replay = complain(traced(t, "12.50", "2026-01-01"));
    assertThat(replay.status).isEqualTo(200);
    assertThat(replay.raw.body()).isEqualTo(ok.raw.body());
    JsonObject other = traced(t, "12.50", "2026-01-01");
    other.addProperty("description", "Another complaint about the same payment.");
    Reply open = complain(other);
    assertThat(open.status).isEqualTo(409);
    assertThat(open.code()).isEqualTo("intake.case_already_open");
    assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM outbox")).isEqualTo(1);
  }

  @Test
  void aWalletPartnerFilesWithTheTraceAloneAndTheCaseNamesIt() throws Exception {
    DurableTrace t = store(1, T0.plusSeconds(7200));
    Reply r = complain(traced(t, null, null), "Authorization", "Bearer " + WALLET);
    assertThat(r.status).as(r.toString()).isEqualTo(201);
    assertThat(r.json.get("merchant_id").getAsString()).isEqualTo(N);
    var stored = cases.find(r.json.get("case_id").getAsString()).orElseThrow();
    assertThat(stored.receipt().trace()).contains(t.value());
    assertThat(stored.receipt().toolId()).isEqualTo(T1.id());
    assertThat(stored.receipt().amount().minorUnits()).isEqualTo(1250);
    // Given anyway, a wrong amount is still refused for a wallet partner.
    DurableTrace t2 = store(2, T0.plusSeconds(7300));
    Reply wrong = complain(traced(t2, "1.00", null), "Authorization", "Bearer " + WALLET);
    assertThat(wrong.code()).isEqualTo("clearing.trace_mismatch");
  }

  // ---------------------------------------------------------------- property

  @Test
  void everyTraceOrReceiptComplaintRoutesToTheMerchantOwningTheToolAtPaymentTime() {
    Random random = new Random(20260101L);
    int merchants = 5;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < merchants; i++) {
      String id = creditCode(String.format("9133010%010d", i + 1));
      registry.registerMerchant(id, "Merchant " + i, "zh-CN", "Asia/Shanghai");
      ids.add(id);
    }
    int tools = 6;
    List<PaymentTool> toolList = new ArrayList<>();
    List<TerminalKeyPair> keyOf = new ArrayList<>();
    // history.get(tool) = list of {from, to (or MAX), merchant index}; gaps are unbound periods.
    List<List<long[]>> history = new ArrayList<>();
    Instant start = T0.minus(Duration.ofDays(200));
    for (int k = 0; k < tools; k++) {
      PaymentTool tool =
          PaymentTool.cardTerminal(
              InstitutionCode.of(ACQ),
              MerchantNumber.of(MID),
              TerminalId.of(String.format("P%07d", k)));
      registry.registerTool(tool);
      toolList.add(tool);
      TerminalKeyPair key = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
      registry.registerKey(key.publicKey(), tool.id(), start.minus(Duration.ofDays(1)));
      keyOf.add(key);
      List<long[]> h = new ArrayList<>();
      long t = start.getEpochSecond() + random.nextInt(86_400);
      int pieces = 1 + random.nextInt(5);
      for (int p = 0; p < pieces; p++) {
        int m = random.nextInt(merchants);
        registry.bind(tool.id(), ids.get(m), Instant.ofEpochSecond(t));
        long end = t + 3600 + random.nextInt(40 * 86_400);
        boolean last = p == pieces - 1 && random.nextBoolean();
        if (last) {
          h.add(new long[] {t, Long.MAX_VALUE, m});
          break;
        }
        registry.unbind(tool.id(), Instant.ofEpochSecond(end));
        h.add(new long[] {t, end, m});
        t = end + (random.nextBoolean() ? 0 : random.nextInt(3 * 86_400));
      }
      history.add(h);
    }
    long horizon = start.getEpochSecond() + 220L * 86_400;
    int routed = 0;
    int unbound = 0;
    int misroutes = 0;
    int byToken = 0;
    List<dev.fangxin.protocol.v1.ClearingRecord.Builder> batch = new ArrayList<>();
    List<Integer> toolOf = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      int k = random.nextInt(tools);
      long at =
          start.getEpochSecond()
              + (long) (random.nextDouble() * (horizon - start.getEpochSecond()));
      batch.add(
          ClearingFixtures.record(1000 + i, at)
              .setTerminalId(toolList.get(k).terminalId().orElseThrow().value()));
      toolOf.add(k);
    }
    ClearingBatch b =
        ClearingFixtures.batch(
            "prop", batch.toArray(new dev.fangxin.protocol.v1.ClearingRecord.Builder[0]));
    BatchParser.Parsed parsed = BatchParser.validate(InstitutionCode.of(ACQ), b);
    records.insertBatch(InstitutionCode.of(ACQ), "prop", "push", parsed.sha256(), parsed.records());
    Principal wallet = Principal.walletPartner("wallet");
    for (int i = 0; i < 500; i++) {
      ClearingRecord r = parsed.records().get(i);
      long at = r.transactionTime().getEpochSecond();
      Integer expected = null;
      for (long[] piece : history.get(toolOf.get(i))) {
        if (piece[0] <= at && at < piece[1]) {
          expected = (int) piece[2];
        }
      }
      // Every other payment that lies in the past is complained about from its receipt token,
      // signed by the tool's terminal key at the payment's time; the rest by the trace the wallet
      // partner holds.
      boolean token = i % 2 == 1 && at <= clock.instant().getEpochSecond() - 3600;
      JsonObject body;
      if (token) {
        DisputeClaim claim =
            DisputeClaim.of(
                TransactionType.TRANSACTION_TYPE_SALE,
                keyOf.get(toolOf.get(i)).keyId(),
                1000 + i,
                Instant.ofEpochSecond(at),
                Money.of(1250, Money.CNY));
        body = new JsonObject();
        body.addProperty(
            "receipt_token",
            DisputeLink.encodeToken(DisputeToken.sign(claim, keyOf.get(toolOf.get(i)))));
        body.addProperty("category", "quality");
        body.addProperty("desired_outcome", "refund_money");
        byToken++;
      } else {
        body = traced(r.trace(), null, null);
      }
      body.addProperty("description", "Property case " + i + ".");
      try {
        ComplaintIntake.Filing f =
            intake.file(
                ComplaintRequest.fromJson(body.toString().getBytes(StandardCharsets.UTF_8)),
                Optional.empty(),
                token ? Optional.empty() : Optional.of(wallet));
        routed++;
        if (expected == null || !f.storedCase().merchantId().equals(ids.get(expected))) {
          misroutes++;
        }
        assertThat(f.storedCase().receipt().paidAt()).isEqualTo(r.transactionTime());
        assertThat(r.transactionTime().atZone(SHANGHAI).toLocalDate())
            .isEqualTo(f.storedCase().receipt().paidAtLocal().toLocalDate());
      } catch (ClearingException e) {
        assertThat(token).isFalse();
        assertThat(e.reasonCode()).isEqualTo(ClearingException.Reason.NO_MERCHANT);
        unbound++;
        if (expected != null) {
          misroutes++;
        }
      } catch (IntakeException e) {
        assertThat(token).isTrue();
        assertThat(e.reasonCode()).isEqualTo(IntakeException.Reason.NO_MERCHANT);
        unbound++;
        if (expected != null) {
          misroutes++;
        }
      }
    }
    assertThat(misroutes).isZero();
    assertThat(routed + unbound).isEqualTo(500);
    assertThat(routed).isGreaterThan(100);
    assertThat(unbound).isGreaterThan(0);
    assertThat(byToken).isGreaterThan(100);
    assertThat(count("SELECT COUNT(*) FROM cases")).isEqualTo(routed);
  }

  @Test
  void protobufComplaintWithTheTraceOriginIsAccepted() throws Exception {
    DurableTrace t = store(1, T0.minusSeconds(3600));
    byte[] body =
        dev.fangxin.protocol.v1.Complaint.newBuilder()
            .setTrace(
                dev.fangxin.protocol.v1.TracedPayment.newBuilder()
                    .setTrace(t.toProto())
                    .setAmount(
                        dev.fangxin.protocol.v1.Money.newBuilder()
                            .setMinorUnits(1250)
                            .setCurrency(156))
                    .setPaidOn(LocalDate.of(2026, 1, 1).toString()))
            .setCategory(dev.fangxin.protocol.v1.ComplaintCategory.COMPLAINT_CATEGORY_PRICE)
            .setDesiredOutcome(dev.fangxin.protocol.v1.DesiredOutcome.DESIRED_OUTCOME_APOLOGY)
            .setDescription("Overcharged.")
            .build()
            .toByteArray();
    Reply r =
        ClearingFixtures.send(
            client, base, "POST", "/v1/complaints", Optional.of("application/x-protobuf"), body);
    assertThat(r.status).as(r.toString()).isEqualTo(201);
    assertThat(r.json.get("merchant_id").getAsString()).isEqualTo(M);
  }
}
