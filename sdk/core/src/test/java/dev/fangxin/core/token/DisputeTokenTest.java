package dev.fangxin.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.money.Money;
import dev.fangxin.protocol.v1.TransactionType;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DisputeTokenTest {
  private static final HexFormat HEX = HexFormat.of();

  static TerminalKeyPair key(SignatureAlgorithm algorithm) {
    return TerminalKeyPair.generate(algorithm, new SecureRandom());
  }

  static DisputeClaim claim(TerminalKeyPair key, long sequence) {
    return DisputeClaim.of(
        TransactionType.TRANSACTION_TYPE_SALE,
        key.keyId(),
        sequence,
        Instant.ofEpochSecond(1_795_939_200L),
        Money.of(12_800, 156));
  }

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void signsParsesAndVerifies(SignatureAlgorithm algorithm) {
    TerminalKeyPair key = key(algorithm);
    DisputeToken token = DisputeToken.sign(claim(key, 1), key);
    byte[] bytes = token.toBytes();
    assertThat(bytes).hasSize(DisputeToken.V1_LENGTH);
    assertThat(HEX.formatHex(bytes, 0, 2)).isEqualTo("0a19");
    assertThat(HEX.formatHex(bytes, 27, 29)).isEqualTo("1240");
    DisputeToken parsed = DisputeToken.parse(bytes);
    assertThat(parsed).isEqualTo(token);
    parsed.verify(key.publicKey());
  }

  @Test
  void theSignatureCoversTheLabelledClaim() {
    TerminalKeyPair key = key(SignatureAlgorithm.ED25519);
    DisputeToken token = DisputeToken.sign(claim(key, 1), key);
    byte[] message = DisputeToken.signedBytes(token.claimBytes());
    assertThat(HEX.formatHex(message, 0, 19)).isEqualTo("46414e4758494e2d444953505554452d563100");
    assertThat(key.publicKey().verify(message, token.signature())).isTrue();
    assertThat(key.publicKey().verify(token.claimBytes(), token.signature())).isFalse();
  }

  @Test
  void refusesAnotherKeyAndABadSignature() {
    TerminalKeyPair key = key(SignatureAlgorithm.SM2_SM3);
    TerminalKeyPair other = key(SignatureAlgorithm.SM2_SM3);
    DisputeToken token = DisputeToken.sign(claim(key, 1), key);
    assertReason(
        () -> token.verify(other.publicKey()),
        TokenException.Reason.KEY_MISMATCH,
        "was signed by key " + key.keyId());

    byte[] sig = token.signature();
    sig[10] ^= 1;
    DisputeToken forged = DisputeToken.of(token.claimBytes(), sig);
    assertReason(
        () -> forged.verify(key.publicKey()),
        TokenException.Reason.BAD_SIGNATURE,
        "does not verify");
  }

  /** Every single-bit change of a token, at every position, fails to parse or to verify. */
  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void noSingleBitFlipVerifies(SignatureAlgorithm algorithm) {
    TerminalKeyPair key = key(algorithm);
    byte[] bytes = DisputeToken.sign(claim(key, 42), key).toBytes();
    for (int bit = 0; bit < bytes.length * 8; bit++) {
      byte[] flipped = bytes.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      int position = bit;
      assertThatThrownBy(
              () -> DisputeToken.parse(flipped).verify(key.publicKey()), "bit %d", position)
          .isInstanceOf(TokenException.class);
    }
  }

  @Test
  void randomTokensRandomBitFlipsNeverVerify() {
    Random random = new Random(20261129);
    for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
      TerminalKeyPair key = key(algorithm);
      for (int i = 0; i < 40; i++) {
        DisputeClaim claim =
            DisputeClaim.of(
                TransactionType.forNumber(1 + random.nextInt(4)),
                key.keyId(),
                1 + random.nextInt(Integer.MAX_VALUE),
                Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE)),
                Money.of(1 + (random.nextLong() & DisputeClaim.MAX_AMOUNT - 1), 156));
        byte[] bytes = DisputeToken.sign(claim, key).toBytes();
        for (int j = 0; j < 25; j++) {
          byte[] flipped = bytes.clone();
          int bit = random.nextInt(bytes.length * 8);
          flipped[bit / 8] ^= (byte) (1 << (bit % 8));
          assertThatThrownBy(() -> DisputeToken.parse(flipped).verify(key.publicKey()))
              .isInstanceOf(TokenException.class);
        }
      }
    }
  }

  @Test
  void parseRefusesMalformedEncodings() {
    TerminalKeyPair key = key(SignatureAlgorithm.ED25519);
    byte[] good = DisputeToken.sign(claim(key, 1), key).toBytes();

    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    assertParse(trailing, TokenException.Reason.TRAILING_BYTES, "1 bytes follow the signature");

    byte[] trailingField = Arrays.copyOf(good, good.length + 2);
    trailingField[good.length] = 0x18; // field 3, varint
    trailingField[good.length + 1] = 0x01;
    assertParse(trailingField, TokenException.Reason.TRAILING_BYTES, "2 bytes follow");

    assertParse(Arrays.copyOf(good, 60), TokenException.Reason.MALFORMED, "truncated");
    assertParse(new byte[0], TokenException.Reason.MALFORMED, "ends before claim");
    assertParse(Arrays.copyOf(good, 27), TokenException.Reason.MALFORMED, "ends before signature");

    byte[] swapped = new byte[good.length];
    System.arraycopy(good, 27, swapped, 0, 66);
    System.arraycopy(good, 0, swapped, 66, 27);
    assertParse(
        swapped, TokenException.Reason.MALFORMED, "expected claim (field 1), found field 2");

    byte[] wireType = good.clone();
    wireType[0] = 0x08; // field 1 as a varint
    assertParse(wireType, TokenException.Reason.MALFORMED, "wire type 0");

    // Length 25 written as a two-byte varint (0x99 0x00): valid protobuf, not canonical.
    byte[] nonMinimal = new byte[good.length + 1];
    nonMinimal[0] = 0x0a;
    nonMinimal[1] = (byte) 0x99;
    nonMinimal[2] = 0x00;
    System.arraycopy(good, 2, nonMinimal, 3, good.length - 2);
    assertParse(nonMinimal, TokenException.Reason.MALFORMED, "not canonically encoded");

    byte[] shortSignature = Arrays.copyOf(good, good.length - 1);
    shortSignature[28] = 63;
    assertParse(shortSignature, TokenException.Reason.MALFORMED, "64 bytes, got 63");

    assertParse(new byte[257], TokenException.Reason.TOO_LONG, "at most 256 bytes, got 257");
  }

  @Test
  void unknownVersionIsReportedBeforeLength() {
    // A version-2 claim of another length: the verifier says "unsupported version", not
    // "malformed".
    byte[] claim = new byte[30];
    claim[0] = 2;
    dev.fangxin.protocol.v1.DisputeToken proto =
        dev.fangxin.protocol.v1.DisputeToken.newBuilder()
            .setClaim(com.google.protobuf.ByteString.copyFrom(claim))
            .setSignature(com.google.protobuf.ByteString.copyFrom(new byte[64]))
            .build();
    assertParse(proto.toByteArray(), TokenException.Reason.UNSUPPORTED_VERSION, "version 2");
  }

  @Test
  void signRefusesAClaimForAnotherKey() {
    TerminalKeyPair key = key(SignatureAlgorithm.ED25519);
    TerminalKeyPair other = key(SignatureAlgorithm.ED25519);
    assertThatThrownBy(() -> DisputeToken.sign(claim(key, 1), other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("!= signing key ID");
  }

  @Test
  void fuzzedBytesOnlyEverThrowTokenException() {
    Random random = new Random(7);
    TerminalKeyPair key = key(SignatureAlgorithm.ED25519);
    byte[] good = DisputeToken.sign(claim(key, 1), key).toBytes();
    for (int i = 0; i < 20_000; i++) {
      byte[] input;
      switch (i % 3) {
        case 0 -> {
          input = new byte[random.nextInt(120)];
          random.nextBytes(input);
        }
        case 1 -> {
          input = good.clone();
          for (int k = 0; k <= random.nextInt(4); k++) {
            input[random.nextInt(input.length)] = (byte) random.nextInt(256);
          }
        }
        default -> input = Arrays.copyOf(good, random.nextInt(good.length + 8));
      }
      byte[] candidate = input;
      try {
        DisputeToken.parse(candidate).verify(key.publicKey());
        assertThat(candidate).isEqualTo(good);
      } catch (TokenException expected) {
        assertThat(expected.reason()).startsWith("token.");
      }
    }
  }

  private static void assertParse(byte[] bytes, TokenException.Reason reason, String message) {
    assertReason(() -> DisputeToken.parse(bytes), reason, message);
  }

  private static void assertReason(Runnable r, TokenException.Reason reason, String message) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(
            TokenException.class, e -> assertThat(e.reasonCode()).isEqualTo(reason))
        .hasMessageContaining(message);
  }
}
