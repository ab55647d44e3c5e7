package dev.fangxin.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fangxin.core.FangxinException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GatewayHttpServerTest {
  /** A FangxinException as a route in another package would throw it. */
  static final class TestException extends FangxinException {
    private static final long serialVersionUID = 1L;

    TestException(String message) {
      super(message);
    }

    @Override
    public String reason() {
      return "test.bad_thing";
    }
  }

  private final AtomicBoolean ready = new AtomicBoolean(true);
  private final CountDownLatch slowEntered = new CountDownLatch(1);
  private final CountDownLatch slowRelease = new CountDownLatch(1);
  private GatewayHttpServer server;
  private HttpClient client;

  @BeforeEach
  void start() {
    HttpServerConfig config =
        HttpServerConfig.builder()
            .port(0)
            .readTimeout(Duration.ofMillis(500))
            .shutdownTimeout(Duration.ofSeconds(10))
            .build();
    server =
        GatewayHttpServer.builder(config)
            .readiness(ready::get)
            .route(
                Route.of(
                    "GET", "/echo/{id}", r -> RouteResponse.text(200, "id=" + r.pathParam("id"))))
            .route(Route.of("POST", "/echo/{id}", r -> RouteResponse.text(200, r.bodyUtf8())))
            .route(
                Route.of(
                        "POST", "/big/{id}", r -> RouteResponse.text(200, "got " + r.body().length))
                    .withBodyLimit(
                        200_000,
                        r ->
                            RouteResponse.of(
                                413,
                                "text/html; charset=utf-8",
                                ("<p>too large for " + r.path() + "</p>")
                                    .getBytes(StandardCharsets.UTF_8))))
            .route(
                Route.of(
                    "GET",
                    "/fail/fangxin",
                    r -> {
                      throw new TestException("The thing was bad; expected a good thing.");
                    }))
            .route(
                Route.of(
                        "GET",
                        "/fail/fangxin422",
                        r -> {
                          throw new TestException("Unprocessable.");
                        })
                    .withErrorStatus(422))
            .route(
                Route.of(
                    "GET",
                    "/fail/runtime",
                    r -> {
                      throw new RuntimeException("secret");
                    }))
            .route(Route.of("GET", "/fail/null", r -> null))
            .route(
                Route.of(
                    "GET",
                    "/slow",
                    r -> {
                      slowEntered.countDown();
                      if (!slowRelease.await(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                      }
                      return RouteResponse.text(200, "slow done");
                    }))
            .build();
    server.start();
    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stop() {
    slowRelease.countDown();
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private static JsonObject json(String body) {
    return JsonParser.parseString(body).getAsJsonObject();
  }

  private static void assertProblem(
      HttpResponse<String> res, int status, String code, String instance) {
    assertThat(res.statusCode()).isEqualTo(status);
    assertThat(res.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonObject p = json(res.body());
    assertThat(p.get("type").getAsString()).isEqualTo("https://fangxin.dev/problems/" + code);
    assertThat(p.get("status").getAsInt()).isEqualTo(status);
    assertThat(p.get("title").getAsString()).isNotBlank();
    assertThat(p.get("instance").getAsString()).isEqualTo(instance);
  }

  @Test
  void healthzAnswersOkWithSafetyHeaders() throws Exception {
    HttpResponse<String> res = get("/healthz");
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("ok");
    assertThat(res.headers().firstValue("content-length")).hasValue("2");
    assertThat(res.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(res.headers().firstValue("x-content-type-options")).hasValue("nosniff");
  }

  @Test
  void readyzFollowsTheReadinessCheck() throws Exception {
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    ready.set(false);
    HttpResponse<String> res = get("/readyz");
    assertProblem(res, 503, "http.not_ready", "/readyz");
    assertThat(res.headers().firstValue("cache-control")).hasValue("no-store");
  }

  @Test
  void pathParameterIsBoundAndDecoded() throws Exception {
    HttpResponse<String> res = get("/echo/r-42%20x?ignored=1");
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("id=r-42 x");
  }

  @Test
  void postBodyReachesTheRoute() throws Exception {
    HttpResponse<String> res =
        client.send(
            HttpRequest.newBuilder(uri("/echo/1"))
                .POST(HttpRequest.BodyPublishers.ofString("héllo", StandardCharsets.UTF_8))
                .build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertThat(res.body()).isEqualTo("héllo");
  }

  @Test
  void unknownPathIs404Problem() throws Exception {
    HttpResponse<String> res = get("/nope/here");
    assertProblem(res, 404, "http.not_found", "/nope/here");
    assertThat(json(res.body()).get("title").getAsString()).isEqualTo("Not Found");
    assertThat(res.headers().firstValue("content-length"))
        .hasValue(String.valueOf(res.body().getBytes(StandardCharsets.UTF_8).length));
  }

  @Test
  void wrongMethodIs405ProblemWithAllow() throws Exception {
    HttpResponse<String> res =
        client.send(
            HttpRequest.newBuilder(uri("/healthz")).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertProblem(res, 405, "http.method_not_allowed", "/healthz");
    assertThat(res.headers().firstValue("allow")).hasValue("GET");

    HttpResponse<String> two =
        client.send(
            HttpRequest.newBuilder(uri("/echo/7")).PUT(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(two.headers().firstValue("allow")).hasValue("GET, POST");
  }

  @Test
  void fangxinExceptionIs400WithItsReasonAsType() throws Exception {
    HttpResponse<String> res = get("/fail/fangxin");
    assertProblem(res, 400, "test.bad_thing", "/fail/fangxin");
    assertThat(json(res.body()).get("detail").getAsString())
        .isEqualTo("The thing was bad; expected a good thing.");
  }

  @Test
  void routeMayChooseTheStatusOfItsFangxinExceptions() throws Exception {
    assertProblem(get("/fail/fangxin422"), 422, "test.bad_thing", "/fail/fangxin422");
  }

  @Test
  void unexpectedExceptionIsGeneric500() throws Exception {
    HttpResponse<String> res = get("/fail/runtime");
    assertProblem(res, 500, "http.internal_error", "/fail/runtime");
    assertThat(res.body()).doesNotContain("secret").doesNotContain("RuntimeException");
    assertThat(json(res.body()).get("detail").getAsString())
        .isEqualTo("The server failed to handle the request.");
  }

  @Test
  void nullResponseIsGeneric500() throws Exception {
    assertProblem(get("/fail/null"), 500, "http.internal_error", "/fail/null");
  }

  @Test
  void bodyOverTheLimitIs413Problem() throws Exception {
    try (Socket s = socket()) {
      send(
          s,
          "POST /echo/1 HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
              + "Content-Length: 70000\r\n\r\n"
              + "a".repeat(1000));
      Raw res = Raw.read(s.getInputStream());
      assertThat(res.status).isEqualTo(413);
      assertThat(res.headers.get("content-type")).isEqualTo("application/problem+json");
      assertThat(res.headers.get("connection")).isEqualTo("close");
      JsonObject p = json(res.body);
      assertThat(p.get("type").getAsString())
          .isEqualTo("https://fangxin.dev/problems/http.payload_too_large");
      assertThat(p.get("status").getAsInt()).isEqualTo(413);
      assertThat(p.get("instance").getAsString()).isEqualTo("/echo/1");
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void aClientStillSendingAnOversizeBodyGetsThe413Whole() throws Exception {
    // The server answers after the headers. Closing at once, with the body still arriving, made
    // the kernel reset the connection, and a client could lose the 413 already sent ("header
    // parser received no bytes"); the server now drops the rest of the body before closing.
    for (int i = 0; i < 3; i++) {
      try (Socket s = socket()) {
        OutputStream out = s.getOutputStream();
        out.write(
            ("POST /echo/1 HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 300000\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[1000]);
        out.flush();
        Thread.sleep(200); // the server has answered by now; the rest of the body comes after
        out.write(new byte[299_000]);
        out.flush();
        Raw res = Raw.read(s.getInputStream());
        assertThat(res.status).isEqualTo(413);
        assertThat(json(res.body).get("type").getAsString())
            .isEqualTo("https://fangxin.dev/problems/http.payload_too_large");
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
    }
  }

  @Test
  void chunkedBodyOverTheLimitIs413Problem() throws Exception {
    try (Socket s = socket()) {
      String chunk = "a".repeat(4096);
      StringBuilder req =
          new StringBuilder(
              "POST /echo/1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < 17; i++) {
        req.append("1000\r\n").append(chunk).append("\r\n");
      }
      send(s, req.toString());
      Raw res = Raw.read(s.getInputStream());
      assertThat(res.status).isEqualTo(413);
      assertThat(json(res.body).get("type").getAsString())
          .isEqualTo("https://fangxin.dev/problems/http.payload_too_large");
    }
  }

  @Test
  void aRouteWithItsOwnLimitTakesMoreAndAnswersOversizeItself() throws Exception {
    // 150 000 bytes: over the server's 64 KiB, within the route's 200 000.
    HttpResponse<String> ok =
        client.send(
            HttpRequest.newBuilder(uri("/big/1"))
                .POST(HttpRequest.BodyPublishers.ofString("b".repeat(150_000)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("got 150000");
    // The same body elsewhere: the server's limit.
    HttpResponse<String> other =
        client.send(
            HttpRequest.newBuilder(uri("/echo/1"))
                .POST(HttpRequest.BodyPublishers.ofString("b".repeat(150_000)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(other.statusCode()).isEqualTo(413);
    // Over the route's limit, by Content-Length: the route's own answer, then close.
    try (Socket s = socket()) {
      send(s, "POST /big/2 HTTP/1.1\r\nHost: x\r\nContent-Length: 200001\r\n\r\n");
      Raw res = Raw.read(s.getInputStream());
      assertThat(res.status).isEqualTo(413);
      assertThat(res.headers.get("content-type")).isEqualTo("text/html; charset=utf-8");
      assertThat(res.headers.get("connection")).isEqualTo("close");
      assertThat(res.body).contains("too large for /big/2");
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    // Over it, chunked: counted as it arrives.
    try (Socket s = socket()) {
      String chunk = "a".repeat(4096);
      StringBuilder req =
          new StringBuilder(
              "POST /big/3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < 50; i++) {
        req.append("1000\r\n").append(chunk).append("\r\n");
      }
      send(s, req.toString());
      Raw res = Raw.read(s.getInputStream());
      assertThat(res.status).isEqualTo(413);
      assertThat(res.body).contains("too large for /big/3");
    }
  }

  @Test
  void aRouteBodyLimitIsValidated() {
    Route r = Route.of("POST", "/x", q -> RouteResponse.text(200, ""));
    assertThat(r.maxBodySize()).isEmpty();
    assertThat(r.withBodyLimit(10, q -> null).maxBodySize()).hasValue(10);
    assertThat(r.withBodyLimit(10, q -> null).withErrorStatus(422).maxBodySize()).hasValue(10);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.withBodyLimit(0, q -> null))
        .isInstanceOf(HttpException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> r.withBodyLimit(Route.MAX_BODY_LIMIT + 1, q -> null))
        .isInstanceOf(HttpException.class);
  }

  @Test
  void headersOverTheLimitAre431Problem() throws Exception {
    // Netty does not answer this itself: its decoder yields a TooLongHttpHeaderException, which
    // the server maps to 431 Request Header Fields Too Large.
    try (Socket s = socket()) {
      send(s, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n");
      Raw res = Raw.read(s.getInputStream());
      assertThat(res.status).isEqualTo(431);
      assertThat(res.headers.get("content-type")).isEqualTo("application/problem+json");
      assertThat(res.headers.get("x-content-type-options")).isEqualTo("nosniff");
      JsonObject p = json(res.body);
      assertThat(p.get("type").getAsString())
          .isEqualTo("https://fangxin.dev/problems/http.header_fields_too_large");
      assertThat(p.get("status").getAsInt()).isEqualTo(431);
    }
  }

  @Test
  void garbageIs400Problem() throws Exception {
    try (Socket s = socket()) {
      send(s, "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n");
      Raw res = Raw.read(s.getInputStream());
      assertThat(res.status).isEqualTo(400);
      assertThat(json(res.body).get("type").getAsString())
          .isEqualTo("https://fangxin.dev/problems/http.bad_request");
    }
  }

  @Test
  void aMalformedPercentEscapeOrAnEscapedNulIs400ProblemNotASilentClose() throws Exception {
    for (String target :
        List.of(
            "/hea%zz", "/healthz%", "/healthz?a=%ZZ", "/%G0/x", "/healthz%00", "/healthz?a=%00")) {
      try (Socket s = socket()) {
        send(s, "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
        Raw res = Raw.read(s.getInputStream());
        assertThat(res.status).as(target).isEqualTo(400);
        assertThat(res.headers.get("content-type")).isEqualTo("application/problem+json");
        assertThat(json(res.body).get("type").getAsString())
            .isEqualTo("https://fangxin.dev/problems/http.bad_request");
      }
    }
  }

  @Test
  void slowClientGets408AndIsClosed() throws Exception {
    try (Socket s = socket()) {
      send(s, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
      Raw res = Raw.read(s.getInputStream());
      assertThat(res.status).isEqualTo(408);
      assertThat(json(res.body).get("type").getAsString())
          .isEqualTo("https://fangxin.dev/problems/http.request_timeout");
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void keepAliveServesTwoRequestsOnOneConnection() throws Exception {
    try (Socket s = socket()) {
      InputStream in = s.getInputStream();
      send(s, "GET /echo/one HTTP/1.1\r\nHost: x\r\n\r\n");
      Raw first = Raw.read(in);
      send(s, "GET /echo/two HTTP/1.1\r\nHost: x\r\n\r\n");
      Raw second = Raw.read(in);
      assertThat(first.body).isEqualTo("id=one");
      assertThat(second.body).isEqualTo("id=two");
      assertThat(first.headers.get("connection")).isEqualTo("keep-alive");
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (Socket s = socket()) {
      InputStream in = s.getInputStream();
      send(
          s,
          "GET /echo/a HTTP/1.1\r\nHost: x\r\n\r\n"
              + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
              + "GET /echo/c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(Raw.read(in).body).isEqualTo("id=a");
      assertThat(Raw.read(in).status).isEqualTo(404);
      Raw third = Raw.read(in);
      assertThat(third.body).isEqualTo("id=c");
      assertThat(third.headers.get("connection")).isEqualTo("close");
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void gracefulShutdownFinishesInFlightAndRefusesNewConnections() throws Exception {
    CompletableFuture<HttpResponse<String>> inFlight =
        client.sendAsync(
            HttpRequest.newBuilder(uri("/slow")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
    int port = server.port();
    Thread closer = new Thread(server::close, "test-closer");
    closer.start();

    boolean refused = false;
    for (int i = 0; i < 200 && !refused; i++) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        Thread.sleep(25);
      } catch (ConnectException expected) {
        refused = true;
      }
    }
    assertThat(refused).isTrue();
    assertThat(closer.isAlive()).isTrue();
    assertThat(inFlight).isNotDone();

    slowRelease.countDown();
    HttpResponse<String> res = inFlight.get(10, TimeUnit.SECONDS);
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("slow done");
    closer.join(10_000);
    assertThat(closer.isAlive()).isFalse();
  }

  private Socket socket() throws IOException {
    Socket s = new Socket("127.0.0.1", server.port());
    s.setSoTimeout(10_000);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** A minimal HTTP/1.1 response reader for raw-socket tests (Content-Length framing only). */
  static final class Raw {
    final int status;
    final Map<String, String> headers;
    final String body;

    private Raw(int status, Map<String, String> headers, String body) {
      this.status = status;
      this.headers = headers;
      this.body = body;
    }

    static Raw read(InputStream in) throws IOException {
      String statusLine = line(in);
      if (statusLine == null) {
        throw new IOException("connection closed before a response");
      }
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      Map<String, String> headers = new HashMap<>();
      for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
        int c = l.indexOf(':');
        headers.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
      }
      int length = Integer.parseInt(headers.get("content-length"));
      byte[] body = in.readNBytes(length);
      return new Raw(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') {
          String s = b.toString(StandardCharsets.ISO_8859_1);
          return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
        b.write(c);
      }
      return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void startingTwiceIsRejected() {
    assertThatThrownBy(server::start)
        .isInstanceOf(HttpException.class)
        .hasMessage("The server can be started once, before close(); it was already started.")
        .extracting(e -> ((HttpException) e).reason())
        .isEqualTo("http.start_failed");
  }
}
