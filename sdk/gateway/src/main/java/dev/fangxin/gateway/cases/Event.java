package dev.fangxin.gateway.cases;

import dev.fangxin.protocol.v1.ResponseKind;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened to a case: what ({@link #type()}), who did it ({@link #actor()}) and why
 * ({@link #reason()}, free text for the audit trail). Feed it to {@link CaseLifecycle#apply}.
 *
 * <p>Each type accepts exactly one kind of actor, checked by the factories: {@link Type#DELIVERED}
 * and {@link Type#DEADLINE_PASSED} are {@link Actor.Kind#SYSTEM}; the {@code MERCHANT_*} types are
 * {@link Actor.Kind#MERCHANT}; the {@code CONSUMER_*} types are {@link Actor.Kind#CONSUMER}. The
 * event carries no time: the lifecycle's clock stamps it when applied.
 *
 * <p>Immutable and thread-safe.
 */
public final class Event {
  /** Longest {@link #reason()}, in characters. */
  public static final int MAX_REASON_LENGTH = 500;

  /** Longest {@link #message()}, in characters. */
  public static final int MAX_MESSAGE_LENGTH = 2000;

  /** The event types; the columns of the {@link CaseLifecycle} transition table. */
  public enum Type {
    /** The merchant's webhook endpoint answered the case notification with a 2xx. */
    DELIVERED(Actor.Kind.SYSTEM),
    /** The merchant has seen the case and is working on it. */
    MERCHANT_ACKNOWLEDGED(Actor.Kind.MERCHANT),
    /** The merchant answered with a {@link ResponseKind} and maybe a message. */
    MERCHANT_ANSWERED(Actor.Kind.MERCHANT),
    /** The consumer is satisfied with the merchant's answer. */
    CONSUMER_CONFIRMED(Actor.Kind.CONSUMER),
    /** The consumer is not satisfied with the merchant's answer. */
    CONSUMER_DECLINED(Actor.Kind.CONSUMER),
    /** The consumer asks for the regulator. */
    CONSUMER_ESCALATED(Actor.Kind.CONSUMER),
    /** The merchant deadline passed (fired by a scheduler from {@link CaseLifecycle#due}). */
    DEADLINE_PASSED(Actor.Kind.SYSTEM);

    private final Actor.Kind actorKind;

    Type(Actor.Kind actorKind) {
      this.actorKind = actorKind;
    }

    /** The only kind of actor this type of event accepts. */
    public Actor.Kind actorKind() {
      return actorKind;
    }
  }

  private final Type type;
  private final Actor actor;
  private final String reason;
  private final ResponseKind kind;
  private final String message;

  private Event(Type type, Actor actor, String reason, ResponseKind kind, String message) {
    this.type = type;
    this.actor = actor;
    this.reason = reason;
    this.kind = kind;
    this.message = message;
  }

  /**
   * An event of any type but {@link Type#MERCHANT_ANSWERED} (use {@link #merchantAnswered}).
   *
   * @throws IllegalArgumentException if the actor's kind is not {@link Type#actorKind()}, the type
   *     is {@code MERCHANT_ANSWERED}, or the reason is blank or too long
   */
  public static Event of(Type type, Actor actor, String reason) {
    Objects.requireNonNull(type, "type == null");
    if (type == Type.MERCHANT_ANSWERED) {
      throw new IllegalArgumentException(
          "MERCHANT_ANSWERED needs a response kind: use Event.merchantAnswered(...).");
    }
    return new Event(type, checkActor(type, actor), checkReason(reason), null, null);
  }

  /** The webhook to the merchant was answered with a 2xx. */
  public static Event delivered(String reason) {
    return of(Type.DELIVERED, Actor.system(), reason);
  }

  /** The merchant deadline passed, fired by the gateway's scheduler. */
  public static Event deadlinePassed() {
    return of(Type.DEADLINE_PASSED, Actor.system(), "merchant deadline passed");
  }

  /** The merchant with {@code merchantId} acknowledged the case. */
  public static Event merchantAcknowledged(String merchantId, String reason) {
    return of(Type.MERCHANT_ACKNOWLEDGED, Actor.merchant(merchantId), reason);
  }

  /**
   * The merchant with {@code merchantId} answered.
   *
   * @param kind REFUND, ACCEPT, REJECT or PROPOSAL
   * @param message what the merchant wrote to the consumer; empty for none
   * @throws IllegalArgumentException if the kind is unspecified or unrecognized, or a text is blank
   *     (reason only) or too long
   */
  public static Event merchantAnswered(
      String merchantId, ResponseKind kind, Optional<String> message, String reason) {
    Objects.requireNonNull(kind, "kind == null");
    Objects.requireNonNull(message, "message == null");
    if (kind == ResponseKind.RESPONSE_KIND_UNSPECIFIED || kind == ResponseKind.UNRECOGNIZED) {
      throw new IllegalArgumentException(
          "A merchant answer needs a response kind of REFUND, ACCEPT, REJECT or PROPOSAL, not "
              + kind
              + ".");
    }
    String text = message.orElse(null);
    if (text != null && text.length() > MAX_MESSAGE_LENGTH) {
      throw new IllegalArgumentException(
          "message is "
              + text.length()
              + " characters long; at most "
              + MAX_MESSAGE_LENGTH
              + " are allowed.");
    }
    return new Event(
        Type.MERCHANT_ANSWERED, Actor.merchant(merchantId), checkReason(reason), kind, text);
  }

  /** The consumer confirmed the merchant's answer. */
  public static Event consumerConfirmed(String reason) {
    return of(Type.CONSUMER_CONFIRMED, Actor.consumer(), reason);
  }

  /** The consumer declined the merchant's answer. */
  public static Event consumerDeclined(String reason) {
    return of(Type.CONSUMER_DECLINED, Actor.consumer(), reason);
  }

  /** The consumer asked for the regulator. */
  public static Event consumerEscalated(String reason) {
    return of(Type.CONSUMER_ESCALATED, Actor.consumer(), reason);
  }

  /** What happened. */
  public Type type() {
    return type;
  }

  /** Who did it. */
  public Actor actor() {
    return actor;
  }

  /** Why, for the audit trail; never blank. */
  public String reason() {
    return reason;
  }

  /** The merchant's answer for {@link Type#MERCHANT_ANSWERED}; empty for every other type. */
  public Optional<ResponseKind> kind() {
    return Optional.ofNullable(kind);
  }

  /** The merchant's message for {@link Type#MERCHANT_ANSWERED}, if it wrote one. */
  public Optional<String> message() {
    return Optional.ofNullable(message);
  }

  @Override
  public String toString() {
    return type + (kind == null ? "" : "(" + kind + ")") + " by " + actor;
  }

  private static Actor checkActor(Type type, Actor actor) {
    Objects.requireNonNull(actor, "actor == null");
    if (actor.kind() != type.actorKind()) {
      throw new IllegalArgumentException(
          type + " must be done by " + type.actorKind() + ", not by " + actor + ".");
    }
    return actor;
  }

  static String checkReason(String reason) {
    Objects.requireNonNull(reason, "reason == null");
    if (reason.isBlank()) {
      throw new IllegalArgumentException("reason is blank; say why the case changes.");
    }
    if (reason.length() > MAX_REASON_LENGTH) {
      throw new IllegalArgumentException(
          "reason is "
              + reason.length()
              + " characters long; at most "
              + MAX_REASON_LENGTH
              + " are allowed.");
    }
    return reason;
  }
}
