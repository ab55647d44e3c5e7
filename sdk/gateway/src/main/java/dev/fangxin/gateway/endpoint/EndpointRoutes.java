package dev.fangxin.gateway.endpoint;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.fangxin.gateway.auth.Guard;
import dev.fangxin.gateway.auth.Principal;
import dev.fangxin.gateway.auth.Role;
import dev.fangxin.gateway.http.JsonBody;
import dev.fangxin.gateway.http.ProblemException;
import dev.fangxin.gateway.http.Route;
import dev.fangxin.gateway.http.RouteRequest;
import dev.fangxin.gateway.http.RouteResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The HTTP API of merchants' webhook endpoints. Every route needs {@code Authorization: Bearer <api
 * key>} of an operator or of the merchant named in the path; any other merchant gets 404 {@code
 * endpoint.unknown_merchant}, as if the merchant did not exist.
 *
 * <ul>
 *   <li>{@code PUT /v1/merchants/{id}/endpoint} — body {@code {"url": "...", "v1a": true|false}}
 *       ({@code v1a} optional: absent keeps the current setting). Creates the endpoint (201, with
 *       its first {@code secret}, shown this once) or moves it (200). With {@code v1a} the answer
 *       carries the {@code public_key} ({@code whpk_…}) that verifies {@code v1a} signatures.
 *   <li>{@code GET /v1/merchants/{id}/endpoint} — the endpoint without any secret: URL, public key,
 *       active secrets' IDs and lifetimes, pause state.
 *   <li>{@code POST /v1/merchants/{id}/endpoint/secrets} — body optional {@code {"overlap_seconds":
 *       n}} (0 to 604800, default 86400): a new secret (201, shown this once); the old ones keep
 *       signing until {@code previous_expire_at}.
 *   <li>{@code POST /v1/merchants/{id}/endpoint/resume} — lifts a pause (200, {@code "resumed":
 *       true}, notices enqueued), or does nothing if the endpoint is not paused ({@code false}).
 * </ul>
 *
 * <p>Bodies are parsed strictly by {@link JsonBody} and must be sent as {@code application/json}.
 *
 * <p>Problems: 400 {@code endpoint.invalid_body}; 415 {@code endpoint.unsupported_media_type};
 * 401/403 from the {@link Guard}; 404 {@code endpoint.unknown_merchant}, {@code
 * endpoint.not_configured}; 422 {@code endpoint.invalid_url}, {@code endpoint.invalid_overlap}. A
 * refused request changes nothing. Thread-safe.
 */
public final class EndpointRoutes {
  private static final String PATH = "/v1/merchants/{id}/endpoint";

  private final Endpoints endpoints;
  private final Guard guard;

  private EndpointRoutes(Endpoints endpoints, Guard guard) {
    this.endpoints = endpoints;
    this.guard = guard;
  }

  /** The four routes over {@code endpoints}, authenticated by {@code guard}. */
  public static List<Route> of(Endpoints endpoints, Guard guard) {
    EndpointRoutes r =
        new EndpointRoutes(
            Objects.requireNonNull(endpoints, "endpoints == null"),
            Objects.requireNonNull(guard, "guard == null"));
    return List.of(
        Route.of("PUT", PATH, r::put),
        Route.of("GET", PATH, r::get),
        Route.of("POST", PATH + "/secrets", r::rotate),
        Route.of("POST", PATH + "/resume", r::resume));
  }

  private String authorize(RouteRequest request) {
    Principal p = guard.require(request, Role.OPERATOR, Role.MERCHANT);
    String merchantId = request.pathParam("id");
    if (!p.mayActFor(merchantId) || !endpoints.merchantExists(merchantId)) {
      throw ProblemException.of(
          EndpointException.Reason.UNKNOWN_MERCHANT.code(),
          404,
          "No merchant with this ID is registered, or this API key may not act for it.");
    }
    return merchantId;
  }

  private RouteResponse put(RouteRequest request) {
    String merchantId = authorize(request);
    JsonObject body = object(request, Set.of("url", "v1a"));
    JsonElement url = body.get("url");
    if (url == null || !url.isJsonPrimitive() || !url.getAsJsonPrimitive().isString()) {
      throw invalidBody("The body must have a string member \"url\".");
    }
    Endpoints.V1a v1a = Endpoints.V1a.KEEP;
    JsonElement flag = body.get("v1a");
    if (flag != null) {
      if (!flag.isJsonPrimitive() || !flag.getAsJsonPrimitive().isBoolean()) {
        throw invalidBody("The member \"v1a\" must be true or false.");
      }
      v1a = flag.getAsBoolean() ? Endpoints.V1a.ENABLE : Endpoints.V1a.DISABLE;
    }
    Endpoints.Setup setup;
    try {
      setup = endpoints.put(merchantId, url.getAsString(), v1a);
    } catch (EndpointException e) {
      throw problem(e);
    }
    JsonObject view = view(setup.endpoint());
    setup.newSecret().ifPresent(s -> view.addProperty("secret", s.encoded()));
    return RouteResponse.json(setup.created() ? 201 : 200, view.toString());
  }

