package dev.fangxin.cli;

import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.font.FontRenderContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The fonts a sticker is drawn with: one or more TrueType files (a collection gives its first
 * face), tried in order for each character. Some CJK fonts (Droid Sans Fallback) have no Latin
 * letters, so a Latin font comes first when one is installed and the CJK font draws the rest. The
 * same files are drawn into the PNG (Java2D) and embedded, subset, into the PDF, so both show the
 * same glyphs; the SVG names a family list instead (an SVG viewer picks an installed font).
 *
 * <p>No font is ever downloaded. {@link #find} takes the files given, or the first installed {@link
 * #LATIN} font followed by the first installed {@link #CJK} font that completes the text. Immutable
 * and thread-safe.
 */
final class StickerFont {
  /** Installed CJK fonts tried in order: Debian/Ubuntu, Fedora, macOS and Windows locations. */
  static final List<String> CJK =
      List.of(
          "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
          "/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",
          "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
          "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
          "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
          "/usr/share/fonts/truetype/arphic/uming.ttc",
          "/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf",
          "/Library/Fonts/Arial Unicode.ttf",
          "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
          "C:\\Windows\\Fonts\\simhei.ttf",
          "C:\\Windows\\Fonts\\msyh.ttc",
          "C:\\Windows\\Fonts\\simsun.ttc");

  /** Installed Latin fonts tried in order, for CJK fonts without Latin letters. */
  static final List<String> LATIN =
      List.of(
          "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
          "/usr/share/fonts/dejavu/DejaVuSans.ttf",
          "/usr/share/fonts/TTF/DejaVuSans.ttf",
          "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
          "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
          "/Library/Fonts/Arial.ttf",
          "/System/Library/Fonts/Supplemental/Arial.ttf",
          "C:\\Windows\\Fonts\\arial.ttf");

  /** The SVG's font-family list: common CJK families first, then the generic family. */
  static final String SVG_FAMILIES =
      "'Noto Sans CJK SC', 'Source Han Sans SC', 'Droid Sans Fallback', 'WenQuanYi Zen Hei',"
          + " 'PingFang SC', 'Microsoft YaHei', 'SimHei', sans-serif";

  private static final FontRenderContext FRC = new FontRenderContext(null, true, true);

  /** One font file and its Java2D font. */
  record Face(Path file, Font font) {}

  /** A stretch of text drawn with one face. */
  record Run(int face, String text) {}

  private final List<Face> faces;

  private StickerFont(List<Face> faces) {
    this.faces = List.copyOf(faces);
  }

  /**
   * The fonts {@code explicit} when any are given, else the installed ones, such that every
   * character of {@code text} has a glyph in one of them.
   *
   * @throws UserException naming what was tried and what is missing (with how to install a font)
   */
  static StickerFont find(List<Path> explicit, String text) {
    Objects.requireNonNull(text, "text == null");
    List<Face> faces = new ArrayList<>();
    if (!explicit.isEmpty()) {
      for (Path f : explicit) {
        if (!Files.isRegularFile(f)) {
          throw new UserException("--font: no such file: " + f);
        }
        faces.add(
            load(f)
                .orElseThrow(
                    () -> new UserException("--font: " + f + " is not a font Java can read")));
      }
      StickerFont font = new StickerFont(faces);
      font.missing(text)
          .ifPresent(
              c -> {
                throw new UserException(
                    "--font: no glyph for '" + c + "' in " + explicit + "; add a CJK font");
              });
      return font;
    }
    firstInstalled(LATIN).ifPresent(faces::add);
    List<String> tried = new ArrayList<>();
    for (String candidate : CJK) {
      Path f = Path.of(candidate);
      if (!Files.isRegularFile(f)) {
        continue;
      }
      Optional<Face> face = load(f);
      if (face.isEmpty()) {
        tried.add(candidate + " (unreadable)");
        continue;
      }
      List<Face> with = new ArrayList<>(faces);
      with.add(face.get());
      StickerFont font = new StickerFont(with);
      Optional<String> missing = font.missing(text);
      if (missing.isEmpty()) {
        return font;
      }
      tried.add(candidate + " (no '" + missing.get() + "')");
    }
    throw new UserException(
        "no font found to draw the sticker ("
            + (tried.isEmpty() ? "no CJK font is installed" : "tried " + tried)
            + (faces.isEmpty() ? ", and no Latin font" : "")
            + "); install one (Debian: apt-get install fonts-droid-fallback fonts-dejavu-core)"
            + " or give --font FILE (repeat it to combine a Latin and a CJK font)");
  }

  private static Optional<Face> firstInstalled(List<String> candidates) {
    for (String c : candidates) {
      Path f = Path.of(c);
      if (Files.isRegularFile(f)) {
        Optional<Face> face = load(f);
        if (face.isPresent()) {
          return face;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Face> load(Path f) {
    try {
      Font[] fonts = Font.createFonts(f.toFile());
      return fonts.length == 0 ? Optional.empty() : Optional.of(new Face(f, fonts[0]));
    } catch (FontFormatException | IOException | RuntimeException e) {
      return Optional.empty(); // not a usable font: the caller tries the next one or says so
    }
  }

  /** The first character of {@code text} no face can draw, if any. */
  Optional<String> missing(String text) {
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (faceOf(cp) < 0) {
        return Optional.of(new String(Character.toChars(cp)));
      }
      i += Character.charCount(cp);
    }
    return Optional.empty();
  }

  private int faceOf(int codePoint) {
    if (Character.isWhitespace(codePoint)) {
      return 0; // a space is drawn by the first face whatever it says about it
    }
    for (int i = 0; i < faces.size(); i++) {
      if (faces.get(i).font().canDisplay(codePoint)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Splits {@code text} into runs, each drawn with the first face that has its characters.
   *
   * @throws IllegalArgumentException if a character has no face (see {@link #missing})
   */
  List<Run> runs(String text) {
    List<Run> runs = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int face = -1;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int f = faceOf(cp);
      if (f < 0) {
        throw new IllegalArgumentException(
            "No font draws '" + new String(Character.toChars(cp)) + "'.");
      }
      if (f != face && current.length() > 0) {
        runs.add(new Run(face, current.toString()));
        current.setLength(0);
      }
      face = f;
      current.appendCodePoint(cp);
      i += Character.charCount(cp);
    }
    if (current.length() > 0) {
      runs.add(new Run(face, current.toString()));
    }
    return runs;
  }

  /**
   * The advance width of {@code text} at {@code size} (in the caller's unit), as Java2D draws it.
   */
  double width(String text, double size) {
    double w = 0;
    for (Run r : runs(text)) {
      w +=
          faces
              .get(r.face())
              .font()
              .deriveFont((float) size)
              .getStringBounds(r.text(), FRC)
              .getWidth();
    }
    return w;
  }

  /** The faces, in the order they are tried. */
  List<Face> faces() {
    return faces;
  }

  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    for (Face f : faces) {
      names.add(f.font().getFontName() + " (" + f.file() + ")");
    }
    return String.join(" + ", names);
  }
}
