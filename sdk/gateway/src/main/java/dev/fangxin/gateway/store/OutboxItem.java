package dev.fangxin.gateway.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One outbox row as a worker claimed it: an event waiting to be delivered. Immutable and safe to
 * share; {@link #payload()} returns a copy. Times are whole UTC seconds.
 */
public final class OutboxItem {
  private final long id;
  private final String caseId;
  private final String eventType;
  private final byte[] payload;
  private final Instant createdAt;
  private final Instant dueAt;
  private final int attempts;
  private final String claimedBy;
  private final Instant claimedUntil;

  private OutboxItem(
      long id,
      String caseId,
      String eventType,
      byte[] payload,
      Instant createdAt,
      Instant dueAt,
      int attempts,
      String claimedBy,
      Instant claimedUntil) {
    this.id = id;
    this.caseId = caseId;
    this.eventType = eventType;
    this.payload = payload;
    this.createdAt = createdAt;
    this.dueAt = dueAt;
    this.attempts = attempts;
    this.claimedBy = claimedBy;
    this.claimedUntil = claimedUntil;
  }

  static OutboxItem of(
      long id,
      String caseId,
      String eventType,
      byte[] payload,
      Instant createdAt,
      Instant dueAt,
      int attempts,
      String claimedBy,
      Instant claimedUntil) {
    return new OutboxItem(
        id,
        caseId,
        Objects.requireNonNull(eventType, "eventType == null"),
        Objects.requireNonNull(payload, "payload == null").clone(),
        Objects.requireNonNull(createdAt, "createdAt == null"),
        Objects.requireNonNull(dueAt, "dueAt == null"),
        attempts,
        Objects.requireNonNull(claimedBy, "claimedBy == null"),
        Objects.requireNonNull(claimedUntil, "claimedUntil == null"));
  }

  /** The row's ID, assigned by the database; stable across retries (use it as the webhook ID). */
  public long id() {
    return id;
  }

  /** The case the event belongs to, if any. */
  public Optional<String> caseId() {
    return Optional.ofNullable(caseId);
  }

  /** The event type, such as {@code "case.received"}. */
  public String eventType() {
    return eventType;
  }

  /** A copy of the event body. */
  public byte[] payload() {
    return payload.clone();
  }

  /** When the row was enqueued. */
  public Instant createdAt() {
    return createdAt;
  }

  /** When the row became due. */
  public Instant dueAt() {
    return dueAt;
  }

  /** Delivery attempts recorded so far through {@link OutboxQueue#reschedule}. */
  public int attempts() {
    return attempts;
  }

  /** The worker holding the claim. */
  public String claimedBy() {
    return claimedBy;
  }

  /** When the claim lapses and another worker may claim the row again. */
  public Instant claimedUntil() {
    return claimedUntil;
  }

  @Override
  public String toString() {
    return "OutboxItem{id="
        + id
        + ", caseId="
        + caseId
        + ", eventType="
        + eventType
        + ", payloadBytes="
        + payload.length
        + ", dueAt="
        + dueAt
        + ", attempts="
        + attempts
        + ", claimedBy="
        + claimedBy
        + ", claimedUntil="
        + claimedUntil
        + "}";
  }
}
