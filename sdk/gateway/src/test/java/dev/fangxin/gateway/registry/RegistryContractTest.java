package dev.fangxin.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.core.id.CreditCode;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.key.TerminalPublicKey;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registry's contract, run unchanged against every database the gateway supports: subclasses
 * only say where a fresh, empty database is.
 */
abstract class RegistryContractTest {
  static final Instant T0 = Instant.ofEpochSecond(1_767_225_600L); // 2026-01-01T00:00:00Z
  static final String M = creditCode("91330106MA27XKP9Q");
  static final String N = creditCode("91110000MA01ABCD1");
  static final PaymentTool T1 =
      PaymentTool.cardTerminal(
          InstitutionCode.of("48020000"),
          MerchantNumber.of("898330160110021"),
          TerminalId.of("A1B2c3d4"));
  static final PaymentTool CODE = PaymentTool.collectionCode("hz-stall_17.a");

  private Store store;
  private Registry registry;

  /** A config for a fresh, empty database, used once per test. */
  abstract StoreConfig freshDatabase() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = Store.open(freshDatabase());
    registry = Registry.on(store, Clock.fixed(T0, ZoneOffset.UTC));
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  static String creditCode(String first17) {
    return first17 + CreditCode.checkCharacter(first17);
  }

  /** A fixed Ed25519 key: RFC 8410 PKCS#8 around a 32-byte seed of {@code seedByte}. */
  static TerminalPublicKey ed25519(int seedByte) {
    String seed = String.format("%02x", seedByte).repeat(32);
    byte[] pkcs8 = HexFormat.of().parseHex("302e020100300506032b657004220420" + seed);
    return TerminalKeyPair.fromPkcs8(pkcs8).publicKey();
  }

  private void registerTwoMerchantsAndT1() {
    registry.registerMerchant(M, "杭州西湖茶庄有限公司", "zh-CN", "Asia/Shanghai");
    registry.registerMerchant(N, "Beijing Noodles", "en-GB", "Asia/Shanghai");
    registry.registerTool(T1);
  }

  private static void assertRefused(Runnable call, RegistryException.Reason reason, String msg) {
    assertThatThrownBy(call::run)
        .isInstanceOf(RegistryException.class)
        .hasMessage(msg)
        .satisfies(e -> assertThat(((RegistryException) e).reasonCode()).isEqualTo(reason))
        .satisfies(e -> assertThat(((RegistryException) e).reason()).isEqualTo(reason.code()));
  }

  // ------------------------------------------------------------------ merchants and tools

