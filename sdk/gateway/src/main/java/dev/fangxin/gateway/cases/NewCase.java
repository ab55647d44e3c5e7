package dev.fangxin.gateway.cases;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What {@link CaseService#open} needs to open a case: its ID, the verified receipt (which names the
 * tool and the merchant), the complaint, and the idempotency and access material computed by
 * intake. Immutable and thread-safe.
 */
public final class NewCase {
  private static final Pattern CASE_ID = Pattern.compile("case_[a-z2-7]{26}");
  private static final Pattern KEY_HASH = Pattern.compile("[0-9a-f]{64}");

  private final String caseId;
  private final ReceiptSummary receipt;
  private final ComplaintDetails complaint;
  private final String idempotencyKeyHash;
  private final byte[] requestFingerprint;
  private final byte[] accessSalt;
  private final byte[] accessSecretHash;

  private NewCase(
      String caseId,
      ReceiptSummary receipt,
      ComplaintDetails complaint,
      String idempotencyKeyHash,
      byte[] requestFingerprint,
      byte[] accessSalt,
      byte[] accessSecretHash) {
    this.caseId = caseId;
    this.receipt = receipt;
    this.complaint = complaint;
    this.idempotencyKeyHash = idempotencyKeyHash;
    this.requestFingerprint = requestFingerprint;
    this.accessSalt = accessSalt;
    this.accessSecretHash = accessSecretHash;
  }

  /**
   * A new case.
   *
   * @param caseId {@code case_} and 26 lower-case base32 characters
   * @param idempotencyKeyHash 64 lower-case hex digits: SHA-256 of the effective idempotency key
   * @param requestFingerprint 32 bytes: SHA-256 of the canonical request
   * @param accessSalt 32 bytes
   * @param accessSecretHash 32 bytes: SHA-256 of the consumer's access secret
   * @throws IllegalArgumentException naming the malformed argument
   */
  public static NewCase of(
      String caseId,
      ReceiptSummary receipt,
      ComplaintDetails complaint,
      String idempotencyKeyHash,
      byte[] requestFingerprint,
      byte[] accessSalt,
      byte[] accessSecretHash) {
    Objects.requireNonNull(caseId, "caseId == null");
    Objects.requireNonNull(receipt, "receipt == null");
    Objects.requireNonNull(complaint, "complaint == null");
    Objects.requireNonNull(idempotencyKeyHash, "idempotencyKeyHash == null");
    if (!CASE_ID.matcher(caseId).matches()) {
      throw new IllegalArgumentException(
          "caseId must be \"case_\" and 26 base32 characters, got \"" + caseId + "\".");
    }
    if (!KEY_HASH.matcher(idempotencyKeyHash).matches()) {
      throw new IllegalArgumentException("idempotencyKeyHash must be 64 lower-case hex digits.");
    }
    return new NewCase(
        caseId,
        receipt,
        complaint,
        idempotencyKeyHash,
        check32("requestFingerprint", requestFingerprint),
        check32("accessSalt", accessSalt),
        check32("accessSecretHash", accessSecretHash));
  }

  private static byte[] check32(String name, byte[] bytes) {
    Objects.requireNonNull(bytes, name + " == null");
    if (bytes.length != 32) {
      throw new IllegalArgumentException(name + " must be 32 bytes, got " + bytes.length + ".");
    }
    return bytes.clone();
  }

  /** The new case's ID. */
  public String caseId() {
    return caseId;
  }

  /** The verified receipt. */
  public ReceiptSummary receipt() {
    return receipt;
  }

  /** The complaint. */
  public ComplaintDetails complaint() {
    return complaint;
  }

  /** SHA-256 of the effective idempotency key, hex. */
  public String idempotencyKeyHash() {
    return idempotencyKeyHash;
  }

  byte[] requestFingerprint() {
    return requestFingerprint.clone();
  }

  byte[] accessSalt() {
    return accessSalt.clone();
  }

  byte[] accessSecretHash() {
    return accessSecretHash.clone();
  }

  @Override
  public String toString() {
    return "NewCase{id="
        + caseId
        + ", receipt="
        + receipt.keyId().map(k -> k.toHex() + "/" + receipt.sequence()).orElse("trace")
        + ", key="
        + idempotencyKeyHash.substring(0, 8)
        + "…}";
  }
}
