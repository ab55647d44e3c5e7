package dev.fangxin.adapters.escpos;

import static dev.fangxin.adapters.escpos.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.fangxin.adapters.escpos.PrinterProfile.CodePage;
import dev.fangxin.adapters.escpos.ReceiptLayout.Header;
import dev.fangxin.adapters.escpos.ReceiptLayout.Item;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.qr.ErrorCorrection;
import dev.fangxin.core.qr.QrCode;
import dev.fangxin.core.qr.QrDecoder;
import dev.fangxin.core.receipt.SignedReceipt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Receipt layout. The whole-receipt tests compare against golden files in {@code
 * src/test/resources/dev/fangxin/adapters/escpos/} (hex, 32 bytes a line). After an intended layout
 * change, regenerate them from the worktree root with
 *
 * <pre>
 * ./mvnw -q -B -pl terminal-adapters -am test -Dtest='ReceiptLayoutTest' \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfangxin.regenerateGolden=true
 * </pre>
 *
 * <p>and review the diff; render them with the virtual printer to look at them.
 */
class ReceiptLayoutTest {
  private static final Path GOLDEN = Path.of("src/test/resources/dev/fangxin/adapters/escpos");
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final String BASE = "https://fx-gw.example.cn";

  /** protocol/vectors/receipts.json, "ed25519-receipt-1" (test key only). */
  static SignedReceipt vectorReceipt() {
    return SignedReceipt.fromProto(
        dev.fangxin.protocol.v1.SignedReceipt.newBuilder()
            .setClaim(
                ByteString.copyFrom(
                    bytes(
                        "080112190101c1d831077d51c28c000000016b0bdb81009c00000003e822270801120834"
                            + "383032303030301a0f383938333330313630313230303031220854303030303030312a3f"
                            + "0a083438303230303030120834383032303030301a06303030303031220a313132393136"
                            + "303030302a043131323930ea0f3a0c31323334353637383930313232103632323230322a"
                            + "2a2a2a2a2a313233343a06303030303031421be694bee5bf83e5b08fe9a6862046616e67"
                            + "78696e2042697374726f")))
            .setSignature(
                ByteString.copyFrom(
                    bytes(
                        "5be233d0c6069483c87afd5acd97bb2b1b6829a5a0d91c5333fde5fe97660f7589c47976"
                            + "6d4b49a965072ae04e90d1ee2aa757add3d2c2472025f9b2ba4bec04")))
            .setTokenSignature(
                ByteString.copyFrom(
                    bytes(
                        "4e0c1f75ae33a02cc374f6ba8eaa119e8fe1dae2fcb8705f639ebed6b28a80be74286033"
                            + "fe505cd7468c325ba3a0426132440deda559494202bad569976aa80f")))
            .build());
  }

  static final Header HEADER =
      Header.of("放心小馆 Fangxin Bistro", "杭州市西湖区文三路 100 号", "Tel 0571-8888 6666");

  static final List<Item> ITEMS =
      List.of(
          Item.of("牛肉面 Beef noodles", 1, Money.of(600, Money.CNY)),
          Item.of("Iced lemon tea 冻柠茶 (large, less sugar)", 2, Money.of(200, Money.CNY)));

  static ReceiptLayout receipt(PrinterProfile profile) {
    return ReceiptLayout.fromSignedReceipt(profile, vectorReceipt(), BASE, SHANGHAI, HEADER, ITEMS);
  }

