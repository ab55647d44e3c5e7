package dev.fangxin.gateway.pages;

import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.gateway.DisputeServices;
import dev.fangxin.gateway.Gateway;
import dev.fangxin.gateway.auth.ApiKeys;
import dev.fangxin.gateway.cases.MutableClock;
import dev.fangxin.gateway.config.GatewayConfig;
import dev.fangxin.gateway.testing.GatewayApi;
import dev.fangxin.gateway.testing.MockMerchant;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * The integrated gateway ({@link DisputeServices}) with an onboarded shop and its mock endpoint,
 * for the page tests: a cookie-keeping HTTP "browser" that does not follow redirects, form and
 * multipart bodies, images, and a snapshot of every stored row. Not thread-safe.
 */
final class PagesFixture implements AutoCloseable {
  static final Instant T0 = Instant.ofEpochSecond(1_767_225_600L); // 2026-01-01T00:00:00Z
  static final String SHOP = "X-PAGES-TEA-1";

  final MutableClock clock = new MutableClock(T0);
  final MockMerchant endpoint;
  final MockMerchant regulator;
  final Gateway gateway;
  final GatewayApi api;
  final GatewayApi.Shop shop;
  final GatewayApi.Shop otherShop;
  final String operatorKey;
  final HttpClient client =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  /** Starts a gateway on {@code storeSettings} (flags naming a fresh store). */
  PagesFixture(Map<String, String> storeSettings) throws Exception {
    WebhookSecret regulatorSecret = WebhookSecret.generate();
    endpoint = MockMerchant.builder().trust(WebhookSecret.generate()).clock(clock).start();
    regulator = MockMerchant.builder().trust(regulatorSecret).clock(clock).start();
    Map<String, String> flags = new HashMap<>(storeSettings);
    flags.put("http.port", "0");
    flags.put("http.max-body-size", String.valueOf(8 << 20));
    flags.put("regulator.url", regulator.url().toString());
    GatewayConfig config =
        GatewayConfig.load(flags, Map.of("FANGXIN_REGULATOR_SECRET", regulatorSecret.encoded()));
    gateway =
        Gateway.builder(config, clock)
            .install(DisputeServices.create().timerInterval(Duration.ofMillis(50)))
            .start();
    operatorKey =
        ApiKeys.on(gateway.store(), clock).bootstrapOperator("operator").orElseThrow().apiKey();
    api = GatewayApi.at(gateway.listenUrl());
    shop = api.onboard(operatorKey, SHOP, "PAGES001", T0.minus(Duration.ofDays(1)), endpoint.url());
    endpoint.trustSecrets(shop.secret());
    otherShop =
        api.onboard(
            operatorKey, "X-PAGES-OTHER", "PAGES002", T0.minus(Duration.ofDays(1)), endpoint.url());
  }

  /** A fresh receipt token of the shop: a sale of 12.50 CNY five minutes ago. */
  String token() {
    return shop.token(clock.instant().minus(Duration.ofMinutes(5)), 1250);
  }

  URI url(String path) {
    return gateway.listenUrl().resolve(path);
  }

  @Override
  public void close() {
    gateway.close();
    endpoint.close();
    regulator.close();
  }

  // ------------------------------------------------------------------ a browser over HTTP

  /** One answer. */
  static final class Page {
    final int status;
    final Map<String, List<String>> headers;
    final String body;

    Page(int status, Map<String, List<String>> headers, String body) {
      this.status = status;
      this.headers = headers;
      this.body = body;
    }

    String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The value of hidden input {@code name} in the first form (or the form at {@code action}). */
    String hidden(String name) {
      Matcher m =
          Pattern.compile("<input type=\"hidden\" name=\"" + name + "\" value=\"([^\"]*)\">")
              .matcher(body);
      if (!m.find()) {
        throw new AssertionError("No hidden " + name + " in: " + body);
      }
      return m.group(1);
    }

    /** The hidden fields of the form posting to {@code action}. */
    Map<String, String> form(String action) {
      int at = body.indexOf("action=\"" + action + "\"");
      if (at < 0) {
        throw new AssertionError("No form posting to " + action + " in: " + body);
      }
      int end = body.indexOf("</form>", at);
      String f = body.substring(at, end);
      Map<String, String> out = new LinkedHashMap<>();
      Matcher m =
          Pattern.compile("<input type=\"hidden\" name=\"([a-z]+)\" value=\"([^\"]*)\">")
              .matcher(f);
      while (m.find()) {
        out.put(m.group(1), m.group(2));
      }
      return out;
    }

    @Override
    public String toString() {
      return status + " " + headers + "\n" + body;
    }
  }

  /** A browser: keeps cookies (by name, ignoring paths), sends a browser's Accept. */
  final class Browser {
    final Map<String, String> cookies = new LinkedHashMap<>();
    final String acceptLanguage;

    Browser(String acceptLanguage) {
      this.acceptLanguage = acceptLanguage;
    }

    Page get(String path) throws IOException, InterruptedException {
      return send(request(path).GET());
    }

    Page postForm(String path, Map<String, String> fields)
        throws IOException, InterruptedException {
      return post(path, "application/x-www-form-urlencoded", urlencoded(fields));
    }

    Page post(String path, String contentType, byte[] body)
        throws IOException, InterruptedException {
      HttpRequest.Builder r = request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
      if (contentType != null) {
        r.header("Content-Type", contentType);
      }
      return send(r);
    }

