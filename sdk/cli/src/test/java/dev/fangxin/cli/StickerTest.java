package dev.fangxin.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.core.qr.QrImageDecoder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * The sticker's three formats carry the same content: each QR code reads back to the link (ZXing,
 * and zbarimg when present or on CI), the SVG is well-formed XML with the name and brand, the PDF
 * is one A6 page whose text holds the name, brand and commitments and whose rendering at 300 dpi
 * decodes to the link. Needs a CJK font (fonts-droid-fallback on CI).
 */
class StickerTest {
  static final String NAME = "放心小馆 Fangxin Bistro";
  // The shape of a real merchant link: upper-case base, /M/, unpadded base32 token.
  static final String LINK =
      "HTTPS://FX.EXAMPLE.CN/M/AEBWLN2DEDQYUXSPMHA6Q2VVCJ5QWBQMRBTTIZQ2Z4HF2NPYQM5M7H3EWVBVW"
          + "6YKEG5UDHPHU2NVGIUXTYHLSMKYOJ3AGWQR2MLYSC7DJR3S4KZSTG6HJQK4GIQAHU5OGFRCLP3";

  @TempDir Path dir;
  static StickerFont font;

  @BeforeAll
  static void font() {
    boolean present = StickerFont.CJK.stream().anyMatch(f -> Files.isRegularFile(Path.of(f)));
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("a CJK font is required when CI=true; .ci/run installs it");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(present, "a CJK font is installed");
    font = StickerFont.find(List.of(), Sticker.printedText(NAME, LINK));
  }

  @Test
  void thePngReadsBackToTheLink() throws Exception {
    Sticker sticker = Sticker.of(NAME, LINK, font);
    byte[] png = sticker.toPng();
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image.getWidth()).isEqualTo(1240);
    assertThat(image.getHeight()).isEqualTo(1748);
    assertThat(QrImageDecoder.decode(png)).isEqualTo(LINK);
    assertThat(sticker.qrSymbolMm()).isGreaterThanOrEqualTo(Sticker.MIN_QR_MM);
    Path file = dir.resolve("sticker.png");
    Files.write(file, png);
    if (CliTest.onPath("zbarimg") || "true".equals(System.getenv("CI"))) {
      CliTest.requireTool("zbarimg");
      assertThat(CliTest.exec(List.of("zbarimg", "--raw", "-q", file.toString()), 0).strip())
          .isEqualTo(LINK);
    }
  }

  @Test
  void theSvgIsWellFormedAndSaysWhoAndWhat() throws Exception {
    String svg = Sticker.of(NAME, LINK, font).toSvg();
    Document doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
    assertThat(doc.getDocumentElement().getAttribute("width")).isEqualTo("105mm");
    assertThat(doc.getDocumentElement().getAttribute("height")).isEqualTo("148mm");
    String text = doc.getDocumentElement().getTextContent();
    assertThat(text).contains(NAME).contains("放心消费");
    for (String[] c : Sticker.COMMITMENTS) {
      assertThat(text).contains(c[0]).contains(c[1]);
    }
    assertThat(doc.getElementsByTagName("path").getLength()).isEqualTo(1);
    assertThat(svg).contains("font-family=\"&apos;Noto Sans CJK SC&apos;");
  }

  @Test
  void thePdfIsOneA6PageWithRealTextAndAReadableCode() throws Exception {
    byte[] pdf = Sticker.of(NAME, LINK, font).toPdf();
    try (PDDocument doc = Loader.loadPDF(pdf)) {
      assertThat(doc.getNumberOfPages()).isEqualTo(1);
      PDPage page = doc.getPage(0);
      // 105 x 148 mm in points, to a hundredth of a point.
      assertThat((double) page.getMediaBox().getWidth()).isCloseTo(297.64, within());
      assertThat((double) page.getMediaBox().getHeight()).isCloseTo(419.53, within());
      String text = new PDFTextStripper().getText(doc);
      assertThat(text).contains(NAME).contains("放心消费");
      for (String[] c : Sticker.COMMITMENTS) {
        assertThat(text).contains(c[0]).contains(c[1]);
      }
      BufferedImage rendered = new PDFRenderer(doc).renderImageWithDPI(0, 300, ImageType.RGB);
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(rendered, "png", png);
      assertThat(QrImageDecoder.decode(png.toByteArray())).isEqualTo(LINK);
      // The font is embedded (as a subset), not referenced.
      var fontName = page.getResources().getFontNames().iterator().next();
      assertThat(page.getResources().getFont(fontName).isEmbedded()).isTrue();
    }
  }

  @Test
  void aBlankOrOverlongNameIsRefusedWithASentence() {
    assertThatThrownBy(() -> Sticker.of("  ", LINK, font))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("The merchant name is blank.");
    assertThatThrownBy(() -> Sticker.of("x".repeat(41), LINK, font))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than 40 characters");
  }

  @Test
  void aFontWithoutChineseIsRefusedByName() throws Exception {
    Path latin = Path.of("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(latin));
    assertThatThrownBy(() -> StickerFont.find(List.of(latin), Sticker.printedText(NAME, LINK)))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("no glyph for '放'");
    assertThatThrownBy(() -> StickerFont.find(List.of(dir.resolve("none.ttf")), "x"))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("no such file");
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(0.01);
  }
}