  @Test
  void merchantRegistersAndReadsBack() {
    Merchant m =
        registry.registerMerchant(
            M.toLowerCase(Locale.ROOT), "杭州西湖茶庄有限公司", "zh-CN", "Asia/Shanghai");
    assertThat(m.id()).isEqualTo(M);
    assertThat(registry.merchant(M)).contains(m);
    assertThat(registry.merchant(M.toLowerCase(Locale.ROOT))).contains(m);
    Merchant read = registry.merchant(M).orElseThrow();
    assertThat(read.name()).isEqualTo("杭州西湖茶庄有限公司");
    assertThat(read.locale()).isEqualTo(Locale.forLanguageTag("zh-CN"));
    assertThat(read.timeZone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
    assertThat(read.createdAt()).isEqualTo(T0);
    assertThat(registry.merchant(N)).isEmpty();

    Merchant abroad =
        registry.registerMerchant("X-HK-000123", "Kowloon Café", "zh-Hant-HK", "Asia/Hong_Kong");
    assertThat(registry.merchant("X-HK-000123")).contains(abroad);
  }

  @Test
  void duplicateMerchantIsRefused() {
    registry.registerMerchant(M, "A", "zh-CN", "Asia/Shanghai");
    assertRefused(
        () -> registry.registerMerchant(M, "B", "zh-CN", "Asia/Shanghai"),
        RegistryException.Reason.DUPLICATE,
        "A merchant with ID " + M + " is already registered; register each merchant once.");
    assertThat(registry.merchant(M).orElseThrow().name()).isEqualTo("A");
  }

  @Test
  void invalidMerchantFieldsAreRefusedWithTheirReason() {
    assertRefused(
        () -> registry.registerMerchant("X-hk1", "A", "zh-CN", "Asia/Shanghai"),
        RegistryException.Reason.INVALID_FIELD,
        "The merchant ID \"X-hk1\" is not a registry ID; expected \"X-\" followed by 1 to 32"
            + " characters from A-Z, 0-9 and '-'.");
    String badCheck = M.substring(0, 17) + (M.charAt(17) == '0' ? "1" : "0");
    assertThatThrownBy(() -> registry.registerMerchant(badCheck, "A", "zh-CN", "Asia/Shanghai"))
        .isInstanceOf(RegistryException.class)
        .hasMessageStartingWith(
            "The merchant ID is neither a unified social credit code nor a registry ID")
        .satisfies(
            e -> assertThat(((RegistryException) e).reason()).isEqualTo("registry.invalid_field"));
    assertRefused(
        () -> registry.registerMerchant(M, " ", "zh-CN", "Asia/Shanghai"),
        RegistryException.Reason.INVALID_FIELD,
        "The merchant name is blank; expected 1 to 200 characters of text.");
    assertRefused(
        () -> registry.registerMerchant(M, "x".repeat(201), "zh-CN", "Asia/Shanghai"),
        RegistryException.Reason.INVALID_FIELD,
        "The merchant name has 201 characters; at most 200 are accepted.");
    assertRefused(
        () -> registry.registerMerchant(M, "a\u0000b", "zh-CN", "Asia/Shanghai"),
        RegistryException.Reason.INVALID_FIELD,
        "The merchant name has a control character (U+0000) at index 1; expected printable text.");
    assertThatThrownBy(() -> registry.registerMerchant(M, "A", "zh_CN", "Asia/Shanghai"))
        .isInstanceOf(RegistryException.class)
        .hasMessageStartingWith("The locale \"zh_CN\" is not well-formed");
    assertRefused(
        () -> registry.registerMerchant(M, "A", "zh-CN", "Asia/Hangzhou"),
        RegistryException.Reason.INVALID_FIELD,
        "The time zone \"Asia/Hangzhou\" is not known; expected an IANA time zone ID such as"
            + " Asia/Shanghai.");
    assertThat(registry.merchant(M)).isEmpty();
  }

  @Test
  void sqlMetacharactersInNamesAreStoredVerbatim() {
    String[] names = {
      "Robert'); DROP TABLE merchants;--",
      "a\"b\\c%_d' OR '1'='1",
      "$$; SELECT 1; $$ /* x */ \\x00 ?",
      "茶'庄\"--;"
    };
    List<Merchant> registered = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      String id = "X-META-" + i;
      registered.add(registry.registerMerchant(id, names[i], "zh-CN", "Asia/Shanghai"));
    }
    for (int i = 0; i < names.length; i++) {
      assertThat(registry.merchant("X-META-" + i).orElseThrow().name()).isEqualTo(names[i]);
      assertThat(registry.merchant("X-META-" + i)).contains(registered.get(i));
    }
    assertThat(registry.merchant("X-META-0' OR '1'='1")).isEmpty();
  }

  @Test
  void toolRegistrationIsIdempotentOnTheNaturalKey() {
    assertThat(T1.id()).isEqualTo("ct:48020000:898330160110021:A1B2c3d4");
    assertThat(CODE.id()).isEqualTo("cc:hz-stall_17.a");
    assertThat(registry.registerTool(T1)).isEqualTo(T1);
    assertThat(
            registry.registerTool(
                PaymentTool.cardTerminal(
                    InstitutionCode.of("48020000"),
                    MerchantNumber.of("898330160110021"),
                    TerminalId.of("A1B2c3d4"))))
        .isEqualTo(T1);
    registry.registerTool(CODE);
    registry.registerTool(CODE);
    PaymentTool read = registry.tool(T1.id()).orElseThrow();
    assertThat(read.kind()).isEqualTo(PaymentTool.Kind.CARD_TERMINAL);
    assertThat(read.terminalId()).contains(TerminalId.of("A1B2c3d4"));
    assertThat(registry.tool(CODE.id()).orElseThrow().collectionCodeId()).contains("hz-stall_17.a");
    assertThat(registry.tool("ct:nope")).isEmpty();
    assertRefused(
        () -> PaymentTool.collectionCode("has space"),
        RegistryException.Reason.INVALID_FIELD,
        "The collection code ID \"has space\" is not valid; expected 1 to 60 characters from"
            + " A-Z, a-z, 0-9, '.', '_' and '-'.");
  }

