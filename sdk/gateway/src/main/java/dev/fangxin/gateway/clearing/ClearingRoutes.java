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
import dev.fangxin.protocol.v1.ClearingBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The acquirer registry's operator routes and the clearing push hook. See the gateway README,
 * "Clearing hook and trace routing", for every route and problem code.
 *
 * <ul>
 *   <li>{@code POST /v1/acquirers} {@code {institution_code, name, callback_url?}} (operator): 201
 *       with the first secret (shown once).
 *   <li>{@code GET /v1/acquirers/{code}} (operator): 200, secrets by ID and lifetime only.
 *   <li>{@code POST /v1/acquirers/{code}/secrets} {@code {overlap_seconds?}} (operator, default
 *       86400): 201 with the new secret (shown once) and when the earlier ones expire.
 *   <li>{@code PUT /v1/acquirers/{code}/callback} {@code {callback_url}} (operator; null clears
 *       it): 200.
 *   <li>{@code POST /v1/clearing/batches} (signed by the acquirer, see {@link HookSignature}): 201
 *       new batch, 200 replay of the same batch.
 * </ul>
 *
 * Every refusal happens before anything is written. Store failures are answered 503 {@code
 * store.unavailable} with {@code Retry-After: 1}. Thread-safe.
 */
public final class ClearingRoutes {
  /** Default rotation overlap. */
  public static final Duration DEFAULT_OVERLAP = Duration.ofHours(24);

  private static final Gson GSON = new GsonBuilder().serializeNulls().create();

  private final Acquirers acquirers;
  private final ClearingRecords records;
  private final HookSignature signatures;
  private final Guard guard;
  private final AcquirerCertificates certificates;

  private ClearingRoutes(
      Acquirers acquirers,
      ClearingRecords records,
      HookSignature signatures,
      Guard guard,
      AcquirerCertificates certificates) {
    this.acquirers = acquirers;
    this.records = records;
    this.signatures = signatures;
    this.guard = guard;
    this.certificates = certificates;
  }

  /**
   * The routes of {@link #routes(Acquirers, ClearingRecords, HookSignature, Guard)}, with the push
   * hook also accepting mutual TLS: a request without a {@value HookSignature#SIGNATURE} header
   * that came over a TLS connection with a verified client certificate is authenticated by {@link
   * AcquirerCertificates#authenticate} instead of HMAC. A request carrying the HMAC headers is
   * always judged by them.
   */
  public static List<Route> routes(
      Acquirers acquirers,
      ClearingRecords records,
      HookSignature signatures,
      Guard guard,
      AcquirerCertificates certificates) {
    return build(
        acquirers,
        records,
        signatures,
        guard,
        Objects.requireNonNull(certificates, "certificates"));
  }

  /** The routes over these components. */
  public static List<Route> routes(
      Acquirers acquirers, ClearingRecords records, HookSignature signatures, Guard guard) {
    return build(acquirers, records, signatures, guard, null);
  }

  private static List<Route> build(
      Acquirers acquirers,
      ClearingRecords records,
      HookSignature signatures,
      Guard guard,
      AcquirerCertificates certificates) {
    ClearingRoutes r =
        new ClearingRoutes(
            Objects.requireNonNull(acquirers, "acquirers == null"),
            Objects.requireNonNull(records, "records == null"),
            Objects.requireNonNull(signatures, "signatures == null"),
            Objects.requireNonNull(guard, "guard == null"),
            certificates);
    return List.of(
        route("POST", "/v1/acquirers", r::register),
        route("GET", "/v1/acquirers/{code}", r::get),
        route("POST", "/v1/acquirers/{code}/secrets", r::rotate),
        route("PUT", "/v1/acquirers/{code}/callback", r::callback),
        route("POST", "/v1/clearing/batches", r::batch));
  }

  static Route route(String method, String pattern, RouteHandler handler) {
    RouteHandler wrapped =
        request -> {
          try {
            return handler.handle(request);
          } catch (ClearingException e) {
            throw ProblemException.of(e.toProblem());
          } catch (StoreException e) {
            throw unavailable();
          }
        };
    return Route.of(method, pattern, wrapped).withErrorStatus(500);
  }

  static ProblemException unavailable() {
    return ProblemException.of(
            "store.unavailable", 503, "The store is unavailable; retry in a moment.")
        .withHeader("Retry-After", "1");
  }

  // ---------------------------------------------------------------- acquirers

  private RouteResponse register(RouteRequest request) {
    guard.require(request, Role.OPERATOR);
    JsonBody body = JsonBody.parse(request, Set.of("institution_code", "name", "callback_url"));
    String code = body.string("institution_code", true, 11);
    String name = body.string("name", true, 200);
    String url = body.string("callback_url", false, 2048);
    InstitutionCode institution = null;
    if (code != null) {
      try {
        institution = InstitutionCode.of(code);
      } catch (InvalidIdentifierException e) {
        body.error("institution_code", e.getMessage());
      }
    }
    if (name != null && name.isBlank()) {
      body.error("name", "Must not be blank.");
    }
    if (url != null) {
      Acquirers.callbackUrlProblem(url).ifPresent(p -> body.error("callback_url", p));
    }
    body.finish();
    IssuedSecret secret = acquirers.register(institution, name, Optional.ofNullable(url));
    Acquirer a = acquirers.find(institution).orElseThrow();
    JsonObject o = acquirerJson(a);
    o.addProperty("secret_id", secret.id());
    o.addProperty("secret", secret.secret());
    return json(201, o).withHeader("Location", "/v1/acquirers/" + a.institution().value());
  }

