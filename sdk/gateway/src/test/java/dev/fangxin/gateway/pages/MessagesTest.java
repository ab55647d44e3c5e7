package dev.fangxin.gateway.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The message bundles, the templates' use of them, and the choice of language. */
class MessagesTest {
  private final Messages messages = Messages.load();

  @Test
  void everyLanguageHasEveryKeyAndNoEmptyText() {
    Set<String> en = messages.keys(Lang.EN);
    assertThat(en).hasSizeGreaterThan(100);
    for (Lang l : Lang.values()) {
      assertThat(messages.keys(l)).as(l.tag()).isEqualTo(en);
      for (String k : en) {
        assertThat(messages.get(l, k)).as(l.tag() + " " + k).isNotBlank();
      }
    }
    // The Chinese bundles really are Chinese, and the two are not the same script.
    assertThat(messages.get(Lang.ZH_CN, "form_submit")).isEqualTo("提交投诉");
    assertThat(messages.get(Lang.ZH_HK, "receipt_heading")).isEqualTo("您的收據");
    assertThat(messages.get(Lang.ZH_CN, "receipt_heading"))
        .isNotEqualTo(messages.get(Lang.ZH_HK, "receipt_heading"));
  }

  /**
   * Hong Kong readers get traditional characters throughout: no text of the zh-HK bundle uses a
   * common simplified-only form (户 for 戶, 这 for 這, …).
   */
  @Test
  void traditionalChineseUsesNoSimplifiedOnlyCharacters() {
    String simplifiedOnly = "户这们为时说请还过发确认证单号码务费额应处复关联系电话选择题买卖钱实现开问间门";
    for (String k : messages.keys(Lang.ZH_HK)) {
      String text = messages.get(Lang.ZH_HK, k);
      for (char c : text.toCharArray()) {
        assertThat(simplifiedOnly.indexOf(c))
            .as("zh-HK %s uses the simplified %s: %s", k, c, text)
            .isNegative();
      }
    }
  }

  @Test
  void placeholdersAgreeAcrossLanguages() {
    Pattern p = Pattern.compile("\\{(\\d)\\}");
    for (String k : messages.keys(Lang.EN)) {
      Set<String> expected = placeholders(p, messages.get(Lang.EN, k));
      for (Lang l : Lang.values()) {
        assertThat(placeholders(p, messages.all(l).get(k)))
            .as(l.tag() + " " + k)
            .isEqualTo(expected);
      }
    }
    assertThat(messages.get(Lang.EN, "form_photos_hint", 3, 5))
        .startsWith("Up to 3 photos")
        .contains("5 MB");
    assertThatThrownBy(() -> messages.get(Lang.EN, "no_such_key"))
        .hasMessageContaining("no_such_key");
  }

