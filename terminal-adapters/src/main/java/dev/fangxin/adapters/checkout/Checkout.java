package dev.fangxin.adapters.checkout;

import static java.util.Objects.requireNonNull;

import dev.fangxin.adapters.ecr.PaymentTerminal;
import dev.fangxin.adapters.ecr.SaleRequest;
import dev.fangxin.adapters.ecr.SaleResponse;
import dev.fangxin.adapters.escpos.EscPosPrinter;
import dev.fangxin.adapters.escpos.PrinterException;
import dev.fangxin.adapters.escpos.PrinterProfile;
import dev.fangxin.adapters.escpos.ReceiptLayout;
import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.SettleKey;
import dev.fangxin.core.receipt.ReceiptSigner;
import dev.fangxin.core.receipt.SignedReceipt;
import dev.fangxin.core.receipt.Transaction;
import dev.fangxin.protocol.v1.ToolType;
import dev.fangxin.protocol.v1.TransactionType;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The POS checkout: asks the payment terminal for the money, signs and journals the approved
 * payment with {@link ReceiptSigner}, and prints the receipt with its dispute QR code.
 *
 * <p>Order and guarantees: the sale is sent once ({@link PaymentTerminal} never repeats it); an
 * approved payment is signed and durably journaled <em>before</em> printing, so a printer failure
 * never loses a receipt; {@link #reprint} prints it again from the journal. A receipt is printed
 * unmarked at most once: every print after one that may have reached the paper carries the "COPY /
 * 副本" marker. Only a print the printer refused before any byte was sent (paper out, cover open,
 * offline) leaves the original unprinted. That memory lives in this object: after a restart every
 * reprint is marked as a copy, which errs on the safe side.
 *
 * <p>Thread-safety: one checkout at a time ({@code synchronized}).
 */
public final class Checkout {
  private final PaymentTerminal terminal;
  private final ReceiptSigner signer;
  private final EscPosPrinter printer;
  private final PrinterProfile profile;
  private final String linkBase;
  private final ZoneId zone;
  private final ReceiptLayout.Header header;
  private final InstitutionCode forwardingInstitution;
  private final Map<Long, PrintState> printed = new HashMap<>();

  private enum PrintState {
    NOT_PRINTED,
    MAY_HAVE_PRINTED
  }

