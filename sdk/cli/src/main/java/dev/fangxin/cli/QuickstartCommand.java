package dev.fangxin.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fangxin.adapters.escpos.PrinterProfile;
import dev.fangxin.adapters.escpos.ReceiptLayout;
import dev.fangxin.adapters.virtualprinter.RenderedPaper;
import dev.fangxin.adapters.virtualprinter.VirtualPrinter;
import dev.fangxin.core.id.CreditCode;
import dev.fangxin.core.identity.TerminalIdentity;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.link.DisputeLink;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.qr.QrImageDecoder;
import dev.fangxin.core.receipt.ReceiptSigner;
import dev.fangxin.core.receipt.SignedReceipt;
import dev.fangxin.core.receipt.Transaction;
import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.gateway.DisputeServices;
import dev.fangxin.gateway.Gateway;
import dev.fangxin.gateway.auth.ApiKeys;
import dev.fangxin.gateway.config.GatewayConfig;
import dev.fangxin.merchant.client.Answer;
import dev.fangxin.merchant.client.CaseClient;
import dev.fangxin.merchant.webhook.WebhookEvent;
import dev.fangxin.protocol.v1.PaymentTool;
import dev.fangxin.protocol.v1.ToolType;
import dev.fangxin.protocol.v1.Trace;
import dev.fangxin.protocol.v1.TransactionType;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fangxin quickstart}: the whole story on embedded defaults, over real HTTP on loopback. It
 * starts a gateway in this process (H2 under the output folder), registers a merchant with its
 * payment terminal, terminal key, API key and webhook receiver, sells and prints a receipt, scans
 * the printed PNG, files a complaint, lets the merchant refund and the consumer confirm, then moves
 * the merchant to another acquirer's terminal and another endpoint and shows that a complaint on an
 * old receipt still arrives.
 *
 * <p>Each step checks its outcome (not just an HTTP status) and narrates it in one line; the run
 * exits 0 only if every step held, else 1 naming the step that failed. Everything it writes goes
 * into one folder: {@code receipt.png}, {@code receipt-2.png}, the collection code's {@code
 * sticker.png}, {@code sticker.svg} and {@code sticker.pdf}, {@code case.json}, {@code story.txt},
 * and the gateway's data under {@code gateway/} (replaced on every run).
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole story on embedded defaults and says what happens at each step:",
      "a gateway starts (H2, loopback), a merchant registers its terminal and webhook receiver,",
      "the terminal sells and prints a receipt, a phone scans it and files a complaint, the",
      "merchant refunds, the consumer confirms; then the merchant moves to another acquirer's",
      "terminal and endpoint, and a complaint on an old receipt still reaches it.",
      "Exits 0 only if every step really happened; otherwise 1, naming the failed step."
    },
    footer = {"", "Example:", "  fangxin quickstart --out fangxin-quickstart"})
final class QuickstartCommand implements Callable<Integer> {
  /** First 17 characters of the merchant's unified social credit code; the 18th is computed. */
  private static final String CREDIT_CODE_PREFIX = "91330106MA2B3C4D5";