  // ------------------------------------------------------------------ bindings

  @Test
  void switchingMerchantsKeepsOldReceiptsResolving() {
    registerTwoMerchantsAndT1();
    Instant t1 = T0.plusSeconds(100);
    Instant t2 = T0.plusSeconds(5_000);
    registry.bind(T1.id(), M, t1);
    Binding opened = registry.bind(T1.id(), N, t2);
    assertThat(opened).isEqualTo(Binding.of(T1.id(), N, t2, null));

    assertThat(registry.merchantAt(T1.id(), t1.minusSeconds(1))).isEmpty();
    assertThat(registry.merchantAt(T1.id(), t1)).contains(M);
    assertThat(registry.merchantAt(T1.id(), t2.minusMillis(1))).contains(M);
    assertThat(registry.merchantAt(T1.id(), t2)).contains(N);
    assertThat(registry.merchantAt(T1.id(), t2.plusSeconds(1_000_000))).contains(N);
    assertThat(registry.history(T1.id()))
        .containsExactly(Binding.of(T1.id(), M, t1, t2), Binding.of(T1.id(), N, t2, null));
  }

  @Test
  void bindingBeforeTheOpenBindingsStartIsRefusedAndChangesNothing() {
    registerTwoMerchantsAndT1();
    Instant start = T0.plusSeconds(1_000);
    registry.bind(T1.id(), M, start);
    List<Binding> before = registry.history(T1.id());
    String message =
        "Cannot bind tool "
            + T1.id()
            + " from %s: its open binding to "
            + M
            + " starts at 2026-01-01T00:16:40Z; a new binding must start after it.";
    assertRefused(
        () -> registry.bind(T1.id(), N, start.minusSeconds(1)),
        RegistryException.Reason.BAD_INTERVAL,
        String.format(message, "2026-01-01T00:16:39Z"));
    assertRefused(
        () -> registry.bind(T1.id(), N, start),
        RegistryException.Reason.BAD_INTERVAL,
        String.format(message, "2026-01-01T00:16:40Z"));
    assertThat(registry.history(T1.id())).isEqualTo(before);
    assertThat(registry.merchantAt(T1.id(), start.plusSeconds(10))).contains(M);
  }

  @Test
  void unbindEndsTheBindingAndABindMayNotReachBackIntoIt() {
    registerTwoMerchantsAndT1();
    registry.bind(T1.id(), M, T0);
    Binding closed = registry.unbind(T1.id(), T0.plusSeconds(60));
    assertThat(closed).isEqualTo(Binding.of(T1.id(), M, T0, T0.plusSeconds(60)));
    assertThat(registry.merchantAt(T1.id(), T0.plusSeconds(59))).contains(M);
    assertThat(registry.merchantAt(T1.id(), T0.plusSeconds(60))).isEmpty();
    assertRefused(
        () -> registry.unbind(T1.id(), T0.plusSeconds(90)),
        RegistryException.Reason.NOT_BOUND,
        "Tool " + T1.id() + " has no open binding to close; bind it first.");
    assertRefused(
        () -> registry.bind(T1.id(), N, T0.plusSeconds(59)),
        RegistryException.Reason.BAD_INTERVAL,
        "Cannot bind tool "
            + T1.id()
            + " from 2026-01-01T00:00:59Z: its last binding, to "
            + M
            + ", lasts until 2026-01-01T00:01:00Z; a new binding must start at or after that.");
    registry.bind(T1.id(), N, T0.plusSeconds(60));
    assertThat(registry.merchantAt(T1.id(), T0.plusSeconds(60))).contains(N);
  }

  @Test
  void bindingUnknownToolsOrMerchantsIsRefused() {
    registerTwoMerchantsAndT1();
    assertRefused(
        () -> registry.bind("ct:nope", M, T0),
        RegistryException.Reason.UNKNOWN_TOOL,
        "No payment tool has ID \"ct:nope\"; register the tool first.");
    assertRefused(
        () -> registry.bind(T1.id(), "X-NOBODY", T0),
        RegistryException.Reason.UNKNOWN_MERCHANT,
        "No merchant has ID \"X-NOBODY\"; register the merchant before binding tools to it.");
    assertThat(registry.history(T1.id())).isEmpty();
  }

