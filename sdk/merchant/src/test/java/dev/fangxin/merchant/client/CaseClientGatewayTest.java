package dev.fangxin.merchant.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.link.DisputeLink;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.token.DisputeClaim;
import dev.fangxin.core.token.DisputeToken;
import dev.fangxin.gateway.DisputeServices;
import dev.fangxin.gateway.Gateway;
import dev.fangxin.gateway.auth.ApiKeys;
import dev.fangxin.gateway.auth.Role;
import dev.fangxin.gateway.config.GatewayConfig;
import dev.fangxin.gateway.endpoint.Endpoints;
import dev.fangxin.gateway.registry.PaymentTool;
import dev.fangxin.gateway.registry.Registry;
import dev.fangxin.merchant.webhook.WebhookEvent;
import dev.fangxin.merchant.webhook.WebhookReceiver;
import dev.fangxin.protocol.v1.TransactionType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The merchant kit against a real gateway: a merchant backend built on {@link WebhookReceiver}
 * receives a real complaint, and {@link CaseClient} acknowledges and answers it.
 */
class CaseClientGatewayTest {
  private static final String M = "91330106MA2B3C4D5D";
  private static final String N = "X-HK-000123";

  @TempDir Path dir;
  private Gateway gateway;
  private HttpServer backend;
  private final LinkedBlockingQueue<WebhookEvent> received = new LinkedBlockingQueue<>();
  private TerminalKeyPair terminal;
  private String merchantKey;
  private String otherMerchantKey;
  private URI base;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    gateway =
        DisputeServices.start(
            GatewayConfig.load(Map.of("http.port", "0", "data.dir", dir.toString()), Map.of()),
            Clock.systemUTC());
    base = gateway.listenUrl();
    Instant start = Instant.now().minus(Duration.ofDays(1));
    Registry registry = Registry.on(gateway.store(), Clock.systemUTC());
    registry.registerMerchant(M, "杭州西湖茶庄有限公司", "zh-CN", "Asia/Shanghai");
    registry.registerMerchant(N, "Kowloon Noodles", "zh-HK", "Asia/Hong_Kong");
    PaymentTool tool =
        PaymentTool.cardTerminal(
            InstitutionCode.of("48020000"),
            MerchantNumber.of("898330160120001"),
            TerminalId.of("T0000001"));
    registry.registerTool(tool);
    registry.bind(tool.id(), M, start);
    terminal = TerminalKeyPair.generate(SignatureAlgorithm.SM2_SM3);
    registry.registerKey(terminal.publicKey(), tool.id(), start);
    ApiKeys keys = ApiKeys.on(gateway.store(), Clock.systemUTC());
    merchantKey = keys.issue("shop-backend", Role.MERCHANT, M, null).apiKey();
    otherMerchantKey = keys.issue("noodles", Role.MERCHANT, N, null).apiKey();

    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.start();
    var setup =
        Endpoints.on(gateway.store(), Clock.systemUTC())
            .put(
                M,
                "http://127.0.0.1:" + backend.getAddress().getPort() + "/fangxin",
                Endpoints.V1a.ENABLE);
    WebhookReceiver receiver =
        WebhookReceiver.builder()
            .addSecret(setup.newSecret().orElseThrow())
            .addPublicKey(setup.endpoint().publicKey().orElseThrow())
            .build();
    backend.createContext(
        "/fangxin",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          var r = receiver.receive(exchange.getRequestHeaders(), body, received::add);
          exchange.sendResponseHeaders(r.status(), -1);
          exchange.close();
        });
  }

  @AfterEach
  void stop() {
    if (backend != null) {
      backend.stop(0);
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  private JsonObject post(String path, String json, Map<String, String> headers) throws Exception {
    var b =
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    headers.forEach(b::header);
    HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).as(res.body()).isBetween(200, 299);
    return JsonParser.parseString(res.body()).getAsJsonObject();
  }

  private String token(long sequence) {
    DisputeClaim claim =
        DisputeClaim.of(
            TransactionType.TRANSACTION_TYPE_SALE,
            terminal.publicKey().keyId(),
            sequence,
            Instant.now().minus(Duration.ofHours(2)),
            Money.of(12_800, Money.CNY));
    return DisputeLink.encodeToken(DisputeToken.sign(claim, terminal));
  }

  /**
   * The gateway moves a case to {@code delivered} just after the webhook's 2xx is recorded, so a
   * backend can see the event a moment before the case's state says so.
   */
  private static void awaitState(CaseClient client, String caseId, String state)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String last = null;
    while (System.nanoTime() < deadline) {
      last = client.get(caseId).get("state").getAsString();
      if (last.equals(state)) {
        return;
      }
      Thread.sleep(50);
    }
    assertThat(last).as("state of " + caseId + " after 30 s").isEqualTo(state);
  }

  @Test
  void merchantReceivesTheComplaintAnswersItAndHearsTheConsumerConfirm() throws Exception {
    JsonObject filed =
        post(
            "/v1/complaints",
            "{\"receipt_token\":\""
                + token(1)
                + "\",\"category\":\"quality\",\"desired_outcome\":\"refund_money\","
                + "\"description\":\"The tea was stale.\"}",
            Map.of());
    String caseId = filed.get("case_id").getAsString();
    String secret = filed.get("access_secret").getAsString();

    WebhookEvent created = received.poll(30, TimeUnit.SECONDS);
    assertThat(created).as("case.created reached the merchant backend").isNotNull();
    assertThat(created.type()).isEqualTo("case.created");
    assertThat(created.caseId()).contains(caseId);

    CaseClient client = CaseClient.create(base, merchantKey);
    awaitState(client, caseId, "delivered");
    assertThat(client.list("delivered", 10))
        .extracting(c -> c.get("case_id").getAsString())
        .containsExactly(caseId);
    client.acknowledge(caseId, "Looking into it");
    JsonObject answered =
        client.answer(caseId, Answer.refund(Money.of(12_800, Money.CNY), "Refunded in full."));
    assertThat(answered.get("state").getAsString()).isEqualTo("answered");

    post("/v1/cases/" + caseId + "/confirmation", "{}", Map.of("Fangxin-Case-Secret", secret));
    WebhookEvent updated = received.poll(30, TimeUnit.SECONDS);
    assertThat(updated).isNotNull();
    assertThat(updated.type()).isEqualTo("case.updated");
    assertThat(client.get(caseId).get("state").getAsString()).isEqualTo("resolved");
  }

  @Test
  void gatewayProblemsBecomeTypedExceptions() throws Exception {
    JsonObject filed =
        post(
            "/v1/complaints",
            "{\"receipt_token\":\""
                + token(2)
                + "\",\"category\":\"price\",\"desired_outcome\":\"refund_money\","
                + "\"description\":\"Charged twice.\"}",
            Map.of());
    String caseId = filed.get("case_id").getAsString();
    assertThat(received.poll(30, TimeUnit.SECONDS)).isNotNull();
    awaitState(CaseClient.create(base, merchantKey), caseId, "delivered");

    CaseClient stranger = CaseClient.create(base, otherMerchantKey);
    assertThatThrownBy(() -> stranger.get(caseId))
        .isInstanceOfSatisfying(
            CaseClientException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("case.not_found");
              assertThat(e.status()).contains(404);
            });
    assertThatThrownBy(() -> stranger.answer(caseId, Answer.accept(null)))
        .isInstanceOfSatisfying(
            CaseClientException.class, e -> assertThat(e.status()).contains(404));

    CaseClient owner = CaseClient.create(base, merchantKey);
    assertThatThrownBy(
            () -> owner.answer(caseId, Answer.refund(Money.of(99_999, Money.CNY), "too much")))
        .isInstanceOfSatisfying(
            CaseClientException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("case.invalid_answer");
              assertThat(e.status()).contains(422);
            });
    assertThat(owner.get(caseId).get("state").getAsString()).isEqualTo("delivered");

    CaseClient badKey = CaseClient.create(base, "fxk_000000000000000000000000_nope");
    assertThatThrownBy(() -> badKey.get(caseId))
        .isInstanceOfSatisfying(
            CaseClientException.class,
            e -> assertThat(e.reason()).isEqualTo("auth.invalid_credentials"));

    CaseClient down = CaseClient.create(URI.create("http://127.0.0.1:1"), merchantKey);
    assertThatThrownBy(() -> down.get(caseId))
        .isInstanceOfSatisfying(
            CaseClientException.class,
            e -> assertThat(e.reason()).isEqualTo(CaseClientException.UNREACHABLE));
    assertThatThrownBy(() -> CaseClient.create(URI.create("ftp://x"), merchantKey))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(List.of(Answer.Kind.values())).hasSize(4);
  }
}
