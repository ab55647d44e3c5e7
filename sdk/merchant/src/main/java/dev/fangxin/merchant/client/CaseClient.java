package dev.fangxin.merchant.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads, acknowledges and answers a merchant's cases on the Fangxin gateway, authenticated with the
 * merchant's API key ({@code Authorization: Bearer}). Case views are returned as the gateway's JSON
 * ({@code case_id}, {@code state}, {@code complaint}, {@code receipt}, {@code transitions}, …; see
 * the gateway README). Every method blocks; the client is thread-safe and reuses connections.
 *
 * <pre>{@code
 * CaseClient client = CaseClient.create(URI.create("https://gw.example"), apiKey);
 * client.acknowledge(caseId, "Looking into it");
 * client.answer(caseId, Answer.refund(Money.of(12_800, Money.CNY), "Sorry, refunded in full."));
 * }</pre>
 */
public final class CaseClient {
  /** Time limit of one request. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final String apiKey;
  private final HttpClient http;

  private CaseClient(URI base, String apiKey, HttpClient http) {
    this.base = base;
    this.apiKey = apiKey;
    this.http = http;
  }

  /**
   * A client for the gateway at {@code base} (scheme, host, port; no path).
   *
   * @throws IllegalArgumentException if {@code base} is not an absolute http(s) URI or the key is
   *     blank
   */
  public static CaseClient create(URI base, String apiKey) {
    Objects.requireNonNull(base, "base == null");
    Objects.requireNonNull(apiKey, "apiKey == null");
    if (!base.isAbsolute()
        || !("http".equals(base.getScheme()) || "https".equals(base.getScheme()))
        || base.getHost() == null) {
      throw new IllegalArgumentException("base must be an absolute http(s) URI, got " + base);
    }
    if (apiKey.isBlank() || apiKey.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new IllegalArgumentException("apiKey must be the printable key the gateway issued.");
    }
    String b = base.toString().replaceAll("/+$", "");
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    return new CaseClient(URI.create(b), apiKey, http);
  }

  /** The case {@code caseId} as the gateway shows it to this merchant. */
  public JsonObject get(String caseId) {
    return send("GET", "/v1/cases/" + segment(caseId), null);
  }

  /**
   * This merchant's cases, newest first.
   *
   * @param state a state such as {@code "delivered"}, or null for all
   * @param limit 1 to 1000
   */
  public List<JsonObject> list(String state, int limit) {
    StringBuilder path = new StringBuilder("/v1/cases?limit=").append(limit);
    if (state != null) {
      path.append("&state=").append(URLEncoder.encode(state, StandardCharsets.UTF_8));
    }
    JsonObject o = send("GET", path.toString(), null);
    JsonElement cases = o.get("cases");
    if (cases == null || !cases.isJsonArray()) {
      throw unexpected("a case list without \"cases\"", null);
    }
    List<JsonObject> out = new ArrayList<>();
    for (JsonElement e : (JsonArray) cases) {
      out.add(e.getAsJsonObject());
    }
    return out;
  }

  /** Tells the consumer the merchant has seen the case. Returns the updated case. */
  public JsonObject acknowledge(String caseId, String reason) {
    JsonObject body = new JsonObject();
    if (reason != null) {
      body.addProperty("reason", reason);
    }
    return send("POST", "/v1/cases/" + segment(caseId) + "/acknowledgement", body);
  }

  /** Answers the case. Returns the updated case (state {@code answered}). */
  public JsonObject answer(String caseId, Answer answer) {
    Objects.requireNonNull(answer, "answer == null");
    JsonObject body = new JsonObject();
    body.addProperty("kind", answer.kind().code());
    answer.message().ifPresent(m -> body.addProperty("message", m));
    answer
        .amount()
        .ifPresent(
            a -> {
              JsonObject amount = new JsonObject();
              amount.addProperty("value", a.toDecimalString());
              amount.addProperty("currency", a.currencyCode());
              body.add("amount", amount);
            });
    return send("POST", "/v1/cases/" + segment(caseId) + "/responses", body);
  }

  private static String segment(String caseId) {
    Objects.requireNonNull(caseId, "caseId == null");
    if (caseId.isEmpty() || caseId.length() > 64) {
      throw new IllegalArgumentException("caseId must be 1 to 64 characters.");
    }
    return URLEncoder.encode(caseId, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonObject send(String method, String path, JsonObject body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + apiKey)
            .header("Accept", "application/json");
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    HttpResponse<String> res;
    try {
      res = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CaseClientException(
          CaseClientException.UNREACHABLE,
          0,
          "The gateway at " + base + " is unreachable: " + e,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CaseClientException(
          CaseClientException.UNREACHABLE, 0, "Interrupted while calling the gateway.", e);
    }
    JsonObject json = parse(res.body());
    if (res.statusCode() / 100 == 2) {
      if (json == null) {
        throw unexpected("a " + res.statusCode() + " answer that is not a JSON object", null);
      }
      return json;
    }
    String type = json == null ? null : text(json, "type");
    String detail = json == null ? null : text(json, "detail");
    String code =
        type != null && type.startsWith("https://fangxin.dev/problems/")
            ? type.substring("https://fangxin.dev/problems/".length())
            : CaseClientException.UNEXPECTED_RESPONSE;
    throw new CaseClientException(
        code,
        res.statusCode(),
        "The gateway answered "
            + res.statusCode()
            + (detail != null ? ": " + detail : "")
            + " ["
            + code
            + "]",
        null);
  }

  private static JsonObject parse(String text) {
    try {
      JsonElement e = JsonParser.parseString(text);
      return e.isJsonObject() ? e.getAsJsonObject() : null;
    } catch (JsonParseException e) {
      return null;
    }
  }

  private static String text(JsonObject o, String member) {
    JsonElement e = o.get(member);
    return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
  }

  private static CaseClientException unexpected(String what, Throwable cause) {
    return new CaseClientException(
        CaseClientException.UNEXPECTED_RESPONSE, 0, "The gateway sent " + what + ".", cause);
  }
}
