package dev.fangxin.gateway.clearing.file;

import dev.fangxin.core.id.DurableTrace;
import java.util.List;

/** How a {@link ClearingRecord} maps onto a {@code clearing_records} row. Stateless. */
final class ClearingRows {
  private ClearingRows() {}

  /**
   * The content columns, in order: what two records must agree on to be the same payment. The
   * primary key comes first; {@code batch_id} and {@code ingested_at} follow them in a row but are
   * not content.
   */
  static final List<String> CONTENT =
      List.of(
          "durable_trace",
          "acquirer_institution",
          "forwarding_institution",
          "stan",
          "transmission_time",
          "settlement_date",
          "rrn",
          "merchant_number",
          "terminal_id",
          "amount_minor",
          "currency",
          "transaction_time",
          "tool_type",
          "voucher_number",
          "masked_pan",
          "message_type",
          "processing_code",
          "mcc");

  /** Every column written, content then {@code batch_id, ingested_at}. */
  static final String ALL_COLUMNS = String.join(", ", CONTENT) + ", batch_id, ingested_at";

  /**
   * The content values of {@code r}, in {@link #CONTENT} order: strings, {@code Long} for amounts
   * and times, {@code Integer} for the currency, null for absent optional fields.
   */
  static Object[] content(ClearingRecord r) {
    DurableTrace t = r.trace();
    return new Object[] {
      t.value(),
      t.settleKey().acquirer().value(),
      t.settleKey().forwarding().value(),
      t.settleKey().stan().value(),
      t.settleKey().transmissionTime().value(),
      settlementDate(t),
      r.rrn().map(Object::toString).orElse(null),
      r.merchantNumber().value(),
      r.terminalId().map(Object::toString).orElse(null),
      r.amount().minorUnits(),
      r.amount().currency(),
      r.transactionTime(),
      dev.fangxin.gateway.clearing.ClearingRecord.toolTypeCode(r.toolType()),
      r.voucherNumber().map(Object::toString).orElse(null),
      r.maskedPan().map(Object::toString).orElse(null),
      r.messageType(),
      r.processingCode(),
      r.mcc()
    };
  }

  /** The settlement date as stored: {@code YYYYMMDD}. */
  static String settlementDate(DurableTrace t) {
    return t.year() + t.settlementDate().value();
  }
}
