package dev.fangxin.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.gateway.auth.ApiKeys;
import dev.fangxin.gateway.cases.MutableClock;
import dev.fangxin.gateway.config.GatewayConfig;
import dev.fangxin.gateway.testing.GatewayApi;
import dev.fangxin.gateway.testing.MockMerchant;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole story over HTTP through the integrated gateway ({@link DisputeServices} on {@link
 * Gateway}), as its users live it: the operator onboards a merchant through the API, a consumer
 * scans a real signed receipt token and files a complaint, the merchant's endpoint (a {@link
 * MockMerchant} that verifies every signature) receives it, the merchant answers, the consumer
 * confirms or declines, and the regulator's sink (a second {@link MockMerchant}, configured with
 * {@code regulator.url} and {@code regulator.secret}) receives escalations with the whole record.
 * The clock is injected, so the 96-hour deadline passes in milliseconds.
 */
abstract class DisputeStoryContractTest {
  static final Instant T0 = Instant.ofEpochSecond(1_767_225_600L); // 2026-01-01T00:00:00Z
  static final String SHOP = "X-STORY-TEA-1";
  static final Duration WAIT = Duration.ofSeconds(30);

  final MutableClock clock = new MutableClock(T0);
  final WebhookSecret regulatorSecret = WebhookSecret.generate();
  MockMerchant merchantEndpoint;
  MockMerchant regulator;
  Gateway gateway;
  Map<String, String> gatewayFlags;
  GatewayApi api;
  GatewayApi.Shop shop;

  /** Settings naming a fresh store (as flags). */
  abstract Map<String, String> storeSettings() throws Exception;

  @BeforeEach
  void start() throws Exception {
    // The merchant's mock trusts a placeholder until the gateway shows the endpoint's secret.
    merchantEndpoint = MockMerchant.builder().trust(WebhookSecret.generate()).clock(clock).start();
    regulator = MockMerchant.builder().trust(regulatorSecret).clock(clock).start();
    Map<String, String> flags = new HashMap<>(storeSettings());
    flags.put("http.port", "0");
    flags.put("regulator.url", regulator.url().toString());
    gatewayFlags = Map.copyOf(flags);
    gateway = startGateway(gatewayFlags);
    String operatorKey =
        ApiKeys.on(gateway.store(), clock).bootstrapOperator("operator").orElseThrow().apiKey();
    api = GatewayApi.at(gateway.listenUrl());
    shop =
        api.onboard(
            operatorKey, SHOP, "STORY001", T0.minus(Duration.ofDays(1)), merchantEndpoint.url());
    merchantEndpoint.trustSecrets(shop.secret());
  }

  Gateway startGateway(Map<String, String> flags) {
    GatewayConfig config =
        GatewayConfig.load(flags, Map.of("FANGXIN_REGULATOR_SECRET", regulatorSecret.encoded()));
    return Gateway.builder(config, clock)
        .install(DisputeServices.create().timerInterval(Duration.ofMillis(50)))
        .start();
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (merchantEndpoint != null) {
      merchantEndpoint.close();
    }
    if (regulator != null) {
      regulator.close();
    }
  }

  /** Scans the receipt and files a complaint; returns the 201 body. */
  JsonObject complain(String description) throws Exception {
    String token = shop.token(clock.instant().minus(Duration.ofMinutes(5)), 1250);
    GatewayApi.Response scanned = api.call("GET", "/D/" + token, null, null);
    assertThat(scanned.status()).as(scanned.body()).isEqualTo(200);
    assertThat(scanned.get("merchant_id")).isEqualTo(SHOP);
    GatewayApi.Response filed = api.fileComplaint(token, description);
    assertThat(filed.status()).as(filed.body()).isEqualTo(201);
    assertThat(filed.get("merchant_id")).isEqualTo(SHOP);
    return filed.json();
  }

  /** Waits until the mock has processed {@code n} webhooks; returns their bodies in order. */
  static List<JsonObject> processed(MockMerchant mock, int n) throws Exception {
    assertThat(mock.awaitProcessed(n, WAIT))
        .as(
            "%s processed %s of %s; received %s",
            mock, mock.processedIds().size(), n, mock.received())
        .isTrue();
    // The mock records its answer just after sending it; wait for those records too.
    assertThat(mock.awaitAnswered(mock.received().size(), WAIT)).isTrue();
    List<String> ids = mock.processedIds();
    List<JsonObject> bodies = new ArrayList<>();
    for (String id : ids) {
      // Every request with one webhook-id carries the same body; a processed ID was verified (its
      // Received entry may not show the answer yet: the mock records it after answering).
      for (MockMerchant.Received r : mock.received()) {
        if (r.id().equals(id)) {
          bodies.add(JsonParser.parseString(r.bodyUtf8()).getAsJsonObject());
          break;
        }
      }
    }
    return bodies;
  }