    private HttpRequest.Builder request(String path) {
      HttpRequest.Builder r =
          HttpRequest.newBuilder(url(path))
              .timeout(Duration.ofSeconds(30))
              .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
      if (acceptLanguage != null) {
        r.header("Accept-Language", acceptLanguage);
      }
      if (!cookies.isEmpty()) {
        StringBuilder c = new StringBuilder();
        cookies.forEach(
            (k, v) -> c.append(c.length() == 0 ? "" : "; ").append(k).append('=').append(v));
        r.header("Cookie", c.toString());
      }
      return r;
    }

    private Page send(HttpRequest.Builder r) throws IOException, InterruptedException {
      HttpResponse<String> res =
          client.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      for (String set : res.headers().allValues("set-cookie")) {
        String pair = set.split(";", 2)[0];
        int eq = pair.indexOf('=');
        cookies.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
      return new Page(res.statusCode(), res.headers().map(), res.body());
    }
  }

  static byte[] urlencoded(Map<String, String> fields) {
    StringBuilder b = new StringBuilder();
    fields.forEach(
        (k, v) ->
            b.append(b.length() == 0 ? "" : "&")
                .append(java.net.URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  static final String BOUNDARY = "----fangxinTestBoundary7MA4YWxkTrZu0gW";

  /** A multipart body: text fields, then each file as part {@code photos}. */
  static byte[] multipart(Map<String, String> fields, List<byte[]> files, String fileType) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      for (Map.Entry<String, String> f : fields.entrySet()) {
        out.write(
            ("--"
                    + BOUNDARY
                    + "\r\nContent-Disposition: form-data; name=\""
                    + f.getKey()
                    + "\"\r\n\r\n"
                    + f.getValue()
                    + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
      }
      int i = 0;
      for (byte[] file : files) {
        out.write(
            ("--"
                    + BOUNDARY
                    + "\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"p"
                    + (i++)
                    + ".jpg\"\r\nContent-Type: "
                    + fileType
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.write(file);
        out.write("\r\n".getBytes(StandardCharsets.UTF_8));
      }
      out.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  static String multipartType() {
    return "multipart/form-data; boundary=" + BOUNDARY;
  }

  /** A {@code w}×{@code h} image in {@code format} ("jpeg" or "png"). */
  static byte[] image(String format, int w, int h) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(0xd0e4f5));
    g.fillRect(0, 0, w, h);
    g.setColor(new Color(0x0b5394));
    g.fillOval(w / 4, h / 4, w / 2, h / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, format, out);
    return out.toByteArray();
  }

  /** {@code jpeg} with an EXIF APP1 segment (with a GPS-looking marker) right after SOI. */
  static byte[] withExif(byte[] jpeg) {
    byte[] payload =
        "Exif\0\0MM\0*FANGXIN-GPS-31.2304N-121.4737E".getBytes(StandardCharsets.ISO_8859_1);
    int len = payload.length + 2;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    out.write(0xff);
    out.write(0xe1);
    out.write(len >>> 8);
    out.write(len & 0xff);
    out.write(payload, 0, payload.length);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  // ------------------------------------------------------------------ the store

  /** Every row of every table, each rendered exactly, sorted (as BadInputContractTest does). */
  Map<String, List<String>> snapshot() throws Exception {
    Map<String, List<String>> out = new TreeMap<>();
    try (Connection c = gateway.store().connection()) {
      DatabaseMetaData meta = c.getMetaData();
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = meta.getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          tables.add(rs.getString("TABLE_NAME"));
        }
      }
      try (Statement s = c.createStatement()) {
        for (String table : tables) {
          List<String> rows = new ArrayList<>();
          try (ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
              StringBuilder row = new StringBuilder();
              for (int i = 1; i <= md.getColumnCount(); i++) {
                Object v = rs.getObject(i);
                row.append(md.getColumnLabel(i)).append('=');
                row.append(
                    v instanceof byte[]
                        ? Base64.getEncoder().encodeToString((byte[]) v)
                        : String.valueOf(v));
                row.append('\u001f');
              }
              rows.add(row.toString());
            }
          }
          rows.sort(null);
          out.put(table.toLowerCase(Locale.ROOT), rows);
        }
      }
    }
    return out;
  }

  /** Waits until the outbox has nothing due (delivery settles), then snapshots twice alike. */
  Map<String, List<String>> settledSnapshot() throws Exception {
    Map<String, List<String>> last = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      Map<String, List<String>> now = snapshot();
      boolean pending =
          now.getOrDefault("outbox", List.of()).stream()
              .anyMatch(r -> r.toLowerCase(Locale.ROOT).contains("delivered_at=null"));
      if (!pending && now.equals(last)) {
        return now;
      }
      last = now;
      Thread.sleep(50);
    }
    throw new AssertionError("The store did not settle: " + last);
  }

  /** HTML-escapes {@code s} as mustache.java does, to find a message in a page. */
  static String escaped(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&':
          b.append("&amp;");
          break;
        case '<':
          b.append("&lt;");
          break;
        case '>':
          b.append("&gt;");
          break;
        case '"':
          b.append("&quot;");
          break;
        case '\'':
          b.append("&#39;");
          break;
        case '=':
          b.append("&#61;");
          break;
        case '`':
          b.append("&#96;");
          break;
        default:
          b.append(c);
      }
    }
    return b.toString();
  }
}
