package dev.fangxin.gateway.cases;

import dev.fangxin.protocol.v1.CaseState;
import dev.fangxin.protocol.v1.ResponseKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A case as the lifecycle sees it: who it belongs to, where it stands, its merchant deadline, the
 * merchant's last answer and the full audit trail of {@link Transition}s.
 *
 * <p>Immutable and thread-safe: {@link CaseLifecycle#apply} returns a new record and never changes
 * the one it was given. New cases come from {@link CaseLifecycle#open}; {@link #restore} rebuilds
 * one from storage and checks that its parts agree.
 */
public final class CaseRecord {
  /** Longest case or merchant ID, in characters. */
  public static final int MAX_ID_LENGTH = 64;

  private final String id;
  private final String merchantId;
  private final CaseState state;
  private final Instant createdAt;
  private final Instant updatedAt;
  private final Instant merchantDeadline;
  private final ResponseKind lastResponseKind;
  private final String lastResponseMessage;
  private final List<Transition> transitions;

  private CaseRecord(
      String id,
      String merchantId,
      CaseState state,
      Instant createdAt,
      Instant updatedAt,
      Instant merchantDeadline,
      ResponseKind lastResponseKind,
      String lastResponseMessage,
      List<Transition> transitions) {
    this.id = id;
    this.merchantId = merchantId;
    this.state = state;
    this.createdAt = createdAt;
    this.updatedAt = updatedAt;
    this.merchantDeadline = merchantDeadline;
    this.lastResponseKind = lastResponseKind;
    this.lastResponseMessage = lastResponseMessage;
    this.transitions = transitions;
  }

  /** A fresh case in {@code RECEIVED} with no transitions yet. */
  static CaseRecord received(String id, String merchantId, Instant createdAt, Instant deadline) {
    return restore(
        id,
        merchantId,
        CaseState.CASE_STATE_RECEIVED,
        createdAt,
        createdAt,
        deadline,
        Optional.empty(),
        Optional.empty(),
        List.of());
  }

  /**
   * Rebuilds a record, for instance from storage, and checks that it is consistent.
   *
   * @throws IllegalArgumentException with a sentence naming the problem if an ID is blank or too
   *     long; a state or kind is unspecified or unrecognized; the deadline is not after {@code
   *     createdAt}; the transitions do not chain from {@code RECEIVED} to {@code state} (each
   *     {@code from} equal to the previous {@code to}) in non-decreasing time from {@code
   *     createdAt}; {@code updatedAt} is not the last transition's time ({@code createdAt} when
   *     there is none); or a message is given without a kind
   */
  public static CaseRecord restore(
      String id,
      String merchantId,
      CaseState state,
      Instant createdAt,
      Instant updatedAt,
      Instant merchantDeadline,
      Optional<ResponseKind> lastResponseKind,
      Optional<String> lastResponseMessage,
      List<Transition> transitions) {
    checkId("id", id);
    checkId("merchantId", merchantId);
    checkState("state", state);
    Objects.requireNonNull(createdAt, "createdAt == null");
    Objects.requireNonNull(updatedAt, "updatedAt == null");
    Objects.requireNonNull(merchantDeadline, "merchantDeadline == null");
    Objects.requireNonNull(lastResponseKind, "lastResponseKind == null");
    Objects.requireNonNull(lastResponseMessage, "lastResponseMessage == null");
    List<Transition> trail =
        List.copyOf(Objects.requireNonNull(transitions, "transitions == null"));
    if (!merchantDeadline.isAfter(createdAt)) {
      throw new IllegalArgumentException(
          "merchantDeadline " + merchantDeadline + " must be after createdAt " + createdAt + ".");
    }
    CaseState expectedFrom = CaseState.CASE_STATE_RECEIVED;
    Instant last = createdAt;
    for (int i = 0; i < trail.size(); i++) {
      Transition t = trail.get(i);
      if (t.from() != expectedFrom) {
        throw new IllegalArgumentException(
            "transition "
                + i
                + " starts from "
                + t.from()
                + " but the case was in "
                + expectedFrom
                + ".");
      }
      if (t.at().isBefore(last)) {
        throw new IllegalArgumentException(
            "transition " + i + " at " + t.at() + " is earlier than " + last + ".");
      }
      expectedFrom = t.to();
      last = t.at();
    }
    if (state != expectedFrom) {
      throw new IllegalArgumentException(
          "state is " + state + " but the transitions end in " + expectedFrom + ".");
    }
    if (!updatedAt.equals(last)) {
      throw new IllegalArgumentException(
          "updatedAt is " + updatedAt + " but the last change was at " + last + ".");
    }
    ResponseKind kind = lastResponseKind.orElse(null);
    if (kind == ResponseKind.RESPONSE_KIND_UNSPECIFIED || kind == ResponseKind.UNRECOGNIZED) {
      throw new IllegalArgumentException(
          "lastResponseKind must be REFUND, ACCEPT, REJECT or PROPOSAL, not " + kind + ".");
    }
    if (kind == null && lastResponseMessage.isPresent()) {
      throw new IllegalArgumentException("lastResponseMessage is given without lastResponseKind.");
    }
    return new CaseRecord(
        id,
        merchantId,
        state,
        createdAt,
        updatedAt,
        merchantDeadline,
        kind,
        lastResponseMessage.orElse(null),
        trail);
  }

  /** This record moved along {@code t}, with the answer of a {@code MERCHANT_ANSWERED} event. */
  CaseRecord with(Transition t, ResponseKind kind, String message) {
    List<Transition> trail = new ArrayList<>(transitions.size() + 1);
    trail.addAll(transitions);
    trail.add(t);
    boolean answered = kind != null;
    return new CaseRecord(
        id,
        merchantId,
        t.to(),
        createdAt,
        t.at(),
        merchantDeadline,
        answered ? kind : lastResponseKind,
        answered ? message : lastResponseMessage,
        List.copyOf(trail));
  }

  /** The case ID. */
  public String id() {
    return id;
  }

  /** The ID of the merchant the case is about; only that merchant may act on it. */
  public String merchantId() {
    return merchantId;
  }

  /** Where the case stands; never {@code UNSPECIFIED} or {@code UNRECOGNIZED}. */
  public CaseState state() {
    return state;
  }

  /** When the gateway received the complaint. */
  public Instant createdAt() {
    return createdAt;
  }

  /** When the case last changed state ({@link #createdAt()} before its first transition). */
  public Instant updatedAt() {
    return updatedAt;
  }

  /** When the merchant's time to answer runs out (by default 96 hours after creation). */
  public Instant merchantDeadline() {
    return merchantDeadline;
  }

  /** The kind of the merchant's answer, once it answered. */
  public Optional<ResponseKind> lastResponseKind() {
    return Optional.ofNullable(lastResponseKind);
  }

  /** The message of the merchant's answer, if it answered with one. */
  public Optional<String> lastResponseMessage() {
    return Optional.ofNullable(lastResponseMessage);
  }

  /** Every transition, oldest first; unmodifiable. */
  public List<Transition> transitions() {
    return transitions;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CaseRecord)) {
      return false;
    }
    CaseRecord r = (CaseRecord) o;
    return id.equals(r.id)
        && merchantId.equals(r.merchantId)
        && state == r.state
        && createdAt.equals(r.createdAt)
        && updatedAt.equals(r.updatedAt)
        && merchantDeadline.equals(r.merchantDeadline)
        && lastResponseKind == r.lastResponseKind
        && Objects.equals(lastResponseMessage, r.lastResponseMessage)
        && transitions.equals(r.transitions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, merchantId, state, updatedAt, transitions);
  }

  /** The ID, merchant and state; never the answer's message. */
  @Override
  public String toString() {
    return "CaseRecord{id=" + id + ", merchant=" + merchantId + ", state=" + state + "}";
  }

  static String checkId(String name, String value) {
    Objects.requireNonNull(value, name + " == null");
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " is blank.");
    }
    if (value.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(
          name
              + " is "
              + value.length()
              + " characters long; at most "
              + MAX_ID_LENGTH
              + " are allowed.");
    }
    return value;
  }

  static CaseState checkState(String name, CaseState state) {
    Objects.requireNonNull(state, name + " == null");
    if (state == CaseState.CASE_STATE_UNSPECIFIED || state == CaseState.UNRECOGNIZED) {
      throw new IllegalArgumentException(name + " must be a real case state, not " + state + ".");
    }
    return state;
  }
}