  private static Set<String> placeholders(Pattern p, String s) {
    Set<String> out = new HashSet<>();
    Matcher m = p.matcher(s);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  @Test
  void everyKeyATemplateUsesExistsAndNoTemplateOutputsUnescaped() throws IOException {
    Pattern used = Pattern.compile("\\{\\{[#^/]?t\\.([a-z0-9_]+)\\}\\}");
    int seen = 0;
    for (String name : Templates.NAMES) {
      String text;
      try (InputStream in = Templates.class.getResourceAsStream(name + ".mustache")) {
        assertThat(in).as(name).isNotNull();
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertThat(text)
          .as(name)
          .doesNotContain("{{{")
          .doesNotContain("{{&")
          .doesNotContain("<script")
          .doesNotContain("style=\"")
          .doesNotContain(" on");
      Matcher m = used.matcher(text);
      while (m.find()) {
        seen++;
        assertThat(messages.keys(Lang.EN)).as(name).contains(m.group(1));
      }
    }
    assertThat(seen).isGreaterThan(40);
  }

  @Test
  void theLanguageFollowsTheSwitchThenAcceptLanguage() {
    assertThat(Lang.choose(Optional.of("en"), Optional.of("zh-CN"))).isEqualTo(Lang.EN);
    assertThat(Lang.choose(Optional.of("zh-hk"), Optional.empty())).isEqualTo(Lang.ZH_HK);
    assertThat(Lang.choose(Optional.of("<script>"), Optional.of("en"))).isEqualTo(Lang.EN);
    assertThat(Lang.choose(Optional.empty(), Optional.empty())).isEqualTo(Lang.ZH_CN);
    assertThat(Lang.choose(Optional.empty(), Optional.of("zh-TW,en;q=0.5"))).isEqualTo(Lang.ZH_HK);
    assertThat(Lang.choose(Optional.empty(), Optional.of("zh-Hant-HK"))).isEqualTo(Lang.ZH_HK);
    assertThat(Lang.choose(Optional.empty(), Optional.of("zh-Hans-CN"))).isEqualTo(Lang.ZH_CN);
    assertThat(Lang.choose(Optional.empty(), Optional.of("en;q=0.3, zh;q=0.8")))
        .isEqualTo(Lang.ZH_CN);
    assertThat(Lang.choose(Optional.empty(), Optional.of("fr-FR, en;q=0.1"))).isEqualTo(Lang.EN);
    assertThat(Lang.choose(Optional.empty(), Optional.of("en;q=abc, ;;,,"))).isEqualTo(Lang.ZH_CN);
    assertThat(Lang.choose(Optional.empty(), Optional.of("ja"))).isEqualTo(Lang.ZH_CN);
  }

  @Test
  void htmlIsServedOnlyWhenTheClientPrefersIt() {
    assertThat(ConsumerPages.prefersHtml(Optional.empty())).isFalse();
    assertThat(ConsumerPages.prefersHtml(Optional.of("*/*"))).isFalse();
    assertThat(ConsumerPages.prefersHtml(Optional.of("application/json"))).isFalse();
    assertThat(ConsumerPages.prefersHtml(Optional.of("application/json, text/html;q=0.9")))
        .isFalse();
    assertThat(ConsumerPages.prefersHtml(Optional.of("text/html;q=0"))).isFalse();
    assertThat(
            ConsumerPages.prefersHtml(
                Optional.of(
                    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8")))
        .isTrue();
    assertThat(ConsumerPages.prefersHtml(Optional.of("text/html;q=0.9, application/json;q=0.5")))
        .isTrue();
  }

  @Test
  void csrfTokensBindPurposeSubjectNonceAndBrowser() {
    Csrf csrf = Csrf.withKey(new byte[32]);
    String browser = csrf.newBrowserValue();
    String nonce = csrf.newBrowserValue();
    String t = csrf.token("complaint", "TOKEN", nonce, browser);
    assertThat(
            csrf.verify(
                "complaint", "TOKEN", Optional.of(nonce), Optional.of(browser), Optional.of(t)))
        .isTrue();
    assertThat(
            csrf.verify(
                "complaint", "OTHER", Optional.of(nonce), Optional.of(browser), Optional.of(t)))
        .isFalse();
    assertThat(
            csrf.verify(
                "case:accept", "TOKEN", Optional.of(nonce), Optional.of(browser), Optional.of(t)))
        .isFalse();
    assertThat(
            csrf.verify(
                "complaint",
                "TOKEN",
                Optional.of(csrf.newBrowserValue()),
                Optional.of(browser),
                Optional.of(t)))
        .isFalse();
    assertThat(
            csrf.verify(
                "complaint",
                "TOKEN",
                Optional.of(nonce),
                Optional.of(csrf.newBrowserValue()),
                Optional.of(t)))
        .isFalse();
    assertThat(
            csrf.verify("complaint", "TOKEN", Optional.of(nonce), Optional.empty(), Optional.of(t)))
        .isFalse();
    assertThat(
            csrf.verify(
                "complaint", "TOKEN", Optional.of(nonce), Optional.of(browser), Optional.empty()))
        .isFalse();
    assertThat(Csrf.withKey(new byte[32]).token("complaint", "TOKEN", nonce, browser)).isEqualTo(t);
    byte[] other = new byte[32];
    other[0] = 1;
    assertThat(Csrf.withKey(other).token("complaint", "TOKEN", nonce, browser)).isNotEqualTo(t);
  }
}
