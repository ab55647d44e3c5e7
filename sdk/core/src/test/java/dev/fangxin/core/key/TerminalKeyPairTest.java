package dev.fangxin.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.util.BigIntegers;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TerminalKeyPairTest {
  private static final byte[] MESSAGE =
      "fangxin.test.v1\ncharge 12.34 CNY".getBytes(StandardCharsets.UTF_8);

  /** The group order n (for Ed25519: L). */
  private static BigInteger order(SignatureAlgorithm a) {
    if (a == SignatureAlgorithm.ED25519) {
      return BigInteger.ONE
          .shiftLeft(252)
          .add(new BigInteger("27742317777372353535851937790883648493"));
    }
    return Curves.of(a).getN();
  }

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void signVerifyRoundTrip(SignatureAlgorithm a) {
    TerminalKeyPair key = TerminalKeyPair.generate(a, TestKeys.seeded(1));
    byte[] sig = key.sign(MESSAGE);
    assertThat(sig).hasSize(64);
    assertThat(key.publicKey().verify(MESSAGE, sig)).isTrue();
    assertThat(key.algorithm()).isEqualTo(a);
    assertThat(key.publicKey().algorithm()).isEqualTo(a);
    assertThat(key.keyId()).isEqualTo(key.publicKey().keyId());
    // Empty message too.
    assertThat(key.publicKey().verify(new byte[0], key.sign(new byte[0]))).isTrue();
  }

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void seededGenerationIsReproducible(SignatureAlgorithm a) {
    assertThat(TerminalKeyPair.generate(a, TestKeys.seeded(7)).publicKey())
        .isEqualTo(TerminalKeyPair.generate(a, TestKeys.seeded(7)).publicKey())
        .isNotEqualTo(TerminalKeyPair.generate(a, TestKeys.seeded(8)).publicKey());
  }

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void verifyRejectsTampering(SignatureAlgorithm a) {
    TerminalKeyPair key = TestKeys.fixed(a);
    TerminalPublicKey pub = key.publicKey();
    byte[] sig = key.sign(MESSAGE);

    byte[] msg2 = MESSAGE.clone();
    msg2[3] ^= 0x01;
    assertThat(pub.verify(msg2, sig)).as("flipped message bit").isFalse();

    for (int i : new int[] {0, 31, 32, 63}) {
      byte[] sig2 = sig.clone();
      sig2[i] ^= 0x10;
      assertThat(pub.verify(MESSAGE, sig2)).as("flipped signature byte %d", i).isFalse();
    }

    TerminalPublicKey other = TerminalKeyPair.generate(a, TestKeys.seeded(3)).publicKey();
    assertThat(other.verify(MESSAGE, sig)).as("wrong key").isFalse();

    assertThat(pub.verify(MESSAGE, Arrays.copyOf(sig, 63))).as("63 bytes").isFalse();
    assertThat(pub.verify(MESSAGE, Arrays.copyOf(sig, 65))).as("65 bytes").isFalse();
    assertThat(pub.verify(MESSAGE, new byte[0])).as("empty").isFalse();
    assertThat(pub.verify(MESSAGE, new byte[64])).as("all zero").isFalse();
    byte[] ones = new byte[64];
    Arrays.fill(ones, (byte) 0xff);
    assertThat(pub.verify(MESSAGE, ones)).as("all ones").isFalse();
  }

  @ParameterizedTest
  @EnumSource(
      value = SignatureAlgorithm.class,
      names = {"SM2_SM3", "ECDSA_P256_SHA256"})
  void verifyRejectsROrSOutOfRange(SignatureAlgorithm a) {
    TerminalKeyPair key = TestKeys.fixed(a);
    byte[] sig = key.sign(MESSAGE);
    byte[] n = BigIntegers.asUnsignedByteArray(32, order(a));
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(sig, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));

    byte[] rIsN = sig.clone();
    System.arraycopy(n, 0, rIsN, 0, 32);
    assertThat(key.publicKey().verify(MESSAGE, rIsN)).as("r = n").isFalse();
    byte[] sIsN = sig.clone();
    System.arraycopy(n, 0, sIsN, 32, 32);
    assertThat(key.publicKey().verify(MESSAGE, sIsN)).as("s = n").isFalse();
    byte[] rZero = sig.clone();
    Arrays.fill(rZero, 0, 32, (byte) 0);
    assertThat(key.publicKey().verify(MESSAGE, rZero)).as("r = 0").isFalse();
    byte[] sZero = sig.clone();
    Arrays.fill(sZero, 32, 64, (byte) 0);
    assertThat(key.publicKey().verify(MESSAGE, sZero)).as("s = 0").isFalse();
    // r + n and s + n still fit 32 bytes for these curves only sometimes; r + n when it fits:
    BigInteger rPlusN = r.add(order(a));
    if (rPlusN.bitLength() <= 256) {
      byte[] shifted = sig.clone();
      System.arraycopy(BigIntegers.asUnsignedByteArray(32, rPlusN), 0, shifted, 0, 32);
      assertThat(key.publicKey().verify(MESSAGE, shifted)).as("r + n").isFalse();
    }
    if (a == SignatureAlgorithm.ECDSA_P256_SHA256) {
      // The other s (n - s) is also valid ECDSA: we do not normalise and we accept both.
      byte[] highLow = sig.clone();
      System.arraycopy(
          BigIntegers.asUnsignedByteArray(32, order(a).subtract(s)), 0, highLow, 32, 32);
      assertThat(key.publicKey().verify(MESSAGE, highLow)).as("n - s").isTrue();
    }
  }

  @Test
  void ed25519RejectsNonCanonicalS() {
    TerminalKeyPair key = TestKeys.fixed(SignatureAlgorithm.ED25519);
    byte[] sig = key.sign(MESSAGE);
    // S is little-endian in the second half; S + L is the same scalar mod L but not canonical.
    byte[] sLe = Arrays.copyOfRange(sig, 32, 64);
    BigInteger s = new BigInteger(1, reverse(sLe));
    byte[] sPlusL =
        reverse(BigIntegers.asUnsignedByteArray(32, s.add(order(SignatureAlgorithm.ED25519))));
    byte[] bad = sig.clone();
    System.arraycopy(sPlusL, 0, bad, 32, 32);
    assertThat(key.publicKey().verify(MESSAGE, bad)).isFalse();
    byte[] sIsL = sig.clone();
    System.arraycopy(
        reverse(BigIntegers.asUnsignedByteArray(32, order(SignatureAlgorithm.ED25519))),
        0,
        sIsL,
        32,
        32);
    assertThat(key.publicKey().verify(MESSAGE, sIsL)).isFalse();
  }

  private static byte[] reverse(byte[] b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[b.length - 1 - i];
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(
      value = SignatureAlgorithm.class,
      names = {"ECDSA_P256_SHA256", "ED25519"})
  void deterministicAlgorithmsGiveSameBytes(SignatureAlgorithm a) {
    TerminalKeyPair key = TestKeys.fixed(a);
    assertThat(key.sign(MESSAGE)).isEqualTo(key.sign(MESSAGE));
  }

  @Test
  void sm2SignaturesAreRandomizedButBothVerify() {
    TerminalKeyPair key = TestKeys.fixed(SignatureAlgorithm.SM2_SM3);
    byte[] s1 = key.sign(MESSAGE);
    byte[] s2 = key.sign(MESSAGE);
    assertThat(s1).isNotEqualTo(s2);
    assertThat(key.publicKey().verify(MESSAGE, s1)).isTrue();
    assertThat(key.publicKey().verify(MESSAGE, s2)).isTrue();
  }

  /** RFC 6979 A.2.5, P-256 with SHA-256, message "sample". */
  @Test
  void ecdsaRfc6979KnownAnswer() throws Exception {
    TerminalKeyPair key =
        TerminalKeyPair.fromPkcs8(
            TestKeys.ecPkcs8(
                SignatureAlgorithm.ECDSA_P256_SHA256,
                "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721"));
    byte[] sig = key.sign("sample".getBytes(StandardCharsets.US_ASCII));
    assertThat(Hex.toHexString(sig))
        .isEqualTo(
            "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
                + "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8");
    assertThat(Hex.toHexString(key.sign("test".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo(
            "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367"
                + "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083");
  }

  /** RFC 8032 7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72). */
  @Test
  void ed25519Rfc8032KnownAnswer() throws Exception {
    TerminalKeyPair k1 =
        TerminalKeyPair.fromPkcs8(
            TestKeys.ed25519Pkcs8(
                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    assertThat(Hex.toHexString(k1.sign(new byte[0])))
        .isEqualTo(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    assertThat(Hex.toHexString(k1.publicKey().spki()))
        .endsWith("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    TerminalKeyPair k2 =
        TerminalKeyPair.fromPkcs8(
            TestKeys.ed25519Pkcs8(
                "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
    assertThat(Hex.toHexString(k2.sign(new byte[] {0x72})))
        .isEqualTo(
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
  }

  /** A signature made once by OpenSSL 3 with the fixed SM2 key (see OpenSslInteropTest). */
  @Test
  void sm2VerifiesFixedOpenSslVector() {
    TerminalPublicKey pub = TestKeys.fixed(SignatureAlgorithm.SM2_SM3).publicKey();
    byte[] msg = "fangxin.test.v1\nhello".getBytes(StandardCharsets.UTF_8);
    byte[] sig =
        Hex.decode(
            "46c196e4790e0958d53f105bdf24db207315e0e144db259736b3a4c5eb12e86c"
                + "31cc73c119f3e019eacc7c924c72a75323f2030f54ce8b9f60026cf49745a00b");
    assertThat(pub.verify(msg, sig)).isTrue();
    msg[0] ^= 1;
    assertThat(pub.verify(msg, sig)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void pkcs8PemRoundTrip(SignatureAlgorithm a) {
    TerminalKeyPair key = TerminalKeyPair.generate(a, TestKeys.seeded(11));
    String pem = key.toPkcs8Pem();
    assertThat(pem)
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    TerminalKeyPair back = TerminalKeyPair.fromPkcs8Pem(pem);
    assertThat(back.publicKey()).isEqualTo(key.publicKey());
    assertThat(back.toPkcs8Pem()).isEqualTo(pem);
    assertThat(key.publicKey().verify(MESSAGE, back.sign(MESSAGE))).isTrue();
  }

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void readsOpenSslGeneratedPkcs8(SignatureAlgorithm a) {
    TerminalKeyPair key = TestKeys.fixed(a);
    assertThat(key.algorithm()).isEqualTo(a);
    assertThat(key.publicKey())
        .isEqualTo(TerminalPublicKey.fromPem(TestKeys.resource(a.label() + "-public.pem")));
    // OpenSSL writes the same PEM text we do, for the same key.
    assertThat(key.toPkcs8Pem()).isEqualTo(TestKeys.resource(a.label() + "-private.pem"));
  }

  @Test
  void toStringRevealsNoKeyMaterial() {
    TerminalKeyPair key = TestKeys.fixed(SignatureAlgorithm.SM2_SM3);
    assertThat(key.toString())
        .isEqualTo("TerminalKeyPair{SM2_SM3, keyId=" + key.keyId().toHex() + "}");
  }

  @Test
  void fromPkcs8RejectsBadInput() throws Exception {
    assertThatThrownBy(() -> TerminalKeyPair.fromPkcs8(new byte[] {1, 2, 3}))
        .isInstanceOfSatisfying(
            KeyException.class, e -> assertThat(e.reason()).isEqualTo("key.malformed_encoding"))
        .hasMessageStartingWith("The bytes are not a DER PKCS#8 PrivateKeyInfo");
    assertThatThrownBy(
            () -> TerminalKeyPair.fromPkcs8(TestKeys.ecPkcs8(SignatureAlgorithm.SM2_SM3, "0")))
        .isInstanceOfSatisfying(
            KeyException.class, e -> assertThat(e.reason()).isEqualTo("key.invalid_key"))
        .hasMessage("The EC private scalar is out of range; expected 1 <= d < n.");
    assertThatThrownBy(
            () ->
                TerminalKeyPair.fromPkcs8(
                    TestKeys.ecPkcs8(
                        SignatureAlgorithm.ECDSA_P256_SHA256, Curves.P256.getN().toString(16))))
        .isInstanceOf(KeyException.class)
        .hasMessage("The EC private scalar is out of range; expected 1 <= d < n.");
    assertThatThrownBy(() -> TerminalKeyPair.fromPkcs8Pem(TestKeys.resource("p256-public.pem")))
        .isInstanceOfSatisfying(
            KeyException.class, e -> assertThat(e.reason()).isEqualTo("key.malformed_pem"))
        .hasMessage(
            "Expected a PEM block \"-----BEGIN PRIVATE KEY-----\" but found \"-----BEGIN PUBLIC"
                + " KEY-----\".");
  }

  @Test
  void fromPkcs8RejectsMismatchedEmbeddedPublicKey() {
    // Take the fixed SM2 PKCS#8 and replace its scalar by that of another key: the embedded
    // public point then belongs to a different private key.
    byte[] der = TestKeys.fixed(SignatureAlgorithm.SM2_SM3).toPkcs8();
    byte[] other =
        TerminalKeyPair.generate(SignatureAlgorithm.SM2_SM3, TestKeys.seeded(5)).toPkcs8();
    // Both have the same layout: the 32-byte scalar starts at offset 36.
    System.arraycopy(other, 36, der, 36, 32);
    assertThatThrownBy(() -> TerminalKeyPair.fromPkcs8(der))
        .isInstanceOfSatisfying(
            KeyException.class, e -> assertThat(e.reason()).isEqualTo("key.invalid_key"))
        .hasMessage(
            "The public key embedded in the EC private key does not match its private key.");
  }

  @Test
  void signAndVerifyAreThreadSafe() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (SignatureAlgorithm a : SignatureAlgorithm.values()) {
        TerminalKeyPair key = TestKeys.fixed(a);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int id = t;
          results.add(
              pool.submit(
                  () -> {
                    boolean ok = true;
                    for (int i = 0; i < 25; i++) {
                      byte[] m = ("m" + id + "-" + i).getBytes(StandardCharsets.UTF_8);
                      ok &= key.publicKey().verify(m, key.sign(m));
                    }
                    return ok;
                  }));
        }
        for (Future<Boolean> f : results) {
          assertThat(f.get()).isTrue();
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
