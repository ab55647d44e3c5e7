package dev.fangxin.gateway.intake;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.id.InvalidIdentifierException;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.money.MoneyException;
import dev.fangxin.gateway.cases.CaseCodes;
import dev.fangxin.gateway.cases.ComplaintDetails;
import dev.fangxin.gateway.http.JsonBody;
import dev.fangxin.gateway.intake.IntakeException.FieldError;
import dev.fangxin.protocol.v1.Complaint;
import dev.fangxin.protocol.v1.ComplaintCategory;
import dev.fangxin.protocol.v1.DesiredOutcome;
import dev.fangxin.protocol.v1.Trace;
import dev.fangxin.protocol.v1.TracedPayment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A consumer's complaint as submitted to {@code POST /v1/complaints}, parsed strictly and
 * validated: the receipt token, the {@link ComplaintDetails}, and the idempotency key carried in
 * the body, if any.
 *
 * <p><b>JSON</b> ({@code application/json}, UTF-8):
 *
 * <pre>{@code
 * {"receipt_token": "BASE32…", "category": "quality", "desired_outcome": "refund_money",
 *  "description": "…", "contact": {"phone": "13800138000", "name": "…"},
 *  "idempotency_key": "…"}
 * }</pre>
 *
 * {@code contact} and {@code idempotency_key} are optional, the rest required.
 *
 * <p><b>Trace origin.</b> Instead of {@code receipt_token}, a complaint may name the payment by its
 * trace: {@code "trace"} is the 46-character durable trace as a string, or an object with the
 * fields of {@code fangxin.v1.Trace} ({@code acquirer_institution}, {@code forwarding_institution},
 * {@code stan}, {@code transmission_time}, {@code settlement_date}, {@code settlement_year}); with
 * it, {@code "amount": {"value": "12.50", "currency": "CNY"}} and {@code "paid_on": "2026-01-01"}
 * (the payment's date in the merchant's time zone), required when the trace is typed by hand and
 * optional for a wallet partner. Exactly one origin is given. Members are read with a strict
 * reader: no comments, no unquoted names, no trailing data, no duplicate member, no member this
 * class does not know; every value must have the right JSON type. Categories and outcomes are the
 * lower-case codes of {@link ComplaintCategory} and {@link DesiredOutcome} ({@link CaseCodes}).
 * Every invalid field is reported, not only the first.
 *
 * <p><b>Protobuf</b> ({@code application/x-protobuf}): a {@code fangxin.v1.Complaint} whose origin
 * is {@code receipt_token}; unknown fields are refused like unknown JSON members.
 *
 * <p>Immutable and thread-safe.
 */
public final class ComplaintRequest {
  /** Longest token text accepted before decoding (SPEC §6). */
  public static final int MAX_TOKEN_LENGTH = 410;

  /** Longest idempotency key, in characters (printable ASCII only). */
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 128;

  private static final Set<String> MEMBERS =
      Set.of(
          "receipt_token",
          "category",
          "desired_outcome",
          "description",
          "contact",
          "idempotency_key",
          "trace",
          "amount",
          "paid_on",
          "merchant_code",
          "paid_at");
  private static final Set<String> CONTACT_MEMBERS = Set.of("phone", "name");

  private final String receiptToken;
  private final DurableTrace trace;
  private final Money amount;
  private final LocalDate paidOn;
  private final ComplaintDetails details;
  private final String idempotencyKey;
  private final String merchantCode;
  private final String paidAt;

  private ComplaintRequest(String receiptToken, ComplaintDetails details, String idempotencyKey) {
    this(receiptToken, null, null, null, details, idempotencyKey);
  }

  private ComplaintRequest(
      String receiptToken,
      DurableTrace trace,
      Money amount,
      LocalDate paidOn,
      ComplaintDetails details,
      String idempotencyKey) {
    this(receiptToken, trace, amount, paidOn, details, idempotencyKey, null, null);
  }

