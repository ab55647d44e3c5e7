package dev.fangxin.core.code;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.link.LinkText;
import dev.fangxin.core.token.TokenException;

/**
 * The URL in a collection code's QR: {@code <BASE>/M/<TOKEN>}, upper case, where TOKEN is the
 * unpadded base32 of the {@link MerchantCode} bytes (protocol/SPEC.md §15). A version-1 token is
 * 130 characters, so with a 24-character base the link is 157 characters: QR version 7 at level M,
 * or version 8 at level Q. The base follows the same rules as a dispute link's. Immutable and
 * thread-safe.
 */
public final class MerchantLink {
  private static final String PATH = "/M/";

  private final String base;
  private final MerchantCode code;

  private MerchantLink(String base, MerchantCode code) {
    this.base = base;
    this.code = code;
  }

  /**
   * Returns the link for {@code code} under {@code base}, e.g. {@code https://fx.example.cn}.
   *
   * @throws TokenException {@code BAD_LINK} if the base is not acceptable
   */
  public static MerchantLink of(String base, MerchantCode code) {
    requireNonNull(code, "code == null");
    return new MerchantLink(LinkText.base(base), code);
  }

  /**
   * Parses a collection-code link in any letter case and decodes its code. Does not verify the
   * signature: call {@code code().verify(key)}.
   *
   * @throws TokenException naming why the text is not a valid link
   */
  public static MerchantLink parse(String text) {
    LinkText.Parts parts = LinkText.split(text, PATH, "a collection-code link");
    return new MerchantLink(parts.base(), decodeCode(parts.tokenText()));
  }

  /**
   * Decodes the token part of a link (base32, any letter case). Does not verify the signature.
   *
   * @throws TokenException naming why the text is not a valid code
   */
  public static MerchantCode decodeCode(String tokenText) {
    return MerchantCode.parse(LinkText.decode(tokenText, MerchantCode.MAX_LENGTH));
  }

  /** Encodes {@code code} as upper-case unpadded base32. */
  public static String encodeCode(MerchantCode code) {
    return LinkText.encode(code.toBytes());
  }

  /** The base, upper case, without the trailing {@code /M/}. */
  public String base() {
    return base;
  }

  public MerchantCode code() {
    return code;
  }

  /** The whole link, upper case: {@code <BASE>/M/<TOKEN>}. */
  @Override
  public String toString() {
    return base + PATH + encodeCode(code);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MerchantLink other && base.equals(other.base) && code.equals(other.code);
  }

  @Override
  public int hashCode() {
    return base.hashCode() * 31 + code.hashCode();
  }
}