  private RouteResponse get(RouteRequest request) {
    guard.require(request, Role.OPERATOR);
    InstitutionCode code = pathCode(request);
    Acquirer a = acquirers.find(code).orElseThrow(() -> Acquirers.unknown(code));
    JsonObject o = acquirerJson(a);
    JsonArray secrets = new JsonArray();
    for (AcquirerSecret s : acquirers.secrets(code)) {
      JsonObject so = new JsonObject();
      so.addProperty("secret_id", s.id());
      so.addProperty("created_at", s.createdAt().toString());
      so.add("expires_at", s.expiresAt().map(t -> (JsonElement) str(t)).orElse(JsonNull.INSTANCE));
      secrets.add(so);
    }
    o.add("secrets", secrets);
    return json(200, o);
  }

  private RouteResponse rotate(RouteRequest request) {
    guard.require(request, Role.OPERATOR);
    InstitutionCode code = pathCode(request);
    Duration overlap = DEFAULT_OVERLAP;
    if (request.body().length > 0) {
      String type = request.header("content-type").orElse("");
      if (!JsonBody.isJson(type)) {
        throw JsonBody.unsupportedMediaType("request.unsupported_media_type", type);
      }
      JsonObject o = strict(request);
      for (String member : o.keySet()) {
        if (!member.equals("overlap_seconds")) {
          throw JsonBody.invalidField(member, "Not a member of this request.");
        }
      }
      JsonElement e = o.get("overlap_seconds");
      if (e != null && !e.isJsonNull()) {
        long seconds;
        try {
          seconds = new java.math.BigDecimal(e.getAsJsonPrimitive().getAsString()).longValueExact();
        } catch (RuntimeException ex) {
          throw JsonBody.invalidField("overlap_seconds", "Expected whole seconds, 0 to 604800.");
        }
        if (seconds < 0 || seconds > Acquirers.MAX_OVERLAP.toSeconds()) {
          throw JsonBody.invalidField("overlap_seconds", "Expected whole seconds, 0 to 604800.");
        }
        overlap = Duration.ofSeconds(seconds);
      }
    }
    if (acquirers.find(code).isEmpty()) {
      throw Acquirers.unknown(code);
    }
    IssuedSecret s = acquirers.issueSecret(code, overlap);
    JsonObject o = new JsonObject();
    o.addProperty("secret_id", s.id());
    o.addProperty("secret", s.secret());
    o.add(
        "previous_expire_at",
        s.previousExpireAt().map(t -> (JsonElement) str(t)).orElse(JsonNull.INSTANCE));
    return json(201, o);
  }

  private RouteResponse callback(RouteRequest request) {
    guard.require(request, Role.OPERATOR);
    InstitutionCode code = pathCode(request);
    JsonBody body = JsonBody.parse(request, Set.of("callback_url"));
    if (!body.has("callback_url")) {
      body.error("callback_url", "Required; a URL, or null to remove the callback.");
    }
    String url = body.string("callback_url", false, 2048);
    if (url != null) {
      Acquirers.callbackUrlProblem(url).ifPresent(p -> body.error("callback_url", p));
    }
    body.finish();
    return json(200, acquirerJson(acquirers.setCallbackUrl(code, Optional.ofNullable(url))));
  }

  // ---------------------------------------------------------------- push hook

  private RouteResponse batch(RouteRequest request) {
    InstitutionCode acquirer = authenticate(request);
    ClearingBatch batch = BatchParser.decode(request.header("content-type"), request.body());
    BatchParser.Parsed parsed = BatchParser.validate(acquirer, batch);
    BatchReceipt receipt =
        records.insertBatch(
            acquirer, parsed.batchId(), ClearingRecords.PUSH, parsed.sha256(), parsed.records());
    return json(receipt.replayed() ? 200 : 201, receipt.toJson());
  }

  private InstitutionCode authenticate(RouteRequest request) {
    if (certificates != null
        && request.header(HookSignature.SIGNATURE).isEmpty()
        && request.clientCertificate().isPresent()) {
      try {
        return certificates.authenticate(request);
      } catch (AcquirerCertificateException e) {
        throw ProblemException.of(e.toProblem());
      }
    }
    return signatures.authenticate(request);
  }

  // ---------------------------------------------------------------- helpers

  private static InstitutionCode pathCode(RouteRequest request) {
    String code = request.pathParam("code");
    try {
      return InstitutionCode.of(code);
    } catch (InvalidIdentifierException e) {
      throw new ClearingException(
          ClearingException.Reason.UNKNOWN_ACQUIRER, "No acquirer " + code + " is registered.");
    }
  }

  private static JsonObject strict(RouteRequest request) {
    try {
      return JsonBody.readObject(request.body());
    } catch (JsonBody.MalformedException e) {
      // As every registry-family route: a member named twice is a malformed body (400).
      throw ProblemException.of("request.malformed_json", 400, e.getMessage());
    }
  }

  private static JsonObject acquirerJson(Acquirer a) {
    JsonObject o = new JsonObject();
    o.addProperty("institution_code", a.institution().value());
    o.addProperty("name", a.name());
    o.add(
        "callback_url",
        a.callbackUrl()
            .map(u -> (JsonElement) GSON.toJsonTree(u.toString()))
            .orElse(JsonNull.INSTANCE));
    o.addProperty("created_at", a.createdAt().toString());
    o.addProperty("created_at_epoch", a.createdAt().getEpochSecond());
    return o;
  }

  private static JsonElement str(Instant t) {
    return GSON.toJsonTree(t.toString());
  }

  private static RouteResponse json(int status, JsonObject o) {
    return RouteResponse.json(status, GSON.toJson(o));
  }
}
