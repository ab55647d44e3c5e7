package dev.fangxin.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fangxin.gateway.http.GatewayHttpServer;
import dev.fangxin.gateway.http.HttpServerConfig;
import dev.fangxin.gateway.http.Problem;
import dev.fangxin.gateway.http.ProblemException;
import dev.fangxin.gateway.http.Route;
import dev.fangxin.gateway.http.RouteResponse;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Guard} backed by real {@link ApiKeys} on H2, and {@link ProblemException} / {@link
 * RouteResponse#withHeader} through the real {@link GatewayHttpServer} on a loopback port.
 */
class GuardHttpTest {
  @TempDir Path dir;

  private Store store;
  private ApiKeys keys;
  private GatewayHttpServer server;
  private final ApiKeysContractTest.StepClock clock =
      new ApiKeysContractTest.StepClock(Instant.ofEpochSecond(1_767_225_600L));
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    store = Store.open(StoreConfig.embeddedDefault(dir.resolve("data")));
    keys = ApiKeys.on(store, clock);
    Guard guard = Guard.of(keys);
    server =
        GatewayHttpServer.builder(HttpServerConfig.builder().port(0).build())
            .route(
                Route.of(
                    "GET",
                    "/ops",
                    r -> RouteResponse.text(200, guard.require(r, Role.OPERATOR).clientId())))
            .route(
                Route.of(
                    "GET", "/anyone", r -> RouteResponse.text(200, guard.require(r).role().code())))
            .route(
                Route.of(
                    "GET",
                    "/optional",
                    r ->
                        RouteResponse.text(
                            200, guard.optional(r).map(Principal::clientId).orElse("anonymous"))))
            .route(
                Route.of(
                    "GET",
                    "/problem",
                    r -> {
                      JsonArray errors = new JsonArray();
                      errors.add("x");
                      throw ProblemException.of(
                              Problem.of("demo.too_many", 429, "Slow down.")
                                  .with("case_id", "case_1")
                                  .with("errors", errors))
                          .withHeader("Retry-After", "7")
                          .withHeader("X-Demo", "a b");
                    }))
            .route(
                Route.of(
                    "GET",
                    "/created",
                    r ->
                        RouteResponse.json(201, "{\"ok\":true}")
                            .withHeader("Location", "/things/1")
                            .withHeader("location", "/things/2")
                            .withHeader("Retry-After", "3")))
            .build();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static void assertUnauthorized(HttpResponse<String> res, String code) {
    assertThat(res.statusCode()).isEqualTo(401);
    assertThat(res.headers().firstValue("www-authenticate")).hasValue("Bearer");
    assertThat(res.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonObject p = JsonParser.parseString(res.body()).getAsJsonObject();
    assertThat(p.get("type").getAsString()).isEqualTo("https://fangxin.dev/problems/" + code);
    assertThat(p.get("status").getAsInt()).isEqualTo(401);
  }

  @Test
  void missingMalformedUnknownAndRevokedKeysAre401WithBearerChallenge() throws Exception {
    String key = keys.issue("ops", Role.OPERATOR, null, null).apiKey();
    String revoked = keys.issue("ops", Role.OPERATOR, null, null).apiKey();
    keys.revoke(revoked.substring(4, 28), clock.instant());

    assertUnauthorized(get("/ops", null), "auth.missing_credentials");
    assertUnauthorized(get("/ops", "Basic b3BzOnB3"), "auth.invalid_credentials");
    assertUnauthorized(get("/ops", "Bearer"), "auth.invalid_credentials");
    assertUnauthorized(get("/ops", key), "auth.invalid_credentials");
    assertUnauthorized(get("/ops", "Bearer fxk_nope"), "auth.invalid_credentials");
    assertUnauthorized(
        get("/ops", "Bearer " + key.substring(0, key.length() - 2) + "xx"),
        "auth.invalid_credentials");
    assertUnauthorized(get("/ops", "Bearer " + revoked), "auth.invalid_credentials");
    assertUnauthorized(get("/optional", "Bearer " + revoked), "auth.invalid_credentials");

    HttpResponse<String> ok = get("/ops", "Bearer " + key);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("ops");
    assertThat(get("/ops", "bearer " + key).statusCode()).isEqualTo(200);
    assertThat(get("/optional", null).body()).isEqualTo("anonymous");
    assertThat(get("/optional", "Bearer " + key).body()).isEqualTo("ops");
  }

  @Test
  void wrongRoleIs403WithoutChallenge() throws Exception {
    String wallet = keys.issue("w", Role.WALLET_PARTNER, null, null).apiKey();
    HttpResponse<String> res = get("/ops", "Bearer " + wallet);
    assertThat(res.statusCode()).isEqualTo(403);
    assertThat(res.headers().firstValue("www-authenticate")).isEmpty();
    JsonObject p = JsonParser.parseString(res.body()).getAsJsonObject();
    assertThat(p.get("type").getAsString())
        .isEqualTo("https://fangxin.dev/problems/auth.forbidden");
    assertThat(p.get("detail").getAsString()).contains("wallet_partner");
    assertThat(get("/anyone", "Bearer " + wallet).body()).isEqualTo("wallet_partner");
  }

  @Test
  void problemExceptionReachesTheClientWithHeadersAndExtensions() throws Exception {
    HttpResponse<String> res = get("/problem", null);
    assertThat(res.statusCode()).isEqualTo(429);
    assertThat(res.headers().firstValue("retry-after")).hasValue("7");
    assertThat(res.headers().firstValue("x-demo")).hasValue("a b");
    assertThat(res.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonObject p = JsonParser.parseString(res.body()).getAsJsonObject();
    assertThat(p.get("type").getAsString()).isEqualTo("https://fangxin.dev/problems/demo.too_many");
    assertThat(p.get("title").getAsString()).isEqualTo("Too Many Requests");
    assertThat(p.get("detail").getAsString()).isEqualTo("Slow down.");
    assertThat(p.get("instance").getAsString()).isEqualTo("/problem");
    assertThat(p.get("case_id").getAsString()).isEqualTo("case_1");
    assertThat(p.getAsJsonArray("errors").get(0).getAsString()).isEqualTo("x");
  }

  @Test
  void routeResponseHeadersReachTheClientAndTheLastValueWins() throws Exception {
    HttpResponse<String> res = get("/created", null);
    assertThat(res.statusCode()).isEqualTo(201);
    assertThat(res.headers().allValues("location")).containsExactly("/things/2");
    assertThat(res.headers().firstValue("retry-after")).hasValue("3");
    assertThat(res.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(res.body()).isEqualTo("{\"ok\":true}");
  }
}
