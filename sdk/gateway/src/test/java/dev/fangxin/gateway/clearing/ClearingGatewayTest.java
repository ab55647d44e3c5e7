package dev.fangxin.gateway.clearing;

import static dev.fangxin.gateway.clearing.ClearingFixtures.ACQ;
import static dev.fangxin.gateway.clearing.ClearingFixtures.MID;
import static dev.fangxin.gateway.clearing.ClearingFixtures.TID;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fangxin.core.id.CreditCode;
import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.gateway.DisputeServices;
import dev.fangxin.gateway.Gateway;
import dev.fangxin.gateway.auth.ApiKeys;
import dev.fangxin.gateway.auth.Role;
import dev.fangxin.gateway.clearing.ClearingFixtures.Reply;
import dev.fangxin.gateway.config.GatewayConfig;
import dev.fangxin.gateway.testing.MockMerchant;
import dev.fangxin.gateway.testing.SettableClock;
import dev.fangxin.protocol.v1.ClearingBatch;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembled gateway ({@link DisputeServices}) end to end: the operator registers a merchant,
 * its terminal, the acquirer and the merchant's endpoint; the acquirer pushes a signed batch; a
 * wallet partner opens a case from its user's bill with the trace alone; the case is delivered,
 * signed, to the merchant's endpoint (a {@link MockMerchant}).
 */
class ClearingGatewayTest {
  static final Instant T0 = Instant.ofEpochSecond(1_767_225_600L);
  static final String M = "91330106MA27XKP9Q" + CreditCode.checkCharacter("91330106MA27XKP9Q");

  @TempDir Path dir;
  Gateway gateway;
  MockMerchant shop;
  final HttpClient client = HttpClient.newHttpClient();

  @AfterEach
  void tearDown() {
    if (gateway != null) {
      gateway.close();
    }
    if (shop != null) {
      shop.close();
    }
  }

  Reply call(String method, String path, String key, String json) throws Exception {
    return ClearingFixtures.send(
        client,
        gateway.listenUrl(),
        method,
        path,
        json == null ? Optional.empty() : Optional.of("application/json"),
        json == null ? null : json.getBytes(StandardCharsets.UTF_8),
        "Authorization",
        "Bearer " + key);
  }

  @Test
  void walletPartnerCaseFromATraceReachesTheMerchantsEndpoint() throws Exception {
    SettableClock clock = new SettableClock(T0.plus(Duration.ofDays(1)));
    gateway =
        DisputeServices.start(
            GatewayConfig.load(
                Map.of(
                    "http.port", "0",
                    "data.dir", dir.resolve("data").toString(),
                    "delivery.backoff-base", "1s"),
                Map.of()),
            clock);
    ApiKeys keys = ApiKeys.on(gateway.store(), clock);
    String op = keys.issue("op", Role.OPERATOR, null, null).apiKey();
    String wallet = keys.issue("wallet", Role.WALLET_PARTNER, null, null).apiKey();

    assertThat(
            call(
                    "POST",
                    "/v1/merchants",
                    op,
                    "{\"id\": \""
                        + M
                        + "\", \"name\": \"Tea\", \"locale\": \"zh-CN\","
                        + " \"time_zone\": \"Asia/Shanghai\"}")
                .status)
        .isEqualTo(201);
    Reply tool =
        call(
            "POST",
            "/v1/tools",
            op,
            "{\"kind\": \"card_terminal\", \"acquirer\": \""
                + ACQ
                + "\", \"merchant_number\": \""
                + MID
                + "\", \"terminal_id\": \""
                + TID
                + "\"}");
    assertThat(tool.status).as(tool.toString()).isEqualTo(201);
    String toolId = tool.json.get("id").getAsString();
    assertThat(
            call(
                    "POST",
                    "/v1/tools/" + toolId + "/bindings",
                    op,
                    "{\"merchant_id\": \"" + M + "\", \"from\": \"2025-12-01T00:00:00Z\"}")
                .status)
        .isEqualTo(201);
    Reply acquirer =
        call(
            "POST",
            "/v1/acquirers",
            op,
            "{\"institution_code\": \"" + ACQ + "\", \"name\": \"B\"}");
    assertThat(acquirer.status).isEqualTo(201);
    String secret = acquirer.json.get("secret").getAsString();

    shop = MockMerchant.builder().trust(WebhookSecret.generate()).clock(clock).start();
    Reply endpoint =
        call("PUT", "/v1/merchants/" + M + "/endpoint", op, "{\"url\": \"" + shop.url() + "\"}");
    assertThat(endpoint.status).as(endpoint.toString()).isEqualTo(201);
    shop.trustSecrets(WebhookSecret.parse(endpoint.json.get("secret").getAsString()));

    ClearingBatch batch =
        ClearingFixtures.batch("e2e-1", ClearingFixtures.record(42, T0.getEpochSecond()));
    byte[] body = batch.toByteArray();
    long ts = clock.instant().getEpochSecond();
    Reply pushed =
        ClearingFixtures.send(
            client,
            gateway.listenUrl(),
            "POST",
            "/v1/clearing/batches",
            Optional.of(BatchParser.PROTOBUF),
            body,
            HookSignature.ACQUIRER,
            ACQ,
            HookSignature.TIMESTAMP,
            Long.toString(ts),
            HookSignature.SIGNATURE,
            HookSignature.sign(secret, ts, "POST", "/v1/clearing/batches", body));
    assertThat(pushed.status).as(pushed.toString()).isEqualTo(201);

    DurableTrace trace = DurableTrace.fromProto(batch.getRecords(0).getTrace());
    JsonObject complaint = new JsonObject();
    complaint.addProperty("trace", trace.value());
    complaint.addProperty("category", "billing");
    complaint.addProperty("desired_outcome", "refund_money");
    complaint.addProperty("description", "Charged twice.");
    Reply filed = call("POST", "/v1/complaints", wallet, complaint.toString());
    assertThat(filed.status).as(filed.toString()).isEqualTo(201);
    assertThat(filed.json.get("merchant_id").getAsString()).isEqualTo(M);
    String caseId = filed.json.get("case_id").getAsString();

    assertThat(shop.awaitProcessed(1, Duration.ofSeconds(30))).isTrue();
    MockMerchant.Received got = shop.received().get(0);
    assertThat(got.verified()).isTrue();
    JsonObject event = JsonParser.parseString(got.bodyUtf8()).getAsJsonObject();
    assertThat(event.get("type").getAsString()).isEqualTo("case.created");
    assertThat(got.bodyUtf8()).contains(caseId).contains(trace.value().trim().substring(0, 8));

    // A typed trace that is unknown is refused and nothing is sent anywhere.
    JsonObject unknown = complaint.deepCopy();
    unknown.addProperty(
        "trace", DurableTrace.fromProto(ClearingFixtures.trace(ACQ, 43).build()).value());
    JsonObject amount = new JsonObject();
    amount.addProperty("value", "12.50");
    amount.addProperty("currency", "CNY");
    unknown.add("amount", amount);
    unknown.addProperty("paid_on", "2026-01-01");
    Reply notFound =
        ClearingFixtures.send(
            client,
            gateway.listenUrl(),
            "POST",
            "/v1/complaints",
            Optional.of("application/json"),
            unknown.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(notFound.status).isEqualTo(404);
    assertThat(notFound.code()).isEqualTo("clearing.unknown_trace");
    Thread.sleep(300);
    assertThat(shop.received()).hasSize(1);
  }
}