  private Checkout(Builder b) {
    this.terminal = b.terminal;
    this.signer = b.signer;
    this.printer = b.printer;
    this.profile = b.profile;
    this.linkBase = b.linkBase;
    this.zone = b.zone;
    this.header = b.header;
    this.forwardingInstitution = b.forwardingInstitution;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Takes a payment and prints its receipt.
   *
   * @return the outcome: declined (nothing signed), or approved with the signed receipt and whether
   *     it printed; a printer failure is reported in the outcome, not thrown, because the money was
   *     taken and the receipt is safe in the journal
   * @throws dev.fangxin.adapters.ecr.EcrException if the terminal link fails (including {@code
   *     RESULT_UNKNOWN}: the sale is not repeated)
   * @throws dev.fangxin.core.receipt.ReceiptException if the approved payment cannot be signed
   */
  public synchronized Outcome pay(SaleRequest request, List<ReceiptLayout.Item> items) {
    requireNonNull(request, "request == null");
    requireNonNull(items, "items == null");
    SaleResponse response = terminal.sale(request);
    if (!response.approved()) {
      return new Outcome(response, Optional.empty(), Optional.empty());
    }
    SignedReceipt receipt = signer.sign(toTransaction(response));
    Optional<PrinterException> failure = print(receipt, items, false);
    return new Outcome(response, Optional.of(receipt), failure);
  }

  /**
   * Prints the receipt with {@code sequence} again, from the journal: marked as a copy unless the
   * original was refused by the printer before anything was sent.
   *
   * @return the printer failure, if this attempt failed too
   * @throws IllegalArgumentException if the journal has no receipt with that sequence
   */
  public synchronized Optional<PrinterException> reprint(
      long sequence, List<ReceiptLayout.Item> items) {
    SignedReceipt receipt =
        signer
            .find(sequence)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no receipt "
                            + sequence
                            + " of key "
                            + signer.key().keyId()
                            + " in the journal"));
    // Unknown to this object (signed before a restart) counts as printed: a copy.
    boolean copy = printed.get(sequence) != PrintState.NOT_PRINTED;
    return print(receipt, items, copy);
  }

  private Optional<PrinterException> print(
      SignedReceipt receipt, List<ReceiptLayout.Item> items, boolean copy) {
    long sequence = receipt.sequence();
    byte[] job =
        ReceiptLayout.fromSignedReceipt(profile, receipt, linkBase, zone, header, items).toBuilder()
            .copy(copy)
            .build()
            .toBytes();
    try {
      printer.print(job);
      printed.put(sequence, PrintState.MAY_HAVE_PRINTED);
      return Optional.empty();
    } catch (PrinterException e) {
      printed.put(
          sequence,
          e.mayHavePrinted() || copy ? PrintState.MAY_HAVE_PRINTED : PrintState.NOT_PRINTED);
      return Optional.of(e);
    }
  }

  /** The transaction to sign for an approved terminal response. */
  Transaction toTransaction(SaleResponse r) {
    Instant time = r.transactionTime().orElseGet(Instant::now);
    Transaction.Builder tx =
        Transaction.builder()
            .type(
                r.type() == dev.fangxin.adapters.ecr.TransactionType.REFUND
                    ? TransactionType.TRANSACTION_TYPE_REFUND
                    : TransactionType.TRANSACTION_TYPE_SALE)
            .amount(r.amount())
            .time(time)
            .toolType(ToolType.TOOL_TYPE_POS_TERMINAL);
    r.acquirer().ifPresent(tx::acquirer);
    r.merchant().ifPresent(tx::merchantNumber);
    r.terminal().ifPresent(tx::terminalId);
    r.maskedPan().ifPresent(tx::maskedPan);
    r.rrn().ifPresent(tx::rrn);
    if (r.acquirer().isPresent()
        && r.stan().isPresent()
        && r.transmissionTime().isPresent()
        && r.settlementDate().isPresent()) {
      InstitutionCode acquirer = r.acquirer().get();
      SettleKey key =
          SettleKey.of(
              acquirer,
              forwardingInstitution != null ? forwardingInstitution : acquirer,
              r.stan().get(),
              r.transmissionTime().get());
      tx.trace(DurableTrace.of(key, r.settlementDate().get(), settlementYear(r, time)));
    }
    return tx.build();
  }

  /**
   * Field 15 has no year: the settlement date is the payment's local date or shortly after it, so a
   * settlement month earlier than the payment's month means the next year (a payment on 31 December
   * settled on 2 January).
   */
  private int settlementYear(SaleResponse r, Instant time) {
    LocalDate paid = time.atZone(ZoneId.of("Asia/Shanghai")).toLocalDate();
    int month = r.settlementDate().get().month();
    return month < paid.getMonthValue() ? paid.getYear() + 1 : paid.getYear();
  }

  /** What happened at the checkout. */
  public record Outcome(
      SaleResponse response,
      Optional<SignedReceipt> receipt,
      Optional<PrinterException> printFailure) {
    /** Approved, signed, journaled and printed. */
    public boolean complete() {
      return response.approved() && receipt.isPresent() && printFailure.isEmpty();
    }
  }

  /** Collects the parts of a checkout; {@link #build()} says what is missing. */
  public static final class Builder {
    private PaymentTerminal terminal;
    private ReceiptSigner signer;
    private EscPosPrinter printer;
    private PrinterProfile profile;
    private String linkBase;
    private ZoneId zone = ZoneId.of("Asia/Shanghai");
    private ReceiptLayout.Header header;
    private InstitutionCode forwardingInstitution;

    private Builder() {}

    public Builder terminal(PaymentTerminal terminal) {
      this.terminal = requireNonNull(terminal, "terminal == null");
      return this;
    }

    public Builder signer(ReceiptSigner signer) {
      this.signer = requireNonNull(signer, "signer == null");
      return this;
    }

    public Builder printer(EscPosPrinter printer, PrinterProfile profile) {
      this.printer = requireNonNull(printer, "printer == null");
      this.profile = requireNonNull(profile, "profile == null");
      return this;
    }

    /** The dispute link base, e.g. {@code https://fx.example.cn}. */
    public Builder linkBase(String linkBase) {
      this.linkBase = requireNonNull(linkBase, "linkBase == null");
      return this;
    }

    /** The zone receipts show times in (default Asia/Shanghai). */
    public Builder zone(ZoneId zone) {
      this.zone = requireNonNull(zone, "zone == null");
      return this;
    }

    public Builder header(ReceiptLayout.Header header) {
      this.header = requireNonNull(header, "header == null");
      return this;
    }

    /** ISO 8583 field 33 for the settleKey, when it differs from the acquirer (field 32). */
    public Builder forwardingInstitution(InstitutionCode forwardingInstitution) {
      this.forwardingInstitution =
          requireNonNull(forwardingInstitution, "forwardingInstitution == null");
      return this;
    }

    public Checkout build() {
      if (terminal == null) {
        throw new IllegalStateException("terminal required: a PaymentTerminal takes the money");
      }
      if (signer == null) {
        throw new IllegalStateException("signer required: every payment is signed");
      }
      if (printer == null) {
        throw new IllegalStateException("printer required: every receipt is printed");
      }
      if (linkBase == null) {
        throw new IllegalStateException("linkBase required: the dispute QR needs it");
      }
      if (header == null) {
        throw new IllegalStateException("header required: a receipt names its merchant");
      }
      return new Checkout(this);
    }
  }
}
