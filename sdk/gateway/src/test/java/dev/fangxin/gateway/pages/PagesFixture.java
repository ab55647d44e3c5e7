package dev.fangxin.gateway.pages;

import dev.fangxin.core.code.MerchantCode;
import dev.fangxin.core.code.MerchantCodeClaim;
import dev.fangxin.core.code.MerchantLink;
import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.gateway.DisputeServices;
import dev.fangxin.gateway.Gateway;
import dev.fangxin.gateway.auth.ApiKeys;
import dev.fangxin.gateway.cases.MutableClock;
import dev.fangxin.gateway.clearing.BatchParser;
import dev.fangxin.gateway.clearing.HookSignature;
import dev.fangxin.gateway.config.GatewayConfig;
import dev.fangxin.gateway.testing.GatewayApi;
import dev.fangxin.gateway.testing.MockMerchant;
import dev.fangxin.gateway.testing.StoreSnapshot;
import dev.fangxin.protocol.v1.ClearingBatch;
import dev.fangxin.protocol.v1.ClearingRecord;
import dev.fangxin.protocol.v1.ToolType;
import dev.fangxin.protocol.v1.Trace;
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
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

  // ------------------------------------------------------------------ the shop's collection code

  static final String ACQ = "48020000";
  static final String CODE_MID = "898330160110077";
  private String acquirerSecret;
  private int stan = 1;
  String codeTool;
  TerminalKeyPair codeKey;
  String codeLink;

  /**
   * Registers acquirer {@link #ACQ}, the shop's collection code ({@code <ACQ>.<CODE_MID>}), binds
   * it to the shop and registers its key, over the API as an operator would; {@link #codeLink} is
   * the sticker's link.
   */
  void setUpCode() throws Exception {
    acquirerSecret =
        ok(
                api.call(
                    "POST",
                    "/v1/acquirers",
                    operatorKey,
                    "{\"institution_code\":\"" + ACQ + "\",\"name\":\"Bank\"}"),
                201)
            .get("secret");
    codeTool =
        ok(
                api.call(
                    "POST",
                    "/v1/tools",
                    operatorKey,
                    "{\"kind\":\"collection_code\",\"code_id\":\"" + ACQ + "." + CODE_MID + "\"}"),
                201)
            .get("id");
    ok(
        api.call(
            "POST",
            "/v1/tools/" + codeTool + "/bindings",
            operatorKey,
            "{\"merchant_id\":\""
                + SHOP
                + "\",\"from\":"
                + T0.minus(Duration.ofDays(1)).getEpochSecond()
                + "}"),
        201);
    codeKey = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    com.google.gson.JsonObject key = new com.google.gson.JsonObject();
    key.addProperty("tool_id", codeTool);
    key.addProperty("public_key_pem", codeKey.publicKey().toPem());
    ok(api.call("POST", "/v1/terminal-keys", operatorKey, key.toString()), 201);
    codeLink =
        MerchantLink.of(
                "https://fx.example.cn/hz",
                MerchantCode.sign(
                    MerchantCodeClaim.of(codeKey.keyId(), T0.minus(Duration.ofDays(1))), codeKey))
            .toString();
  }

  /** The path of the code's page: {@code /M/<TOKEN>}. */
  String codePath() {
    return "/M/" + codeLink.substring(codeLink.lastIndexOf("/M/") + 3);
  }

  private static GatewayApi.Response ok(GatewayApi.Response r, int status) {
    if (r.status() != status) {
      throw new AssertionError("expected " + status + ": " + r);
    }
    return r;
  }

  /** A payment of {@code minor} CNY fen at the shop's collection code at {@code at}. */
  ClearingRecord codeRecord(Instant at, long minor) {
    int n = stan++;
    return ClearingRecord.newBuilder()
        .setTrace(
            Trace.newBuilder()
                .setAcquirerInstitution(ACQ)
                .setForwardingInstitution("00010344")
                .setStan(String.format("%06d", n))
                .setTransmissionTime("0101083000")
                .setSettlementDate("0101")
                .setSettlementYear(2026)
                .setRrn(String.format("60010000%04d", n)))
        .setMerchantNumber(CODE_MID)
        .setAmount(dev.fangxin.protocol.v1.Money.newBuilder().setMinorUnits(minor).setCurrency(156))
        .setTransactionTime(at.getEpochSecond())
        .setToolType(ToolType.TOOL_TYPE_QR_COLLECTION_CODE)
        .build();
  }

  /** The durable trace of {@code r}, as the payment app shows it. */
  static String traceOf(ClearingRecord r) {
    return DurableTrace.fromProto(r.getTrace()).value();
  }

  /** Pushes {@code records} through the acquirer's signed clearing hook. */
  void push(String batchId, ClearingRecord... records) throws Exception {
    ClearingBatch.Builder b =
        ClearingBatch.newBuilder().setBatchId(batchId).setAcquirerInstitution(ACQ);
    for (ClearingRecord r : records) {
      b.addRecords(r);
    }
    byte[] body = b.build().toByteArray();
    long ts = clock.instant().getEpochSecond();
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(url("/v1/clearing/batches"))
                .header("Content-Type", BatchParser.PROTOBUF)
                .header(HookSignature.ACQUIRER, ACQ)
                .header(HookSignature.TIMESTAMP, Long.toString(ts))
                .header(
                    HookSignature.SIGNATURE,
                    HookSignature.sign(acquirerSecret, ts, "POST", "/v1/clearing/batches", body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new AssertionError("clearing batch refused: " + r.statusCode() + " " + r.body());
    }
  }

  /** A real photo-sized JPEG: {@code w}×{@code h} of noise at quality 0.95 (about 1 byte/pixel). */
  static byte[] noisyJpeg(int w, int h, long seed) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    java.util.Random random = new java.util.Random(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.95f);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(null, new javax.imageio.IIOImage(img, null, null), param);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
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
    Map<String, List<String>> out = StoreSnapshot.of(gateway.store());
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
