package dev.fangxin.core.receipt;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.id.CreditCode;
import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.InvalidIdentifierException;
import dev.fangxin.core.id.MaskedPan;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.Rrn;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.core.id.VoucherNumber;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.money.MoneyException;
import dev.fangxin.protocol.v1.PaymentTool;
import dev.fangxin.protocol.v1.ToolType;
import dev.fangxin.protocol.v1.Trace;
import dev.fangxin.protocol.v1.TransactionType;
import java.time.Instant;
import java.util.Optional;

/**
 * One payment as the POS application hands it to {@link ReceiptSigner}: validated, immutable,
 * thread-safe. Build it with {@link #builder()} or convert the protobuf/JSON form with {@link
 * #fromProto}. A full card number can never be put in: only a {@link MaskedPan}.
 */
public final class Transaction {
  private final TransactionType type;
  private final Money amount;
  private final Instant time;
  private final ToolType toolType;
  private final InstitutionCode acquirer;
  private final MerchantNumber merchantNumber;
  private final TerminalId terminalId;
  private final String collectionCodeId;
  private final DurableTrace trace;
  private final Rrn rrn;
  private final VoucherNumber voucherNumber;
  private final MaskedPan maskedPan;
  private final String receiptNumber;
  private final String merchantName;
  private final CreditCode merchantCreditCode;

  private Transaction(Builder b) {
    this.type = b.type;
    this.amount = b.amount;
    this.time = b.time;
    this.toolType = b.toolType;
    this.acquirer = b.acquirer;
    this.merchantNumber = b.merchantNumber;
    this.terminalId = b.terminalId;
    this.collectionCodeId = b.collectionCodeId;
    this.trace = b.trace;
    this.rrn = b.rrn;
    this.voucherNumber = b.voucherNumber;
    this.maskedPan = b.maskedPan;
    this.receiptNumber = b.receiptNumber;
    this.merchantName = b.merchantName;
    this.merchantCreditCode = b.merchantCreditCode;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this transaction's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.type = type;
    b.amount = amount;
    b.time = time;
    b.toolType = toolType;
    b.acquirer = acquirer;
    b.merchantNumber = merchantNumber;
    b.terminalId = terminalId;
    b.collectionCodeId = collectionCodeId;
    b.trace = trace;
    b.rrn = rrn;
    b.voucherNumber = voucherNumber;
    b.maskedPan = maskedPan;
    b.receiptNumber = receiptNumber;
    b.merchantName = merchantName;
    b.merchantCreditCode = merchantCreditCode;
    return b;
  }

  /**
   * Converts and validates the protobuf form (also the JSON form through protobuf's JsonFormat).
   *
   * @throws ReceiptException {@code BAD_TRANSACTION} naming the field that is wrong and why
   */
  public static Transaction fromProto(dev.fangxin.protocol.v1.Transaction proto) {
    requireNonNull(proto, "proto == null");
    Builder b = builder();
    String field = "type";
    try {
      b.type(proto.getType());
      field = "amount";
      if (!proto.hasAmount()) {
        throw bad("amount: an amount is required");
      }
      b.amount(Money.fromProto(proto.getAmount()));
      field = "time";
      b.time(Instant.ofEpochSecond(proto.getTime()));
      PaymentTool tool = proto.getTool();
      field = "tool.type";
      b.toolType(tool.getType());
      field = "tool.acquirer_institution";
      if (!tool.getAcquirerInstitution().isEmpty()) {
        b.acquirer(InstitutionCode.of(tool.getAcquirerInstitution()));
      }
      field = "tool.merchant_number";
      if (!tool.getMerchantNumber().isEmpty()) {
        b.merchantNumber(MerchantNumber.of(tool.getMerchantNumber()));
      }
      field = "tool.terminal_id";
      if (!tool.getTerminalId().isEmpty()) {
        b.terminalId(TerminalId.of(tool.getTerminalId()));
      }
      field = "tool.collection_code_id";
      if (!tool.getCollectionCodeId().isEmpty()) {
        b.collectionCodeId(tool.getCollectionCodeId());
      }
      if (proto.hasTrace()) {
        Trace t = proto.getTrace();
        field = "trace";
        if (!t.getStan().isEmpty()
            || !t.getTransmissionTime().isEmpty()
            || !t.getAcquirerInstitution().isEmpty()
            || !t.getSettlementDate().isEmpty()) {
          b.trace(DurableTrace.fromProto(t));
        }
        field = "trace.rrn";
        if (!t.getRrn().isEmpty()) {
          b.rrn(Rrn.of(t.getRrn()));
        }
        field = "trace.voucher_number";
        if (!t.getVoucherNumber().isEmpty()) {
          b.voucherNumber(VoucherNumber.of(t.getVoucherNumber()));
        }
      }
      field = "masked_pan";
      if (!proto.getMaskedPan().isEmpty()) {
        b.maskedPan(MaskedPan.of(proto.getMaskedPan()));
      }
      field = "merchant_credit_code";
      if (!proto.getMerchantCreditCode().isEmpty()) {
        b.merchantCreditCode(CreditCode.of(proto.getMerchantCreditCode()));
      }
      field = "receipt_number";
      b.receiptNumber(proto.getReceiptNumber());
      field = "merchant_name";
      b.merchantName(proto.getMerchantName());
      return b.build();
    } catch (InvalidIdentifierException | MoneyException e) {
      throw new ReceiptException(
          ReceiptException.Reason.BAD_TRANSACTION, field + ": " + e.getMessage(), e);
    }
  }

