package dev.fangxin.gateway.cases;

import com.google.gson.JsonObject;
import dev.fangxin.core.id.MaskedPan;
import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.money.Money;
import dev.fangxin.protocol.v1.TransactionType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Objects;

/**
 * What a verified dispute token — or a clearing record found by its trace — says about a payment,
 * resolved against the registry: the signing key and its sequence number (token) or the durable
 * trace (clearing record), the transaction type and amount, when it was paid, the payment tool that
 * signed it and the merchant that tool was bound to at that time (with its name and time zone).
 *
 * <p>Immutable and thread-safe. The payment time is whole UTC seconds, as in the token.
 */
public final class ReceiptSummary {
  private final KeyId keyId;
  private final long sequence;
  private final String trace;
  private final TransactionType type;
  private final Money amount;
  private final Instant paidAt;
  private final String toolId;
  private final String merchantId;
  private final String merchantName;
  private final ZoneId timeZone;
  private final MaskedPan maskedCard;

  private ReceiptSummary(
      KeyId keyId,
      long sequence,
      String trace,
      TransactionType type,
      Money amount,
      Instant paidAt,
      String toolId,
      String merchantId,
      String merchantName,
      ZoneId timeZone,
      MaskedPan maskedCard) {
    this.keyId = keyId;
    this.sequence = sequence;
    this.trace = trace;
    this.type = type;
    this.amount = amount;
    this.paidAt = paidAt;
    this.toolId = toolId;
    this.merchantId = merchantId;
    this.merchantName = merchantName;
    this.timeZone = timeZone;
    this.maskedCard = maskedCard;
  }

