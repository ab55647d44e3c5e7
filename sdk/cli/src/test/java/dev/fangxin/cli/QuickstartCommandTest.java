package dev.fangxin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fangxin.core.id.CreditCode;
import dev.fangxin.core.key.TerminalPublicKey;
import dev.fangxin.core.link.DisputeLink;
import dev.fangxin.core.qr.QrImageDecoder;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code fangxin quickstart} in this JVM (a real gateway on loopback, real HTTP, a real H2
 * file store, the merchant kit's receiver) and checks what it wrote, not only its exit status.
 */
class QuickstartCommandTest {
  @TempDir Path dir;

  @Test
  void theWholeStoryHappensAndItsArtifactsProveIt() throws Exception {
    Path out = dir.resolve("story");
    CliTest.Result r = CliTest.run("quickstart", "--out", out.toString());
    assertThat(r.status()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("14. A complaint on an old receipt still arrives")
        .contains("All 14 steps happened");
    assertThat(r.out()).doesNotContain("FAILED");

    for (String f :
        List.of(
            "receipt.png",
            "receipt-2.png",
            "sticker.png",
            "sticker.svg",
            "sticker.pdf",
            "case.json",
            "story.txt")) {
      assertThat(out.resolve(f)).isRegularFile();
    }
    assertThat(Files.readString(out.resolve("story.txt"), StandardCharsets.UTF_8))
        .isEqualTo(r.out());

    // The printed receipt decodes to a dispute link whose token verifies with the terminal's key.
    TerminalPublicKey key =
        TerminalPublicKey.fromPem(Files.readString(out.resolve("gateway/terminal/t1.pub.pem")));
    String scanned = QrImageDecoder.decode(out.resolve("receipt.png"));
    DisputeLink link = DisputeLink.parse(scanned);
    link.token().verify(key);
    assertThat(link.token().claim().amount().minorUnits()).isEqualTo(12_800);
    if (CliTest.onPath("zbarimg") || "true".equals(System.getenv("CI"))) {
      CliTest.requireTool("zbarimg");
      assertThat(
              CliTest.exec(
                      List.of("zbarimg", "--raw", "-q", out.resolve("receipt.png").toString()), 0)
                  .strip())
          .isEqualTo(scanned);
    }

    // The case record is resolved, refunded in full, with its whole timeline.
    JsonObject record =
        JsonParser.parseString(Files.readString(out.resolve("case.json"))).getAsJsonObject();
    assertThat(record.get("state").getAsString()).isEqualTo("resolved");
    String merchant = "91330106MA2B3C4D5" + CreditCode.checkCharacter("91330106MA2B3C4D5");
    assertThat(record.get("merchant_id").getAsString()).isEqualTo(merchant);
    List<String> to = new ArrayList<>();
    JsonArray timeline = record.getAsJsonArray("transitions");
    for (var t : timeline) {
      to.add(t.getAsJsonObject().get("to").getAsString());
    }
    assertThat(to).containsExactly("delivered", "acknowledged", "answered", "resolved");
  }

  @Test
  void aGatewayThatCannotStartFailsTheFirstStepByName() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path out = dir.resolve("busy");
      CliTest.Result r =
          CliTest.run(
              "quickstart",
              "--out",
              out.toString(),
              "--port",
              String.valueOf(taken.getLocalPort()));
      assertThat(r.status()).as(r.out() + r.err()).isEqualTo(1);
      assertThat(r.err()).contains("FAILED at step 1 (Start the gateway)");
      assertThat(r.out()).doesNotContain("All 14 steps happened");
      assertThat(Files.readString(out.resolve("story.txt"))).contains("FAILED at step 1");
    }
  }

  @Test
  void aReceiptThatCannotBePrintedFailsThatStepAndStopsTheStory() throws Exception {
    Path out = dir.resolve("blocked");
    // A folder where the printed receipt should go: writing the PNG really fails.
    Files.createDirectories(out.resolve("receipt.png").resolve("in-the-way"));
    CliTest.Result r = CliTest.run("quickstart", "--out", out.toString());
    assertThat(r.status()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.err()).contains("FAILED at step 7 (The terminal sells and prints)");
    assertThat(r.out())
        .contains("6. The merchant prints its")
        .doesNotContain("8. A consumer scans");
    assertThat(out.resolve("case.json")).doesNotExist();
  }
}
