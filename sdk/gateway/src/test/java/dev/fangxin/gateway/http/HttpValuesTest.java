package dev.fangxin.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpValuesTest {
  @Test
  void configDefaultsAreDocumentedValues() {
    HttpServerConfig c = HttpServerConfig.defaults();
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.maxHeaderSize()).isEqualTo(8192);
    assertThat(c.maxBodySize()).isEqualTo(65536);
    assertThat(c.readTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.workerThreads()).isEqualTo(4);
    assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void configRejectsOutOfRangeValues() {
    assertThatThrownBy(() -> HttpServerConfig.builder().port(70000).build())
        .isInstanceOf(HttpException.class)
        .hasMessage("port must be in [0, 65535], got 70000.")
        .satisfies(
            e ->
                assertThat(((HttpException) e).reasonCode())
                    .isEqualTo(HttpException.Reason.INVALID_CONFIG));
    assertThatThrownBy(() -> HttpServerConfig.builder().readTimeout(Duration.ZERO).build())
        .hasMessage("readTimeout must be a positive duration, got PT0S.");
    assertThatThrownBy(() -> HttpServerConfig.builder().host(" ").build())
        .hasMessage("host must be a non-blank address, got \"\".");
  }

  @Test
  void routeRejectsMalformedPatterns() {
    RouteHandler h = r -> RouteResponse.text(200, "x");
    assertThatThrownBy(() -> Route.of("GET", "items", h))
        .isInstanceOf(HttpException.class)
        .hasMessage("Route pattern must start with \"/\", got \"items\".");
    assertThatThrownBy(() -> Route.of("GET", "/a/{id}/{id}", h))
        .hasMessage("Route pattern \"/a/{id}/{id}\" binds {id} more than once.");
    assertThatThrownBy(() -> Route.of("GET", "/a//b", h))
        .hasMessage(
            "Route pattern \"/a//b\" has segment \"\"; expected literal text or {name}, and no"
                + " empty segments.");
    assertThatThrownBy(() -> Route.of("get", "/a", h))
        .hasMessage("Route method must be 1 to 16 upper-case letters, got \"get\".")
        .extracting(e -> ((HttpException) e).reason())
        .isEqualTo("http.invalid_route");
    assertThatThrownBy(() -> Route.of("GET", "/a", h).withErrorStatus(200))
        .hasMessage("Route error status must be in [400, 599], got 200.");
  }

  @Test
  void duplicateRoutesAreRejected() {
    RouteHandler h = r -> RouteResponse.text(200, "x");
    assertThatThrownBy(
            () ->
                GatewayHttpServer.builder(HttpServerConfig.defaults())
                    .route(Route.of("GET", "/a/{x}", h))
                    .route(Route.of("GET", "/a/{y}", h))
                    .build())
        .isInstanceOf(HttpException.class)
        .hasMessage(
            "Route GET /a/{y} duplicates another route with the same method and pattern shape.")
        .extracting(e -> ((HttpException) e).reason())
        .isEqualTo("http.duplicate_route");
  }

  @Test
  void problemSerializesRfc9457Fields() {
    Problem p = Problem.of("token.bad_signature", 400, "Bad \"sig\".").withInstance("/r/1");
    assertThat(new String(p.toJsonBytes(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"type\":\"https://fangxin.dev/problems/token.bad_signature\",\"title\":\"Bad"
                + " Request\",\"status\":400,\"detail\":\"Bad \\\"sig\\\".\",\"instance\":\"/r/1\"}");
    assertThatThrownBy(() -> Problem.of("Bad Code", 400, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Problem code must be dot-separated lower snake case, got \"Bad Code\".");
  }
}
