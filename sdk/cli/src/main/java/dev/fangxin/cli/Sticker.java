package dev.fangxin.cli;

import dev.fangxin.core.qr.ErrorCorrection;
import dev.fangxin.core.qr.QrCode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.apache.fontbox.ttf.TrueTypeCollection;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/**
 * The reassured-consumption (放心消费) collection code sticker: an A6 card (105 × 148 mm) with the 放心消费
 * band, the merchant's name, the signed merchant QR code with its link printed under it, and the
 * six commitments (安全 safety, 质量 quality, 计量 measurement, 价格 price, 服务 service, 维权 redress).
 *
 * <p>The layout is computed once, in millimetres, as a list of shapes; the PNG (Java2D, {@link
 * #PNG_DPI} dpi), the SVG and the PDF (PDFBox, the font embedded as a subset) draw the same list,
 * so the three formats agree. The QR code uses error correction level Q, a quiet zone of {@link
 * #QUIET_ZONE} modules and a symbol at least {@link #MIN_QR_MM} mm wide; its modules fall on whole
 * pixels of the PNG. Immutable and thread-safe.
 */
final class Sticker {
  /** Page width and height in millimetres (ISO A6, portrait). */
  static final double WIDTH_MM = 105;

  /** Page height in millimetres. */
  static final double HEIGHT_MM = 148;

  /** Resolution of the PNG. */
  static final int PNG_DPI = 300;

  /** Quiet zone around the QR symbol, in modules. */
  static final int QUIET_ZONE = 4;

  /** The smallest printed width of the QR symbol (without quiet zone), in millimetres. */
  static final double MIN_QR_MM = 30;

  /** The brand line. */
  static final String BRAND = "放心消费";

  /** The brand's English line. */
  static final String BRAND_EN = "Reassured Consumption";

  /** The six commitments, Chinese and English, in print order. */
  static final List<String[]> COMMITMENTS =
      List.of(
          new String[] {"安全", "Safety"},
          new String[] {"质量", "Quality"},
          new String[] {"计量", "Measurement"},
          new String[] {"价格", "Price"},
          new String[] {"服务", "Service"},
          new String[] {"维权", "Redress"});

  /** What the caption under the QR code says. */
  static final String CAPTION = "消费有问题，扫码一键维权";

  /** The caption's English line. */
  static final String CAPTION_EN = "A problem with a payment here? Scan to resolve it.";

  private static final double PX_PER_MM = PNG_DPI / 25.4;
  private static final double PT_PER_MM = 72 / 25.4;
  private static final Color RED = new Color(0xC8, 0x10, 0x2E);
  private static final Color INK = new Color(0x1A, 0x1A, 0x1A);
  private static final Color GREY = new Color(0x55, 0x55, 0x55);
  private static final Color WHITE = Color.WHITE;
  private static final FontRenderContext FRC = new FontRenderContext(null, true, true);

  /** A filled rectangle, optionally rounded (radius in mm). */
  private record Box(double x, double y, double w, double h, double radius, Color fill) {}

  /** A rectangle's outline. */
  private record Frame(
      double x, double y, double w, double h, double radius, double line, Color c) {}

  /** One line of text centred on {@code cx}, baseline at {@code y}, size in mm (em height). */
  private record Text(String text, double cx, double y, double size, Color color) {}

  private final String merchantName;
  private final String link;
  private final StickerFont font;
  private final QrCode qr;
  private final double qrX;
  private final double qrY;
  private final double moduleMm;
  private final List<Object> shapes = new ArrayList<>();

  private Sticker(String merchantName, String link, StickerFont font) {
    this.merchantName = merchantName;
    this.link = link;
    this.font = font;
    this.qr = QrCode.encode(link, ErrorCorrection.Q);
    int modules = qr.size() + 2 * QUIET_ZONE;
    // The QR area (quiet zone included) is about 46 mm, in whole pixels of the PNG per module.
    int modulePx = (int) Math.floor(46 * PX_PER_MM / modules);
    this.moduleMm = modulePx / PX_PER_MM;
    double side = modules * moduleMm;
    this.qrX = Math.round((WIDTH_MM - side) / 2 * PX_PER_MM) / PX_PER_MM;
    this.qrY = Math.round(44 * PX_PER_MM) / PX_PER_MM;
    layout(side);
  }