  private ComplaintRequest(
      String receiptToken,
      DurableTrace trace,
      Money amount,
      LocalDate paidOn,
      ComplaintDetails details,
      String idempotencyKey,
      String merchantCode,
      String paidAt) {
    this.receiptToken = receiptToken;
    this.trace = trace;
    this.amount = amount;
    this.paidOn = paidOn;
    this.details = details;
    this.idempotencyKey = idempotencyKey;
    this.merchantCode = merchantCode;
    this.paidAt = paidAt;
  }

  /**
   * The collection-code origin: the merchant's collection code the consumer scanned, when and how
   * much it paid. Immutable.
   */
  public static final class CodedOrigin {
    private final String code;
    private final String paidAt;
    private final Money amount;

    private CodedOrigin(String code, String paidAt, Money amount) {
      this.code = code;
      this.paidAt = paidAt;
      this.amount = amount;
    }

    /**
     * The origin from parts the caller has validated: the code (link or token text), {@code paidAt}
     * as {@code paid_at} is read (an ISO-8601 date-time with or without an offset) and the amount.
     *
     * @throws IntakeException {@code INVALID_FIELD} if the code is empty or longer than {@link
     *     ComplaintRequest#MAX_CODE_LENGTH}, or {@code paidAt} is neither form
     */
    public static CodedOrigin of(String code, String paidAt, Money amount) {
      Objects.requireNonNull(code, "code == null");
      Objects.requireNonNull(paidAt, "paidAt == null");
      Objects.requireNonNull(amount, "amount == null");
      List<FieldError> errors = new ArrayList<>();
      if (code.isEmpty() || code.length() > MAX_CODE_LENGTH) {
        errors.add(
            FieldError.of(
                "merchant_code", "merchant_code must be 1 to " + MAX_CODE_LENGTH + " characters."));
      }
      CodedOrigin o = new CodedOrigin(code, paidAt, amount);
      if (o.paidAtInstant().isEmpty() && o.paidAtLocal().isEmpty()) {
        errors.add(FieldError.of("paid_at", "paid_at must be an ISO-8601 date-time."));
      }
      if (!errors.isEmpty()) {
        throw IntakeException.invalid(errors);
      }
      return o;
    }

    /** The code's token text: what follows {@code /M/} in its link, or the whole text given. */
    public String codeText() {
      int m = code.toUpperCase(Locale.ROOT).lastIndexOf("/M/");
      return m < 0 ? code : code.substring(m + 3);
    }

    /** The amount paid. */
    public Money amount() {
      return amount;
    }

    /**
     * When the consumer paid: an instant when {@code paid_at} carried an offset ({@code
     * 2026-01-05T10:30:00+08:00}, {@code …Z}), else empty (see {@link #paidAtLocal()}).
     */
    public Optional<java.time.Instant> paidAtInstant() {
      try {
        return Optional.of(java.time.OffsetDateTime.parse(paidAt).toInstant());
      } catch (java.time.format.DateTimeParseException e) {
        return Optional.empty();
      }
    }

    /** {@code paid_at} without an offset: a local date-time, read in the merchant's time zone. */
    public Optional<java.time.LocalDateTime> paidAtLocal() {
      try {
        return Optional.of(java.time.LocalDateTime.parse(paidAt));
      } catch (java.time.format.DateTimeParseException e) {
        return Optional.empty();
      }
    }
  }

  /** The payment named by its trace, with what the consumer says about it. Immutable. */
  public static final class TracedOrigin {
    private final DurableTrace trace;
    private final Money amount;
    private final LocalDate paidOn;

    private TracedOrigin(DurableTrace trace, Money amount, LocalDate paidOn) {
      this.trace = trace;
      this.amount = amount;
      this.paidOn = paidOn;
    }

    /** The durable trace. */
    public DurableTrace trace() {
      return trace;
    }

    /** The amount the consumer says was paid, if given. */
    public Optional<Money> amount() {
      return Optional.ofNullable(amount);
    }

    /** The date the consumer says the payment was made (merchant's time zone), if given. */
    public Optional<LocalDate> paidOn() {
      return Optional.ofNullable(paidOn);
    }
  }

