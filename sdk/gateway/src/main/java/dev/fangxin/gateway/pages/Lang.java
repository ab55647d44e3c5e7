package dev.fangxin.gateway.pages;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The languages the consumer pages speak: Simplified Chinese ({@code zh-CN}), Traditional Chinese
 * as written in Hong Kong ({@code zh-HK}) and English ({@code en}).
 */
public enum Lang {
  /** Simplified Chinese, the default. */
  ZH_CN("zh-CN", "简体中文"),
  /** Traditional Chinese (Hong Kong). */
  ZH_HK("zh-HK", "繁體中文"),
  /** English. */
  EN("en", "English");

  private final String tag;
  private final String name;

  Lang(String tag, String name) {
    this.tag = tag;
    this.name = name;
  }

  /** The BCP 47 tag, used in {@code lang} attributes and in the {@code lang} query parameter. */
  public String tag() {
    return tag;
  }

  /** The language's name in itself, for the language switch. */
  public String nativeName() {
    return name;
  }

  /** The language whose {@link #tag()} is {@code tag} (case-insensitive), if there is one. */
  public static Optional<Lang> ofTag(String tag) {
    for (Lang l : values()) {
      if (l.tag.equalsIgnoreCase(tag)) {
        return Optional.of(l);
      }
    }
    return Optional.empty();
  }

  /**
   * The language to use: {@code explicit} (the {@code lang} parameter) if it names one, else the
   * best match of {@code acceptLanguage} (RFC 9110 weights; {@code zh-HK}, {@code zh-MO}, {@code
   * zh-TW} and {@code zh-Hant} read as {@link #ZH_HK}, any other {@code zh} as {@link #ZH_CN}),
   * else {@link #ZH_CN}. Never fails: a header that cannot be read counts as absent.
   */
  public static Lang choose(Optional<String> explicit, Optional<String> acceptLanguage) {
    if (explicit.isPresent()) {
      Optional<Lang> l = ofTag(explicit.get());
      if (l.isPresent()) {
        return l.get();
      }
    }
    if (acceptLanguage.isEmpty() || acceptLanguage.get().length() > 1000) {
      return ZH_CN;
    }
    Lang best = null;
    double bestQ = 0;
    List<String> ranges = new ArrayList<>(List.of(acceptLanguage.get().split(",")));
    for (String range : ranges) {
      String[] parts = range.trim().split(";", -1);
      String tag = parts[0].trim().toLowerCase(Locale.ROOT);
      double q = 1;
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i].trim();
        if (p.startsWith("q=")) {
          try {
            q = Double.parseDouble(p.substring(2));
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      Lang l = match(tag);
      if (l != null && q > bestQ) {
        best = l;
        bestQ = q;
      }
    }
    return best == null ? ZH_CN : best;
  }

  private static Lang match(String tag) {
    if (tag.equals("zh-hk")
        || tag.equals("zh-mo")
        || tag.equals("zh-tw")
        || tag.startsWith("zh-hant")
        || tag.startsWith("zh-hk-")
        || tag.startsWith("zh-tw-")) {
      return ZH_HK;
    }
    if (tag.equals("zh") || tag.startsWith("zh-")) {
      return ZH_CN;
    }
    if (tag.equals("en") || tag.startsWith("en-")) {
      return EN;
    }
    return null;
  }
}
