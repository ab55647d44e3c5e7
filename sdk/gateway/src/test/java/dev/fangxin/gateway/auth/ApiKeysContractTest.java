package dev.fangxin.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.core.id.CreditCode;
import dev.fangxin.gateway.registry.Registry;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The API key store's contract, run unchanged on every database the gateway supports. */
abstract class ApiKeysContractTest {
  static final Instant T0 = Instant.ofEpochSecond(1_767_225_600L);
  static final String M = "91330106MA27XKP9Q" + CreditCode.checkCharacter("91330106MA27XKP9Q");

  /** A clock that stands still until moved. */
  static final class StepClock extends Clock {
    volatile Instant now;

    StepClock(Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }
  }

  private Store store;
  private StepClock clock;
  private ApiKeys keys;

  abstract StoreConfig freshDatabase() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = Store.open(freshDatabase());
    clock = new StepClock(T0);
    keys = ApiKeys.on(store, clock);
    Registry.on(store, clock).registerMerchant(M, "Tea House", "zh-CN", "Asia/Shanghai");
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private List<List<Object>> rows() throws Exception {
    List<List<Object>> out = new ArrayList<>();
    try (Connection c = store.connection();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT key_id, key_hash, client_id, role, merchant_id, institution_code,"
                    + " created_at, revoked_at FROM api_keys ORDER BY key_id")) {
      while (r.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
          Object v = r.getObject(i);
          row.add(v instanceof byte[] ? java.util.HexFormat.of().formatHex((byte[]) v) : v);
        }
        out.add(row);
      }
    }
    return out;
  }

  @Test
  void issuedKeyHasTheDocumentedFormatAndOnlyItsHashIsStored() throws Exception {
    IssuedKey issued = keys.issue("ops-1", Role.OPERATOR, null, null);
    assertThat(issued.apiKey()).matches("fxk_[0-9a-f]{24}_[A-Za-z0-9_-]{43}");
    assertThat(issued.apiKey()).startsWith("fxk_" + issued.info().keyId() + "_");
    assertThat(issued.toString()).doesNotContain(issued.apiKey().substring(29));
    List<List<Object>> rows = rows();
    assertThat(rows).hasSize(1);
    String hash =
        java.util.HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(issued.apiKey().getBytes(StandardCharsets.UTF_8)));
    assertThat(rows.get(0).get(1)).isEqualTo(hash);
    String secret = issued.apiKey().substring(issued.apiKey().lastIndexOf('_') + 1);
    assertThat(rows.get(0).toString()).doesNotContain(secret);
    assertThat(rows.get(0).get(6)).isEqualTo(T0.getEpochSecond());
  }

  @Test
  void eachRoleAuthenticatesAsItsPrincipal() {
    IssuedKey op = keys.issue("ops-1", Role.OPERATOR, null, null);
    IssuedKey mer = keys.issue("shop@tea", Role.MERCHANT, M.toLowerCase(), null);
    IssuedKey acq = keys.issue("bank.1", Role.ACQUIRER, null, "48020000");
    IssuedKey wal = keys.issue("wallet:x", Role.WALLET_PARTNER, null, null);
    assertThat(keys.authenticate(op.apiKey())).hasValue(Principal.operator("ops-1"));
    assertThat(keys.authenticate(mer.apiKey())).hasValue(Principal.merchant("shop@tea", M));
    assertThat(keys.authenticate(acq.apiKey())).hasValue(Principal.acquirer("bank.1", "48020000"));
    assertThat(keys.authenticate(wal.apiKey())).hasValue(Principal.walletPartner("wallet:x"));
  }

  @Test
  void alteredUnknownAndMalformedKeysAreRefused() {
    String key = keys.issue("ops-1", Role.OPERATOR, null, null).apiKey();
    char last = key.charAt(key.length() - 1);
    String altered = key.substring(0, key.length() - 1) + (last == 'A' ? 'B' : 'A');
    String otherId = "fxk_" + "0".repeat(24) + key.substring(28);
    for (String bad :
        new String[] {
          altered,
          otherId,
          key + "x",
          key.substring(0, key.length() - 1),
          key.replace("fxk_", "FXK_"),
          "fxk_",
          "fxk__",
          "",
          "Bearer " + key,
          key.toUpperCase(),
          "fxk_" + "g".repeat(24) + key.substring(28),
          key + "\u0000",
          "x".repeat(10_000)
        }) {
      assertThat(keys.authenticate(bad)).as(bad).isEmpty();
    }
    assertThat(keys.authenticate(null)).isEmpty();
    assertThat(keys.authenticate(key)).isPresent();
  }

  @Test
  void revocationTakesEffectImmediatelyAndCanBeScheduled() {
    IssuedKey now = keys.issue("ops-1", Role.OPERATOR, null, null);
    IssuedKey later = keys.issue("ops-1", Role.OPERATOR, null, null);
    ApiKeyInfo revoked = keys.revoke(now.info().keyId(), T0);
    assertThat(revoked.revokedAt()).hasValue(T0);
    assertThat(keys.authenticate(now.apiKey())).isEmpty();

    keys.revoke(later.info().keyId(), T0.plusSeconds(3600));
    assertThat(keys.authenticate(later.apiKey())).isPresent();
    clock.advance(Duration.ofSeconds(3599));
    assertThat(keys.authenticate(later.apiKey())).isPresent();
    clock.advance(Duration.ofSeconds(1));
    assertThat(keys.authenticate(later.apiKey())).isEmpty();
    // Revoking again keeps the earlier time.
    assertThat(keys.revoke(later.info().keyId(), T0.plusSeconds(7200)).revokedAt())
        .hasValue(T0.plusSeconds(3600));
  }

  @Test
  void revokeRefusesUnknownKeysAndTimesBeforeIssue() throws Exception {
    IssuedKey k = keys.issue("ops-1", Role.OPERATOR, null, null);
    List<List<Object>> before = rows();
    assertThatThrownBy(() -> keys.revoke("0".repeat(24), T0))
        .isInstanceOfSatisfying(
            ApiKeyException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(ApiKeyException.Reason.UNKNOWN_KEY));
    assertThatThrownBy(() -> keys.revoke("'; DROP TABLE api_keys; --", T0))
        .isInstanceOf(ApiKeyException.class);
    assertThatThrownBy(() -> keys.revoke(k.info().keyId(), T0.minusSeconds(1)))
        .isInstanceOfSatisfying(
            ApiKeyException.class,
            e -> {
              assertThat(e.reasonCode()).isEqualTo(ApiKeyException.Reason.INVALID_FIELD);
              assertThat(e.field()).isEqualTo("at");
            });
    assertThat(rows()).isEqualTo(before);
  }

  @Test
  void listShowsEveryKeyOfAClientWithoutSecrets() {
    IssuedKey a = keys.issue("ops-1", Role.OPERATOR, null, null);
    clock.advance(Duration.ofSeconds(5));
    IssuedKey b = keys.issue("ops-1", Role.OPERATOR, null, null);
    keys.issue("ops-2", Role.OPERATOR, null, null);
    keys.revoke(a.info().keyId(), clock.instant());
    List<ApiKeyInfo> list = keys.list("ops-1");
    assertThat(list)
        .extracting(ApiKeyInfo::keyId)
        .containsExactly(a.info().keyId(), b.info().keyId());
    assertThat(list.get(0).revokedAt()).hasValue(clock.instant());
    assertThat(list.get(1)).isEqualTo(b.info());
    assertThat(list.toString()).doesNotContain(a.apiKey()).doesNotContain(b.apiKey());
    assertThat(keys.list("nobody")).isEmpty();
    assertThat(keys.find(b.info().keyId())).hasValue(b.info());
    assertThat(keys.find("nope")).isEmpty();
  }

  @Test
  void bootstrapIssuesOneOperatorKeyOnlyWhileNoneIsActive() {
    assertThat(keys.hasActiveOperatorKey()).isFalse();
    keys.issue("shop", Role.MERCHANT, M, null);
    Optional<IssuedKey> first = keys.bootstrapOperator("root");
    assertThat(first).isPresent();
    assertThat(keys.authenticate(first.get().apiKey())).hasValue(Principal.operator("root"));
    assertThat(keys.hasActiveOperatorKey()).isTrue();
    assertThat(keys.bootstrapOperator("root")).isEmpty();
    keys.revoke(first.get().info().keyId(), clock.instant());
    assertThat(keys.hasActiveOperatorKey()).isFalse();
    assertThat(keys.bootstrapOperator("root")).isPresent();
  }

  @Test
  void invalidIssueRequestsNameTheFieldAndStoreNothing() throws Exception {
    List<List<Object>> before = rows();
    Object[][] cases = {
      {null, Role.OPERATOR, null, null, "client_id"},
      {"", Role.OPERATOR, null, null, "client_id"},
      {"a b", Role.OPERATOR, null, null, "client_id"},
      {"x".repeat(65), Role.OPERATOR, null, null, "client_id"},
      {"c", null, null, null, "role"},
      {"c", Role.MERCHANT, null, null, "merchant_id"},
      {"c", Role.OPERATOR, M, null, "merchant_id"},
      {"c", Role.ACQUIRER, null, null, "institution_code"},
      {"c", Role.ACQUIRER, null, "12a", "institution_code"},
      {"c", Role.WALLET_PARTNER, null, "123", "institution_code"},
    };
    for (Object[] c : cases) {
      assertThatThrownBy(() -> keys.issue((String) c[0], (Role) c[1], (String) c[2], (String) c[3]))
          .isInstanceOfSatisfying(
              ApiKeyException.class,
              e -> {
                assertThat(e.reasonCode()).isEqualTo(ApiKeyException.Reason.INVALID_FIELD);
                assertThat(e.field()).isEqualTo(c[4]);
              });
    }
    assertThatThrownBy(() -> keys.issue("c", Role.MERCHANT, "X-NOPE", null))
        .isInstanceOfSatisfying(
            ApiKeyException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(ApiKeyException.Reason.UNKNOWN_MERCHANT));
    assertThat(rows()).isEqualTo(before);
  }
}
