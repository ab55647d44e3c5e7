package dev.fangxin.gateway.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.protocol.v1.CaseState;
import dev.fangxin.protocol.v1.ResponseKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every cell of the transition table, once before the merchant deadline and once exactly at it. A
 * cell is either the next state or the refusal's reason code.
 */
class CaseTransitionTableTest {
  static final Instant T0 = Instant.parse("2026-03-02T01:00:00Z");
  static final String MERCHANT = "m-hz-001";

  @ParameterizedTest(name = "{0} + {1}: before deadline {2}, at deadline {3}")
  @CsvSource({
    "RECEIVED,     DELIVERED,             DELIVERED,                DELIVERED",
    "RECEIVED,     MERCHANT_ACKNOWLEDGED, case.illegal_transition,  case.illegal_transition",
    "RECEIVED,     MERCHANT_ANSWERED,     case.illegal_transition,  case.illegal_transition",
    "RECEIVED,     CONSUMER_CONFIRMED,    case.illegal_transition,  case.illegal_transition",
    "RECEIVED,     CONSUMER_DECLINED,     case.illegal_transition,  case.illegal_transition",
    "RECEIVED,     CONSUMER_ESCALATED,    case.deadline_not_passed, ESCALATED",
    "RECEIVED,     DEADLINE_PASSED,       case.deadline_not_passed, ESCALATED",
    "DELIVERED,    DELIVERED,             case.illegal_transition,  case.illegal_transition",
    "DELIVERED,    MERCHANT_ACKNOWLEDGED, ACKNOWLEDGED,             case.deadline_passed",
    "DELIVERED,    MERCHANT_ANSWERED,     ANSWERED,                 case.deadline_passed",
    "DELIVERED,    CONSUMER_CONFIRMED,    case.illegal_transition,  case.illegal_transition",
    "DELIVERED,    CONSUMER_DECLINED,     case.illegal_transition,  case.illegal_transition",
    "DELIVERED,    CONSUMER_ESCALATED,    case.deadline_not_passed, ESCALATED",
    "DELIVERED,    DEADLINE_PASSED,       case.deadline_not_passed, ESCALATED",
    "ACKNOWLEDGED, DELIVERED,             case.illegal_transition,  case.illegal_transition",
    "ACKNOWLEDGED, MERCHANT_ACKNOWLEDGED, case.illegal_transition,  case.illegal_transition",
    "ACKNOWLEDGED, MERCHANT_ANSWERED,     ANSWERED,                 case.deadline_passed",
    "ACKNOWLEDGED, CONSUMER_CONFIRMED,    case.illegal_transition,  case.illegal_transition",
    "ACKNOWLEDGED, CONSUMER_DECLINED,     case.illegal_transition,  case.illegal_transition",
    "ACKNOWLEDGED, CONSUMER_ESCALATED,    case.deadline_not_passed, ESCALATED",
    "ACKNOWLEDGED, DEADLINE_PASSED,       case.deadline_not_passed, ESCALATED",
    "ANSWERED,     DELIVERED,             case.illegal_transition,  case.illegal_transition",
    "ANSWERED,     MERCHANT_ACKNOWLEDGED, case.illegal_transition,  case.illegal_transition",
    "ANSWERED,     MERCHANT_ANSWERED,     case.illegal_transition,  case.illegal_transition",
    "ANSWERED,     CONSUMER_CONFIRMED,    RESOLVED,                 RESOLVED",
    "ANSWERED,     CONSUMER_DECLINED,     ESCALATED,                ESCALATED",
    "ANSWERED,     CONSUMER_ESCALATED,    ESCALATED,                ESCALATED",
    "ANSWERED,     DEADLINE_PASSED,       case.illegal_transition,  case.illegal_transition",
    "RESOLVED,     DELIVERED,             case.final_state,         case.final_state",
    "RESOLVED,     MERCHANT_ACKNOWLEDGED, case.final_state,         case.final_state",
    "RESOLVED,     MERCHANT_ANSWERED,     case.final_state,         case.final_state",
    "RESOLVED,     CONSUMER_CONFIRMED,    case.final_state,         case.final_state",
    "RESOLVED,     CONSUMER_DECLINED,     case.final_state,         case.final_state",
    "RESOLVED,     CONSUMER_ESCALATED,    case.final_state,         case.final_state",
    "RESOLVED,     DEADLINE_PASSED,       case.final_state,         case.final_state",
    "ESCALATED,    DELIVERED,             case.final_state,         case.final_state",
    "ESCALATED,    MERCHANT_ACKNOWLEDGED, case.final_state,         case.final_state",
    "ESCALATED,    MERCHANT_ANSWERED,     case.final_state,         case.final_state",
    "ESCALATED,    CONSUMER_CONFIRMED,    case.final_state,         case.final_state",
    "ESCALATED,    CONSUMER_DECLINED,     case.final_state,         case.final_state",
    "ESCALATED,    CONSUMER_ESCALATED,    case.final_state,         case.final_state",
    "ESCALATED,    DEADLINE_PASSED,       case.final_state,         case.final_state",
  })
  void cell(String state, Event.Type type, String beforeDeadline, String atDeadline) {
    check(state, type, Duration.ofHours(10), beforeDeadline);
    check(state, type, CaseLifecycle.DEFAULT_MERCHANT_DEADLINE, atDeadline);
    assertThat(CaseLifecycle.target(caseState(state), type).map(CaseTransitionTableTest::shortName))
        .isEqualTo(tableTarget(beforeDeadline, atDeadline));
  }

