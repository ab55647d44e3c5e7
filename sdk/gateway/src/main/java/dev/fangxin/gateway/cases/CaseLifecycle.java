package dev.fangxin.gateway.cases;

import static dev.fangxin.protocol.v1.CaseState.CASE_STATE_ACKNOWLEDGED;
import static dev.fangxin.protocol.v1.CaseState.CASE_STATE_ANSWERED;
import static dev.fangxin.protocol.v1.CaseState.CASE_STATE_DELIVERED;
import static dev.fangxin.protocol.v1.CaseState.CASE_STATE_ESCALATED;
import static dev.fangxin.protocol.v1.CaseState.CASE_STATE_RECEIVED;
import static dev.fangxin.protocol.v1.CaseState.CASE_STATE_RESOLVED;

import dev.fangxin.gateway.cases.CaseTransitionException.Reason;
import dev.fangxin.protocol.v1.CaseState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The case lifecycle as a pure state machine: {@link #apply} takes a {@link CaseRecord} and an
 * {@link Event} and returns the next record, or throws {@link CaseTransitionException}. No I/O;
 * persisting records and firing timers is the caller's job.
 *
 * <h2>Transition table</h2>
 *
 * <p>Rows are the current state, columns the {@link Event.Type}; a cell names the next state, and
 * "–" means the event is refused with {@code case.illegal_transition}.
 *
 * <table>
 *   <caption>Allowed transitions</caption>
 *   <tr><th>state \ event</th><th>DELIVERED</th><th>MERCHANT_ ACKNOWLEDGED</th>
 *       <th>MERCHANT_ ANSWERED</th><th>CONSUMER_ CONFIRMED</th><th>CONSUMER_ DECLINED</th>
 *       <th>CONSUMER_ ESCALATED</th><th>DEADLINE_ PASSED</th></tr>
 *   <tr><td>RECEIVED</td><td>DELIVERED</td><td>–</td><td>–</td><td>–</td><td>–</td>
 *       <td>ESCALATED ²</td><td>ESCALATED ²</td></tr>
 *   <tr><td>DELIVERED</td><td>–</td><td>ACKNOWLEDGED ¹</td><td>ANSWERED ¹</td><td>–</td>
 *       <td>–</td><td>ESCALATED ²</td><td>ESCALATED ²</td></tr>
 *   <tr><td>ACKNOWLEDGED</td><td>–</td><td>–</td><td>ANSWERED ¹</td><td>–</td><td>–</td>
 *       <td>ESCALATED ²</td><td>ESCALATED ²</td></tr>
 *   <tr><td>ANSWERED</td><td>–</td><td>–</td><td>–</td><td>RESOLVED</td><td>ESCALATED</td>
 *       <td>ESCALATED</td><td>–</td></tr>
 *   <tr><td>RESOLVED</td><td colspan="7">final: everything refused with {@code
 *       case.final_state}</td></tr>
 *   <tr><td>ESCALATED</td><td colspan="7">final: everything refused with {@code
 *       case.final_state}</td></tr>
 * </table>
 *
 * <p>¹ Only before the merchant deadline; at or after it the merchant is refused with {@code
 * case.deadline_passed}, so a late scheduler never gives a merchant extra time.<br>
 * ² Only at or after the merchant deadline; before it, {@code case.deadline_not_passed}.
 *
 * <p>Checks run in this order, and the first failure wins: a merchant acting on another merchant's
 * case ({@code case.wrong_merchant}, checked first so that it learns nothing about the case); a
 * final state ({@code case.final_state}); an empty cell ({@code case.illegal_transition}); the
 * deadline conditions above; and the clock reading earlier than the case's last update ({@code
 * case.clock_behind}), which keeps the audit trail in time order.
 *
 * <p>Every accepted event appends one {@link Transition} (the clock's instant, the event's actor
 * and reason, the old and new state). A {@code MERCHANT_ANSWERED} event also records its {@link
 * dev.fangxin.protocol.v1.ResponseKind} and message on the record.
 *
 * <h2>Timers</h2>
 *
 * <p>The only timer is the merchant deadline ({@link #merchantDeadline()} after creation, 96 hours
 * by default as in Hangzhou's practice). It runs while the case is {@code RECEIVED}, {@code
 * DELIVERED} or {@code ACKNOWLEDGED}; {@link #nextTimer} says when, and {@link #due} returns the
 * {@code DEADLINE_PASSED} event for a scheduler to apply once it is reached.
 *
 * <p>Immutable and thread-safe if its {@link Clock} is.
 */
public final class CaseLifecycle {
  /** Hangzhou's practice: the merchant has 96 hours to handle a case. */
  public static final Duration DEFAULT_MERCHANT_DEADLINE = Duration.ofHours(96);

  private static final Map<CaseState, Map<Event.Type, CaseState>> TABLE = table();

  private final Clock clock;
  private final Duration merchantDeadline;

  private CaseLifecycle(Clock clock, Duration merchantDeadline) {
    this.clock = clock;
    this.merchantDeadline = merchantDeadline;
  }

  /** A lifecycle with the {@linkplain #DEFAULT_MERCHANT_DEADLINE default deadline}. */
  public static CaseLifecycle create(Clock clock) {
    return create(clock, DEFAULT_MERCHANT_DEADLINE);
  }

  /**
   * A lifecycle whose merchants have {@code merchantDeadline} to answer.
   *
   * @throws IllegalArgumentException if the deadline is zero or negative
   */
  public static CaseLifecycle create(Clock clock, Duration merchantDeadline) {
    Objects.requireNonNull(clock, "clock == null");
    Objects.requireNonNull(merchantDeadline, "merchantDeadline == null");
    if (merchantDeadline.isZero() || merchantDeadline.isNegative()) {
      throw new IllegalArgumentException(
          "merchantDeadline must be positive, not " + merchantDeadline + ".");
    }
    return new CaseLifecycle(clock, merchantDeadline);
  }

  /** How long merchants have to answer. */
  public Duration merchantDeadline() {
    return merchantDeadline;
  }

  /**
   * A new case in {@code RECEIVED}, created now, with no transitions and a deadline {@link
   * #merchantDeadline()} from now.
   *
   * @throws IllegalArgumentException if an ID is blank or longer than {@value
   *     CaseRecord#MAX_ID_LENGTH}
   */
  public CaseRecord open(String caseId, String merchantId) {
    Instant now = clock.instant();
    return CaseRecord.received(caseId, merchantId, now, now.plus(merchantDeadline));
  }

  /**
   * The table's next state for {@code from} and {@code type}, ignoring the merchant and deadline
   * conditions; empty where the table refuses (including final states).
   */
  public static Optional<CaseState> target(CaseState from, Event.Type type) {
    Objects.requireNonNull(from, "from == null");
    Objects.requireNonNull(type, "type == null");
    Map<Event.Type, CaseState> row = TABLE.get(from);
    return row == null ? Optional.empty() : Optional.ofNullable(row.get(type));
  }

  /** Whether {@code state} is final ({@code RESOLVED} or {@code ESCALATED}). */
  public static boolean isFinal(CaseState state) {
    return state == CASE_STATE_RESOLVED || state == CASE_STATE_ESCALATED;
  }

  /**
   * Applies {@code event} to {@code record} at the clock's current instant.
   *
   * @return a new record in the next state with one more transition
   * @throws CaseTransitionException if the event is refused (see the class documentation for the
   *     order of checks); {@code record} is unchanged, being immutable
   */
  public CaseRecord apply(CaseRecord record, Event event) {
    Objects.requireNonNull(record, "record == null");
    Objects.requireNonNull(event, "event == null");
    CaseState from = record.state();
    Event.Type type = event.type();
    Optional<String> actingMerchant = event.actor().merchantId();
    if (actingMerchant.isPresent() && !actingMerchant.get().equals(record.merchantId())) {
      throw new CaseTransitionException(
          Reason.WRONG_MERCHANT,
          "Merchant "
              + actingMerchant.get()
              + " may not act on case "
              + record.id()
              + ": it belongs to another merchant.");
    }
    if (isFinal(from)) {
      throw new CaseTransitionException(
          Reason.FINAL_STATE,
          "Case "
              + record.id()
              + " is "
              + from
              + ", which is final; "
              + type
              + " cannot change it.");
    }
    Optional<CaseState> to = target(from, type);
    if (to.isEmpty()) {
      throw new CaseTransitionException(
          Reason.ILLEGAL_TRANSITION,
          "Case "
              + record.id()
              + " is "
              + from
              + ", where "
              + type
              + " is not allowed; allowed there: "
              + TABLE.get(from).keySet()
              + ".");
    }
    Instant now = clock.instant();
    boolean deadlineReached = !now.isBefore(record.merchantDeadline());
    boolean beforeAnswer = from != CASE_STATE_ANSWERED;
    if (beforeAnswer && type.actorKind() == Actor.Kind.MERCHANT && deadlineReached) {
      throw new CaseTransitionException(
          Reason.DEADLINE_PASSED,
          "Case "
              + record.id()
              + " is "
              + from
              + " and its merchant deadline "
              + record.merchantDeadline()
              + " has passed; "
              + type
              + " is no longer accepted, the case is due for escalation.");
    }
    boolean needsDeadline =
        type == Event.Type.DEADLINE_PASSED
            || (type == Event.Type.CONSUMER_ESCALATED && beforeAnswer);
    if (needsDeadline && !deadlineReached) {
      throw new CaseTransitionException(
          Reason.DEADLINE_NOT_PASSED,
          "Case "
              + record.id()
              + " is "
              + from
              + " and its merchant deadline "
              + record.merchantDeadline()
              + " has not passed yet (now "
              + now
              + "); "
              + type
              + " is allowed only after it or after the merchant's answer.");
    }
    if (now.isBefore(record.updatedAt())) {
      throw new CaseTransitionException(
          Reason.CLOCK_BEHIND,
          "The clock reads "
              + now
              + ", earlier than case "
              + record.id()
              + "'s last update at "
              + record.updatedAt()
              + "; "
              + type
              + " would put the audit trail out of order.");
    }
    Transition t = Transition.of(now, event.actor(), from, to.get(), event.reason());
    return record.with(t, event.kind().orElse(null), event.message().orElse(null));
  }

  /**
   * The timer events due for {@code record} at {@code now}: {@code [DEADLINE_PASSED]} when the case
   * is still waiting for the merchant and the deadline is reached, otherwise empty. Pure: does not
   * read the clock.
   */
  public List<Event> due(CaseRecord record, Instant now) {
    Objects.requireNonNull(now, "now == null");
    Optional<Instant> timer = nextTimer(record);
    if (timer.isPresent() && !now.isBefore(timer.get())) {
      return List.of(Event.deadlinePassed());
    }
    return List.of();
  }

  /**
   * When the next timer of {@code record} fires: its merchant deadline while it is {@code
   * RECEIVED}, {@code DELIVERED} or {@code ACKNOWLEDGED}; empty otherwise.
   */
  public Optional<Instant> nextTimer(CaseRecord record) {
    Objects.requireNonNull(record, "record == null");
    CaseState s = record.state();
    boolean waiting =
        s == CASE_STATE_RECEIVED || s == CASE_STATE_DELIVERED || s == CASE_STATE_ACKNOWLEDGED;
    return waiting ? Optional.of(record.merchantDeadline()) : Optional.empty();
  }

  private static Map<CaseState, Map<Event.Type, CaseState>> table() {
    Map<CaseState, Map<Event.Type, CaseState>> t = new EnumMap<>(CaseState.class);
    t.put(
        CASE_STATE_RECEIVED,
        row(
            Event.Type.DELIVERED, CASE_STATE_DELIVERED,
            Event.Type.CONSUMER_ESCALATED, CASE_STATE_ESCALATED,
            Event.Type.DEADLINE_PASSED, CASE_STATE_ESCALATED));
    Map<Event.Type, CaseState> delivered =
        row(
            Event.Type.MERCHANT_ACKNOWLEDGED, CASE_STATE_ACKNOWLEDGED,
            Event.Type.MERCHANT_ANSWERED, CASE_STATE_ANSWERED,
            Event.Type.CONSUMER_ESCALATED, CASE_STATE_ESCALATED);
    delivered.put(Event.Type.DEADLINE_PASSED, CASE_STATE_ESCALATED);
    t.put(CASE_STATE_DELIVERED, delivered);
    t.put(
        CASE_STATE_ACKNOWLEDGED,
        row(
            Event.Type.MERCHANT_ANSWERED, CASE_STATE_ANSWERED,
            Event.Type.CONSUMER_ESCALATED, CASE_STATE_ESCALATED,
            Event.Type.DEADLINE_PASSED, CASE_STATE_ESCALATED));
    t.put(
        CASE_STATE_ANSWERED,
        row(
            Event.Type.CONSUMER_CONFIRMED, CASE_STATE_RESOLVED,
            Event.Type.CONSUMER_DECLINED, CASE_STATE_ESCALATED,
            Event.Type.CONSUMER_ESCALATED, CASE_STATE_ESCALATED));
    t.put(CASE_STATE_RESOLVED, new EnumMap<>(Event.Type.class));
    t.put(CASE_STATE_ESCALATED, new EnumMap<>(Event.Type.class));
    t.replaceAll((state, row) -> Collections.unmodifiableMap(row));
    return Collections.unmodifiableMap(t);
  }

  private static Map<Event.Type, CaseState> row(
      Event.Type a, CaseState toA, Event.Type b, CaseState toB, Event.Type c, CaseState toC) {
    Map<Event.Type, CaseState> row = new EnumMap<>(Event.Type.class);
    row.put(a, toA);
    row.put(b, toB);
    row.put(c, toC);
    return row;
  }
}
