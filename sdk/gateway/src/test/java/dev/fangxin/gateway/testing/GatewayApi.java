package dev.fangxin.gateway.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.link.DisputeLink;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.token.DisputeClaim;
import dev.fangxin.core.token.DisputeToken;
import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.protocol.v1.TransactionType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small client of a running gateway's public HTTP API, for end-to-end tests: it onboards a
 * merchant the way an operator does (merchant, card terminal, binding, terminal key, merchant API
 * key, webhook endpoint — every step a real request with the operator's API key) and files
 * complaints from real signed receipt tokens. It checks nothing itself beyond the status of each
 * onboarding step; tests assert on the {@link Response}s.
 *
 * <p>Thread-safe: it holds only the base URL and a thread-safe {@link HttpClient}.
 */
public final class GatewayApi {
  /** One answer: status and body, parsed as JSON on demand. Immutable. */
  public static final class Response {
    private final int status;
    private final String body;

    private Response(int status, String body) {
      this.status = status;
      this.body = body;
    }

    /** The HTTP status. */
    public int status() {
      return status;
    }

    /** The body as text. */
    public String body() {
      return body;
    }

    /**
     * The body as a JSON object.
     *
     * @throws IllegalStateException if the body is not a JSON object
     */
    public JsonObject json() {
      try {
        return JsonParser.parseString(body).getAsJsonObject();
      } catch (RuntimeException e) {
        throw new IllegalStateException("Not a JSON object (status " + status + "): " + body, e);
      }
    }

    /** A string member of the JSON body. */
    public String get(String member) {
      return json().get(member).getAsString();
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  /**
   * A merchant onboarded by {@link #onboard}: its ID, its terminal (tool ID and signing key), its
   * merchant API key and the endpoint's webhook secret. Signs receipt tokens with consecutive
   * sequence numbers. Thread-safe.
   */
  public static final class Shop {
    private final String merchantId;
    private final String toolId;
    private final TerminalKeyPair terminal;
    private final String apiKey;
    private final WebhookSecret secret;
    private final AtomicLong sequence = new AtomicLong();

    private Shop(
        String merchantId,
        String toolId,
        TerminalKeyPair terminal,
        String apiKey,
        WebhookSecret secret) {
      this.merchantId = merchantId;
      this.toolId = toolId;
      this.terminal = terminal;
      this.apiKey = apiKey;
      this.secret = secret;
    }

    /** The merchant ID. */
    public String merchantId() {
      return merchantId;
    }

    /** The card terminal's tool ID. */
    public String toolId() {
      return toolId;
    }

    /** The terminal's key pair (registered with the gateway). */
    public TerminalKeyPair terminal() {
      return terminal;
    }

    /** The merchant's API key ({@code Authorization: Bearer}). */
    public String apiKey() {
      return apiKey;
    }

    /** The endpoint's webhook secret, as the gateway showed it once. */
    public WebhookSecret secret() {
      return secret;
    }

    /**
     * A receipt token for a sale of {@code minorUnits} fen paid at {@code paidAt}, signed by the
     * terminal, with the next sequence number.
     */
    public String token(Instant paidAt, long minorUnits) {
      DisputeClaim claim =
          DisputeClaim.of(
              TransactionType.TRANSACTION_TYPE_SALE,
              terminal.keyId(),
              sequence.incrementAndGet(),
              paidAt,
              Money.of(minorUnits, Money.CNY));
      return DisputeLink.encodeToken(DisputeToken.sign(claim, terminal));
    }
  }

  private final URI base;
  private final HttpClient client;

  private GatewayApi(URI base, HttpClient client) {
    this.base = base;
    this.client = client;
  }

  /** A client of the gateway at {@code base} (e.g. {@code http://127.0.0.1:8080}). */
  public static GatewayApi at(URI base) {
    return at(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
  }

  /** As {@link #at(URI)} with a given client. */
  public static GatewayApi at(URI base, HttpClient client) {
    return new GatewayApi(
        Objects.requireNonNull(base, "base == null"),
        Objects.requireNonNull(client, "client == null"));
  }

  /** The base URL. */
  public URI base() {
    return base;
  }

  /**
   * Sends one request and waits for the answer (30 s at most).
   *
   * @param bearer an API key for {@code Authorization: Bearer}, or null for none
   * @param json a JSON body sent as {@code application/json}, or null for none
   * @param headers further header names and values, alternating
   */
  public Response call(String method, String path, String bearer, String json, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    if (json != null) {
      r.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      r.header("Authorization", "Bearer " + bearer);
    }
    for (int i = 0; i < headers.length; i += 2) {
      r.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> res =
        client.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Response(res.statusCode(), res.body());
  }

  /**
   * Onboards a merchant with the operator's key: {@code POST /v1/merchants}, {@code POST /v1/tools}
   * (a card terminal of acquirer 48020000 with terminal ID {@code terminalId}), {@code POST
   * /v1/tools/{id}/bindings} from {@code boundFrom}, {@code POST /v1/terminal-keys} (a new Ed25519
   * key), {@code POST /v1/api-keys} (a merchant key) and {@code PUT /v1/merchants/{id}/endpoint} to
   * {@code endpoint}.
   *
   * @param merchantId an {@code X-} registry ID or a credit code
   * @param terminalId 8 characters
   * @throws IllegalStateException naming the step whose answer was not the expected status
   */
  public Shop onboard(
      String operatorKey, String merchantId, String terminalId, Instant boundFrom, URI endpoint)
      throws IOException, InterruptedException {
    JsonObject merchant = new JsonObject();
    merchant.addProperty("id", merchantId);
    merchant.addProperty("name", "Shop " + merchantId);
    merchant.addProperty("locale", "zh-CN");
    merchant.addProperty("time_zone", "Asia/Shanghai");
    expect(call("POST", "/v1/merchants", operatorKey, merchant.toString()), 201, "merchant");

    JsonObject tool = new JsonObject();
    tool.addProperty("kind", "card_terminal");
    tool.addProperty("acquirer", "48020000");
    tool.addProperty("merchant_number", "898330160110021");
    tool.addProperty("terminal_id", terminalId);
    String toolId =
        expect(call("POST", "/v1/tools", operatorKey, tool.toString()), 201, "tool").get("id");

    JsonObject binding = new JsonObject();
    binding.addProperty("merchant_id", merchantId);
    binding.addProperty("from", boundFrom.getEpochSecond());
    expect(
        call("POST", "/v1/tools/" + toolId + "/bindings", operatorKey, binding.toString()),
        201,
        "binding");

    TerminalKeyPair terminal = TerminalKeyPair.generate(SignatureAlgorithm.ED25519);
    JsonObject key = new JsonObject();
    key.addProperty("tool_id", toolId);
    key.addProperty("public_key_pem", terminal.publicKey().toPem());
    expect(call("POST", "/v1/terminal-keys", operatorKey, key.toString()), 201, "terminal key");

    JsonObject apiKey = new JsonObject();
    apiKey.addProperty("client_id", "client-" + merchantId.toLowerCase(java.util.Locale.ROOT));
    apiKey.addProperty("role", "merchant");
    apiKey.addProperty("merchant_id", merchantId);
    String merchantKey =
        expect(call("POST", "/v1/api-keys", operatorKey, apiKey.toString()), 201, "api key")
            .get("api_key");

    JsonObject url = new JsonObject();
    url.addProperty("url", endpoint.toString());
    String secret =
        expect(
                call(
                    "PUT",
                    "/v1/merchants/" + merchantId + "/endpoint",
                    operatorKey,
                    url.toString()),
                201,
                "endpoint")
            .get("secret");
    return new Shop(merchantId, toolId, terminal, merchantKey, WebhookSecret.parse(secret));
  }

  private static Response expect(Response r, int status, String step) {
    if (r.status() != status) {
      throw new IllegalStateException(
          "Onboarding step " + step + " answered " + r + "; expected " + status + ".");
    }
    return r;
  }

  /** The body of a complaint about the receipt {@code token}. */
  public static String complaint(String token, String description) {
    JsonObject o = new JsonObject();
    o.addProperty("receipt_token", token);
    o.addProperty("category", "quality");
    o.addProperty("desired_outcome", "refund_money");
    o.addProperty("description", description);
    return o.toString();
  }

  /** {@code POST /v1/complaints} about {@code token}, with no credentials. */
  public Response fileComplaint(String token, String description)
      throws IOException, InterruptedException {
    return call("POST", "/v1/complaints", null, complaint(token, description));
  }

  /** {@code GET /v1/cases/{id}} as the case's merchant; the view if it answered 200. */
  public Optional<JsonObject> caseAsMerchant(Shop shop, String caseId)
      throws IOException, InterruptedException {
    Response r = call("GET", "/v1/cases/" + caseId, shop.apiKey(), null);
    return r.status() == 200 ? Optional.of(r.json()) : Optional.empty();
  }
}
