package dev.fangxin.gateway.cases;

import static dev.fangxin.protocol.v1.CaseState.CASE_STATE_ACKNOWLEDGED;
import static dev.fangxin.protocol.v1.CaseState.CASE_STATE_ANSWERED;
import static dev.fangxin.protocol.v1.CaseState.CASE_STATE_DELIVERED;
import static dev.fangxin.protocol.v1.CaseState.CASE_STATE_ESCALATED;
import static dev.fangxin.protocol.v1.CaseState.CASE_STATE_RECEIVED;
import static dev.fangxin.protocol.v1.CaseState.CASE_STATE_RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.protocol.v1.CaseState;
import dev.fangxin.protocol.v1.ResponseKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Hangzhou stories, the audit trail, ownership, final states, timers and value checks. */
class CaseLifecycleTest {
  private static final Instant T0 = Instant.parse("2026-03-02T01:00:00Z");
  private static final String SHOP = "m-hz-001";

  private final MutableClock clock = new MutableClock(T0);
  private final CaseLifecycle lifecycle = CaseLifecycle.create(clock);

  @Test
  void hangzhouRefundConfirmedByConsumerIsResolved() {
    CaseRecord r = lifecycle.open("case-1", SHOP);
    assertThat(r.state()).isEqualTo(CASE_STATE_RECEIVED);
    assertThat(r.merchantDeadline()).isEqualTo(T0.plus(Duration.ofHours(96)));
    assertThat(r.transitions()).isEmpty();

    clock.advance(Duration.ofSeconds(2));
    r = lifecycle.apply(r, Event.delivered("webhook 204"));
    clock.advance(Duration.ofDays(1));
    r =
        lifecycle.apply(
            r,
            Event.merchantAnswered(
                SHOP,
                ResponseKind.RESPONSE_KIND_REFUND,
                Optional.of("全额退款 38.00 元"),
                "refund issued"));
    assertThat(r.state()).isEqualTo(CASE_STATE_ANSWERED);
    assertThat(lifecycle.nextTimer(r)).isEmpty();
    clock.advance(Duration.ofDays(2));
    r = lifecycle.apply(r, Event.consumerConfirmed("received the refund"));

    assertThat(r.state()).isEqualTo(CASE_STATE_RESOLVED);
    assertThat(r.lastResponseKind()).contains(ResponseKind.RESPONSE_KIND_REFUND);
    assertThat(r.lastResponseMessage()).contains("全额退款 38.00 元");
    assertThat(r.updatedAt()).isEqualTo(T0.plus(Duration.ofDays(3)).plusSeconds(2));
    assertThat(r.transitions())
        .containsExactly(
            Transition.of(
                T0.plusSeconds(2),
                Actor.system(),
                CASE_STATE_RECEIVED,
                CASE_STATE_DELIVERED,
                "webhook 204"),
            Transition.of(
                T0.plus(Duration.ofDays(1)).plusSeconds(2),
                Actor.merchant(SHOP),
                CASE_STATE_DELIVERED,
                CASE_STATE_ANSWERED,
                "refund issued"),
            Transition.of(
                T0.plus(Duration.ofDays(3)).plusSeconds(2),
                Actor.consumer(),
                CASE_STATE_ANSWERED,
                CASE_STATE_RESOLVED,
                "received the refund"));
  }

  @Test
  void hangzhouSilentMerchantIsEscalatedAfter96Hours() {
    CaseRecord r = lifecycle.open("case-2", SHOP);
    r = lifecycle.apply(r, Event.delivered("webhook 200"));
    clock.advance(Duration.ofDays(1));
    r = lifecycle.apply(r, Event.merchantAcknowledged(SHOP, "seen"));
    assertThat(lifecycle.nextTimer(r)).contains(T0.plus(Duration.ofHours(96)));

    clock.advance(Duration.ofDays(2));
    assertThat(lifecycle.due(r, clock.instant())).isEmpty();
    clock.set(T0.plus(Duration.ofHours(96)).minusNanos(1));
    assertThat(lifecycle.due(r, clock.instant())).isEmpty();
    clock.set(T0.plus(Duration.ofHours(96)));
    List<Event> due = lifecycle.due(r, clock.instant());
    assertThat(due).hasSize(1);
    assertThat(due.get(0).type()).isEqualTo(Event.Type.DEADLINE_PASSED);
    assertThat(due.get(0).actor()).isEqualTo(Actor.system());

    r = lifecycle.apply(r, due.get(0));
    assertThat(r.state()).isEqualTo(CASE_STATE_ESCALATED);
    assertThat(r.lastResponseKind()).isEmpty();
    assertThat(r.transitions().get(2))
        .isEqualTo(
            Transition.of(
                T0.plus(Duration.ofHours(96)),
                Actor.system(),
                CASE_STATE_ACKNOWLEDGED,
                CASE_STATE_ESCALATED,
                "merchant deadline passed"));
    assertThat(lifecycle.nextTimer(r)).isEmpty();
    assertThat(lifecycle.due(r, clock.instant().plus(Duration.ofDays(30)))).isEmpty();
  }

