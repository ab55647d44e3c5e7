package dev.fangxin.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;

class SignatureAlgorithmTest {
  @Test
  void protoRoundTrip() {
    for (SignatureAlgorithm a : SignatureAlgorithm.values()) {
      assertThat(SignatureAlgorithm.fromProto(a.toProto())).isSameAs(a);
    }
    assertThat(SignatureAlgorithm.SM2_SM3.toProto())
        .isEqualTo(dev.fangxin.protocol.v1.SignatureAlgorithm.SIGNATURE_ALGORITHM_SM2_SM3);
  }

  @Test
  void fromProtoRejectsUnspecifiedAndUnrecognized() {
    assertThatThrownBy(
            () ->
                SignatureAlgorithm.fromProto(
                    dev.fangxin.protocol.v1.SignatureAlgorithm.SIGNATURE_ALGORITHM_UNSPECIFIED))
        .isInstanceOfSatisfying(
            KeyException.class, e -> assertThat(e.reason()).isEqualTo("key.unknown_algorithm"))
        .hasMessage(
            "Signature algorithm SIGNATURE_ALGORITHM_UNSPECIFIED is not supported; expected one of"
                + " SM2_SM3, ECDSA_P256_SHA256, ED25519.");
    assertThatThrownBy(
            () ->
                SignatureAlgorithm.fromProto(
                    dev.fangxin.protocol.v1.SignatureAlgorithm.UNRECOGNIZED))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("UNRECOGNIZED");
  }

  @Test
  void parseLabels() {
    assertThat(SignatureAlgorithm.parse("sm2")).isEqualTo(SignatureAlgorithm.SM2_SM3);
    assertThat(SignatureAlgorithm.parse("P256")).isEqualTo(SignatureAlgorithm.ECDSA_P256_SHA256);
    assertThat(SignatureAlgorithm.parse("Ed25519")).isEqualTo(SignatureAlgorithm.ED25519);
    for (SignatureAlgorithm a : SignatureAlgorithm.values()) {
      assertThat(SignatureAlgorithm.parse(a.label())).isSameAs(a);
    }
    assertThatThrownBy(() -> SignatureAlgorithm.parse("rsa"))
        .isInstanceOfSatisfying(
            KeyException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(KeyException.Reason.UNKNOWN_ALGORITHM))
        .hasMessage("Unknown signature algorithm \"rsa\"; expected one of: sm2, p256, ed25519.");
  }

  @Test
  void digestKnownAnswers() {
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    // GB/T 32905-2016 example 1.
    assertThat(Hex.toHexString(SignatureAlgorithm.SM2_SM3.digest(abc)))
        .isEqualTo("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    // FIPS 180-2 example.
    String sha256Abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assertThat(Hex.toHexString(SignatureAlgorithm.ECDSA_P256_SHA256.digest(abc)))
        .isEqualTo(sha256Abc);
    assertThat(Hex.toHexString(SignatureAlgorithm.ED25519.digest(abc))).isEqualTo(sha256Abc);
  }
}