  @Test
  void randomBindsAndRebindsMatchAnInMemoryModel() {
    List<String> merchants = List.of("X-A", "X-B", "X-C");
    for (String m : merchants) {
      registry.registerMerchant(m, m, "en", "UTC");
    }
    List<PaymentTool> tools =
        List.of(
            PaymentTool.collectionCode("t0"),
            PaymentTool.collectionCode("t1"),
            PaymentTool.collectionCode("t2"));
    tools.forEach(registry::registerTool);
    // model: per tool, the list of [from, to) segments; to = Long.MAX_VALUE while open.
    List<List<long[]>> model = new ArrayList<>();
    List<List<String>> owners = new ArrayList<>();
    long[] clock = {0, 0, 0};
    for (int i = 0; i < tools.size(); i++) {
      model.add(new ArrayList<>());
      owners.add(new ArrayList<>());
    }
    Random random = new Random(20260101L);
    int refused = 0;
    for (int op = 0; op < 200; op++) {
      int t = random.nextInt(tools.size());
      String toolId = tools.get(t).id();
      List<long[]> segs = model.get(t);
      long[] last = segs.isEmpty() ? null : segs.get(segs.size() - 1);
      // Mostly move forward; sometimes try a time that must be refused.
      long at =
          clock[t] + (random.nextInt(10) == 0 ? -random.nextInt(50) : 1 + random.nextInt(500));
      boolean unbind = random.nextInt(6) == 0;
      Instant when = T0.plusSeconds(at);
      if (unbind) {
        boolean ok = last != null && last[1] == Long.MAX_VALUE && at > last[0];
        if (ok) {
          registry.unbind(toolId, when);
          last[1] = at;
          clock[t] = at;
        } else {
          refused++;
          assertThatThrownBy(() -> registry.unbind(toolId, when))
              .isInstanceOf(RegistryException.class);
        }
      } else {
        String merchant = merchants.get(random.nextInt(merchants.size()));
        boolean ok = last == null || (last[1] == Long.MAX_VALUE ? at > last[0] : at >= last[1]);
        if (ok) {
          registry.bind(toolId, merchant, when);
          if (last != null && last[1] == Long.MAX_VALUE) {
            last[1] = at;
          }
          segs.add(new long[] {at, Long.MAX_VALUE});
          owners.get(t).add(merchant);
          clock[t] = Math.max(clock[t], at);
        } else {
          refused++;
          assertThatThrownBy(() -> registry.bind(toolId, merchant, when))
              .isInstanceOf(RegistryException.class)
              .satisfies(
                  e ->
                      assertThat(((RegistryException) e).reasonCode())
                          .isEqualTo(RegistryException.Reason.BAD_INTERVAL));
        }
      }
    }
    assertThat(refused).isPositive();
    // Probes: random times, plus every boundary and its neighbours (where off-by-ones live).
    List<long[]> probes = new ArrayList<>(); // {tool, second}
    for (int probe = 0; probe < 300; probe++) {
      int t = random.nextInt(tools.size());
      probes.add(new long[] {t, random.nextInt((int) clock[t] + 100) - 10});
    }
    for (int t = 0; t < tools.size(); t++) {
      for (long[] seg : model.get(t)) {
        for (long edge : new long[] {seg[0], seg[1]}) {
          if (edge != Long.MAX_VALUE) {
            probes.add(new long[] {t, edge - 1});
            probes.add(new long[] {t, edge});
          }
        }
      }
    }
    int mismatches = 0;
    for (long[] probe : probes) {
      int t = (int) probe[0];
      long at = probe[1];
      Instant when = T0.plusSeconds(at).plusMillis(random.nextInt(1000));
      Optional<String> expected = Optional.empty();
      List<long[]> segs = model.get(t);
      for (int s = 0; s < segs.size(); s++) {
        if (segs.get(s)[0] <= at && at < segs.get(s)[1]) {
          expected = Optional.of(owners.get(t).get(s));
        }
      }
      if (!registry.merchantAt(tools.get(t).id(), when).equals(expected)) {
        mismatches++;
      }
    }
    assertThat(probes).hasSizeGreaterThan(500);
    assertThat(mismatches).isZero();
    for (int t = 0; t < tools.size(); t++) {
      List<Binding> history = registry.history(tools.get(t).id());
      assertThat(history).hasSize(model.get(t).size());
      for (int s = 1; s < history.size(); s++) {
        assertThat(history.get(s - 1).validTo()).isPresent();
        assertThat(history.get(s - 1).validTo().get())
            .isBeforeOrEqualTo(history.get(s).validFrom());
      }
    }
  }

