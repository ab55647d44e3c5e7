package dev.fangxin.gateway.pages;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.fangxin.gateway.pages.PagesFixture.Browser;
import dev.fangxin.gateway.pages.PagesFixture.Page;
import dev.fangxin.gateway.testing.GatewayApi;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The consumer pages over real HTTP on loopback, through the integrated gateway: content
 * negotiation, headers, every language, the whole form → case → answer → accept story, and every
 * kind of bad input on every form (empty, oversize, wrong types, markup, forged CSRF, replay), each
 * answered in the consumer's language with nothing stored. Runs on H2 and on PostgreSQL.
 */
abstract class ConsumerPagesContractTest {
  static final String SCRIPT = "<script>alert(1)</script>";
  static final Messages TEXTS = Messages.load();
  static final Map<Lang, String> ACCEPT =
      Map.of(
          Lang.ZH_CN,
          "zh-CN,zh;q=0.9",
          Lang.ZH_HK,
          "zh-HK,zh;q=0.9,en;q=0.5",
          Lang.EN,
          "en-GB,en;q=0.9");

  PagesFixture fx;

  abstract Map<String, String> storeSettings() throws Exception;

  @BeforeEach
  void start() throws Exception {
    fx = new PagesFixture(storeSettings());
  }

  @AfterEach
  void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  static String text(Lang lang, String key) {
    return PagesFixture.escaped(TEXTS.get(lang, key));
  }

