package dev.fangxin.adapters.virtualprinter;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The paper a {@link VirtualPrinter} printed: a strip {@link #width()} dots wide (one dot = one
 * pixel, 8 dots/mm) and {@link #height()} dots long, black dots on white, plus what was printed in
 * a form tests can assert on: the decoded text of each printed line and the text of each QR code.
 *
 * <p>The paper ends at the last feed: every line, image, symbol, feed and cut the stream sent is on
 * it. Several receipts separated by cuts lie one below the other; each cut is drawn as a dashed
 * line (with a gap in the middle for a partial cut) in a {@value Interpreter#CUT_MARK_HEIGHT}-dot
 * band that a real roll does not have.
 *
 * <p>Instances are immutable and thread-safe; {@link #image()} and {@link #toPng()} return new
 * objects that the caller owns.
 */
public final class RenderedPaper {
  private final int width;
  private final int height;
  private final byte[] bits;
  private final List<String> textLines;
  private final List<String> qrPayloads;
  private final int cutCount;
  private final String unprintedText;

  RenderedPaper(
      int width,
      int height,
      byte[] bits,
      List<String> textLines,
      List<String> qrPayloads,
      int cutCount,
      String unprintedText) {
    this.width = width;
    this.height = height;
    this.bits = bits;
    this.textLines = List.copyOf(textLines);
    this.qrPayloads = List.copyOf(qrPayloads);
    this.cutCount = cutCount;
    this.unprintedText = unprintedText;
  }

  /** Returns the paper width in dots: 384 (58 mm paper) or 576 (80 mm). */
  public int width() {
    return width;
  }

  /** Returns the paper length in dots, at least 1 (an empty stream gives a 1-dot white strip). */
  public int height() {
    return height;
  }

  /**
   * Returns whether the dot at column {@code x}, row {@code y} is black.
   *
   * @throws IndexOutOfBoundsException if the dot is outside the paper
   */
  public boolean isBlack(int x, int y) {
    if (x < 0 || x >= width || y < 0 || y >= height) {
      throw new IndexOutOfBoundsException(
          "Dot (" + x + ", " + y + ") is outside the " + width + " x " + height + " paper.");
    }
    return (bits[y * (width / 8) + (x >> 3)] & (0x80 >>> (x & 7))) != 0;
  }

  /**
   * Returns a new 1-bit image of the paper ({@link BufferedImage#TYPE_BYTE_BINARY}, black and
   * white), {@link #width()} x {@link #height()} pixels.
   */
  public BufferedImage image() {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY);
    byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    // Our bits are 1 = black; the default binary palette has index 0 = black, 1 = white.
    for (int i = 0; i < target.length; i++) {
      target[i] = (byte) ~bits[i];
    }
    return image;
  }

  /**
   * Returns the paper as a PNG file's bytes: 1-bit grayscale, {@link #width()} x {@link #height()}
   * pixels, written by {@code javax.imageio}.
   */
  public byte[] toPng() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(width * height / 32 + 1024);
    try {
      if (!ImageIO.write(image(), "png", out)) {
        throw new IllegalStateException("This Java runtime has no PNG writer in javax.imageio.");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("ByteArrayOutputStream cannot fail", e);
    }
    return out.toByteArray();
  }

  /**
   * Returns the decoded text of each printed text line, top to bottom: one entry per physical line
   * (a line the printer wrapped gives several), exactly as printed, spaces included. Feeds of empty
   * lines, raster images and QR codes are not text lines. Unmodifiable.
   */
  public List<String> textLines() {
    return textLines;
  }

  /**
   * Returns the text of each QR code printed, top to bottom, as encoded into the symbol: the stored
   * bytes decoded as UTF-8 when they are valid UTF-8, else as ISO-8859-1. Unmodifiable.
   */
  public List<String> qrPayloads() {
    return qrPayloads;
  }

  /** Returns how many cuts (full or partial) the stream made. */
  public int cutCount() {
    return cutCount;
  }

  /**
   * Returns the text left in the line buffer when the stream ended, which a printer does not print
   * until a line feed comes, and which is therefore not on this paper; empty when nothing was left.
   */
  public String unprintedText() {
    return unprintedText;
  }

  /** Returns a summary such as {@code RenderedPaper{384x912, 12 lines, 1 QR, 1 cut}}. */
  @Override
  public String toString() {
    return "RenderedPaper{"
        + width
        + "x"
        + height
        + ", "
        + textLines.size()
        + " lines, "
        + qrPayloads.size()
        + " QR, "
        + cutCount
        + " cut"
        + (cutCount == 1 ? "" : "s")
        + "}";
  }
}
