package dev.fangxin.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSecretTest {
  private static WebhookException reject(Runnable r) {
    WebhookException e = catchThrowableOfType(WebhookException.class, r::run);
    assertThat(e).as("expected a WebhookException").isNotNull();
    return e;
  }

  @Test
  void generatedSecretsAre32BytesAndRoundTrip() {
    WebhookSecret a = WebhookSecret.generate();
    WebhookSecret b = WebhookSecret.generate();
    assertThat(a.length()).isEqualTo(32);
    assertThat(a.encoded()).startsWith("whsec_").hasSize(6 + 44);
    assertThat(a.encoded()).isNotEqualTo(b.encoded());
    assertThat(WebhookSecret.parse(a.encoded()).encoded()).isEqualTo(a.encoded());
  }

  @Test
  void secretSizesFrom24To64Bytes() {
    assertThat(WebhookSecret.of(new byte[24]).length()).isEqualTo(24);
    assertThat(WebhookSecret.of(new byte[64]).length()).isEqualTo(64);
    WebhookException small = reject(() -> WebhookSecret.of(new byte[23]));
    assertThat(small.reasonCode()).isEqualTo(WebhookException.Reason.BAD_SECRET);
    assertThat(small).hasMessage("The webhook secret is 23 bytes long; expected 24 to 64 bytes.");
    assertThat(reject(() -> WebhookSecret.of(new byte[65])))
        .hasMessage("The webhook secret is 65 bytes long; expected 24 to 64 bytes.");
  }

  @Test
  void badSecretTextIsRefusedWithoutEchoingIt() {
    String expected =
        "The webhook secret is not standard base64 with padding; expected \"whsec_\" followed by"
            + " the base64 of 24 to 64 bytes.";
    for (String text :
        new String[] {
          "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!",
          "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw=",
          "whsec_ MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
          "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS_",
        }) {
      WebhookException e = reject(() -> WebhookSecret.parse(text));
      assertThat(e.reasonCode()).as(text).isEqualTo(WebhookException.Reason.BAD_SECRET);
      assertThat(e).hasMessage(expected);
      assertThat(e.reason()).isEqualTo("webhook.bad_secret");
    }
    assertThat(reject(() -> WebhookSecret.parse("whsec_")))
        .hasMessage("The webhook secret is 0 bytes long; expected 24 to 64 bytes.");
    assertThat(reject(() -> WebhookSecret.parse("whsec_c2hvcnQ=")))
        .hasMessage("The webhook secret is 5 bytes long; expected 24 to 64 bytes.");
  }

  @Test
  void ofCopiesItsInput() {
    byte[] key = new byte[32];
    WebhookSecret secret = WebhookSecret.of(key);
    String before = secret.encoded();
    key[0] = 1;
    assertThat(secret.encoded()).isEqualTo(before);
  }

  @Test
  void signingKeysRoundTripAndRefuseBadText() {
    WebhookSigningKey key = WebhookSigningKey.generate();
    assertThat(key.encoded()).startsWith("whsk_").hasSize(5 + 44);
    assertThat(WebhookSigningKey.parse(key.encoded()).publicKey()).isEqualTo(key.publicKey());
    assertThat(WebhookPublicKey.parse(key.publicKey().encoded())).isEqualTo(key.publicKey());
    assertThat(key.publicKey().encoded()).startsWith("whpk_").hasSize(5 + 44);

    WebhookException shortSeed = reject(() -> WebhookSigningKey.parse("whsk_c2hvcnQ="));
    assertThat(shortSeed.reasonCode()).isEqualTo(WebhookException.Reason.BAD_KEY);
    assertThat(shortSeed)
        .hasMessage("The webhook signing key is 5 bytes long; expected a 32-byte seed.");
    assertThat(reject(() -> WebhookSigningKey.parse("whsk_not base64")))
        .hasMessage(
            "The webhook signing key is not standard base64 with padding; expected \"whsk_\""
                + " followed by the base64 of a 32-byte seed.");
    assertThat(reject(() -> WebhookPublicKey.parse("whpk_c2hvcnQ=")))
        .hasMessage("The webhook public key is 5 bytes long; expected 32 bytes.");
    assertThat(reject(() -> WebhookPublicKey.parse("whpk_%%%")))
        .hasMessage(
            "The webhook public key is not standard base64 with padding; expected \"whpk_\""
                + " followed by the base64 of 32 bytes.");
  }

  @Test
  void publicKeyThatIsNoPointIsRefused() {
    // No point of edwards25519 has y = 2: (y^2 - 1) / (d y^2 + 1) is not a square mod p.
    byte[] notOnCurve = new byte[32];
    notOnCurve[0] = 2;
    WebhookException e = reject(() -> WebhookPublicKey.of(notOnCurve));
    assertThat(e.reasonCode()).isEqualTo(WebhookException.Reason.BAD_KEY);
    assertThat(e)
        .hasMessage(
            "The webhook public key is 32 bytes but not a valid Ed25519 point" + " encoding.");
  }

  @Test
  void signerRefusesIdsThatCouldShiftTheSignedFields() {
    WebhookSigner signer = WebhookSigner.of(WebhookSecret.generate());
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    Instant now = Instant.ofEpochSecond(1_767_225_600L);
    WebhookException dot = reject(() -> signer.sign("msg.1", now, body));
    assertThat(dot.reasonCode()).isEqualTo(WebhookException.Reason.BAD_ID);
    assertThat(dot)
        .hasMessage(
            "The webhook-id has a '.' at index 3; expected none, because '.' separates the signed"
                + " fields.");
    assertThat(reject(() -> signer.sign("", now, body)))
        .hasMessage("The webhook-id is empty; expected 1 to 256 printable ASCII characters.");
    assertThat(reject(() -> signer.sign("a\nb", now, body)).reasonCode())
        .isEqualTo(WebhookException.Reason.BAD_ID);
  }

  @Test
  void reasonCodes() {
    assertThat(WebhookException.Reason.TIMESTAMP_TOO_NEW.code())
        .isEqualTo("webhook.timestamp_too_new");
    assertThat(WebhookException.Reason.BAD_KEY.code()).isEqualTo("webhook.bad_key");
  }
}
