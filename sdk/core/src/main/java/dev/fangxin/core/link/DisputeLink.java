package dev.fangxin.core.link;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.token.DisputeToken;
import dev.fangxin.core.token.TokenException;

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
  public static final int MAX_BASE_LENGTH = LinkText.MAX_BASE_LENGTH;

  /** The longest link text {@link #parse} looks at. */
  public static final int MAX_LINK_LENGTH = LinkText.MAX_LINK_LENGTH;

  private static final String PATH = "/D/";

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
    requireNonNull(token, "token == null");
    return new DisputeLink(LinkText.base(base), token);
  }

  /**
   * Parses a dispute link in any letter case and decodes its token. Does not verify the signature:
   * call {@code token().verify(key)}.
   *
   * @throws TokenException naming why the text is not a valid link
   */
  public static DisputeLink parse(String text) {
    LinkText.Parts parts = LinkText.split(text, PATH, "a dispute link");
    return new DisputeLink(parts.base(), decodeToken(parts.tokenText()));
  }

  /**
   * Decodes the token part of a link (base32, any letter case). Does not verify the signature.
   *
   * @throws TokenException naming why the text is not a valid token
   */
  public static DisputeToken decodeToken(String tokenText) {
    return DisputeToken.parse(LinkText.decode(tokenText, DisputeToken.MAX_LENGTH));
  }

  /** Encodes {@code token} as upper-case unpadded base32. */
  public static String encodeToken(DisputeToken token) {
    return LinkText.encode(token.toBytes());
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
