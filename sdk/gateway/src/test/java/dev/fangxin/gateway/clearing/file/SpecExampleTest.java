package dev.fangxin.gateway.clearing.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fangxin.core.id.InstitutionCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The worked example of {@code protocol/SPEC.md} section 14, checked verbatim: the example file in
 * the specification is exactly what {@link ClearingFileWriter} writes for these two records, and
 * {@link ClearingFileReader} accepts it with the checksum the specification states.
 */
class SpecExampleTest {
  static final Path SPEC = Path.of("../../protocol/SPEC.md");

  /** The two example records. */
  static byte[] exampleFile() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ClearingFileWriter w =
        ClearingFileWriter.start(
            out,
            ClearingFileHeader.of(
                InstitutionCode.of("48020000"), LocalDate.of(2026, 11, 28), "20261128-01"));
    ClearingFileWriter.Detail d = new ClearingFileWriter.Detail();
    d.acquirer = "48020000";
    d.forwarding = "48020000";
    d.stan = "000123";
    d.transmissionTime = "1128093015";
    d.settlementDate = "20261128";
    d.cardNumber = "6222021234567890";
    d.amount = 12800;
    d.currency = 156;
    d.messageType = "0200";
    d.processingCode = "000000";
    d.mcc = "5812";
    d.terminalId = "T0010001";
    d.merchantNumber = "898310012345678";
    d.rrn = "332809301512";
    d.transactionTime = "20261128093015";
    d.toolType = "01";
    w.detail(d);
    d.stan = "000124";
    d.transmissionTime = "1128101500";
    d.cardNumber = "";
    d.amount = 3550;
    d.terminalId = "";
    d.rrn = "";
    d.transactionTime = "20261128101459";
    d.toolType = "03";
    d.voucherNumber = "62281128101459000124";
    w.detail(d);
    w.finish();
    return out.toByteArray();
  }

  /** The lines between the two example markers of the specification. */
  static List<String> specExample() throws IOException {
    List<String> lines = Files.readAllLines(SPEC, StandardCharsets.UTF_8);
    int start = lines.indexOf("<!-- clearing-file-example:begin -->");
    int end = lines.indexOf("<!-- clearing-file-example:end -->");
    assertThat(start).as("example markers in " + SPEC).isGreaterThanOrEqualTo(0);
    List<String> block = new ArrayList<>(lines.subList(start + 1, end));
    assertThat(block.get(0)).isEqualTo("```text");
    assertThat(block.get(block.size() - 1)).isEqualTo("```");
    return block.subList(1, block.size() - 1);
  }

  @Test
  void theSpecificationsExampleIsWhatTheWriterWrites() throws IOException {
    String written = new String(exampleFile(), StandardCharsets.US_ASCII);
    assertThat(String.join("\n", specExample()) + "\n").isEqualTo(written);
  }

  @Test
  void theExampleReadsBackWithTheStatedChecksum() throws IOException {
    byte[] file = exampleFile();
    ClearingFileReader reader = ClearingFileReader.open(new ByteArrayInputStream(file), true);
    ClearingRecord first = reader.next();
    ClearingRecord second = reader.next();
    assertThat(reader.next()).isNull();
    assertThat(first.maskedPan().orElseThrow().value()).isEqualTo("622202******7890");
    assertThat(first.trace().value())
        .isEqualTo("48020000   48020000   0001231128093015" + "1128" + "2026");
    assertThat(first.transactionTime()).isEqualTo(1_795_829_415L);
    assertThat(second.maskedPan()).isEmpty();
    assertThat(second.voucherNumber().orElseThrow().value()).isEqualTo("62281128101459000124");
    assertThat(reader.summary().totalAmount()).isEqualTo(16350);
    String spec = Files.readString(SPEC, StandardCharsets.UTF_8).replaceAll("\\s+", " ");
    String trailer = specExample().get(3);
    assertThat(trailer.substring(29)).isEqualTo(checksumStatedInSpec(spec));
  }

  private static String checksumStatedInSpec(String spec) {
    String marker = "the CRC-32C of the two detail lines (with their line feeds) is `";
    int i = spec.indexOf(marker);
    assertThat(i).as("checksum sentence in the specification").isGreaterThanOrEqualTo(0);
    return spec.substring(i + marker.length(), i + marker.length() + 8);
  }
}
