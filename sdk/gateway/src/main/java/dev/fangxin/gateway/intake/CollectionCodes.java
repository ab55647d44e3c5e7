package dev.fangxin.gateway.intake;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.fangxin.core.code.MerchantCode;
import dev.fangxin.core.code.MerchantLink;
import dev.fangxin.core.token.TokenException;
import dev.fangxin.gateway.cases.ReceiptSummary;
import dev.fangxin.gateway.clearing.ClearingException;
import dev.fangxin.gateway.clearing.ClearingIdentity;
import dev.fangxin.gateway.clearing.ClearingRecord;
import dev.fangxin.gateway.clearing.ClearingRecords;
import dev.fangxin.gateway.clearing.TraceRouter;
import dev.fangxin.gateway.registry.Binding;
import dev.fangxin.gateway.registry.Merchant;
import dev.fangxin.gateway.registry.PaymentTool;
import dev.fangxin.gateway.registry.RegisteredKey;
import dev.fangxin.gateway.registry.Registry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The collection-code origin of a complaint: a consumer who paid at a merchant's static collection
 * code (the sticker's {@code /M/} link, protocol/SPEC.md §15) names the code, when it paid and how
 * much; the gateway finds the payment's clearing record and routes it like a trace.
 *
 * <ol>
 *   <li>The code is decoded and verified against its registered key, like a receipt token: {@code
 *       intake.token_malformed} (400), {@code intake.unknown_key}, {@code intake.bad_signature}
 *       (422), and {@code intake.token_revoked} (422) for a payment at or after the key's
 *       revocation.
 *   <li>The key names the collection-code tool ({@code intake.unknown_tool} if it is not
 *       registered). {@code paid_at} with an offset is that instant; without one it is read in the
 *       time zone of the merchant the code was last bound to ({@code intake.no_merchant} if it was
 *       never bound).
 *   <li>The tool's clearing identity ({@link ClearingIdentity}: a code registered as {@code
 *       <acquirer>.<MID>}) and the store's clearing records give the payments of that amount within
 *       {@link ClearingRecords#MATCH_WINDOW} of {@code paid_at} ({@link
 *       ClearingRecords#findPayments}), leaving out records that belong to a registered card
 *       terminal of the same MID. Exactly one: it is routed as a trace is ({@link TraceRouter}),
 *       and the case carries its trace. None: {@code clearing.no_payment} (404). Several: {@code
 *       clearing.ambiguous_payment} (409) with {@code candidates}, their times only.
 * </ol>
 *
 * Reads the local store only (the acquirer's pull hook is asked by trace, which is not known here).
 * Meter {@value ReceiptVerifier#FAILURES_METER} counts code verification failures as it does for
 * tokens. Thread-safe.
 */
public final class CollectionCodes {
  /** Most candidates named in an ambiguous answer. */
  static final int MAX_CANDIDATES = 10;

  private final Registry registry;
  private final ClearingRecords records;
  private final TraceRouter router;
  private final MeterRegistry meters;

  private CollectionCodes(
      Registry registry, ClearingRecords records, TraceRouter router, MeterRegistry meters) {
    this.registry = registry;
    this.records = records;
    this.router = router;
    this.meters = meters;
  }

  /** Resolves codes with {@code registry}, {@code records} and {@code router} (one store). */
  public static CollectionCodes create(
      Registry registry, ClearingRecords records, TraceRouter router, MeterRegistry meters) {
    return new CollectionCodes(
        Objects.requireNonNull(registry, "registry == null"),
        Objects.requireNonNull(records, "records == null"),
        Objects.requireNonNull(router, "router == null"),
        Objects.requireNonNull(meters, "meters == null"));
  }

  /**
   * The payment {@code origin} names, routed to its merchant.
   *
   * @throws IntakeException for the code (see the class comment)
   * @throws ClearingException {@code NO_PAYMENT}, {@code AMBIGUOUS_PAYMENT}, or a routing failure
   */
  public ReceiptSummary resolve(ComplaintRequest.CodedOrigin origin) {
    Objects.requireNonNull(origin, "origin == null");
    MerchantCode code;
    try {
      code = MerchantLink.decodeCode(origin.codeText());
    } catch (TokenException e) {
      throw counted(
          IntakeException.token(
              IntakeException.Reason.TOKEN_MALFORMED,
              "The merchant code is not well-formed: " + e.getMessage() + ".",
              e.reason(),
              e));
    }
    String keyHex = code.claim().keyId().toHex();
    RegisteredKey key =
        registry
            .key(code.claim().keyId())
            .orElseThrow(
                () ->
                    counted(
                        IntakeException.of(
                            IntakeException.Reason.UNKNOWN_KEY,
                            "No key " + keyHex + " is registered; the code cannot be verified.")));
    try {
      code.verify(key.publicKey());
    } catch (TokenException e) {
      throw counted(
          IntakeException.token(
              IntakeException.Reason.BAD_SIGNATURE,
              "The merchant code's signature does not verify with key "
                  + keyHex
                  + "; it was altered or forged.",
              e.reason(),
              e));
    }
    PaymentTool tool =
        registry
            .tool(key.toolId())
            .orElseThrow(
                () ->
                    counted(
                        IntakeException.of(
                            IntakeException.Reason.UNKNOWN_TOOL,
                            "Key "
                                + keyHex
                                + " names tool "
                                + key.toolId()
                                + ", not registered.")));
    Instant paidAt = paidAt(origin, tool);
    if (!key.validAt(paidAt)) {
      throw counted(
          IntakeException.of(
              IntakeException.Reason.TOKEN_REVOKED,
              "The collection code's key "
                  + keyHex
                  + " was revoked at "
                  + key.revokedAt().orElseThrow()
                  + "; payments made from then on cannot be disputed through it."));
    }
    Optional<ClearingIdentity> identity = ClearingIdentity.of(tool);
    if (identity.isEmpty()) {
      throw ClearingException.payment(
          ClearingException.Reason.NO_PAYMENT,
          "Collection code "
              + tool.id()
              + " is not registered under the acquirer and merchant number its payments clear"
              + " under (code ID <acquirer>.<MID>), so no payment can be found by time and amount;"
              + " give the trace from the bill instead.",
          null);
    }
    List<ClearingRecord> found = new ArrayList<>();
    for (ClearingRecord r :
        records.findPayments(identity.get(), origin.amount(), paidAt, MAX_CANDIDATES + 1)) {
      if (ofThisCode(r)) {
        found.add(r);
      }
    }
    if (found.isEmpty()) {
      throw ClearingException.payment(
          ClearingException.Reason.NO_PAYMENT,
          "No payment of "
              + origin.amount().toDecimalString()
              + " "
              + origin.amount().currencyCode()
              + " within "
              + ClearingRecords.MATCH_WINDOW.toMinutes()
              + " minutes of "
              + paidAt
              + " was found at this merchant's collection code; check the time and the amount,"
              + " or give the trace from the bill.",
          null);
    }
    if (found.size() > 1) {
      JsonArray candidates = new JsonArray();
      for (ClearingRecord r : found.subList(0, Math.min(found.size(), MAX_CANDIDATES))) {
        JsonObject c = new JsonObject();
        c.addProperty("paid_at", r.transactionTime().toString());
        c.addProperty(
            "paid_at_local",
            r.transactionTime()
                .atZone(zoneAt(tool, r.transactionTime()))
                .toOffsetDateTime()
                .toString());
        candidates.add(c);
      }
      throw ClearingException.payment(
          ClearingException.Reason.AMBIGUOUS_PAYMENT,
          found.size()
              + " payments of this amount were made at this collection code near that time;"
              + " give the trace from the bill to name yours.",
          candidates);
    }
    return ComplaintIntake.summaryOf(router.route(found.get(0)));
  }

  /** False for a record whose TID names a registered card terminal: that terminal took it. */
  private boolean ofThisCode(ClearingRecord r) {
    if (r.terminalId().isEmpty()) {
      return true;
    }
    return registry
        .tool(PaymentTool.cardTerminal(r.acquirer(), r.merchantNumber(), r.terminalId().get()).id())
        .isEmpty();
  }

  private Instant paidAt(ComplaintRequest.CodedOrigin origin, PaymentTool tool) {
    Optional<Instant> instant = origin.paidAtInstant();
    if (instant.isPresent()) {
      return instant.get();
    }
    List<Binding> history = registry.history(tool.id());
    if (history.isEmpty()) {
      throw counted(
          IntakeException.of(
              IntakeException.Reason.NO_MERCHANT,
              "Collection code " + tool.id() + " has never been bound to a merchant."));
    }
    ZoneId zone =
        registry
            .merchant(history.get(history.size() - 1).merchantId())
            .map(Merchant::timeZone)
            .orElse(ZoneId.of("UTC"));
    return origin.paidAtLocal().orElseThrow().atZone(zone).toInstant();
  }

  private ZoneId zoneAt(PaymentTool tool, Instant t) {
    return registry
        .merchantAt(tool.id(), t)
        .flatMap(registry::merchant)
        .map(Merchant::timeZone)
        .orElse(ZoneId.of("UTC"));
  }

  private IntakeException counted(IntakeException e) {
    meters.counter(ReceiptVerifier.FAILURES_METER, "reason", e.reason()).increment();
    return e;
  }
}
