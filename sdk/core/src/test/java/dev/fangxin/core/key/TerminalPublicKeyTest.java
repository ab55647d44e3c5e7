package dev.fangxin.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TerminalPublicKeyTest {
  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void pemAndSpkiRoundTrip(SignatureAlgorithm a) {
    TerminalPublicKey key = TerminalKeyPair.generate(a, TestKeys.seeded(2)).publicKey();
    String pem = key.toPem();
    assertThat(pem)
        .startsWith("-----BEGIN PUBLIC KEY-----\n")
        .endsWith("-----END PUBLIC KEY-----\n");
    TerminalPublicKey back = TerminalPublicKey.fromPem(pem);
    assertThat(back).isEqualTo(key).hasSameHashCodeAs(key);
    assertThat(back.algorithm()).isEqualTo(a);
    assertThat(back.keyId()).isEqualTo(key.keyId());
    assertThat(TerminalPublicKey.fromSpki(key.spki())).isEqualTo(key);
    assertThat(back.toString())
        .isEqualTo("TerminalPublicKey{" + a + ", keyId=" + key.keyId() + "}");
  }

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void openSslPemIsReadAndWrittenIdentically(SignatureAlgorithm a) {
    String pem = TestKeys.resource(a.label() + "-public.pem");
    TerminalPublicKey key = TerminalPublicKey.fromPem(pem);
    assertThat(key.algorithm()).isEqualTo(a);
    assertThat(key.toPem()).isEqualTo(pem);
  }

  @Test
  void spkiIsCopied() {
    TerminalPublicKey key = TestKeys.fixed(SignatureAlgorithm.ED25519).publicKey();
    byte[] spki = key.spki();
    spki[spki.length - 1] ^= 1;
    assertThat(key.spki()).isNotEqualTo(spki);
  }

  @Test
  void sm2SpkiUsesIdEcPublicKeyWithNamedCurveSm2p256v1() {
    byte[] spki = TestKeys.fixed(SignatureAlgorithm.SM2_SM3).publicKey().spki();
    // SEQUENCE { SEQUENCE { id-ecPublicKey, sm2p256v1 }, BIT STRING 04 || X || Y }
    assertThat(Arrays.copyOf(spki, 26))
        .isEqualTo(
            org.bouncycastle.util.encoders.Hex.decode(
                "3059301306072a8648ce3d020106082a811ccf5501822d034200"));
    assertThat(spki).hasSize(91);
    assertThat(spki[26]).as("uncompressed point").isEqualTo((byte) 0x04);
  }

  @Test
  void rejectsRsa() {
    assertThatThrownBy(() -> TerminalPublicKey.fromPem(TestKeys.resource("rsa-public.pem")))
        .isInstanceOfSatisfying(
            KeyException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(KeyException.Reason.UNSUPPORTED_ALGORITHM))
        .hasMessage(
            "The SubjectPublicKeyInfo holds an RSA key (rsaEncryption, 1.2.840.113549.1.1.1);"
                + " expected an SM2 (sm2p256v1), ECDSA P-256 (prime256v1) or Ed25519 public key.");
  }

  @Test
  void rejectsP384() {
    assertThatThrownBy(() -> TerminalPublicKey.fromPem(TestKeys.resource("p384-public.pem")))
        .isInstanceOfSatisfying(
            KeyException.class, e -> assertThat(e.reason()).isEqualTo("key.unsupported_algorithm"))
        .hasMessage(
            "The EC public key is on curve secp384r1 (1.3.132.0.34); expected sm2p256v1 or"
                + " prime256v1.");
  }

  @Test
  void rejectsExplicitCurveParameters() {
    assertThatThrownBy(
            () -> TerminalPublicKey.fromPem(TestKeys.resource("p256-explicit-public.pem")))
        .isInstanceOfSatisfying(
            KeyException.class, e -> assertThat(e.reason()).isEqualTo("key.unsupported_algorithm"))
        .hasMessage(
            "The EC public key has explicit curve parameters; expected named curve sm2p256v1 or"
                + " prime256v1.");
  }

  @Test
  void rejectsCompressedAndOffCurvePoints() {
    byte[] spki = TestKeys.fixed(SignatureAlgorithm.ECDSA_P256_SHA256).publicKey().spki();
    byte[] offCurve = spki.clone();
    offCurve[offCurve.length - 1] ^= 1;
    assertThatThrownBy(() -> TerminalPublicKey.fromSpki(offCurve))
        .isInstanceOfSatisfying(
            KeyException.class, e -> assertThat(e.reason()).isEqualTo("key.invalid_key"))
        .hasMessage("The EC public key is not a point on its curve.");
    byte[] hybrid = spki.clone();
    hybrid[26] = 0x06;
    assertThatThrownBy(() -> TerminalPublicKey.fromSpki(hybrid))
        .isInstanceOf(KeyException.class)
        .hasMessage(
            "The EC public key must be an uncompressed point (65 bytes starting with 0x04), but"
                + " 65 bytes starting with 0x06 were found.");
  }

  @Test
  void rejectsNonCanonicalDer() {
    byte[] spki = TestKeys.fixed(SignatureAlgorithm.ED25519).publicKey().spki();
    // Long-form length for the outer SEQUENCE: valid BER, not DER.
    byte[] ber = new byte[spki.length + 1];
    ber[0] = 0x30;
    ber[1] = (byte) 0x81;
    System.arraycopy(spki, 1, ber, 2, spki.length - 1);
    assertThatThrownBy(() -> TerminalPublicKey.fromSpki(ber))
        .isInstanceOfSatisfying(
            KeyException.class, e -> assertThat(e.reason()).isEqualTo("key.malformed_encoding"));
    byte[] trailing = Arrays.copyOf(spki, spki.length + 1);
    assertThatThrownBy(() -> TerminalPublicKey.fromSpki(trailing))
        .isInstanceOfSatisfying(
            KeyException.class, e -> assertThat(e.reason()).isEqualTo("key.malformed_encoding"));
  }

  @Test
  void rejectsGarbage() {
    assertThatThrownBy(() -> TerminalPublicKey.fromPem("hello world"))
        .isInstanceOfSatisfying(
            KeyException.class, e -> assertThat(e.reason()).isEqualTo("key.malformed_pem"))
        .hasMessage("No \"-----BEGIN PUBLIC KEY-----\" line found in the PEM text.");
    assertThatThrownBy(
            () ->
                TerminalPublicKey.fromPem(
                    "-----BEGIN PUBLIC KEY-----\nAAAA!!!!\n-----END PUBLIC KEY-----\n"))
        .isInstanceOfSatisfying(
            KeyException.class, e -> assertThat(e.reason()).isEqualTo("key.malformed_pem"))
        .hasMessageStartingWith("The PEM block is not valid base64: ");
    assertThatThrownBy(
            () ->
                TerminalPublicKey.fromPem(
                    "-----BEGIN PUBLIC KEY-----\nAQIDBAUG\n-----END PUBLIC KEY-----\n"))
        .isInstanceOfSatisfying(
            KeyException.class, e -> assertThat(e.reason()).isEqualTo("key.malformed_encoding"))
        .hasMessageStartingWith("The bytes are not a DER SubjectPublicKeyInfo");
    assertThatThrownBy(() -> TerminalPublicKey.fromSpki(new byte[0]))
        .isInstanceOfSatisfying(
            KeyException.class, e -> assertThat(e.reason()).isEqualTo("key.malformed_encoding"));
    assertThatThrownBy(() -> TerminalPublicKey.fromSpki(new byte[5000]))
        .isInstanceOf(KeyException.class)
        .hasMessage("A SubjectPublicKeyInfo of 5000 bytes is too long; at most 4096 are accepted.");
  }
}
