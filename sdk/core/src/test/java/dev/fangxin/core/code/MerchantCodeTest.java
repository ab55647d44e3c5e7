package dev.fangxin.core.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.qr.ErrorCorrection;
import dev.fangxin.core.qr.QrCode;
import dev.fangxin.core.token.DisputeClaim;
import dev.fangxin.core.token.DisputeToken;
import dev.fangxin.core.token.TokenException;
import dev.fangxin.protocol.v1.MerchantCodeToken;
import dev.fangxin.protocol.v1.TransactionType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MerchantCodeTest {
  static final String BASE_24 = "https://fx.example.cn/hz";
  private static final Instant ISSUED = Instant.parse("2026-11-29T00:00:00Z");

  static MerchantCode code(TerminalKeyPair key) {
    return MerchantCode.sign(MerchantCodeClaim.of(key.keyId(), ISSUED), key);
  }

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void signsParsesAndVerifiesThroughItsLinkInAnyCase(SignatureAlgorithm algorithm) {
    TerminalKeyPair key = TerminalKeyPair.generate(algorithm);
    MerchantCode code = code(key);
    assertThat(code.toBytes()).hasSize(MerchantCode.V1_LENGTH);
    String link = MerchantLink.of(BASE_24, code).toString();
    assertThat(link)
        .isEqualTo(link.toUpperCase(Locale.ROOT))
        .startsWith("HTTPS://FX.EXAMPLE.CN/HZ/M/")
        .hasSize(157);
    for (String variant : new String[] {link, link.toLowerCase(Locale.ROOT)}) {
      MerchantLink parsed = MerchantLink.parse(variant);
      assertThat(parsed.code()).isEqualTo(code);
      assertThat(parsed.base()).isEqualTo("HTTPS://FX.EXAMPLE.CN/HZ");
      assertThat(parsed.code().claim().keyId()).isEqualTo(key.keyId());
      assertThat(parsed.code().claim().issuedAt()).isEqualTo(ISSUED);
      parsed.code().verify(key.publicKey());
    }
    assertThat(QrCode.encode(link, ErrorCorrection.M).version()).isEqualTo(7);
    assertThat(QrCode.encode(link, ErrorCorrection.Q).version()).isEqualTo(8);
  }

  @Test
  void encodingIsTheProtobufMessageAndTheDocumentedLayout() throws Exception {
    TerminalKeyPair key = TerminalKeyPair.generate(SignatureAlgorithm.SM2_SM3);
    MerchantCode code = code(key);
    MerchantCodeToken message = MerchantCodeToken.parseFrom(code.toBytes());
    byte[] claim = message.getClaim().toByteArray();
    assertThat(claim).hasSize(13);
    assertThat(claim[0]).isEqualTo((byte) 1);
    assertThat(Arrays.copyOfRange(claim, 1, 9)).isEqualTo(key.keyId().toBytes());
    assertThat(HexFormat.of().formatHex(claim, 9, 13))
        .isEqualTo(Long.toHexString(ISSUED.getEpochSecond()));
    assertThat(message.toByteArray()).isEqualTo(code.toBytes());
    assertThat(key.publicKey().verify(MerchantCode.signedBytes(claim), code.signature())).isTrue();
  }

  /**
   * A known answer with the deterministic Ed25519 test key: the SPEC §15 example. If this changes,
   * the wire format changed.
   */
  @Test
  void knownAnswerWithTheEd25519TestKey() throws IOException {
    TerminalKeyPair key =
        TerminalKeyPair.fromPkcs8Pem(
            Files.readString(Path.of("../../protocol/vectors/keys/ed25519.key.pem")));
    MerchantCode code = code(key);
    String link = MerchantLink.of(BASE_24, code).toString();
    assertThat(HexFormat.of().formatHex(code.toBytes())).isEqualTo(KNOWN_HEX);
    assertThat(link).isEqualTo(KNOWN_LINK);
    MerchantLink.parse(KNOWN_LINK).code().verify(key.publicKey());
  }

  static final String KNOWN_HEX =
      "0a0d01c1d831077d51c28c6b0b6b001240faf7928b4b2da1bc17725988547df45c96435900fad13e5af37094ba1ef6111190db2652b19f64ff318977f15edfd94ba6151274813c804b7a7bf44f994de808";
  static final String KNOWN_LINK =
      "HTTPS://FX.EXAMPLE.CN/HZ/M/BIGQDQOYGEDX2UOCRRVQW2YACJAPV54SRNFS3IN4C5ZFTCCUPX2FZFSDLEAPVUJ6LLZXBFF2D33BCEMQ3MTFFMM7MT7TDCLX6FPN7WKLUYKRE5EBHSAEW6T36RHZSTPIBA";

  @Test
  void refusesEachKindOfBadInputWithItsReason() {
    TerminalKeyPair key = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    TerminalKeyPair other = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    byte[] good = code(key).toBytes();

    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    assertReason(() -> MerchantCode.parse(trailing), TokenException.Reason.TRAILING_BYTES);
    assertReason(
        () -> MerchantCode.parse(Arrays.copyOf(good, good.length - 1)),
        TokenException.Reason.MALFORMED);
    assertReason(() -> MerchantCode.parse(new byte[300]), TokenException.Reason.TOO_LONG);
    byte[] version2 = good.clone();
    version2[2] = 2;
    assertReason(() -> MerchantCode.parse(version2), TokenException.Reason.UNSUPPORTED_VERSION);
    byte[] badSignature = good.clone();
    badSignature[good.length - 1] ^= 1;
    assertReason(
        () -> MerchantCode.parse(badSignature).verify(key.publicKey()),
        TokenException.Reason.BAD_SIGNATURE);
    assertReason(
        () -> MerchantCode.parse(good).verify(other.publicKey()),
        TokenException.Reason.KEY_MISMATCH);
    assertReason(
        () -> MerchantLink.parse(BASE_24 + "/D/" + MerchantLink.encodeCode(code(key))),
        TokenException.Reason.BAD_LINK);
    assertReason(() -> MerchantLink.parse("ftp://x/M/AAAA"), TokenException.Reason.BAD_LINK);
    assertReason(() -> MerchantLink.parse(BASE_24 + "/M/"), TokenException.Reason.BAD_LINK);
    assertReason(
        () -> MerchantLink.parse(BASE_24 + "/M/" + "A".repeat(600)),
        TokenException.Reason.TOO_LONG);
    assertReason(
        () -> MerchantLink.parse(BASE_24 + "/M/AAAAAAAA1"), TokenException.Reason.BAD_ENCODING);
    assertReason(
        () -> MerchantCodeClaim.of(key.keyId(), Instant.ofEpochSecond(-1)),
        TokenException.Reason.BAD_FIELD);
  }

  /** A dispute token is never accepted as a collection code, and its signature never transfers. */
  @Test
  void aDisputeTokenIsNotACollectionCode() {
    TerminalKeyPair key = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    DisputeToken token =
        DisputeToken.sign(
            DisputeClaim.of(
                TransactionType.TRANSACTION_TYPE_SALE, key.keyId(), 1, ISSUED, Money.of(100, 156)),
            key);
    assertReason(() -> MerchantCode.parse(token.toBytes()), TokenException.Reason.MALFORMED);

    // The same claim bytes signed under the dispute label do not verify as a collection code.
    byte[] claim = MerchantCodeClaim.of(key.keyId(), ISSUED).toBytes();
    byte[] crossSignature = key.sign(DisputeToken.signedBytes(claim));
    byte[] forged = code(key).toBytes();
    System.arraycopy(crossSignature, 0, forged, forged.length - 64, 64);
    assertReason(
        () -> MerchantCode.parse(forged).verify(key.publicKey()),
        TokenException.Reason.BAD_SIGNATURE);
  }

  @Test
  void mutatedLinksOnlyEverThrowTokenException() {
    TerminalKeyPair key = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    String good = MerchantLink.of(BASE_24, code(key)).toString();
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcxyz0189=/:.?#%\u00e9\u4e2d ";
    Random random = new Random(15);
    int valid = 0;
    for (int i = 0; i < 10_000; i++) {
      StringBuilder text = new StringBuilder(good);
      for (int k = 1 + random.nextInt(3); k > 0; k--) {
        int at = random.nextInt(Math.max(1, text.length()));
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        switch (text.length() == 0 ? 1 : random.nextInt(3)) {
          case 0 -> text.deleteCharAt(at);
          case 1 -> text.insert(at, c);
          default -> text.setCharAt(at, c);
        }
      }
      try {
        MerchantLink.parse(text.toString()).code().verify(key.publicKey());
        valid++;
      } catch (TokenException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
    // Only edits in the base, or edits that changed nothing but letter case, can still verify.
    assertThat(valid).isLessThan(2_500);
    byte[] noise = new byte[81];
    for (int i = 0; i < 10_000; i++) {
      random.nextBytes(noise);
      try {
        MerchantCode.parse(noise);
      } catch (TokenException expected) {
        assertThat(expected.reasonCode()).isNotNull();
      }
    }
  }

  @Test
  void claimRoundTripsAndNamesItsKey() {
    KeyId id = KeyId.fromHex("0123456789abcdef");
    MerchantCodeClaim claim = MerchantCodeClaim.of(id, ISSUED);
    assertThat(MerchantCodeClaim.parse(claim.toBytes())).isEqualTo(claim);
    assertThat(HexFormat.of().formatHex(claim.toBytes()))
        .isEqualTo("010123456789abcdef" + "6b0b6b00");
  }

  private static void assertReason(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, TokenException.Reason reason) {
    assertThatThrownBy(call)
        .isInstanceOf(TokenException.class)
        .satisfies(e -> assertThat(((TokenException) e).reasonCode()).isEqualTo(reason))
        .hasMessageNotContaining("null");
  }
}
