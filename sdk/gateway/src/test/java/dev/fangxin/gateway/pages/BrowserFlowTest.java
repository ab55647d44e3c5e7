package dev.fangxin.gateway.pages;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The consumer's whole story in a real browser: Debian's headless {@code chromium} driven through
 * {@code chromedriver} (Selenium), emulating a 390×844 phone, in each language. Screenshots of
 * every step go to {@code target/screenshots/<lang>/NN-step.png} for review.
 *
 * <p>Without {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} the tests are skipped,
 * unless {@code CI=true}, where they fail ({@code .ci/run} installs both).
 */
class BrowserFlowTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SHOTS = Path.of("target", "screenshots");
  static final Messages TEXTS = Messages.load();

  @TempDir Path dir;
  PagesFixture fx;
  ChromeDriverService service;
  ChromeDriver driver;

  @BeforeAll
  static void needsChromium() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(
          "CI=true requires "
              + CHROMIUM
              + " and "
              + CHROMEDRIVER
              + " (apt-get install chromium chromium-driver; .ci/run does it).");
    }
    Assumptions.assumeTrue(
        present, "chromium and chromium-driver are not installed (set CI=true to fail)");
  }

  @BeforeEach
  void start() throws Exception {
    fx = new PagesFixture(Map.of("data.dir", dir.resolve("data").toString()));
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (service != null) {
      service.stop();
    }
    if (fx != null) {
      fx.close();
    }
  }

  private void openBrowser(Lang lang) {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    String accept =
        lang == Lang.ZH_CN ? "zh-CN,zh" : lang == Lang.ZH_HK ? "zh-HK,zh-TW,zh" : "en-US,en";
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-extensions",
        "--no-first-run",
        "--lang=" + lang.tag(),
        "--accept-lang=" + accept);
    o.setExperimentalOption("prefs", Map.of("intl.accept_languages", accept));
    o.setExperimentalOption(
        "mobileEmulation",
        Map.of(
            "deviceMetrics",
            Map.of("width", 390, "height", 844, "pixelRatio", 2.0, "touch", true),
            "userAgent",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
                + " Chrome/126.0 Mobile Safari/537.36"));
    driver = new ChromeDriver(service, o);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  private String base() {
    String b = fx.gateway.listenUrl().toString();
    return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
  }

  private void waitFor(By by) {
    new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> !d.findElements(by).isEmpty());
  }

  private String text(Lang lang, String key) {
    return TEXTS.get(lang, key);
  }

  private String htmlLang() {
    return driver.findElement(By.tagName("html")).getAttribute("lang");
  }

  /** A full-page screenshot (the page's whole height at the phone's width). */
  private void shot(Lang lang, String name) throws Exception {
    Path out = SHOTS.resolve(lang.tag()).resolve(name + ".png");
    Files.createDirectories(out.getParent());
    byte[] png;
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> metrics =
          (Map<String, Object>) driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
      @SuppressWarnings("unchecked")
      Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
      double w = ((Number) size.get("width")).doubleValue();
      double h = ((Number) size.get("height")).doubleValue();
      Map<String, Object> shot =
          driver.executeCdpCommand(
              "Page.captureScreenshot",
              Map.of(
                  "format",
                  "png",
                  "captureBeyondViewport",
                  true,
                  "clip",
                  Map.of("x", 0, "y", 0, "width", w, "height", h, "scale", 1)));
      png = Base64.getDecoder().decode((String) shot.get("data"));
    } catch (RuntimeException e) {
      png = driver.getScreenshotAs(OutputType.BYTES);
    }
    Files.write(out, png);
    assertThat(png.length).as(name).isGreaterThan(1000);
  }

  private void answer(String caseId, String kind, String message, String amount) throws Exception {
    // The merchant answers once the case has reached its endpoint.
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!fx.api
        .caseAsMerchant(fx.shop, caseId)
        .orElseThrow()
        .get("state")
        .getAsString()
        .equals("delivered")) {
      assertThat(System.nanoTime()).as("case delivered").isLessThan(deadline);
      Thread.sleep(50);
    }
    JsonObject a = new JsonObject();
    a.addProperty("kind", kind);
    a.addProperty("message", message);
    if (amount != null) {
      JsonObject m = new JsonObject();
      m.addProperty("value", amount);
      m.addProperty("currency", "CNY");
      a.add("amount", m);
    }
    var r =
        fx.api.call("POST", "/v1/cases/" + caseId + "/responses", fx.shop.apiKey(), a.toString());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  /** Fills and sends the complaint form on the current page; returns the case ID. */
  private String fileComplaint(Lang lang, File photo, String description) {
    new Select(driver.findElement(By.id("category"))).selectByValue("quality");
    driver.findElement(By.cssSelector("label[for=outcome-refund_money]")).click();
    driver.findElement(By.id("description")).sendKeys(description);
    driver.findElement(By.id("phone")).sendKeys("13800138000");
    if (photo != null) {
      driver.findElement(By.id("photos")).sendKeys(photo.getAbsolutePath());
    }
    return null;
  }

  private String submitAndReadCase(Lang lang) {
    driver.findElement(By.id("submit")).click();
    waitFor(By.id("track"));
    assertThat(driver.findElement(By.id("filed-h")).getText())
        .isEqualTo(text(lang, "filed_heading"));
    String href = driver.findElement(By.id("track")).getAttribute("href");
    String path = href.substring(href.indexOf("/C/") + 3);
    return path.substring(0, path.indexOf('/'));
  }

  @ParameterizedTest
  @EnumSource(Lang.class)
  void theWholeStoryOnAPhone(Lang lang) throws Exception {
    openBrowser(lang);
    File photo = dir.resolve("receipt-photo.jpg").toFile();
    Files.write(photo.toPath(), PagesFixture.withExif(PagesFixture.image("jpeg", 640, 480)));

    // 1. The scan: the verified receipt and what one-click resolution means.
    String token = fx.token();
    driver.get(base() + "/D/" + token);
    waitFor(By.id("start"));
    assertThat(htmlLang()).isEqualTo(lang.tag());
    assertThat(driver.findElement(By.tagName("h1")).getText())
        .isEqualTo(text(lang, "landing_title"));
    assertThat(driver.findElement(By.cssSelector(".amount")).getText()).isEqualTo("CNY 12.50");
    assertThat(driver.findElement(By.id("receipt-h")).isDisplayed()).isTrue();
    shot(lang, "01-landing");

    // 2. The form; sent empty, it says what is missing.
    driver.findElement(By.id("start")).click();
    waitFor(By.id("submit"));
    shot(lang, "02-form");
    driver.findElement(By.id("submit")).click();
    waitFor(By.id("banner"));
    assertThat(driver.findElement(By.id("banner")).getText())
        .isEqualTo(text(lang, "error_summary"));
    assertThat(driver.findElement(By.id("description")).getAttribute("aria-invalid"))
        .isEqualTo("true");
    assertThat(driver.findElement(By.id("description")).getAttribute("aria-describedby"))
        .contains("description-error");
    assertThat(driver.findElement(By.id("description-error")).getText())
        .isEqualTo(text(lang, "error_description_required"));
    shot(lang, "03-form-errors");

    // 3. Filled in, with a photo, and sent: the confirmation with the tracking link.
    fileComplaint(lang, photo, "<b>" + text(lang, "category_quality") + "</b> — 12.50");
    shot(lang, "04-form-filled");
    String caseId = submitAndReadCase(lang);
    shot(lang, "05-confirmation");

    // 4. The tracking link opens the status page.
    driver.findElement(By.id("track")).click();
    waitFor(By.id("state"));
    assertThat(driver.getCurrentUrl()).isEqualTo(base() + "/C/" + caseId + "?lang=" + lang.tag());
    assertThat(driver.findElement(By.id("photo-count")).getText()).isEqualTo("1");
    assertThat(driver.findElement(By.cssSelector(".quote")).getText()).startsWith("<b>");
    shot(lang, "06-status");

    // 5. The merchant refunds through the JSON API; the consumer sees it and accepts.
    answer(caseId, "refund", "Sorry — refunded in full.", "12.50");
    driver.navigate().refresh();
    waitFor(By.id("accept"));
    assertThat(driver.findElement(By.id("state")).getText())
        .isEqualTo(text(lang, "state_answered"));
    assertThat(driver.findElement(By.id("answer-kind")).getText())
        .isEqualTo(text(lang, "kind_refund") + " · CNY 12.50");
    shot(lang, "07-answered");
    driver.findElement(By.id("accept")).click();
    waitFor(By.className("notice"));
    assertThat(driver.findElement(By.id("state")).getText())
        .isEqualTo(text(lang, "state_resolved"));
    assertThat(driver.findElements(By.id("escalate"))).isEmpty();
    shot(lang, "08-resolved");
    assertThat(fx.api.caseAsMerchant(fx.shop, caseId).orElseThrow().get("state").getAsString())
        .isEqualTo("resolved");

    // 6. A second receipt: escalation before any answer is refused, after a rejection it goes.
    driver.get(base() + "/D/" + fx.token() + "/complaint?lang=" + lang.tag());
    waitFor(By.id("submit"));
    fileComplaint(lang, null, text(lang, "category_service"));
    String second = submitAndReadCase(lang);
    driver.findElement(By.id("track")).click();
    waitFor(By.id("escalate"));
    driver.findElement(By.id("escalate")).click();
    waitFor(By.id("banner"));
    assertThat(driver.findElement(By.id("banner")).getText())
        .isEqualTo(text(lang, "error_deadline_not_passed"));
    shot(lang, "09-escalate-too-early");
    answer(second, "reject", "We see no fault.", null);
    driver.get(base() + "/C/" + second + "?lang=" + lang.tag());
    waitFor(By.id("escalate"));
    shot(lang, "10-rejected");
    driver.findElement(By.id("escalate")).click();
    waitFor(By.className("notice"));
    assertThat(driver.findElement(By.id("state")).getText())
        .isEqualTo(text(lang, "state_escalated"));
    shot(lang, "11-escalated");
    assertThat(fx.api.caseAsMerchant(fx.shop, second).orElseThrow().get("state").getAsString())
        .isEqualTo("escalated");

    // 7. The language switch, and a code that is not valid.
    Lang other = lang == Lang.EN ? Lang.ZH_CN : Lang.EN;
    driver.findElement(By.cssSelector("a[hreflang=" + other.tag() + "]")).click();
    waitFor(By.id("state"));
    assertThat(htmlLang()).isEqualTo(other.tag());
    driver.get(base() + "/D/NOT0A0VALID0CODE?lang=" + lang.tag());
    waitFor(By.id("message"));
    assertThat(driver.findElement(By.id("message")).getText())
        .isEqualTo(text(lang, "error_token_malformed"));
    shot(lang, "12-invalid-code");
    String forged = fx.token();
    forged = forged.substring(0, forged.length() - 2) + (forged.endsWith("A") ? "BB" : "AA");
    driver.get(base() + "/D/" + forged + "?lang=" + lang.tag());
    waitFor(By.id("message"));
    shot(lang, "13-forged-code");
  }

  @Test
  void theFormWorksFromTheKeyboardAlone() throws Exception {
    openBrowser(Lang.EN);
    driver.get(base() + "/D/" + fx.token() + "/complaint");
    waitFor(By.id("submit"));
    List<String> order = new ArrayList<>();
    Actions keys = new Actions(driver);
    driver.findElement(By.tagName("body")).click();
    for (int i = 0; i < 30 && !order.contains("submit"); i++) {
      keys.sendKeys(Keys.TAB).perform();
      WebElement active = driver.switchTo().activeElement();
      String id = active.getAttribute("id");
      order.add(id == null || id.isEmpty() ? active.getTagName() : id);
    }
    assertThat(order)
        .containsSubsequence(
            "category", "outcome-refund_money", "description", "phone", "photos", "submit");
    // Choose with the keyboard: a category by typing, an outcome with the arrow keys.
    driver.findElement(By.id("category")).sendKeys("Price");
    WebElement first = driver.findElement(By.id("outcome-refund_money"));
    first.sendKeys(Keys.SPACE);
    first.sendKeys(Keys.ARROW_DOWN);
    driver.findElement(By.id("description")).sendKeys("Charged twice.");
    driver.findElement(By.id("submit")).sendKeys(Keys.ENTER);
    waitFor(By.id("track"));
    assertThat(driver.findElement(By.id("filed-h")).getText())
        .isEqualTo(TEXTS.get(Lang.EN, "filed_heading"));
    shot(Lang.EN, "20-keyboard-only");
  }

  private void setValue(String id, String value) {
    driver.executeScript(
        "arguments[0].value = arguments[1];", driver.findElement(By.id(id)), value);
  }

  @ParameterizedTest
  @EnumSource(Lang.class)
  void theCollectionCodeStoryOnAPhone(Lang lang) throws Exception {
    fx.setUpCode();
    // 2026-01-01 05:00, 06:00 and 06:03 in Shanghai; the last two of the same amount.
    var p = fx.codeRecord(PagesFixture.T0.minus(Duration.ofHours(3)), 7700);
    var a1 = fx.codeRecord(PagesFixture.T0.minus(Duration.ofHours(2)), 8800);
    var a2 = fx.codeRecord(PagesFixture.T0.minus(Duration.ofHours(2)).plusSeconds(180), 8800);
    fx.push("browser-code", p, a1, a2);
    openBrowser(lang);
    File photo = dir.resolve("phone-photo.jpg").toFile();
    Files.write(photo.toPath(), PagesFixture.noisyJpeg(1900, 1700, 11));
    assertThat(photo.length()).isGreaterThan(2_500_000L);

    // The sticker's link: the merchant, and the form naming the payment.
    driver.get(base() + fx.codePath());
    waitFor(By.id("find"));
    assertThat(htmlLang()).isEqualTo(lang.tag());
    assertThat(driver.findElement(By.id("code-merchant")).getText())
        .isEqualTo("Shop " + PagesFixture.SHOP);
    assertThat(driver.findElement(By.id("time-hint")).getText()).contains("Asia/Shanghai");
    shot(lang, "30-code-page");

    // Nothing filled in: every field says what it needs.
    driver.findElement(By.id("find")).click();
    waitFor(By.id("amount-error"));
    assertThat(driver.findElement(By.id("date-error")).getText())
        .isEqualTo(text(lang, "error_code_date"));
    assertThat(driver.findElement(By.id("amount")).getAttribute("aria-invalid")).isEqualTo("true");
    shot(lang, "31-code-errors");

    // Two payments of 88.00 near 06:01: the times, and a request for the trace.
    setValue("date", "2026-01-01");
    setValue("time", "06:01");
    driver.findElement(By.id("amount")).clear();
    driver.findElement(By.id("amount")).sendKeys("88.00");
    driver.findElement(By.id("find")).click();
    waitFor(By.id("candidates"));
    assertThat(driver.findElement(By.id("candidates")).getText())
        .contains("2026-01-01 06:00")
        .contains("2026-01-01 06:03");
    assertThat(driver.getPageSource()).doesNotContain(PagesFixture.traceOf(a1).trim());
    shot(lang, "32-code-ambiguous");

    // Not found: a helpful message, nothing sent.
    setValue("time", "05:30");
    driver.findElement(By.id("amount")).clear();
    driver.findElement(By.id("amount")).sendKeys("77.00");
    driver.findElement(By.id("find")).click();
    waitFor(By.id("banner"));
    assertThat(driver.findElement(By.id("banner")).getText())
        .isEqualTo(text(lang, "error_code_no_payment"));
    shot(lang, "33-code-not-found");

    // The time two minutes off: found; the payment's summary and the complaint form.
    setValue("time", "05:02");
    driver.findElement(By.id("find")).click();
    waitFor(By.id("submit"));
    assertThat(driver.findElement(By.cssSelector(".amount")).getText()).isEqualTo("CNY 77.00");
    shot(lang, "34-code-found");
    fileComplaint(lang, photo, "扫码付款后商品有问题 / paid at the code, goods faulty");
    shot(lang, "35-code-form-filled");
    String caseId = submitAndReadCase(lang);
    shot(lang, "36-code-confirmation");
    driver.findElement(By.id("track")).click();
    waitFor(By.id("state"));
    assertThat(driver.findElement(By.id("photo-count")).getText()).isEqualTo("1");
    shot(lang, "37-code-status");
    assertThat(fx.api.caseAsMerchant(fx.shop, caseId).orElseThrow().toString())
        .contains(PagesFixture.traceOf(p).trim());

    // An altered code: the clear page.
    String path = fx.codePath();
    driver.get(base() + path.substring(0, path.length() - 6) + "AAAAAA");
    waitFor(By.id("message"));
    assertThat(htmlLang()).isEqualTo(lang.tag());
    shot(lang, "38-code-invalid");
  }
}
