package dev.fangxin.gateway.cases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fangxin.protocol.v1.CaseState;
import dev.fangxin.protocol.v1.ResponseKind;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random events (random types, merchants and clock jumps) applied to random cases with a fixed
 * seed: refusals leave the record untouched, accepted events follow the table, the audit trail
 * chains, and final states never change.
 */
class CaseLifecyclePropertyTest {
  private static final long SEED = 0x5EED_CA5EL;
  private static final List<String> MERCHANTS = List.of("m-a", "m-b", "m-c");
  private static final ResponseKind[] KINDS = {
    ResponseKind.RESPONSE_KIND_REFUND,
    ResponseKind.RESPONSE_KIND_ACCEPT,
    ResponseKind.RESPONSE_KIND_REJECT,
    ResponseKind.RESPONSE_KIND_PROPOSAL
  };

  @Test
  void randomEventsKeepTheInvariants() {
    Random random = new Random(SEED);
    Set<CaseState> reached = EnumSet.noneOf(CaseState.class);
    int accepted = 0;
    int refused = 0;
    for (int c = 0; c < 400; c++) {
      MutableClock clock =
          new MutableClock(
              Instant.parse("2026-01-01T00:00:00Z").plusSeconds(random.nextInt(1 << 20)));
      CaseLifecycle lifecycle =
          CaseLifecycle.create(clock, Duration.ofHours(24 + random.nextInt(120)));
      CaseRecord r = lifecycle.open("case-" + c, MERCHANTS.get(random.nextInt(MERCHANTS.size())));
      for (int step = 0; step < 25; step++) {
        clock.advance(Duration.ofMinutes(random.nextInt(60 * 30)));
        Event event = randomEvent(random);
        CaseRecord before = r;
        try {
          r = lifecycle.apply(r, event);
          accepted++;
          assertThat(CaseLifecycle.isFinal(before.state())).isFalse();
          assertThat(CaseLifecycle.target(before.state(), event.type())).contains(r.state());
          assertThat(event.actor().merchantId().orElse(r.merchantId())).isEqualTo(r.merchantId());
          assertThat(r.transitions()).hasSize(before.transitions().size() + 1);
          assertThat(r.transitions().subList(0, before.transitions().size()))
              .isEqualTo(before.transitions());
        } catch (CaseTransitionException e) {
          refused++;
          assertThat(r).isSameAs(before);
          if (CaseLifecycle.isFinal(before.state())
              && event.actor().merchantId().orElse(r.merchantId()).equals(r.merchantId())) {
            assertThat(e.reason()).isEqualTo("case.final_state");
          }
        }
        reached.add(r.state());
        checkInvariants(r, lifecycle, clock.instant());
      }
    }
    assertThat(reached).hasSize(6);
    assertThat(accepted).isGreaterThan(600);
    assertThat(refused).isGreaterThan(5000);
  }

  private static void checkInvariants(CaseRecord r, CaseLifecycle lifecycle, Instant now) {
    CaseState expectedFrom = CaseState.CASE_STATE_RECEIVED;
    Instant last = r.createdAt();
    boolean sawFinal = false;
    for (Transition t : r.transitions()) {
      assertThat(sawFinal).as("nothing follows a final state").isFalse();
      assertThat(t.from()).isEqualTo(expectedFrom);
      assertThat(CaseLifecycle.target(t.from(), eventTypeFor(t))).isPresent();
      assertThat(t.at()).isAfterOrEqualTo(last);
      expectedFrom = t.to();
      last = t.at();
      sawFinal = CaseLifecycle.isFinal(t.to());
    }
    assertThat(r.state()).isEqualTo(expectedFrom);
    assertThat(r.updatedAt()).isEqualTo(last);
    boolean answered =
        r.transitions().stream().anyMatch(t -> t.to() == CaseState.CASE_STATE_ANSWERED);
    assertThat(r.lastResponseKind().isPresent()).isEqualTo(answered);
    assertThat(lifecycle.nextTimer(r).isPresent())
        .isEqualTo(!answered && !CaseLifecycle.isFinal(r.state()));
    assertThat(lifecycle.due(r, now).isEmpty())
        .isEqualTo(lifecycle.nextTimer(r).map(now::isBefore).orElse(true));
  }

  /** The table column an audited transition came from, recovered from its actor and states. */
  private static Event.Type eventTypeFor(Transition t) {
    switch (t.to()) {
      case CASE_STATE_DELIVERED:
        return Event.Type.DELIVERED;
      case CASE_STATE_ACKNOWLEDGED:
        return Event.Type.MERCHANT_ACKNOWLEDGED;
      case CASE_STATE_ANSWERED:
        return Event.Type.MERCHANT_ANSWERED;
      case CASE_STATE_RESOLVED:
        return Event.Type.CONSUMER_CONFIRMED;
      default:
        return t.actor().kind() == Actor.Kind.SYSTEM
            ? Event.Type.DEADLINE_PASSED
            : Event.Type.CONSUMER_ESCALATED;
    }
  }

  private static Event randomEvent(Random random) {
    Event.Type type = Event.Type.values()[random.nextInt(Event.Type.values().length)];
    String merchant = MERCHANTS.get(random.nextInt(MERCHANTS.size()));
    if (type == Event.Type.MERCHANT_ANSWERED) {
      return Event.merchantAnswered(
          merchant,
          KINDS[random.nextInt(KINDS.length)],
          random.nextBoolean() ? Optional.of("msg " + random.nextInt(100)) : Optional.empty(),
          "answer");
    }
    if (type == Event.Type.MERCHANT_ACKNOWLEDGED) {
      return Event.merchantAcknowledged(merchant, "ack");
    }
    return CaseTransitionTableTest.event(type, merchant);
  }
}
