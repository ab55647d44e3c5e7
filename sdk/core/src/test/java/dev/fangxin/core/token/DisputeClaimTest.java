package dev.fangxin.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.money.Money;
import dev.fangxin.protocol.v1.TransactionType;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DisputeClaimTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final KeyId KEY = KeyId.fromHex("0123456789abcdef");

  private static DisputeClaim sample() {
    return DisputeClaim.of(
        TransactionType.TRANSACTION_TYPE_SALE,
        KEY,
        7,
        Instant.ofEpochSecond(1_795_939_200L),
        Money.of(12_800, 156));
  }

  @Test
  void layoutIsTheDocumentedTwentyFiveBytes() {
    // version | type | key_id | sequence | issued_at | currency | amount
    assertThat(HEX.formatHex(sample().toBytes()))
        .isEqualTo(
            "01" + "01" + "0123456789abcdef" + "00000007" + "6b0bdb80" + "009c" + "0000003200");
  }

  @Test
  void roundTrips() {
    DisputeClaim claim = sample();
    DisputeClaim parsed = DisputeClaim.parse(claim.toBytes());
    assertThat(parsed).isEqualTo(claim);
    assertThat(parsed.sequence()).isEqualTo(7);
    assertThat(parsed.amount()).isEqualTo(Money.of(12_800, 156));
    assertThat(parsed.issuedAt()).isEqualTo(Instant.ofEpochSecond(1_795_939_200L));
    assertThat(parsed.type()).isEqualTo(TransactionType.TRANSACTION_TYPE_SALE);
    assertThat(parsed.keyId()).isEqualTo(KEY);
  }

  @Test
  void extremesRoundTrip() {
    DisputeClaim max =
        DisputeClaim.of(
            TransactionType.TRANSACTION_TYPE_PRE_AUTH_COMPLETION,
            KEY,
            DisputeClaim.MAX_SEQUENCE,
            Instant.ofEpochSecond(0xFFFF_FFFFL),
            Money.of(DisputeClaim.MAX_AMOUNT, 392));
    assertThat(DisputeClaim.parse(max.toBytes())).isEqualTo(max);
  }

  @Test
  void refusesValuesTheLayoutCannotCarry() {
    Instant t = Instant.ofEpochSecond(1_795_939_200L);
    assertBadField(
        () -> DisputeClaim.of(TransactionType.TRANSACTION_TYPE_SALE, KEY, 0, t, Money.of(1, 156)),
        "sequence must be 1..4294967295, got 0");
    assertBadField(
        () ->
            DisputeClaim.of(
                TransactionType.TRANSACTION_TYPE_SALE,
                KEY,
                DisputeClaim.MAX_SEQUENCE + 1,
                t,
                Money.of(1, 156)),
        "sequence must be");
    assertBadField(
        () -> DisputeClaim.of(TransactionType.TRANSACTION_TYPE_SALE, KEY, 1, t, Money.of(0, 156)),
        "amount must be 1..1099511627775 minor units, got 0");
    assertBadField(
        () ->
            DisputeClaim.of(
                TransactionType.TRANSACTION_TYPE_SALE,
                KEY,
                1,
                t,
                Money.of(DisputeClaim.MAX_AMOUNT + 1, 156)),
        "amount must be");
    assertBadField(
        () ->
            DisputeClaim.of(
                TransactionType.TRANSACTION_TYPE_SALE,
                KEY,
                1,
                Instant.ofEpochSecond(-1),
                Money.of(1, 156)),
        "issued_at must be");
    assertBadField(
        () ->
            DisputeClaim.of(
                TransactionType.TRANSACTION_TYPE_UNSPECIFIED, KEY, 1, t, Money.of(1, 156)),
        "transaction type 0 is not one of");
  }

  @Test
  void parseRefusesEachBadField() {
    byte[] good = sample().toBytes();

    byte[] v2 = good.clone();
    v2[0] = 2;
    assertReason(v2, TokenException.Reason.UNSUPPORTED_VERSION, "claim version 2");

    byte[] shortClaim = java.util.Arrays.copyOf(good, 24);
    assertReason(shortClaim, TokenException.Reason.MALFORMED, "25 bytes, got 24");
    assertReason(new byte[0], TokenException.Reason.MALFORMED, "empty");

    byte[] type9 = good.clone();
    type9[1] = 9;
    assertReason(type9, TokenException.Reason.BAD_FIELD, "transaction type 9");

    byte[] seq0 = good.clone();
    java.util.Arrays.fill(seq0, 10, 14, (byte) 0);
    assertReason(seq0, TokenException.Reason.BAD_FIELD, "sequence 0");

    byte[] amount0 = good.clone();
    java.util.Arrays.fill(amount0, 20, 25, (byte) 0);
    assertReason(amount0, TokenException.Reason.BAD_FIELD, "amount 0");

    byte[] currency = good.clone();
    currency[18] = 0;
    currency[19] = 1; // ISO 4217 has no 001
    assertReason(currency, TokenException.Reason.BAD_FIELD, "currency");
  }

  private static void assertBadField(Runnable r, String message) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(
            TokenException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(TokenException.Reason.BAD_FIELD))
        .hasMessageContaining(message);
  }

  private static void assertReason(byte[] bytes, TokenException.Reason reason, String message) {
    assertThatThrownBy(() -> DisputeClaim.parse(bytes))
        .isInstanceOfSatisfying(
            TokenException.class, e -> assertThat(e.reasonCode()).isEqualTo(reason))
        .hasMessageContaining(message);
  }
}
