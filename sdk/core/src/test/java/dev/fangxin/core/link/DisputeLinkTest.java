package dev.fangxin.core.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.qr.ErrorCorrection;
import dev.fangxin.core.qr.QrCode;
import dev.fangxin.core.token.DisputeClaim;
import dev.fangxin.core.token.DisputeToken;
import dev.fangxin.core.token.TokenException;
import dev.fangxin.protocol.v1.TransactionType;
import java.time.Instant;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DisputeLinkTest {
  static final String BASE_24 = "https://fx.example.cn/hz";
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  static DisputeToken token(TerminalKeyPair key, long sequence, long amount) {
    return DisputeToken.sign(
        DisputeClaim.of(
            TransactionType.TRANSACTION_TYPE_SALE,
            key.keyId(),
            sequence,
            Instant.ofEpochSecond(1_795_939_200L),
            Money.of(amount, 156)),
        key);
  }

  @Test
  void linkIsUpperCaseAndRoundTripsInAnyCase() {
    TerminalKeyPair key = TerminalKeyPair.generate(SignatureAlgorithm.SM2_SM3);
    DisputeToken token = token(key, 1, 12_800);
    String link = DisputeLink.of(BASE_24, token).toString();
    assertThat(link)
        .isEqualTo(link.toUpperCase(Locale.ROOT))
        .startsWith("HTTPS://FX.EXAMPLE.CN/HZ/D/");
    assertThat(link).hasSize(176);
    for (String variant : new String[] {link, link.toLowerCase(Locale.ROOT)}) {
      DisputeLink parsed = DisputeLink.parse(variant);
      assertThat(parsed.token()).isEqualTo(token);
      assertThat(parsed.base()).isEqualTo("HTTPS://FX.EXAMPLE.CN/HZ");
      parsed.token().verify(key.publicKey());
    }
  }

  /** The byte budget: a 24-character base and the largest field values stay within version 7-M. */
  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void fitsQrVersionSevenAtLevelM(SignatureAlgorithm algorithm) {
    TerminalKeyPair key = TerminalKeyPair.generate(algorithm);
    DisputeToken token =
        DisputeToken.sign(
            DisputeClaim.of(
                TransactionType.TRANSACTION_TYPE_PRE_AUTH_COMPLETION,
                key.keyId(),
                DisputeClaim.MAX_SEQUENCE,
                Instant.ofEpochSecond(0xFFFF_FFFFL),
                Money.of(DisputeClaim.MAX_AMOUNT, 156)),
            key);
    String link = DisputeLink.of(BASE_24, token).toString();
    assertThat(link).hasSize(176);
    assertThat(QrCode.encode(link, ErrorCorrection.M).version()).isLessThanOrEqualTo(7);
    String longest = DisputeLink.of("HTTPS://FANGXIN.EXAMPLE.CN", token).toString(); // 26
    assertThat(QrCode.encode(longest, ErrorCorrection.M).version()).isEqualTo(7);
  }

  /** Replacing any character of the token part by any other base32 symbol never verifies. */
  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void everyCharacterChangeFails(SignatureAlgorithm algorithm) {
    TerminalKeyPair key = TerminalKeyPair.generate(algorithm);
    String link = DisputeLink.of(BASE_24, token(key, 9, 500)).toString();
    int start = link.indexOf("/D/") + 3;
    for (int i = start; i < link.length(); i++) {
      for (char c : ALPHABET.toCharArray()) {
        if (c == link.charAt(i)) {
          continue;
        }
        String changed = link.substring(0, i) + c + link.substring(i + 1);
        int position = i;
        assertThatThrownBy(
                () -> DisputeLink.parse(changed).token().verify(key.publicKey()),
                "position %d to %s",
                position,
                c)
            .isInstanceOf(TokenException.class);
      }
    }
  }

  @Test
  void randomLinksRandomCharacterChangesFail() {
    Random random = new Random(1129);
    for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
      TerminalKeyPair key = TerminalKeyPair.generate(algorithm);
      for (int n = 0; n < 30; n++) {
        String link =
            DisputeLink.of(
                    BASE_24, token(key, 1 + random.nextInt(1 << 30), 1 + random.nextInt(1 << 30)))
                .toString();
        int start = link.indexOf("/D/") + 3;
        for (int k = 0; k < 30; k++) {
          int i = start + random.nextInt(link.length() - start);
          char c;
          do {
            c = ALPHABET.charAt(random.nextInt(32));
          } while (c == link.charAt(i));
          String changed = link.substring(0, i) + c + link.substring(i + 1);
          assertThatThrownBy(() -> DisputeLink.parse(changed).token().verify(key.publicKey()))
              .isInstanceOf(TokenException.class);
        }
      }
    }
  }

  @Test
  void refusesBadLinks() {
    TerminalKeyPair key = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    String link = DisputeLink.of(BASE_24, token(key, 1, 1)).toString();
    String tokenText = link.substring(link.indexOf("/D/") + 3);

    assertReason(
        () -> DisputeLink.parse("HTTPS://FX.EXAMPLE.CN/X/" + tokenText),
        TokenException.Reason.BAD_LINK,
        "no \"/D/\"");
    assertReason(
        () -> DisputeLink.parse("FTP://FX.EXAMPLE.CN/D/" + tokenText),
        TokenException.Reason.BAD_LINK,
        "https:// or http://");
    assertReason(
        () -> DisputeLink.parse("HTTPS://FX.EXAMPLE.CN/D/"),
        TokenException.Reason.BAD_LINK,
        "no token");
    assertReason(() -> DisputeLink.parse(link + "="), TokenException.Reason.BAD_ENCODING, "'='");
    assertReason(() -> DisputeLink.parse(link + "?A=1"), TokenException.Reason.BAD_ENCODING, "'?'");
    assertReason(
        () -> DisputeLink.parse(link.substring(0, link.length() - 2) + "1A"),
        TokenException.Reason.BAD_ENCODING,
        "'1'");
    assertReason(
        () -> DisputeLink.parse(link + "AA"),
        TokenException.Reason.TRAILING_BYTES,
        "follow the signature");
    assertReason(
        () -> DisputeLink.parse(link + "A"),
        TokenException.Reason.BAD_ENCODING,
        "cannot be 150 characters long");
    assertReason(
        () -> DisputeLink.parse(link.substring(0, link.length() - 1) + "\u00c9"),
        TokenException.Reason.BAD_ENCODING,
        "U+00C9");
    assertReason(
        () -> DisputeLink.parse("HTTPS://FX.EXAMPLE.CN/D/" + "A".repeat(600)),
        TokenException.Reason.TOO_LONG,
        "at most 512 characters");
    assertReason(
        () -> DisputeLink.decodeToken("A".repeat(411)),
        TokenException.Reason.TOO_LONG,
        "at most 410 characters");
    assertReason(
        () -> DisputeLink.of("https://fx.example.cn/", token(key, 1, 1)),
        TokenException.Reason.BAD_LINK,
        "must not end with '/'");
    assertReason(
        () -> DisputeLink.of("https://fx_example.cn", token(key, 1, 1)),
        TokenException.Reason.BAD_LINK,
        "character 11");
    assertReason(
        () -> DisputeLink.of("https://" + "a".repeat(60), token(key, 1, 1)),
        TokenException.Reason.BAD_LINK,
        "at most 64 characters");
  }

  @Test
  void lastCharacterWithNonZeroUnusedBitsIsRefused() {
    TerminalKeyPair key = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    String link = DisputeLink.of(BASE_24, token(key, 1, 1)).toString();
    // 93 bytes = 744 bits = 149 characters (745 bits): the last character's low bit is unused.
    char last = link.charAt(link.length() - 1);
    int value = ALPHABET.indexOf(last);
    String altered = link.substring(0, link.length() - 1) + ALPHABET.charAt(value ^ 1);
    assertReason(
        () -> DisputeLink.parse(altered),
        TokenException.Reason.BAD_ENCODING,
        "non-zero unused bits");
  }

  @Test
  void base32MatchesRfc4648Vectors() {
    String[][] vectors = {
      {"", ""},
      {"f", "MY"},
      {"fo", "MZXQ"},
      {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI"}
    };
    for (String[] v : vectors) {
      byte[] bytes = v[0].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(Base32.encode(bytes)).isEqualTo(v[1]);
      assertThat(Base32.decode(v[1])).isEqualTo(bytes);
      assertThat(Base32.decode(v[1].toLowerCase(Locale.ROOT))).isEqualTo(bytes);
    }
  }

  private static void assertReason(Runnable r, TokenException.Reason reason, String message) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(
            TokenException.class, e -> assertThat(e.reasonCode()).isEqualTo(reason))
        .hasMessageContaining(message);
  }
}
