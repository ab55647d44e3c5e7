package dev.fangxin.gateway.api;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.fangxin.core.FangxinException;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.InvalidIdentifierException;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.core.key.KeyException;
import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.key.TerminalPublicKey;
import dev.fangxin.gateway.auth.ApiKeyException;
import dev.fangxin.gateway.auth.ApiKeyInfo;
import dev.fangxin.gateway.auth.ApiKeys;
import dev.fangxin.gateway.auth.Guard;
import dev.fangxin.gateway.auth.IssuedKey;
import dev.fangxin.gateway.auth.Principal;
import dev.fangxin.gateway.auth.Role;
import dev.fangxin.gateway.http.JsonBody;
import dev.fangxin.gateway.http.ProblemException;
import dev.fangxin.gateway.http.Route;
import dev.fangxin.gateway.http.RouteHandler;
import dev.fangxin.gateway.http.RouteRequest;
import dev.fangxin.gateway.http.RouteResponse;
import dev.fangxin.gateway.registry.Binding;
import dev.fangxin.gateway.registry.Merchant;
import dev.fangxin.gateway.registry.PaymentTool;
import dev.fangxin.gateway.registry.RegisteredKey;
import dev.fangxin.gateway.registry.Registry;
import dev.fangxin.gateway.registry.RegistryException;
import dev.fangxin.gateway.store.StoreException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The registry's HTTP API: merchants, payment tools, tool bindings, terminal keys and API keys. See
 * the "Registry API" section of the gateway README for every route, role and problem code.
 *
 * <p><b>Order of checks.</b> Every route first authenticates ({@link Guard}: 401, then 403 for a
 * role that may never call it), then parses the body strictly ({@link JsonBody}: 415, 400, 422),
 * then looks up what the path names (404, also when the caller may not see it, so a merchant never
 * learns that another merchant's records exist), then writes (409 on a conflict). Every refusal
 * happens before anything is written, and a write is one transaction, so a refused request changes
 * nothing stored.
 *
 * <p><b>Responses.</b> {@code application/json}; every time appears twice, as RFC 3339 UTC ({@code
 * "created_at": "2026-01-01T00:00:00Z"}) and as epoch seconds ({@code "created_at_epoch":
 * 1767225600}); strings are escaped for safe embedding in HTML ({@code <} as {@code \u003c}). Store
 * failures are answered with a generic 500, never with a 4xx.
 *
 * <p>Thread-safe: handlers hold no mutable state.
 */
public final class RegistryRoutes {
  private static final Gson GSON = new GsonBuilder().serializeNulls().create();
  private static final int MAX_PEM = 16 * 1024;

  private final Registry registry;
  private final ApiKeys apiKeys;
  private final Guard guard;
  private final Clock clock;

  private RegistryRoutes(Registry registry, ApiKeys apiKeys, Guard guard, Clock clock) {
    this.registry = registry;
    this.apiKeys = apiKeys;
    this.guard = guard;
    this.clock = clock;
  }

  /**
   * The registry routes, in the order of the README table.
   *
   * @param registry where merchants, tools, bindings and terminal keys live
   * @param apiKeys the key store behind {@code /v1/api-keys}
   * @param guard authenticates callers (normally {@code Guard.of(apiKeys)})
   * @param clock the default for times a request leaves out ("now")
   */
  public static List<Route> routes(Registry registry, ApiKeys apiKeys, Guard guard, Clock clock) {
    RegistryRoutes r =
        new RegistryRoutes(
            Objects.requireNonNull(registry, "registry == null"),
            Objects.requireNonNull(apiKeys, "apiKeys == null"),
            Objects.requireNonNull(guard, "guard == null"),
            Objects.requireNonNull(clock, "clock == null"));
    return List.of(
        route("POST", "/v1/merchants", r::createMerchant),
        route("GET", "/v1/merchants/{id}", r::getMerchant),
        route("POST", "/v1/tools", r::createTool),
        route("GET", "/v1/tools/{id}", r::getTool),
        route("POST", "/v1/tools/{id}/bindings", r::bind),
        route("POST", "/v1/tools/{id}/bindings/close", r::unbind),
        route("GET", "/v1/tools/{id}/bindings", r::bindings),
        route("POST", "/v1/terminal-keys", r::registerKey),
        route("GET", "/v1/terminal-keys/{keyId}", r::getKey),
        route("POST", "/v1/terminal-keys/{keyId}/revocation", r::revokeKey),
        route("POST", "/v1/api-keys", r::issueApiKey),
        route("GET", "/v1/api-keys", r::listApiKeys),
        route("POST", "/v1/api-keys/{keyId}/revocation", r::revokeApiKey));
  }

  /** Wraps a handler so every refusal is an explicit problem and store failures are a 500. */
  private static Route route(String method, String pattern, RouteHandler handler) {
    RouteHandler wrapped =
        request -> {
          try {
            return handler.handle(request);
          } catch (RegistryException e) {
            throw problem(e, "");
          } catch (ApiKeyException e) {
            throw problem(e);
          } catch (StoreException e) {
            // A database failure is the server's fault: never answer it as a client error.
            throw new IllegalStateException("The store failed: " + e.reason(), e);
          }
        };
    // Any other FangxinException escaping a handler is a value the caller sent.
    return Route.of(method, pattern, wrapped).withErrorStatus(422);
  }

  // ---------------------------------------------------------------- merchants

  private RouteResponse createMerchant(RouteRequest request) {
    guard.require(request, Role.OPERATOR);
    JsonBody body = JsonBody.parse(request, Set.of("id", "name", "locale", "time_zone"));
    String id = body.string("id", true, 64);
    String name = body.string("name", true, 10_000);
    String locale = body.string("locale", true, 64);
    String zone = body.string("time_zone", true, 64);
    String canonical = check(body, "id", id, () -> Merchant.checkId(id));
    check(body, "name", name, () -> Merchant.checkName(name));
    check(body, "locale", locale, () -> Merchant.checkLocale(locale));
    check(body, "time_zone", zone, () -> Merchant.checkTimeZone(zone));
    body.finish();
    Merchant m = registry.registerMerchant(canonical, name, locale, zone);
    return json(201, merchantJson(m)).withHeader("Location", "/v1/merchants/" + enc(m.id()));
  }

  private RouteResponse getMerchant(RouteRequest request) {
    Principal p = guard.require(request, Role.OPERATOR, Role.MERCHANT);
    String id = request.pathParam("id");
    Optional<Merchant> m = registry.merchant(id);
    if (m.isEmpty() || !p.mayActFor(m.get().id())) {
      throw unknownMerchant(id);
    }
    return json(200, merchantJson(m.get()));
  }

  // ---------------------------------------------------------------- tools and bindings

  private RouteResponse createTool(RouteRequest request) {
    Principal p = guard.require(request, Role.OPERATOR, Role.ACQUIRER);
    JsonBody body =
        JsonBody.parse(
            request, Set.of("kind", "acquirer", "merchant_number", "terminal_id", "code_id"));
    String kind = body.string("kind", true, 32);
    PaymentTool tool = null;
    if ("card_terminal".equals(kind)) {
      String acquirer = body.string("acquirer", true, 32);
      String mid = body.string("merchant_number", true, 32);
      String tid = body.string("terminal_id", true, 32);
      if (body.has("code_id")) {
        body.error("code_id", "A card terminal has no code_id.");
      }
      InstitutionCode a = id(body, "acquirer", acquirer, () -> InstitutionCode.of(acquirer));
      MerchantNumber n = id(body, "merchant_number", mid, () -> MerchantNumber.of(mid));
      TerminalId t = id(body, "terminal_id", tid, () -> TerminalId.of(tid));
      body.finish();
      tool = PaymentTool.cardTerminal(a, n, t);
    } else if ("collection_code".equals(kind)) {
      String code = body.string("code_id", true, 64);
      for (String f : List.of("acquirer", "merchant_number", "terminal_id")) {
        if (body.has(f)) {
          body.error(f, "A collection code has no " + f + ".");
        }
      }
      PaymentTool c = check(body, "code_id", code, () -> PaymentTool.collectionCode(code));
      body.finish();
      tool = c;
    } else {
      if (kind != null) {
        body.error("kind", "Expected \"card_terminal\" or \"collection_code\".");
      }
      body.finish();
    }
    if (p.role() == Role.ACQUIRER && !ownsTool(p, tool)) {
      throw ProblemException.of(
          "auth.forbidden",
          403,
          "An acquirer may register only card terminals of its own institution ("
              + p.institutionCode().orElseThrow()
              + ").");
    }
    boolean existed = registry.tool(tool.id()).isPresent();
    registry.registerTool(tool);
    return json(existed ? 200 : 201, toolJson(tool))
        .withHeader("Location", "/v1/tools/" + enc(tool.id()));
  }

  private RouteResponse getTool(RouteRequest request) {
    Principal p = guard.require(request, Role.OPERATOR, Role.ACQUIRER, Role.MERCHANT);
    return json(200, toolJson(visibleTool(p, request.pathParam("id"))));
  }

  private RouteResponse bind(RouteRequest request) {
    guard.require(request, Role.OPERATOR);
    String toolId = request.pathParam("id");
    JsonBody body = JsonBody.parse(request, Set.of("merchant_id", "from"));
    String merchantId = body.string("merchant_id", true, 64);
    Instant from = body.time("from", false);
    body.finish();
    requireTool(toolId);
    if (registry.merchant(merchantId).isEmpty()) {
      throw unknownMerchant(merchantId);
    }
    Binding b = registry.bind(toolId, merchantId, from == null ? now() : from);
    return json(201, bindingJson(b));
  }

  private RouteResponse unbind(RouteRequest request) {
    guard.require(request, Role.OPERATOR);
    String toolId = request.pathParam("id");
    JsonBody body = JsonBody.parseOptional(request, Set.of("at"));
    Instant at = body.time("at", false);
    body.finish();
    requireTool(toolId);
    Binding b = registry.unbind(toolId, at == null ? now() : at);
    return json(200, bindingJson(b));
  }

  private RouteResponse bindings(RouteRequest request) {
    Principal p = guard.require(request, Role.OPERATOR, Role.ACQUIRER, Role.MERCHANT);
    PaymentTool tool = visibleTool(p, request.pathParam("id"));
    JsonArray list = new JsonArray();
    for (Binding b : registry.history(tool.id())) {
      if (p.role() != Role.MERCHANT || p.mayActFor(b.merchantId())) {
        list.add(bindingJson(b));
      }
    }
    JsonObject o = new JsonObject();
    o.addProperty("tool_id", tool.id());
    o.add("bindings", list);
    return json(200, o);
  }

  // ---------------------------------------------------------------- terminal keys

  private RouteResponse registerKey(RouteRequest request) {
    Principal p = guard.require(request, Role.OPERATOR, Role.ACQUIRER);
    JsonBody body = JsonBody.parse(request, Set.of("tool_id", "public_key_pem", "csr_pem"));
    String toolId = body.string("tool_id", true, 64);
    String pem = body.string("public_key_pem", false, MAX_PEM);
    String csr = body.string("csr_pem", false, MAX_PEM);
    // A JSON null counts as absent, as everywhere; both absent (or both given) is refused.
    if (!body.hasErrors() && (pem == null) == (csr == null)) {
      body.error(
          csr != null ? "csr_pem" : "public_key_pem",
          "Give exactly one of public_key_pem (a PEM public key) and csr_pem (a PKCS#10"
              + " certification request).");
    }
    TerminalPublicKey key = null;
    String subject = null;
    if (!body.hasErrors() && pem != null) {
      try {
        key = TerminalPublicKey.fromPem(pem);
      } catch (KeyException e) {
        body.error("public_key_pem", e.getMessage());
      }
    } else if (!body.hasErrors() && csr != null) {
      try {
        CertificationRequests.Verified v = CertificationRequests.verify(csr);
        key = v.key;
        subject = v.subject;
      } catch (IllegalArgumentException e) {
        body.error("csr_pem", e.getMessage());
      }
    }
    body.finish();
    PaymentTool tool = writableTool(p, toolId);
    Optional<RegisteredKey> existing = registry.key(key.keyId());
    RegisteredKey registered = registry.registerKey(key, tool.id(), now());
    boolean replay = existing.isPresent() && existing.get().toolId().equals(registered.toolId());
    JsonObject o = keyJson(registered);
    if (subject != null) {
      o.addProperty("csr_subject", subject);
    }
    return json(replay ? 200 : 201, o)
        .withHeader("Location", "/v1/terminal-keys/" + registered.keyId().toHex());
  }

  private RouteResponse getKey(RouteRequest request) {
    Principal p = guard.require(request, Role.OPERATOR, Role.ACQUIRER, Role.MERCHANT);
    RegisteredKey key = visibleKey(p, request.pathParam("keyId"));
    return json(200, keyJson(key));
  }

  private RouteResponse revokeKey(RouteRequest request) {
    Principal p = guard.require(request, Role.OPERATOR, Role.ACQUIRER);
    String keyId = request.pathParam("keyId");
    JsonBody body = JsonBody.parseOptional(request, Set.of("at"));
    Instant at = body.time("at", false);
    body.finish();
    RegisteredKey key = visibleKey(p, keyId);
    writableTool(p, key.toolId());
    return json(200, keyJson(registry.revokeKey(key.keyId(), at == null ? now() : at)));
  }

  // ---------------------------------------------------------------- API keys

  private RouteResponse issueApiKey(RouteRequest request) {
    guard.require(request, Role.OPERATOR);
    JsonBody body =
        JsonBody.parse(request, Set.of("client_id", "role", "merchant_id", "institution_code"));
    String clientId = body.string("client_id", true, 64);
    String roleCode = body.string("role", true, 32);
    String merchantId = body.string("merchant_id", false, 64);
    String institution = body.string("institution_code", false, 32);
    Role role = null;
    if (roleCode != null) {
      try {
        role = Role.fromCode(roleCode);
      } catch (IllegalArgumentException e) {
        body.error("role", e.getMessage());
      }
    }
    body.finish();
    IssuedKey issued = apiKeys.issue(clientId, role, merchantId, institution);
    JsonObject o = apiKeyJson(issued.info());
    o.addProperty("api_key", issued.apiKey());
    return json(201, o);
  }

  private RouteResponse listApiKeys(RouteRequest request) {
    guard.require(request, Role.OPERATOR);
    List<String> clients = request.query().getOrDefault("client_id", List.of());
    if (clients.size() != 1 || clients.get(0).isEmpty() || clients.get(0).length() > 64) {
      throw JsonBody.invalidField(
          "client_id", "Give exactly one query parameter client_id of 1 to 64 characters.");
    }
    JsonArray list = new JsonArray();
    for (ApiKeyInfo k : apiKeys.list(clients.get(0))) {
      list.add(apiKeyJson(k));
    }
    JsonObject o = new JsonObject();
    o.addProperty("client_id", clients.get(0));
    o.add("keys", list);
    return json(200, o);
  }

  private RouteResponse revokeApiKey(RouteRequest request) {
    guard.require(request, Role.OPERATOR);
    String keyId = request.pathParam("keyId");
    JsonBody body = JsonBody.parseOptional(request, Set.of("at"));
    Instant at = body.time("at", false);
    body.finish();
    return json(200, apiKeyJson(apiKeys.revoke(keyId, at == null ? now() : at)));
  }

  // ---------------------------------------------------------------- visibility

  private void requireTool(String toolId) {
    if (registry.tool(toolId).isEmpty()) {
      throw unknownTool(toolId);
    }
  }

  /** The tool if {@code p} may read it; 404 otherwise, exactly as if it did not exist. */
  private PaymentTool visibleTool(Principal p, String toolId) {
    Optional<PaymentTool> tool = registry.tool(toolId);
    if (tool.isEmpty()) {
      throw unknownTool(toolId);
    }
    switch (p.role()) {
      case OPERATOR:
        return tool.get();
      case ACQUIRER:
        if (ownsTool(p, tool.get())) {
          return tool.get();
        }
        break;
      case MERCHANT:
        if (registry.history(toolId).stream().anyMatch(b -> p.mayActFor(b.merchantId()))) {
          return tool.get();
        }
        break;
      default:
        break;
    }
    throw unknownTool(toolId);
  }

  /** The tool if {@code p} may register or revoke its keys; 404 otherwise. */
  private PaymentTool writableTool(Principal p, String toolId) {
    Optional<PaymentTool> tool = registry.tool(toolId);
    if (tool.isEmpty()
        || !(p.role() == Role.OPERATOR || (p.role() == Role.ACQUIRER && ownsTool(p, tool.get())))) {
      throw unknownTool(toolId);
    }
    return tool.get();
  }

  private RegisteredKey visibleKey(Principal p, String hex) {
    KeyId keyId;
    try {
      keyId = KeyId.fromHex(hex);
    } catch (KeyException | IllegalArgumentException e) {
      throw unknownKey(hex);
    }
    Optional<RegisteredKey> key = registry.key(keyId);
    if (key.isEmpty()) {
      throw unknownKey(hex);
    }
    try {
      visibleTool(p, key.get().toolId());
    } catch (ProblemException e) {
      throw unknownKey(hex);
    }
    return key.get();
  }

  private static boolean ownsTool(Principal p, PaymentTool tool) {
    return p.role() == Role.ACQUIRER
        && tool.acquirer().map(InstitutionCode::value).equals(p.institutionCode());
  }

  // ---------------------------------------------------------------- problems

  /**
   * The problem for a registry refusal; every reason is mapped explicitly (a new reason does not
   * compile until it is given a status here).
   */
  static ProblemException problem(RegistryException e, String field) {
    int status;
    switch (e.reasonCode()) {
      case INVALID_FIELD:
        return JsonBody.invalidField(field, e.getMessage());
      case UNKNOWN_MERCHANT:
      case UNKNOWN_TOOL:
      case UNKNOWN_KEY:
        status = 404;
        break;
      case DUPLICATE:
      case BAD_INTERVAL:
      case NOT_BOUND:
      case KEY_ID_COLLISION:
      case BOUND_ELSEWHERE:
        status = 409;
        break;
      default:
        throw new AssertionError("Unmapped registry reason " + e.reasonCode(), e);
    }
    return ProblemException.of(e.reason(), status, e.getMessage());
  }

  static ProblemException problem(ApiKeyException e) {
    switch (e.reasonCode()) {
      case INVALID_FIELD:
        return JsonBody.invalidField(e.field(), e.getMessage());
      case UNKNOWN_MERCHANT:
      case UNKNOWN_KEY:
        return ProblemException.of(e.reason(), 404, e.getMessage());
      default:
        throw new AssertionError("Unmapped API key reason " + e.reasonCode(), e);
    }
  }

  static ProblemException unknownMerchant(String id) {
    return ProblemException.of(
        RegistryException.Reason.UNKNOWN_MERCHANT.code(),
        404,
        "No merchant " + quote(id) + " is visible to this API key.");
  }

  static ProblemException unknownTool(String id) {
    return ProblemException.of(
        RegistryException.Reason.UNKNOWN_TOOL.code(),
        404,
        "No payment tool " + quote(id) + " is visible to this API key.");
  }

  private static ProblemException unknownKey(String id) {
    return ProblemException.of(
        RegistryException.Reason.UNKNOWN_KEY.code(),
        404,
        "No terminal key " + quote(id) + " is visible to this API key.");
  }

  private static String quote(String s) {
    String shown = s.length() > 80 ? s.substring(0, 80) + "…" : s;
    return "\"" + shown + "\"";
  }

  /** Runs a registry check, recording its refusal under {@code field}; skipped if value is null. */
  private static <T> T check(JsonBody body, String field, String value, Check<T> check) {
    if (value == null) {
      return null;
    }
    try {
      return check.run();
    } catch (RegistryException e) {
      body.error(field, e.getMessage());
      return null;
    }
  }

  /** Runs an identifier check, recording its refusal under {@code field}; skipped if null. */
  static <T> T id(JsonBody body, String field, String value, Check<T> check) {
    if (value == null) {
      return null;
    }
    try {
      return check.run();
    } catch (InvalidIdentifierException e) {
      body.error(field, e.getMessage());
      return null;
    }
  }

  @FunctionalInterface
  interface Check<T> {
    T run() throws FangxinException;
  }

  // ---------------------------------------------------------------- JSON

  private Instant now() {
    return Instant.ofEpochSecond(clock.instant().getEpochSecond());
  }

  private static RouteResponse json(int status, JsonObject o) {
    return RouteResponse.json(status, GSON.toJson(o));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static void time(JsonObject o, String name, Instant t) {
    if (t == null) {
      o.add(name, JsonNull.INSTANCE);
      o.add(name + "_epoch", JsonNull.INSTANCE);
      return;
    }
    Instant s = Instant.ofEpochSecond(t.getEpochSecond());
    o.addProperty(name, DateTimeFormatter.ISO_INSTANT.format(s));
    o.addProperty(name + "_epoch", s.getEpochSecond());
  }

  private static JsonObject merchantJson(Merchant m) {
    JsonObject o = new JsonObject();
    o.addProperty("id", m.id());
    o.addProperty("name", m.name());
    o.addProperty("locale", m.locale().toLanguageTag());
    o.addProperty("time_zone", m.timeZone().getId());
    time(o, "created_at", m.createdAt());
    return o;
  }

  static JsonObject toolJson(PaymentTool t) {
    JsonObject o = new JsonObject();
    o.addProperty("id", t.id());
    if (t.kind() == PaymentTool.Kind.CARD_TERMINAL) {
      o.addProperty("kind", "card_terminal");
      o.addProperty("acquirer", t.acquirer().orElseThrow().value());
      o.addProperty("merchant_number", t.merchantNumber().orElseThrow().value());
      o.addProperty("terminal_id", t.terminalId().orElseThrow().value());
    } else {
      o.addProperty("kind", "collection_code");
      o.addProperty("code_id", t.collectionCodeId().orElseThrow());
    }
    return o;
  }

  static JsonObject bindingJson(Binding b) {
    JsonObject o = new JsonObject();
    o.addProperty("tool_id", b.toolId());
    o.addProperty("merchant_id", b.merchantId());
    time(o, "valid_from", b.validFrom());
    time(o, "valid_to", b.validTo().orElse(null));
    return o;
  }

  private static JsonObject keyJson(RegisteredKey k) {
    JsonObject o = new JsonObject();
    o.addProperty("key_id", k.keyId().toHex());
    o.addProperty("algorithm", k.publicKey().algorithm().label());
    o.addProperty("tool_id", k.toolId());
    o.addProperty("public_key_pem", k.publicKey().toPem());
    time(o, "registered_at", k.registeredAt());
    time(o, "revoked_at", k.revokedAt().orElse(null));
    return o;
  }

  private static JsonObject apiKeyJson(ApiKeyInfo k) {
    JsonObject o = new JsonObject();
    o.addProperty("key_id", k.keyId());
    o.addProperty("client_id", k.principal().clientId());
    o.addProperty("role", k.principal().role().code());
    o.addProperty("merchant_id", k.principal().merchantId().orElse(null));
    o.addProperty("institution_code", k.principal().institutionCode().orElse(null));
    time(o, "created_at", k.createdAt());
    time(o, "revoked_at", k.revokedAt().orElse(null));
    return o;
  }
}
