package dev.fangxin.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.gateway.cases.MutableClock;
import dev.fangxin.gateway.config.GatewayConfig;
import dev.fangxin.gateway.http.HttpException;
import dev.fangxin.gateway.http.Route;
import dev.fangxin.gateway.http.RouteResponse;
import dev.fangxin.gateway.store.StoreException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The assembled gateway on every supported store: start, serve, drain, stop. */
abstract class GatewayContractTest {
  final MutableClock clock = new MutableClock(Instant.ofEpochSecond(1_767_225_600L));
  final HttpClient client = HttpClient.newHttpClient();
  Gateway gateway;

  /** Settings naming a fresh store (as flags); the test adds the port. */
  abstract Map<String, String> storeSettings() throws Exception;

  GatewayConfig config() throws Exception {
    Map<String, String> flags = new HashMap<>(storeSettings());
    flags.put("http.port", "0");
    flags.put("http.shutdown-timeout", "20s");
    return GatewayConfig.load(flags, Map.of());
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(gateway.listenUrl().resolve(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesHealthReadinessAndMetrics() throws Exception {
    gateway = Gateway.start(config(), clock);
    assertThat(gateway.listenUrl()).isEqualTo(URI.create("http://127.0.0.1:" + gateway.port()));
    assertThat(gateway.publicBaseUrl()).isEqualTo(gateway.listenUrl());
    assertThat(get("/healthz").body()).isEqualTo("ok");
    HttpResponse<String> ready = get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ready");
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("content-type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(metrics.body())
        .contains("fangxin_outbox_due 0.0")
        .contains("fangxin_cases{state=\"received\"} 0.0")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void componentsAddRoutesServicesAndReadiness() throws Exception {
    AtomicBoolean partReady = new AtomicBoolean(true);
    List<String> events = new CopyOnWriteArrayList<>();
    gateway =
        Gateway.builder(config(), clock)
            .install(
                ctx ->
                    ctx.route(
                            Route.of(
                                "GET",
                                "/hello",
                                r -> RouteResponse.text(200, "hello from " + ctx.publicBaseUrl())))
                        .service(() -> events.add("a closed"))
                        .readiness(partReady::get))
            .install(ctx -> ctx.service(() -> events.add("b closed")))
            .route(Route.of("GET", "/plain", r -> RouteResponse.text(200, "plain")))
            .start();
    assertThat(get("/hello").body()).isEqualTo("hello from " + gateway.listenUrl());
    assertThat(get("/plain").body()).isEqualTo("plain");
    partReady.set(false);
    assertThat(get("/readyz").statusCode()).isEqualTo(503);
    partReady.set(true);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    gateway.close();
    assertThat(events).containsExactly("b closed", "a closed");
    assertThatThrownBy(() -> get("/healthz")).isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> gateway.store().connection()).isInstanceOf(StoreException.class);
  }

  @Test
  void closeDrainsInFlightRequestsBeforeStoppingServicesAndTheStore() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> events = new CopyOnWriteArrayList<>();
    gateway =
        Gateway.builder(config(), clock)
            .install(
                ctx -> {
                  ctx.route(
                      Route.of(
                          "GET",
                          "/slow",
                          r -> {
                            entered.countDown();
                            release.await();
                            events.add("request finished");
                            return RouteResponse.text(200, "done");
                          }));
                  ctx.service(
                      () -> {
                        // The store is still open when services stop.
                        try (Connection c = ctx.store().connection();
                            Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM outbox")) {
                          rs.next();
                          events.add("service closed, outbox rows " + rs.getLong(1));
                        }
                      });
                })
            .start();
    CompletableFuture<HttpResponse<String>> slow =
        client.sendAsync(
            HttpRequest.newBuilder(gateway.listenUrl().resolve("/slow")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(gateway::close);
    // Shutdown waits for the request: nothing behind the server has stopped.
    assertThat(closing.isDone()).isFalse();
    assertThat(events).isEmpty();
    release.countDown();
    HttpResponse<String> response = slow.get(20, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("done");
    closing.get(20, TimeUnit.SECONDS);
    assertThat(events).containsExactly("request finished", "service closed, outbox rows 0");
  }

  @Test
  void aFailingComponentClosesWhatWasOpened() throws Exception {
    GatewayConfig config = config();
    List<String> events = new CopyOnWriteArrayList<>();
    assertThatThrownBy(
            () ->
                Gateway.builder(config, clock)
                    .install(ctx -> ctx.service(() -> events.add("first closed")))
                    .install(
                        ctx -> {
                          throw new IOException("endpoint table unreadable");
                        })
                    .start())
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.reason()).isEqualTo("gateway.start_failed"))
        .hasMessage("A gateway component failed to start: endpoint table unreadable");
    assertThat(events).containsExactly("first closed");
    // The store was released: the same configuration starts again.
    gateway = Gateway.start(config, clock);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
  }

  @Test
  void aRouteThatClashesWithMetricsFailsTheStart() throws Exception {
    GatewayConfig config = config();
    assertThatThrownBy(
            () ->
                Gateway.builder(config, clock)
                    .route(Route.of("GET", "/metrics", r -> RouteResponse.text(200, "")))
                    .start())
        .isInstanceOfSatisfying(
            HttpException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(HttpException.Reason.DUPLICATE_ROUTE));
    gateway = Gateway.start(config, clock);
    assertThat(get("/metrics").statusCode()).isEqualTo(200);
  }

  @Test
  void publicBaseUrlFromConfigurationWins() throws Exception {
    Map<String, String> flags = new HashMap<>(storeSettings());
    flags.put("http.port", "0");
    flags.put("public.base-url", "https://fx.example.cn/hz/");
    gateway = Gateway.start(GatewayConfig.load(flags, Map.of()), clock);
    assertThat(gateway.publicBaseUrl()).isEqualTo(URI.create("https://fx.example.cn/hz"));
  }

  @Test
  void readinessFollowsTheStoreWhileHealthOnlyFollowsTheProcess() throws Exception {
    gateway = Gateway.start(config(), clock);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    gateway.store().close();
    HttpResponse<String> ready = get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("http.not_ready");
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    gateway.close();
    gateway.close(); // idempotent
  }
}