  @Test
  void hangzhouConsumerDeclinesRejectionAndIsEscalated() {
    CaseRecord r = lifecycle.open("case-3", SHOP);
    r = lifecycle.apply(r, Event.delivered("webhook 200"));
    clock.advance(Duration.ofDays(4).minusHours(1));
    r =
        lifecycle.apply(
            r,
            Event.merchantAnswered(
                SHOP, ResponseKind.RESPONSE_KIND_REJECT, Optional.empty(), "goods were fine"));
    clock.advance(Duration.ofDays(5));
    r = lifecycle.apply(r, Event.consumerDeclined("the milk had expired"));
    assertThat(r.state()).isEqualTo(CASE_STATE_ESCALATED);
    assertThat(r.lastResponseKind()).contains(ResponseKind.RESPONSE_KIND_REJECT);
    assertThat(r.lastResponseMessage()).isEmpty();
    Transition last = r.transitions().get(2);
    assertThat(last.actor()).isEqualTo(Actor.consumer());
    assertThat(last.from()).isEqualTo(CASE_STATE_ANSWERED);
    assertThat(last.reason()).isEqualTo("the milk had expired");
    assertThat(last.at()).isEqualTo(T0.plus(Duration.ofDays(9).minusHours(1)));
  }

  @Test
  void consumerMayEscalateOnceTheDeadlinePassedBeforeTheTimerFires() {
    CaseRecord r = lifecycle.open("case-4", SHOP);
    CaseRecord received = r;
    assertThatThrownBy(() -> lifecycle.apply(received, Event.consumerEscalated("impatient")))
        .isInstanceOf(CaseTransitionException.class)
        .hasMessage(
            "Case case-4 is CASE_STATE_RECEIVED and its merchant deadline 2026-03-06T01:00:00Z"
                + " has not passed yet (now 2026-03-02T01:00:00Z); CONSUMER_ESCALATED is allowed"
                + " only after it or after the merchant's answer.");
    clock.advance(Duration.ofDays(5));
    r = lifecycle.apply(r, Event.consumerEscalated("no answer in 5 days"));
    assertThat(r.state()).isEqualTo(CASE_STATE_ESCALATED);
  }

  @Test
  void lateMerchantIsRefusedSoTheDeadlineIsHonouredEvenIfTheTimerIsLate() {
    CaseRecord r = lifecycle.apply(lifecycle.open("case-5", SHOP), Event.delivered("200"));
    clock.advance(Duration.ofHours(97));
    CaseRecord delivered = r;
    assertThatThrownBy(
            () ->
                lifecycle.apply(
                    delivered,
                    Event.merchantAnswered(
                        SHOP, ResponseKind.RESPONSE_KIND_ACCEPT, Optional.empty(), "sorry")))
        .isInstanceOfSatisfying(
            CaseTransitionException.class,
            e ->
                assertThat(e.reasonCode())
                    .isEqualTo(CaseTransitionException.Reason.DEADLINE_PASSED))
        .hasMessage(
            "Case case-5 is CASE_STATE_DELIVERED and its merchant deadline 2026-03-06T01:00:00Z has"
                + " passed; MERCHANT_ANSWERED is no longer accepted, the case is due for"
                + " escalation.");
    assertThat(delivered.state()).isEqualTo(CASE_STATE_DELIVERED);
  }

  @Test
  void merchantMayOnlyActOnItsOwnCase() {
    CaseRecord r = lifecycle.apply(lifecycle.open("case-6", SHOP), Event.delivered("200"));
    CaseRecord before = r;
    assertThatThrownBy(() -> lifecycle.apply(before, Event.merchantAcknowledged("m-other", "mine")))
        .isInstanceOfSatisfying(
            CaseTransitionException.class,
            e -> {
              assertThat(e.reasonCode()).isEqualTo(CaseTransitionException.Reason.WRONG_MERCHANT);
              assertThat(e.reason()).isEqualTo("case.wrong_merchant");
            })
        .hasMessage("Merchant m-other may not act on case case-6: it belongs to another merchant.");
    assertThat(before.transitions()).hasSize(1);
    assertThat(before.state()).isEqualTo(CASE_STATE_DELIVERED);
  }

