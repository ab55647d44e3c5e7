package dev.fangxin.gateway.intake;

import dev.fangxin.core.link.DisputeLink;
import dev.fangxin.core.token.DisputeClaim;
import dev.fangxin.core.token.DisputeToken;
import dev.fangxin.core.token.TokenException;
import dev.fangxin.gateway.cases.ReceiptSummary;
import dev.fangxin.gateway.clearing.ClearingIdentity;
import dev.fangxin.gateway.clearing.ClearingRecord;
import dev.fangxin.gateway.clearing.ClearingRecords;
import dev.fangxin.gateway.registry.KeyRoute;
import dev.fangxin.gateway.registry.Merchant;
import dev.fangxin.gateway.registry.RegisteredKey;
import dev.fangxin.gateway.registry.Registry;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns the token text of a dispute link into a verified {@link ReceiptSummary}: decodes the token
 * (protocol/SPEC.md §5–6), finds the registered key by the claim's key ID, verifies the signature,
 * refuses receipts signed at or after the key's revocation, and resolves the merchant through the
 * binding of the key's payment tool valid at the receipt's time — so a tool re-bound to another
 * merchant still routes old receipts to the merchant that took the payment.
 *
 * <p>Checks run in this order and the first failure is thrown as an {@link IntakeException}: {@code
 * intake.token_malformed} (with the core {@code token_reason}), {@code intake.unknown_key}, {@code
 * intake.bad_signature}, {@code intake.token_revoked}, {@code intake.unknown_tool}, {@code
 * intake.no_merchant}. Each failure increments {@value #FAILURES_METER} tagged with {@code reason}
 * (the code). Reads the registry with one query (and the clearing records with one more); the
 * signature is verified on the caller's thread after the reads. Thread-safe.
 */
public final class ReceiptVerifier {
  /** Meter: verification failures, tagged {@code reason}. */
  public static final String FAILURES_METER = "fangxin.intake.verification.failures";

  private final Registry registry;
  private final ClearingRecords clearing;
  private final MeterRegistry meters;

  private ReceiptVerifier(Registry registry, ClearingRecords clearing, MeterRegistry meters) {
    this.registry = registry;
    this.clearing = clearing;
    this.meters = meters;
  }

  /** A verifier over {@code registry}, counting failures in {@code meters}. */
  public static ReceiptVerifier create(Registry registry, MeterRegistry meters) {
    return new ReceiptVerifier(
        Objects.requireNonNull(registry, "registry == null"),
        null,
        Objects.requireNonNull(meters, "meters == null"));
  }

  /**
   * A verifier over {@code registry} that also looks for each verified receipt's clearing record in
   * {@code clearing} (same store): the records that cleared under the receipt's tool ({@link
   * ClearingIdentity}) for the receipt's amount within {@link ClearingRecords#MATCH_WINDOW} of its
   * time. When exactly one is found, the summary names its trace ({@link
   * ReceiptSummary#withTrace}), and the payment is identified by the trace, as a complaint from the
   * trace would be. No record, or several, leaves the summary as it was (identified by key ID and
   * sequence). The search reads the local store only, never an acquirer's pull hook.
   */
  public static ReceiptVerifier create(
      Registry registry, ClearingRecords clearing, MeterRegistry meters) {
    return new ReceiptVerifier(
        Objects.requireNonNull(registry, "registry == null"),
        Objects.requireNonNull(clearing, "clearing == null"),
        Objects.requireNonNull(meters, "meters == null"));
  }

  /**
   * Verifies {@code tokenText} (the part of a dispute link after {@code /D/}, any letter case).
   *
   * <p>Store work: one query for the key, its tool, the binding valid at the receipt's time and its
   * merchant ({@link Registry#route}), plus, with clearing records, one query for the payment's
   * record; both on one auto-commit connection, which is given back before the signature is
   * verified, so the SM2 verification (on the caller's thread) holds no store connection. The
   * revocation time is read from the store on every call.
   *
   * @throws IntakeException as described in the class comment
   */
  public ReceiptSummary verify(String tokenText) {
    try {
      return verifyUncounted(tokenText);
    } catch (IntakeException e) {
      throw counted(e);
    }
  }

  /**
   * {@link #verify(String)} without counting a failure in {@value #FAILURES_METER}: the caller
   * counts it with {@link #countFailure} if the failure is its answer.
   */
  ReceiptSummary verifyUncounted(String tokenText) {
    Objects.requireNonNull(tokenText, "tokenText == null");
    DisputeToken token = decode(tokenText);
    Read read = registry.store().autoCommit(tx -> read(tx, token));
    return check(token, read);
  }

  /** Counts {@code e} in {@value #FAILURES_METER}, as {@link #verify(String)} would have. */
  IntakeException countFailure(IntakeException e) {
    return counted(e);
  }

  /**
   * {@link #verify(String)} reading the registry inside the caller's transaction {@code tx}. Does
   * not commit.
   *
   * @throws IntakeException as described in the class comment
   */
  public ReceiptSummary verify(Connection tx, String tokenText) throws SQLException {
    Objects.requireNonNull(tx, "tx == null");
    Objects.requireNonNull(tokenText, "tokenText == null");
    try {
      DisputeToken token = decode(tokenText);
      return check(token, read(tx, token));
    } catch (IntakeException e) {
      throw counted(e);
    }
  }

  /** What the store says about a token's key: its route and the clearing records found. */
  private static final class Read {
    final Optional<KeyRoute> route;
    final List<ClearingRecord> found;

    Read(Optional<KeyRoute> route, List<ClearingRecord> found) {
      this.route = route;
      this.found = found;
    }
  }

  private Read read(Connection tx, DisputeToken token) throws SQLException {
    DisputeClaim claim = token.claim();
    Optional<KeyRoute> route = registry.route(tx, claim.keyId(), claim.issuedAt());
    if (clearing == null || route.isEmpty() || route.get().merchant().isEmpty()) {
      return new Read(route, List.of());
    }
    Optional<ClearingIdentity> identity = route.get().tool().flatMap(ClearingIdentity::of);
    if (identity.isEmpty()) {
      return new Read(route, List.of());
    }
    return new Read(
        route, clearing.findPayments(tx, identity.get(), claim.amount(), claim.issuedAt(), 2));
  }

  private DisputeToken decode(String tokenText) {
    try {
      return DisputeLink.decodeToken(tokenText);
    } catch (TokenException e) {
      throw IntakeException.token(
          IntakeException.Reason.TOKEN_MALFORMED,
          "The dispute token is not well-formed: " + e.getMessage() + ".",
          e.reason(),
          e);
    }
  }

  private IntakeException counted(IntakeException e) {
    meters.counter(FAILURES_METER, "reason", e.reason()).increment();
    return e;
  }

  private ReceiptSummary check(DisputeToken token, Read read) {
    DisputeClaim claim = token.claim();
    KeyRoute route =
        read.route.orElseThrow(
            () ->
                IntakeException.of(
                    IntakeException.Reason.UNKNOWN_KEY,
                    "No terminal key "
                        + claim.keyId().toHex()
                        + " is registered; the receipt cannot be verified."));
    RegisteredKey key = route.key();
    try {
      token.verify(key.publicKey());
    } catch (TokenException e) {
      throw IntakeException.token(
          IntakeException.Reason.BAD_SIGNATURE,
          "The dispute token's signature does not verify with key "
              + claim.keyId().toHex()
              + "; it was altered or forged.",
          e.reason(),
          e);
    }
    if (!key.validAt(claim.issuedAt())) {
      throw IntakeException.of(
          IntakeException.Reason.TOKEN_REVOKED,
          "Key "
              + claim.keyId().toHex()
              + " was revoked at "
              + key.revokedAt().orElseThrow()
              + "; receipts it signed from then on (this one claims "
              + claim.issuedAt()
              + ") are refused.");
    }
    if (route.tool().isEmpty()) {
      throw IntakeException.of(
          IntakeException.Reason.UNKNOWN_TOOL,
          "Key "
              + claim.keyId().toHex()
              + " names payment tool "
              + key.toolId()
              + ", which is"
              + " not registered.");
    }
    if (route.merchant().isEmpty()) {
      throw IntakeException.of(
          IntakeException.Reason.NO_MERCHANT,
          "Payment tool "
              + key.toolId()
              + " was bound to no merchant at "
              + claim.issuedAt()
              + ", when the receipt was signed.");
    }
    Merchant m = route.merchant().get();
    ReceiptSummary summary =
        ReceiptSummary.of(
            claim.keyId(),
            claim.sequence(),
            claim.type(),
            claim.amount(),
            claim.issuedAt(),
            key.toolId(),
            m.id(),
            m.name(),
            m.timeZone());
    List<ClearingRecord> found = read.found;
    return found.size() == 1
        ? summary
            .withTrace(found.get(0).trace().value())
            .withMaskedCard(found.get(0).maskedPan().orElse(null))
        : summary;
  }
}
