package dev.fangxin.gateway.clearing;

import com.google.gson.JsonObject;
import dev.fangxin.core.id.InstitutionCode;
import java.time.Instant;
import java.util.Objects;

/**
 * What the store says about an accepted clearing batch: whose, which, how many records, when it was
 * first received, and whether this call was a replay of it. Immutable and thread-safe.
 */
public final class BatchReceipt {
  private final InstitutionCode institution;
  private final String batchId;
  private final int recordCount;
  private final Instant receivedAt;
  private final boolean replayed;

  BatchReceipt(
      InstitutionCode institution,
      String batchId,
      int recordCount,
      Instant receivedAt,
      boolean replayed) {
    this.institution = Objects.requireNonNull(institution, "institution == null");
    this.batchId = Objects.requireNonNull(batchId, "batchId == null");
    this.recordCount = recordCount;
    this.receivedAt = Objects.requireNonNull(receivedAt, "receivedAt == null");
    this.replayed = replayed;
  }

  /** The acquirer. */
  public InstitutionCode institution() {
    return institution;
  }

  /** The batch ID. */
  public String batchId() {
    return batchId;
  }

  /** The number of records in the batch. */
  public int recordCount() {
    return recordCount;
  }

  /** When the batch was first accepted. */
  public Instant receivedAt() {
    return receivedAt;
  }

  /** True when this call found the batch already stored with the same body. */
  public boolean replayed() {
    return replayed;
  }

  /**
   * {@code {"batch_id", "acquirer_institution", "record_count", "received_at",
   * "received_at_epoch"}}: the same for the first acceptance and every replay.
   */
  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("batch_id", batchId);
    o.addProperty("acquirer_institution", institution.value());
    o.addProperty("record_count", recordCount);
    o.addProperty("received_at", receivedAt.toString());
    o.addProperty("received_at_epoch", receivedAt.getEpochSecond());
    return o;
  }

  @Override
  public String toString() {
    return "BatchReceipt{" + institution.value() + "/" + batchId + ", " + recordCount + "}";
  }
}