  @Test
  void wrongMerchantIsCheckedBeforeStateSoNothingLeaks() {
    CaseRecord resolved =
        CaseTransitionTableTest.reach(
            CaseLifecycle.create(clock), clock, CaseState.CASE_STATE_RESOLVED);
    for (Event.Type type :
        List.of(Event.Type.MERCHANT_ACKNOWLEDGED, Event.Type.MERCHANT_ANSWERED)) {
      assertThatThrownBy(
              () -> lifecycle.apply(resolved, CaseTransitionTableTest.event(type, "m-other")))
          .extracting(e -> ((CaseTransitionException) e).reason())
          .isEqualTo("case.wrong_merchant");
    }
  }

  @Test
  void finalStatesRefuseEveryEventAtAnyTime() {
    for (CaseState fin : List.of(CASE_STATE_RESOLVED, CASE_STATE_ESCALATED)) {
      MutableClock c = new MutableClock(T0);
      CaseLifecycle l = CaseLifecycle.create(c);
      CaseRecord r = CaseTransitionTableTest.reach(l, c, fin);
      for (long days : new long[] {0, 3, 4, 30}) {
        c.set(r.updatedAt().plus(Duration.ofDays(days)));
        for (Event.Type type : Event.Type.values()) {
          Event e = CaseTransitionTableTest.event(type, CaseTransitionTableTest.MERCHANT);
          assertThatThrownBy(() -> l.apply(r, e))
              .isInstanceOfSatisfying(
                  CaseTransitionException.class,
                  x ->
                      assertThat(x.reasonCode())
                          .isEqualTo(CaseTransitionException.Reason.FINAL_STATE));
        }
      }
      assertThat(r.state()).isEqualTo(fin);
      assertThat(l.due(r, T0.plus(Duration.ofDays(365)))).isEmpty();
    }
    CaseRecord r = CaseTransitionTableTest.reach(lifecycle, clock, CASE_STATE_RESOLVED);
    assertThatThrownBy(() -> lifecycle.apply(r, Event.consumerEscalated("changed my mind")))
        .hasMessage(
            "Case case-1 is CASE_STATE_RESOLVED, which is final; CONSUMER_ESCALATED cannot change"
                + " it.");
  }

  @Test
  void clockBehindTheLastUpdateIsRefused() {
    clock.advance(Duration.ofHours(2));
    CaseRecord r = lifecycle.apply(lifecycle.open("case-7", SHOP), Event.delivered("200"));
    CaseRecord later = lifecycle.apply(r, Event.merchantAcknowledged(SHOP, "seen"));
    clock.set(T0.plus(Duration.ofHours(1)));
    assertThatThrownBy(
            () ->
                lifecycle.apply(
                    later,
                    Event.merchantAnswered(
                        SHOP, ResponseKind.RESPONSE_KIND_PROPOSAL, Optional.empty(), "half")))
        .extracting(e -> ((CaseTransitionException) e).reason())
        .isEqualTo("case.clock_behind");
  }