  /**
   * A summary.
   *
   * @throws IllegalArgumentException if the sequence is not positive, the amount not positive, the
   *     type unspecified, the payment time not whole seconds, or an ID blank or too long
   */
  public static ReceiptSummary of(
      KeyId keyId,
      long sequence,
      TransactionType type,
      Money amount,
      Instant paidAt,
      String toolId,
      String merchantId,
      String merchantName,
      ZoneId timeZone) {
    Objects.requireNonNull(keyId, "keyId == null");
    Objects.requireNonNull(type, "type == null");
    Objects.requireNonNull(amount, "amount == null");
    Objects.requireNonNull(paidAt, "paidAt == null");
    Objects.requireNonNull(merchantName, "merchantName == null");
    Objects.requireNonNull(timeZone, "timeZone == null");
    CaseCodes.transactionType(type);
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence must be positive, got " + sequence + ".");
    }
    if (amount.minorUnits() < 1) {
      throw new IllegalArgumentException("amount must be positive, got " + amount + ".");
    }
    if (paidAt.getNano() != 0) {
      throw new IllegalArgumentException("paidAt must be whole seconds, got " + paidAt + ".");
    }
    return new ReceiptSummary(
        keyId,
        sequence,
        null,
        type,
        amount,
        paidAt,
        CaseRecord.checkId("toolId", toolId),
        CaseRecord.checkId("merchantId", merchantId),
        merchantName,
        timeZone,
        null);
  }

  /**
   * A summary of a payment found by its durable trace (the complaint named the trace, not a signed
   * receipt).
   *
   * @param durableTrace the 46-character canonical durable trace
   * @throws IllegalArgumentException as {@link #of}, or if the trace is not 46 characters
   */
  public static ReceiptSummary ofTrace(
      String durableTrace,
      TransactionType type,
      Money amount,
      Instant paidAt,
      String toolId,
      String merchantId,
      String merchantName,
      ZoneId timeZone) {
    Objects.requireNonNull(durableTrace, "durableTrace == null");
    if (durableTrace.length() != 46) {
      throw new IllegalArgumentException("durableTrace must be 46 characters.");
    }
    ReceiptSummary r =
        of(
            KeyId.of(new byte[8]),
            1,
            type,
            amount,
            paidAt,
            toolId,
            merchantId,
            merchantName,
            timeZone);
    return new ReceiptSummary(
        null,
        0,
        durableTrace,
        r.type,
        r.amount,
        r.paidAt,
        r.toolId,
        r.merchantId,
        r.merchantName,
        r.timeZone,
        null);
  }

  /**
   * This signed receipt's summary, also naming the durable trace of its payment's clearing record
   * (found by the receipt's tool, time and amount): from then on the payment is identified by the
   * trace ({@link #receiptKey()}), the key the trace origin uses, so a complaint from the receipt
   * and one from the trace of the same payment meet at one open case.
   *
   * @throws IllegalArgumentException if this summary already names a trace, or {@code durableTrace}
   *     is not 46 characters
   */
  public ReceiptSummary withTrace(String durableTrace) {
    Objects.requireNonNull(durableTrace, "durableTrace == null");
    if (trace != null) {
      throw new IllegalArgumentException("This summary already names trace " + trace + ".");
    }
    if (durableTrace.length() != 46) {
      throw new IllegalArgumentException("durableTrace must be 46 characters.");
    }
    return new ReceiptSummary(
        keyId,
        sequence,
        durableTrace,
        type,
        amount,
        paidAt,
        toolId,
        merchantId,
        merchantName,
        timeZone,
        maskedCard);
  }

  /**
   * This summary with the masked card number of the payment's clearing record, shown to the
   * consumer beside the amount; {@code null} leaves it without one.
   */
  public ReceiptSummary withMaskedCard(MaskedPan card) {
    return new ReceiptSummary(
        keyId,
        sequence,
        trace,
        type,
        amount,
        paidAt,
        toolId,
        merchantId,
        merchantName,
        timeZone,
        card);
  }

  /** The masked card number (first 6 / last 4 at most), when the clearing record carried one. */
  public java.util.Optional<MaskedPan> maskedCard() {
    return java.util.Optional.ofNullable(maskedCard);
  }

  /** The terminal key that signed the receipt; empty for a payment found by its trace. */
  public java.util.Optional<KeyId> keyId() {
    return java.util.Optional.ofNullable(keyId);
  }

  /**
   * The receipt's sequence number under its key; with {@link #keyId()} it names the receipt. 0 for
   * a payment found by its trace.
   */
  public long sequence() {
    return sequence;
  }

  /**
   * The durable trace of the payment: of a payment found by its trace, or of a signed receipt whose
   * clearing record was found ({@link #withTrace}); empty otherwise.
   */
  public java.util.Optional<String> trace() {
    return java.util.Optional.ofNullable(trace);
  }

  /**
   * The bytes that, with {@link #receiptSequence()}, identify the payment in {@code open_receipts}
   * and {@code cases.receipt_key_id}: the ASCII of {@code "trace:"} and the durable trace (52
   * bytes, so never equal to a key ID) whenever the trace is known, else the 8 key-ID bytes of the
   * signed receipt.
   */
  public byte[] receiptKey() {
    return trace == null
        ? keyId.toBytes()
        : ("trace:" + trace).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** 0 when the payment is identified by its trace, else the signed receipt's sequence number. */
  public long receiptSequence() {
    return trace == null ? sequence : 0;
  }

  /** Sale, refund, void or pre-authorization completion. */
  public TransactionType type() {
    return type;
  }

  /** The amount paid. */
  public Money amount() {
    return amount;
  }

  /** When the payment was made, UTC. */
  public Instant paidAt() {
    return paidAt;
  }

  /** The payment time in the merchant's time zone, as the consumer saw it at the till. */
  public OffsetDateTime paidAtLocal() {
    return paidAt.atZone(timeZone).toOffsetDateTime();
  }

  /** The payment tool whose key signed the receipt. */
  public String toolId() {
    return toolId;
  }

  /** The merchant the tool was bound to at {@link #paidAt()}. */
  public String merchantId() {
    return merchantId;
  }

  /** The merchant's registered name. */
  public String merchantName() {
    return merchantName;
  }

  /** The merchant's time zone. */
  public ZoneId timeZone() {
    return timeZone;
  }

  /**
   * The summary as JSON: {@code key_id} (16 hex digits), {@code sequence}, {@code type}, {@code
   * amount} ({@code {"value": "12.50", "currency": "CNY", "minor_units": 1250}}), {@code paid_at}
   * (RFC 3339 UTC), {@code paid_at_local} (RFC 3339 with the merchant's offset), {@code time_zone},
   * {@code tool_id}, {@code merchant_id} and {@code merchant_name}.
   */
  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    if (keyId != null) {
      o.addProperty("key_id", keyId.toHex());
      o.addProperty("sequence", sequence);
    }
    if (trace != null) {
      o.addProperty("trace", trace);
    }
    o.addProperty("type", CaseCodes.transactionType(type));
    o.add("amount", moneyJson(amount));
    o.addProperty("paid_at", paidAt.toString());
    o.addProperty("paid_at_local", paidAtLocal().toString());
    o.addProperty("time_zone", timeZone.getId());
    o.addProperty("tool_id", toolId);
    o.addProperty("merchant_id", merchantId);
    o.addProperty("merchant_name", merchantName);
    if (maskedCard != null) {
      o.addProperty("masked_card", maskedCard.value());
    }
    return o;
  }

  /**
   * Reads back what {@link #toJson()} wrote.
   *
   * @throws IllegalArgumentException if a member is missing or out of range
   */
  public static ReceiptSummary fromJson(JsonObject o) {
    Objects.requireNonNull(o, "o == null");
    try {
      MaskedPan card =
          o.has("masked_card") ? MaskedPan.of(o.get("masked_card").getAsString()) : null;
      return readJson(o).withMaskedCard(card);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("The stored receipt summary is not readable: " + e, e);
    }
  }

  private static ReceiptSummary readJson(JsonObject o) {
    {
      JsonObject amount = o.getAsJsonObject("amount");
      Money money =
          Money.of(
              amount.get("minor_units").getAsLong(),
              java.util.Currency.getInstance(amount.get("currency").getAsString())
                  .getNumericCode());
      if (o.has("trace") && !o.has("key_id")) {
        return ofTrace(
            o.get("trace").getAsString(),
            CaseCodes.parseTransactionType(o.get("type").getAsString())
                .orElseThrow(() -> new IllegalArgumentException("unknown transaction type")),
            money,
            Instant.parse(o.get("paid_at").getAsString()),
            o.get("tool_id").getAsString(),
            o.get("merchant_id").getAsString(),
            o.get("merchant_name").getAsString(),
            ZoneId.of(o.get("time_zone").getAsString()));
      }
      ReceiptSummary signed =
          of(
              KeyId.fromHex(o.get("key_id").getAsString()),
              o.get("sequence").getAsLong(),
              CaseCodes.parseTransactionType(o.get("type").getAsString())
                  .orElseThrow(() -> new IllegalArgumentException("unknown transaction type")),
              money,
              Instant.parse(o.get("paid_at").getAsString()),
              o.get("tool_id").getAsString(),
              o.get("merchant_id").getAsString(),
              o.get("merchant_name").getAsString(),
              ZoneId.of(o.get("time_zone").getAsString()));
      return o.has("trace") ? signed.withTrace(o.get("trace").getAsString()) : signed;
    }
  }

  /** {@code {"value": "12.50", "currency": "CNY", "minor_units": 1250}}. */
  static JsonObject moneyJson(Money m) {
    JsonObject o = new JsonObject();
    o.addProperty("value", m.toDecimalString());
    o.addProperty("currency", m.currencyCode());
    o.addProperty("minor_units", m.minorUnits());
    return o;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ReceiptSummary)) {
      return false;
    }
    ReceiptSummary r = (ReceiptSummary) o;
    return Objects.equals(keyId, r.keyId)
        && sequence == r.sequence
        && Objects.equals(trace, r.trace)
        && type == r.type
        && amount.equals(r.amount)
        && paidAt.equals(r.paidAt)
        && toolId.equals(r.toolId)
        && merchantId.equals(r.merchantId)
        && merchantName.equals(r.merchantName)
        && timeZone.equals(r.timeZone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyId, sequence, trace, merchantId);
  }

  @Override
  public String toString() {
    return "ReceiptSummary{"
        + (keyId != null ? "key=" + keyId.toHex() + ", sequence=" + sequence : "trace=" + trace)
        + ", merchant="
        + merchantId
        + ", amount="
        + amount
        + ", paidAt="
        + paidAt
        + "}";
  }
}