  /**
   * A request from parts already validated elsewhere.
   *
   * @throws IntakeException {@code INVALID_FIELD} if the token text or key is out of range
   */
  public static ComplaintRequest of(
      String receiptToken, ComplaintDetails details, Optional<String> idempotencyKey) {
    Objects.requireNonNull(receiptToken, "receiptToken == null");
    Objects.requireNonNull(details, "details == null");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey == null");
    List<FieldError> errors = new ArrayList<>();
    checkToken(receiptToken, errors);
    idempotencyKey.ifPresent(k -> checkIdempotencyKey("idempotency_key", k, errors));
    if (!errors.isEmpty()) {
      throw IntakeException.invalid(errors);
    }
    return new ComplaintRequest(receiptToken, details, idempotencyKey.orElse(null));
  }

  // ------------------------------------------------------------------ JSON

  /**
   * Parses a JSON body.
   *
   * @throws IntakeException {@code MALFORMED_BODY} (400) if it is not UTF-8 JSON holding one
   *     object; {@code INVALID_FIELD} (422) listing every missing, unknown or invalid member
   */
  public static ComplaintRequest fromJson(byte[] body) {
    Objects.requireNonNull(body, "body == null");
    JsonObject root = parseObject(body);
    List<FieldError> errors = new ArrayList<>();
    for (String name : root.keySet()) {
      if (!MEMBERS.contains(name)) {
        errors.add(FieldError.of(name, name + " is not a member of a complaint."));
      }
    }
    String token = string(root, "receipt_token", false, errors);
    DurableTrace trace = jsonTrace(root.get("trace"), errors);
    Money amount = jsonAmount(root.get("amount"), errors);
    LocalDate paidOn = date(string(root, "paid_on", false, errors), errors);
    String code = string(root, "merchant_code", false, errors);
    String paidAt = string(root, "paid_at", false, errors);
    String category = string(root, "category", true, errors);
    String outcome = string(root, "desired_outcome", true, errors);
    String description = string(root, "description", true, errors);
    String key = string(root, "idempotency_key", false, errors);
    String phone = null;
    String name = null;
    JsonElement contact = root.get("contact");
    if (contact != null) {
      if (!contact.isJsonObject()) {
        errors.add(FieldError.of("contact", "contact must be an object {\"phone\", \"name\"}."));
      } else {
        JsonObject c = contact.getAsJsonObject();
        for (String member : c.keySet()) {
          if (!CONTACT_MEMBERS.contains(member)) {
            errors.add(
                FieldError.of(
                    "contact." + member, "contact." + member + " is not a member of a contact."));
          }
        }
        phone = string(c, "phone", "contact.phone", true, errors);
        name = string(c, "name", "contact.name", false, errors);
      }
    }
    if (code != null || root.has("merchant_code")) {
      return coded(
          token,
          root.has("trace"),
          code,
          paidAt,
          amount,
          root.has("paid_on"),
          category,
          outcome,
          description,
          phone,
          name,
          key,
          errors);
    }
    if (root.has("paid_at")) {
      errors.add(FieldError.of("paid_at", "paid_at goes with a merchant_code only."));
    }
    return build(
        token,
        trace,
        amount,
        paidOn,
        root.has("trace"),
        root.has("amount") || root.has("paid_on"),
        category,
        outcome,
        description,
        phone,
        name,
        key,
        errors);
  }

