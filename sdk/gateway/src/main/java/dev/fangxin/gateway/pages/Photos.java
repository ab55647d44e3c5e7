package dev.fangxin.gateway.pages;

import dev.fangxin.gateway.store.Store;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Photos attached to a complaint: checked, re-encoded without metadata, and kept in table {@code
 * case_photos}.
 *
 * <p>{@link #sanitize} accepts at most {@value #MAX_PHOTOS} photos of at most {@value
 * #MAX_PHOTO_BYTES} bytes and {@value #MAX_PIXELS} pixels each, whose bytes start as JPEG ({@code
 * FF D8 FF}) or PNG ({@code 89 50 4E 47 0D 0A 1A 0A}) do — the type the browser claims is ignored.
 * Each is decoded and written again by ImageIO (JPEG at quality 0.9, PNG as is), so EXIF (location,
 * device), comments and every other metadata segment are dropped. The dimensions are read from the
 * header before any pixel is decoded, so a small file that claims a huge image is refused cheaply.
 * Thread-safe.
 */
public final class Photos {
  /** Most photos per complaint. */
  public static final int MAX_PHOTOS = 3;

  /** Largest photo file accepted, in bytes. */
  public static final int MAX_PHOTO_BYTES = 5 * 1024 * 1024;

  /** Most pixels (width × height) of a photo. */
  public static final long MAX_PIXELS = 24_000_000L;

  /** One accepted photo: its media type, dimensions and re-encoded bytes. Immutable. */
  public static final class Photo {
    private final String mediaType;
    private final int width;
    private final int height;
    private final byte[] content;

    Photo(String mediaType, int width, int height, byte[] content) {
      this.mediaType = mediaType;
      this.width = width;
      this.height = height;
      this.content = content;
    }

    /** {@code image/jpeg} or {@code image/png}. */
    public String mediaType() {
      return mediaType;
    }

    /** Width in pixels. */
    public int width() {
      return width;
    }

    /** Height in pixels. */
    public int height() {
      return height;
    }

    /** The re-encoded bytes (a copy). */
    public byte[] content() {
      return content.clone();
    }
  }

  private final Store store;
  private final Clock clock;

  private Photos(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Photos kept in {@code store}. */
  public static Photos on(Store store, Clock clock) {
    return new Photos(
        Objects.requireNonNull(store, "store == null"),
        Objects.requireNonNull(clock, "clock == null"));
  }

  /**
   * Checks and re-encodes {@code files} (the raw uploads, in order), all or nothing.
   *
   * @throws PageException {@code PHOTO_TOO_MANY}, {@code PHOTO_TOO_LARGE}, {@code PHOTO_TYPE} or
   *     {@code PHOTO_UNREADABLE} for the first photo that fails
   */
  public static List<Photo> sanitize(List<byte[]> files) {
    if (files.size() > MAX_PHOTOS) {
      throw new PageException(
          PageException.Reason.PHOTO_TOO_MANY,
          files.size() + " photos sent; at most " + MAX_PHOTOS + " are accepted.");
    }
    List<Photo> out = new ArrayList<>();
    for (byte[] f : files) {
      out.add(sanitize(f));
    }
    return out;
  }

  private static Photo sanitize(byte[] f) {
    if (f.length > MAX_PHOTO_BYTES) {
      throw new PageException(
          PageException.Reason.PHOTO_TOO_LARGE,
          "A photo of " + f.length + " bytes; at most " + MAX_PHOTO_BYTES + " are accepted.");
    }
    String format;
    if (f.length >= 3 && (f[0] & 0xff) == 0xff && (f[1] & 0xff) == 0xd8 && (f[2] & 0xff) == 0xff) {
      format = "jpeg";
    } else if (f.length >= 8
        && (f[0] & 0xff) == 0x89
        && f[1] == 'P'
        && f[2] == 'N'
        && f[3] == 'G'
        && f[4] == 0x0d
        && f[5] == 0x0a
        && f[6] == 0x1a
        && f[7] == 0x0a) {
      format = "png";
    } else {
      throw new PageException(
          PageException.Reason.PHOTO_TYPE, "A photo that is neither JPEG nor PNG by its bytes.");
    }
    BufferedImage image;
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(f))) {
      Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
      if (!readers.hasNext()) {
        throw new IllegalStateException("ImageIO has no " + format + " reader.");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w < 1 || h < 1 || w * h > MAX_PIXELS) {
          throw new PageException(
              PageException.Reason.PHOTO_TOO_LARGE,
              "A photo of " + w + "×" + h + " pixels; at most " + MAX_PIXELS + " are accepted.");
        }
        image = reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof PageException) {
        throw (PageException) e;
      }
      throw new PageException(
          PageException.Reason.PHOTO_UNREADABLE,
          "A " + format + " photo that cannot be decoded.",
          e);
    }
    int w = image.getWidth();
    int h = image.getHeight();
    BufferedImage clean =
        new BufferedImage(
            w, h, format.equals("png") ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    Graphics2D g = clean.createGraphics();
    try {
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return new Photo("image/" + format, w, h, encode(clean, format));
  }

  private static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (format.equals("jpeg")) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.9f);
      }
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot encode a decoded image as " + format + ".", e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /**
   * Stores {@code photos} as photos 1.. of {@code caseId}, unless the case already has photos (a
   * form sent twice stores them once). One transaction.
   *
   * @throws dev.fangxin.gateway.store.StoreException if the store fails
   */
  public void save(String caseId, List<Photo> photos) {
    if (photos.isEmpty()) {
      return;
    }
    store.inTransaction(
        tx -> {
          if (count(tx, caseId) > 0) {
            return null;
          }
          try (PreparedStatement ps =
              tx.prepareStatement(
                  "INSERT INTO case_photos (case_id, n, media_type, width, height, content,"
                      + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            int n = 1;
            for (Photo p : photos) {
              ps.setString(1, caseId);
              ps.setInt(2, n++);
              ps.setString(3, p.mediaType);
              ps.setInt(4, p.width);
              ps.setInt(5, p.height);
              ps.setBytes(6, p.content);
              ps.setLong(7, clock.instant().getEpochSecond());
              ps.executeUpdate();
            }
          }
          return null;
        });
  }

  /** How many photos {@code caseId} has. */
  public int count(String caseId) {
    return store.inTransaction(tx -> count(tx, caseId));
  }

  private static int count(Connection tx, String caseId) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement("SELECT COUNT(*) FROM case_photos WHERE case_id = ?")) {
      ps.setString(1, caseId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Photo {@code n} (from 1) of {@code caseId}, if it exists. */
  public Optional<Photo> find(String caseId, int n) {
    return store.inTransaction(
        tx -> {
          try (PreparedStatement ps =
              tx.prepareStatement(
                  "SELECT media_type, width, height, content FROM case_photos"
                      + " WHERE case_id = ? AND n = ?")) {
            ps.setString(1, caseId);
            ps.setInt(2, n);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              return Optional.of(
                  new Photo(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getBytes(4)));
            }
          }
        });
  }
}
