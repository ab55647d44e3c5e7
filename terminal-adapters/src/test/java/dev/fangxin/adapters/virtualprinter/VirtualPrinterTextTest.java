package dev.fangxin.adapters.virtualprinter;

import static dev.fangxin.adapters.virtualprinter.EscPosBytes.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VirtualPrinterTextTest {
  private static final VirtualPrinter P58 = VirtualPrinter.paper58mm();
  private static final VirtualPrinter P80 = VirtualPrinter.paper80mm();

  @Test
  void asciiLinesAppearInOrder() {
    RenderedPaper paper = P58.render(stream().init().line("Hello").line("World  ").bytes());

    assertThat(paper.textLines()).containsExactly("Hello", "World  ");
    assertThat(paper.width()).isEqualTo(384);
    assertThat(paper.height()).isEqualTo(2 * Interpreter.DEFAULT_LINE_SPACING);
    assertThat(paper.qrPayloads()).isEmpty();
    assertThat(paper.cutCount()).isZero();
    assertThat(paper.unprintedText()).isEmpty();
  }

  @Test
  void chineseTextInGb18030TwoAndFourByteSequences() {
    VirtualPrinter printer = P58;
    Fixtures.requireCjkFont(printer);
    // 𠀀 (U+20000) is a four-byte GB18030 sequence 95 32 82 36; 扫 is two bytes C9 A8.
    byte[] bytes =
        stream()
            .init()
            .chineseOn()
            .gb("扫码查验")
            .lf()
            .raw(0x95, 0x32, 0x82, 0x36)
            .text(" ok")
            .lf()
            .chineseOff()
            .line("ASCII again")
            .bytes();

    RenderedPaper paper = printer.render(bytes);

    assertThat(paper.textLines()).containsExactly("扫码查验", "\uD840\uDC00 ok", "ASCII again");
  }

  @Test
  void justificationSizeAndBoldDoNotChangeTheText() {
    Fixtures.requireCjkFont(P80);
    byte[] bytes =
        stream()
            .init()
            .align(1)
            .size(2, 2)
            .bold(true)
            .chineseOn()
            .gb("方信")
            .text("AB")
            .lf()
            .align('2')
            .size(8, 8)
            .text("Z")
            .lf()
            .size(1, 1)
            .bold(false)
            .align(0)
            .line("left")
            .bytes();

    RenderedPaper paper = P80.render(bytes);

    assertThat(paper.textLines()).containsExactly("方信AB", "Z", "left");
    // line 1 is 48 dots high, line 2 192, line 3 the default spacing.
    assertThat(paper.height()).isEqualTo(48 + 192 + 30);
  }

  @Test
  void justificationPlacesTheInk() {
    byte[] left = stream().init().line("I").bytes();
    byte[] right = stream().init().align(2).line("I").bytes();
    byte[] centre = stream().init().align(1).line("I").bytes();

    assertThat(inkColumns(P58.render(left))).allMatch(x -> x < 12);
    assertThat(inkColumns(P58.render(right))).allMatch(x -> x >= 384 - 12);
    assertThat(inkColumns(P58.render(centre))).allMatch(x -> x >= 186 && x < 198);
  }

  @Test
  void justificationTakesEffectAtTheStartOfALine() {
    byte[] bytes = stream().init().text("I").align(2).text("I").lf().bytes();
    assertThat(inkColumns(P58.render(bytes))).allMatch(x -> x < 24);
  }

  @ParameterizedTest
  @ValueSource(ints = {384, 576})
  void longTextWrapsAtTheLineWidth(int width) {
    VirtualPrinter printer = VirtualPrinter.builder().paperWidthDots(width).build();
    int columns = width / 12;
    String text = "0123456789".repeat(10);

    RenderedPaper paper = printer.render(stream().init().line(text).bytes());

    java.util.List<String> expected = new java.util.ArrayList<>();
    for (int i = 0; i < text.length(); i += columns) {
      expected.add(text.substring(i, Math.min(text.length(), i + columns)));
    }
    assertThat(expected).hasSize(width == 384 ? 4 : 3);
    assertThat(paper.textLines()).isEqualTo(expected);
  }

  @Test
  void aFullLineThenLineFeedPrintsNoEmptyLine() {
    RenderedPaper paper = P58.render(stream().init().line("x".repeat(32)).bytes());
    assertThat(paper.textLines()).containsExactly("x".repeat(32));
    assertThat(paper.height()).isEqualTo(30);
  }

  @Test
  void wideCharactersWrapAfterSixteenOnFiftyEightMillimetres() {
    Fixtures.requireCjkFont(P58);
    String text = "一二三四五六七八九十甲乙丙丁戊己庚";
    RenderedPaper paper = P58.render(stream().init().chineseOn().gb(text).lf().bytes());

    assertThat(paper.textLines()).containsExactly(text.substring(0, 16), text.substring(16));
  }

  @Test
  void doubleWidthHalvesTheColumns() {
    RenderedPaper paper = P58.render(stream().init().size(2, 1).line("x".repeat(20)).bytes());
    assertThat(paper.textLines()).containsExactly("x".repeat(16), "x".repeat(4));
  }

  @Test
  void feedsAddLineSpacingAndAreNotTextLines() {
    byte[] bytes = stream().init().line("a").lf().feed(3).lineSpacing(50).line("b").feed(0).bytes();
    RenderedPaper paper = P58.render(bytes);

    assertThat(paper.textLines()).containsExactly("a", "b");
    assertThat(paper.height()).isEqualTo(30 + 30 + 3 * 30 + 50);
  }

  @Test
  void escDPrintsTheBufferLikeLineFeedThenFeedsTheRest() {
    RenderedPaper paper = P58.render(stream().init().text("a").feed(3).bytes());
    assertThat(paper.textLines()).containsExactly("a");
    assertThat(paper.height()).isEqualTo(90);
  }

  @Test
  void resetClearsModesAndTheLineBuffer() {
    byte[] bytes = stream().init().size(4, 4).text("lost").init().line("kept").bytes();
    RenderedPaper paper = P58.render(bytes);

    assertThat(paper.textLines()).containsExactly("kept");
    assertThat(paper.height()).isEqualTo(30);
  }

  @Test
  void textWithoutLineFeedIsReportedAsUnprinted() {
    RenderedPaper paper = P58.render(stream().init().line("one").text("two").bytes());
    assertThat(paper.textLines()).containsExactly("one");
    assertThat(paper.unprintedText()).isEqualTo("two");
  }

  @Test
  void statusRequestsAndCodePageZeroAreAccepted() {
    byte[] bytes =
        stream()
            .init()
            .raw(0x10, 0x04, 0x01, 0x10, 0x04, 0x04)
            .raw(0x1B, 0x74, 0x00)
            .raw(0x9C) // PC437 pound sign
            .line("5")
            .bytes();
    assertThat(P58.render(bytes).textLines()).containsExactly("£5");
  }

  @Test
  void cutsStackReceiptsVertically() {
    byte[] bytes =
        stream()
            .init()
            .line("first")
            .cut()
            .line("second")
            .feedAndCut(40)
            .raw(0x1D, 0x56, 0x01)
            .bytes();
    RenderedPaper paper = P58.render(bytes);

    assertThat(paper.textLines()).containsExactly("first", "second");
    assertThat(paper.cutCount()).isEqualTo(3);
    assertThat(paper.height()).isEqualTo(30 + 16 + 30 + 40 + 16 + 16);
    // The full cut's dashes are in the middle of its band, in the first column.
    assertThat(paper.isBlack(0, 30 + 7)).isTrue();
    assertThat(paper.isBlack(0, 30 + 5)).isFalse();
  }

  @Test
  void inputStreamRendersTheSame() throws Exception {
    byte[] bytes = Fixtures.receipt(3);
    Fixtures.requireCjkFont(P58);
    RenderedPaper fromStream = P58.render(new ByteArrayInputStream(bytes));
    RenderedPaper fromArray = P58.render(bytes);
    assertThat(fromStream.textLines()).isEqualTo(fromArray.textLines());
    assertThat(fromStream.toPng()).isEqualTo(fromArray.toPng());
  }

  @Test
  void concurrentRendersShareOnePrinter() throws Exception {
    VirtualPrinter printer = VirtualPrinter.paper80mm(); // a fresh glyph cache
    Fixtures.requireCjkFont(printer);
    byte[] bytes = Fixtures.receipt(3);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<byte[]>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(() -> printer.render(bytes).toPng()));
      }
      byte[] first = results.get(0).get();
      for (java.util.concurrent.Future<byte[]> result : results) {
        assertThat(result.get()).isEqualTo(first);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void emptyStreamIsABlankStrip() {
    RenderedPaper paper = P58.render(new byte[0]);
    assertThat(paper.height()).isEqualTo(1);
    assertThat(paper.isBlack(0, 0)).isFalse();
    assertThat(paper.image().getHeight()).isEqualTo(1);
  }

  @Test
  void builderRejectsOtherPaperWidthsAndLimits() {
    assertThatThrownBy(() -> VirtualPrinter.builder().paperWidthDots(400))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Paper width is 400 dots; expected 384 (58 mm) or 576 (80 mm).");
    assertThatThrownBy(() -> VirtualPrinter.builder().maxInputBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxInputBytes is 0; expected 1..67108864.");
    assertThatThrownBy(() -> VirtualPrinter.builder().maxPaperLengthDots(100_001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxPaperLengthDots is 100001; expected 1..100000.");
    assertThatThrownBy(() -> VirtualPrinter.builder().cjkFonts(java.util.List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cjkFonts is empty; name at least one font.");
  }

  private static java.util.List<Integer> inkColumns(RenderedPaper paper) {
    java.util.List<Integer> columns = new java.util.ArrayList<>();
    for (int x = 0; x < paper.width(); x++) {
      for (int y = 0; y < paper.height(); y++) {
        if (paper.isBlack(x, y)) {
          columns.add(x);
          break;
        }
      }
    }
    assertThat(columns).isNotEmpty();
    return columns;
  }
}
