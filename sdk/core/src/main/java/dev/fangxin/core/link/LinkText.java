package dev.fangxin.core.link;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.token.TokenException;
import java.util.Locale;

/**
 * The text form shared by every link Fangxin prints in a QR code: {@code <BASE><PATH><TOKEN>}, all
 * upper case so that the QR code uses alphanumeric mode, where PATH names the kind of link ({@code
 * /D/} for a receipt's dispute link, {@code /M/} for a merchant's collection code) and TOKEN is the
 * unpadded RFC 4648 base32 of the signed token bytes (protocol/SPEC.md §6, §15).
 *
 * <p>This class checks the base and the base32 text; the caller parses the token bytes. It is
 * stateless and thread-safe.
 */
public final class LinkText {
  /** The longest base accepted. */
  public static final int MAX_BASE_LENGTH = 64;

  /** The longest link text {@link #split} looks at. */
  public static final int MAX_LINK_LENGTH = 512;

  private static final String BASE_CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$%*+-./:";

  private LinkText() {}

  /** A link taken apart: its upper-case base and its token text (still base32, any case). */
  public record Parts(String base, String tokenText) {}

  /**
   * Upper-cases {@code base} and checks it: {@code http://} or {@code https://}, a host, optionally
   * a port and a path, no trailing slash, at most {@value #MAX_BASE_LENGTH} characters, only
   * characters of QR alphanumeric mode.
   *
   * @throws TokenException {@code BAD_LINK} saying what is wrong
   */
  public static String base(String base) {
    requireNonNull(base, "base == null");
    String upper = base.toUpperCase(Locale.ROOT);
    if (!upper.startsWith("HTTPS://") && !upper.startsWith("HTTP://")) {
      throw badLink("the base must start with https:// or http://");
    }
    if (upper.length() > MAX_BASE_LENGTH) {
      throw badLink(
          "the base is at most " + MAX_BASE_LENGTH + " characters, got " + upper.length());
    }
    if (upper.endsWith("/")) {
      throw badLink("the base must not end with '/'");
    }
    if (upper.length() == upper.indexOf("://") + 3) {
      throw badLink("the base has no host");
    }
    for (int i = 0; i < upper.length(); i++) {
      if (BASE_CHARACTERS.indexOf(upper.charAt(i)) < 0) {
        throw badLink(
            "the base may hold only letters, digits and $%*+-./: (QR alphanumeric mode);"
                + " character "
                + (i + 1)
                + " is not one of them");
      }
    }
    return upper;
  }

  /**
   * Splits a link of the kind {@code path} (e.g. {@code "/M/"}) in any letter case at the last
   * occurrence of the path, checking the length and the base.
   *
   * @param kind how the link is named in messages, e.g. {@code "a dispute link"}
   * @throws TokenException {@code TOO_LONG} or {@code BAD_LINK}
   */
  public static Parts split(String text, String path, String kind) {
    requireNonNull(text, "text == null");
    if (text.length() > MAX_LINK_LENGTH) {
      throw new TokenException(
          TokenException.Reason.TOO_LONG,
          kind + " is at most " + MAX_LINK_LENGTH + " characters, got " + text.length());
    }
    int at = text.toUpperCase(Locale.ROOT).lastIndexOf(path);
    if (at < 0) {
      throw badLink("not " + kind + ": no \"" + path + "\" before the token");
    }
    return new Parts(base(text.substring(0, at)), text.substring(at + path.length()));
  }

  /**
   * Decodes a token text (canonical unpadded base32, any letter case) of at most {@code maxBytes}
   * bytes.
   *
   * @throws TokenException {@code TOO_LONG}, {@code BAD_LINK} when empty, {@code BAD_ENCODING}
   */
  public static byte[] decode(String tokenText, int maxBytes) {
    requireNonNull(tokenText, "tokenText == null");
    int maxChars = (maxBytes * 8 + 4) / 5;
    if (tokenText.length() > maxChars) {
      throw new TokenException(
          TokenException.Reason.TOO_LONG,
          "a token is at most " + maxChars + " characters, got " + tokenText.length());
    }
    if (tokenText.isEmpty()) {
      throw badLink("the link has no token");
    }
    return Base32.decode(tokenText);
  }

  /** Encodes token bytes as upper-case unpadded base32. */
  public static String encode(byte[] tokenBytes) {
    requireNonNull(tokenBytes, "tokenBytes == null");
    return Base32.encode(tokenBytes);
  }

  private static TokenException badLink(String message) {
    return new TokenException(TokenException.Reason.BAD_LINK, message);
  }
}
