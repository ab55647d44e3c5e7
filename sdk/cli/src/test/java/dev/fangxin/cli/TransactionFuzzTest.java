package dev.fangxin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.fangxin.core.FangxinException;
import dev.fangxin.core.receipt.Transaction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Mutated transaction JSON only ever ends in a user-facing error, never anything else. */
class TransactionFuzzTest {
  @Test
  void mutatedJsonEndsInATypedError() throws Exception {
    String good =
        JsonFormat.printer().print(DemoCommand.sampleSale(Instant.ofEpochSecond(1_795_939_200L)));
    String alphabet = "{}[]\":,.-+eE0123456789 \\ntruefalsnul\u00e9\u4e2d\u0000x";
    Random random = new Random(4242);
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < 3_000; i++) {
      StringBuilder text = new StringBuilder(good);
      for (int k = 0; k <= random.nextInt(3); k++) {
        int at = random.nextInt(text.length());
        switch (random.nextInt(3)) {
          case 0 -> text.deleteCharAt(at);
          case 1 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      try {
        Transaction.fromProto(SignCommand.parseTransaction(bytes, "fuzz"));
        accepted++;
      } catch (UserException | FangxinException e) {
        assertThat(e.getMessage()).isNotBlank();
        refused++;
      }
    }
    assertThat(accepted).isPositive();
    assertThat(refused).isPositive();
  }
}