  private static DurableTrace jsonTrace(JsonElement e, List<FieldError> errors) {
    if (e == null) {
      return null;
    }
    try {
      if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
        return DurableTrace.parse(e.getAsString());
      }
      if (e.isJsonObject()) {
        Trace.Builder b = Trace.newBuilder();
        JsonFormat.parser().merge(e.toString(), b);
        return DurableTrace.fromProto(b.build());
      }
      errors.add(
          FieldError.of(
              "trace", "trace must be the 46-character durable trace or a Trace object."));
    } catch (InvalidIdentifierException ex) {
      errors.add(FieldError.of("trace." + ex.field(), ex.getMessage()));
    } catch (InvalidProtocolBufferException | RuntimeException ex) {
      errors.add(FieldError.of("trace", "trace is not a Trace object: " + ex.getMessage()));
    }
    return null;
  }

  private static Money jsonAmount(JsonElement e, List<FieldError> errors) {
    if (e == null) {
      return null;
    }
    String must = "amount must be {\"value\": \"12.50\", \"currency\": \"CNY\"} and positive.";
    try {
      JsonObject o = e.getAsJsonObject();
      if (o.size() != 2 || !o.has("value") || !o.has("currency")) {
        errors.add(FieldError.of("amount", must));
        return null;
      }
      int numeric =
          java.util.Currency.getInstance(o.get("currency").getAsString()).getNumericCode();
      Money m = Money.parse(o.get("value").getAsString(), numeric);
      if (m.minorUnits() < 1) {
        errors.add(FieldError.of("amount", must));
        return null;
      }
      return m;
    } catch (RuntimeException ex) {
      errors.add(FieldError.of("amount", must));
      return null;
    }
  }

  private static LocalDate date(String text, List<FieldError> errors) {
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeException e) {
      errors.add(FieldError.of("paid_on", "paid_on must be a date YYYY-MM-DD."));
      return null;
    }
  }

  /** Most characters of a {@code merchant_code}: a 157-character link with room for a long base. */
  public static final int MAX_CODE_LENGTH = 400;

  private static ComplaintRequest coded(
      String token,
      boolean traceGiven,
      String code,
      String paidAt,
      Money amount,
      boolean paidOnGiven,
      String category,
      String outcome,
      String description,
      String phone,
      String name,
      String key,
      List<FieldError> errors) {
    if (token != null || traceGiven) {
      errors.add(
          FieldError.of(
              "merchant_code",
              "give one of receipt_token, trace and merchant_code: one payment per case."));
    }
    if (paidOnGiven) {
      errors.add(
          FieldError.of("paid_on", "with a merchant_code, give paid_at (a time), not paid_on."));
    }
    if (code != null && (code.isEmpty() || code.length() > MAX_CODE_LENGTH)) {
      errors.add(
          FieldError.of(
              "merchant_code",
              "merchant_code must be the collection code's /M/ link or its token text, 1 to "
                  + MAX_CODE_LENGTH
                  + " characters."));
    }
    if (paidAt == null) {
      errors.add(FieldError.of("paid_at", "paid_at is required with a merchant_code."));
    } else {
      CodedOrigin probe = new CodedOrigin("", paidAt, null);
      if (paidAt.length() > 40
          || (probe.paidAtInstant().isEmpty() && probe.paidAtLocal().isEmpty())) {
        errors.add(
            FieldError.of(
                "paid_at",
                "paid_at must be an ISO-8601 time, 2026-01-05T10:30:00+08:00 (or Z), or a local"
                    + " time 2026-01-05T10:30:00 read in the merchant's time zone."));
      }
    }
    if (amount == null) {
      errors.add(FieldError.of("amount", "amount is required with a merchant_code."));
    }
    // The details are checked as for a receipt token; the placeholder only stands in for one.
    ComplaintRequest shape =
        build("PLACEHOLDER", category, outcome, description, phone, name, key, errors);
    return new ComplaintRequest(null, null, amount, null, shape.details, key, code, paidAt);
  }

  private static ComplaintRequest build(
      String token,
      String category,
      String outcome,
      String description,
      String phone,
      String name,
      String key,
      List<FieldError> errors) {
    if (token == null) {
      errors.add(FieldError.of("receipt_token", "receipt_token is required."));
    }
    return build(
        token,
        null,
        null,
        null,
        false,
        false,
        category,
        outcome,
        description,
        phone,
        name,
        key,
        errors);
  }

  private static ComplaintRequest build(
      String token,
      DurableTrace trace,
      Money amount,
      LocalDate paidOn,
      boolean traceGiven,
      boolean traceDetailsGiven,
      String category,
      String outcome,
      String description,
      String phone,
      String name,
      String key,
      List<FieldError> errors) {
    if (token != null && traceGiven) {
      errors.add(
          FieldError.of("trace", "give receipt_token or trace, not both: one payment per case."));
    } else if (token == null && !traceGiven) {
      boolean reported =
          errors.stream()
              .anyMatch(
                  e -> e.field().equals("receipt_token") || e.field().equals("merchant_code"));
      if (!reported) {
        errors.add(FieldError.of("receipt_token", "receipt_token (or trace) is required."));
      }
    }
    if (!traceGiven && traceDetailsGiven) {
      errors.add(FieldError.of("trace", "amount and paid_on go with a trace only."));
    }
    ComplaintCategory c = null;
    if (category != null) {
      c = CaseCodes.parseCategory(category).orElse(null);
      if (c == null) {
        errors.add(
            FieldError.of(
                "category",
                "category must be one of quality, safety, measurement, price, service,"
                    + " not_as_described, not_delivered, billing, other."));
      }
    }
    DesiredOutcome o = null;
    if (outcome != null) {
      o = CaseCodes.parseOutcome(outcome).orElse(null);
      if (o == null) {
        errors.add(
            FieldError.of(
                "desired_outcome",
                "desired_outcome must be one of refund_money, return_goods, exchange, repair,"
                    + " compensation, apology, other."));
      }
    }
    if (description != null) {
      ComplaintDetails.descriptionProblem(description)
          .ifPresent(p -> errors.add(FieldError.of("description", p)));
    }
    if (phone != null) {
      ComplaintDetails.phoneProblem(phone)
          .ifPresent(p -> errors.add(FieldError.of("contact.phone", p)));
    }
    if (name != null) {
      ComplaintDetails.nameProblem(name)
          .ifPresent(p -> errors.add(FieldError.of("contact.name", p)));
    }
    if (token != null) {
      checkToken(token, errors);
    }
    if (key != null) {
      checkIdempotencyKey("idempotency_key", key, errors);
    }
    if (!errors.isEmpty()) {
      throw IntakeException.invalid(errors);
    }
    ComplaintDetails details =
        ComplaintDetails.of(
            c, o, description, Optional.ofNullable(phone), Optional.ofNullable(name));
    return new ComplaintRequest(token, trace, amount, paidOn, details, key);
  }

  private static String string(JsonObject o, String member, boolean required, List<FieldError> e) {
    return string(o, member, member, required, e);
  }

  private static String string(
      JsonObject o, String member, String field, boolean required, List<FieldError> errors) {
    JsonElement v = o.get(member);
    if (v == null) {
      if (required) {
        errors.add(FieldError.of(field, field + " is required."));
      }
      return null;
    }
    if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
      errors.add(FieldError.of(field, field + " must be a string."));
      return null;
    }
    return v.getAsString();
  }

  private static void checkToken(String token, List<FieldError> errors) {
    if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      errors.add(
          FieldError.of(
              "receipt_token",
              "receipt_token must be 1 to "
                  + MAX_TOKEN_LENGTH
                  + " characters (the base32 text after /D/), got "
                  + token.length()
                  + "."));
    }
  }

  /** Adds an error unless {@code key} is 1 to 128 printable ASCII characters. */
  static void checkIdempotencyKey(String field, String key, List<FieldError> errors) {
    boolean ok = !key.isEmpty() && key.length() <= MAX_IDEMPOTENCY_KEY_LENGTH;
    for (int i = 0; ok && i < key.length(); i++) {
      char ch = key.charAt(i);
      ok = ch >= 0x21 && ch <= 0x7e;
    }
    if (!ok) {
      errors.add(
          FieldError.of(
              field,
              field
                  + " must be 1 to "
                  + MAX_IDEMPOTENCY_KEY_LENGTH
                  + " printable ASCII characters without spaces."));
    }
  }

  private static JsonObject parseObject(byte[] body) {
    try {
      return JsonBody.readObject(body);
    } catch (JsonBody.MalformedException e) {
      if (e.field().isPresent()) { // a duplicate member is a field error
        throw IntakeException.invalid(List.of(FieldError.of(e.field().get(), e.getMessage())));
      }
      throw IntakeException.of(IntakeException.Reason.MALFORMED_BODY, e.getMessage());
    }
  }

  // ------------------------------------------------------------------ protobuf

  /**
   * Parses a binary {@code fangxin.v1.Complaint}.
   *
   * @throws IntakeException {@code MALFORMED_BODY} if the bytes are not such a message; {@code
   *     INVALID_FIELD} listing every invalid field (including an origin other than {@code
   *     receipt_token} and fields this version does not know)
   */
  public static ComplaintRequest fromProto(byte[] body) {
    Objects.requireNonNull(body, "body == null");
    Complaint c;
    try {
      c = Complaint.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw IntakeException.of(
          IntakeException.Reason.MALFORMED_BODY,
          "The body is not a fangxin.v1.Complaint: " + e.getMessage());
    }
    List<FieldError> errors = new ArrayList<>();
    for (int number : c.getUnknownFields().asMap().keySet()) {
      errors.add(
          FieldError.of(
              "field " + number, "field number " + number + " is not a field of a Complaint."));
    }
    String token = null;
    DurableTrace trace = null;
    Money amount = null;
    LocalDate paidOn = null;
    boolean traced = false;
    switch (c.getOriginCase()) {
      case RECEIPT_TOKEN:
        token = c.getReceiptToken();
        break;
      case TRACE:
        traced = true;
        TracedPayment tp = c.getTrace();
        if (!tp.getUnknownFields().asMap().isEmpty()) {
          errors.add(FieldError.of("trace", "trace has fields this version does not know."));
        }
        if (!tp.hasTrace()) {
          errors.add(FieldError.of("trace", "trace is required."));
        } else {
          try {
            trace = DurableTrace.fromProto(tp.getTrace());
          } catch (InvalidIdentifierException e) {
            errors.add(FieldError.of("trace." + e.field(), e.getMessage()));
          }
        }
        if (tp.hasAmount()) {
          try {
            amount = Money.fromProto(tp.getAmount());
            if (amount.minorUnits() < 1) {
              errors.add(FieldError.of("amount", "amount must be positive."));
              amount = null;
            }
          } catch (MoneyException e) {
            errors.add(FieldError.of("amount", e.getMessage()));
          }
        }
        if (!tp.getPaidOn().isEmpty()) {
          paidOn = date(tp.getPaidOn(), errors);
        }
        break;
      case ORIGIN_NOT_SET:
        errors.add(FieldError.of("receipt_token", "receipt_token is required."));
        break;
      default:
        errors.add(
            FieldError.of(
                c.getOriginCase().name().toLowerCase(Locale.ROOT),
                "only the receipt_token and trace origins are accepted here, not "
                    + c.getOriginCase().name().toLowerCase(Locale.ROOT)
                    + "."));
    }
    String category = null;
    if (c.getCategory() == ComplaintCategory.COMPLAINT_CATEGORY_UNSPECIFIED) {
      errors.add(FieldError.of("category", "category is required."));
    } else if (c.getCategory() == ComplaintCategory.UNRECOGNIZED) {
      errors.add(FieldError.of("category", "category " + c.getCategoryValue() + " is not known."));
    } else {
      category = CaseCodes.category(c.getCategory());
    }
    String outcome = null;
    if (c.getDesiredOutcome() == DesiredOutcome.DESIRED_OUTCOME_UNSPECIFIED) {
      errors.add(FieldError.of("desired_outcome", "desired_outcome is required."));
    } else if (c.getDesiredOutcome() == DesiredOutcome.UNRECOGNIZED) {
      errors.add(
          FieldError.of(
              "desired_outcome",
              "desired_outcome " + c.getDesiredOutcomeValue() + " is not known."));
    } else {
      outcome = CaseCodes.outcome(c.getDesiredOutcome());
    }
    String description = c.getDescription();
    if (description.isEmpty()) {
      errors.add(FieldError.of("description", "description is required."));
      description = null;
    }
    String phone = null;
    String name = null;
    if (c.hasContact()) {
      if (!c.getContact().getUnknownFields().asMap().isEmpty()) {
        errors.add(FieldError.of("contact", "contact has fields this version does not know."));
      }
      phone = c.getContact().getPhone();
      if (phone.isEmpty()) {
        errors.add(FieldError.of("contact.phone", "contact.phone is required."));
        phone = null;
      }
      name = c.getContact().getName().isEmpty() ? null : c.getContact().getName();
    }
    String key = c.getIdempotencyKey().isEmpty() ? null : c.getIdempotencyKey();
    return build(
        token,
        trace,
        amount,
        paidOn,
        traced,
        false,
        category,
        outcome,
        description,
        phone,
        name,
        key,
        errors);
  }

  // ------------------------------------------------------------------ values

  /**
   * The token text as submitted.
   *
   * @throws IllegalStateException for a complaint with the trace origin (see {@link #traced()})
   */
  public String receiptToken() {
    if (receiptToken == null) {
      throw new IllegalStateException("This complaint names a trace, not a receipt token.");
    }
    return receiptToken;
  }

  /** The collection-code origin, when the complaint names the merchant's collection code. */
  public Optional<CodedOrigin> coded() {
    return merchantCode == null
        ? Optional.empty()
        : Optional.of(new CodedOrigin(merchantCode, paidAt, amount));
  }

  /** The trace origin, when the complaint names the payment by its trace instead of a token. */
  public Optional<TracedOrigin> traced() {
    return trace == null ? Optional.empty() : Optional.of(new TracedOrigin(trace, amount, paidOn));
  }

  /** The complaint. */
  public ComplaintDetails details() {
    return details;
  }

  /** The idempotency key given in the body, if any. */
  public Optional<String> idempotencyKey() {
    return Optional.ofNullable(idempotencyKey);
  }

  /**
   * SHA-256 of the canonical request: the token in upper case and the complaint's JSON form, so the
   * same complaint sent as JSON or protobuf, in any token letter case, has the same fingerprint.
   * The idempotency key is not part of it.
   */
  public byte[] fingerprint() {
    JsonObject canonical = new JsonObject();
    if (receiptToken != null) {
      canonical.addProperty("receipt_token", receiptToken.toUpperCase(Locale.ROOT));
    } else if (merchantCode != null) {
      canonical.addProperty(
          "merchant_code", coded().orElseThrow().codeText().toUpperCase(Locale.ROOT));
      canonical.addProperty("paid_at", paidAt);
      canonical.addProperty("amount", amount.minorUnits() + " " + amount.currency());
    } else {
      canonical.addProperty("trace", trace.value());
      if (amount != null) {
        canonical.addProperty("amount", amount.minorUnits() + " " + amount.currency());
      }
      if (paidOn != null) {
        canonical.addProperty("paid_on", paidOn.toString());
      }
    }
    canonical.add("complaint", details.toJson());
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM.", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ComplaintRequest
        && Objects.equals(((ComplaintRequest) o).receiptToken, receiptToken)
        && Objects.equals(((ComplaintRequest) o).trace, trace)
        && Objects.equals(((ComplaintRequest) o).amount, amount)
        && Objects.equals(((ComplaintRequest) o).paidOn, paidOn)
        && Objects.equals(((ComplaintRequest) o).merchantCode, merchantCode)
        && Objects.equals(((ComplaintRequest) o).paidAt, paidAt)
        && ((ComplaintRequest) o).details.equals(details)
        && Objects.equals(((ComplaintRequest) o).idempotencyKey, idempotencyKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(receiptToken, trace, details, idempotencyKey);
  }

  /** Never the token, description or contact. */
  @Override
  public String toString() {
    return "ComplaintRequest{" + details + "}";
  }
}
