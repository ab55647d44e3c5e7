package dev.fangxin.core.qr;

import static dev.fangxin.core.qr.QrFixtures.ASCII_URL;
import static dev.fangxin.core.qr.QrFixtures.CHINESE_TEXT;
import static dev.fangxin.core.qr.QrFixtures.RECEIPT_URL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class QrSvgTest {
  private static final String SVG_NS = "http://www.w3.org/2000/svg";

  @ParameterizedTest(name = "[{index}] text #{0}, module {1}, quiet zone {2}")
  @CsvSource({"0, 4, 4", "1, 4, 4", "1, 1, 2", "1, 3, 0", "2, 5, 4"})
  void svgIsWellFormedAndRasterisesToTheText(int textIndex, int moduleSize, int quietZone)
      throws Exception {
    String text = new String[] {ASCII_URL, RECEIPT_URL, CHINESE_TEXT}[textIndex];
    QrCode code = QrCode.encode(text, ErrorCorrection.M);
    String svg = code.toSvg(moduleSize, quietZone);

    Element root = parse(svg).getDocumentElement();
    int n = code.size() + 2 * quietZone;
    assertThat(root.getNamespaceURI()).isEqualTo(SVG_NS);
    assertThat(root.getLocalName()).isEqualTo("svg");
    assertThat(root.getAttribute("version")).isEqualTo("1.1");
    assertThat(root.getAttribute("width")).isEqualTo(String.valueOf(n * moduleSize));
    assertThat(root.getAttribute("height")).isEqualTo(String.valueOf(n * moduleSize));
    assertThat(root.getAttribute("viewBox")).isEqualTo("0 0 " + n + " " + n);
    assertThat(root.getElementsByTagNameNS(SVG_NS, "rect").getLength()).isEqualTo(1);
    NodeList paths = root.getElementsByTagNameNS(SVG_NS, "path");
    assertThat(paths.getLength()).isEqualTo(1);
    Element path = (Element) paths.item(0);
    assertThat(path.getAttribute("shape-rendering")).isEqualTo("crispEdges");

    int[] pixels = rasterise(root);
    int side = n * moduleSize;
    assertThat(pixels).hasSize(side * side);
    assertThat(pixels).isEqualTo(QrFixtures.argb(code, moduleSize, quietZone));
    assertThat(QrDecoder.decode(pixels, side, side)).isEqualTo(text);
  }

  @Test
  void eachHorizontalRunIsOneSubpath() throws Exception {
    QrCode code = QrCode.encode(RECEIPT_URL, ErrorCorrection.M);
    String d = pathData(parse(code.toSvg(1, 0)).getDocumentElement());
    int runs = 0;
    for (int y = 0; y < code.size(); y++) {
      for (int x = 0; x < code.size(); x++) {
        if (code.isDark(x, y) && (x == 0 || !code.isDark(x - 1, y))) {
          runs++;
        }
      }
    }
    assertThat(d).matches("(M\\d+ \\d+h\\d+v1h-\\d+z)+");
    assertThat(d.chars().filter(c -> c == 'M').count()).isEqualTo(runs);
    // The top row starts with the 7-module finder pattern.
    assertThat(d).startsWith("M0 0h7v1h-7z");
  }

  @Test
  void svgIsStandaloneAndDeterministic() {
    QrCode code = QrCode.encode(CHINESE_TEXT, ErrorCorrection.H);
    String svg = code.toSvg(4, 4);
    assertThat(QrCode.encode(CHINESE_TEXT, ErrorCorrection.H).toSvg(4, 4)).isEqualTo(svg);
    assertThat(svg)
        .startsWith(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"")
        .endsWith("\"/>\n</svg>\n")
        .doesNotContain("href", "<!DOCTYPE", "<image", "<style", "url(", "<script");
    int n = code.size() + 8;
    assertThat(svg)
        .contains(
            "<rect x=\"0\" y=\"0\" width=\"" + n + "\" height=\"" + n + "\" fill=\"#ffffff\"/>")
        .contains("<path fill=\"#000000\" shape-rendering=\"crispEdges\" d=\"M");
  }

  @ParameterizedTest
  @CsvSource({
    "0, 4, Module size is 0; expected 1..64.",
    "65, 0, Module size is 65; expected 1..64.",
    "1, 17, Quiet zone is 17 modules; expected 0..16 (the QR specification requires 4)."
  })
  void invalidArgumentsAreRejected(int moduleSize, int quietZone, String message) {
    QrCode code = QrCode.encode(RECEIPT_URL, ErrorCorrection.M);
    assertThatThrownBy(() -> code.toSvg(moduleSize, quietZone))
        .isInstanceOf(QrException.class)
        .hasMessage(message);
  }

  private static Document parse(String svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    DocumentBuilder builder = factory.newDocumentBuilder();
    return builder.parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  private static String pathData(Element root) {
    return ((Element) root.getElementsByTagNameNS(SVG_NS, "path").item(0)).getAttribute("d");
  }

  private static final Pattern COMMAND = Pattern.compile("([MmHhVvZz])([^MmHhVvZz]*)");

  /**
   * Interprets the document the way a renderer would, for the subset we emit: a white background
   * rect and one path of absolute moveto, relative h/v lineto and closepath, each subpath an
   * axis-aligned rectangle, filled in black; scaled from viewBox units to width/height pixels.
   */
  private static int[] rasterise(Element root) {
    int width = Integer.parseInt(root.getAttribute("width"));
    int height = Integer.parseInt(root.getAttribute("height"));
    String[] viewBox = root.getAttribute("viewBox").trim().split("\\s+");
    double scaleX = width / Double.parseDouble(viewBox[2]);
    double scaleY = height / Double.parseDouble(viewBox[3]);
    int[] pixels = new int[width * height];
    Arrays.fill(pixels, 0xffffffff); // the rect: fill="#ffffff" over the whole viewBox

    Matcher m = COMMAND.matcher(pathData(root));
    double x = 0;
    double y = 0;
    double minX = 0;
    double minY = 0;
    double maxX = 0;
    double maxY = 0;
    double startX = 0;
    double startY = 0;
    while (m.find()) {
      String args = m.group(2).trim();
      switch (m.group(1)) {
        case "M":
          String[] xy = args.split("[\\s,]+");
          x = Double.parseDouble(xy[0]);
          y = Double.parseDouble(xy[1]);
          startX = x;
          startY = y;
          minX = x;
          maxX = x;
          minY = y;
          maxY = y;
          break;
        case "h":
          x += Double.parseDouble(args);
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          break;
        case "v":
          y += Double.parseDouble(args);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
          break;
        case "z":
          assertThat(x).as("subpath closes where it started").isEqualTo(startX);
          for (int py = (int) Math.round(minY * scaleY); py < Math.round(maxY * scaleY); py++) {
            for (int px = (int) Math.round(minX * scaleX); px < Math.round(maxX * scaleX); px++) {
              pixels[py * width + px] = 0xff000000;
            }
          }
          x = startX;
          y = startY;
          break;
        default:
          throw new AssertionError("unexpected path command " + m.group(1));
      }
    }
    return pixels;
  }
}