  // ------------------------------------------------------------------ keys

  @Test
  void keysRegisterIdempotentlyAndRevocationBoundsValidity() {
    registerTwoMerchantsAndT1();
    TerminalPublicKey key = ed25519(0x11);
    RegisteredKey registered = registry.registerKey(key, T1.id(), T0.plusSeconds(10));
    assertThat(registered.keyId()).isEqualTo(key.keyId());
    assertThat(registry.registerKey(key, T1.id(), T0.plusSeconds(99))).isEqualTo(registered);
    assertThat(registry.key(key.keyId())).contains(registered);
    assertThat(registry.keys(T1.id())).containsExactly(registered);
    assertThat(registered.validAt(T0.plusSeconds(1_000_000))).isTrue();

    assertRefused(
        () -> registry.revokeKey(key.keyId(), T0.plusSeconds(9)),
        RegistryException.Reason.BAD_INTERVAL,
        "Cannot revoke key "
            + key.keyId().toHex()
            + " at 2026-01-01T00:00:09Z: it was registered at 2026-01-01T00:00:10Z; revocation"
            + " must not precede registration.");
    Instant revokedAt = T0.plusSeconds(500);
    RegisteredKey revoked = registry.revokeKey(key.keyId(), revokedAt);
    assertThat(revoked.revokedAt()).contains(revokedAt);
    RegisteredKey read = registry.key(key.keyId()).orElseThrow();
    assertThat(read).isEqualTo(revoked);
    assertThat(read.validAt(revokedAt.minusMillis(1))).isTrue();
    assertThat(read.validAt(revokedAt)).isFalse();
    assertThat(read.validAt(revokedAt.plusSeconds(1))).isFalse();
    // A later revocation does not move it; an earlier one does.
    assertThat(registry.revokeKey(key.keyId(), T0.plusSeconds(900)).revokedAt())
        .contains(revokedAt);
    assertThat(registry.revokeKey(key.keyId(), T0.plusSeconds(300)).revokedAt())
        .contains(T0.plusSeconds(300));

    KeyId unknown = ed25519(0x22).keyId();
    assertThat(registry.key(unknown)).isEmpty();
    assertRefused(
        () -> registry.revokeKey(unknown, T0),
        RegistryException.Reason.UNKNOWN_KEY,
        "No terminal key has ID " + unknown.toHex() + "; nothing to revoke.");
  }

  @Test
  void keyIdCollisionWithADifferentKeyIsRefused() throws Exception {
    registerTwoMerchantsAndT1();
    TerminalPublicKey key = ed25519(0x33);
    TerminalPublicKey other = ed25519(0x44);
    // Two real keys with one key ID cannot be found; plant a row that claims key's ID for other.
    try (Connection c = store.connection();
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO terminal_keys (key_id, algorithm, public_key, tool_id, registered_at)"
                    + " VALUES (?, ?, ?, ?, ?)")) {
      insert.setBytes(1, key.keyId().toBytes());
      insert.setString(2, other.algorithm().label());
      insert.setBytes(3, other.spki());
      insert.setString(4, T1.id());
      insert.setLong(5, T0.getEpochSecond());
      insert.executeUpdate();
    }
    assertRefused(
        () -> registry.registerKey(key, T1.id(), T0),
        RegistryException.Reason.KEY_ID_COLLISION,
        "Key ID "
            + key.keyId().toHex()
            + " is already registered for a different public key; generate a new key pair.");
  }

  @Test
  void sameKeyForAnotherToolOrAnUnknownToolIsRefused() {
    registerTwoMerchantsAndT1();
    registry.registerTool(CODE);
    TerminalPublicKey key = ed25519(0x55);
    registry.registerKey(key, T1.id(), T0);
    assertRefused(
        () -> registry.registerKey(key, CODE.id(), T0),
        RegistryException.Reason.DUPLICATE,
        "Key "
            + key.keyId().toHex()
            + " is already registered for tool "
            + T1.id()
            + ", not "
            + CODE.id()
            + "; every signing instance needs its own key pair.");
    assertRefused(
        () -> registry.registerKey(ed25519(0x66), "cc:ghost", T0),
        RegistryException.Reason.UNKNOWN_TOOL,
        "No payment tool has ID \"cc:ghost\"; register the tool first.");
  }
}