  @Test
  void customDeadlineAndPolicyChecks() {
    CaseLifecycle short24 = CaseLifecycle.create(clock, Duration.ofHours(24));
    assertThat(short24.merchantDeadline()).isEqualTo(Duration.ofHours(24));
    assertThat(short24.open("c", SHOP).merchantDeadline()).isEqualTo(T0.plus(Duration.ofHours(24)));
    assertThat(lifecycle.merchantDeadline()).isEqualTo(CaseLifecycle.DEFAULT_MERCHANT_DEADLINE);
    assertThatThrownBy(() -> CaseLifecycle.create(clock, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("merchantDeadline must be positive, not PT0S.");
    assertThatThrownBy(() -> CaseLifecycle.create(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clock == null");
    assertThat(CaseLifecycle.isFinal(CASE_STATE_RESOLVED)).isTrue();
    assertThat(CaseLifecycle.isFinal(CASE_STATE_ANSWERED)).isFalse();
  }

  @Test
  void eventFactoriesCheckActorKindAndText() {
    assertThatThrownBy(() -> Event.of(Event.Type.DELIVERED, Actor.consumer(), "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("DELIVERED must be done by SYSTEM, not by CONSUMER.");
    assertThatThrownBy(() -> Event.of(Event.Type.CONSUMER_ESCALATED, Actor.regulator(), "x"))
        .hasMessage("CONSUMER_ESCALATED must be done by CONSUMER, not by REGULATOR.");
    assertThatThrownBy(() -> Event.of(Event.Type.MERCHANT_ANSWERED, Actor.merchant(SHOP), "x"))
        .hasMessage("MERCHANT_ANSWERED needs a response kind: use Event.merchantAnswered(...).");
    assertThatThrownBy(
            () ->
                Event.merchantAnswered(
                    SHOP, ResponseKind.RESPONSE_KIND_UNSPECIFIED, Optional.empty(), "x"))
        .hasMessage(
            "A merchant answer needs a response kind of REFUND, ACCEPT, REJECT or PROPOSAL, not"
                + " RESPONSE_KIND_UNSPECIFIED.");
    assertThatThrownBy(
            () ->
                Event.merchantAnswered(
                    SHOP, ResponseKind.RESPONSE_KIND_ACCEPT, Optional.of("x".repeat(2001)), "x"))
        .hasMessage("message is 2001 characters long; at most 2000 are allowed.");
    assertThatThrownBy(() -> Event.consumerConfirmed(" "))
        .hasMessage("reason is blank; say why the case changes.");
    assertThatThrownBy(() -> Event.delivered("x".repeat(501)))
        .hasMessage("reason is 501 characters long; at most 500 are allowed.");
    assertThatThrownBy(() -> Actor.merchant(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("merchantId is blank.");
    assertThat(Actor.merchant("m-1").toString()).isEqualTo("MERCHANT(m-1)");
    assertThat(Actor.merchant("m-1"))
        .isEqualTo(Actor.merchant("m-1"))
        .isNotEqualTo(Actor.merchant("m-2"));
    assertThat(Event.merchantAcknowledged("m-1", "x").toString())
        .isEqualTo("MERCHANT_ACKNOWLEDGED by MERCHANT(m-1)");
  }

  @Test
  void restoreRoundTripsAndRefusesInconsistentRecords() {
    CaseRecord r = CaseTransitionTableTest.reach(lifecycle, clock, CASE_STATE_ANSWERED);
    CaseRecord copy =
        CaseRecord.restore(
            r.id(),
            r.merchantId(),
            r.state(),
            r.createdAt(),
            r.updatedAt(),
            r.merchantDeadline(),
            r.lastResponseKind(),
            r.lastResponseMessage(),
            r.transitions());
    assertThat(copy).isEqualTo(r).hasSameHashCodeAs(r);
    assertThat(copy.toString())
        .isEqualTo("CaseRecord{id=case-1, merchant=m-hz-001, state=CASE_STATE_ANSWERED}");

    assertThatThrownBy(
            () ->
                CaseRecord.restore(
                    r.id(),
                    r.merchantId(),
                    CASE_STATE_RESOLVED,
                    r.createdAt(),
                    r.updatedAt(),
                    r.merchantDeadline(),
                    r.lastResponseKind(),
                    r.lastResponseMessage(),
                    r.transitions()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("state is CASE_STATE_RESOLVED but the transitions end in CASE_STATE_ANSWERED.");
    assertThatThrownBy(
            () ->
                CaseRecord.restore(
                    r.id(),
                    r.merchantId(),
                    r.state(),
                    r.createdAt(),
                    r.updatedAt(),
                    r.merchantDeadline(),
                    r.lastResponseKind(),
                    r.lastResponseMessage(),
                    List.of(r.transitions().get(0), r.transitions().get(2))))
        .hasMessage(
            "transition 1 starts from CASE_STATE_ACKNOWLEDGED but the case was in"
                + " CASE_STATE_DELIVERED.");
    assertThatThrownBy(
            () ->
                CaseRecord.restore(
                    r.id(),
                    r.merchantId(),
                    r.state(),
                    r.createdAt(),
                    r.createdAt(),
                    r.merchantDeadline(),
                    r.lastResponseKind(),
                    r.lastResponseMessage(),
                    r.transitions()))
        .hasMessage(
            "updatedAt is 2026-03-02T01:00:00Z but the last change was at 2026-03-02T04:00:00Z.");
    assertThatThrownBy(
            () ->
                CaseRecord.restore(
                    r.id(),
                    r.merchantId(),
                    CASE_STATE_RECEIVED,
                    r.createdAt(),
                    r.createdAt(),
                    r.createdAt(),
                    Optional.empty(),
                    Optional.empty(),
                    List.of()))
        .hasMessage(
            "merchantDeadline 2026-03-02T01:00:00Z must be after createdAt 2026-03-02T01:00:00Z.");
    assertThatThrownBy(() -> lifecycle.open("x".repeat(65), SHOP))
        .hasMessage("id is 65 characters long; at most 64 are allowed.");
    assertThatThrownBy(
            () -> Transition.of(T0, Actor.system(), CASE_STATE_RECEIVED, CASE_STATE_RECEIVED, "x"))
        .hasMessage("A transition must change the state; both are CASE_STATE_RECEIVED.");
    assertThatThrownBy(
            () ->
                Transition.of(
                    T0, Actor.system(), CaseState.CASE_STATE_UNSPECIFIED, CASE_STATE_RECEIVED, "x"))
        .hasMessage("from must be a real case state, not CASE_STATE_UNSPECIFIED.");
    assertThatThrownBy(() -> r.transitions().add(r.transitions().get(0)))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
