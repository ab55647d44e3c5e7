package dev.fangxin.gateway.intake;

import com.google.gson.JsonObject;
import dev.fangxin.gateway.auth.Principal;
import dev.fangxin.gateway.auth.Role;
import dev.fangxin.gateway.cases.CaseException;
import dev.fangxin.gateway.cases.CaseService;
import dev.fangxin.gateway.cases.CaseStore;
import dev.fangxin.gateway.cases.NewCase;
import dev.fangxin.gateway.cases.ReceiptSummary;
import dev.fangxin.gateway.cases.StoredCase;
import dev.fangxin.gateway.clearing.ClearingException;
import dev.fangxin.gateway.clearing.ClearingRecord;
import dev.fangxin.gateway.clearing.TraceRouter;
import dev.fangxin.gateway.http.JsonBody;
import dev.fangxin.gateway.intake.IntakeException.FieldError;
import dev.fangxin.protocol.v1.TransactionType;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Files complaints: verifies the receipt, enforces idempotency and one open case per receipt, and
 * opens the case through {@link CaseService#open} (case, open-receipt row, audit row and {@code
 * case.created} outbox row in one transaction) before answering.
 *
 * <h2>Idempotency</h2>
 *
 * The effective idempotency key is the {@code Idempotency-Key} header if given, else the body's
 * {@code idempotency_key}, else one derived from the request ({@code "derived:"} and the hex of
 * {@link ComplaintRequest#fingerprint()}). Giving both a header and a different body key is
 * refused. The store keeps only SHA-256 of the effective key.
 *
 * <ul>
 *   <li>Same key, same request (same {@linkplain ComplaintRequest#fingerprint() fingerprint}): the
 *       same case, answered {@code 200} with exactly the body of the first {@code 201}, access
 *       secret included. Outcome {@code replayed}.
 *   <li>Same key, different request: {@code intake.idempotency_key_reused} (422). Outcome {@code
 *       refused}.
 *   <li>Another key (or none) for a receipt that has an open case: {@code intake.case_already_open}
 *       (409) with {@code case_id} naming the open case. Outcome {@code duplicate_open}. Once that
 *       case is resolved or escalated, a new complaint is accepted.
 * </ul>
 *
 * Concurrent filings are settled by the database: the unique idempotency key and the {@code
 * open_receipts} primary key let exactly one commit; the others look again and are answered as
 * above.
 *
 * <h2>Trace origin</h2>
 *
 * With a {@link TraceRouter} ({@link #create(ReceiptVerifier, TraceRouter, CaseService,
 * MeterRegistry)}), a complaint may name the payment by its trace instead of a receipt token: the
 * trace is routed to its clearing record, payment tool and the merchant bound to that tool at the
 * payment's time. A wallet partner ({@link Role#WALLET_PARTNER} caller) may give the trace alone;
 * anyone else (a trace typed by hand) must also give the amount and the date, which must match the
 * clearing record ({@code clearing.trace_mismatch}, 422, naming each field that differs). An
 * unknown trace is {@code clearing.unknown_trace} (404). The payment's identity for idempotency and
 * "one open case per payment" is the durable trace ({@link ReceiptSummary#receiptKey()}). Without a
 * router, the trace origin is refused with {@code intake.invalid_field} ({@code trace}).
 *
 * <h2>Access secret</h2>
 *
 * The consumer's access secret is the unpadded base64url of HMAC-SHA256, keyed with 32 random bytes
 * (the case's salt), over the effective idempotency key: 32 bytes no one can predict. The store
 * keeps the salt and SHA-256 of the secret, never the secret or the key, so it can answer a replay
 * (which presents the key) with the same secret but cannot produce it from its own rows.
 *
 * <h2>Response body</h2>
 *
 * <pre>{@code
 * {"case_id": "case_…", "access_secret": "…", "merchant_id": "…", "merchant_name": "…",
 *  "created_at": "…Z", "deadline_at": "…Z", "case_url": "/v1/cases/case_…"}
 * }</pre>
 *
 * Only fields that never change, so a replay answers the same bytes.
 *
 * <p>Meter {@value #COMPLAINTS_METER}, tag {@code outcome} = {@code created}, {@code replayed},
 * {@code duplicate_open} or {@code refused}. Thread-safe.
 */
public final class ComplaintIntake {
  /** Meter: complaints, tagged {@code outcome}. */
  public static final String COMPLAINTS_METER = "fangxin.intake.complaints";

  /** The JSON media type. */
  public static final String JSON = "application/json";

  /** The protobuf media type. */
  public static final String PROTOBUF = "application/x-protobuf";

  private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
  private static final int ATTEMPTS = 4;

  private final ReceiptVerifier verifier;
  private final TraceRouter traces;
  private final CollectionCodes codes;
  private final CaseService cases;
  private final MeterRegistry meters;
  private final SecureRandom random = new SecureRandom();

  private ComplaintIntake(
      ReceiptVerifier verifier, TraceRouter traces, CaseService cases, MeterRegistry meters) {
    this(verifier, traces, null, cases, meters);
  }

  private ComplaintIntake(
      ReceiptVerifier verifier,
      TraceRouter traces,
      CollectionCodes codes,
      CaseService cases,
      MeterRegistry meters) {
    this.verifier = verifier;
    this.traces = traces;
    this.codes = codes;
    this.cases = cases;
    this.meters = meters;
  }

  /**
   * Intake accepting every origin: receipt tokens ({@code verifier}), traces ({@code traces}) and
   * merchant collection codes ({@code codes}), opening cases in {@code cases}.
   */
  public static ComplaintIntake create(
      ReceiptVerifier verifier,
      TraceRouter traces,
      CollectionCodes codes,
      CaseService cases,
      MeterRegistry meters) {
    return new ComplaintIntake(
        Objects.requireNonNull(verifier, "verifier == null"),
        Objects.requireNonNull(traces, "traces == null"),
        Objects.requireNonNull(codes, "codes == null"),
        Objects.requireNonNull(cases, "cases == null"),
        Objects.requireNonNull(meters, "meters == null"));
  }

  /**
   * Intake verifying tokens with {@code verifier} and routing traces with {@code traces}, opening
   * cases in {@code cases}.
   */
  public static ComplaintIntake create(
      ReceiptVerifier verifier, TraceRouter traces, CaseService cases, MeterRegistry meters) {
    return new ComplaintIntake(
        Objects.requireNonNull(verifier, "verifier == null"),
        Objects.requireNonNull(traces, "traces == null"),
        Objects.requireNonNull(cases, "cases == null"),
        Objects.requireNonNull(meters, "meters == null"));
  }

  /** Intake verifying with {@code verifier}, opening cases in {@code cases}. */
  public static ComplaintIntake create(
      ReceiptVerifier verifier, CaseService cases, MeterRegistry meters) {
    return new ComplaintIntake(
        Objects.requireNonNull(verifier, "verifier == null"),
        null,
        Objects.requireNonNull(cases, "cases == null"),
        Objects.requireNonNull(meters, "meters == null"));
  }

  /** The result of filing: the case, and the response to send. Immutable. */
  public static final class Filing {
    private final boolean created;
    private final StoredCase kase;
    private final JsonObject body;

    private Filing(boolean created, StoredCase kase, JsonObject body) {
      this.created = created;
      this.kase = kase;
      this.body = body;
    }

    /** True for a new case (201), false for a replay (200). */
    public boolean created() {
      return created;
    }

    /** 201 or 200. */
    public int status() {
      return created ? 201 : 200;
    }

    /** The case. */
    public StoredCase storedCase() {
      return kase;
    }

    /** The case ID. */
    public String caseId() {
      return kase.id();
    }

    /** The consumer's access secret. */
    public String accessSecret() {
      return body.get("access_secret").getAsString();
    }

    /** {@code /v1/cases/<id>}, for the {@code Location} header. */
    public String location() {
      return "/v1/cases/" + kase.id();
    }

    /** The response body (see the class comment), a copy. */
    public JsonObject body() {
      return body.deepCopy();
    }
  }

  /**
   * Parses {@code body} by its {@code contentType} and files it.
   *
   * @param contentType the request's {@code Content-Type}; {@value #JSON} or {@value #PROTOBUF},
   *     parameters such as {@code charset=utf-8} ignored
   * @param idempotencyKey the {@code Idempotency-Key} header, if sent
   * @throws IntakeException for every refusal (see {@link IntakeException.Reason})
   */
  public Filing file(Optional<String> contentType, byte[] body, Optional<String> idempotencyKey) {
    return file(contentType, body, idempotencyKey, Optional.empty());
  }

  /**
   * Parses {@code body} by its {@code contentType} and files it for {@code caller} (empty: an
   * anonymous consumer).
   *
   * @throws IntakeException for every refusal of the request or token
   * @throws ClearingException for a trace that is unknown, does not match, or cannot be routed
   */
  public Filing file(
      Optional<String> contentType,
      byte[] body,
      Optional<String> idempotencyKey,
      Optional<Principal> caller) {
    Objects.requireNonNull(contentType, "contentType == null");
    Objects.requireNonNull(caller, "caller == null");
    Objects.requireNonNull(body, "body == null");
    ComplaintRequest request;
    try {
      String type =
          contentType.map(t -> t.split(";", 2)[0].trim().toLowerCase(Locale.ROOT)).orElse("");
      if (type.equals(JSON) && JsonBody.isJson(contentType.get())) {
        request = ComplaintRequest.fromJson(body);
      } else if (type.equals(PROTOBUF)) {
        request = ComplaintRequest.fromProto(body);
      } else {
        throw IntakeException.of(
            IntakeException.Reason.UNSUPPORTED_MEDIA_TYPE,
            "A complaint is "
                + JSON
                + " or "
                + PROTOBUF
                + ", not "
                + (type.isEmpty() ? "a body without Content-Type" : contentType.get())
                + ".");
      }
    } catch (IntakeException e) {
      count("refused");
      throw e;
    }
    return file(request, idempotencyKey, caller);
  }

  /**
   * Files {@code request}.
   *
   * @param idempotencyKey the {@code Idempotency-Key} header, if sent
   * @throws IntakeException for every refusal (see {@link IntakeException.Reason})
   */
  public Filing file(ComplaintRequest request, Optional<String> idempotencyKey) {
    return file(request, idempotencyKey, Optional.empty());
  }

  /**
   * Files {@code request} for {@code caller} (empty: an anonymous consumer).
   *
   * @param idempotencyKey the {@code Idempotency-Key} header, if sent
   * @throws IntakeException for every refusal of the request or token
   * @throws ClearingException for a trace that is unknown, does not match, or cannot be routed
   */
  public Filing file(
      ComplaintRequest request, Optional<String> idempotencyKey, Optional<Principal> caller) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey == null");
    Objects.requireNonNull(caller, "caller == null");
    try {
      Filing filing = fileOrThrow(request, idempotencyKey, caller);
      count(filing.created() ? "created" : "replayed");
      return filing;
    } catch (IntakeException e) {
      count(
          e.reasonCode() == IntakeException.Reason.CASE_ALREADY_OPEN
              ? "duplicate_open"
              : "refused");
      throw e;
    } catch (ClearingException e) {
      count("refused");
      throw e;
    }
  }

  private ReceiptSummary summarize(ComplaintRequest request, Optional<Principal> caller) {
    if (request.coded().isPresent()) {
      if (codes == null) {
        throw IntakeException.invalid(
            List.of(
                FieldError.of(
                    "merchant_code", "this gateway does not accept the merchant_code origin.")));
      }
      return codes.resolve(request.coded().get());
    }
    if (request.traced().isEmpty()) {
      return verifier.verify(request.receiptToken());
    }
    ComplaintRequest.TracedOrigin t = request.traced().get();
    if (traces == null) {
      throw IntakeException.invalid(
          List.of(
              FieldError.of(
                  "trace", "this gateway accepts only the receipt_token origin, not trace.")));
    }
    boolean walletPartner = caller.map(p -> p.role() == Role.WALLET_PARTNER).orElse(false);
    if (!walletPartner) {
      List<FieldError> errors = new ArrayList<>();
      if (t.amount().isEmpty()) {
        errors.add(FieldError.of("amount", "amount is required with a trace typed by hand."));
      }
      if (t.paidOn().isEmpty()) {
        errors.add(FieldError.of("paid_on", "paid_on is required with a trace typed by hand."));
      }
      if (!errors.isEmpty()) {
        throw IntakeException.invalid(errors);
      }
    }
    TraceRouter.Routed routed = traces.route(t.trace(), t.amount(), t.paidOn());
    if (routed.record().amount().minorUnits() < 1) {
      throw IntakeException.invalid(
          List.of(FieldError.of("trace", "the clearing record of this trace has no amount.")));
    }
    return summaryOf(routed);
  }

  /**
   * The summary of a payment found through its clearing record: type from the processing code,
   * amount, time and masked card from the record, merchant from the binding valid then.
   */
  static ReceiptSummary summaryOf(TraceRouter.Routed routed) {
    ClearingRecord r = routed.record();
    TransactionType type =
        r.processingCode().filter(c -> c.startsWith("20")).isPresent()
            ? TransactionType.TRANSACTION_TYPE_REFUND
            : TransactionType.TRANSACTION_TYPE_SALE;
    return ReceiptSummary.ofTrace(
            r.trace().value(),
            type,
            r.amount(),
            r.transactionTime(),
            routed.tool().id(),
            routed.merchant().id(),
            routed.merchant().name(),
            routed.merchant().timeZone())
        .withMaskedCard(r.maskedPan().orElse(null));
  }

  private Filing fileOrThrow(
      ComplaintRequest request, Optional<String> header, Optional<Principal> caller) {
    String key = effectiveKey(request, header);
    String keyHash = keyHash(key);
    byte[] fingerprint = request.fingerprint();
    CaseStore store = cases.caseStore();

    if (request.traced().isEmpty() && request.coded().isEmpty()) {
      // A receipt token: verified first (one registry query and one clearing query on a connection
      // given back before the signature is checked), then written straight away. An earlier filing
      // with this key and an open case for this receipt are not looked for beforehand: the write's
      // unique keys find them (a conflict is then answered by the loop below, as before), so the
      // common case, a new complaint, costs no read for them.
      ReceiptSummary receipt;
      try {
        receipt = verifier.verifyUncounted(request.receiptToken());
      } catch (IntakeException e) {
        // An earlier filing with this key is answered as it always was (replay, or key reused),
        // whatever the token would be judged now; only a first filing is refused for its token.
        Optional<Filing> earlier = earlierFiling(keyHash, key, fingerprint);
        if (earlier.isPresent()) {
          return earlier.get();
        }
        throw verifier.countFailure(e);
      }
      return write(store, request, receipt, key, keyHash, fingerprint, false);
    }

    // A trace or a merchant code: an earlier filing with this key is looked for first (routing a
    // trace may call the acquirer's pull hook, which a replay must not), then the payment is
    // resolved outside any transaction.
    Optional<StoredCase> earlierCase =
        store
            .store()
            .inSnapshot(
                tx -> {
                  Optional<String> earlierId = store.caseIdForIdempotencyKey(tx, keyHash);
                  return earlierId.isPresent()
                      ? store.find(tx, earlierId.get(), false)
                      : Optional.<StoredCase>empty();
                });
    if (earlierCase.isPresent()) {
      return earlier(earlierCase.get(), key, fingerprint);
    }
    ReceiptSummary receipt = summarize(request, caller);
    return write(store, request, receipt, key, keyHash, fingerprint, true);
  }

  /**
   * Opens the case for {@code receipt}, looking for an open case first if {@code lookFirst} (and on
   * every retry); a conflict with an earlier filing of this key answers as that filing, with an
   * open case for the receipt as {@code intake.case_already_open}.
   */
  private Filing write(
      CaseStore store,
      ComplaintRequest request,
      ReceiptSummary receipt,
      String key,
      String keyHash,
      byte[] fingerprint,
      boolean lookFirst) {
    Optional<Filing> earlier;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (lookFirst || attempt > 0) {
        Optional<String> open =
            store
                .store()
                .inTransaction(
                    tx -> store.openCaseFor(tx, receipt.receiptKey(), receipt.receiptSequence()));
        if (open.isPresent()) {
          // A filing with our key may have committed since we looked: a replay then.
          earlier = earlierFiling(keyHash, key, fingerprint);
          if (earlier.isPresent()) {
            return earlier.get();
          }
          throw alreadyOpen(open.get());
        }
      }
      byte[] salt = new byte[32];
      random.nextBytes(salt);
      String secret = accessSecret(salt, key);
      NewCase c =
          NewCase.of(
              newCaseId(),
              receipt,
              request.details(),
              keyHash,
              fingerprint,
              salt,
              StoredCase.sha256(secret));
      try {
        StoredCase stored = cases.open(c);
        return new Filing(true, stored, body(stored, secret));
      } catch (CaseException e) {
        switch (e.reasonCode()) {
          case DUPLICATE_IDEMPOTENCY_KEY:
            earlier = earlierFiling(keyHash, key, fingerprint);
            if (earlier.isPresent()) {
              return earlier.get();
            }
            break;
          case RECEIPT_ALREADY_OPEN:
          case CONCURRENT_UPDATE:
            break;
          default:
            throw e;
        }
      }
    }
    throw IntakeException.of(
        IntakeException.Reason.CONFLICT,
        "Other complaints about this receipt were being filed at the same moment; retry.");
  }

  private static IntakeException alreadyOpen(String caseId) {
    return IntakeException.caseOpen(
        "This receipt already has an open case, "
            + caseId
            + "; follow it there, or file again once it is resolved or escalated.",
        caseId);
  }

  private Optional<Filing> earlierFiling(String keyHash, String key, byte[] fingerprint) {
    Optional<StoredCase> existing =
        cases
            .caseStore()
            .store()
            .inTransaction(tx -> cases.caseStore().caseIdForIdempotencyKey(tx, keyHash))
            .flatMap(cases::find);
    if (existing.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(earlier(existing.get(), key, fingerprint));
  }

  /** The replay of the earlier filing {@code c}, or a refusal if it was another complaint. */
  private static Filing earlier(StoredCase c, String key, byte[] fingerprint) {
    if (!MessageDigest.isEqual(c.requestFingerprint(), fingerprint)) {
      throw IntakeException.of(
          IntakeException.Reason.IDEMPOTENCY_KEY_REUSED,
          "This idempotency key was used for a different complaint; use a new key for a new"
              + " complaint.");
    }
    return new Filing(false, c, body(c, accessSecret(c.accessSalt(), key)));
  }

  private static String effectiveKey(ComplaintRequest request, Optional<String> header) {
    if (header.isPresent()) {
      List<FieldError> errors = new ArrayList<>();
      ComplaintRequest.checkIdempotencyKey("Idempotency-Key", header.get(), errors);
      if (request.idempotencyKey().isPresent()
          && !request.idempotencyKey().get().equals(header.get())) {
        errors.add(
            FieldError.of(
                "idempotency_key",
                "idempotency_key differs from the Idempotency-Key header; send one of them."));
      }
      if (!errors.isEmpty()) {
        throw IntakeException.invalid(errors);
      }
      return header.get();
    }
    return request
        .idempotencyKey()
        .orElseGet(() -> "derived:" + HexFormat.of().formatHex(request.fingerprint()));
  }

  /** Lower-case hex SHA-256 of the domain-separated key: what {@code cases} stores. */
  static String keyHash(String key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("fangxin-idempotency-key\0".getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM.", e);
    }
  }

  static String accessSecret(byte[] salt, String key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt, "HmacSHA256"));
      mac.update("fangxin-case-access\0".getBytes(StandardCharsets.UTF_8));
      byte[] secret = mac.doFinal(key.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM.", e);
    }
  }

  /** {@code case_} and 26 base32 characters: 130 random bits. */
  private String newCaseId() {
    StringBuilder sb = new StringBuilder("case_");
    for (int i = 0; i < 26; i++) {
      sb.append(BASE32.charAt(random.nextInt(32)));
    }
    return sb.toString();
  }

  private static JsonObject body(StoredCase c, String secret) {
    JsonObject o = new JsonObject();
    o.addProperty("case_id", c.id());
    o.addProperty("access_secret", secret);
    o.addProperty("merchant_id", c.merchantId());
    o.addProperty("merchant_name", c.receipt().merchantName());
    o.addProperty("created_at", c.record().createdAt().toString());
    o.addProperty("deadline_at", c.record().merchantDeadline().toString());
    o.addProperty("case_url", "/v1/cases/" + c.id());
    return o;
  }

  private void count(String outcome) {
    meters.counter(COMPLAINTS_METER, "outcome", outcome).increment();
  }
}