  private RouteResponse get(RouteRequest request) {
    String merchantId = authorize(request);
    Endpoint endpoint =
        endpoints
            .current(merchantId, endpoints.clock().instant())
            .orElseThrow(
                () ->
                    ProblemException.of(
                        EndpointException.Reason.NOT_CONFIGURED.code(),
                        404,
                        "This merchant has no webhook endpoint; set one with PUT first."));
    return RouteResponse.json(200, view(endpoint).toString());
  }

  private RouteResponse rotate(RouteRequest request) {
    String merchantId = authorize(request);
    Duration overlap = Endpoints.DEFAULT_OVERLAP;
    if (request.body().length > 0) {
      JsonObject body = object(request, Set.of("overlap_seconds"));
      JsonElement o = body.get("overlap_seconds");
      if (o != null) {
        if (!o.isJsonPrimitive() || !o.getAsJsonPrimitive().isNumber()) {
          throw invalidBody("The member \"overlap_seconds\" must be a whole number of seconds.");
        }
        long seconds;
        try {
          seconds = o.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
        } catch (ArithmeticException e) {
          throw invalidBody("The member \"overlap_seconds\" must be a whole number of seconds.");
        }
        overlap = Duration.ofSeconds(seconds);
      }
    }
    Endpoints.Rotation rotation;
    try {
      rotation = endpoints.rotateSecret(merchantId, overlap);
    } catch (EndpointException e) {
      throw problem(e);
    }
    JsonObject out = new JsonObject();
    out.addProperty("secret_id", rotation.id());
    out.addProperty("secret", rotation.secret().encoded());
    out.addProperty("previous_expire_at", Endpoints.rfc3339(rotation.previousExpireAt()));
    return RouteResponse.json(201, out.toString());
  }

  private RouteResponse resume(RouteRequest request) {
    String merchantId = authorize(request);
    boolean resumed;
    try {
      resumed =
          endpoints.resume(
              merchantId,
              endpoints.clock().instant(),
              "resumed through the API by the merchant or an operator");
    } catch (EndpointException e) {
      throw problem(e);
    }
    JsonObject view =
        view(endpoints.current(merchantId, endpoints.clock().instant()).orElseThrow());
    view.addProperty("resumed", resumed);
    return RouteResponse.json(200, view.toString());
  }

  private static JsonObject view(Endpoint e) {
    JsonObject out = new JsonObject();
    out.addProperty("merchant_id", e.merchantId());
    out.addProperty("url", e.url().toString());
    out.addProperty("v1a", e.signingKey().isPresent());
    e.publicKey().ifPresent(k -> out.addProperty("public_key", k.encoded()));
    JsonArray secrets = new JsonArray();
    for (Endpoint.ActiveSecret s : e.secrets()) {
      JsonObject o = new JsonObject();
      o.addProperty("id", s.id());
      o.addProperty("created_at", Endpoints.rfc3339(s.createdAt()));
      s.expiresAt().ifPresent(x -> o.addProperty("expires_at", Endpoints.rfc3339(x)));
      secrets.add(o);
    }
    out.add("secrets", secrets);
    out.addProperty("paused", e.paused());
    e.pausedAt().ifPresent(p -> out.addProperty("paused_at", Endpoints.rfc3339(p)));
    e.pausedReason().ifPresent(r -> out.addProperty("paused_reason", r));
    out.addProperty("consecutive_failures", e.consecutiveFailures());
    out.addProperty("created_at", Endpoints.rfc3339(e.createdAt()));
    out.addProperty("updated_at", Endpoints.rfc3339(e.updatedAt()));
    return out;
  }

  private static JsonObject object(RouteRequest request, Set<String> allowed) {
    String type = request.header("content-type").orElse("");
    if (!JsonBody.isJson(type)) {
      throw JsonBody.unsupportedMediaType("endpoint.unsupported_media_type", type);
    }
    JsonObject o;
    try {
      o = JsonBody.readObject(request.body());
    } catch (JsonBody.MalformedException e) {
      throw invalidBody(e.getMessage());
    }
    for (String name : o.keySet()) {
      if (!allowed.contains(name)) {
        throw ProblemException.of(
            dev.fangxin.gateway.http.Problem.of(
                    "endpoint.invalid_body",
                    400,
                    "The body has an unknown member; expected only " + allowed + ".")
                .with("member", new JsonPrimitive(name)));
      }
    }
    return o;
  }

  private static ProblemException invalidBody(String detail) {
    return ProblemException.of("endpoint.invalid_body", 400, detail);
  }

  private static ProblemException problem(EndpointException e) {
    int status;
    switch (e.reasonCode()) {
      case UNKNOWN_MERCHANT:
      case NOT_CONFIGURED:
        status = 404;
        break;
      case TOO_MANY_SECRETS:
        status = 409;
        break;
      default:
        status = 422;
        break;
    }
    return ProblemException.of(e.reason(), status, e.getMessage());
  }
}
