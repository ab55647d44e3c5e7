package dev.fangxin.gateway.cases;

import dev.fangxin.core.money.Money;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;

/**
 * A case as persisted: its lifecycle {@link CaseRecord} (state, deadline, answer, every transition)
 * together with what the lifecycle does not model: the payment tool, the verified receipt, the
 * complaint, the amount of the merchant's answer and the consumer's access credential.
 *
 * <p>Immutable and thread-safe. The access secret itself is never held, only its SHA-256.
 */
public final class StoredCase {
  private final CaseRecord record;
  private final String toolId;
  private final ReceiptSummary receipt;
  private final ComplaintDetails complaint;
  private final Money responseAmount;
  private final byte[] accessSecretHash;
  private final byte[] accessSalt;
  private final byte[] requestFingerprint;

  private StoredCase(
      CaseRecord record,
      String toolId,
      ReceiptSummary receipt,
      ComplaintDetails complaint,
      Money responseAmount,
      byte[] accessSecretHash,
      byte[] accessSalt,
      byte[] requestFingerprint) {
    this.record = record;
    this.toolId = toolId;
    this.receipt = receipt;
    this.complaint = complaint;
    this.responseAmount = responseAmount;
    this.accessSecretHash = accessSecretHash;
    this.accessSalt = accessSalt;
    this.requestFingerprint = requestFingerprint;
  }

  static StoredCase of(
      CaseRecord record,
      String toolId,
      ReceiptSummary receipt,
      ComplaintDetails complaint,
      Optional<Money> responseAmount,
      byte[] accessSecretHash,
      byte[] accessSalt,
      byte[] requestFingerprint) {
    return new StoredCase(
        Objects.requireNonNull(record, "record == null"),
        Objects.requireNonNull(toolId, "toolId == null"),
        Objects.requireNonNull(receipt, "receipt == null"),
        Objects.requireNonNull(complaint, "complaint == null"),
        responseAmount.orElse(null),
        Objects.requireNonNull(accessSecretHash, "accessSecretHash == null").clone(),
        Objects.requireNonNull(accessSalt, "accessSalt == null").clone(),
        Objects.requireNonNull(requestFingerprint, "requestFingerprint == null").clone());
  }

  /** This case moved on to {@code next}, with {@code amount} as the answer's amount if answered. */
  StoredCase with(CaseRecord next, Optional<Money> amount) {
    return new StoredCase(
        next,
        toolId,
        receipt,
        complaint,
        amount.orElse(responseAmount),
        accessSecretHash,
        accessSalt,
        requestFingerprint);
  }

  /** The lifecycle record: ID, merchant, state, deadline, answer and transitions. */
  public CaseRecord record() {
    return record;
  }

  /** The case ID, {@code case_} and 26 base32 characters. */
  public String id() {
    return record.id();
  }

  /** The merchant the case routes to. */
  public String merchantId() {
    return record.merchantId();
  }

  /** The payment tool that signed the receipt. */
  public String toolId() {
    return toolId;
  }

  /** The verified receipt. */
  public ReceiptSummary receipt() {
    return receipt;
  }

  /** The complaint as filed. */
  public ComplaintDetails complaint() {
    return complaint;
  }

  /** The amount of the merchant's REFUND or PROPOSAL answer, if it named one. */
  public Optional<Money> responseAmount() {
    return Optional.ofNullable(responseAmount);
  }

  /** The 32 random bytes the consumer's access secret is derived with (see ComplaintIntake). */
  public byte[] accessSalt() {
    return accessSalt.clone();
  }

  /** SHA-256 of the request as first filed, to tell a replay from a reused idempotency key. */
  public byte[] requestFingerprint() {
    return requestFingerprint.clone();
  }

  /**
   * Whether {@code secret} is this case's consumer access secret: compares SHA-256 digests in
   * constant time.
   */
  public boolean acceptsSecret(String secret) {
    Objects.requireNonNull(secret, "secret == null");
    return MessageDigest.isEqual(sha256(secret), accessSecretHash);
  }

  /** SHA-256 of the UTF-8 bytes of {@code secret}: what is stored for an access secret. */
  public static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM.", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof StoredCase)) {
      return false;
    }
    StoredCase c = (StoredCase) o;
    return record.equals(c.record)
        && toolId.equals(c.toolId)
        && receipt.equals(c.receipt)
        && complaint.equals(c.complaint)
        && Objects.equals(responseAmount, c.responseAmount)
        && MessageDigest.isEqual(accessSecretHash, c.accessSecretHash);
  }

  @Override
  public int hashCode() {
    return record.hashCode();
  }

  /** The ID, merchant and state; never the complaint text or the credential. */
  @Override
  public String toString() {
    return "StoredCase{id="
        + record.id()
        + ", merchant="
        + record.merchantId()
        + ", state="
        + record.state()
        + "}";
  }
}
