package dev.fangxin.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** HTTPS from PEM files, on a real loopback socket, with a client that trusts only our cert. */
class TlsServerTest {
  @TempDir Path dir;

  private GatewayHttpServer start(TestCertificates certs, String password) {
    HttpServerConfig config =
        HttpServerConfig.builder()
            .port(0)
            .readTimeout(Duration.ofSeconds(5))
            .tls(TlsConfig.fromPem(certs.chain, certs.key, password))
            .build();
    GatewayHttpServer server =
        GatewayHttpServer.builder(config)
            .route(Route.of("POST", "/echo", r -> RouteResponse.text(200, r.bodyUtf8())))
            .build();
    server.start();
    return server;
  }

  @ParameterizedTest(name = "{0} key, password {1}")
  @CsvSource({"RSA,", "EC,", "EC,correct horse", "RSA,correct horse"})
  void servesHttpsFromPemFiles(String algorithm, String password) throws Exception {
    TestCertificates certs = TestCertificates.write(dir, "server", algorithm, password);
    assertThat(Files.readString(certs.key))
        .startsWith(
            password == null
                ? "-----BEGIN PRIVATE KEY-----"
                : "-----BEGIN ENCRYPTED PRIVATE KEY-----");
    try (GatewayHttpServer server = start(certs, password)) {
      assertThat(server.scheme()).isEqualTo("https");
      HttpClient client = HttpClient.newBuilder().sslContext(certs.clientContext()).build();
      URI base = URI.create("https://127.0.0.1:" + server.port());
      HttpResponse<String> health =
          client.send(
              HttpRequest.newBuilder(base.resolve("/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("ok");
      HttpResponse<String> echo =
          client.send(
              HttpRequest.newBuilder(base.resolve("/echo"))
                  .POST(HttpRequest.BodyPublishers.ofString("放心"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(echo.body()).isEqualTo("放心");
      assertThat(health.sslSession()).isPresent();
    }
  }

  @Test
  void anOversizeBodyOverTlsGetsA413() throws Exception {
    TestCertificates certs = TestCertificates.write(dir, "server", "EC", null);
    try (GatewayHttpServer server = start(certs, null)) {
      HttpClient client = HttpClient.newBuilder().sslContext(certs.clientContext()).build();
      URI base = URI.create("https://127.0.0.1:" + server.port());
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> res =
            client.send(
                HttpRequest.newBuilder(base.resolve("/echo"))
                    .POST(HttpRequest.BodyPublishers.ofString("a".repeat(300_000)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(413);
        assertThat(res.body()).contains("http.payload_too_large");
      }
      // The server carries on.
      HttpResponse<String> echo =
          client.send(
              HttpRequest.newBuilder(base.resolve("/echo"))
                  .POST(HttpRequest.BodyPublishers.ofString("放心"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(echo.body()).isEqualTo("放心");
    }
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefused() throws Exception {
    TestCertificates certs = TestCertificates.write(dir, "server", "EC", null);
    TestCertificates other = TestCertificates.write(dir, "other", "EC", null);
    try (GatewayHttpServer server = start(certs, null)) {
      HttpClient client = HttpClient.newBuilder().sslContext(other.clientContext()).build();
      assertThatThrownBy(
              () ->
                  client.send(
                      HttpRequest.newBuilder(
                              URI.create("https://127.0.0.1:" + server.port() + "/healthz"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void plaintextToTheTlsPortIsClosedWithoutAnAnswerAndTheServerCarriesOn() throws Exception {
    TestCertificates certs = TestCertificates.write(dir, "server", "RSA", null);
    try (GatewayHttpServer server = start(certs, null)) {
      try (Socket s = new Socket("127.0.0.1", server.port())) {
        s.setSoTimeout(5000);
        OutputStream out = s.getOutputStream();
        out.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] answer;
        try {
          answer = in.readAllBytes();
        } catch (SocketException reset) {
          answer = new byte[0];
        }
        // No HTTP answer: the connection is closed (possibly after a TLS alert record).
        assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("HTTP/1.1");
      }
      HttpClient client = HttpClient.newBuilder().sslContext(certs.clientContext()).build();
      HttpResponse<String> health =
          client.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/healthz"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aWrongPasswordFailsTheStartNamingTheFiles() throws Exception {
    TestCertificates certs = TestCertificates.write(dir, "server", "EC", "right");
    HttpServerConfig config =
        HttpServerConfig.builder()
            .port(0)
            .tls(TlsConfig.fromPem(certs.chain, certs.key, "wrong"))
            .build();
    GatewayHttpServer server = GatewayHttpServer.builder(config).build();
    assertThatThrownBy(server::start)
        .isInstanceOfSatisfying(
            HttpException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(HttpException.Reason.TLS_FAILED))
        .hasMessageStartingWith(
            "Could not load TLS from certificate chain "
                + certs.chain
                + " and private key "
                + certs.key
                + ": ")
        .hasMessageEndingWith(
            ". Expected PEM files: X.509 certificates, server certificate first, and its PKCS#8"
                + " private key (encrypted with the given password).")
        .hasMessageNotContaining("wrong");
    server.close();
  }

  @Test
  void aKeyThatIsNotPemFailsTheStart() throws Exception {
    TestCertificates certs = TestCertificates.write(dir, "server", "RSA", null);
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a key\n");
    GatewayHttpServer server =
        GatewayHttpServer.builder(
                HttpServerConfig.builder()
                    .port(0)
                    .tls(TlsConfig.fromPem(certs.chain, garbage, null))
                    .build())
            .build();
    assertThatThrownBy(server::start)
        .isInstanceOfSatisfying(
            HttpException.class, e -> assertThat(e.reason()).isEqualTo("http.tls_failed"));
    server.close();
  }

  @Test
  void missingFilesAreRefusedAtConfiguration() {
    Path missing = dir.resolve("none.pem");
    assertThatThrownBy(() -> TlsConfig.fromPem(missing, missing, null))
        .isInstanceOfSatisfying(
            HttpException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(HttpException.Reason.INVALID_CONFIG))
        .hasMessage(
            "The TLS certificate chain file "
                + missing
                + " is not a readable file; expected a PEM file.");
  }
}
