package dev.fangxin.gateway.pages;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The pages' texts in every {@link Lang}, read once from the UTF-8 properties files {@code
 * dev/fangxin/gateway/pages/messages_<tag>.properties} on the class path. Every language must have
 * exactly the same keys ({@code MessagesTest} checks it). Immutable and thread-safe.
 */
public final class Messages {
  private final Map<Lang, Map<String, String>> texts;

  private Messages(Map<Lang, Map<String, String>> texts) {
    this.texts = texts;
  }

  /**
   * Loads the bundled messages.
   *
   * @throws UncheckedIOException if a bundle is missing or cannot be read
   */
  public static Messages load() {
    Map<Lang, Map<String, String>> texts = new EnumMap<>(Lang.class);
    for (Lang l : Lang.values()) {
      String name = "messages_" + l.tag().replace('-', '_') + ".properties";
      Properties p = new Properties();
      try (InputStream in = Messages.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new UncheckedIOException(
              new IOException("Message bundle " + name + " is not on the class path."));
        }
        p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read message bundle " + name + ".", e);
      }
      Map<String, String> m = new TreeMap<>();
      for (String k : p.stringPropertyNames()) {
        m.put(k, p.getProperty(k));
      }
      texts.put(l, Collections.unmodifiableMap(m));
    }
    return new Messages(Collections.unmodifiableMap(texts));
  }

  /** Every text of {@code lang}, by key (unmodifiable). */
  public Map<String, String> all(Lang lang) {
    return texts.get(Objects.requireNonNull(lang, "lang == null"));
  }

  /** The keys of {@code lang}'s bundle. */
  public Set<String> keys(Lang lang) {
    return all(lang).keySet();
  }

  /**
   * The text {@code key} in {@code lang}, with each {@code {0}}, {@code {1}}… replaced by the
   * argument at that index (plain replacement; the result is escaped when it is rendered).
   *
   * @throws IllegalArgumentException if the key does not exist
   */
  public String get(Lang lang, String key, Object... args) {
    String t = all(lang).get(key);
    if (t == null) {
      throw new IllegalArgumentException("No message \"" + key + "\" in " + lang.tag() + ".");
    }
    for (int i = 0; i < args.length; i++) {
      t = t.replace("{" + i + "}", String.valueOf(args[i]));
    }
    return t;
  }
}
