package dev.fangxin.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SignatureEncodingTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void roundTripsAndKeepsIntegersMinimal() {
    Random random = new Random(3);
    for (int i = 0; i < 2_000; i++) {
      byte[] raw = new byte[64];
      random.nextBytes(raw);
      if (i % 3 == 0) {
        raw[0] = 0; // a short r
      }
      byte[] der = SignatureEncoding.toDer(raw);
      assertThat(SignatureEncoding.fromDer(der)).isEqualTo(raw);
    }
    byte[] raw = new byte[64];
    raw[31] = 1;
    raw[32] = (byte) 0x80;
    // r = 1, s = 0x80 followed by 31 zero bytes: s needs a leading zero byte in DER.
    assertThat(HEX.formatHex(SignatureEncoding.toDer(raw)))
        .isEqualTo("3026020101022100" + "80" + "00".repeat(31));
  }

  @Test
  void refusesWhatIsNotACanonicalPair() {
    assertThatThrownBy(() -> SignatureEncoding.toDer(new byte[63]))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("64 bytes (r ‖ s), got 63");
    assertThatThrownBy(() -> SignatureEncoding.fromDer(HEX.parseHex("3003020101")))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("SEQUENCE of two INTEGERs");
    assertThatThrownBy(() -> SignatureEncoding.fromDer(HEX.parseHex("300702020001020101")))
        .isInstanceOf(KeyException.class);
    assertThatThrownBy(() -> SignatureEncoding.fromDer(new byte[] {1, 2, 3}))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("unreadable");
    byte[] big = HEX.parseHex("3027022201" + "00".repeat(32) + "020101");
    assertThatThrownBy(() -> SignatureEncoding.fromDer(big)).isInstanceOf(KeyException.class);
  }
}