  /**
   * Lays out the sticker of {@code merchantName} whose QR code holds {@code link}.
   *
   * @throws IllegalArgumentException if the name is blank or longer than 40 characters, or the QR
   *     symbol would print narrower than {@link #MIN_QR_MM}
   */
  static Sticker of(String merchantName, String link, StickerFont font) {
    Objects.requireNonNull(merchantName, "merchantName == null");
    Objects.requireNonNull(link, "link == null");
    Objects.requireNonNull(font, "font == null");
    String name = merchantName.strip();
    if (name.isEmpty()) {
      throw new IllegalArgumentException("The merchant name is blank.");
    }
    if (name.codePointCount(0, name.length()) > 40) {
      throw new IllegalArgumentException(
          "The merchant name is longer than 40 characters: " + name + ".");
    }
    Sticker s = new Sticker(name, link, font);
    if (s.qr.size() * s.moduleMm < MIN_QR_MM) {
      throw new IllegalArgumentException(
          "The link is too long for a QR symbol of at least " + MIN_QR_MM + " mm: " + link);
    }
    return s;
  }

  /** Every character the sticker prints with its font, for {@link StickerFont#find}. */
  static String printedText(String merchantName, String link) {
    StringBuilder b = new StringBuilder(merchantName).append(BRAND).append(BRAND_EN);
    b.append(CAPTION).append(CAPTION_EN).append("六项承诺 Our six commitments").append(link);
    for (String[] c : COMMITMENTS) {
      b.append(c[0]).append(c[1]);
    }
    return b.toString();
  }

  private void layout(double qrSide) {
    double w = WIDTH_MM;
    // The 放心消费 band.
    shapes.add(new Box(0, 0, w, 32, 0, RED));
    shapes.add(new Text(BRAND, w / 2, 19, 15, WHITE));
    shapes.add(new Text(BRAND_EN, w / 2, 27, 4.2, WHITE));
    // The merchant's name, shrunk to fit 95 mm.
    double nameSize = 7;
    while (nameSize > 3 && width(merchantName, nameSize) > 95) {
      nameSize -= 0.25;
    }
    shapes.add(new Text(merchantName, w / 2, 40.5, nameSize, INK));
    // The QR code (drawn by each format from the module grid) and its caption.
    double below = qrY + qrSide;
    shapes.add(new Text(CAPTION, w / 2, below + 4.5, 4.2, INK));
    shapes.add(new Text(CAPTION_EN, w / 2, below + 8.5, 2.8, GREY));
    // The link, wrapped to fit 95 mm.
    double linkSize = 2.2;
    double y = below + 12.5;
    for (String line : wrap(link, linkSize, 95)) {
      shapes.add(new Text(line, w / 2, y, linkSize, GREY));
      y += linkSize * 1.25;
    }
    // The six commitments: two rows of three.
    double top = Math.max(y + 1.5, 117);
    shapes.add(new Text("六项承诺 Our six commitments", w / 2, top, 3.2, RED));
    double cellW = 30;
    double cellH = (HEIGHT_MM - 4 - (top + 2)) / 2 - 1.5;
    double gap = (w - 3 * cellW) / 4;
    for (int i = 0; i < COMMITMENTS.size(); i++) {
      double x = gap + (i % 3) * (cellW + gap);
      double cy = top + 2 + (i / 3) * (cellH + 1.5);
      shapes.add(new Frame(x, cy, cellW, cellH, 1.5, 0.4, RED));
      double zh = Math.min(5.5, cellH * 0.45);
      shapes.add(new Text(COMMITMENTS.get(i)[0], x + cellW / 2, cy + cellH * 0.52, zh, RED));
      shapes.add(
          new Text(
              COMMITMENTS.get(i)[1], x + cellW / 2, cy + cellH * 0.52 + zh * 0.6 + 0.6, 2.6, INK));
    }
  }

  private double width(String text, double sizeMm) {
    return font.width(text, sizeMm);
  }

