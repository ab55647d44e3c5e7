package dev.fangxin.gateway.clearing;

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
import dev.fangxin.gateway.clearing.ClearingException.FieldError;
import dev.fangxin.protocol.v1.ToolType;
import dev.fangxin.protocol.v1.Trace;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One payment as its acquirer cleared it, validated: the durable trace (settle key, settlement date
 * and year), the RRN and QR voucher number when known, the merchant number (MID) and terminal ID
 * (TID), the amount (non-negative minor units of an ISO 4217 currency), when the payment was made,
 * the kind of payment tool, and optionally the masked card number (never a full PAN), the message
 * type, processing code and MCC.
 *
 * <p>Two records are {@linkplain #equals equal} when every field is; the store refuses a record
 * whose trace is known with different content. Immutable and thread-safe.
 */
public final class ClearingRecord {
  private static final Pattern DIGITS4 = Pattern.compile("[0-9]{4}");
  private static final Pattern DIGITS6 = Pattern.compile("[0-9]{6}");

  private final DurableTrace trace;
  private final Rrn rrn;
  private final VoucherNumber voucher;
  private final MerchantNumber merchantNumber;
  private final TerminalId terminalId;
  private final Money amount;
  private final Instant transactionTime;
  private final ToolType toolType;
  private final MaskedPan maskedPan;
  private final String messageType;
  private final String processingCode;
  private final String mcc;

  private ClearingRecord(Builder b) {
    this.trace = b.trace;
    this.rrn = b.rrn;
    this.voucher = b.voucher;
    this.merchantNumber = b.merchantNumber;
    this.terminalId = b.terminalId;
    this.amount = b.amount;
    this.transactionTime = b.transactionTime;
    this.toolType = b.toolType;
    this.maskedPan = b.maskedPan;
    this.messageType = b.messageType;
    this.processingCode = b.processingCode;
    this.mcc = b.mcc;
  }

  /** A builder for a record of {@code trace}. */
  public static Builder builder(DurableTrace trace) {
    return new Builder(trace);
  }

  /** Builds a {@link ClearingRecord}; not thread-safe. */
  public static final class Builder {
    private final DurableTrace trace;
    private Rrn rrn;
    private VoucherNumber voucher;
    private MerchantNumber merchantNumber;
    private TerminalId terminalId;
    private Money amount;
    private Instant transactionTime;
    private ToolType toolType;
    private MaskedPan maskedPan;
    private String messageType;
    private String processingCode;
    private String mcc;

    private Builder(DurableTrace trace) {
      this.trace = Objects.requireNonNull(trace, "trace == null");
    }

    /** The retrieval reference number. */
    public Builder rrn(Rrn rrn) {
      this.rrn = rrn;
      return this;
    }

    /** The QR payment voucher number. */
    public Builder voucher(VoucherNumber voucher) {
      this.voucher = voucher;
      return this;
    }

    /** The merchant number (MID). Required. */
    public Builder merchantNumber(MerchantNumber merchantNumber) {
      this.merchantNumber = merchantNumber;
      return this;
    }

    /** The terminal ID (TID). Required for a POS terminal. */
    public Builder terminalId(TerminalId terminalId) {
      this.terminalId = terminalId;
      return this;
    }

    /** The amount, at least zero. Required. */
    public Builder amount(Money amount) {
      this.amount = amount;
      return this;
    }

    /** When the payment was made; whole seconds, after 1970. Required. */
    public Builder transactionTime(Instant transactionTime) {
      this.transactionTime = transactionTime;
      return this;
    }

    /** The kind of payment tool. Required, not unspecified. */
    public Builder toolType(ToolType toolType) {
      this.toolType = toolType;
      return this;
    }

    /** The masked card number. */
    public Builder maskedPan(MaskedPan maskedPan) {
      this.maskedPan = maskedPan;
      return this;
    }

    /** ISO 8583 message type indicator, 4 digits. */
    public Builder messageType(String messageType) {
      this.messageType = messageType;
      return this;
    }

    /** ISO 8583 field 3, 6 digits. */
    public Builder processingCode(String processingCode) {
      this.processingCode = processingCode;
      return this;
    }

    /** Merchant category code, 4 digits. */
    public Builder mcc(String mcc) {
      this.mcc = mcc;
      return this;
    }

    /**
     * The record.
     *
     * @throws IllegalArgumentException naming the first missing or invalid field
     */
    public ClearingRecord build() {
      if (merchantNumber == null) {
        throw new IllegalArgumentException("merchantNumber is required.");
      }
      if (amount == null || amount.minorUnits() < 0) {
        throw new IllegalArgumentException("amount is required and must not be negative.");
      }
      if (transactionTime == null
          || transactionTime.getEpochSecond() <= 0
          || transactionTime.getNano() != 0) {
        throw new IllegalArgumentException(
            "transactionTime is required, whole seconds after 1970.");
      }
      if (toolType == null
          || toolType == ToolType.TOOL_TYPE_UNSPECIFIED
          || toolType == ToolType.UNRECOGNIZED) {
        throw new IllegalArgumentException("toolType is required.");
      }
      if (toolType == ToolType.TOOL_TYPE_POS_TERMINAL && terminalId == null) {
        throw new IllegalArgumentException("terminalId is required for a POS terminal.");
      }
      check("messageType", messageType, DIGITS4);
      check("processingCode", processingCode, DIGITS6);
      check("mcc", mcc, DIGITS4);
      return new ClearingRecord(this);
    }

    private static void check(String name, String value, Pattern p) {
      if (value != null && !p.matcher(value).matches()) {
        throw new IllegalArgumentException(name + " has the wrong form.");
      }
    }
  }

  /**
   * Validates a {@code fangxin.v1.ClearingRecord}, adding one {@link FieldError} per invalid field
   * (with {@code index}) to {@code errors}.
   *
   * @return the record, or empty when any field was invalid
   */
  public static Optional<ClearingRecord> fromProto(
      dev.fangxin.protocol.v1.ClearingRecord p, int index, List<FieldError> errors) {
    Objects.requireNonNull(p, "p == null");
    Objects.requireNonNull(errors, "errors == null");
    int before = errors.size();
    for (int n : p.getUnknownFields().asMap().keySet()) {
      errors.add(
          FieldError.of(index, "field " + n, "field " + n + " is not a ClearingRecord field."));
    }
    DurableTrace trace = null;
    Rrn rrn = null;
    VoucherNumber voucher = null;
    if (!p.hasTrace()) {
      errors.add(FieldError.of(index, "trace", "trace is required."));
    } else {
      Trace t = p.getTrace();
      try {
        trace = DurableTrace.fromProto(t);
      } catch (InvalidIdentifierException e) {
        errors.add(FieldError.of(index, "trace." + e.field(), e.getMessage()));
      }
      if (!t.getRrn().isEmpty()) {
        try {
          rrn = Rrn.of(t.getRrn());
        } catch (InvalidIdentifierException e) {
          errors.add(FieldError.of(index, "trace.rrn", e.getMessage()));
        }
      }
      if (!t.getVoucherNumber().isEmpty()) {
        try {
          voucher = VoucherNumber.of(t.getVoucherNumber());
        } catch (InvalidIdentifierException e) {
          errors.add(FieldError.of(index, "trace.voucher_number", e.getMessage()));
        }
      }
    }
    MerchantNumber mid = null;
    if (p.getMerchantNumber().isEmpty()) {
      errors.add(FieldError.of(index, "merchant_number", "merchant_number is required."));
    } else {
      try {
        mid = MerchantNumber.of(p.getMerchantNumber());
      } catch (InvalidIdentifierException e) {
        errors.add(FieldError.of(index, "merchant_number", e.getMessage()));
      }
    }
    TerminalId tid = null;
    if (!p.getTerminalId().isEmpty()) {
      try {
        tid = TerminalId.of(p.getTerminalId());
      } catch (InvalidIdentifierException e) {
        errors.add(FieldError.of(index, "terminal_id", e.getMessage()));
      }
    }
    Money amount = null;
    if (!p.hasAmount()) {
      errors.add(FieldError.of(index, "amount", "amount is required."));
    } else if (p.getAmount().getMinorUnits() < 0) {
      errors.add(
          FieldError.of(
              index,
              "amount.minor_units",
              "amount.minor_units must not be negative, got "
                  + p.getAmount().getMinorUnits()
                  + "."));
    } else {
      try {
        amount = Money.fromProto(p.getAmount());
      } catch (MoneyException e) {
        errors.add(FieldError.of(index, "amount.currency", e.getMessage()));
      }
    }
    Instant time = null;
    if (p.getTransactionTime() <= 0 || p.getTransactionTime() > 253_402_300_799L) {
      errors.add(
          FieldError.of(
              index,
              "transaction_time",
              "transaction_time must be UTC epoch seconds after 1970, got "
                  + p.getTransactionTime()
                  + "."));
    } else {
      time = Instant.ofEpochSecond(p.getTransactionTime());
    }
    ToolType type = p.getToolType();
    if (type == ToolType.TOOL_TYPE_UNSPECIFIED || type == ToolType.UNRECOGNIZED) {
      errors.add(
          FieldError.of(
              index,
              "tool_type",
              "tool_type must be pos_terminal, qr_collection_code or qr_dynamic, got "
                  + p.getToolTypeValue()
                  + "."));
    } else if (type == ToolType.TOOL_TYPE_POS_TERMINAL && p.getTerminalId().isEmpty()) {
      errors.add(
          FieldError.of(index, "terminal_id", "terminal_id is required for a POS terminal."));
    }
    MaskedPan pan = null;
    if (!p.getMaskedPan().isEmpty()) {
      try {
        pan = MaskedPan.of(p.getMaskedPan());
      } catch (InvalidIdentifierException e) {
        errors.add(FieldError.of(index, "masked_pan", e.getMessage()));
      }
    }
    checkDigits(index, "message_type", p.getMessageType(), DIGITS4, errors);
    checkDigits(index, "processing_code", p.getProcessingCode(), DIGITS6, errors);
    checkDigits(index, "mcc", p.getMcc(), DIGITS4, errors);
    if (errors.size() > before) {
      return Optional.empty();
    }
    return Optional.of(
        builder(trace)
            .rrn(rrn)
            .voucher(voucher)
            .merchantNumber(mid)
            .terminalId(tid)
            .amount(amount)
            .transactionTime(time)
            .toolType(type)
            .maskedPan(pan)
            .messageType(emptyToNull(p.getMessageType()))
            .processingCode(emptyToNull(p.getProcessingCode()))
            .mcc(emptyToNull(p.getMcc()))
            .build());
  }

  private static void checkDigits(
      int index, String field, String value, Pattern p, List<FieldError> errors) {
    if (!value.isEmpty() && !p.matcher(value).matches()) {
      errors.add(
          FieldError.of(
              index,
              field,
              field + " must be " + (p == DIGITS6 ? 6 : 4) + " ASCII digits when present."));
    }
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  /** The record as a {@code fangxin.v1.ClearingRecord}. */
  public dev.fangxin.protocol.v1.ClearingRecord toProto() {
    Trace.Builder t = trace.toProto().toBuilder();
    rrn().ifPresent(r -> t.setRrn(r.value()));
    voucher().ifPresent(v -> t.setVoucherNumber(v.value()));
    dev.fangxin.protocol.v1.ClearingRecord.Builder b =
        dev.fangxin.protocol.v1.ClearingRecord.newBuilder()
            .setTrace(t)
            .setMerchantNumber(merchantNumber.value())
            .setAmount(amount.toProto())
            .setTransactionTime(transactionTime.getEpochSecond())
            .setToolType(toolType);
    terminalId().ifPresent(x -> b.setTerminalId(x.value()));
    maskedPan().ifPresent(x -> b.setMaskedPan(x.value()));
    messageType().ifPresent(b::setMessageType);
    processingCode().ifPresent(b::setProcessingCode);
    mcc().ifPresent(b::setMcc);
    return b.build();
  }

  /** The durable trace, the record's identity. */
  public DurableTrace trace() {
    return trace;
  }

  /** The acquiring institution (from the trace). */
  public InstitutionCode acquirer() {
    return trace.settleKey().acquirer();
  }

  /** The retrieval reference number, if known. */
  public Optional<Rrn> rrn() {
    return Optional.ofNullable(rrn);
  }

  /** The QR voucher number, if the payment was a QR payment and it is known. */
  public Optional<VoucherNumber> voucher() {
    return Optional.ofNullable(voucher);
  }

  /** The merchant number (MID). */
  public MerchantNumber merchantNumber() {
    return merchantNumber;
  }

  /** The terminal ID, if any. */
  public Optional<TerminalId> terminalId() {
    return Optional.ofNullable(terminalId);
  }

  /** The amount cleared. */
  public Money amount() {
    return amount;
  }

  /** When the payment was made, UTC. */
  public Instant transactionTime() {
    return transactionTime;
  }

  /** The kind of payment tool. */
  public ToolType toolType() {
    return toolType;
  }

  /** The masked card number, if any. */
  public Optional<MaskedPan> maskedPan() {
    return Optional.ofNullable(maskedPan);
  }

  /** The message type indicator, if any. */
  public Optional<String> messageType() {
    return Optional.ofNullable(messageType);
  }

  /** The processing code, if any. */
  public Optional<String> processingCode() {
    return Optional.ofNullable(processingCode);
  }

  /** The merchant category code, if any. */
  public Optional<String> mcc() {
    return Optional.ofNullable(mcc);
  }

  /**
   * The one stored form of a tool type in {@code clearing_records.tool_type}, shared by the push
   * hook, the pull hook and the file ingest: {@code pos_terminal}, {@code qr_collection_code} or
   * {@code qr_dynamic} (the proto enum name without its prefix, lower case). Schema V11 normalised
   * rows written before in the proto enum form and refuses any other value.
   *
   * @throws IllegalArgumentException for {@code TOOL_TYPE_UNSPECIFIED} or {@code UNRECOGNIZED},
   *     which are never stored
   */
  public static String toolTypeCode(ToolType t) {
    Objects.requireNonNull(t, "t == null");
    if (t == ToolType.TOOL_TYPE_UNSPECIFIED || t == ToolType.UNRECOGNIZED) {
      throw new IllegalArgumentException("Tool type " + t + " is never stored.");
    }
    return t.name().substring("TOOL_TYPE_".length()).toLowerCase(Locale.ROOT);
  }

  /** Reads {@link #toolTypeCode} (or the proto enum name). */
  static ToolType parseToolType(String s) {
    String upper = s.trim().toUpperCase(Locale.ROOT);
    return ToolType.valueOf(upper.startsWith("TOOL_TYPE_") ? upper : "TOOL_TYPE_" + upper);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ClearingRecord)) {
      return false;
    }
    ClearingRecord r = (ClearingRecord) o;
    return trace.equals(r.trace)
        && Objects.equals(rrn, r.rrn)
        && Objects.equals(voucher, r.voucher)
        && merchantNumber.equals(r.merchantNumber)
        && Objects.equals(terminalId, r.terminalId)
        && amount.equals(r.amount)
        && transactionTime.equals(r.transactionTime)
        && toolType == r.toolType
        && Objects.equals(maskedPan, r.maskedPan)
        && Objects.equals(messageType, r.messageType)
        && Objects.equals(processingCode, r.processingCode)
        && Objects.equals(mcc, r.mcc);
  }

  @Override
  public int hashCode() {
    return trace.hashCode();
  }

  /** The trace, MID and TID only; never the card number. */
  @Override
  public String toString() {
    return "ClearingRecord{"
        + trace.value()
        + ", mid="
        + merchantNumber.value()
        + (terminalId == null ? "" : ", tid=" + terminalId.value())
        + "}";
  }
}
