package dev.fangxin.merchant.client;

import dev.fangxin.core.money.Money;
import java.util.Objects;
import java.util.Optional;

/**
 * A merchant's answer to a case: refund (with the amount), accept, reject, or a proposal (with an
 * amount when it involves money), plus an optional message to the consumer. Immutable.
 */
public final class Answer {
  /** The kinds of answer the gateway accepts. */
  public enum Kind {
    /** Money back; needs an amount no larger than the payment. */
    REFUND("refund"),
    /** The merchant accepts what the consumer asked for. */
    ACCEPT("accept"),
    /** The merchant refuses; the consumer may then escalate. */
    REJECT("reject"),
    /** Something else, such as a partial refund or an exchange. */
    PROPOSAL("proposal");

    private final String code;

    Kind(String code) {
      this.code = code;
    }

    /** The wire value. */
    public String code() {
      return code;
    }
  }

  /** Longest message the gateway accepts, in characters. */
  public static final int MAX_MESSAGE_LENGTH = 2000;

  private final Kind kind;
  private final String message;
  private final Money amount;

  private Answer(Kind kind, String message, Money amount) {
    this.kind = kind;
    this.message = message;
    this.amount = amount;
  }

  /** A refund of {@code amount}. */
  public static Answer refund(Money amount, String message) {
    return new Answer(Kind.REFUND, checkMessage(message), Objects.requireNonNull(amount, "amount"));
  }

  /** Accepts the consumer's request. */
  public static Answer accept(String message) {
    return new Answer(Kind.ACCEPT, checkMessage(message), null);
  }

  /** Rejects the complaint; say why in {@code message}. */
  public static Answer reject(String message) {
    return new Answer(Kind.REJECT, checkMessage(message), null);
  }

  /** Proposes something else; {@code amount} may be null. */
  public static Answer proposal(String message, Money amount) {
    return new Answer(Kind.PROPOSAL, checkMessage(message), amount);
  }

  private static String checkMessage(String message) {
    if (message != null && message.length() > MAX_MESSAGE_LENGTH) {
      throw new IllegalArgumentException(
          "message must be at most " + MAX_MESSAGE_LENGTH + " characters, was " + message.length());
    }
    return message;
  }

  /** The kind. */
  public Kind kind() {
    return kind;
  }

  /** The message to the consumer, if any. */
  public Optional<String> message() {
    return Optional.ofNullable(message);
  }

  /** The amount, if any. */
  public Optional<Money> amount() {
    return Optional.ofNullable(amount);
  }

  @Override
  public String toString() {
    return "Answer{" + kind.code() + amount().map(a -> " " + a).orElse("") + "}";
  }
}
