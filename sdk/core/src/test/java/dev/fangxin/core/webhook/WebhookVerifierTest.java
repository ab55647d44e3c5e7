package dev.fangxin.core.webhook;

import static dev.fangxin.core.webhook.KnownAnswerTest.BODY;
import static dev.fangxin.core.webhook.KnownAnswerTest.ID;
import static dev.fangxin.core.webhook.KnownAnswerTest.SECRET;
import static dev.fangxin.core.webhook.KnownAnswerTest.TIMESTAMP;
import static dev.fangxin.core.webhook.KnownAnswerTest.V1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WebhookVerifierTest {
  private static final WebhookSecret OLD = WebhookSecret.generate(seeded(1));
  private static final WebhookSecret NEW = WebhookSecret.generate(seeded(2));
  private static final WebhookSigningKey KEY = WebhookSigningKey.generate(seeded(3));
  private static final WebhookSigningKey OTHER_KEY = WebhookSigningKey.generate(seeded(4));
  private static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L); // 2026-01-01
  private static final byte[] PAYLOAD =
      "{\"type\":\"receipt.disputed\",\"amount\":1234}".getBytes(StandardCharsets.UTF_8);

  private static SecureRandom seeded(int seed) {
    // SHA1PRNG is deterministic when seeded before first use.
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      return random;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static WebhookVerifier verifierAt(Instant now, WebhookSecret... secrets) {
    WebhookVerifier.Builder builder = WebhookVerifier.builder().clock(fixed(now));
    for (WebhookSecret secret : secrets) {
      builder.addSecret(secret);
    }
    return builder.build();
  }

  private static Clock fixed(Instant now) {
    return Clock.fixed(now, ZoneOffset.UTC);
  }

  private static WebhookException reject(Runnable verification) {
    WebhookException e = catchThrowableOfType(WebhookException.class, verification::run);
    assertThat(e).as("expected a WebhookException").isNotNull();
    return e;
  }

  private static String sig(WebhookHeaders headers) {
    return headers.signature();
  }

  // --- rotation ---

  @Test
  void rotationSignsWithBothSecretsInOrder() {
    WebhookHeaders headers = WebhookSigner.of(OLD, NEW).sign("msg_1", NOW, PAYLOAD);
    String[] entries = headers.signature().split(" ");
    assertThat(entries).hasSize(2);
    assertThat(entries[0]).isEqualTo(WebhookSigner.of(OLD).sign("msg_1", NOW, PAYLOAD).signature());
    assertThat(entries[1]).isEqualTo(WebhookSigner.of(NEW).sign("msg_1", NOW, PAYLOAD).signature());
  }

  @Test
  void rotationVerifiesWithOnlyTheOldOrOnlyTheNewSecret() {
    WebhookHeaders headers = WebhookSigner.of(OLD, NEW).sign("msg_1", NOW, PAYLOAD);
    verifierAt(NOW, OLD).verify(headers, PAYLOAD);
    verifierAt(NOW, NEW).verify(headers, PAYLOAD);
    verifierAt(NOW, NEW, OLD).verify(headers, PAYLOAD);
  }

  @Test
  void verifierWithBothSecretsAcceptsEitherSignerDuringRotation() {
    WebhookVerifier both = verifierAt(NOW, OLD, NEW);
    both.verify(WebhookSigner.of(OLD).sign("msg_1", NOW, PAYLOAD), PAYLOAD);
    both.verify(WebhookSigner.of(NEW).sign("msg_1", NOW, PAYLOAD), PAYLOAD);
  }

  @Test
  void unrelatedSecretDoesNotVerify() {
    WebhookHeaders headers = WebhookSigner.of(OLD).sign("msg_1", NOW, PAYLOAD);
    WebhookException e = reject(() -> verifierAt(NOW, NEW).verify(headers, PAYLOAD));
    assertThat(e.reasonCode()).isEqualTo(WebhookException.Reason.NO_MATCHING_SIGNATURE);
    assertThat(e.reason()).isEqualTo("webhook.no_matching_signature");
    assertThat(e)
        .hasMessage(
            "No webhook-signature entry verifies with any of the 1 secret(s) and 0 public key(s)"
                + " configured; the body, id or timestamp may have been altered or the sender uses"
                + " another secret.");
    assertThat(e.getMessage())
        .doesNotContain(NEW.encoded().substring(6), OLD.encoded().substring(6));
  }

  // --- v1a ---

  @Test
  void v1aRoundTrip() {
    WebhookHeaders headers =
        WebhookSigner.builder().signingKey(KEY).build().sign("msg_2", NOW, PAYLOAD);
    assertThat(headers.signature()).startsWith("v1a,").hasSize(4 + 88);
    WebhookVerifier.builder()
        .addPublicKey(KEY.publicKey())
        .clock(fixed(NOW))
        .build()
        .verify(headers, PAYLOAD);
  }

  @Test
  void v1aWithAnotherKeyDoesNotVerify() {
    WebhookHeaders headers =
        WebhookSigner.builder().signingKey(KEY).build().sign("msg_2", NOW, PAYLOAD);
    WebhookVerifier verifier =
        WebhookVerifier.builder().addPublicKey(OTHER_KEY.publicKey()).clock(fixed(NOW)).build();
    assertThat(reject(() -> verifier.verify(headers, PAYLOAD)).reasonCode())
        .isEqualTo(WebhookException.Reason.NO_MATCHING_SIGNATURE);
  }

  @Test
  void mixedSignerVerifiesWithSecretOnlyOrKeyOnly() {
    WebhookHeaders headers =
        WebhookSigner.builder().addSecret(NEW).signingKey(KEY).build().sign("msg_3", NOW, PAYLOAD);
    verifierAt(NOW, NEW).verify(headers, PAYLOAD);
    WebhookVerifier.builder()
        .addPublicKey(KEY.publicKey())
        .clock(fixed(NOW))
        .build()
        .verify(headers, PAYLOAD);
  }

  @Test
  void secretOnlyVerifierIgnoresV1aEntries() {
    WebhookHeaders headers =
        WebhookSigner.builder().signingKey(KEY).build().sign("msg_2", NOW, PAYLOAD);
    WebhookException e = reject(() -> verifierAt(NOW, NEW).verify(headers, PAYLOAD));
    assertThat(e.reasonCode()).isEqualTo(WebhookException.Reason.NO_MATCHING_SIGNATURE);
  }

  // --- tolerance ---

  @Test
  void toleranceEdgesAreInclusive() {
    WebhookSigner signer = WebhookSigner.of(NEW);
    WebhookVerifier verifier = verifierAt(NOW, NEW);
    verifier.verify(signer.sign("m", NOW.minusSeconds(300), PAYLOAD), PAYLOAD);
    verifier.verify(signer.sign("m", NOW.plusSeconds(300), PAYLOAD), PAYLOAD);
    verifier.verify(signer.sign("m", NOW, PAYLOAD), PAYLOAD);
  }

  @Test
  void oneSecondPastTheToleranceIsTooOld() {
    WebhookHeaders headers = WebhookSigner.of(NEW).sign("m", NOW.minusSeconds(301), PAYLOAD);
    WebhookException e = reject(() -> verifierAt(NOW, NEW).verify(headers, PAYLOAD));
    assertThat(e.reasonCode()).isEqualTo(WebhookException.Reason.TIMESTAMP_TOO_OLD);
    assertThat(e)
        .hasMessage(
            "The webhook-timestamp 1767225299 is 301 s before now (1767225600); expected at most"
                + " 300 s.");
  }

  @Test
  void oneSecondBeyondTheToleranceIsTooNew() {
    WebhookHeaders headers = WebhookSigner.of(NEW).sign("m", NOW.plusSeconds(301), PAYLOAD);
    WebhookException e = reject(() -> verifierAt(NOW, NEW).verify(headers, PAYLOAD));
    assertThat(e.reasonCode()).isEqualTo(WebhookException.Reason.TIMESTAMP_TOO_NEW);
    assertThat(e)
        .hasMessage(
            "The webhook-timestamp 1767225901 is 301 s after now (1767225600); expected at most"
                + " 300 s.");
  }

  @Test
  void fractionalNowCountsInWholeSeconds() {
    // now = ...600.999 s: the edge is still judged on the whole second 600.
    WebhookVerifier verifier = verifierAt(NOW.plusMillis(999), NEW);
    verifier.verify(WebhookSigner.of(NEW).sign("m", NOW.minusSeconds(300), PAYLOAD), PAYLOAD);
  }

  @Test
  void customTolerance() {
    WebhookVerifier verifier =
        WebhookVerifier.builder()
            .addSecret(NEW)
            .clock(fixed(NOW))
            .tolerance(Duration.ofSeconds(30))
            .build();
    verifier.verify(WebhookSigner.of(NEW).sign("m", NOW.minusSeconds(30), PAYLOAD), PAYLOAD);
    WebhookHeaders old = WebhookSigner.of(NEW).sign("m", NOW.minusSeconds(31), PAYLOAD);
    assertThat(reject(() -> verifier.verify(old, PAYLOAD)).reasonCode())
        .isEqualTo(WebhookException.Reason.TIMESTAMP_TOO_OLD);
    assertThatThrownBy(() -> WebhookVerifier.builder().tolerance(Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tolerance must be whole seconds between 1 s and 1 day: PT1.5S");
    assertThatThrownBy(() -> WebhookVerifier.builder().tolerance(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theReferenceVectorIsTooOldToday() {
    WebhookException e =
        reject(
            () ->
                verifierAt(NOW, WebhookSecret.parse(SECRET))
                    .verify(ID, Long.toString(TIMESTAMP), V1, BODY));
    assertThat(e.reasonCode()).isEqualTo(WebhookException.Reason.TIMESTAMP_TOO_OLD);
  }

  // --- tampering ---

  @Test
  void tamperedBodyIdOrTimestampIsRejected() {
    WebhookHeaders h = WebhookSigner.of(NEW).sign("msg_7", NOW, PAYLOAD);
    WebhookVerifier verifier = verifierAt(NOW, NEW);
    byte[] flipped = PAYLOAD.clone();
    flipped[5] ^= 1;
    byte[] longer = Arrays.copyOf(PAYLOAD, PAYLOAD.length + 1);
    byte[] shorter = Arrays.copyOf(PAYLOAD, PAYLOAD.length - 1);
    for (Runnable tampered :
        new Runnable[] {
          () -> verifier.verify(h.id(), h.timestamp(), h.signature(), flipped),
          () -> verifier.verify(h.id(), h.timestamp(), h.signature(), longer),
          () -> verifier.verify(h.id(), h.timestamp(), h.signature(), shorter),
          () -> verifier.verify(h.id(), h.timestamp(), h.signature(), new byte[0]),
          () -> verifier.verify("msg_8", h.timestamp(), h.signature(), PAYLOAD),
          () -> verifier.verify("msg_7.", h.timestamp(), h.signature(), PAYLOAD),
          () ->
              verifier.verify(
                  h.id(), Long.toString(NOW.getEpochSecond() + 1), h.signature(), PAYLOAD),
        }) {
      assertThat(reject(tampered).reasonCode())
          .isEqualTo(WebhookException.Reason.NO_MATCHING_SIGNATURE);
    }
  }

  @Test
  void tamperedSignatureBitIsRejected() {
    WebhookHeaders h = WebhookSigner.of(NEW).sign("msg_7", NOW, PAYLOAD);
    byte[] mac = java.util.Base64.getDecoder().decode(h.signature().substring(3));
    mac[31] ^= 0x01;
    String forged = "v1," + java.util.Base64.getEncoder().encodeToString(mac);
    assertThat(
            reject(() -> verifierAt(NOW, NEW).verify(h.id(), h.timestamp(), forged, PAYLOAD))
                .reasonCode())
        .isEqualTo(WebhookException.Reason.NO_MATCHING_SIGNATURE);
  }

  @Test
  void aV1SignatureRelabelledAsV1aIsMalformed() {
    WebhookHeaders h = WebhookSigner.of(NEW).sign("msg_7", NOW, PAYLOAD);
    String relabelled = "v1a," + h.signature().substring(3);
    WebhookException e =
        reject(
            () ->
                WebhookVerifier.builder()
                    .addSecret(NEW)
                    .addPublicKey(KEY.publicKey())
                    .clock(fixed(NOW))
                    .build()
                    .verify(h.id(), h.timestamp(), relabelled, PAYLOAD));
    assertThat(e.reasonCode()).isEqualTo(WebhookException.Reason.MALFORMED_SIGNATURE);
  }

  // --- malformed and missing headers ---

  @Test
  void missingHeaders() {
    WebhookVerifier verifier = verifierAt(NOW, NEW);
    String ts = Long.toString(NOW.getEpochSecond());
    WebhookException id = reject(() -> verifier.verify(null, ts, V1, PAYLOAD));
    assertThat(id.reasonCode()).isEqualTo(WebhookException.Reason.MISSING_HEADER);
    assertThat(id)
        .hasMessage("The webhook-id header is missing or empty; expected it on every webhook.");
    WebhookException time = reject(() -> verifier.verify("m", "", V1, PAYLOAD));
    assertThat(time)
        .hasMessage(
            "The webhook-timestamp header is missing or empty; expected it on every webhook.");
    WebhookException sig = reject(() -> verifier.verify("m", ts, null, PAYLOAD));
    assertThat(sig)
        .hasMessage(
            "The webhook-signature header is missing or empty; expected it on every webhook.");
    assertThat(sig.reason()).isEqualTo("webhook.missing_header");
  }

  @Test
  void badTimestamps() {
    WebhookVerifier verifier = verifierAt(NOW, NEW);
    String expected =
        "The webhook-timestamp is not 1 to 18 decimal digits without sign or leading zeros;"
            + " expected integer seconds since the epoch, e.g. 1614265330.";
    for (String ts :
        new String[] {
          "hello",
          "-1767225600",
          "+1767225600",
          "01767225600",
          "1767225600.0",
          " 1767225600",
          "1767225600 ",
          "1e9",
          "1234567890123456789",
          "١٧٦٧٢٢٥٦٠٠"
        }) {
      WebhookException e = reject(() -> verifier.verify("m", ts, V1, PAYLOAD));
      assertThat(e.reasonCode()).as(ts).isEqualTo(WebhookException.Reason.BAD_TIMESTAMP);
      assertThat(e).hasMessage(expected);
    }
  }

  @Test
  void zeroIsAWellFormedButOldTimestamp() {
    assertThat(reject(() -> verifierAt(NOW, NEW).verify("m", "0", V1, PAYLOAD)).reasonCode())
        .isEqualTo(WebhookException.Reason.TIMESTAMP_TOO_OLD);
  }

  @Test
  void badIds() {
    WebhookVerifier verifier = verifierAt(NOW, NEW);
    String ts = Long.toString(NOW.getEpochSecond());
    WebhookException space = reject(() -> verifier.verify("msg 1", ts, V1, PAYLOAD));
    assertThat(space.reasonCode()).isEqualTo(WebhookException.Reason.BAD_ID);
    assertThat(space)
        .hasMessage(
            "The webhook-id has character U+0020 at index 3; expected printable ASCII (0x21 to"
                + " 0x7E) only.");
    assertThat(reject(() -> verifier.verify("msg_é", ts, V1, PAYLOAD)).reasonCode())
        .isEqualTo(WebhookException.Reason.BAD_ID);
    String tooLong = "m".repeat(257);
    WebhookException e = reject(() -> verifier.verify(tooLong, ts, V1, PAYLOAD));
    assertThat(e.reasonCode()).isEqualTo(WebhookException.Reason.HEADER_TOO_LONG);
    assertThat(e).hasMessage("The webhook-id is 257 characters long; expected at most 256.");
    // 256 characters is fine.
    String longest = "m".repeat(256);
    verifier.verify(WebhookSigner.of(NEW).sign(longest, NOW, PAYLOAD), PAYLOAD);
  }

  @Test
  void signatureHeaderLimit() {
    WebhookHeaders h = WebhookSigner.of(NEW).sign("m", NOW, PAYLOAD);
    WebhookVerifier verifier = verifierAt(NOW, NEW);
    String padded = h.signature() + " ".repeat(8192 - h.signature().length());
    verifier.verify(h.id(), h.timestamp(), padded, PAYLOAD);
    WebhookException e =
        reject(() -> verifier.verify(h.id(), h.timestamp(), padded + " ", PAYLOAD));
    assertThat(e.reasonCode()).isEqualTo(WebhookException.Reason.HEADER_TOO_LONG);
    assertThat(e)
        .hasMessage("The webhook-signature header is 8193 characters long; expected at most 8192.");
  }

  @Test
  void malformedSignatureHeaders() {
    WebhookVerifier verifier = verifierAt(NOW, NEW);
    String ts = Long.toString(NOW.getEpochSecond());
    String[][] cases = {
      {"   ", "The webhook-signature header has no entries; expected \"v1,<base64>\"."},
      {
        "v1",
        "Entry 0 of the webhook-signature header has no comma; expected \"<version>,<base64>\"."
      },
      {
        "v1,",
        "Entry 0 (v1) of the webhook-signature header has an empty value; expected base64 after"
            + " the comma."
      },
      {
        ",abc",
        "Entry 0 of the webhook-signature header has a version that is not 1 to 16 ASCII letters"
            + " and digits; expected e.g. \"v1\" or \"v1a\"."
      },
      {
        "v2,x v_1,abc",
        "Entry 1 of the webhook-signature header has a version that is not 1 to 16 ASCII letters"
            + " and digits; expected e.g. \"v1\" or \"v1a\"."
      },
      {
        "v1,abc\tv1,def",
        "The webhook-signature header has character U+0009 at index 6; expected printable ASCII"
            + " entries separated by spaces."
      },
      {
        "v1,dawfeoifkpqwoekfpqoekf",
        "No webhook-signature entry verified and at least one v1 or v1a entry is not canonical"
            + " base64 of 32 (v1) or 64 (v1a) bytes."
      },
      {
        // Valid base64 of 32 bytes, but without its padding.
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE",
        "No webhook-signature entry verified and at least one v1 or v1a entry is not canonical"
            + " base64 of 32 (v1) or 64 (v1a) bytes."
      },
      {
        "v1,g0hM9SsE-OTPJTGt_tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        "No webhook-signature entry verified and at least one v1 or v1a entry is not canonical"
            + " base64 of 32 (v1) or 64 (v1a) bytes."
      },
    };
    for (String[] c : cases) {
      WebhookException e = reject(() -> verifier.verify("m", ts, c[0], PAYLOAD));
      assertThat(e.reasonCode()).as(c[0]).isEqualTo(WebhookException.Reason.MALFORMED_SIGNATURE);
      assertThat(e).as(c[0]).hasMessage(c[1]);
    }
  }

  @Test
  void unknownVersionsAreIgnored() {
    WebhookHeaders h = WebhookSigner.of(NEW).sign("m", NOW, PAYLOAD);
    WebhookVerifier verifier = verifierAt(NOW, NEW);
    verifier.verify(h.id(), h.timestamp(), "v2,whatever v0,x " + h.signature(), PAYLOAD);
    verifier.verify(h.id(), h.timestamp(), "  " + h.signature() + "   v3,zzz  ", PAYLOAD);
    WebhookException e = reject(() -> verifier.verify(h.id(), h.timestamp(), "v2,abc", PAYLOAD));
    assertThat(e.reasonCode()).isEqualTo(WebhookException.Reason.NO_MATCHING_SIGNATURE);
    assertThat(e)
        .hasMessage("The webhook-signature header has 1 entry but none of version v1 or v1a.");
  }

  @Test
  void aMalformedEntryDoesNotHideAValidOne() {
    WebhookHeaders h = WebhookSigner.of(NEW).sign("m", NOW, PAYLOAD);
    verifierAt(NOW, NEW).verify(h.id(), h.timestamp(), "v1,AAAA " + h.signature(), PAYLOAD);
  }

  // --- builders ---

  @Test
  void buildersRequireSomethingToWorkWith() {
    assertThatThrownBy(() -> WebhookVerifier.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("At least one secret or public key is required.");
    assertThatThrownBy(() -> WebhookSigner.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("At least one secret or a signing key is required.");
    WebhookSigner.Builder many = WebhookSigner.builder();
    for (int i = 0; i < 17; i++) {
      many.addSecret(NEW);
    }
    assertThatThrownBy(many::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("At most 16 secrets and keys in all are allowed, got 17.");
  }

  @Test
  void toStringsRevealNoSecret() {
    String secretText = NEW.encoded().substring(6);
    String keyText = KEY.encoded().substring(5);
    WebhookSigner signer = WebhookSigner.builder().addSecret(NEW).signingKey(KEY).build();
    WebhookVerifier verifier = verifierAt(NOW, NEW);
    assertThat(NEW.toString()).isEqualTo("WebhookSecret(whsec_…, 32 bytes)");
    assertThat(KEY.toString())
        .isEqualTo("WebhookSigningKey(whsk_…, public " + KEY.publicKey().encoded() + ")");
    assertThat(signer.toString())
        .isEqualTo("WebhookSigner(1 secret, Ed25519 key " + KEY.publicKey().encoded() + ")");
    assertThat(verifier.toString())
        .isEqualTo("WebhookVerifier(1 secret(s), 0 public key(s), tolerance 300 s)");
    for (String s : new String[] {NEW.toString(), KEY.toString(), signer.toString()}) {
      assertThat(s).doesNotContain(secretText, keyText);
    }
  }
}
