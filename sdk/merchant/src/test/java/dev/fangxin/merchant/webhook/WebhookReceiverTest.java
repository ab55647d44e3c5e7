package dev.fangxin.merchant.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.core.webhook.WebhookHeaders;
import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.core.webhook.WebhookSigner;
import dev.fangxin.core.webhook.WebhookSigningKey;
import dev.fangxin.merchant.webhook.WebhookReceiver.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WebhookReceiverTest {
  private static final Instant NOW = Instant.parse("2026-11-29T08:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String BODY =
      "{\"type\":\"case.created\",\"timestamp\":\"2026-11-29T08:00:00Z\","
          + "\"data\":{\"case_id\":\"case_abc\",\"merchant_id\":\"M1\",\"state\":\"received\"}}";

  private final WebhookSecret secret = WebhookSecret.generate();

  private static Map<String, List<String>> headers(
      WebhookSigner signer, String id, Instant at, byte[] body) {
    var h = signer.sign(id, at, body);
    return Map.of(
        "Webhook-Id", List.of(h.id()),
        "Webhook-Timestamp", List.of(h.timestamp()),
        "Webhook-Signature", List.of(h.signature()));
  }

  private WebhookReceiver receiver(ProcessedWebhooks processed) {
    return WebhookReceiver.builder().addSecret(secret).clock(CLOCK).processed(processed).build();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void verifiedEventIsHandledOnceAndItsDuplicateAcknowledged() {
    WebhookReceiver receiver = receiver(InMemoryProcessedWebhooks.withCapacity(10));
    var h = headers(WebhookSigner.of(secret), "msg_1", NOW, utf8(BODY));
    List<WebhookEvent> handled = new ArrayList<>();

    var first = receiver.receive(h, utf8(BODY), handled::add);
    var second = receiver.receive(h, utf8(BODY), handled::add);

    assertThat(first.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(first.status()).isEqualTo(204);
    assertThat(second.outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(second.status()).isEqualTo(204);
    assertThat(handled).hasSize(1);
    WebhookEvent e = handled.get(0);
    assertThat(e.id()).isEqualTo("msg_1");
    assertThat(e.type()).isEqualTo("case.created");
    assertThat(e.caseId()).contains("case_abc");
    assertThat(e.merchantId()).contains("M1");
    assertThat(e.body()).isEqualTo(utf8(BODY));
  }

  @Test
  void failingHandlerReleasesTheIdSoTheRetryIsProcessed() {
    WebhookReceiver receiver = receiver(InMemoryProcessedWebhooks.withCapacity(10));
    var h = headers(WebhookSigner.of(secret), "msg_2", NOW, utf8(BODY));
    AtomicInteger calls = new AtomicInteger();

    var failed =
        receiver.receive(
            h,
            utf8(BODY),
            e -> {
              calls.incrementAndGet();
              throw new IllegalStateException("database down");
            });
    var retried = receiver.receive(h, utf8(BODY), e -> calls.incrementAndGet());

    assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(failed.status()).isEqualTo(503);
    assertThat(failed.problem()).hasValueSatisfying(p -> assertThat(p).contains("database down"));
    assertThat(retried.outcome()).isEqualTo(Outcome.PROCESSED);
    assertThat(calls).hasValue(2);
  }

  @Test
  void rotationAcceptsEitherSecretAndRefusesAStrangersSignature() {
    WebhookSecret next = WebhookSecret.generate();
    WebhookReceiver receiver =
        WebhookReceiver.builder().addSecret(secret).addSecret(next).clock(CLOCK).build();
    byte[] body = utf8(BODY);

    assertThat(
            receiver
                .receive(headers(WebhookSigner.of(next), "a", NOW, body), body, e -> {})
                .outcome())
        .isEqualTo(Outcome.PROCESSED);
    assertThat(
            receiver
                .receive(headers(WebhookSigner.of(secret, next), "b", NOW, body), body, e -> {})
                .outcome())
        .isEqualTo(Outcome.PROCESSED);
    var stranger =
        receiver.receive(
            headers(WebhookSigner.of(WebhookSecret.generate()), "c", NOW, body), body, e -> {});
    assertThat(stranger.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(stranger.problem())
        .hasValueSatisfying(p -> assertThat(p).startsWith("webhook.no_matching_signature"));
  }

  @Test
  void v1aVerifiesWithTheEndpointsPublicKey() {
    WebhookSigningKey key = WebhookSigningKey.generate();
    WebhookReceiver receiver =
        WebhookReceiver.builder().addPublicKey(key.publicKey()).clock(CLOCK).build();
    WebhookSigner signer = WebhookSigner.builder().signingKey(key).build();
    byte[] body = utf8(BODY);

    assertThat(receiver.receive(headers(signer, "v", NOW, body), body, e -> {}).outcome())
        .isEqualTo(Outcome.PROCESSED);
  }

  @Test
  void alteredBodyStaleTimestampAndMissingHeadersAreRejectedWithoutHandling() {
    WebhookReceiver receiver = receiver(InMemoryProcessedWebhooks.withCapacity(10));
    WebhookSigner signer = WebhookSigner.of(secret);
    byte[] body = utf8(BODY);
    AtomicInteger calls = new AtomicInteger();
    WebhookReceiver.Handler count = e -> calls.incrementAndGet();

    byte[] altered = body.clone();
    altered[altered.length - 3] ^= 1;
    assertThat(receiver.receive(headers(signer, "x", NOW, body), altered, count).outcome())
        .isEqualTo(Outcome.REJECTED);
    assertThat(
            receiver
                .receive(headers(signer, "y", NOW.minus(Duration.ofMinutes(6)), body), body, count)
                .problem())
        .hasValueSatisfying(p -> assertThat(p).startsWith("webhook.timestamp_too_old"));
    assertThat(receiver.receive(Map.of(), body, count).problem())
        .hasValueSatisfying(p -> assertThat(p).startsWith("webhook.missing_header"));
    assertThat(calls).hasValue(0);
  }

  @Test
  void signedButMalformedBodiesAreRefusedAndNotRemembered() {
    InMemoryProcessedWebhooks ids = InMemoryProcessedWebhooks.withCapacity(10);
    WebhookReceiver receiver = receiver(ids);
    WebhookSigner signer = WebhookSigner.of(secret);
    for (String bad :
        List.of(
            "not json",
            "[1,2]",
            "{\"type\":\"case.created\",\"timestamp\":\"t\"}",
            "{\"type\":1,\"timestamp\":\"t\",\"data\":{}}",
            "{\"type\":\"a\",\"timestamp\":\"t\",\"data\":{}} trailing",
            "{'type':'a','timestamp':'t','data':{}}")) {
      byte[] body = utf8(bad);
      var r = receiver.receive(headers(signer, "m", NOW, body), body, e -> {});
      assertThat(r.outcome()).as(bad).isEqualTo(Outcome.MALFORMED);
      assertThat(r.status()).isEqualTo(422);
    }
    assertThat(ids.size()).isZero();
  }

  @Test
  void concurrentDeliveriesOfOneIdAreHandledOnce() throws Exception {
    WebhookReceiver receiver = receiver(InMemoryProcessedWebhooks.withCapacity(10));
    byte[] body = utf8(BODY);
    var h = headers(WebhookSigner.of(secret), "msg_c", NOW, body);
    ConcurrentLinkedQueue<WebhookEvent> handled = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Outcome>> results = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      results.add(
          pool.submit(
              () -> {
                go.await();
                return receiver.receive(h, body, handled::add).outcome();
              }));
    }
    go.countDown();
    int processed = 0;
    for (Future<Outcome> f : results) {
      processed += f.get() == Outcome.PROCESSED ? 1 : 0;
    }
    pool.shutdown();
    assertThat(processed).isEqualTo(1);
    assertThat(handled).hasSize(1);
  }

  @Test
  void builderNeedsACredentialAndStoreNeedsAPositiveCapacity() {
    assertThatThrownBy(() -> WebhookReceiver.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at least one secret");
    assertThatThrownBy(() -> InMemoryProcessedWebhooks.withCapacity(0))
        .isInstanceOf(IllegalArgumentException.class);
    InMemoryProcessedWebhooks two = InMemoryProcessedWebhooks.withCapacity(2);
    assertThat(two.claim("a")).isTrue();
    assertThat(two.claim("b")).isTrue();
    assertThat(two.claim("c")).isTrue();
    assertThat(two.size()).isEqualTo(2);
    assertThat(two.claim("a")).as("the oldest was forgotten").isTrue();
    assertThat(WebhookHeaders.ID).isEqualTo("webhook-id");
  }
}
