package dev.fangxin.gateway.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * An outbox row as operators see it: what it carries, where it goes, and how its delivery went
 * (delivered, dead, or still pending, with the latest attempt). Read by dead-letter listings,
 * replays and tests; unlike {@link OutboxItem} it is not a claim. Immutable and safe to share;
 * {@link #payload()} returns a copy. Times are whole UTC seconds.
 */
public final class OutboxRecord {
  private final long id;
  private final String webhookId;
  private final OutboxItem.Target target;
  private final String merchantId;
  private final String caseId;
  private final String eventType;
  private final byte[] payload;
  private final Instant createdAt;
  private final Instant dueAt;
  private final int attempts;
  private final Instant deliveredAt;
  private final Instant deadAt;
  private final Instant lastAttemptAt;
  private final Integer lastStatus;
  private final String lastError;
  private final Long replayOf;

  OutboxRecord(
      long id,
      String webhookId,
      OutboxItem.Target target,
      String merchantId,
      String caseId,
      String eventType,
      byte[] payload,
      Instant createdAt,
      Instant dueAt,
      int attempts,
      Instant deliveredAt,
      Instant deadAt,
      Instant lastAttemptAt,
      Integer lastStatus,
      String lastError,
      Long replayOf) {
    this.id = id;
    this.webhookId = Objects.requireNonNull(webhookId, "webhookId == null");
    this.target = Objects.requireNonNull(target, "target == null");
    this.merchantId = merchantId;
    this.caseId = caseId;
    this.eventType = Objects.requireNonNull(eventType, "eventType == null");
    this.payload = payload.clone();
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt == null");
    this.dueAt = Objects.requireNonNull(dueAt, "dueAt == null");
    this.attempts = attempts;
    this.deliveredAt = deliveredAt;
    this.deadAt = deadAt;
    this.lastAttemptAt = lastAttemptAt;
    this.lastStatus = lastStatus;
    this.lastError = lastError;
    this.replayOf = replayOf;
  }

  /** The row's ID. */
  public long id() {
    return id;
  }

  /** The Standard Webhooks message ID; a replay carries the ID of the row it replays. */
  public String webhookId() {
    return webhookId;
  }

  /** Who receives the event. */
  public OutboxItem.Target target() {
    return target;
  }

  /** The merchant the event goes to, or is about. */
  public Optional<String> merchantId() {
    return Optional.ofNullable(merchantId);
  }

  /** The case the event belongs to, if any. */
  public Optional<String> caseId() {
    return Optional.ofNullable(caseId);
  }

  /** The event type. */
  public String eventType() {
    return eventType;
  }

  /** A copy of the body. */
  public byte[] payload() {
    return payload.clone();
  }

  /** When the row was enqueued (for a replay: when it was replayed). */
  public Instant createdAt() {
    return createdAt;
  }

  /** When the row is, or was last, due. */
  public Instant dueAt() {
    return dueAt;
  }

  /** How many attempts have been made. */
  public int attempts() {
    return attempts;
  }

  /** When a 2xx response was received, if one was. */
  public Optional<Instant> deliveredAt() {
    return Optional.ofNullable(deliveredAt);
  }

  /** When the row was dead-lettered, if it was. */
  public Optional<Instant> deadAt() {
    return Optional.ofNullable(deadAt);
  }

  /** Neither delivered nor dead: delivery will still be attempted. */
  public boolean pending() {
    return deliveredAt == null && deadAt == null;
  }

  /** When the latest attempt started. */
  public Optional<Instant> lastAttemptAt() {
    return Optional.ofNullable(lastAttemptAt);
  }

  /** The HTTP status of the latest attempt, if it got a response. */
  public OptionalInt lastStatus() {
    return lastStatus == null ? OptionalInt.empty() : OptionalInt.of(lastStatus);
  }

  /** Why the latest attempt failed, if it did. */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  /** The ID of the row this one replays, if it is a replay. */
  public OptionalLong replayOf() {
    return replayOf == null ? OptionalLong.empty() : OptionalLong.of(replayOf);
  }

  @Override
  public String toString() {
    return "OutboxRecord{id="
        + id
        + ", webhookId="
        + webhookId
        + ", target="
        + target.code()
        + ", eventType="
        + eventType
        + ", attempts="
        + attempts
        + (deliveredAt != null ? ", deliveredAt=" + deliveredAt : "")
        + (deadAt != null ? ", deadAt=" + deadAt : "")
        + (replayOf != null ? ", replayOf=" + replayOf : "")
        + "}";
  }
}