  private List<String> wrap(String text, double sizeMm, double maxMm) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int end = text.length();
      while (end > start + 1 && width(text.substring(start, end), sizeMm) > maxMm) {
        end--;
      }
      lines.add(text.substring(start, end));
      start = end;
    }
    return lines;
  }

  /** The link in the QR code. */
  String link() {
    return link;
  }

  /** The QR code's version (symbol size). */
  int qrVersion() {
    return qr.version();
  }

  /** The printed width of the QR symbol without its quiet zone, in millimetres. */
  double qrSymbolMm() {
    return qr.size() * moduleMm;
  }

  // ------------------------------------------------------------------------------------ PNG

  /** The sticker as a PNG at {@link #PNG_DPI} dpi (1240 × 1748 pixels), white background. */
  byte[] toPng() {
    int wPx = (int) Math.round(WIDTH_MM * PX_PER_MM);
    int hPx = (int) Math.round(HEIGHT_MM * PX_PER_MM);
    BufferedImage image = new BufferedImage(wPx, hPx, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(WHITE);
      g.fillRect(0, 0, wPx, hPx);
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
      g.scale(PX_PER_MM, PX_PER_MM);
      for (Object s : shapes) {
        if (s instanceof Box b) {
          g.setColor(b.fill());
          g.fill(new RoundRectangle2D.Double(b.x(), b.y(), b.w(), b.h(), b.radius(), b.radius()));
        } else if (s instanceof Frame f) {
          g.setColor(f.c());
          g.setStroke(new BasicStroke((float) f.line()));
          g.draw(new RoundRectangle2D.Double(f.x(), f.y(), f.w(), f.h(), f.radius(), f.radius()));
        } else if (s instanceof Text t) {
          g.setColor(t.color());
          double x = t.cx() - font.width(t.text(), t.size()) / 2;
          for (StickerFont.Run r : font.runs(t.text())) {
            Font f = font.faces().get(r.face()).font().deriveFont((float) t.size());
            g.setFont(f);
            g.drawString(r.text(), (float) x, (float) t.y());
            x += f.getStringBounds(r.text(), FRC).getWidth();
          }
        }
      }
      // The QR modules on whole pixels, without antialiasing.
      g.setTransform(new java.awt.geom.AffineTransform());
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
      g.setColor(Color.BLACK);
      int m = (int) Math.round(moduleMm * PX_PER_MM);
      int x0 = (int) Math.round(qrX * PX_PER_MM) + QUIET_ZONE * m;
      int y0 = (int) Math.round(qrY * PX_PER_MM) + QUIET_ZONE * m;
      for (int y = 0; y < qr.size(); y++) {
        for (int x = 0; x < qr.size(); x++) {
          if (qr.isDark(x, y)) {
            g.fillRect(x0 + x * m, y0 + y * m, m, m);
          }
        }
      }
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException("could not encode the sticker PNG", e);
    }
    return out.toByteArray();
  }

  // ------------------------------------------------------------------------------------ SVG

  /**
   * The sticker as SVG 1.1 in millimetres: QR modules as one {@code <path>} of unit squares, text
   * as {@code <text>} naming {@link StickerFont#SVG_FAMILIES} (the viewer's installed font draws
   * it).
   */
  String toSvg() {
    StringBuilder b = new StringBuilder();
    b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"")
        .append(num(WIDTH_MM))
        .append("mm\" height=\"")
        .append(num(HEIGHT_MM))
        .append("mm\" viewBox=\"0 0 ")
        .append(num(WIDTH_MM))
        .append(' ')
        .append(num(HEIGHT_MM))
        .append("\">\n");
    b.append("  <title>").append(xml(BRAND + " · " + merchantName)).append("</title>\n");
    b.append("  <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    for (Object s : shapes) {
      if (s instanceof Box x) {
        b.append("  <rect x=\"")
            .append(num(x.x()))
            .append("\" y=\"")
            .append(num(x.y()))
            .append("\" width=\"")
            .append(num(x.w()))
            .append("\" height=\"")
            .append(num(x.h()))
            .append("\" rx=\"")
            .append(num(x.radius() / 2))
            .append("\" fill=\"")
            .append(hex(x.fill()))
            .append("\"/>\n");
      } else if (s instanceof Frame f) {
        b.append("  <rect x=\"")
            .append(num(f.x()))
            .append("\" y=\"")
            .append(num(f.y()))
            .append("\" width=\"")
            .append(num(f.w()))
            .append("\" height=\"")
            .append(num(f.h()))
            .append("\" rx=\"")
            .append(num(f.radius() / 2))
            .append("\" fill=\"none\" stroke=\"")
            .append(hex(f.c()))
            .append("\" stroke-width=\"")
            .append(num(f.line()))
            .append("\"/>\n");
      } else if (s instanceof Text t) {
        b.append("  <text x=\"")
            .append(num(t.cx()))
            .append("\" y=\"")
            .append(num(t.y()))
            .append("\" font-size=\"")
            .append(num(t.size()))
            .append("\" text-anchor=\"middle\" fill=\"")
            .append(hex(t.color()))
            .append("\" font-family=\"")
            .append(StickerFont.SVG_FAMILIES.replace("'", "&apos;"))
            .append("\">")
            .append(xml(t.text()))
            .append("</text>\n");
      }
    }
    b.append("  <path fill=\"#000000\" shape-rendering=\"crispEdges\" transform=\"translate(")
        .append(num(qrX + QUIET_ZONE * moduleMm))
        .append(' ')
        .append(num(qrY + QUIET_ZONE * moduleMm))
        .append(") scale(")
        .append(num(moduleMm))
        .append(")\" d=\"");
    for (int y = 0; y < qr.size(); y++) {
      for (int x = 0; x < qr.size(); x++) {
        if (qr.isDark(x, y)) {
          b.append('M').append(x).append(' ').append(y).append("h1v1h-1z");
        }
      }
    }
    b.append("\"/>\n</svg>\n");
    return b.toString();
  }

  private static String num(double v) {
    String s = String.format(java.util.Locale.ROOT, "%.3f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static String hex(Color c) {
    return String.format("#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  // ------------------------------------------------------------------------------------ PDF

  /**
   * The sticker as a one-page A6 PDF (105 × 148 mm media box) with the font embedded as a subset;
   * the text is real text (searchable, extractable).
   */
  byte[] toPdf() {
    try (PDDocument doc = new PDDocument()) {
      PDPage page =
          new PDPage(
              new PDRectangle((float) (WIDTH_MM * PT_PER_MM), (float) (HEIGHT_MM * PT_PER_MM)));
      doc.addPage(page);
      List<PDType0Font> pdfFonts = new ArrayList<>();
      for (StickerFont.Face face : font.faces()) {
        pdfFonts.add(loadFont(doc, face.file()));
      }
      try (PDPageContentStream c = new PDPageContentStream(doc, page)) {
        for (Object s : shapes) {
          if (s instanceof Box b) {
            c.setNonStrokingColor(b.fill());
            roundRect(c, b.x(), b.y(), b.w(), b.h(), b.radius() / 2);
            c.fill();
          } else if (s instanceof Frame f) {
            c.setStrokingColor(f.c());
            c.setLineWidth(pt(f.line()));
            roundRect(c, f.x(), f.y(), f.w(), f.h(), f.radius() / 2);
            c.stroke();
          } else if (s instanceof Text t) {
            float size = pt(t.size());
            List<StickerFont.Run> runs = font.runs(t.text());
            float width = 0;
            for (StickerFont.Run r : runs) {
              width += pdfFonts.get(r.face()).getStringWidth(r.text()) / 1000f * size;
            }
            c.beginText();
            c.setNonStrokingColor(t.color());
            c.newLineAtOffset(pt(t.cx()) - width / 2, pt(HEIGHT_MM - t.y()));
            for (StickerFont.Run r : runs) {
              c.setFont(pdfFonts.get(r.face()), size);
              c.showText(r.text());
            }
            c.endText();
          }
        }
        c.setNonStrokingColor(Color.BLACK);
        double x0 = qrX + QUIET_ZONE * moduleMm;
        double y0 = qrY + QUIET_ZONE * moduleMm;
        for (int y = 0; y < qr.size(); y++) {
          for (int x = 0; x < qr.size(); x++) {
            if (qr.isDark(x, y)) {
              c.addRect(
                  pt(x0 + x * moduleMm),
                  pt(HEIGHT_MM - (y0 + (y + 1) * moduleMm)),
                  pt(moduleMm),
                  pt(moduleMm));
            }
          }
        }
        c.fill();
      }
      doc.getDocumentInformation().setTitle(BRAND + " · " + merchantName);
      doc.getDocumentInformation().setCreator("fangxin sticker");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      doc.save(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the sticker PDF", e);
    }
  }

  private static PDType0Font loadFont(PDDocument doc, java.nio.file.Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".ttc")) {
      TrueTypeCollection collection = new TrueTypeCollection(file.toFile());
      TrueTypeFont[] first = new TrueTypeFont[1];
      collection.processAllFonts(
          ttf -> {
            if (first[0] == null) {
              first[0] = ttf;
            }
          });
      if (first[0] == null) {
        throw new IOException("the font collection " + file + " holds no font");
      }
      return PDType0Font.load(doc, first[0], true);
    }
    return PDType0Font.load(doc, file.toFile());
  }

  /**
   * Adds a rectangle with corners of radius {@code r} (all in mm, top-left origin) to the path, as
   * Java2D's and SVG's rounded rectangles draw it: four lines and four quarter-circle curves.
   */
  private static void roundRect(
      PDPageContentStream c, double x, double y, double w, double h, double r) throws IOException {
    if (r <= 0) {
      c.addRect(pt(x), pt(HEIGHT_MM - y - h), pt(w), pt(h));
      return;
    }
    double k = r * 0.5523; // control-point distance of a cubic quarter circle
    double top = HEIGHT_MM - y;
    double bottom = HEIGHT_MM - y - h;
    c.moveTo(pt(x + r), pt(top));
    c.lineTo(pt(x + w - r), pt(top));
    c.curveTo(pt(x + w - r + k), pt(top), pt(x + w), pt(top - r + k), pt(x + w), pt(top - r));
    c.lineTo(pt(x + w), pt(bottom + r));
    c.curveTo(
        pt(x + w), pt(bottom + r - k), pt(x + w - r + k), pt(bottom), pt(x + w - r), pt(bottom));
    c.lineTo(pt(x + r), pt(bottom));
    c.curveTo(pt(x + r - k), pt(bottom), pt(x), pt(bottom + r - k), pt(x), pt(bottom + r));
    c.lineTo(pt(x), pt(top - r));
    c.curveTo(pt(x), pt(top - r + k), pt(x + r - k), pt(top), pt(x + r), pt(top));
    c.closePath();
  }

  private static float pt(double mm) {
    return (float) (mm * PT_PER_MM);
  }
}
