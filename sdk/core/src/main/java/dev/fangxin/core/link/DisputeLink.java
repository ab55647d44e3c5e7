package dev.fangxin.core.link;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.token.DisputeToken;
import dev.fangxin.core.token.TokenException;
import java.util.Locale;

/**
 * The URL printed in a receipt's QR code: {@code <BASE>/D/<TOKEN>}, all upper case so that the QR
 * code uses alphanumeric mode, where TOKEN is the unpadded RFC 4648 base32 of the {@link
 * DisputeToken} bytes (protocol/SPEC.md §6). With a base of 24 characters a version-1 link is 176
 * characters, which fits QR version 7 at error-correction level M (178).
 *
 * <p>The base is the deployment's or region's address: {@code http://} or {@code https://}, a host,
 * optionally a port and path, no trailing slash, at most {@value #MAX_BASE_LENGTH} characters, and
 * only characters of QR alphanumeric mode once upper-cased. {@link #parse} accepts any letter case.
 * Instances are immutable and thread-safe.
 */
public final class DisputeLink {
  /** The longest base accepted. */
  public static final int MAX_BASE_LENGTH = 64;

  /** The longest link text {@link #parse} looks at. */
  public static final int MAX_LINK_LENGTH = 512;

  private static final String PATH = "/D/";
  private static final String BASE_CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$%*+-./:";

  private final String base;
  private final DisputeToken token;

  private DisputeLink(String base, DisputeToken token) {
    this.base = base;
    this.token = token;
  }

  /**
   * Returns the link for {@code token} under {@code base}, e.g. {@code https://fx.example.cn}.
   *
   * @throws TokenException {@code BAD_LINK} if the base is not acceptable
   */
  public static DisputeLink of(String base, DisputeToken token) {
    requireNonNull(base, "base == null");
    requireNonNull(token, "token == null");
    return new DisputeLink(checkBase(base.toUpperCase(Locale.ROOT)), token);
  }

  /**
   * Parses a dispute link in any letter case and decodes its token. Does not verify the signature:
   * call {@code token().verify(key)}.
   *
   * @throws TokenException naming why the text is not a valid link
   */
  public static DisputeLink parse(String text) {
    requireNonNull(text, "text == null");
    if (text.length() > MAX_LINK_LENGTH) {
      throw new TokenException(
          TokenException.Reason.TOO_LONG,
          "a dispute link is at most " + MAX_LINK_LENGTH + " characters, got " + text.length());
    }
    String upper = text.toUpperCase(Locale.ROOT);
    int at = upper.lastIndexOf(PATH);
    if (at < 0) {
      throw new TokenException(
          TokenException.Reason.BAD_LINK, "not a dispute link: no \"/D/\" before the token");
    }
    String base = checkBase(upper.substring(0, at));
    return new DisputeLink(base, decodeToken(text.substring(at + PATH.length())));
  }

  /**
   * Decodes the token part of a link (base32, any letter case). Does not verify the signature.
   *
   * @throws TokenException naming why the text is not a valid token
   */
  public static DisputeToken decodeToken(String tokenText) {
    requireNonNull(tokenText, "tokenText == null");
    int maxChars = (DisputeToken.MAX_LENGTH * 8 + 4) / 5;
    if (tokenText.length() > maxChars) {
      throw new TokenException(
          TokenException.Reason.TOO_LONG,
          "a token is at most " + maxChars + " characters, got " + tokenText.length());
    }
    if (tokenText.isEmpty()) {
      throw new TokenException(TokenException.Reason.BAD_LINK, "the link has no token");
    }
    return DisputeToken.parse(Base32.decode(tokenText));
  }

  /** Encodes {@code token} as upper-case unpadded base32. */
  public static String encodeToken(DisputeToken token) {
    return Base32.encode(token.toBytes());
  }

  private static String checkBase(String base) {
    if (!base.startsWith("HTTPS://") && !base.startsWith("HTTP://")) {
      throw new TokenException(
          TokenException.Reason.BAD_LINK, "the base must start with https:// or http://");
    }
    if (base.length() > MAX_BASE_LENGTH) {
      throw new TokenException(
          TokenException.Reason.BAD_LINK,
          "the base is at most " + MAX_BASE_LENGTH + " characters, got " + base.length());
    }
    if (base.endsWith("/")) {
      throw new TokenException(TokenException.Reason.BAD_LINK, "the base must not end with '/'");
    }
    int hostStart = base.indexOf("://") + 3;
    if (base.length() == hostStart) {
      throw new TokenException(TokenException.Reason.BAD_LINK, "the base has no host");
    }
    for (int i = 0; i < base.length(); i++) {
      char c = base.charAt(i);
      if (BASE_CHARACTERS.indexOf(c) < 0) {
        throw new TokenException(
            TokenException.Reason.BAD_LINK,
            "the base may hold only letters, digits and $%*+-./: (QR alphanumeric mode);"
                + " character "
                + (i + 1)
                + " is not one of them");
      }
    }
    return base;
  }

  /** The base, upper case, without the trailing {@code /D/}. */
  public String base() {
    return base;
  }

  public DisputeToken token() {
    return token;
  }

  /** The whole link, upper case: {@code <BASE>/D/<TOKEN>}. */
  @Override
  public String toString() {
    return base + PATH + encodeToken(token);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DisputeLink other && base.equals(other.base) && token.equals(other.token);
  }

  @Override
  public int hashCode() {
    return base.hashCode() * 31 + token.hashCode();
  }
}