  public TransactionType type() {
    return type;
  }

  public Money amount() {
    return amount;
  }

  /** When the payment happened, to the second. */
  public Instant time() {
    return time;
  }

  public ToolType toolType() {
    return toolType;
  }

  public Optional<InstitutionCode> acquirer() {
    return Optional.ofNullable(acquirer);
  }

  public Optional<MerchantNumber> merchantNumber() {
    return Optional.ofNullable(merchantNumber);
  }

  public Optional<TerminalId> terminalId() {
    return Optional.ofNullable(terminalId);
  }

  public Optional<String> collectionCodeId() {
    return Optional.ofNullable(collectionCodeId);
  }

  public Optional<DurableTrace> trace() {
    return Optional.ofNullable(trace);
  }

  public Optional<Rrn> rrn() {
    return Optional.ofNullable(rrn);
  }

  public Optional<VoucherNumber> voucherNumber() {
    return Optional.ofNullable(voucherNumber);
  }

  public Optional<MaskedPan> maskedPan() {
    return Optional.ofNullable(maskedPan);
  }

  /** The terminal's own receipt number; empty when none. */
  public String receiptNumber() {
    return receiptNumber;
  }

  /** The merchant name configured on the terminal; empty when none. Routing never trusts it. */
  public String merchantName() {
    return merchantName;
  }

  public Optional<CreditCode> merchantCreditCode() {
    return Optional.ofNullable(merchantCreditCode);
  }

  /** The payment tool in its protobuf form. */
  PaymentTool toolProto() {
    PaymentTool.Builder t = PaymentTool.newBuilder().setType(toolType);
    if (acquirer != null) {
      t.setAcquirerInstitution(acquirer.value());
    }
    if (merchantNumber != null) {
      t.setMerchantNumber(merchantNumber.value());
    }
    if (terminalId != null) {
      t.setTerminalId(terminalId.value());
    }
    if (collectionCodeId != null) {
      t.setCollectionCodeId(collectionCodeId);
    }
    return t.build();
  }

  /** The trace and the references kept beside it, in protobuf form; empty when none is known. */
  Optional<Trace> traceProto() {
    if (trace == null && rrn == null && voucherNumber == null) {
      return Optional.empty();
    }
    Trace.Builder t = trace != null ? trace.toProto().toBuilder() : Trace.newBuilder();
    if (rrn != null) {
      t.setRrn(rrn.value());
    }
    if (voucherNumber != null) {
      t.setVoucherNumber(voucherNumber.value());
    }
    return Optional.of(t.build());
  }

  @Override
  public String toString() {
    return "Transaction{"
        + type
        + ", "
        + amount
        + ", "
        + time
        + ", "
        + toolProto().toString().replace('\n', ' ').trim()
        + "}";
  }

  private static ReceiptException bad(String message) {
    return new ReceiptException(ReceiptException.Reason.BAD_TRANSACTION, message);
  }

  /** Collects a transaction's fields; {@link #build()} checks them. Not thread-safe. */
  public static final class Builder {
    private static final int MAX_TEXT = 64;

    private TransactionType type;
    private Money amount;
    private Instant time;
    private ToolType toolType = ToolType.TOOL_TYPE_POS_TERMINAL;
    private InstitutionCode acquirer;
    private MerchantNumber merchantNumber;
    private TerminalId terminalId;
    private String collectionCodeId;
    private DurableTrace trace;
    private Rrn rrn;
    private VoucherNumber voucherNumber;
    private MaskedPan maskedPan;
    private String receiptNumber = "";
    private String merchantName = "";
    private CreditCode merchantCreditCode;

    private Builder() {}

    public Builder type(TransactionType type) {
      this.type = requireNonNull(type, "type == null");
      return this;
    }

    public Builder amount(Money amount) {
      this.amount = requireNonNull(amount, "amount == null");
      return this;
    }

    public Builder time(Instant time) {
      this.time = requireNonNull(time, "time == null");
      return this;
    }