  private static final String MERCHANT_NAME = "放心小馆 Fangxin Bistro";
  private static final String ACQUIRER_A = "48020000";
  private static final String ACQUIRER_B = "48270000";
  private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "fangxin-quickstart",
      description = "Folder for everything the quickstart writes (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "0",
      description = "Loopback port of the gateway; 0 (the default) picks a free one.")
  int port;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description =
          "How long to wait for each webhook and case change (default: ${DEFAULT-VALUE}).")
  int waitSeconds;

  /**
   * Flyway's migrations and HikariCP's pool log through java.util.logging (SLF4J is bound to it);
   * the story is the quickstart's output, so only their warnings show. Held here so the settings
   * stick.
   */
  private static final java.util.logging.Logger FLYWAY_LOG =
      java.util.logging.Logger.getLogger("org.flywaydb");

  private static final java.util.logging.Logger POOL_LOG =
      java.util.logging.Logger.getLogger("com.zaxxer.hikari");

  private final List<String> story = new ArrayList<>();
  private PrintWriter o;
  private int stepNumber;
  private String stepName = "";
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  // What the story carries from step to step.
  private Gateway gateway;
  private URI gatewayUrl;
  private String operatorKey;
  private String merchantId;
  private String t1;
  private String t2;
  private TerminalIdentity t1Identity;
  private String merchantKey;
  private LoopbackMerchant shop;
  private LoopbackMerchant newShop;
  private WebhookSecret endpointSecret;
  private SignedReceipt sale1;
  private SignedReceipt sale2;
  private String link1;
  private String link2;
  private String caseId;
  private String accessSecret;
  private String oldCaseId;

  /** A step's outcome was not what it should be. */
  static final class StepFailed extends RuntimeException {
    StepFailed(String message) {
      super(message);
    }
  }

  @FunctionalInterface
  private interface Step {
    String run() throws Exception;
  }

  @Override
  public Integer call() throws Exception {
    o = spec.commandLine().getOut();
    if (waitSeconds < 1 || waitSeconds > 600) {
      throw new UserException("--wait must be 1 to 600 seconds, got " + waitSeconds);
    }
    if (port < 0 || port > 65535) {
      throw new UserException("--port must be 0 to 65535, got " + port);
    }
    Files.createDirectories(out);
    FLYWAY_LOG.setLevel(java.util.logging.Level.WARNING);
    POOL_LOG.setLevel(java.util.logging.Level.WARNING);
    say("Fangxin quickstart: the whole story on this machine, writing into " + out + ".");
    long started = System.nanoTime();
    boolean ok = false;
    try {
      ok =
          step("Start the gateway", this::startGateway)
              && step("Register the merchant", this::registerMerchant)
              && step("Register its card terminal", this::registerTerminal)
              && step("Register the terminal's key", this::registerTerminalKey)
              && step("Give the merchant an API key and a webhook receiver", this::connectMerchant)
              && step("The merchant prints its 放心消费 collection code", this::sticker)
              && step("The terminal sells and prints", this::sell)
              && step("A consumer scans the receipt", this::scan)
              && step("The consumer files a complaint", this::complain)
              && step("The complaint reaches the merchant", this::deliver)
              && step("The merchant refunds", this::refund)
              && step("The consumer confirms", this::confirm)
              && step("The merchant switches payment tool and endpoint", this::switchTool)
              && step("A complaint on an old receipt still arrives", this::oldReceipt);
    } finally {
      close();
    }
    if (ok) {
      say(
          String.format(
              "All %d steps happened, in %.1f s. Artifacts: %s (receipt.png, receipt-2.png,"
                  + " sticker.png/.svg/.pdf, case.json, story.txt).",
              stepNumber, (System.nanoTime() - started) / 1e9, out));
    }
    writeStory();
    return ok ? 0 : Main.VERIFICATION_FAILED;
  }

  private boolean step(String name, Step step) {
    stepNumber++;
    stepName = name;
    try {
      String line = step.run();
      say(stepNumber + ". " + name + ": " + line);
      return true;
    } catch (StepFailed e) {
      fail(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    } catch (Exception e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (System.getenv("FANGXIN_DEBUG") != null) {
        e.printStackTrace(spec.commandLine().getErr());
      }
      fail(message);
    }
    return false;
  }

  private void fail(String why) {
    String line = "FAILED at step " + stepNumber + " (" + stepName + "): " + why;
    say(line);
    PrintWriter err = spec.commandLine().getErr();
    err.println("quickstart: " + line);
    err.flush();
  }

  private void say(String line) {
    story.add(line);
    o.println(line);
    o.flush();
  }

  private void writeStory() {
    try {
      Files.writeString(
          out.resolve("story.txt"), String.join("\n", story) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      spec.commandLine().getErr().println("quickstart: could not write story.txt: " + e);
    }
  }

  private void close() {
    for (AutoCloseable c : new AutoCloseable[] {shop, newShop, gateway, t1Identity}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // Best effort on the way out; the story already says how far it got.
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------ steps

  private String startGateway() throws Exception {
    Path data = out.resolve("gateway");
    deleteTree(data); // every run tells the story from the beginning
    Files.createDirectories(data);
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("data.dir", data.toString());
    flags.put("http.host", "127.0.0.1");
    flags.put("http.port", Integer.toString(port));
    flags.put("delivery.backoff-base", "200ms");
    // Only these settings: FANGXIN_* variables of a gateway on this machine must not leak in.
    GatewayConfig config = GatewayConfig.load(flags, Map.of());
    gateway = DisputeServices.start(config, Clock.systemUTC());
    gatewayUrl = gateway.listenUrl();
    operatorKey =
        ApiKeys.on(gateway.store(), Clock.systemUTC())
            .bootstrapOperator("quickstart-operator")
            .orElseThrow(() -> new StepFailed("the fresh store already had an operator key"))
            .apiKey();
    Files.writeString(data.resolve("operator.key"), operatorKey + "\n", StandardCharsets.US_ASCII);
    Reply ready = call("GET", "/readyz", null, null);
    expect(ready, 200);
    return "listening on "
        + gatewayUrl
        + " with an H2 database in "
        + data
        + "; it is ready, and an operator API key is in "
        + data.resolve("operator.key")
        + ".";
  }

  private String registerMerchant() throws Exception {
    merchantId = CREDIT_CODE_PREFIX + CreditCode.checkCharacter(CREDIT_CODE_PREFIX);
    JsonObject body = new JsonObject();
    body.addProperty("id", merchantId);
    body.addProperty("name", MERCHANT_NAME);
    body.addProperty("locale", "zh-CN");
    body.addProperty("time_zone", ZONE.getId());
    expect(call("POST", "/v1/merchants", operatorKey, body), 201);
    JsonObject read = expect(call("GET", "/v1/merchants/" + merchantId, operatorKey, null), 200);
    check(
        MERCHANT_NAME.equals(read.get("name").getAsString()),
        "the gateway reads the merchant back as " + read);
    return "merchant " + merchantId + " (" + MERCHANT_NAME + ", credit code) is registered.";
  }

  private String registerTerminal() throws Exception {
    t1 = registerCardTerminal(ACQUIRER_A, "898330160120001", "T0000001");
    bind(t1, Instant.now().minus(Duration.ofHours(1)));
    return "card terminal "
        + t1
        + " of acquirer "
        + ACQUIRER_A
        + " is bound to "
        + merchantId
        + " from an hour ago.";
  }

  private String registerTerminalKey() throws Exception {
    Path work = Files.createDirectories(out.resolve("gateway").resolve("terminal"));
    char[] password = newPassword();
    t1Identity =
        TerminalIdentity.create(
            work.resolve("t1.p12"), password, SignatureAlgorithm.SM2_SM3, "T0000001");
    Files.writeString(
        work.resolve("t1.pub.pem"),
        t1Identity.current().publicKey().toPem(),
        StandardCharsets.US_ASCII);
    JsonObject body = new JsonObject();
    body.addProperty("tool_id", t1);
    body.addProperty(
        "csr_pem", t1Identity.certificationRequestPem("CN=T0000001,O=Fangxin Bistro,C=CN"));
    JsonObject key = expect(call("POST", "/v1/terminal-keys", operatorKey, body), 201);
    String keyId = t1Identity.current().keyId().toHex();
    check(
        keyId.equalsIgnoreCase(key.get("key_id").getAsString()),
        "the gateway registered key " + key.get("key_id") + ", not the terminal's " + keyId);
    return "the terminal made an SM2 key "
        + keyId
        + " and sent its certification request; the gateway registered it for "
        + t1
        + ".";
  }

  private String connectMerchant() throws Exception {
    JsonObject body = new JsonObject();
    body.addProperty("client_id", "quickstart-merchant");
    body.addProperty("role", "merchant");
    body.addProperty("merchant_id", merchantId);
    merchantKey =
        expect(call("POST", "/v1/api-keys", operatorKey, body), 201).get("api_key").getAsString();
    shop = LoopbackMerchant.start("receiver 1");
    JsonObject endpoint = putEndpoint(shop, 201);
    endpointSecret = WebhookSecret.parse(endpoint.get("secret").getAsString());
    shop.trust(endpointSecret);
    return "the merchant has an API key and a webhook receiver at "
        + shop.url()
        + " (merchant kit, verifying with the whsec_ secret the gateway returned).";
  }

  private String sticker() throws Exception {
    JsonObject body = new JsonObject();
    body.addProperty("kind", "collection_code");
    body.addProperty("code_id", "fangxin-bistro-1");
    String tool = expect(call("POST", "/v1/tools", operatorKey, body), 201).get("id").getAsString();
    bind(tool, Instant.now().minus(Duration.ofHours(1)));
    Path work = out.resolve("gateway").resolve("terminal");
    try (TerminalIdentity code =
        TerminalIdentity.create(
            work.resolve("code.p12"), newPassword(), SignatureAlgorithm.SM2_SM3, "code-1")) {
      TerminalKeyPair key = code.current();
      Files.writeString(
          work.resolve("code.pub.pem"), key.publicKey().toPem(), StandardCharsets.US_ASCII);
      JsonObject k = new JsonObject();
      k.addProperty("tool_id", tool);
      k.addProperty("public_key_pem", key.publicKey().toPem());
      JsonObject registered = expect(call("POST", "/v1/terminal-keys", operatorKey, k), 201);
      check(
          tool.equals(registered.get("tool_id").getAsString()),
          "the gateway registered the code's key for " + registered.get("tool_id"));
      StickerCommand.Written w =
          StickerCommand.write(
              MERCHANT_NAME,
              key,
              gatewayUrl.toString(),
              out,
              EnumSet.allOf(StickerCommand.Format.class),
              List.of(),
              Instant.now());
      // write() has read sticker.png back and verified its code with the key.
      check(w.files().size() == 3, "the sticker was written as " + w.files());
      return "collection code "
          + tool
          + " is bound to "
          + merchantId
          + " with its own key "
          + key.keyId()
          + "; its sticker (QR read back and verified) is in sticker.png, sticker.svg and"
          + " sticker.pdf (A6).";
    }
  }

  private String sell() throws Exception {
    Path journal = out.resolve("gateway").resolve("terminal").resolve("t1.journal");
    Instant now = Instant.now();
    try (ReceiptSigner signer = ReceiptSigner.open(t1Identity.current(), journal)) {
      sale1 = signer.sign(Transaction.fromProto(sale(now.minusSeconds(600), 12_800, 1)));
      sale2 = signer.sign(Transaction.fromProto(sale(now.minusSeconds(300), 3_600, 2)));
    }
    String base = gatewayUrl.toString();
    link1 = sale1.link(base).toString();
    link2 = sale2.link(base).toString();
    print(sale1, base, out.resolve("receipt.png"), link1);
    print(sale2, base, out.resolve("receipt-2.png"), link2);
    return String.format(
        "two sales (CNY 128.00, then CNY 36.00) were signed, journaled and printed through the"
            + " ESC/POS layout on a virtual 58 mm printer: %s and %s.",
        out.resolve("receipt.png"), out.resolve("receipt-2.png"));
  }

  private void print(SignedReceipt receipt, String base, Path png, String link) throws IOException {
    byte[] escpos =
        ReceiptLayout.fromSignedReceipt(
                PrinterProfile.mm58(),
                receipt,
                base,
                ZONE,
                ReceiptLayout.Header.of(MERCHANT_NAME),
                List.of())
            .toBytes();
    RenderedPaper paper = VirtualPrinter.paper58mm().render(escpos);
    check(
        paper.qrPayloads().contains(link),
        "the printed receipt's QR code holds " + paper.qrPayloads() + ", not " + link);
    Files.write(png, paper.toPng());
  }

  private String scan() throws Exception {
    String scanned = QrImageDecoder.decode(out.resolve("receipt.png"));
    check(scanned.equals(link1), "receipt.png decodes to " + scanned + ", not the printed link");
    DisputeLink link = DisputeLink.parse(scanned);
    link.token().verify(t1Identity.current().publicKey());
    JsonObject summary = expect(call("GET", "/D/" + tokenText(scanned), null, null), 200);
    check(
        merchantId.equals(summary.get("merchant_id").getAsString()),
        "the gateway names merchant " + summary.get("merchant_id") + " for the receipt");
    return "the phone read "
        + scanned.substring(0, Math.min(40, scanned.length()))
        + "… from receipt.png; the gateway verified the signature and shows "
        + summary.get("merchant_name").getAsString()
        + ", paid "
        + summary.get("paid_at_local").getAsString()
        + ".";
  }

  private String complain() throws Exception {
    JsonObject created = fileComplaint(link1, "The fish was not fresh.");
    caseId = created.get("case_id").getAsString();
    accessSecret = created.get("access_secret").getAsString();
    return "case "
        + caseId
        + " is open; the consumer keeps its access secret; the merchant must answer by "
        + created.get("deadline_at").getAsString()
        + ".";
  }

  private String deliver() throws Exception {
    WebhookEvent event =
        shop.await("case.created", caseId, patience())
            .orElseThrow(
                () ->
                    new StepFailed(
                        shop.name()
                            + " got no verified case.created for "
                            + caseId
                            + " within "
                            + waitSeconds
                            + " s"
                            + refusals(shop)));
    awaitState(caseId, "delivered");
    return shop.name()
        + " received case.created ("
        + event.id()
        + ") for "
        + caseId
        + "; its signature verified; the gateway marks the case delivered.";
  }

  private String refund() throws Exception {
    CaseClient client = CaseClient.create(gatewayUrl, merchantKey);
    client.acknowledge(caseId, "Received; we are looking into it.");
    JsonObject answered =
        client.answer(
            caseId, Answer.refund(Money.of(12_800, Money.CNY), "Sorry; refunded in full."));
    check(
        "answered".equals(answered.get("state").getAsString()),
        "after the refund the case reads " + answered.get("state"));
    return "through the merchant kit's CaseClient the merchant acknowledged and refunded CNY"
        + " 128.00; the case reads answered.";
  }

  private String confirm() throws Exception {
    Reply r =
        call(
            "POST",
            "/v1/cases/" + caseId + "/confirmation",
            null,
            null,
            "Fangxin-Case-Secret",
            accessSecret);
    expect(r, 200);
    JsonObject view =
        expect(
            call("GET", "/v1/cases/" + caseId, null, null, "Fangxin-Case-Secret", accessSecret),
            200);
    check(
        "resolved".equals(view.get("state").getAsString()),
        "the case reads " + view.get("state") + ", not resolved");
    Files.writeString(
        out.resolve("case.json"),
        new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(view) + "\n",
        StandardCharsets.UTF_8);
    shop.await("case.updated", caseId, patience())
        .orElseThrow(
            () -> new StepFailed(shop.name() + " got no case.updated for " + caseId + "."));
    return "with the access secret the consumer confirmed; the case reads resolved ("
        + out.resolve("case.json")
        + ", with its timeline) and the merchant was told (case.updated).";
  }

  private String switchTool() throws Exception {
    Instant switchAt = Instant.now();
    t2 = registerCardTerminal(ACQUIRER_B, "898440160990007", "B2000001");
    newShop = LoopbackMerchant.start("receiver 2");
    newShop.trust(endpointSecret); // moving an endpoint keeps its secrets
    // One request closes T1's binding, opens T2's and moves the endpoint, all or nothing.
    JsonObject change = new JsonObject();
    change.addProperty("from_tool_id", t1);
    change.addProperty("to_tool_id", t2);
    change.addProperty("at", switchAt.toString());
    change.addProperty("endpoint_url", newShop.url().toString());
    expect(
        call("POST", "/v1/merchants/" + merchantId + "/tool-switches", operatorKey, change), 201);
    JsonObject endpoint =
        expect(call("GET", "/v1/merchants/" + merchantId + "/endpoint", merchantKey, null), 200);
    check(
        newShop.url().toString().equals(endpoint.get("url").getAsString()),
        "the endpoint reads " + endpoint.get("url"));
    return "the merchant closed "
        + t1
        + ", now takes payments on "
        + t2
        + " of acquirer "
        + ACQUIRER_B
        + ", and moved its endpoint to "
        + newShop.url()
        + ".";
  }

  private String oldReceipt() throws Exception {
    String scanned = QrImageDecoder.decode(out.resolve("receipt-2.png"));
    check(scanned.equals(link2), "receipt-2.png decodes to " + scanned);
    JsonObject created = fileComplaint(scanned, "Charged for a dish we did not get.");
    oldCaseId = created.get("case_id").getAsString();
    WebhookEvent event =
        newShop
            .await("case.created", oldCaseId, patience())
            .orElseThrow(
                () ->
                    new StepFailed(
                        newShop.name()
                            + " got no verified case.created for "
                            + oldCaseId
                            + refusals(newShop)));
    check(
        shop.find("case.created", oldCaseId).isEmpty(),
        "the old receiver also got the complaint on the old receipt");
    check(
        merchantId.equals(event.merchantId().orElse("")),
        "the complaint names merchant " + event.merchantId());
    return "receipt-2.png (printed on "
        + t1
        + " before the switch) opened case "
        + oldCaseId
        + ", delivered to "
        + newShop.name()
        + " at the new endpoint: complaints follow the payment, not the tool.";
  }

  // ------------------------------------------------------------------------------------ helpers

  private String registerCardTerminal(String acquirer, String merchantNumber, String terminalId)
      throws Exception {
    JsonObject body = new JsonObject();
    body.addProperty("kind", "card_terminal");
    body.addProperty("acquirer", acquirer);
    body.addProperty("merchant_number", merchantNumber);
    body.addProperty("terminal_id", terminalId);
    return expect(call("POST", "/v1/tools", operatorKey, body), 201).get("id").getAsString();
  }

  private void bind(String toolId, Instant from) throws Exception {
    JsonObject body = new JsonObject();
    body.addProperty("merchant_id", merchantId);
    body.addProperty("from", from.getEpochSecond());
    expect(call("POST", "/v1/tools/" + toolId + "/bindings", operatorKey, body), 201);
  }

  private JsonObject putEndpoint(LoopbackMerchant receiver, int status) throws Exception {
    JsonObject body = new JsonObject();
    body.addProperty("url", receiver.url().toString());
    return expect(
        call("PUT", "/v1/merchants/" + merchantId + "/endpoint", merchantKey, body), status);
  }

  private JsonObject fileComplaint(String link, String description) throws Exception {
    JsonObject body = new JsonObject();
    body.addProperty("receipt_token", tokenText(link));
    body.addProperty("category", "quality");
    body.addProperty("desired_outcome", "refund_money");
    body.addProperty("description", description);
    return expect(call("POST", "/v1/complaints", null, body), 201);
  }

  private void awaitState(String id, String state) throws Exception {
    long deadline = System.nanoTime() + patience().toNanos();
    String seen;
    do {
      JsonObject view = expect(call("GET", "/v1/cases/" + id, merchantKey, null), 200);
      seen = view.get("state").getAsString();
      if (seen.equals(state)) {
        return;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    throw new StepFailed("case " + id + " reads " + seen + ", not " + state);
  }

  private static String tokenText(String link) {
    int at = link.lastIndexOf("/D/");
    if (at < 0) {
      throw new StepFailed("not a dispute link: " + link);
    }
    return link.substring(at + 3);
  }

  private static String refusals(LoopbackMerchant receiver) {
    List<String> r = receiver.refusals();
    return r.isEmpty() ? "." : "; it refused deliveries: " + r;
  }

  private Duration patience() {
    return Duration.ofSeconds(waitSeconds);
  }

  private static void check(boolean condition, String whatWentWrong) {
    if (!condition) {
      throw new StepFailed(whatWentWrong);
    }
  }

  /** An answer from the gateway: status and body. */
  private record Reply(String what, int status, String body) {}

  private Reply call(String method, String path, String bearer, JsonElement body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(gatewayUrl.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    if (body != null) {
      r.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      r.header("Authorization", "Bearer " + bearer);
    }
    for (int i = 0; i < headers.length; i += 2) {
      r.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> res =
        http.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Reply(method + " " + path, res.statusCode(), res.body());
  }

  /**
   * The reply's JSON object when its status is {@code status}; otherwise the step fails with the
   * request, the status and the body (a problem+json names the gateway's reason).
   */
  private static JsonObject expect(Reply reply, int status) {
    if (reply.status() != status) {
      throw new StepFailed(
          reply.what()
              + " answered "
              + reply.status()
              + " (expected "
              + status
              + "): "
              + reply.body());
    }
    if (reply.body().isEmpty()) {
      return new JsonObject();
    }
    JsonElement json = JsonParser.parseString(reply.body());
    return json.isJsonObject() ? json.getAsJsonObject() : new JsonObject();
  }

  static dev.fangxin.protocol.v1.Transaction sale(Instant time, long fen, int receiptNumber) {
    ZonedDateTime local = time.atZone(ZONE);
    String creditCode = CREDIT_CODE_PREFIX + CreditCode.checkCharacter(CREDIT_CODE_PREFIX);
    return dev.fangxin.protocol.v1.Transaction.newBuilder()
        .setType(TransactionType.TRANSACTION_TYPE_SALE)
        .setAmount(
            dev.fangxin.protocol.v1.Money.newBuilder().setMinorUnits(fen).setCurrency(Money.CNY))
        .setTime(time.getEpochSecond())
        .setTool(
            PaymentTool.newBuilder()
                .setType(ToolType.TOOL_TYPE_POS_TERMINAL)
                .setAcquirerInstitution(ACQUIRER_A)
                .setMerchantNumber("898330160120001")
                .setTerminalId("T0000001"))
        .setTrace(
            Trace.newBuilder()
                .setAcquirerInstitution(ACQUIRER_A)
                .setForwardingInstitution(ACQUIRER_A)
                .setStan(String.format("%06d", receiptNumber))
                .setTransmissionTime(local.format(DateTimeFormatter.ofPattern("MMddHHmmss")))
                .setSettlementDate(local.format(DateTimeFormatter.ofPattern("MMdd")))
                .setSettlementYear(local.getYear())
                .setRrn(String.format("%012d", time.getEpochSecond() % 1_000_000_000_000L)))
        .setMaskedPan("622202******1234")
        .setReceiptNumber(String.format("%06d", receiptNumber))
        .setMerchantName(MERCHANT_NAME)
        .setMerchantCreditCode(creditCode)
        .build();
  }

  private static char[] newPassword() {
    byte[] random = new byte[12];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random).toCharArray();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