  private static void assertGolden(String name, byte[] actual) throws IOException {
    Path file = GOLDEN.resolve(name);
    if (Boolean.getBoolean("fangxin.regenerateGolden")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, Hex.dump(actual), StandardCharsets.US_ASCII);
    }
    assertThat(file).as("golden file %s (see the class comment to regenerate)", file).exists();
    assertThat(Hex.dump(actual)).isEqualTo(Files.readString(file, StandardCharsets.US_ASCII));
  }

  @Test
  void vectorReceiptParses() {
    SignedReceipt r = vectorReceipt();
    assertThat(r.keyId().toHex()).isEqualTo("c1d831077d51c28c");
    assertThat(r.link(BASE).toString()).hasSize(176);
  }

  @Test
  void golden58mmNative() throws IOException {
    assertGolden("receipt-58mm.hex", receipt(PrinterProfile.mm58()).toBytes());
  }

  @Test
  void golden80mmNative() throws IOException {
    assertGolden("receipt-80mm.hex", receipt(PrinterProfile.mm80()).toBytes());
  }

  @Test
  void golden58mmRaster() throws IOException {
    PrinterProfile raster = PrinterProfile.mm58().toBuilder().nativeQr(false).build();
    assertGolden("receipt-58mm-raster.hex", receipt(raster).toBytes());
  }

  @Test
  void golden80mmCopy() throws IOException {
    assertGolden(
        "receipt-80mm-copy.hex",
        receipt(PrinterProfile.mm80()).toBuilder().copy(true).build().toBytes());
  }

  @Test
  void nativeQrIsGsParenKWithTheWholeLinkAndTheProfileModuleSize() {
    ReceiptLayout layout = receipt(PrinterProfile.mm58());
    byte[] job = layout.toBytes();
    byte[] qr = EscPos.qr(layout.disputeLink(), 5, ErrorCorrection.M);
    assertThat(Hex.indexOf(job, qr, 0)).isPositive();
    assertThat(Hex.count(job, bytes("1D 76 30"))).isZero();
    assertThat(layout.disputeLink()).isEqualTo(vectorReceipt().link(BASE).toString());
  }

  @Test
  void nativeReceiptIsAtMostOneKibibyte() {
    byte[] native58 = receipt(PrinterProfile.mm58()).toBytes();
    byte[] native80 = receipt(PrinterProfile.mm80()).toBytes();
    byte[] raster58 = receipt(PrinterProfile.mm58().toBuilder().nativeQr(false).build()).toBytes();
    byte[] raster80 = receipt(PrinterProfile.mm80().toBuilder().nativeQr(false).build()).toBytes();
    System.out.printf(
        "receipt bytes: 58 mm native %d, raster %d; 80 mm native %d, raster %d%n",
        native58.length, raster58.length, native80.length, raster80.length);
    assertThat(native58.length).isLessThanOrEqualTo(1024);
    assertThat(native80.length).isLessThanOrEqualTo(1024);
    assertThat(raster58.length).isGreaterThan(native58.length);
  }

  @Test
  void rasterQrIsCentredAndDecodesToTheLink() {
    PrinterProfile profile = PrinterProfile.mm58().toBuilder().nativeQr(false).build();
    ReceiptLayout layout = receipt(profile);
    byte[] job = layout.toBytes();
    int at = Hex.indexOf(job, bytes("1D 76 30 00"), 0);
    assertThat(at).isPositive();
    int x = (job[at + 4] & 0xFF) | (job[at + 5] & 0xFF) << 8;
    int y = (job[at + 6] & 0xFF) | (job[at + 7] & 0xFF) << 8;
    // Version 7: 45 modules + 2 x 4 quiet = 53 modules of 5 dots = 265 dots; (384 - 265) / 2 = 59.
    assertThat(y).isEqualTo(265);
    assertThat(x).isEqualTo((59 + 265 + 7) / 8);
    RasterImage image = RasterImage.of(x * 8, y, Arrays.copyOfRange(job, at + 8, at + 8 + x * y));
    int[] argb = new int[x * 8 * y];
    int leftmost = Integer.MAX_VALUE;
    int rightmost = -1;
    for (int r = 0; r < y; r++) {
      for (int c = 0; c < x * 8; c++) {
        boolean black = image.isBlack(c, r);
        argb[r * x * 8 + c] = black ? 0xFF000000 : 0xFFFFFFFF;
        if (black) {
          leftmost = Math.min(leftmost, c);
          rightmost = Math.max(rightmost, c);
        }
      }
    }
    // Dark modules start after the padding and the quiet zone and are centred on 384 dots.
    assertThat(leftmost).isEqualTo(59 + 4 * 5);
    // 384 - 265 = 119 is odd: the extra dot of margin goes to the right.
    assertThat(384 - 1 - rightmost).isEqualTo(leftmost + 1);
    assertThat(QrDecoder.decode(argb, x * 8, y)).isEqualTo(layout.disputeLink());
  }

  @Test
  void paymentDetailsComeFromTheSignedClaim() {
    String text = printable(receipt(PrinterProfile.mm80()).toBytes());
    assertThat(text)
        .contains("消费 SALE")
        .contains("金额 Amount")
        .contains("CNY 10.00")
        .contains("2026-11-29 16:00:01")
        .contains("622202******1234")
        .contains("898330160120001")
        .contains("T0000001")
        .contains("000001")
        .contains("123456789012")
        .contains("1129")
        .contains("c1d831077d51c28c")
        .contains(ReceiptLayout.CAPTION_ZH)
        .contains(ReceiptLayout.CAPTION_EN);
    assertThat(text.indexOf(ReceiptLayout.CAPTION_ZH))
        .isLessThan(text.indexOf(ReceiptLayout.CAPTION_EN));
  }

  @Test
  void twoColumnLinesFitTheColumns() {
    String text = printable(receipt(PrinterProfile.mm58()).toBytes());
    for (String line : text.split("\n")) {
      assertThat(EscPos.columns(line)).as(line).isLessThanOrEqualTo(32);
    }
    assertThat(text).contains("\n金额 Amount            CNY 10.00\n");
    // 6 + 13 columns of name, 9 spaces, 4 of amount = 32.
    assertThat(text).contains("\n牛肉面 Beef noodles" + " ".repeat(9) + "6.00\n");
    assertThat(text).contains("\n  2 x 2.00                  4.00\n");
  }

  @Test
  void copyMarkerAtTopAndBottom() {
    byte[] job = receipt(PrinterProfile.mm80()).toBuilder().copy(true).build().toBytes();
    byte[] marker = EscPos.text(ReceiptLayout.COPY_MARKER, CodePage.GB18030);
    assertThat(Hex.count(job, marker)).isEqualTo(2);
    int first = Hex.indexOf(job, marker, 0);
    int second = Hex.indexOf(job, marker, first + 1);
    int name = Hex.indexOf(job, EscPos.text("放心小馆", CodePage.GB18030), 0);
    int caption = Hex.indexOf(job, EscPos.text(ReceiptLayout.CAPTION_EN, CodePage.ASCII), 0);
    assertThat(first).isLessThan(name);
    assertThat(second).isGreaterThan(caption);
    // Large and bold: GS ! 0x11 and ESC E 1 right before each marker (after ESC a 1).
    byte[] style = bytes("1B 61 01 1B 45 01 1D 21 11");
    assertThat(Hex.indexOf(job, EscPos.concat(style, marker), 0)).isEqualTo(first - 9);
    assertThat(Hex.indexOf(job, EscPos.concat(style, marker), first + 1)).isEqualTo(second - 9);
    byte[] original = receipt(PrinterProfile.mm80()).toBytes();
    assertThat(Hex.count(original, marker)).isZero();
  }

  @Test
  void endsWithFeedAndCutPerProfile() {
    byte[] job80 = receipt(PrinterProfile.mm80()).toBytes();
    assertThat(Arrays.copyOfRange(job80, job80.length - 6, job80.length))
        .isEqualTo(bytes("1B 64 04 1D 56 01"));
    byte[] job58 = receipt(PrinterProfile.mm58()).toBytes();
    assertThat(Arrays.copyOfRange(job58, job58.length - 7, job58.length))
        .isEqualTo(bytes("0A 1B 61 00 1B 64 04"));
    assertThat(Arrays.copyOf(job58, 2)).isEqualTo(bytes("1B 40"));
  }

  @Test
  void asciiProfilePrintsEnglishOnly() {
    PrinterProfile ascii = PrinterProfile.mm58().toBuilder().codePage(CodePage.ASCII).build();
    byte[] job =
        ReceiptLayout.fromSignedReceipt(
                ascii,
                vectorReceipt(),
                BASE,
                SHANGHAI,
                Header.of("Fangxin Bistro"),
                List.of(Item.of("Beef noodles", 1, Money.of(600, Money.CNY))))
            .toBuilder()
            .copy(true)
            .build()
            .toBytes();
    assertThat(Hex.count(job, bytes("1C 26"))).isZero();
    String text = printable(job);
    assertThat(text).contains("Amount").contains("COPY").doesNotContain("金额");
    assertThat(text).contains(ReceiptLayout.CAPTION_EN).doesNotContain(ReceiptLayout.CAPTION_ZH);
  }

  @Test
  void asciiProfileRefusesAChineseMerchantName() {
    PrinterProfile ascii = PrinterProfile.mm58().toBuilder().codePage(CodePage.ASCII).build();
    ReceiptLayout layout = receipt(ascii);
    assertThatThrownBy(layout::toBytes)
        .isInstanceOf(PrinterException.class)
        .hasMessage(
            "character 1 of the text is U+653E, which an ASCII-only printer cannot print;"
                + " expected printable ASCII (U+0020..U+007E) or a GB18030 profile")
        .extracting(e -> ((PrinterException) e).reasonCode())
        .isEqualTo(PrinterException.Reason.UNSUPPORTED);
  }

  @Test
  void moduleSizeStepsDownForALongerLink() {
    String link = "HTTPS://FX.EXAMPLE.CN/D/" + "A".repeat(400);
    QrCode qr = QrCode.encode(link, ErrorCorrection.M);
    int modules = qr.size() + 8;
    assertThat(modules * 5).isGreaterThan(384);
    int expected = 384 / modules;
    assertThat(expected).isBetween(3, 4);
    byte[] job =
        ReceiptLayout.builder(PrinterProfile.mm58())
            .header(Header.of("Shop"))
            .disputeLink(link)
            .build()
            .toBytes();
    assertThat(Hex.indexOf(job, EscPos.qr(link, expected, ErrorCorrection.M), 0)).isPositive();
  }

  @Test
  void aQrCodeTooWideForThePaperIsALayoutError() {
    String link = "https://fx.example.cn/d/" + "a".repeat(1200);
    ReceiptLayout layout =
        ReceiptLayout.builder(PrinterProfile.mm58())
            .header(Header.of("Shop"))
            .disputeLink(link)
            .build();
    int version = QrCode.encode(link, ErrorCorrection.M).version();
    int modules = 17 + 4 * version + 8;
    assertThatThrownBy(layout::toBytes)
        .isInstanceOf(PrinterException.class)
        .hasMessage(
            "the dispute link makes a version-"
                + version
                + " QR code, "
                + modules
                + " modules across with its quiet zone; at the smallest module size of 3 dots"
                + " that is "
                + modules * 3
                + " dots, wider than the paper's 384; shorten the link")
        .extracting(e -> ((PrinterException) e).reason())
        .isEqualTo("printer.layout");
  }

  @Test
  void wrapCountsChineseAsTwoColumns() {
    assertThat(ReceiptLayout.wrap("牛肉面牛肉面", 5)).containsExactly("牛肉", "面牛", "肉面");
    assertThat(ReceiptLayout.wrap("Iced lemon tea 冻柠茶", 12))
        .containsExactly("Iced lemon", "tea 冻柠茶");
    assertThat(ReceiptLayout.wrap("abcdefghij", 4)).containsExactly("abcd", "efgh", "ij");
    assertThat(ReceiptLayout.wrap("a 牛", 3)).containsExactly("a", "牛");
    assertThat(ReceiptLayout.wrap("", 4)).containsExactly("");
    assertThat(ReceiptLayout.wrap("牛", 1)).containsExactly("牛");
  }

  @Test
  void pairPutsTheValueRightAndWrapsTheLabel() {
    assertThat(ReceiptLayout.pair("合计 Total", "CNY 10.00", 20))
        .containsExactly("合计 Total CNY 10.00");
    assertThat(ReceiptLayout.pair("合计 Total", "CNY 10.00", 24))
        .containsExactly("合计 Total     CNY 10.00");
    // Label and value cannot share the line: the value goes right-aligned below.
    assertThat(ReceiptLayout.pair("结算日期 Settlement", "CNY 10.00", 20))
        .containsExactly("结算日期 Settlement", "           CNY 10.00");
    // A long label wraps and the value joins its last line.
    assertThat(ReceiptLayout.pair("Iced lemon tea 冻柠茶 large", "4.00", 17))
        .containsExactly("Iced lemon tea", "冻柠茶 large 4.00");
    // A value wider than the line wraps too; nothing is cut off.
    assertThat(ReceiptLayout.pair("K", "0123456789ABCDEF", 8))
        .containsExactly("K", "01234567", "89ABCDEF");
  }

  @Test
  void builderNeedsHeaderAndLink() {
    assertThatThrownBy(() -> ReceiptLayout.builder(PrinterProfile.mm58()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("header required: a receipt names its merchant");
    assertThatThrownBy(
            () -> ReceiptLayout.builder(PrinterProfile.mm58()).header(Header.of("S")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("disputeLink required: every receipt carries its QR");
  }

  @Test
  void profilePresetsAndValidation() {
    PrinterProfile p58 = PrinterProfile.mm58();
    assertThat(p58.dotsPerLine()).isEqualTo(384);
    assertThat(p58.columns()).isEqualTo(32);
    PrinterProfile p80 = PrinterProfile.mm80();
    assertThat(p80.dotsPerLine()).isEqualTo(576);
    assertThat(p80.columns()).isEqualTo(48);
    assertThat(p80.toBuilder().build()).isEqualTo(p80);
    // A version-7 code with its quiet zone fits with margin at the preset module sizes.
    assertThat(53 * p58.qrModuleSize()).isLessThanOrEqualTo(384 - 64);
    assertThat(53 * p80.qrModuleSize()).isLessThanOrEqualTo(576 - 64);
    assertThatThrownBy(() -> p58.toBuilder().columns(33).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("columns must be 8..32 (12-dot Font A in 384 dots), got 33");
    assertThatThrownBy(() -> p58.toBuilder().dotsPerLine(380).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dotsPerLine must be a positive multiple of 8 (384, 576, ...), got 380");
    assertThatThrownBy(() -> p58.toBuilder().qrModuleSize(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("qrModuleSize must be 1..16 dots, got 0");
  }

  @Test
  void printsOverLoopback() throws Exception {
    byte[] job = receipt(PrinterProfile.mm58()).toBytes();
    try (dev.fangxin.adapters.testing.LoopbackPrinter loopback =
            dev.fangxin.adapters.testing.LoopbackPrinter.start();
        SocketTransport transport = SocketTransport.connect(loopback.host(), loopback.port())) {
      EscPosPrinter.on(transport).print(job);
      assertThat(loopback.jobBytes()).isEqualTo(job);
    }
  }

  /**
   * The text a printer would print: the job with ESC/POS commands removed and GB18030 decoded; line
   * feeds kept. Only knows the commands {@link ReceiptLayout} emits.
   */
  static String printable(byte[] job) {
    java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
    int i = 0;
    while (i < job.length) {
      int b = job[i] & 0xFF;
      if (b == 0x1B) {
        int c = job[i + 1];
        i += (c == '@' || c == '2') ? 2 : 3;
      } else if (b == 0x1C) {
        i += 2;
      } else if (b == 0x1D) {
        int c = job[i + 1];
        if (c == '(') {
          i += 5 + ((job[i + 3] & 0xFF) | (job[i + 4] & 0xFF) << 8);
        } else if (c == 'v') {
          int x = (job[i + 4] & 0xFF) | (job[i + 5] & 0xFF) << 8;
          int y = (job[i + 6] & 0xFF) | (job[i + 7] & 0xFF) << 8;
          i += 8 + x * y;
        } else {
          i += 3;
        }
      } else {
        text.write(b);
        i++;
      }
    }
    return new String(text.toByteArray(), java.nio.charset.Charset.forName("GB18030"));
  }
}
