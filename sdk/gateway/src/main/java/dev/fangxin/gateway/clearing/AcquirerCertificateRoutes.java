package dev.fangxin.gateway.clearing;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.InvalidIdentifierException;
import dev.fangxin.gateway.auth.Guard;
import dev.fangxin.gateway.auth.Role;
import dev.fangxin.gateway.http.JsonBody;
import dev.fangxin.gateway.http.ProblemException;
import dev.fangxin.gateway.http.Route;
import dev.fangxin.gateway.http.RouteHandler;
import dev.fangxin.gateway.http.RouteRequest;
import dev.fangxin.gateway.http.RouteResponse;
import dev.fangxin.gateway.store.StoreException;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The operator routes for acquirers' mutual-TLS client certificates (see the gateway README,
 * "Mutual TLS for acquirers"):
 *
 * <ul>
 *   <li>{@code POST /v1/acquirers/{code}/certificates} {@code {certificate_pem}}: 201 with the
 *       registered certificate (ID, fingerprint, subject, validity).
 *   <li>{@code GET /v1/acquirers/{code}/certificates}: 200 {@code {certificates: [...]}}, revoked
 *       ones included.
 *   <li>{@code DELETE /v1/acquirers/{code}/certificates/{id}}: 200 with the certificate, now
 *       revoked (the row is kept; revoking again answers the same).
 * </ul>
 *
 * Every refusal happens before anything is written; store failures are answered 503 {@code
 * store.unavailable} with {@code Retry-After: 1}. Thread-safe.
 */
public final class AcquirerCertificateRoutes {
  private static final Gson GSON = new GsonBuilder().serializeNulls().create();

  private final AcquirerCertificates certificates;
  private final Guard guard;

  private AcquirerCertificateRoutes(AcquirerCertificates certificates, Guard guard) {
    this.certificates = certificates;
    this.guard = guard;
  }

  /** The routes over {@code certificates}, for operators ({@code guard}). */
  public static List<Route> routes(AcquirerCertificates certificates, Guard guard) {
    AcquirerCertificateRoutes r =
        new AcquirerCertificateRoutes(
            Objects.requireNonNull(certificates, "certificates == null"),
            Objects.requireNonNull(guard, "guard == null"));
    return List.of(
        route("POST", "/v1/acquirers/{code}/certificates", r::register),
        route("GET", "/v1/acquirers/{code}/certificates", r::list),
        route("DELETE", "/v1/acquirers/{code}/certificates/{id}", r::revoke));
  }

  static Route route(String method, String pattern, RouteHandler handler) {
    RouteHandler wrapped =
        request -> {
          try {
            return handler.handle(request);
          } catch (AcquirerCertificateException e) {
            throw ProblemException.of(e.toProblem());
          } catch (ClearingException e) {
            throw ProblemException.of(e.toProblem());
          } catch (StoreException e) {
            throw ClearingRoutes.unavailable();
          }
        };
    return Route.of(method, pattern, wrapped).withErrorStatus(500);
  }

  private RouteResponse register(RouteRequest request) {
    guard.require(request, Role.OPERATOR);
    InstitutionCode code = pathCode(request);
    JsonBody body = JsonBody.parse(request, Set.of("certificate_pem"));
    String pem = body.string("certificate_pem", true, AcquirerCertificates.MAX_PEM_LENGTH);
    body.finish();
    AcquirerCertificate c = certificates.register(code, pem);
    return RouteResponse.json(201, GSON.toJson(toJson(c)))
        .withHeader("Location", "/v1/acquirers/" + code.value() + "/certificates/" + c.id());
  }

  private RouteResponse list(RouteRequest request) {
    guard.require(request, Role.OPERATOR);
    InstitutionCode code = pathCode(request);
    JsonArray a = new JsonArray();
    for (AcquirerCertificate c : certificates.list(code)) {
      a.add(toJson(c));
    }
    JsonObject o = new JsonObject();
    o.addProperty("institution_code", code.value());
    o.add("certificates", a);
    return RouteResponse.json(200, GSON.toJson(o));
  }

  private RouteResponse revoke(RouteRequest request) {
    guard.require(request, Role.OPERATOR);
    InstitutionCode code = pathCode(request);
    String idText = request.pathParam("id");
    long id;
    try {
      id = idText.matches("[0-9]{1,18}") ? Long.parseLong(idText) : -1;
    } catch (NumberFormatException e) {
      id = -1;
    }
    if (id < 0) {
      throw ProblemException.of(
          new AcquirerCertificateException(
                  AcquirerCertificateException.Reason.UNKNOWN_CERTIFICATE,
                  "Acquirer " + code.value() + " has no certificate \"" + idText + "\".")
              .toProblem());
    }
    return RouteResponse.json(200, GSON.toJson(toJson(certificates.revoke(code, id))));
  }

  /**
   * A certificate as JSON: {@code id}, {@code institution_code}, {@code fingerprint_sha256}, {@code
   * subject}, {@code not_before}, {@code not_after}, {@code created_at}, {@code revoked_at} (null
   * while active); times as ISO-8601 UTC.
   */
  static JsonObject toJson(AcquirerCertificate c) {
    JsonObject o = new JsonObject();
    o.addProperty("id", c.id());
    o.addProperty("institution_code", c.institution().value());
    o.addProperty("fingerprint_sha256", c.fingerprint());
    o.addProperty("subject", c.subject());
    o.addProperty("not_before", c.notBefore().toString());
    o.addProperty("not_after", c.notAfter().toString());
    o.addProperty("created_at", c.createdAt().toString());
    o.add(
        "revoked_at",
        c.revokedAt()
            .map(t -> (JsonElement) GSON.toJsonTree(t.toString()))
            .orElse(JsonNull.INSTANCE));
    return o;
  }

  private static InstitutionCode pathCode(RouteRequest request) {
    String code = request.pathParam("code");
    try {
      return InstitutionCode.of(code);
    } catch (InvalidIdentifierException e) {
      throw new ClearingException(
          ClearingException.Reason.UNKNOWN_ACQUIRER, "No acquirer " + code + " is registered.");
    }
  }
}
