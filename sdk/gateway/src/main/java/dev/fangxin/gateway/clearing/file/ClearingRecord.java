package dev.fangxin.gateway.clearing.file;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.id.MaskedPan;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.Rrn;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.core.id.VoucherNumber;
import dev.fangxin.core.money.Money;
import dev.fangxin.protocol.v1.ToolType;
import java.util.Objects;
import java.util.Optional;

/**
 * One detail record of a clearing file, validated: a cleared payment keyed by its durable trace.
 *
 * <p>The card number is held only in masked form ({@link MaskedPan}); the full number read from the
 * file is never kept. Optional fields (card number, terminal ID, RRN, voucher number) are blank in
 * the file when absent. Immutable and thread-safe.
 */
public final class ClearingRecord {
  private final DurableTrace trace;
  private final MaskedPan maskedPan;
  private final Money amount;
  private final String messageType;
  private final String processingCode;
  private final String mcc;
  private final TerminalId terminalId;
  private final MerchantNumber merchantNumber;
  private final Rrn rrn;
  private final long transactionTime;
  private final ToolType toolType;
  private final VoucherNumber voucherNumber;

  private ClearingRecord(
      DurableTrace trace,
      MaskedPan maskedPan,
      Money amount,
      String messageType,
      String processingCode,
      String mcc,
      TerminalId terminalId,
      MerchantNumber merchantNumber,
      Rrn rrn,
      long transactionTime,
      ToolType toolType,
      VoucherNumber voucherNumber) {
    this.trace = trace;
    this.maskedPan = maskedPan;
    this.amount = amount;
    this.messageType = messageType;
    this.processingCode = processingCode;
    this.mcc = mcc;
    this.terminalId = terminalId;
    this.merchantNumber = merchantNumber;
    this.rrn = rrn;
    this.transactionTime = transactionTime;
    this.toolType = toolType;
    this.voucherNumber = voucherNumber;
  }

  /**
   * Returns a record from already validated parts. {@code maskedPan}, {@code terminalId}, {@code
   * rrn} and {@code voucherNumber} may be null (absent).
   *
   * @throws NullPointerException if a required part is null
   * @throws IllegalArgumentException if {@code messageType}, {@code processingCode} or {@code mcc}
   *     are not 4, 6 and 4 ASCII digits, the amount is negative, or {@code toolType} is unspecified
   */
  public static ClearingRecord of(
      DurableTrace trace,
      MaskedPan maskedPan,
      Money amount,
      String messageType,
      String processingCode,
      String mcc,
      TerminalId terminalId,
      MerchantNumber merchantNumber,
      Rrn rrn,
      long transactionTime,
      ToolType toolType,
      VoucherNumber voucherNumber) {
    requireNonNull(trace, "trace == null");
    requireNonNull(amount, "amount == null");
    requireNonNull(merchantNumber, "merchantNumber == null");
    requireNonNull(toolType, "toolType == null");
    digits("messageType", messageType, 4);
    digits("processingCode", processingCode, 6);
    digits("mcc", mcc, 4);
    if (amount.minorUnits() < 0) {
      throw new IllegalArgumentException("amount must not be negative: " + amount);
    }
    if (toolType == ToolType.TOOL_TYPE_UNSPECIFIED || toolType == ToolType.UNRECOGNIZED) {
      throw new IllegalArgumentException("toolType must be a known tool type, got " + toolType);
    }
    return new ClearingRecord(
        trace,
        maskedPan,
        amount,
        messageType,
        processingCode,
        mcc,
        terminalId,
        merchantNumber,
        rrn,
        transactionTime,
        toolType,
        voucherNumber);
  }

  private static void digits(String name, String value, int length) {
    requireNonNull(value, name + " == null");
    boolean ok = value.length() == length;
    for (int i = 0; ok && i < length; i++) {
      ok = value.charAt(i) >= '0' && value.charAt(i) <= '9';
    }
    if (!ok) {
      throw new IllegalArgumentException(name + " must be " + length + " digits, got " + value);
    }
  }

  /** The durable trace: settle key, settlement date and year. */
  public DurableTrace trace() {
    return trace;
  }

  /** The card number, masked to at most its first 6 and last 4 digits, if the record had one. */
  public Optional<MaskedPan> maskedPan() {
    return Optional.ofNullable(maskedPan);
  }

  /** The amount, never negative. */
  public Money amount() {
    return amount;
  }

  /** The ISO 8583 message type indicator, 4 digits, for example {@code "0200"}. */
  public String messageType() {
    return messageType;
  }

  /** The ISO 8583 processing code (field 3), 6 digits. */
  public String processingCode() {
    return processingCode;
  }

  /** The merchant category code (field 18), 4 digits. */
  public String mcc() {
    return mcc;
  }

  /** The terminal ID (field 41), if the record had one. */
  public Optional<TerminalId> terminalId() {
    return Optional.ofNullable(terminalId);
  }

  /** The merchant number (field 42). */
  public MerchantNumber merchantNumber() {
    return merchantNumber;
  }

  /** The retrieval reference number (field 37), if the record had one. */
  public Optional<Rrn> rrn() {
    return Optional.ofNullable(rrn);
  }

  /** The time of the transaction, UTC epoch seconds. */
  public long transactionTime() {
    return transactionTime;
  }

  /** What took the money. */
  public ToolType toolType() {
    return toolType;
  }

  /** The QR voucher number, if the record had one. */
  public Optional<VoucherNumber> voucherNumber() {
    return Optional.ofNullable(voucherNumber);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ClearingRecord)) {
      return false;
    }
    ClearingRecord r = (ClearingRecord) o;
    return trace.equals(r.trace)
        && Objects.equals(maskedPan, r.maskedPan)
        && amount.equals(r.amount)
        && messageType.equals(r.messageType)
        && processingCode.equals(r.processingCode)
        && mcc.equals(r.mcc)
        && Objects.equals(terminalId, r.terminalId)
        && merchantNumber.equals(r.merchantNumber)
        && Objects.equals(rrn, r.rrn)
        && transactionTime == r.transactionTime
        && toolType == r.toolType
        && Objects.equals(voucherNumber, r.voucherNumber);
  }

  @Override
  public int hashCode() {
    return trace.hashCode();
  }

  /** A description naming the trace, masked card number and amount; safe to log. */
  @Override
  public String toString() {
    return "ClearingRecord{trace="
        + trace
        + ", pan="
        + (maskedPan == null ? "none" : maskedPan)
        + ", amount="
        + amount
        + ", mid="
        + merchantNumber
        + "}";
  }
}