    public Builder toolType(ToolType toolType) {
      this.toolType = requireNonNull(toolType, "toolType == null");
      return this;
    }

    public Builder acquirer(InstitutionCode acquirer) {
      this.acquirer = requireNonNull(acquirer, "acquirer == null");
      return this;
    }

    public Builder merchantNumber(MerchantNumber merchantNumber) {
      this.merchantNumber = requireNonNull(merchantNumber, "merchantNumber == null");
      return this;
    }

    public Builder terminalId(TerminalId terminalId) {
      this.terminalId = requireNonNull(terminalId, "terminalId == null");
      return this;
    }

    /** The identifier of a QR collection code: 1 to 64 printable ASCII characters. */
    public Builder collectionCodeId(String collectionCodeId) {
      this.collectionCodeId = requireNonNull(collectionCodeId, "collectionCodeId == null");
      return this;
    }

    public Builder trace(DurableTrace trace) {
      this.trace = requireNonNull(trace, "trace == null");
      return this;
    }

    public Builder rrn(Rrn rrn) {
      this.rrn = requireNonNull(rrn, "rrn == null");
      return this;
    }

    public Builder voucherNumber(VoucherNumber voucherNumber) {
      this.voucherNumber = requireNonNull(voucherNumber, "voucherNumber == null");
      return this;
    }

    public Builder maskedPan(MaskedPan maskedPan) {
      this.maskedPan = requireNonNull(maskedPan, "maskedPan == null");
      return this;
    }

    /** The terminal's own receipt number: at most 64 characters. */
    public Builder receiptNumber(String receiptNumber) {
      this.receiptNumber = requireNonNull(receiptNumber, "receiptNumber == null");
      return this;
    }

    /** The merchant's name as configured on the terminal: at most 64 characters. */
    public Builder merchantName(String merchantName) {
      this.merchantName = requireNonNull(merchantName, "merchantName == null");
      return this;
    }

    public Builder merchantCreditCode(CreditCode merchantCreditCode) {
      this.merchantCreditCode = requireNonNull(merchantCreditCode, "merchantCreditCode == null");
      return this;
    }

    /**
     * Checks the fields together and returns the transaction.
     *
     * @throws ReceiptException {@code BAD_TRANSACTION} with a sentence naming what is missing or
     *     wrong
     */
    public Transaction build() {
      if (type == null
          || type == TransactionType.TRANSACTION_TYPE_UNSPECIFIED
          || type == TransactionType.UNRECOGNIZED) {
        throw bad("type: a transaction type is required (SALE, REFUND, VOID, PRE_AUTH_COMPLETION)");
      }
      if (amount == null) {
        throw bad("amount: an amount is required");
      }
      if (amount.minorUnits() <= 0) {
        throw bad("amount: must be positive, got " + amount + "; the type says a refund or a void");
      }
      if (time == null) {
        throw bad("time: the payment time is required");
      }
      if (time.getEpochSecond() <= 0) {
        throw bad("time: must be UTC epoch seconds after 1970, got " + time.getEpochSecond());
      }
      switch (toolType) {
        case TOOL_TYPE_POS_TERMINAL -> {
          if (merchantNumber == null || terminalId == null) {
            throw bad("tool: a POS terminal needs merchant_number (MID) and terminal_id (TID)");
          }
        }
        case TOOL_TYPE_QR_COLLECTION_CODE -> {
          if (collectionCodeId == null) {
            throw bad("tool: a QR collection code needs collection_code_id");
          }
        }
        case TOOL_TYPE_QR_DYNAMIC -> {
          if (merchantNumber == null) {
            throw bad("tool: a dynamic QR payment needs merchant_number (MID)");
          }
        }
        default ->
            throw bad(
                "tool.type: a tool type is required (POS_TERMINAL, QR_COLLECTION_CODE,"
                    + " QR_DYNAMIC)");
      }
      if (collectionCodeId != null) {
        checkText("tool.collection_code_id", collectionCodeId, true);
        if (collectionCodeId.isEmpty()) {
          throw bad("tool.collection_code_id: must not be empty");
        }
      }
      checkText("receipt_number", receiptNumber, true);
      checkText("merchant_name", merchantName, false);
      return new Transaction(this);
    }

    private static void checkText(String field, String value, boolean asciiOnly) {
      if (value.length() > MAX_TEXT) {
        throw bad(field + ": at most " + MAX_TEXT + " characters, got " + value.length());
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (Character.isISOControl(c) || (asciiOnly && (c < 0x20 || c > 0x7E))) {
          throw bad(
              field
                  + ": character "
                  + (i + 1)
                  + " is not allowed"
                  + (asciiOnly ? " (printable ASCII only)" : " (no control characters)"));
        }
      }
    }
  }
}
