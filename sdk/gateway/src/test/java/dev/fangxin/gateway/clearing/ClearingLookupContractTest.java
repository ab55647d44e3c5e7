package dev.fangxin.gateway.clearing;

import static dev.fangxin.gateway.clearing.ClearingFixtures.ACQ;
import static dev.fangxin.gateway.clearing.ClearingFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.Rrn;
import dev.fangxin.core.id.SettlementDate;
import dev.fangxin.gateway.clearing.FakeAcquirer.Answer;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import dev.fangxin.gateway.testing.SettableClock;
import dev.fangxin.protocol.v1.Trace;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pull hook against a real loopback HTTP acquirer and a real store: signed requests, timeouts
 * and bounded retries, results stored, negative answers cached for their TTL, failures not cached.
 */
abstract class ClearingLookupContractTest {
  static final Instant T0 = Instant.ofEpochSecond(1_767_225_600L);

  SettableClock clock;
  Store store;
  Acquirers acquirers;
  ClearingRecords records;
  FakeAcquirer acquirer;
  String secret;
  SimpleMeterRegistry meters;
  HttpClearingLookup lookup;

  abstract StoreConfig freshDatabase() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    clock = new SettableClock(T0);
    store = Store.open(freshDatabase());
    acquirers = Acquirers.on(store, clock);
    records = ClearingRecords.on(store, clock);
    acquirer = new FakeAcquirer();
    secret =
        acquirers
            .register(InstitutionCode.of(ACQ), "Bank", Optional.of(acquirer.url().toString()))
            .secret();
    meters = new SimpleMeterRegistry();
    lookup =
        HttpClearingLookup.builder(acquirers, records, clock)
            .requestTimeout(Duration.ofMillis(1500))
            .maxAttempts(3)
            .backoff(Duration.ofMillis(10))
            .negativeTtl(Duration.ofMinutes(5))
            .meters(meters)
            .build();
  }

  @AfterEach
  void tearDown() {
    acquirer.close();
    store.close();
  }

  static DurableTrace traceOf(int stan) {
    return DurableTrace.fromProto(ClearingFixtures.trace(ACQ, stan).build());
  }

  double count(String outcome) {
    return meters.counter(HttpClearingLookup.METER, "outcome", outcome).count();
  }

  @Test
  void unknownTraceIsFetchedSignedStoredAndThenServedLocally() throws Exception {
    dev.fangxin.protocol.v1.ClearingRecord answer = record(5, T0.getEpochSecond()).build();
    acquirer.enqueue(new Answer(200, answer.toByteArray(), 0));
    Optional<ClearingRecord> found = lookup.find(traceOf(5));
    assertThat(found).isPresent();
    assertThat(found.get().toProto()).isEqualTo(answer);
    assertThat(records.find(traceOf(5))).isEqualTo(found);

    FakeAcquirer.Received req = acquirer.received.get(0);
    assertThat(Trace.parseFrom(req.body())).isEqualTo(traceOf(5).toProto());
    assertThat(req.header(HookSignature.ACQUIRER)).isEqualTo(ACQ);
    long ts = Long.parseLong(req.header(HookSignature.TIMESTAMP));
    assertThat(req.header(HookSignature.SIGNATURE))
        .isEqualTo(HookSignature.sign(secret, ts, "POST", "/clearing/lookup", req.body()));

    assertThat(lookup.find(traceOf(5))).isEqualTo(found);
    assertThat(acquirer.received).hasSize(1);
    assertThat(count("local")).isEqualTo(1);
  }

  @Test
  void notFoundIsCachedForItsTtlAndAPushedRecordWinsAtOnce() throws Exception {
    assertThat(lookup.find(traceOf(6))).isEmpty();
    assertThat(lookup.find(traceOf(6))).isEmpty();
    assertThat(acquirer.received).hasSize(1);
    assertThat(count("cached_negative")).isEqualTo(1);

    clock.advance(Duration.ofMinutes(5));
    assertThat(lookup.find(traceOf(6))).isEmpty();
    assertThat(acquirer.received).hasSize(2);

    // Stored meanwhile (a push): found although the negative answer is still cached.
    ClearingRecord r =
        ClearingRecord.fromProto(
                record(6, T0.getEpochSecond()).build(), 0, new java.util.ArrayList<>())
            .orElseThrow();
    records.insertPulled(r);
    assertThat(lookup.find(traceOf(6))).contains(r);
    assertThat(acquirer.received).hasSize(2);
  }

  @Test
  void timeoutsAndErrorsAreRetriedWithABoundThenFailWithoutCaching() throws Exception {
    dev.fangxin.protocol.v1.ClearingRecord answer = record(7, T0.getEpochSecond()).build();
    acquirer.enqueue(
        new Answer(200, answer.toByteArray(), 4000), // too slow: times out
        new Answer(503, new byte[0], 0),
        new Answer(200, answer.toByteArray(), 0));
    assertThat(lookup.find(traceOf(7))).isPresent();
    assertThat(acquirer.received).hasSize(3);

    acquirer.enqueue(
        new Answer(500, new byte[0], 0),
        new Answer(200, new byte[] {1, 2, 3}, 0),
        new Answer(200, record(9, T0.getEpochSecond()).build().toByteArray(), 0));
    assertThatThrownBy(() -> lookup.find(traceOf(8)))
        .isInstanceOfSatisfying(
            ClearingException.class,
            e -> assertThat(e.reasonCode()).isEqualTo(ClearingException.Reason.LOOKUP_FAILED));
    assertThat(acquirer.received).hasSize(6);
    assertThat(records.find(traceOf(9))).isEmpty();
    // The failure was not cached: the next call asks again.
    acquirer.enqueue(new Answer(200, record(8, T0.getEpochSecond()).build().toByteArray(), 0));
    assertThat(lookup.find(traceOf(8))).isPresent();
    assertThat(acquirer.received).hasSize(7);
  }

  @Test
  void aRecordOfAnotherAcquirerIsNotAccepted() {
    dev.fangxin.protocol.v1.ClearingRecord foreign =
        record(10, T0.getEpochSecond()).setTrace(ClearingFixtures.trace("49990000", 10)).build();
    acquirer.enqueue(
        new Answer(200, foreign.toByteArray(), 0),
        new Answer(200, foreign.toByteArray(), 0),
        new Answer(200, foreign.toByteArray(), 0));
    assertThatThrownBy(() -> lookup.find(traceOf(10))).isInstanceOf(ClearingException.class);
    assertThat(records.count()).isZero();
  }

  @Test
  void byRrnAsksWithTheRrnAndDateAndStoresTheAnswer() throws Exception {
    dev.fangxin.protocol.v1.ClearingRecord answer = record(11, T0.getEpochSecond()).build();
    acquirer.enqueue(new Answer(200, answer.toByteArray(), 0));
    Rrn rrn = Rrn.of(answer.getTrace().getRrn());
    assertThat(lookup.findByRrn(InstitutionCode.of(ACQ), rrn, SettlementDate.of("0101")))
        .singleElement()
        .satisfies(r -> assertThat(r.toProto()).isEqualTo(answer));
    Trace asked = Trace.parseFrom(acquirer.received.get(0).body());
    assertThat(asked.getRrn()).isEqualTo(rrn.value());
    assertThat(asked.getSettlementDate()).isEqualTo("0101");
    assertThat(lookup.findByRrn(InstitutionCode.of(ACQ), rrn, SettlementDate.of("0101")))
        .hasSize(1);
    assertThat(acquirer.received).hasSize(1);
  }

  @Test
  void anAcquirerWithoutCallbackIsNotAsked() {
    acquirers.setCallbackUrl(InstitutionCode.of(ACQ), Optional.empty());
    assertThat(lookup.find(traceOf(12))).isEmpty();
    assertThat(acquirer.received).isEmpty();
    assertThat(count("no_callback")).isEqualTo(1);
  }
}
