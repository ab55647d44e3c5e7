package dev.fangxin.gateway.clearing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The known answer of protocol/SPEC.md §13 and the secret format. */
class HookSignatureTest {
  static final String SECRET = "fxa_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

  @Test
  void knownAnswerFromTheSpecification() {
    byte[] body = "{\"batch_id\":\"b-1\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(HookSignature.sign(SECRET, 1_767_225_600L, "post", "/v1/clearing/batches", body))
        .isEqualTo("v1=hQc6fK8ht430ZUabPn9IZb4WAbeWC5af8t0Nu3PUUNw=");
  }

  @Test
  void malformedSecretsAreRefused() {
    assertThatThrownBy(() -> HookSignature.keyOf("whsec_abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fxa_");
    assertThatThrownBy(() -> HookSignature.keyOf("fxa_AAAA")).hasMessageContaining("32 bytes");
  }
}
