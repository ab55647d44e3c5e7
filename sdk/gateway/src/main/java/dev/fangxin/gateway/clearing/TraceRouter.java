package dev.fangxin.gateway.clearing;

import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.money.Money;
import dev.fangxin.gateway.registry.Merchant;
import dev.fangxin.gateway.registry.PaymentTool;
import dev.fangxin.gateway.registry.Registry;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Routes a payment named by its trace to the merchant that took it: trace → clearing record ({@link
 * ClearingLookup}: the store, then the acquirer's callback) → the payment tool in use then → the
 * tool's binding valid at the payment's time ({@link Registry#merchantAt}) → the merchant. The
 * merchant's current endpoint is where delivery then sends the case.
 *
 * <p><b>Tool.</b> A record with a terminal ID maps to the card terminal {@code
 * ct:<acquirer>:<MID>:<TID>} when that tool is registered. Otherwise (a QR collection code, whose
 * record has no TID, or an unregistered terminal) it maps to the collection code registered with
 * the code ID {@code <acquirer>.<MID>} ({@code cc:<acquirer>.<MID>}), if any. The registry holds no
 * other link between a collection code and a merchant number.
 *
 * <p>Failures ({@link ClearingException}): {@code clearing.unknown_trace} (404) when no source
 * knows the trace, {@code clearing.no_tool} (422), {@code clearing.no_merchant} (422), {@code
 * clearing.lookup_failed} (503) from the lookup. Reads only (a pulled record is stored by the
 * lookup); thread-safe; blocking.
 */
public final class TraceRouter {
  private final ClearingLookup lookup;
  private final Registry registry;

  private TraceRouter(ClearingLookup lookup, Registry registry) {
    this.lookup = lookup;
    this.registry = registry;
  }

  /** A router finding records with {@code lookup} and merchants in {@code registry}. */
  public static TraceRouter create(ClearingLookup lookup, Registry registry) {
    return new TraceRouter(
        Objects.requireNonNull(lookup, "lookup == null"),
        Objects.requireNonNull(registry, "registry == null"));
  }

  /** Where a trace leads: the clearing record, the payment tool and the merchant. Immutable. */
  public static final class Routed {
    private final ClearingRecord record;
    private final PaymentTool tool;
    private final Merchant merchant;

    private Routed(ClearingRecord record, PaymentTool tool, Merchant merchant) {
      this.record = record;
      this.tool = tool;
      this.merchant = merchant;
    }

    /** The clearing record. */
    public ClearingRecord record() {
      return record;
    }

    /** The payment tool that took the payment. */
    public PaymentTool tool() {
      return tool;
    }

    /** The merchant the tool was bound to at the payment's time. */
    public Merchant merchant() {
      return merchant;
    }

    @Override
    public String toString() {
      return "Routed{" + record + " -> " + tool.id() + " -> " + merchant.id() + "}";
    }
  }

  /**
   * Routes {@code trace}.
   *
   * @throws ClearingException as described in the class comment
   */
  public Routed route(DurableTrace trace) {
    Objects.requireNonNull(trace, "trace == null");
    ClearingRecord record =
        lookup
            .find(trace)
            .orElseThrow(
                () ->
                    new ClearingException(
                        ClearingException.Reason.UNKNOWN_TRACE,
                        "No clearing record is known for this trace; check it against the bill,"
                            + " or file from the receipt's QR code."));
    return route(record);
  }

  /**
   * Routes {@code trace} and checks what the consumer said about the payment against the clearing
   * record: the amount, and the date of the payment in the merchant's time zone.
   *
   * @throws ClearingException as {@link #route(DurableTrace)}; {@code TRACE_MISMATCH} (422) with
   *     one error per field that differs ({@code amount}, {@code paid_on})
   */
  public Routed route(DurableTrace trace, Optional<Money> amount, Optional<LocalDate> paidOn) {
    Objects.requireNonNull(amount, "amount == null");
    Objects.requireNonNull(paidOn, "paidOn == null");
    Routed routed = route(trace);
    ClearingRecord r = routed.record();
    List<ClearingException.FieldError> errors = new ArrayList<>();
    if (amount.isPresent() && !amount.get().equals(r.amount())) {
      errors.add(
          ClearingException.FieldError.of(
              -1, "amount", "The amount does not match the clearing record of this trace."));
    }
    LocalDate day = r.transactionTime().atZone(routed.merchant().timeZone()).toLocalDate();
    if (paidOn.isPresent() && !paidOn.get().equals(day)) {
      errors.add(
          ClearingException.FieldError.of(
              -1, "paid_on", "The date does not match the clearing record of this trace."));
    }
    if (!errors.isEmpty()) {
      throw new ClearingException(
          ClearingException.Reason.TRACE_MISMATCH,
          "The trace is known, but what was given about the payment does not match it; check the"
              + " bill.",
          errors);
    }
    return routed;
  }

  /**
   * Routes a clearing record already at hand.
   *
   * @throws ClearingException {@code NO_TOOL} or {@code NO_MERCHANT}
   */
  public Routed route(ClearingRecord record) {
    Objects.requireNonNull(record, "record == null");
    PaymentTool tool = tool(record);
    String merchantId =
        registry
            .merchantAt(tool.id(), record.transactionTime())
            .orElseThrow(
                () ->
                    new ClearingException(
                        ClearingException.Reason.NO_MERCHANT,
                        "Payment tool "
                            + tool.id()
                            + " was bound to no merchant at "
                            + record.transactionTime()
                            + ", when the payment was made."));
    Merchant merchant =
        registry
            .merchant(merchantId)
            .orElseThrow(
                () ->
                    new ClearingException(
                        ClearingException.Reason.NO_MERCHANT,
                        "Merchant "
                            + merchantId
                            + " of tool "
                            + tool.id()
                            + " is not registered."));
    return new Routed(record, tool, merchant);
  }

  private PaymentTool tool(ClearingRecord record) {
    if (record.terminalId().isPresent()) {
      PaymentTool terminal =
          PaymentTool.cardTerminal(
              record.acquirer(), record.merchantNumber(), record.terminalId().get());
      Optional<PaymentTool> registered = registry.tool(terminal.id());
      if (registered.isPresent()) {
        return registered.get();
      }
    }
    PaymentTool code =
        PaymentTool.collectionCode(
            record.acquirer().value() + "." + record.merchantNumber().value());
    return registry
        .tool(code.id())
        .orElseThrow(
            () ->
                new ClearingException(
                    ClearingException.Reason.NO_TOOL,
                    "No registered payment tool took this payment: neither the card terminal"
                        + " of its acquirer, MID and TID nor a collection code "
                        + code.id()
                        + "."));
  }
}
