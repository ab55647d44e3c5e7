package dev.fangxin.gateway.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One outbox row as a worker claimed it: an event waiting to be delivered. Immutable and safe to
 * share; {@link #payload()} returns a copy. Times are whole UTC seconds.
 */
public final class OutboxItem {
  /** Who receives an event. */
  public enum Target {
    /** The current endpoint of {@link OutboxItem#merchantId()}. */
    MERCHANT("merchant"),
    /** The gateway's configured regulator sink. */
    REGULATOR("regulator");

    private final String code;

    Target(String code) {
      this.code = code;
    }

    /** The value stored in {@code outbox.target}. */
    public String code() {
      return code;
    }

    static Target fromCode(String code) {
      for (Target t : values()) {
        if (t.code.equals(code)) {
          return t;
        }
      }
      throw new IllegalStateException("Unknown outbox target \"" + code + "\" in the database.");
    }
  }

  private final long id;
  private final String caseId;
  private final String eventType;
  private final byte[] payload;
  private final Instant createdAt;
  private final Instant dueAt;
  private final int attempts;
  private final Target target;
  private final String merchantId;
  private final String webhookId;
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
      Target target,
      String merchantId,
      String webhookId,
      String claimedBy,
      Instant claimedUntil) {
    this.id = id;
    this.caseId = caseId;
    this.eventType = eventType;
    this.payload = payload;
    this.createdAt = createdAt;
    this.dueAt = dueAt;
    this.attempts = attempts;
    this.target = target;
    this.merchantId = merchantId;
    this.webhookId = webhookId;
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
      Target target,
      String merchantId,
      String webhookId,
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
        Objects.requireNonNull(target, "target == null"),
        merchantId,
        Objects.requireNonNull(webhookId, "webhookId == null"),
        Objects.requireNonNull(claimedBy, "claimedBy == null"),
        Objects.requireNonNull(claimedUntil, "claimedUntil == null"));
  }

  /** Who receives this event. */
  public Target target() {
    return target;
  }

  /**
   * The merchant whose endpoint receives the event (always present for {@link Target#MERCHANT}), or
   * the merchant a regulator event is about.
   */
  public Optional<String> merchantId() {
    return Optional.ofNullable(merchantId);
  }

  /**
   * The Standard Webhooks message ID ({@code webhook-id}): {@code msg_} and 26 base32 characters,
   * assigned at enqueue and stable across retries and replays.
   */
  public String webhookId() {
    return webhookId;
  }

  /** The row's ID, assigned by the database. */
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

  /** Delivery attempts recorded so far (by {@link OutboxQueue#reschedule} or {@code record*}). */
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
