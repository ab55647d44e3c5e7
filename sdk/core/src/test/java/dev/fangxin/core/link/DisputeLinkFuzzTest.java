package dev.fangxin.core.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.token.TokenException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random and mutated link texts only ever end in a TokenException. */
class DisputeLinkFuzzTest {
  @Test
  void mutatedLinksOnlyThrowTokenException() {
    TerminalKeyPair key = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    String good =
        DisputeLink.of(DisputeLinkTest.BASE_24, DisputeLinkTest.token(key, 5, 99)).toString();
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcxyz0189=/:.?#%\u00e9\u4e2d ";
    Random random = new Random(77);
    int valid = 0;
    for (int i = 0; i < 20_000; i++) {
      StringBuilder text = new StringBuilder(i % 10 == 0 ? "" : good);
      int edits = i % 10 == 0 ? 1 + random.nextInt(300) : 1 + random.nextInt(3);
      for (int k = 0; k < edits; k++) {
        int at = text.length() == 0 ? 0 : random.nextInt(text.length());
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        switch (text.length() == 0 ? 1 : random.nextInt(3)) {
          case 0 -> text.deleteCharAt(at);
          case 1 -> text.insert(at, c);
          default -> text.setCharAt(at, c);
        }
      }
      try {
        DisputeLink.parse(text.toString()).token().verify(key.publicKey());
        valid++;
      } catch (TokenException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
    // Only edits that changed nothing or changed letter case can still verify.
    assertThat(valid).isLessThan(2_000);
  }
}
