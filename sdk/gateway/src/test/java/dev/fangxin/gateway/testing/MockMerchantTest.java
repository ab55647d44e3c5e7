package dev.fangxin.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.core.webhook.WebhookHeaders;
import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.core.webhook.WebhookSigner;
import dev.fangxin.core.webhook.WebhookSigningKey;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The mock merchant as an integrator uses it: real signed requests over loopback. */
class MockMerchantTest {
  private static final Instant NOW = Instant.parse("2026-03-02T08:00:00Z");
  private final SettableClock clock = new SettableClock(NOW);
  private final WebhookSecret secret = WebhookSecret.generate();
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<MockMerchant> mocks = new ArrayList<>();

  @AfterEach
  void close() {
    mocks.forEach(MockMerchant::close);
  }

  private MockMerchant start(MockMerchant.Builder b) {
    MockMerchant m = b.clock(clock).start();
    mocks.add(m);
    return m;
  }

  private HttpResponse<String> post(MockMerchant m, WebhookSigner signer, String id, String body)
      throws Exception {
    return client.send(
        request(m, signer, id, body, Duration.ofSeconds(10)), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest request(
      MockMerchant m, WebhookSigner signer, String id, String body, Duration timeout) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    WebhookHeaders h = signer.sign(id, clock.instant(), bytes);
    return HttpRequest.newBuilder(m.url())
        .timeout(timeout)
        .header(WebhookHeaders.ID, h.id())
        .header(WebhookHeaders.TIMESTAMP, h.timestamp())
        .header(WebhookHeaders.SIGNATURE, h.signature())
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
        .build();
  }

  @Test
  void verifiesSignaturesAndRefusesWhatDoesNotVerify() throws Exception {
    MockMerchant m = start(MockMerchant.builder().trust(secret));
    assertThat(post(m, WebhookSigner.of(secret), "msg_1", "{}").statusCode()).isEqualTo(200);
    var wrong = post(m, WebhookSigner.of(WebhookSecret.generate()), "msg_2", "{}");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("webhook.no_matching_signature");
    var unsigned =
        client.send(
            HttpRequest.newBuilder(m.url()).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(unsigned.body()).contains("webhook.missing_header");
    clock.advance(Duration.ofMinutes(10));
    WebhookHeaders old = WebhookSigner.of(secret).sign("msg_3", NOW, new byte[] {'{', '}'});
    var stale =
        client.send(
            HttpRequest.newBuilder(m.url())
                .header(WebhookHeaders.ID, old.id())
                .header(WebhookHeaders.TIMESTAMP, old.timestamp())
                .header(WebhookHeaders.SIGNATURE, old.signature())
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(stale.statusCode()).isEqualTo(401);
    assertThat(stale.body()).contains("webhook.timestamp_too_old");
    assertThat(m.processedIds()).containsExactly("msg_1");
    assertThat(m.received())
        .extracting(MockMerchant.Received::verified)
        .containsExactly(true, false, false, false);
    assertThat(m.received().get(1).verificationError()).hasValue("webhook.no_matching_signature");
  }

  @Test
  void followsRotationAndVerifiesV1aWithAPublicKey() throws Exception {
    WebhookSecret next = WebhookSecret.generate();
    WebhookSigningKey key = WebhookSigningKey.generate();
    MockMerchant m = start(MockMerchant.builder().trust(secret));
    WebhookSigner both = WebhookSigner.builder().addSecret(next).addSecret(secret).build();
    assertThat(post(m, both, "msg_1", "{}").statusCode()).isEqualTo(200);
    m.trustSecrets(next);
    assertThat(post(m, both, "msg_2", "{}").statusCode()).isEqualTo(200);
    assertThat(post(m, WebhookSigner.of(secret), "msg_3", "{}").statusCode()).isEqualTo(401);
    m.trustSecrets();
    m.trustPublicKeys(key.publicKey());
    WebhookSigner withKey = WebhookSigner.builder().addSecret(secret).signingKey(key).build();
    assertThat(post(m, withKey, "msg_4", "{}").statusCode()).isEqualTo(200);
    assertThat(m.received().get(3).v1aCount()).isEqualTo(1);
    assertThat(m.received().get(0).v1Count()).isEqualTo(2);
  }

  @Test
  void deduplicatesByWebhookId() throws Exception {
    MockMerchant m = start(MockMerchant.builder().trust(secret));
    WebhookSigner s = WebhookSigner.of(secret);
    assertThat(post(m, s, "msg_1", "{\"a\":1}").body()).isEqualTo("{}");
    assertThat(post(m, s, "msg_1", "{\"a\":1}").body()).isEqualTo("{\"duplicate\":true}");
    assertThat(post(m, s, "msg_2", "{}").statusCode()).isEqualTo(200);
    assertThat(m.processedIds()).containsExactly("msg_1", "msg_2");
    assertThat(m.duplicates()).isEqualTo(1);
    assertThat(m.received().get(1).duplicate()).isTrue();
  }

  @Test
  void failsOnDemandWithStatusRetryAfterResetAndStall() throws Exception {
    MockMerchant m = start(MockMerchant.builder().trust(secret));
    WebhookSigner s = WebhookSigner.of(secret);
    m.enqueue(
        MockMerchant.Reply.status(503).retryAfter("120"),
        MockMerchant.Reply.reset(),
        MockMerchant.Reply.stall(Duration.ofMillis(800)));
    var busy = post(m, s, "msg_1", "{}");
    assertThat(busy.statusCode()).isEqualTo(503);
    assertThat(busy.headers().firstValue("retry-after")).hasValue("120");
    assertThatThrownBy(() -> post(m, s, "msg_1", "{}")).isInstanceOf(IOException.class);
    assertThatThrownBy(
            () ->
                client.send(
                    request(m, s, "msg_1", "{}", Duration.ofMillis(200)),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(HttpTimeoutException.class);
    // The stalled request is processed once its delay is over, as a slow merchant's would be.
    assertThat(m.awaitProcessed(1, Duration.ofSeconds(10))).isTrue();
    assertThat(post(m, s, "msg_1", "{}").body()).isEqualTo("{\"duplicate\":true}");
    assertThat(m.received())
        .extracting(MockMerchant.Received::status)
        .containsExactly(503, 0, 200, 200);
    assertThat(m.received().get(1).reply()).isEqualTo("Reply{reset}");
  }

  @Test
  void randomFailuresRepeatForTheSameSeed() throws Exception {
    List<Integer> first = statuses(42);
    List<Integer> second = statuses(42);
    assertThat(first).isEqualTo(second).contains(500, 200);
    assertThat(statuses(7)).isNotEqualTo(first);
  }

  private List<Integer> statuses(long seed) throws Exception {
    MockMerchant m = start(MockMerchant.builder().trust(secret));
    m.failRandomly(0.5, seed, 500);
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      out.add(post(m, WebhookSigner.of(secret), "msg_" + i, "{}").statusCode());
    }
    return out;
  }

  @Test
  void countsConcurrentRequestsAcrossThreads() throws Exception {
    MockMerchant m = start(MockMerchant.builder().trust(secret));
    m.defaultReply(MockMerchant.Reply.stall(Duration.ofMillis(400)));
    WebhookSigner s = WebhookSigner.of(secret);
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      calls.add(
          client.sendAsync(
              request(m, s, "msg_" + i, "{}", Duration.ofSeconds(10)),
              HttpResponse.BodyHandlers.ofString()));
    }
    for (var c : calls) {
      assertThat(c.get().statusCode()).isEqualTo(200);
    }
    assertThat(m.processedIds()).hasSize(5);
    assertThat(m.maxConcurrent()).isBetween(2, 5);
  }

  @Test
  void needsSomethingToTrust() {
    assertThatThrownBy(() -> MockMerchant.builder().start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Trust at least one secret or public key.");
  }
}