  /** The form page's fields, filled with a valid complaint. */
  static Map<String, String> validForm(Page form, Lang lang) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("csrf", form.hidden("csrf"));
    f.put("nonce", form.hidden("nonce"));
    f.put("lang", lang.tag());
    f.put("category", "quality");
    f.put("outcome", "refund_money");
    f.put("description", "The tea was cold.");
    f.put("phone", "13800138000");
    return f;
  }

  // ------------------------------------------------------------------ negotiation and headers

  @Test
  void theDisputeLinkAnswersJsonToApiClientsAndHtmlToBrowsers() throws Exception {
    String token = fx.token();
    GatewayApi.Response json = fx.api.call("GET", "/D/" + token, null, null);
    assertThat(json.status()).isEqualTo(200);
    assertThat(json.get("merchant_id")).isEqualTo(PagesFixture.SHOP);
    GatewayApi.Response explicitJson =
        fx.api.call(
            "GET", "/D/" + token, null, null, "Accept", "application/json, text/html;q=0.5");
    assertThat(explicitJson.get("merchant_id")).isEqualTo(PagesFixture.SHOP);

    Page page = fx.new Browser("en").get("/D/" + token);
    assertThat(page.status).isEqualTo(200);
    assertThat(page.header("content-type")).isEqualTo("text/html; charset=utf-8");
    assertThat(page.header("content-security-policy")).isEqualTo(ConsumerPages.CSP);
    assertThat(page.header("content-security-policy")).doesNotContain("unsafe");
    assertThat(page.header("x-content-type-options")).isEqualTo("nosniff");
    assertThat(page.header("referrer-policy")).isEqualTo("no-referrer");
    assertThat(page.header("cache-control")).isEqualTo("no-store");
    assertThat(page.body).contains("<html lang=\"en\">");
    assertThat(page.body).contains("Shop " + PagesFixture.SHOP).contains("CNY 12.50");
    assertThat(page.body).contains("2026-01-01 07:55 (Asia/Shanghai)");
    assertThat(page.body)
        .doesNotContain("<script")
        .doesNotContain("style=")
        .doesNotContain("http://")
        .doesNotContain("https://");

    Page css = fx.new Browser("en").get("/assets/fangxin.css");
    assertThat(css.status).isEqualTo(200);
    assertThat(css.header("content-type")).isEqualTo("text/css; charset=utf-8");
    assertThat(css.body).doesNotContain("url(").doesNotContain("@import");
  }

  @Test
  void theLanguageComesFromAcceptLanguageOrTheSwitch() throws Exception {
    String token = fx.token();
    for (Lang lang : Lang.values()) {
      Page page = fx.new Browser(ACCEPT.get(lang)).get("/D/" + token);
      assertThat(page.body).contains("<html lang=\"" + lang.tag() + "\">");
      assertThat(page.body).contains(text(lang, "landing_start"));
      for (Lang other : Lang.values()) {
        if (other != lang) {
          assertThat(page.body).contains("href=\"/D/" + token + "?lang&#61;" + other.tag() + "\"");
        }
      }
      Page switched =
          fx.new Browser(ACCEPT.get(lang)).get("/D/" + token + "?lang=" + Lang.EN.tag());
      assertThat(switched.body).contains("<html lang=\"en\">");
    }
    assertThat(fx.new Browser(null).get("/D/" + token).body).contains("<html lang=\"zh-CN\">");
    assertThat(fx.new Browser("zh-TW").get("/D/" + token).body).contains("<html lang=\"zh-HK\">");
    assertThat(fx.new Browser("fr, en;q=0.2").get("/D/" + token).body)
        .contains("<html lang=\"en\">");
  }

  @Test
  void badCodesGetAClearPageInEachLanguage() throws Exception {
    String token = fx.token();
    char last = token.charAt(token.length() - 1);
    String forged = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
    String early =
        fx.shop.token(PagesFixture.T0.minus(Duration.ofDays(3)), 100); // before the binding
    for (Lang lang : Lang.values()) {
      Browser b = fx.new Browser(ACCEPT.get(lang));
      Page malformed = b.get("/D/NOT-A-TOKEN");
      assertThat(malformed.status).isEqualTo(400);
      assertThat(malformed.body).contains(text(lang, "error_token_malformed_title"));
      assertThat(malformed.header("content-security-policy")).isEqualTo(ConsumerPages.CSP);
      Page bad = b.get("/D/" + forged);
      assertThat(bad.status).isEqualTo(422);
      assertThat(bad.body).contains(text(lang, "error_token_forged"));
      Page orphan = b.get("/D/" + early);
      assertThat(orphan.status).isEqualTo(422);
      assertThat(orphan.body).contains(text(lang, "error_no_merchant"));
      Page form = b.get("/D/" + forged + "/complaint");
      assertThat(form.body).contains(text(lang, "error_token_forged"));
      Page script = b.get("/D/%3Cscript%3Ealert(1)%3C%2Fscript%3E");
      assertThat(script.status).isEqualTo(400);
      assertThat(script.body).doesNotContain("<script");
    }
  }

  // ------------------------------------------------------------------ the story over HTTP

  @Test
  void aComplaintFiledByFormIsTrackedAnsweredAndAccepted() throws Exception {
    String token = fx.token();
    Browser b = fx.new Browser(ACCEPT.get(Lang.ZH_HK));
    Page form = b.get("/D/" + token + "/complaint");
    assertThat(form.status).isEqualTo(200);
    assertThat(form.header("set-cookie"))
        .startsWith(ConsumerPages.CSRF_COOKIE + "=")
        .contains("HttpOnly")
        .contains("SameSite=Strict");
    assertThat(form.body).contains("<label for=\"description\">").contains("<label for=\"phone\">");
    Map<String, String> fields = validForm(form, Lang.ZH_HK);
    byte[] body =
        PagesFixture.multipart(
            fields,
            List.of(PagesFixture.withExif(PagesFixture.image("jpeg", 64, 48))),
            "image/jpeg");
    Page filed = b.post("/D/" + token + "/complaint", PagesFixture.multipartType(), body);
    assertThat(filed.status).as(filed.body).isEqualTo(201);
    assertThat(filed.body).contains(text(Lang.ZH_HK, "filed_heading"));
    Matcher m =
        Pattern.compile("href=\"(/C/(case_[a-z0-9]+)/([A-Za-z0-9_-]{43})\\?lang&#61;zh-HK)\"")
            .matcher(filed.body);
    assertThat(m.find()).as(filed.body).isTrue();
    String caseId = m.group(2);

    // The same form again (a double tap, a reload): the same case, no second one.
    Map<String, List<String>> before = fx.settledSnapshot();
    Page replay = b.post("/D/" + token + "/complaint", PagesFixture.multipartType(), body);
    assertThat(replay.status).isEqualTo(200);
    assertThat(replay.body).contains(caseId).contains(m.group(1));
    assertThat(fx.snapshot()).isEqualTo(before);

    // The tracking link sets the case cookie and sends the browser to the status page.
    Browser phone = fx.new Browser(ACCEPT.get(Lang.ZH_HK));
    assertThat(phone.get("/C/" + caseId).status).isEqualTo(404);
    Page track = phone.get("/C/" + caseId + "/" + m.group(3) + "?lang=zh-HK");
    assertThat(track.status).isEqualTo(303);
    assertThat(track.header("location")).isEqualTo("/C/" + caseId + "?lang=zh-HK");
    assertThat(track.header("set-cookie"))
        .isEqualTo(
            ConsumerPages.CASE_COOKIE
                + "="
                + m.group(3)
                + "; Path=/C/"
                + caseId
                + "; HttpOnly; SameSite=Lax");
    assertThat(track.header("referrer-policy")).isEqualTo("no-referrer");
    Page status = phone.get("/C/" + caseId + "?lang=zh-HK");
    assertThat(status.status).isEqualTo(200);
    assertThat(status.body).contains("id=\"photo-count\">1<");
    assertThat(status.body)
        .contains(text(Lang.ZH_HK, "case_escalate"))
        .doesNotContain("id=\"accept\"");

    // The photo is stored re-encoded, without the EXIF segment, for the merchant only.
    HttpResponse<byte[]> photo = merchantGet("/v1/cases/" + caseId + "/photos/1", fx.shop.apiKey());
    assertThat(photo.statusCode()).isEqualTo(200);
    assertThat(photo.headers().firstValue("content-type")).hasValue("image/jpeg");
    assertThat(new String(photo.body(), StandardCharsets.ISO_8859_1))
        .doesNotContain("Exif")
        .doesNotContain("FANGXIN-GPS");
    assertThat(ImageIO.read(new ByteArrayInputStream(photo.body())).getWidth()).isEqualTo(64);
    assertThat(merchantGet("/v1/cases/" + caseId + "/photos/1", fx.otherShop.apiKey()).statusCode())
        .isEqualTo(404);
    assertThat(merchantGet("/v1/cases/" + caseId + "/photos/1", null).statusCode()).isEqualTo(401);
    assertThat(merchantGet("/v1/cases/" + caseId + "/photos/2", fx.shop.apiKey()).statusCode())
        .isEqualTo(404);
    HttpResponse<byte[]> list = merchantGet("/v1/cases/" + caseId + "/photos", fx.shop.apiKey());
    assertThat(new String(list.body(), StandardCharsets.UTF_8))
        .contains("\"n\":1")
        .contains("image/jpeg");

    // Accepting before there is an answer is refused, in the consumer's language.
    Map<String, List<String>> quiet = fx.settledSnapshot();
    Page early =
        phone.postForm("/C/" + caseId + "/escalate", status.form("/C/" + caseId + "/escalate"));
    assertThat(early.status).isEqualTo(409);
    assertThat(early.body).contains(text(Lang.ZH_HK, "error_deadline_not_passed"));
    Page notYet =
        phone.postForm(
            "/C/" + caseId + "/accept", relabel(status.form("/C/" + caseId + "/escalate")));
    assertThat(notYet.status).isEqualTo(403); // a token for escalate does not fit accept
    assertThat(fx.snapshot()).isEqualTo(quiet);

    // The merchant answers a refund over the JSON API; the page shows it.
    JsonObject answer = new JsonObject();
    answer.addProperty("kind", "refund");
    answer.addProperty("message", "Sorry! " + SCRIPT);
    JsonObject amount = new JsonObject();
    amount.addProperty("value", "12.50");
    amount.addProperty("currency", "CNY");
    answer.add("amount", amount);
    assertThat(
            fx.api
                .call(
                    "POST",
                    "/v1/cases/" + caseId + "/responses",
                    fx.shop.apiKey(),
                    answer.toString())
                .status())
        .isEqualTo(200);
    Page answered = phone.get("/C/" + caseId);
    assertThat(answered.body).contains(text(Lang.ZH_HK, "state_answered"));
    assertThat(answered.body)
        .contains("Sorry! &lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain(SCRIPT);
    assertThat(answered.body)
        .contains("CNY 12.50")
        .contains("id=\"accept\"")
        .contains("id=\"decline\"");

    // A forged CSRF token is refused and changes nothing.
    Map<String, String> accept = answered.form("/C/" + caseId + "/accept");
    Map<String, String> forged = new LinkedHashMap<>(accept);
    forged.put("csrf", accept.get("csrf").substring(1) + "A");
    Map<String, List<String>> beforeAccept = fx.settledSnapshot();
    Page refused = phone.postForm("/C/" + caseId + "/accept", forged);
    assertThat(refused.status).isEqualTo(403);
    assertThat(refused.body).contains(text(Lang.ZH_HK, "error_csrf"));
    Browser stranger = fx.new Browser("en");
    stranger.cookies.put(ConsumerPages.CASE_COOKIE, phone.cookies.get(ConsumerPages.CASE_COOKIE));
    Page noCsrfCookie = stranger.postForm("/C/" + caseId + "/accept", accept);
    assertThat(noCsrfCookie.status).isEqualTo(403);
    assertThat(noCsrfCookie.body).contains(text(Lang.ZH_HK, "error_csrf"));
    assertThat(fx.snapshot()).isEqualTo(beforeAccept);

    Page done = phone.postForm("/C/" + caseId + "/accept", accept);
    assertThat(done.status).isEqualTo(303);
    assertThat(done.header("location")).isEqualTo("/C/" + caseId + "?lang=zh-HK&done=accept");
    Page resolved = phone.get(done.header("location"));
    assertThat(resolved.body)
        .contains(text(Lang.ZH_HK, "state_resolved"))
        .contains(text(Lang.ZH_HK, "case_done_accept"));
    assertThat(resolved.body).doesNotContain("id=\"accept\"").doesNotContain("id=\"escalate\"");
    JsonObject view = fx.api.caseAsMerchant(fx.shop, caseId).orElseThrow();
    assertThat(view.get("state").getAsString()).isEqualTo("resolved");

    // The same accept again: closed, nothing changes.
    Map<String, List<String>> after = fx.settledSnapshot();
    Page again = phone.postForm("/C/" + caseId + "/accept", accept);
    assertThat(again.status).isEqualTo(409);
    assertThat(again.body).contains(text(Lang.ZH_HK, "error_final_state"));
    assertThat(fx.snapshot()).isEqualTo(after);
  }

  private static Map<String, String> relabel(Map<String, String> form) {
    return new LinkedHashMap<>(form);
  }

  private HttpResponse<byte[]> merchantGet(String path, String apiKey) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(fx.url(path)).GET();
    if (apiKey != null) {
      r.header("Authorization", "Bearer " + apiKey);
    }
    return fx.client.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void aReceiptWithAnOpenCaseAndAnEditedReplayAreTurnedAway() throws Exception {
    String token = fx.token();
    for (Lang lang : Lang.values()) {
      token = fx.token();
      Browser b = fx.new Browser(ACCEPT.get(lang));
      Map<String, String> first = validForm(b.get("/D/" + token + "/complaint"), lang);
      assertThat(b.postForm("/D/" + token + "/complaint", first).status).isEqualTo(201);
      Map<String, List<String>> before = fx.settledSnapshot();
      // The same form sent again with other answers (back button, edit, send).
      Map<String, String> edited = new LinkedHashMap<>(first);
      edited.put("description", "Something else entirely.");
      Page reused = b.postForm("/D/" + token + "/complaint", edited);
      assertThat(reused.status).isEqualTo(422);
      assertThat(reused.body).contains(text(lang, "error_already_sent"));
      // A fresh form for the same receipt while its case is open.
      Page second =
          b.postForm(
              "/D/" + token + "/complaint", validForm(b.get("/D/" + token + "/complaint"), lang));
      assertThat(second.status).isEqualTo(409);
      assertThat(second.body).contains(text(lang, "error_already_open"));
      assertThat(fx.snapshot()).isEqualTo(before);
    }
  }

  // ------------------------------------------------------------------ bad input

  /** One bad submission of the complaint form and what the page must say. */
  private static final class Bad {
    final String name;
    final String contentType;
    final byte[] body;
    final int status;
    final String messageKey;

    Bad(String name, String contentType, byte[] body, int status, String messageKey) {
      this.name = name;
      this.contentType = contentType;
      this.body = body;
      this.status = status;
      this.messageKey = messageKey;
    }
  }

  private List<Bad> badSubmissions(Page form, Page otherForm, Lang lang) throws Exception {
    List<Bad> out = new ArrayList<>();
    Map<String, String> ok = validForm(form, lang);
    String url = PagesFixture.multipartType();
    out.add(
        new Bad("empty body", "application/x-www-form-urlencoded", new byte[0], 403, "error_csrf"));
    out.add(
        new Bad("no content type", null, PagesFixture.urlencoded(ok), 400, "error_malformed_form"));
    out.add(
        new Bad(
            "json",
            "application/json",
            "{\"category\":\"quality\"}".getBytes(StandardCharsets.UTF_8),
            400,
            "error_malformed_form"));
    out.add(
        new Bad("text", "text/plain", PagesFixture.urlencoded(ok), 400, "error_malformed_form"));
    out.add(
        new Bad(
            "broken multipart",
            url,
            "--nope\r\n\r\n".getBytes(StandardCharsets.UTF_8),
            403,
            "error_csrf"));
    out.add(
        new Bad(
            "bad percent",
            "application/x-www-form-urlencoded",
            "csrf=%zz&nonce=%".getBytes(StandardCharsets.UTF_8),
            400,
            "error_malformed_form"));
    Map<String, String> unknown = new LinkedHashMap<>(ok);
    unknown.put("admin", "1");
    out.add(
        new Bad(
            "unknown field",
            "application/x-www-form-urlencoded",
            PagesFixture.urlencoded(unknown),
            400,
            "error_malformed_form"));
    byte[] twice =
        (new String(PagesFixture.urlencoded(ok), StandardCharsets.UTF_8) + "&category=price")
            .getBytes(StandardCharsets.UTF_8);
    out.add(
        new Bad(
            "field twice",
            "application/x-www-form-urlencoded",
            twice,
            400,
            "error_malformed_form"));

    Map<String, String> forged = new LinkedHashMap<>(ok);
    forged.put("csrf", "A".repeat(43));
    out.add(
        new Bad(
            "forged csrf",
            "application/x-www-form-urlencoded",
            PagesFixture.urlencoded(forged),
            403,
            "error_csrf"));
    Map<String, String> noCsrf = new LinkedHashMap<>(ok);
    noCsrf.remove("csrf");
    out.add(
        new Bad(
            "missing csrf",
            "application/x-www-form-urlencoded",
            PagesFixture.urlencoded(noCsrf),
            403,
            "error_csrf"));
    Map<String, String> otherReceipt = validForm(otherForm, lang);
    out.add(
        new Bad(
            "another receipt's token",
            "application/x-www-form-urlencoded",
            PagesFixture.urlencoded(otherReceipt),
            403,
            "error_csrf"));
    Map<String, String> otherNonce = new LinkedHashMap<>(ok);
    otherNonce.put("nonce", otherReceipt.get("nonce"));
    out.add(
        new Bad(
            "swapped nonce",
            "application/x-www-form-urlencoded",
            PagesFixture.urlencoded(otherNonce),
            403,
            "error_csrf"));

    for (String[] f :
        new String[][] {
          {"category", "", "error_category"},
          {"category", "unspecified", "error_category"},
          {"category", SCRIPT, "error_category"},
          {"outcome", "", "error_outcome"},
          {"outcome", "42", "error_outcome"},
          {"outcome", SCRIPT, "error_outcome"},
          {"description", "", "error_description_required"},
          {"description", "   \n ", "error_description_required"},
          {"description", "x".repeat(2001), "error_description_too_long"},
          {"description", "bell\u0007", "error_description_invalid"},
          {"phone", "12345", "error_phone"},
          {"phone", SCRIPT, "error_phone"},
          {"phone", "138 0013 8000", "error_phone"},
        }) {
      Map<String, String> m = new LinkedHashMap<>(ok);
      m.put(f[0], f[1]);
      out.add(
          new Bad(
              f[0] + "=" + f[1].substring(0, Math.min(20, f[1].length())),
              "application/x-www-form-urlencoded",
              PagesFixture.urlencoded(m),
              422,
              f[2]));
    }
    Map<String, String> missing = new LinkedHashMap<>(ok);
    missing.remove("category");
    missing.remove("outcome");
    missing.remove("description");
    out.add(
        new Bad(
            "fields missing",
            "application/x-www-form-urlencoded",
            PagesFixture.urlencoded(missing),
            422,
            "error_category"));

    byte[] jpeg = PagesFixture.image("jpeg", 40, 30);
    byte[] png = PagesFixture.image("png", 40, 30);
    out.add(
        new Bad(
            "text as a photo",
            url,
            PagesFixture.multipart(
                ok, List.of("hello".getBytes(StandardCharsets.UTF_8)), "image/jpeg"),
            422,
            "error_photo_type"));
    out.add(
        new Bad(
            "html as a photo",
            url,
            PagesFixture.multipart(
                ok, List.of(SCRIPT.getBytes(StandardCharsets.UTF_8)), "image/png"),
            422,
            "error_photo_type"));
    byte[] gif = "GIF89a\u0001\u0000\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1);
    out.add(
        new Bad(
            "gif",
            url,
            PagesFixture.multipart(ok, List.of(gif), "image/gif"),
            422,
            "error_photo_type"));
    byte[] truncated = java.util.Arrays.copyOf(jpeg, 20);
    out.add(
        new Bad(
            "corrupt jpeg",
            url,
            PagesFixture.multipart(ok, List.of(truncated), "image/jpeg"),
            422,
            "error_photo_unreadable"));
    out.add(
        new Bad(
            "four photos",
            url,
            PagesFixture.multipart(ok, List.of(jpeg, png, jpeg, png), "image/jpeg"),
            422,
            "error_photo_too_many"));
    byte[] huge = new byte[Photos.MAX_PHOTO_BYTES + 1];
    System.arraycopy(jpeg, 0, huge, 0, jpeg.length);
    out.add(
        new Bad(
            "oversize photo",
            url,
            PagesFixture.multipart(ok, List.of(huge), "image/jpeg"),
            422,
            "error_photo_too_large"));
    out.add(
        new Bad(
            "pixel bomb",
            url,
            PagesFixture.multipart(ok, List.of(pngClaiming(100_000, 100_000)), "image/png"),
            422,
            "error_photo_too_large"));
    return out;
  }

  /** A PNG header claiming {@code w}×{@code h} pixels, with no real pixels. */
  private static byte[] pngClaiming(int w, int h) throws Exception {
    byte[] out = PagesFixture.image("png", 2, 2).clone();
    // IHDR: length (8..11), type (12..15), width (16..19), height (20..23), …, CRC (29..32).
    java.nio.ByteBuffer.wrap(out, 16, 8).putInt(w).putInt(h);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(out, 12, 17);
    java.nio.ByteBuffer.wrap(out, 29, 4).putInt((int) crc.getValue());
    return out;
  }

  @Test
  void everyBadComplaintFormIsRefusedInTheUsersLanguageAndStoresNothing() throws Exception {
    String otherToken = fx.token();
    for (Lang lang : Lang.values()) {
      String token = fx.token();
      Browser b = fx.new Browser(ACCEPT.get(lang));
      Page form = b.get("/D/" + token + "/complaint?lang=" + lang.tag());
      Page otherForm = b.get("/D/" + otherToken + "/complaint");
      Map<String, List<String>> baseline = fx.settledSnapshot();
      List<String> failures = new ArrayList<>();
      for (Bad bad : badSubmissions(form, otherForm, lang)) {
        Page p = b.post("/D/" + token + "/complaint", bad.contentType, bad.body);
        String why = lang.tag() + " / " + bad.name + ": ";
        if (p.status != bad.status) {
          failures.add(why + "status " + p.status + ", expected " + bad.status);
        }
        if (!p.body.contains(text(lang, bad.messageKey))) {
          failures.add(why + "no message " + bad.messageKey + " in " + p.body);
        }
        if (p.body.contains("<script>")) {
          failures.add(why + "unescaped script");
        }
        if (!ConsumerPages.CSP.equals(p.header("content-security-policy"))) {
          failures.add(why + "no CSP");
        }
        if (p.status == 422
            && !p.body.contains("aria-invalid=\"true\"")
            && !p.body.contains("role=\"alert\"")) {
          failures.add(why + "error not marked for assistive technology");
        }
        if (!fx.snapshot().equals(baseline)) {
          failures.add(why + "the store changed");
          baseline = fx.settledSnapshot();
        }
      }
      assertThat(failures).isEmpty();
    }
  }

  @Test
  void markupInEveryFieldIsShownAsTextNeverAsMarkup() throws Exception {
    String token = fx.token();
    Browser b = fx.new Browser("en");
    Page form = b.get("/D/" + token + "/complaint");
    Map<String, String> f = validForm(form, Lang.EN);
    f.put("description", SCRIPT + "\"><img src=x onerror=alert(2)>");
    f.put("phone", "\"><script>alert(3)</script>");
    f.put("lang", "\"><script>alert(4)</script>");
    Page refused = b.postForm("/D/" + token + "/complaint", f);
    assertThat(refused.status).isEqualTo(422);
    assertThat(refused.body).doesNotContain("<script").doesNotContain("<img");
    assertThat(refused.body)
        .contains(
            "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src&#61;x onerror&#61;alert(2)&gt;");
    assertThat(refused.body).contains("value=\"&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;\"");

    f = validForm(refused, Lang.EN);
    f.put("description", SCRIPT + "\"><img src=x onerror=alert(2)>");
    Page filed = b.postForm("/D/" + token + "/complaint", f);
    assertThat(filed.status).isEqualTo(201);
    Matcher m =
        Pattern.compile("href=\"(/C/case_[a-z0-9]+/[A-Za-z0-9_-]{43})\\?").matcher(filed.body);
    assertThat(m.find()).isTrue();
    Page status = b.get(b.get(m.group(1)).header("location"));
    assertThat(status.body).doesNotContain("<script").doesNotContain("<img");
    assertThat(status.body).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
  }

  @Test
  void pagesAreSmall() throws Exception {
    String token = fx.token();
    Browser b = fx.new Browser("zh-CN");
    int landing = b.get("/D/" + token).body.getBytes(StandardCharsets.UTF_8).length;
    int form = b.get("/D/" + token + "/complaint").body.getBytes(StandardCharsets.UTF_8).length;
    int css = b.get("/assets/fangxin.css").body.getBytes(StandardCharsets.UTF_8).length;
    System.out.println("page weight: landing=" + landing + " form=" + form + " css=" + css);
    assertThat(landing + css).isLessThan(16 * 1024);
    assertThat(form + css).isLessThan(24 * 1024);
    assertThat(Collections.max(List.of(landing, form, css))).isGreaterThan(1000);
  }
}
