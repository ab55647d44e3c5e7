package dev.fangxin.adapters.ecr;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.InvalidIdentifierException;
import dev.fangxin.core.id.MaskedPan;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.Rrn;
import dev.fangxin.core.id.SettlementDate;
import dev.fangxin.core.id.Stan;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.core.id.TransmissionTime;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.money.MoneyException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Fangxin's ECR message format: ASCII, a 6-byte header then tag-length-value fields. The full
 * layout is in {@code terminal-adapters/ECR.md}; in short:
 *
 * <pre>
 * header  = type(2) seq(4)          type "SQ" sale request, "SR" sale response,
 *                                   "LQ" last-result request, "LR" last-result response;
 *                                   seq 4 ASCII digits
 * field   = tag(2) len(3) value     tag 2 ASCII capitals, len 3 ASCII digits (0-999),
 *                                   value len bytes of printable ASCII (0x20-0x7E)
 * </pre>
 *
 * Fields are written in a fixed order; readers accept any order, ignore unknown tags, and reject a
 * repeated tag. Both directions are offered: the ECR side ({@link #encodeRequest}, {@link
 * #decodeResponse}) and the terminal side ({@link #decodeRequest}, {@link #encodeResponse}), used
 * by the test terminal. Stateless and thread-safe.
 */
public final class TlvMessageCodec implements MessageCodec<EcrRequest, EcrResponse> {
  /** Message type of a {@link SaleRequest}. */
  public static final String SALE_REQUEST = "SQ";

  /** Message type of a {@link SaleResponse}. */
  public static final String SALE_RESPONSE = "SR";

  /** Message type of a {@link LastResultRequest}. */
  public static final String LAST_RESULT_REQUEST = "LQ";

  /** Message type of a {@link LastResultResponse}. */
  public static final String LAST_RESULT_RESPONSE = "LR";

  private static final int HEADER = 6;
  private static final TlvMessageCodec INSTANCE = new TlvMessageCodec();

  private TlvMessageCodec() {}

  /** The codec. */
  public static TlvMessageCodec create() {
    return INSTANCE;
  }

  @Override
  public byte[] encodeRequest(EcrRequest request, int sequence) {
    requireNonNull(request, "request == null");
    if (request instanceof SaleRequest) {
      SaleRequest s = (SaleRequest) request;
      Writer w = new Writer(SALE_REQUEST, sequence);
      w.field("RF", s.ecrReference());
      w.field("TT", s.type().code());
      w.field("AM", Long.toString(s.amount().minorUnits()));
      w.field("CY", String.format(java.util.Locale.ROOT, "%03d", s.amount().currency()));
      return w.bytes();
    }
    Writer w = new Writer(LAST_RESULT_REQUEST, sequence);
    w.field("RF", request.ecrReference());
    return w.bytes();
  }

  /** The frame data for {@code response} (terminal side). */
  public byte[] encodeResponse(EcrResponse response, int sequence) {
    requireNonNull(response, "response == null");
    if (response instanceof SaleResponse) {
      Writer w = new Writer(SALE_RESPONSE, sequence);
      writeSale(w, (SaleResponse) response);
      return w.bytes();
    }
    LastResultResponse l = (LastResultResponse) response;
    Writer w = new Writer(LAST_RESULT_RESPONSE, sequence);
    if (l.result().isPresent()) {
      w.field("FD", "Y");
      writeSale(w, l.result().get());
    } else {
      w.field("RF", l.ecrReference());
      w.field("FD", "N");
    }
    return w.bytes();
  }

  private static void writeSale(Writer w, SaleResponse r) {
    w.field("RF", r.ecrReference());
    w.field("TT", r.type().code());
    w.field("AP", r.approved() ? "A" : "D");
    w.field("RC", r.responseCode());
    w.field("AM", Long.toString(r.amount().minorUnits()));
    w.field("CY", String.format(java.util.Locale.ROOT, "%03d", r.amount().currency()));
    r.maskedPan().ifPresent(v -> w.field("PN", v.value()));
    r.acquirer().ifPresent(v -> w.field("AI", v.value()));
    r.merchant().ifPresent(v -> w.field("MI", v.value()));
    r.terminal().ifPresent(v -> w.field("TI", v.value()));
    r.stan().ifPresent(v -> w.field("ST", v.value()));
    r.rrn().ifPresent(v -> w.field("RR", v.value()));
    r.transmissionTime().ifPresent(v -> w.field("TM", v.value()));
    r.settlementDate().ifPresent(v -> w.field("SD", v.value()));
    if (!r.authCode().isEmpty()) {
      w.field("AC", r.authCode());
    }
    r.transactionTime().ifPresent(v -> w.field("TS", Long.toString(v.getEpochSecond())));
  }

  @Override
  public EcrResponse decodeResponse(byte[] data) {
    Reader r = new Reader(data);
    switch (r.type) {
      case SALE_RESPONSE:
        return readSale(r);
      case LAST_RESULT_RESPONSE:
        String found = r.required("FD", "found");
        if (found.equals("Y")) {
          return LastResultResponse.found(readSale(r));
        }
        if (found.equals("N")) {
          return LastResultResponse.notFound(reference(r));
        }
        throw EcrException.badMessage(
            "found", "field FD (found) must be \"Y\" or \"N\", got " + quote(found));
      default:
        throw EcrException.badMessage(
            "type",
            "message type "
                + quote(r.type)
                + " is not a response; expected "
                + SALE_RESPONSE
                + " or "
                + LAST_RESULT_RESPONSE);
    }
  }

  /** The request carried by {@code data} (terminal side). */
  public EcrRequest decodeRequest(byte[] data) {
    Reader r = new Reader(data);
    switch (r.type) {
      case SALE_REQUEST:
        return SaleRequest.of(reference(r), money(r), type(r));
      case LAST_RESULT_REQUEST:
        return LastResultRequest.of(reference(r));
      default:
        throw EcrException.badMessage(
            "type",
            "message type "
                + quote(r.type)
                + " is not a request; expected "
                + SALE_REQUEST
                + " or "
                + LAST_RESULT_REQUEST);
    }
  }

  /** The sequence number in {@code data}'s header. */
  public int sequence(byte[] data) {
    return new Reader(data).sequence;
  }

  /** The message type and sequence, e.g. {@code "SR0007"}, if the header is readable. */
  @Override
  public Optional<String> frameId(byte[] data) {
    if (data == null || data.length < HEADER) {
      return Optional.empty();
    }
    for (int i = 0; i < HEADER; i++) {
      byte b = data[i];
      boolean ok = i < 2 ? (b >= 'A' && b <= 'Z') : (b >= '0' && b <= '9');
      if (!ok) {
        return Optional.empty();
      }
    }
    return Optional.of(new String(data, 0, HEADER, StandardCharsets.US_ASCII));
  }

  private static SaleResponse readSale(Reader r) {
    SaleResponse.Builder b = SaleResponse.builder();
    b.ecrReference(reference(r));
    b.type(type(r));
    String ap = r.required("AP", "outcome");
    String rc = r.required("RC", "response_code");
    check("response_code", "RC", () -> Fields.alnum(rc, 2, "response code"));
    if (ap.equals("A")) {
      b.approved(rc);
    } else if (ap.equals("D")) {
      b.declined(rc);
    } else {
      throw EcrException.badMessage(
          "outcome", "field AP (outcome) must be \"A\" or \"D\", got " + quote(ap));
    }
    b.amount(money(r));
    r.optional("PN", "masked_pan", MaskedPan::of).ifPresent(b::maskedPan);
    r.optional("AI", "acquirer_institution", InstitutionCode::of).ifPresent(b::acquirer);
    r.optional("MI", "merchant_number", MerchantNumber::of).ifPresent(b::merchant);
    r.optional("TI", "terminal_id", TerminalId::of).ifPresent(b::terminal);
    r.optional("ST", "stan", Stan::of).ifPresent(b::stan);
    r.optional("RR", "rrn", Rrn::of).ifPresent(b::rrn);
    r.optional("TM", "transmission_time", TransmissionTime::of).ifPresent(b::transmissionTime);
    r.optional("SD", "settlement_date", SettlementDate::of).ifPresent(b::settlementDate);
    r.optional("AC", "auth_code", v -> Fields.alnum(v, 6, "auth code")).ifPresent(b::authCode);
    r.optional("TS", "transaction_time", v -> Instant.ofEpochSecond(digits(v, 12, "TS")))
        .ifPresent(b::transactionTime);
    try {
      return b.build();
    } catch (IllegalStateException e) {
      throw EcrException.badMessage(
          "sale_response", "sale response is incomplete: " + e.getMessage(), e);
    }
  }

  private static String reference(Reader r) {
    String ref = r.required("RF", "ecr_reference");
    check("ecr_reference", "RF", () -> Fields.reference(ref));
    return ref;
  }

  private static TransactionType type(Reader r) {
    String code = r.required("TT", "transaction_type");
    return TransactionType.ofCode(code)
        .orElseThrow(
            () ->
                EcrException.badMessage(
                    "transaction_type",
                    "field TT (transaction_type) "
                        + quote(code)
                        + " is not a known transaction type; expected \"00\" or \"20\""));
  }

  private static Money money(Reader r) {
    String am = r.required("AM", "amount");
    String cy = r.required("CY", "currency");
    long minor;
    try {
      minor = digits(am, 12, "AM");
    } catch (IllegalArgumentException e) {
      throw EcrException.badMessage("amount", "field AM (amount): " + e.getMessage(), e);
    }
    if (minor == 0) {
      throw EcrException.badMessage("amount", "field AM (amount) must be more than zero");
    }
    int currency;
    try {
      currency = (int) digits(cy, 3, "CY");
      if (cy.length() != 3) {
        throw new IllegalArgumentException("CY must be exactly 3 digits, got " + cy.length());
      }
      return Money.of(minor, currency);
    } catch (IllegalArgumentException | MoneyException e) {
      throw EcrException.badMessage("currency", "field CY (currency): " + e.getMessage(), e);
    }
  }

  /** 1 to {@code max} ASCII digits as a number. */
  private static long digits(String s, int max, String tag) {
    if (s.isEmpty() || s.length() > max) {
      throw new IllegalArgumentException(
          tag + " must be 1 to " + max + " ASCII digits, got " + s.length() + " characters");
    }
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException(
            tag + " must be ASCII digits; character " + (i + 1) + " is not");
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  private static void check(String field, String tag, Runnable validation) {
    try {
      validation.run();
    } catch (IllegalArgumentException e) {
      throw EcrException.badMessage(
          field, "field " + tag + " (" + field + "): " + e.getMessage(), e);
    }
  }

  /** A value in quotes, at most 16 characters; never used for card numbers. */
  private static String quote(String s) {
    return "\"" + (s.length() > 16 ? s.substring(0, 16) + "..." : s) + "\"";
  }

  private static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

    Writer(String type, int sequence) {
      if (sequence < 0 || sequence > 9999) {
        throw new IllegalArgumentException("sequence must be 0 to 9999: " + sequence);
      }
      ascii(type);
      ascii(String.format(java.util.Locale.ROOT, "%04d", sequence));
    }

    void field(String tag, String value) {
      if (value.length() > 999) {
        throw EcrException.badMessage(
            tag, "field " + tag + " is " + value.length() + " characters; at most 999 fit");
      }
      ascii(tag);
      ascii(String.format(java.util.Locale.ROOT, "%03d", value.length()));
      ascii(value);
    }

    private void ascii(String s) {
      byte[] b = s.getBytes(StandardCharsets.US_ASCII);
      out.write(b, 0, b.length);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

  private static final class Reader {
    final String type;
    final int sequence;
    final Map<String, String> fields = new LinkedHashMap<>();

    Reader(byte[] data) {
      requireNonNull(data, "data == null");
      if (data.length < HEADER) {
        throw EcrException.badMessage(
            "header",
            "message is "
                + data.length
                + " bytes; expected at least the 6-byte header (type and sequence)");
      }
      type = ascii(data, 0, 2, "header");
      for (int i = 0; i < 2; i++) {
        if (type.charAt(i) < 'A' || type.charAt(i) > 'Z') {
          throw EcrException.badMessage(
              "header", "message type must be 2 ASCII capitals; byte " + (i + 1) + " is not");
        }
      }
      sequence = number(data, 2, 4, "header", "sequence");
      int at = HEADER;
      while (at < data.length) {
        if (data.length - at < 5) {
          throw EcrException.badMessage(
              "header",
              "field at byte "
                  + at
                  + " is cut short: "
                  + (data.length - at)
                  + " bytes left, a tag and length need 5");
        }
        String tag = ascii(data, at, 2, "header");
        if (!(Character.isUpperCase(tag.charAt(0)) && Character.isUpperCase(tag.charAt(1)))) {
          throw EcrException.badMessage(
              "header", "tag at byte " + at + " must be 2 ASCII capitals");
        }
        int len = number(data, at + 2, 3, tag, "length of " + tag);
        int valueAt = at + 5;
        if (valueAt + len > data.length) {
          throw EcrException.badMessage(
              tag,
              "field "
                  + tag
                  + " declares "
                  + len
                  + " bytes but only "
                  + (data.length - valueAt)
                  + " remain");
        }
        String value = ascii(data, valueAt, len, tag);
        if (fields.put(tag, value) != null) {
          throw EcrException.badMessage(tag, "field " + tag + " appears twice");
        }
        at = valueAt + len;
      }
    }

    String required(String tag, String field) {
      String v = fields.get(tag);
      if (v == null) {
        throw EcrException.badMessage(
            field, "message " + type + " lacks the required field " + tag + " (" + field + ")");
      }
      return v;
    }

    <T> Optional<T> optional(String tag, String field, Function<String, T> parse) {
      String v = fields.get(tag);
      if (v == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(parse.apply(v));
      } catch (InvalidIdentifierException | IllegalArgumentException e) {
        throw EcrException.badMessage(
            field, "field " + tag + " (" + field + ") is not valid: " + e.getMessage(), e);
      }
    }

    private static String ascii(byte[] data, int at, int len, String field) {
      for (int i = at; i < at + len; i++) {
        if (data[i] < 0x20 || data[i] > 0x7E) {
          throw EcrException.badMessage(
              field,
              "byte "
                  + i
                  + " (in "
                  + field
                  + ") is not printable ASCII (0x20-0x7E): 0x"
                  + Integer.toHexString(data[i] & 0xFF));
        }
      }
      return new String(data, at, len, StandardCharsets.US_ASCII);
    }

    private static int number(byte[] data, int at, int len, String field, String what) {
      int n = 0;
      for (int i = at; i < at + len; i++) {
        int d = data[i] - '0';
        if (d < 0 || d > 9) {
          throw EcrException.badMessage(
              field, what + " must be " + len + " ASCII digits; byte " + i + " is not");
        }
        n = n * 10 + d;
      }
      return n;
    }
  }
}
