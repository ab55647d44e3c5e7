package dev.fangxin.gateway.pages;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The page templates ({@code dev/fangxin/gateway/pages/*.mustache}), rendered with mustache.java.
 * Every {@code {{value}}} is HTML-escaped by the engine; the templates never use the unescaped
 * forms ({@code {{{…}}}}, {@code {{&…}}}), which {@code TemplatesTest} checks. Thread-safe:
 * compiled templates are cached and may be executed concurrently.
 */
final class Templates {
  private final MustacheFactory factory = new DefaultMustacheFactory("dev/fangxin/gateway/pages");
  private final Map<String, Mustache> compiled = new ConcurrentHashMap<>();

  /** The names of every page template, for tests. */
  static final String[] NAMES = {
    "head", "foot", "receipt", "landing", "form", "filed", "case", "message"
  };

  /** Renders template {@code name} (without {@code .mustache}) over {@code scope}, as UTF-8. */
  byte[] render(String name, Map<String, Object> scope) {
    Objects.requireNonNull(scope, "scope == null");
    Mustache m = compiled.computeIfAbsent(name, n -> factory.compile(n + ".mustache"));
    StringWriter out = new StringWriter(8192);
    m.execute(out, scope);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
