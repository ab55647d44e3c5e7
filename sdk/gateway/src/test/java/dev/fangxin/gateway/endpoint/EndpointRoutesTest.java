package dev.fangxin.gateway.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fangxin.gateway.auth.Guard;
import dev.fangxin.gateway.auth.Principal;
import dev.fangxin.gateway.delivery.Databases;
import dev.fangxin.gateway.http.GatewayHttpServer;
import dev.fangxin.gateway.http.HttpServerConfig;
import dev.fangxin.gateway.http.Route;
import dev.fangxin.gateway.registry.Registry;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.testing.SettableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The endpoint HTTP API over real loopback HTTP, with a lambda standing in for API keys. */
class EndpointRoutesTest {
  private static final Map<String, Principal> KEYS =
      Map.of(
          "op-key", Principal.operator("ops"),
          "shop1-key", Principal.merchant("shop1-client", "X-SHOP-1"),
          "shop2-key", Principal.merchant("shop2-client", "X-SHOP-2"),
          "wallet-key", Principal.walletPartner("wallet"));

  @TempDir Path dir;
  private Store store;
  private SettableClock clock;
  private Endpoints endpoints;
  private GatewayHttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    store = Store.open(Databases.h2(dir));
    clock = new SettableClock(Instant.parse("2026-03-02T08:00:00Z"));
    Registry registry = Registry.on(store, clock);
    registry.registerMerchant("X-SHOP-1", "Shop 1", "zh-CN", "Asia/Shanghai");
    registry.registerMerchant("X-SHOP-2", "Shop 2", "zh-CN", "Asia/Shanghai");
    endpoints = Endpoints.on(store, clock);
    GatewayHttpServer.Builder b =
        GatewayHttpServer.builder(HttpServerConfig.builder().port(0).build());
    for (Route r : EndpointRoutes.of(endpoints, Guard.of(k -> Optional.ofNullable(KEYS.get(k))))) {
      b.route(r);
    }
    server = b.build();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  private HttpResponse<String> call(String method, String path, String key, String body)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      r.header("Authorization", "Bearer " + key);
    }
    if (body != null) {
      r.header("Content-Type", "application/json");
    }
    return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject json(HttpResponse<String> r) {
    return JsonParser.parseString(r.body()).getAsJsonObject();
  }

  private static String code(HttpResponse<String> r) {
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    String type = json(r).get("type").getAsString();
    return type.substring(type.lastIndexOf('/') + 1);
  }

  @Test
  void theMerchantSetsItsEndpointAndSeesTheSecretOnlyOnce() throws Exception {
    var created =
        call(
            "PUT",
            "/v1/merchants/X-SHOP-1/endpoint",
            "shop1-key",
            "{\"url\":\"https://shop.example/hooks\",\"v1a\":true}");
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject body = json(created);
    String secret = body.get("secret").getAsString();
    assertThat(secret).startsWith("whsec_");
    assertThat(body.get("public_key").getAsString()).startsWith("whpk_");
    assertThat(body.get("v1a").getAsBoolean()).isTrue();

    var read = call("GET", "/v1/merchants/X-SHOP-1/endpoint", "shop1-key", null);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).doesNotContain(secret).doesNotContain("whsec_").doesNotContain("whsk_");
    assertThat(json(read).get("url").getAsString()).isEqualTo("https://shop.example/hooks");
    assertThat(json(read).get("public_key").getAsString())
        .isEqualTo(body.get("public_key").getAsString());
    assertThat(json(read).getAsJsonArray("secrets")).hasSize(1);

    var moved =
        call(
            "PUT",
            "/v1/merchants/X-SHOP-1/endpoint",
            "op-key",
            "{\"url\":\"https://moved.example/h\"}");
    assertThat(moved.statusCode()).isEqualTo(200);
    assertThat(json(moved).has("secret")).isFalse();
    assertThat(json(moved).get("v1a").getAsBoolean()).isTrue();
  }

  @Test
  void rotationsCannotPileUpMoreSecretsThanADeliveryCanBeSignedWith() throws Exception {
    call(
        "PUT",
        "/v1/merchants/X-SHOP-1/endpoint",
        "shop1-key",
        "{\"url\":\"https://shop.example/hooks\",\"v1a\":true}");
    for (int i = 1; i < Endpoints.MAX_ACTIVE_SECRETS; i++) {
      assertThat(
              call("POST", "/v1/merchants/X-SHOP-1/endpoint/secrets", "shop1-key", null)
                  .statusCode())
          .isEqualTo(201);
    }
    var before = endpoints.current("X-SHOP-1", clock.instant()).orElseThrow();
    assertThat(before.secrets()).hasSize(Endpoints.MAX_ACTIVE_SECRETS);
    // Deliveries can still be signed: 15 secrets and the v1a key.
    assertThat(before.signer()).isNotNull();
    var refused = call("POST", "/v1/merchants/X-SHOP-1/endpoint/secrets", "shop1-key", null);
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(code(refused)).isEqualTo("endpoint.too_many_secrets");
    assertThat(endpoints.current("X-SHOP-1", clock.instant()).orElseThrow().secrets())
        .hasSize(Endpoints.MAX_ACTIVE_SECRETS);
    var retireAll =
        call(
            "POST",
            "/v1/merchants/X-SHOP-1/endpoint/secrets",
            "shop1-key",
            "{\"overlap_seconds\":0}");
    assertThat(retireAll.statusCode()).isEqualTo(201);
    assertThat(endpoints.current("X-SHOP-1", clock.instant()).orElseThrow().secrets()).hasSize(1);
  }

  @Test
  void rotationReturnsTheNewSecretOnceAndKeepsTheOldOneForTheOverlap() throws Exception {
    call(
        "PUT",
        "/v1/merchants/X-SHOP-1/endpoint",
        "shop1-key",
        "{\"url\":\"https://shop.example/h\"}");
    var rotated =
        call(
            "POST",
            "/v1/merchants/X-SHOP-1/endpoint/secrets",
            "shop1-key",
            "{\"overlap_seconds\":3600}");
    assertThat(rotated.statusCode()).isEqualTo(201);
    assertThat(json(rotated).get("secret").getAsString()).startsWith("whsec_");
    assertThat(json(rotated).get("previous_expire_at").getAsString())
        .isEqualTo("2026-03-02T09:00:00Z");
    var read = call("GET", "/v1/merchants/X-SHOP-1/endpoint", "shop1-key", null);
    assertThat(json(read).getAsJsonArray("secrets")).hasSize(2);
    assertThat(read.body()).doesNotContain("whsec_");

    var defaulted = call("POST", "/v1/merchants/X-SHOP-1/endpoint/secrets", "op-key", null);
    assertThat(defaulted.statusCode()).isEqualTo(201);
    assertThat(json(defaulted).get("previous_expire_at").getAsString())
        .isEqualTo("2026-03-03T08:00:00Z");

    var tooLong =
        call(
            "POST",
            "/v1/merchants/X-SHOP-1/endpoint/secrets",
            "op-key",
            "{\"overlap_seconds\":999999}");
    assertThat(tooLong.statusCode()).isEqualTo(422);
    assertThat(code(tooLong)).isEqualTo("endpoint.invalid_overlap");
    var fraction =
        call(
            "POST",
            "/v1/merchants/X-SHOP-1/endpoint/secrets",
            "op-key",
            "{\"overlap_seconds\":1.5}");
    assertThat(fraction.statusCode()).isEqualTo(400);
    assertThat(
            json(call("GET", "/v1/merchants/X-SHOP-1/endpoint", "op-key", null))
                .getAsJsonArray("secrets"))
        .hasSize(3);
  }

  @Test
  void resumeLiftsAPauseAndIsANoOpOtherwise() throws Exception {
    call(
        "PUT",
        "/v1/merchants/X-SHOP-1/endpoint",
        "shop1-key",
        "{\"url\":\"https://shop.example/h\"}");
    var idle = call("POST", "/v1/merchants/X-SHOP-1/endpoint/resume", "shop1-key", null);
    assertThat(idle.statusCode()).isEqualTo(200);
    assertThat(json(idle).get("resumed").getAsBoolean()).isFalse();
    endpoints.pause("X-SHOP-1", "failing", clock.instant(), clock.instant().plusSeconds(600));
    assertThat(
            json(call("GET", "/v1/merchants/X-SHOP-1/endpoint", "shop1-key", null))
                .get("paused")
                .getAsBoolean())
        .isTrue();
    var resumed = call("POST", "/v1/merchants/X-SHOP-1/endpoint/resume", "shop1-key", null);
    assertThat(json(resumed).get("resumed").getAsBoolean()).isTrue();
    assertThat(json(resumed).get("paused").getAsBoolean()).isFalse();
  }

  @Test
  void refusalsAreProblemsAndChangeNothing() throws Exception {
    assertThat(call("GET", "/v1/merchants/X-SHOP-1/endpoint", null, null).statusCode())
        .isEqualTo(401);
    var wallet = call("GET", "/v1/merchants/X-SHOP-1/endpoint", "wallet-key", null);
    assertThat(wallet.statusCode()).isEqualTo(403);
    assertThat(code(wallet)).isEqualTo("auth.forbidden");
    var other =
        call(
            "PUT",
            "/v1/merchants/X-SHOP-1/endpoint",
            "shop2-key",
            "{\"url\":\"https://evil.example/h\"}");
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(code(other)).isEqualTo("endpoint.unknown_merchant");
    var nobody = call("GET", "/v1/merchants/X-NOBODY/endpoint", "op-key", null);
    assertThat(nobody.statusCode()).isEqualTo(404);
    assertThat(code(nobody)).isEqualTo("endpoint.unknown_merchant");
    var none = call("GET", "/v1/merchants/X-SHOP-1/endpoint", "op-key", null);
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(code(none)).isEqualTo("endpoint.not_configured");
    var rotateNone = call("POST", "/v1/merchants/X-SHOP-1/endpoint/secrets", "op-key", null);
    assertThat(rotateNone.statusCode()).isEqualTo(404);
    assertThat(code(rotateNone)).isEqualTo("endpoint.not_configured");

    for (String[] c :
        new String[][] {
          {"not json", "endpoint.invalid_body", "400"},
          {"[1]", "endpoint.invalid_body", "400"},
          {"{}", "endpoint.invalid_body", "400"},
          {"{\"url\":5}", "endpoint.invalid_body", "400"},
          {"{\"url\":\"https://a.example\",\"v1a\":\"yes\"}", "endpoint.invalid_body", "400"},
          {"{\"url\":\"https://a.example\",\"extra\":1}", "endpoint.invalid_body", "400"},
          {
            "{\"url\":\"https://a.example\",\"url\":\"https://b.example\"}",
            "endpoint.invalid_body",
            "400"
          },
          {"{'url':'https://a.example'}", "endpoint.invalid_body", "400"},
          {"{\"url\":\"ftp://a.example\"}", "endpoint.invalid_url", "422"},
          {"{\"url\":\"https://u:p@a.example\"}", "endpoint.invalid_url", "422"},
        }) {
      var r = call("PUT", "/v1/merchants/X-SHOP-1/endpoint", "shop1-key", c[0]);
      assertThat(r.statusCode()).as(c[0]).isEqualTo(Integer.parseInt(c[2]));
      assertThat(code(r)).as(c[0]).isEqualTo(c[1]);
    }
    var untyped =
        client.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + server.port() + "/v1/merchants/X-SHOP-1/endpoint"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer shop1-key")
                .header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"url\":\"https://a.example\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(untyped.statusCode()).isEqualTo(415);
    assertThat(code(untyped)).isEqualTo("endpoint.unsupported_media_type");
    assertThat(endpoints.current("X-SHOP-1", clock.instant())).isEmpty();
    assertThat(endpoints.current("X-SHOP-2", clock.instant())).isEmpty();
  }
}
