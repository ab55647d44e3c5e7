package dev.fangxin.gateway.intake;

import dev.fangxin.gateway.auth.Guard;
import dev.fangxin.gateway.auth.Principal;
import dev.fangxin.gateway.clearing.ClearingException;
import dev.fangxin.gateway.http.ProblemException;
import dev.fangxin.gateway.http.Route;
import dev.fangxin.gateway.http.RouteRequest;
import dev.fangxin.gateway.http.RouteResponse;
import dev.fangxin.gateway.store.StoreException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The consumer-facing intake routes. Neither needs an API key: the signed token is the credential.
 *
 * <table>
 *   <caption>Routes</caption>
 *   <tr><th>Route</th><th>Success</th><th>Problems</th></tr>
 *   <tr><td>{@code GET /D/{token}}</td><td>200 {@code application/json}: the verified {@link
 *       dev.fangxin.gateway.cases.ReceiptSummary#toJson receipt summary}, the payment time also in
 *       the merchant's time zone</td>
 *       <td>400 {@code intake.token_malformed}; 422 {@code intake.unknown_key}, {@code
 *       intake.bad_signature}, {@code intake.token_revoked}, {@code intake.unknown_tool}, {@code
 *       intake.no_merchant}</td></tr>
 *   <tr><td>{@code POST /v1/complaints}</td><td>201 (new case) or 200 (replay), {@code Location:
 *       /v1/cases/{id}}, body as in {@link ComplaintIntake}</td>
 *       <td>the token problems above; 400 {@code intake.malformed_body}; 415 {@code
 *       intake.unsupported_media_type}; 422 {@code intake.invalid_field} (with {@code errors}),
 *       {@code intake.idempotency_key_reused}; 409 {@code intake.case_already_open} (with {@code
 *       case_id}), {@code intake.conflict}</td></tr>
 * </table>
 *
 * A database failure is answered 503 {@code store.unavailable} with {@code Retry-After: 1}.
 * Thread-safe.
 */
public final class IntakeRoutes {
  private static final Logger LOG = Logger.getLogger(IntakeRoutes.class.getName());

  private final ReceiptVerifier verifier;
  private final ComplaintIntake intake;
  private final Guard guard;

  private IntakeRoutes(ReceiptVerifier verifier, ComplaintIntake intake, Guard guard) {
    this.verifier = verifier;
    this.intake = intake;
    this.guard = guard;
  }

  /**
   * The routes over {@code verifier} and {@code intake}; {@code guard} identifies a caller that
   * sends an API key (a wallet partner filing with a trace). A request without {@code
   * Authorization} stays anonymous; one with an invalid key is refused 401.
   */
  public static IntakeRoutes create(ReceiptVerifier verifier, ComplaintIntake intake, Guard guard) {
    return new IntakeRoutes(
        Objects.requireNonNull(verifier, "verifier == null"),
        Objects.requireNonNull(intake, "intake == null"),
        Objects.requireNonNull(guard, "guard == null"));
  }

  /** The routes over {@code verifier} and {@code intake}. */
  public static IntakeRoutes create(ReceiptVerifier verifier, ComplaintIntake intake) {
    return new IntakeRoutes(
        Objects.requireNonNull(verifier, "verifier == null"),
        Objects.requireNonNull(intake, "intake == null"),
        null);
  }

  /** {@code GET /D/{token}} and {@code POST /v1/complaints}. */
  public List<Route> routes() {
    return List.of(
        Route.of("GET", "/D/{token}", this::receipt).withErrorStatus(500),
        Route.of("POST", "/v1/complaints", this::complaint).withErrorStatus(500));
  }

  private RouteResponse receipt(RouteRequest request) {
    try {
      return RouteResponse.json(
          200, verifier.verify(request.pathParam("token")).toJson().toString());
    } catch (IntakeException e) {
      throw ProblemException.of(e.toProblem());
    } catch (StoreException e) {
      throw unavailable(e);
    }
  }

  private RouteResponse complaint(RouteRequest request) {
    try {
      Optional<Principal> caller = guard == null ? Optional.empty() : guard.optional(request);
      ComplaintIntake.Filing filing =
          intake.file(
              request.header("content-type"),
              request.body(),
              request.header("idempotency-key"),
              caller);
      return RouteResponse.json(filing.status(), filing.body().toString())
          .withHeader("Location", filing.location());
    } catch (IntakeException e) {
      ProblemException p = ProblemException.of(e.toProblem());
      if (e.reasonCode() == IntakeException.Reason.UNSUPPORTED_MEDIA_TYPE) {
        p = p.withHeader("Accept-Post", ComplaintIntake.JSON + ", " + ComplaintIntake.PROTOBUF);
      }
      throw p;
    } catch (ClearingException e) {
      ProblemException p = ProblemException.of(e.toProblem());
      if (e.reasonCode() == ClearingException.Reason.LOOKUP_FAILED) {
        p = p.withHeader("Retry-After", "30");
      }
      throw p;
    } catch (StoreException e) {
      throw unavailable(e);
    }
  }

  static ProblemException unavailable(StoreException e) {
    LOG.log(Level.WARNING, "store failed: " + e.reason(), e);
    return ProblemException.of(
            "store.unavailable", 503, "The case store is unavailable; retry in a moment.")
        .withHeader("Retry-After", "1");
  }
}
