package dev.fangxin.gateway.cases;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.money.MoneyException;
import dev.fangxin.gateway.auth.Guard;
import dev.fangxin.gateway.auth.Principal;
import dev.fangxin.gateway.auth.Role;
import dev.fangxin.gateway.http.JsonBody;
import dev.fangxin.gateway.http.Problem;
import dev.fangxin.gateway.http.ProblemException;
import dev.fangxin.gateway.http.Route;
import dev.fangxin.gateway.http.RouteRequest;
import dev.fangxin.gateway.http.RouteResponse;
import dev.fangxin.gateway.store.StoreException;
import dev.fangxin.protocol.v1.CaseState;
import dev.fangxin.protocol.v1.ResponseKind;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The case API. Merchants and operators authenticate with {@code Authorization: Bearer <api key>}
 * through the {@link Guard}; the consumer with {@code Fangxin-Case-Secret: <access secret>}. A
 * caller who may not see a case — another merchant, a wrong secret — gets 404 {@code
 * case.not_found}, exactly as for a case that does not exist.
 *
 * <table>
 *   <caption>Routes (every success body is {@code application/json})</caption>
 *   <tr><th>Route</th><th>Who</th><th>Success</th></tr>
 *   <tr><td>{@code GET /v1/cases/{id}}</td><td>consumer secret, the case's merchant, an
 *       operator</td><td>200 {@link CaseJson#view}</td></tr>
 *   <tr><td>{@code POST /v1/cases/{id}/acknowledgement}</td><td>the case's merchant</td>
 *       <td>200 view; body empty or {@code {"reason"}}</td></tr>
 *   <tr><td>{@code POST /v1/cases/{id}/responses}</td><td>the case's merchant</td>
 *       <td>200 view; body {@code {"kind": "refund|accept|reject|proposal", "message",
 *       "amount": {"value": "12.50", "currency": "CNY"}}}, message and amount optional, amount only
 *       for refund and proposal</td></tr>
 *   <tr><td>{@code POST /v1/cases/{id}/confirmation}</td><td>consumer secret</td>
 *       <td>200 view (resolved); body empty or {@code {"reason"}}</td></tr>
 *   <tr><td>{@code POST /v1/cases/{id}/decline}</td><td>consumer secret</td>
 *       <td>200 view (escalated)</td></tr>
 *   <tr><td>{@code POST /v1/cases/{id}/escalation}</td><td>consumer secret</td>
 *       <td>200 view (escalated)</td></tr>
 *   <tr><td>{@code GET /v1/cases?state=&limit=&merchant_id=}</td><td>a merchant (its own cases)
 *       or an operator (all, or {@code merchant_id}'s)</td><td>200 {@code {"cases": [view…]}}
 *       newest first, {@code limit} 1–200 (default 50)</td></tr>
 * </table>
 *
 * <p>Problems: 400 {@code case.malformed_body}; 401 {@code auth.missing_credentials}, {@code
 * auth.invalid_credentials} (from the guard), {@code case.missing_secret} (consumer route without
 * the secret header); 403 {@code auth.forbidden} (a role that may not use the route); 404 {@code
 * case.not_found}; 409 {@code case.illegal_transition}, {@code case.final_state}, {@code
 * case.deadline_passed}, {@code case.deadline_not_passed}, {@code case.concurrent_update}; 415
 * {@code case.unsupported_media_type}; 422 {@code case.invalid_field} (with {@code errors}), {@code
 * case.invalid_answer}, {@code case.invalid_query}; 503 {@code case.clock_behind} and {@code
 * store.unavailable} (server-side, with {@code Retry-After: 1}). A refused request changes nothing.
 * Thread-safe.
 */
public final class CaseRoutes {
  /** The consumer's credential header. */
  public static final String SECRET_HEADER = "Fangxin-Case-Secret";

  private static final Logger LOG = Logger.getLogger(CaseRoutes.class.getName());
  private static final int DEFAULT_LIMIT = 50;
  private static final int MAX_LIMIT = 200;

  private final CaseService service;
  private final Guard guard;

  private CaseRoutes(CaseService service, Guard guard) {
    this.service = service;
    this.guard = guard;
  }

  /** The routes over {@code service}, authenticating API keys with {@code guard}. */
  public static CaseRoutes create(CaseService service, Guard guard) {
    return new CaseRoutes(
        Objects.requireNonNull(service, "service == null"),
        Objects.requireNonNull(guard, "guard == null"));
  }

  /** Every case route, as listed in the class comment. */
  public List<Route> routes() {
    return List.of(
        route("GET", "/v1/cases", this::list),
        route("GET", "/v1/cases/{id}", this::get),
        route("POST", "/v1/cases/{id}/acknowledgement", this::acknowledge),
        route("POST", "/v1/cases/{id}/responses", this::answer),
        route(
            "POST", "/v1/cases/{id}/confirmation", r -> consumer(r, Event.Type.CONSUMER_CONFIRMED)),
        route("POST", "/v1/cases/{id}/decline", r -> consumer(r, Event.Type.CONSUMER_DECLINED)),
        route(
            "POST", "/v1/cases/{id}/escalation", r -> consumer(r, Event.Type.CONSUMER_ESCALATED)));
  }

  @FunctionalInterface
  private interface Handler {
    RouteResponse handle(RouteRequest request);
  }

  private static Route route(String method, String pattern, Handler handler) {
    return Route.of(method, pattern, request -> mapped(handler, request)).withErrorStatus(500);
  }

  /** Maps every domain refusal to its 4xx problem; server failures to 503. */
  private static RouteResponse mapped(Handler handler, RouteRequest request) {
    try {
      return handler.handle(request);
    } catch (CaseTransitionException e) {
      switch (e.reasonCode()) {
        case WRONG_MERCHANT:
          throw notFound();
        case CLOCK_BEHIND:
          LOG.warning("clock behind a case's last update: " + e.getMessage());
          throw ProblemException.of(e.reason(), 503, e.getMessage()).withHeader("Retry-After", "1");
        default:
          throw ProblemException.of(e.reason(), 409, e.getMessage());
      }
    } catch (CaseException e) {
      switch (e.reasonCode()) {
        case NOT_FOUND:
          throw notFound();
        case CONCURRENT_UPDATE:
          throw ProblemException.of(e.reason(), 409, e.getMessage());
        case INVALID_ANSWER:
          throw ProblemException.of(e.reason(), 422, e.getMessage());
        default:
          throw e; // a corrupt record is the server's fault: 500
      }
    } catch (StoreException e) {
      LOG.log(Level.WARNING, "store failed: " + e.reason(), e);
      throw ProblemException.of(
              "store.unavailable", 503, "The case store is unavailable; retry in a moment.")
          .withHeader("Retry-After", "1");
    }
  }

  // ------------------------------------------------------------------ reading

  private RouteResponse get(RouteRequest request) {
    String id = request.pathParam("id");
    Optional<String> secret = request.header(SECRET_HEADER);
    StoredCase c;
    if (secret.isPresent()) {
      c = withSecret(id, secret.get());
    } else {
      Principal p = guard.require(request);
      c =
          service
              .find(id)
              .filter(found -> p.mayActFor(found.merchantId()))
              .orElseThrow(CaseRoutes::notFound);
    }
    return view(c);
  }

  private RouteResponse list(RouteRequest request) {
    Principal p = guard.require(request, Role.MERCHANT, Role.OPERATOR);
    List<String> errors = new ArrayList<>();
    Optional<CaseState> state = Optional.empty();
    Optional<String> stateParam = query(request, "state");
    if (stateParam.isPresent()) {
      state = CaseCodes.parseState(stateParam.get());
      if (state.isEmpty()) {
        errors.add(
            "state must be one of received, delivered, acknowledged, answered, resolved,"
                + " escalated.");
      }
    }
    int limit = DEFAULT_LIMIT;
    Optional<String> limitParam = query(request, "limit");
    if (limitParam.isPresent()) {
      try {
        limit = Integer.parseInt(limitParam.get());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        errors.add("limit must be a whole number from 1 to " + MAX_LIMIT + ".");
      }
    }
    Optional<String> merchant = query(request, "merchant_id");
    if (p.role() == Role.MERCHANT) {
      if (merchant.isPresent() && !merchant.get().equals(p.merchantId().orElseThrow())) {
        errors.add("merchant_id may name only the merchant this API key acts for.");
      }
      merchant = p.merchantId();
    }
    if (!errors.isEmpty()) {
      throw ProblemException.of("case.invalid_query", 422, String.join(" ", errors));
    }
    JsonArray cases = new JsonArray();
    for (StoredCase c : service.list(merchant, state, limit)) {
      cases.add(CaseJson.view(c));
    }
    JsonObject o = new JsonObject();
    o.add("cases", cases);
    return RouteResponse.json(200, o.toString());
  }

  // ------------------------------------------------------------------ merchant

  private RouteResponse acknowledge(RouteRequest request) {
    String merchantId = ownCase(request);
    JsonObject body = body(request, Set.of("reason"));
    String reason = text(body, "reason", Event.MAX_REASON_LENGTH).orElse("merchant acknowledged");
    return view(service.acknowledge(request.pathParam("id"), merchantId, reason));
  }

  private RouteResponse answer(RouteRequest request) {
    String merchantId = ownCase(request);
    JsonObject body = body(request, Set.of("kind", "message", "amount", "reason"));
    List<String[]> errors = new ArrayList<>();
    ResponseKind kind = null;
    JsonElement k = body.get("kind");
    if (k == null) {
      errors.add(new String[] {"kind", "kind is required: refund, accept, reject or proposal."});
    } else if (!isString(k) || CaseCodes.parseKind(k.getAsString()).isEmpty()) {
      errors.add(new String[] {"kind", "kind must be refund, accept, reject or proposal."});
    } else {
      kind = CaseCodes.parseKind(k.getAsString()).get();
    }
    Optional<String> message = textOrError(body, "message", Event.MAX_MESSAGE_LENGTH, errors);
    Optional<String> reason = textOrError(body, "reason", Event.MAX_REASON_LENGTH, errors);
    Optional<Money> amount = amount(body.get("amount"), errors);
    if (!errors.isEmpty()) {
      throw invalidFields(errors);
    }
    return view(
        service.answer(
            request.pathParam("id"),
            merchantId,
            kind,
            message,
            amount,
            reason.orElse("merchant answered: " + CaseCodes.kind(kind))));
  }

  /** The calling merchant's ID, after checking that the case exists and is theirs (else 404). */
  private String ownCase(RouteRequest request) {
    Principal p = guard.require(request, Role.MERCHANT);
    String merchantId = p.merchantId().orElseThrow();
    service
        .find(request.pathParam("id"))
        .filter(c -> c.merchantId().equals(merchantId))
        .orElseThrow(CaseRoutes::notFound);
    return merchantId;
  }

  private static Optional<Money> amount(JsonElement a, List<String[]> errors) {
    if (a == null) {
      return Optional.empty();
    }
    if (!a.isJsonObject()) {
      errors.add(
          new String[] {"amount", "amount must be {\"value\": \"12.50\", \"currency\": \"CNY\"}."});
      return Optional.empty();
    }
    JsonObject o = a.getAsJsonObject();
    for (String member : o.keySet()) {
      if (!member.equals("value") && !member.equals("currency")) {
        errors.add(
            new String[] {
              "amount." + member, "amount." + member + " is not a member of an amount."
            });
      }
    }
    JsonElement value = o.get("value");
    JsonElement currency = o.get("currency");
    if (!isString(value)) {
      errors.add(
          new String[] {
            "amount.value", "amount.value must be a decimal string such as \"12.50\"."
          });
    }
    Integer numeric = null;
    if (!isString(currency)) {
      errors.add(
          new String[] {
            "amount.currency", "amount.currency must be an ISO 4217 code such as \"CNY\"."
          });
    } else {
      try {
        numeric = Currency.getInstance(currency.getAsString()).getNumericCode();
      } catch (IllegalArgumentException e) {
        errors.add(new String[] {"amount.currency", "amount.currency is not an ISO 4217 code."});
      }
    }
    if (numeric == null || !isString(value)) {
      return Optional.empty();
    }
    try {
      Money m = Money.parse(value.getAsString(), numeric);
      if (m.minorUnits() < 1) {
        errors.add(new String[] {"amount.value", "amount.value must be positive."});
        return Optional.empty();
      }
      return Optional.of(m);
    } catch (MoneyException e) {
      errors.add(new String[] {"amount.value", "amount.value: " + e.getMessage()});
      return Optional.empty();
    }
  }

  // ------------------------------------------------------------------ consumer

  private RouteResponse consumer(RouteRequest request, Event.Type type) {
    String id = request.pathParam("id");
    String secret =
        request
            .header(SECRET_HEADER)
            .orElseThrow(
                () ->
                    ProblemException.of(
                        "case.missing_secret",
                        401,
                        "This request needs the case's access secret in the "
                            + SECRET_HEADER
                            + " header."));
    withSecret(id, secret);
    JsonObject body = body(request, Set.of("reason"));
    String reason =
        text(body, "reason", Event.MAX_REASON_LENGTH)
            .orElse(
                type == Event.Type.CONSUMER_CONFIRMED
                    ? "consumer accepted the answer"
                    : type == Event.Type.CONSUMER_DECLINED
                        ? "consumer declined the answer"
                        : "consumer asked for the regulator");
    StoredCase after;
    switch (type) {
      case CONSUMER_CONFIRMED:
        after = service.confirm(id, reason);
        break;
      case CONSUMER_DECLINED:
        after = service.decline(id, reason);
        break;
      default:
        after = service.escalate(id, reason);
    }
    return view(after);
  }

  private StoredCase withSecret(String id, String secret) {
    return service.find(id).filter(c -> c.acceptsSecret(secret)).orElseThrow(CaseRoutes::notFound);
  }

  // ------------------------------------------------------------------ bodies

  /** The body as a strict JSON object with only {@code allowed} members; empty body = {}. */
  private static JsonObject body(RouteRequest request, Set<String> allowed) {
    byte[] bytes = request.body();
    if (bytes.length == 0) {
      return new JsonObject();
    }
    String type = request.header("content-type").orElse("");
    if (!JsonBody.isJson(type)) {
      throw JsonBody.unsupportedMediaType("case.unsupported_media_type", type)
          .withHeader("Accept-Post", "application/json");
    }
    JsonObject o;
    try {
      o = JsonBody.readObject(bytes);
    } catch (JsonBody.MalformedException e) {
      if (e.field().isPresent()) { // a duplicate member is a field error
        throw invalidFields(List.<String[]>of(new String[] {e.field().get(), e.getMessage()}));
      }
      throw ProblemException.of("case.malformed_body", 400, e.getMessage());
    }
    List<String[]> errors = new ArrayList<>();
    for (String member : o.keySet()) {
      if (!allowed.contains(member)) {
        errors.add(
            new String[] {member, member + " is not accepted here; expected " + allowed + "."});
      }
    }
    if (!errors.isEmpty()) {
      throw invalidFields(errors);
    }
    return o;
  }

  private static Optional<String> text(JsonObject body, String member, int max) {
    List<String[]> errors = new ArrayList<>();
    Optional<String> v = textOrError(body, member, max, errors);
    if (!errors.isEmpty()) {
      throw invalidFields(errors);
    }
    return v;
  }

  private static Optional<String> textOrError(
      JsonObject body, String member, int max, List<String[]> errors) {
    JsonElement v = body.get(member);
    if (v == null) {
      return Optional.empty();
    }
    if (!isString(v)) {
      errors.add(new String[] {member, member + " must be a string."});
      return Optional.empty();
    }
    String s = v.getAsString();
    if (s.isBlank() || s.length() > max) {
      errors.add(
          new String[] {member, member + " must be 1 to " + max + " characters, not blank."});
      return Optional.empty();
    }
    return Optional.of(s);
  }

  private static boolean isString(JsonElement e) {
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
  }

  private static ProblemException invalidFields(List<String[]> errors) {
    JsonArray list = new JsonArray();
    StringBuilder detail = new StringBuilder();
    for (String[] e : errors) {
      JsonObject o = new JsonObject();
      o.addProperty("field", e[0]);
      o.addProperty("detail", e[1]);
      list.add(o);
      detail.append(detail.length() == 0 ? "" : " ").append(e[1]);
    }
    return ProblemException.of(
        Problem.of("case.invalid_field", 422, detail.toString()).with("errors", list));
  }

  private static Optional<String> query(RouteRequest request, String name) {
    Map<String, List<String>> q = request.query();
    List<String> v = q.get(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  private static RouteResponse view(StoredCase c) {
    return RouteResponse.json(200, CaseJson.view(c).toString());
  }

  private static ProblemException notFound() {
    return ProblemException.of(
        "case.not_found", 404, "There is no such case, or this credential may not see it.");
  }
}
