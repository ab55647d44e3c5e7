package dev.fangxin.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PemTest {
  @Test
  void wrapsAt64AndRoundTrips() {
    byte[] der = new byte[100];
    for (int i = 0; i < der.length; i++) {
      der[i] = (byte) i;
    }
    String pem = Pem.encode("TEST", der);
    String[] lines = pem.split("\n");
    assertThat(lines[0]).isEqualTo("-----BEGIN TEST-----");
    assertThat(lines[1]).hasSize(64);
    assertThat(lines[lines.length - 1]).isEqualTo("-----END TEST-----");
    assertThat(Pem.decode("TEST", pem)).isEqualTo(der);
    // CRLF line ends and explanatory text around the block are accepted.
    assertThat(Pem.decode("TEST", "a comment\r\n" + pem.replace("\n", "\r\n") + "trailer"))
        .isEqualTo(der);
  }

  @Test
  void rejectsWhatIsNotOneCleanBlock() {
    String pem = Pem.encode("TEST", new byte[] {1, 2, 3});
    assertThatThrownBy(() -> Pem.decode("TEST", pem + pem))
        .isInstanceOf(KeyException.class)
        .hasMessage("The PEM text holds more than one block; exactly one was expected.");
    assertThatThrownBy(() -> Pem.decode("TEST", "-----BEGIN TEST-----\nAQID\n"))
        .isInstanceOf(KeyException.class)
        .hasMessage("No \"-----END TEST-----\" line found after the BEGIN line.");
    assertThatThrownBy(
            () ->
                Pem.decode(
                    "TEST",
                    "-----BEGIN TEST-----\nProc-Type: 4,ENCRYPTED\n\nAQID\n-----END TEST-----\n"))
        .isInstanceOf(KeyException.class)
        .hasMessage(
            "The PEM block has headers (such as legacy \"Proc-Type: 4,ENCRYPTED\"); only"
                + " unencrypted RFC 7468 PEM is accepted.");
    assertThatThrownBy(() -> Pem.decode("TEST", "-----BEGIN TEST-----\n-----END TEST-----\n"))
        .isInstanceOf(KeyException.class)
        .hasMessage("The PEM block \"TEST\" is empty.");
    assertThatThrownBy(() -> Pem.decode("TEST", "x".repeat(Pem.MAX_LENGTH + 1)))
        .isInstanceOf(KeyException.class)
        .hasMessage("PEM text is 65537 characters; at most 65536 are accepted.");
  }
}
