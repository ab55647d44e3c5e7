package dev.fangxin.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tls.client-auth} and {@code tls.client-ca} settings and their cross-field rules. */
class TlsClientAuthConfigTest {
  @TempDir Path dir;

  private Map<String, String> tls() throws Exception {
    Path pem = Files.writeString(dir.resolve("chain.pem"), "x");
    return Map.of("tls.cert-chain", pem.toString(), "tls.private-key", pem.toString());
  }

  @Test
  void clientAuthIsOffByDefault() throws Exception {
    GatewayConfig c = GatewayConfig.load(tls(), Map.of());
    assertThat(c.tls().orElseThrow().wantsClientAuth()).isFalse();
    assertThat(c.tls().orElseThrow().clientCa()).isEmpty();
  }

  @Test
  void wantAsksForCertificatesWithOrWithoutACaBundle() throws Exception {
    Map<String, String> flags = new java.util.HashMap<>(tls());
    flags.put("tls.client-auth", "want");
    GatewayConfig pinned = GatewayConfig.load(flags, Map.of());
    assertThat(pinned.tls().orElseThrow().wantsClientAuth()).isTrue();
    assertThat(pinned.tls().orElseThrow().clientCa()).isEmpty();
    Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
    GatewayConfig chained =
        GatewayConfig.load(flags, Map.of("FANGXIN_TLS_CLIENT_CA", ca.toString()));
    assertThat(chained.tls().orElseThrow().clientCa()).contains(ca);
    assertThat(chained.tls().orElseThrow().toString()).contains("clientAuth=want");
  }

  @Test
  void refusesInconsistentOrInvalidSettings() throws Exception {
    assertThatThrownBy(() -> GatewayConfig.load(Map.of("tls.client-auth", "want"), Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(ConfigException.Reason.INCONSISTENT))
        .hasMessageContaining("tls.client-auth is set")
        .hasMessageContaining("but TLS is off");
    Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
    Map<String, String> flags = new java.util.HashMap<>(tls());
    flags.put("tls.client-ca", ca.toString());
    assertThatThrownBy(() -> GatewayConfig.load(flags, Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.reasonCode()).isEqualTo(ConfigException.Reason.INCONSISTENT);
              assertThat(e.key()).isEqualTo("tls.client-ca");
            })
        .hasMessageContaining("expected tls.client-auth=want");
    Map<String, String> bad = new java.util.HashMap<>(tls());
    bad.put("tls.client-auth", "need");
    assertThatThrownBy(() -> GatewayConfig.load(bad, Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(ConfigException.Reason.INVALID_VALUE))
        .hasMessageContaining("none or want");
    Map<String, String> missing = new java.util.HashMap<>(tls());
    missing.put("tls.client-auth", "want");
    missing.put("tls.client-ca", dir.resolve("nope.pem").toString());
    assertThatThrownBy(() -> GatewayConfig.load(missing, Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(ConfigException.Reason.UNREADABLE_FILE));
  }
}
