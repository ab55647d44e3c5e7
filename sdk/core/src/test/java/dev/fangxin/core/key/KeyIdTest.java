package dev.fangxin.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;

class KeyIdTest {
  @Test
  void isFirstEightBytesOfSha256OverSpki() throws Exception {
    for (SignatureAlgorithm a : SignatureAlgorithm.values()) {
      TerminalPublicKey key = TestKeys.fixed(a).publicKey();
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(key.spki());
      assertThat(key.keyId().toBytes()).isEqualTo(Arrays.copyOf(sha, 8));
      assertThat(KeyId.ofSpki(key.spki())).isEqualTo(key.keyId());
    }
  }

  @Test
  void hexRoundTripAndCase() {
    KeyId id = KeyId.fromHex("00A1b2C3d4E5f607");
    assertThat(id.toHex()).isEqualTo("00a1b2c3d4e5f607");
    assertThat(id.toString()).isEqualTo("00a1b2c3d4e5f607");
    assertThat(id.toBytes()).isEqualTo(Hex.decode("00a1b2c3d4e5f607"));
    assertThat(KeyId.of(Hex.decode("00a1b2c3d4e5f607"))).isEqualTo(id).hasSameHashCodeAs(id);
    assertThat(KeyId.fromHex("ffffffffffffffff").toBytes()).containsOnly((byte) 0xff);
  }

  @Test
  void writeToAndDefensiveCopies() {
    byte[] raw = Hex.decode("0102030405060708");
    KeyId id = KeyId.of(raw);
    raw[0] = 9;
    assertThat(id.toHex()).isEqualTo("0102030405060708");
    id.toBytes()[0] = 9;
    assertThat(id.toHex()).isEqualTo("0102030405060708");
    byte[] dst = new byte[10];
    id.writeTo(dst, 2);
    assertThat(dst).isEqualTo(Hex.decode("00000102030405060708"));
    assertThatThrownBy(() -> id.writeTo(new byte[10], 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void rejectsWrongLengthsAndNonHex() {
    assertThatThrownBy(() -> KeyId.of(new byte[7]))
        .isInstanceOfSatisfying(
            KeyException.class, e -> assertThat(e.reason()).isEqualTo("key.invalid_key_id"))
        .hasMessage("A key ID is 8 bytes, but 7 bytes were given.");
    assertThatThrownBy(() -> KeyId.fromHex("abc"))
        .isInstanceOf(KeyException.class)
        .hasMessage("A key ID is 16 hex characters, but \"abc\" has 3.");
    assertThatThrownBy(() -> KeyId.fromHex("0123456789abcdeg"))
        .isInstanceOf(KeyException.class)
        .hasMessage(
            "A key ID is 16 hex characters, but \"0123456789abcdeg\" has a non-hex character at"
                + " index 15.");
  }
}