  @Test
  void illegalTransitionNamesTheStateAndTheEvent() {
    MutableClock clock = new MutableClock(T0);
    CaseLifecycle lifecycle = CaseLifecycle.create(clock);
    CaseRecord received = lifecycle.open("case-1", MERCHANT);
    assertThatThrownBy(() -> lifecycle.apply(received, Event.consumerConfirmed("ok")))
        .isInstanceOfSatisfying(
            CaseTransitionException.class,
            e -> {
              assertThat(e.reasonCode())
                  .isEqualTo(CaseTransitionException.Reason.ILLEGAL_TRANSITION);
              assertThat(e.reason()).isEqualTo("case.illegal_transition");
            })
        .hasMessage(
            "Case case-1 is CASE_STATE_RECEIVED, where CONSUMER_CONFIRMED is not allowed; allowed"
                + " there: [DELIVERED, CONSUMER_ESCALATED, DEADLINE_PASSED].");
  }

  /** Applies {@code type} to a case in {@code state} at {@code T0 + at}. */
  private static void check(String state, Event.Type type, Duration at, String expected) {
    MutableClock clock = new MutableClock(T0);
    CaseLifecycle lifecycle = CaseLifecycle.create(clock);
    CaseRecord record = reach(lifecycle, clock, caseState(state));
    clock.set(T0.plus(at));
    Event event = event(type, MERCHANT);
    if (expected.startsWith("case.")) {
      assertThatThrownBy(() -> lifecycle.apply(record, event))
          .isInstanceOf(CaseTransitionException.class)
          .extracting(e -> ((CaseTransitionException) e).reason())
          .isEqualTo(expected);
    } else {
      CaseRecord next = lifecycle.apply(record, event);
      assertThat(next.state()).isEqualTo(caseState(expected));
      assertThat(next.transitions()).hasSize(record.transitions().size() + 1);
      Transition last = next.transitions().get(next.transitions().size() - 1);
      assertThat(last.from()).isEqualTo(record.state());
      assertThat(last.to()).isEqualTo(next.state());
      assertThat(last.at()).isEqualTo(T0.plus(at));
      assertThat(last.actor()).isEqualTo(event.actor());
    }
  }

  /** Drives a new case to {@code target}, one hour per step, starting at {@code T0}. */
  static CaseRecord reach(CaseLifecycle lifecycle, MutableClock clock, CaseState target) {
    CaseRecord r = lifecycle.open("case-1", MERCHANT);
    CaseState[] path = {
      CaseState.CASE_STATE_DELIVERED,
      CaseState.CASE_STATE_ACKNOWLEDGED,
      CaseState.CASE_STATE_ANSWERED,
      target == CaseState.CASE_STATE_ESCALATED
          ? CaseState.CASE_STATE_ESCALATED
          : CaseState.CASE_STATE_RESOLVED
    };
    Event[] events = {
      Event.delivered("webhook 200"),
      Event.merchantAcknowledged(MERCHANT, "looking into it"),
      Event.merchantAnswered(
          MERCHANT, ResponseKind.RESPONSE_KIND_REFUND, Optional.empty(), "refund"),
      target == CaseState.CASE_STATE_ESCALATED
          ? Event.consumerDeclined("not enough")
          : Event.consumerConfirmed("thanks")
    };
    for (int i = 0; r.state() != target; i++) {
      clock.advance(Duration.ofHours(1));
      r = lifecycle.apply(r, events[i]);
      assertThat(r.state()).isEqualTo(path[i]);
    }
    return r;
  }

  static Event event(Event.Type type, String merchantId) {
    switch (type) {
      case MERCHANT_ANSWERED:
        return Event.merchantAnswered(
            merchantId, ResponseKind.RESPONSE_KIND_ACCEPT, Optional.of("we accept"), "answer");
      case MERCHANT_ACKNOWLEDGED:
        return Event.merchantAcknowledged(merchantId, "seen");
      case DELIVERED:
      case DEADLINE_PASSED:
        return Event.of(type, Actor.system(), "system " + type);
      default:
        return Event.of(type, Actor.consumer(), "consumer " + type);
    }
  }

  static CaseState caseState(String shortName) {
    return CaseState.valueOf("CASE_STATE_" + shortName);
  }

  static String shortName(CaseState s) {
    return s.name().substring("CASE_STATE_".length());
  }

  /** What {@link CaseLifecycle#target} must say: the state a guarded cell reaches at all. */
  private static Optional<String> tableTarget(String before, String at) {
    if (!before.startsWith("case.")) {
      return Optional.of(before);
    }
    if (!at.startsWith("case.")) {
      return Optional.of(at);
    }
    return Optional.empty();
  }
}