  /** Polls the merchant's view of the case until it is in {@code state}. */
  JsonObject awaitState(String caseId, String state) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonObject view = null;
    while (System.nanoTime() < deadline) {
      GatewayApi.Response read = api.call("GET", "/v1/cases/" + caseId, shop.apiKey(), null);
      // A loaded machine may answer 408 (slow request) or 503 (no store connection within its
      // timeout) for a moment; any other refusal is a real failure.
      if (read.status() == 408 || read.status() == 503) {
        Thread.sleep(20);
        continue;
      }
      assertThat(read.status()).as("GET /v1/cases/%s: %s", caseId, read.body()).isEqualTo(200);
      view = read.json();
      if (view.get("state").getAsString().equals(state)) {
        return view;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("case " + caseId + " never reached " + state + "; last " + view);
  }

  static List<String> states(JsonArray transitions) {
    List<String> out = new ArrayList<>();
    for (JsonElement t : transitions) {
      out.add(
          t.getAsJsonObject().get("from").getAsString()
              + ">"
              + t.getAsJsonObject().get("to").getAsString());
    }
    return out;
  }

  @Test
  void aRefundTheConsumerConfirmsResolvesTheCase() throws Exception {
    JsonObject filed = complain("The tea was stale.");
    String caseId = filed.get("case_id").getAsString();
    String secret = filed.get("access_secret").getAsString();

    JsonObject created = processed(merchantEndpoint, 1).get(0);
    assertThat(created.get("type").getAsString()).isEqualTo("case.created");
    JsonObject data = created.getAsJsonObject("data");
    assertThat(data.get("case_id").getAsString()).isEqualTo(caseId);
    assertThat(data.get("merchant_id").getAsString()).isEqualTo(SHOP);
    assertThat(data.getAsJsonObject("complaint").get("description").getAsString())
        .isEqualTo("The tea was stale.");
    assertThat(merchantEndpoint.received()).allSatisfy(r -> assertThat(r.verified()).isTrue());
    awaitState(caseId, "delivered");

    GatewayApi.Response answered =
        api.call(
            "POST",
            "/v1/cases/" + caseId + "/responses",
            shop.apiKey(),
            "{\"kind\":\"refund\",\"message\":\"Refunded in full.\","
                + "\"amount\":{\"value\":\"12.50\",\"currency\":\"CNY\"}}");
    assertThat(answered.status()).as(answered.body()).isEqualTo(200);
    assertThat(answered.get("state")).isEqualTo("answered");

    GatewayApi.Response confirmed =
        api.call(
            "POST",
            "/v1/cases/" + caseId + "/confirmation",
            null,
            null,
            "Fangxin-Case-Secret",
            secret);
    assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
    assertThat(confirmed.get("state")).isEqualTo("resolved");

    JsonObject updated = processed(merchantEndpoint, 2).get(1);
    assertThat(updated.get("type").getAsString()).isEqualTo("case.updated");
    assertThat(updated.getAsJsonObject("data").get("state").getAsString()).isEqualTo("resolved");
    JsonObject view = awaitState(caseId, "resolved");
    assertThat(states(view.getAsJsonArray("transitions")))
        .containsExactly("received>delivered", "delivered>answered", "answered>resolved");
    // Nothing went to the regulator, and the merchant saw each webhook once.
    assertThat(regulator.received()).isEmpty();
    assertThat(merchantEndpoint.duplicates()).isZero();
  }

  @Test
  void aDeclinedAnswerEscalatesWithTheWholeRecordToTheRegulator() throws Exception {
    JsonObject filed = complain("Charged twice for one pot.");
    String caseId = filed.get("case_id").getAsString();
    processed(merchantEndpoint, 1);
    awaitState(caseId, "delivered");
    GatewayApi.Response answered =
        api.call(
            "POST",
            "/v1/cases/" + caseId + "/responses",
            shop.apiKey(),
            "{\"kind\":\"reject\",\"message\":\"Our records show one charge.\"}");
    assertThat(answered.status()).as(answered.body()).isEqualTo(200);

    GatewayApi.Response declined =
        api.call(
            "POST",
            "/v1/cases/" + caseId + "/decline",
            null,
            null,
            "Fangxin-Case-Secret",
            filed.get("access_secret").getAsString());
    assertThat(declined.status()).as(declined.body()).isEqualTo(200);
    assertThat(declined.get("state")).isEqualTo("escalated");

    JsonObject escalated = processed(regulator, 1).get(0);
    assertThat(escalated.get("type").getAsString()).isEqualTo("case.escalated");
    JsonObject record = escalated.getAsJsonObject("data");
    assertThat(record.get("case_id").getAsString()).isEqualTo(caseId);
    assertThat(record.get("merchant_id").getAsString()).isEqualTo(SHOP);
    assertThat(record.get("state").getAsString()).isEqualTo("escalated");
    assertThat(record.getAsJsonObject("complaint").get("description").getAsString())
        .isEqualTo("Charged twice for one pot.");
    assertThat(record.getAsJsonObject("receipt").get("merchant_id").getAsString()).isEqualTo(SHOP);
    assertThat(record.getAsJsonObject("response").get("kind").getAsString()).isEqualTo("reject");
    assertThat(record.getAsJsonObject("response").get("message").getAsString())
        .isEqualTo("Our records show one charge.");
    assertThat(states(record.getAsJsonArray("transitions")))
        .containsExactly("received>delivered", "delivered>answered", "answered>escalated");
    assertThat(record.getAsJsonObject("escalation").get("to").getAsString()).isEqualTo("escalated");
    assertThat(record.getAsJsonObject("escalation").get("actor").getAsString())
        .isEqualTo("consumer");
    // The merchant is told too, with the change only.
    JsonObject toMerchant = processed(merchantEndpoint, 2).get(1);
    assertThat(toMerchant.get("type").getAsString()).isEqualTo("case.escalated");
    assertThat(toMerchant.getAsJsonObject("data").has("complaint")).isFalse();
  }

  @Test
  void aCaseNobodyAnswersEscalatesWhenItsDeadlinePasses() throws Exception {
    JsonObject filed = complain("Wrong change given.");
    String caseId = filed.get("case_id").getAsString();
    assertThat(Instant.parse(filed.get("deadline_at").getAsString()))
        .isEqualTo(clock.instant().plus(Duration.ofHours(96)));
    processed(merchantEndpoint, 1);
    awaitState(caseId, "delivered");

    clock.advance(Duration.ofHours(95));
    Thread.sleep(300); // several timer runs: nothing is due yet
    assertThat(api.caseAsMerchant(shop, caseId).orElseThrow().get("state").getAsString())
        .isEqualTo("delivered");
    assertThat(regulator.received()).isEmpty();

    clock.advance(Duration.ofHours(2)); // +97 h
    JsonObject view = awaitState(caseId, "escalated");
    assertThat(states(view.getAsJsonArray("transitions")))
        .containsExactly("received>delivered", "delivered>escalated");
    JsonObject escalated = processed(regulator, 1).get(0);
    assertThat(escalated.get("type").getAsString()).isEqualTo("case.escalated");
    JsonObject record = escalated.getAsJsonObject("data");
    assertThat(record.get("case_id").getAsString()).isEqualTo(caseId);
    assertThat(record.has("response")).isFalse();
    assertThat(record.getAsJsonObject("complaint").get("description").getAsString())
        .isEqualTo("Wrong change given.");
    assertThat(record.getAsJsonObject("escalation").get("from").getAsString())
        .isEqualTo("delivered");
    assertThat(record.getAsJsonObject("escalation").get("actor").getAsString())
        .isNotEqualTo("consumer")
        .doesNotStartWith("merchant");
    assertThat(regulator.duplicates()).isZero();
  }

  @Test
  void aGatewayWithoutDeliveryWorkersFilesAndAnotherGatewayOnTheStoreDelivers() throws Exception {
    gateway.close();
    Map<String, String> intakeOnly = new HashMap<>(gatewayFlags);
    intakeOnly.put("delivery.workers", "0");
    gateway = startGateway(intakeOnly);
    api = GatewayApi.at(gateway.listenUrl());
    String caseId = complain("Filed where nothing delivers.").get("case_id").getAsString();
    Thread.sleep(1000); // a delivering gateway attempts within milliseconds
    assertThat(merchantEndpoint.received()).isEmpty();
    assertThat(api.caseAsMerchant(shop, caseId).orElseThrow().get("state").getAsString())
        .isEqualTo("received");

    try (Gateway delivering = startGateway(gatewayFlags)) {
      JsonObject created = processed(merchantEndpoint, 1).get(0);
      assertThat(created.getAsJsonObject("data").get("case_id").getAsString()).isEqualTo(caseId);
      awaitState(caseId, "delivered");
    }
    assertThat(merchantEndpoint.duplicates()).isZero();
  }
}
