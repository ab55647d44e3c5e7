package dev.fangxin.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The published vectors of the Standard Webhooks reference libraries
 * (github.com/standard-webhooks/standard-webhooks).
 */
class KnownAnswerTest {
  // From libraries/javascript/src/webhook.test.ts, test "sign function works".
  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final long TIMESTAMP = 1614265330L;
  static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  static final String V1 = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  // From libraries/go/webhook_asymmetric_test.go, TestAsymmetricWebhookSign: the key is the base64
  // of a 32-byte Ed25519 seed (ASCII "TESTSIGNINGKEYDONOTUSETHISFORANY"); same id, time and body.
  static final String SIGNING_KEY = "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=";
  static final String V1A =
      "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==";
  // Derived with OpenSSL 3 (`openssl pkey -pubout` over the PKCS#8 wrapping of the seed), which
  // also reproduces V1A with `openssl pkeyutl -sign -rawin`.
  static final String PUBLIC_KEY = "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=";

  static final Clock AT_TIMESTAMP = Clock.fixed(Instant.ofEpochSecond(TIMESTAMP), ZoneOffset.UTC);

  @Test
  void signerReproducesTheV1Vector() {
    WebhookHeaders headers =
        WebhookSigner.of(WebhookSecret.parse(SECRET))
            .sign(ID, Instant.ofEpochSecond(TIMESTAMP), BODY);
    assertThat(headers.id()).isEqualTo(ID);
    assertThat(headers.timestamp()).isEqualTo("1614265330");
    assertThat(headers.signature()).isEqualTo(V1);
  }

  @Test
  void signerTruncatesTheTimestampToWholeSeconds() {
    WebhookHeaders headers =
        WebhookSigner.of(WebhookSecret.parse(SECRET))
            .sign(ID, Instant.ofEpochSecond(TIMESTAMP, 999_999_999), BODY);
    assertThat(headers.signature()).isEqualTo(V1);
  }

  @Test
  void verifierAcceptsTheV1Vector() {
    WebhookVerifier verifier =
        WebhookVerifier.builder()
            .addSecret(WebhookSecret.parse(SECRET))
            .clock(AT_TIMESTAMP)
            .build();
    verifier.verify(ID, "1614265330", V1, BODY);
  }

  @Test
  void secretWithoutPrefixIsTheSameSecret() {
    WebhookSecret bare = WebhookSecret.parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    assertThat(bare.encoded()).isEqualTo(SECRET);
    assertThat(WebhookSigner.of(bare).sign(ID, Instant.ofEpochSecond(TIMESTAMP), BODY).signature())
        .isEqualTo(V1);
  }

  @Test
  void signerReproducesTheV1aVector() {
    WebhookSigningKey key = WebhookSigningKey.parse(SIGNING_KEY);
    WebhookHeaders headers =
        WebhookSigner.builder()
            .signingKey(key)
            .build()
            .sign(ID, Instant.ofEpochSecond(TIMESTAMP), BODY);
    assertThat(headers.signature()).isEqualTo(V1A);
    assertThat(key.publicKey().encoded()).isEqualTo(PUBLIC_KEY);
    assertThat(key.encoded()).isEqualTo(SIGNING_KEY);
  }

  @Test
  void keysWithoutPrefixAreTheSameKeys() {
    assertThat(WebhookSigningKey.parse(SIGNING_KEY.substring(5)).publicKey().encoded())
        .isEqualTo(PUBLIC_KEY);
    assertThat(WebhookPublicKey.parse(PUBLIC_KEY.substring(5)))
        .isEqualTo(WebhookPublicKey.parse(PUBLIC_KEY));
  }

  @Test
  void verifierAcceptsTheV1aVector() {
    WebhookVerifier verifier =
        WebhookVerifier.builder()
            .addPublicKey(WebhookPublicKey.parse(PUBLIC_KEY))
            .clock(AT_TIMESTAMP)
            .build();
    verifier.verify(ID, "1614265330", V1A, BODY);
  }

  @Test
  void signerWithBothWritesV1ThenV1a() {
    WebhookHeaders headers =
        WebhookSigner.builder()
            .addSecret(WebhookSecret.parse(SECRET))
            .signingKey(WebhookSigningKey.parse(SIGNING_KEY))
            .build()
            .sign(ID, Instant.ofEpochSecond(TIMESTAMP), BODY);
    assertThat(headers.signature()).isEqualTo(V1 + " " + V1A);
  }

  @Test
  void referenceMultiSignatureHeaderVerifies() {
    // The reference tests' "multi sig payload is valid": bogus v1, a v2 to ignore, the valid one.
    String header =
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "
            + "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "
            + V1
            + " v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
    WebhookVerifier.builder()
        .addSecret(WebhookSecret.parse(SECRET))
        .clock(AT_TIMESTAMP)
        .build()
        .verify(ID, "1614265330", header, BODY);
  }
}
