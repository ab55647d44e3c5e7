package dev.fangxin.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");

  /** Runs a row that always fails through {@code backoff}; returns [attempts, last attempt]. */
  private static Object[] runToDeath(Backoff backoff, Optional<Duration> retryAfter) {
    Instant at = T0;
    int attempts = 0;
    while (true) {
      attempts++;
      Backoff.Decision d = backoff.next(attempts, T0, at, retryAfter);
      if (d.dead()) {
        return new Object[] {attempts, at};
      }
      Instant next = d.retryAt().orElseThrow();
      assertThat(next).isAfter(at);
      at = next;
    }
  }

  @Test
  void theDefaultScheduleCoversSevenDaysAndTwelveAttemptsBeforeADeadLetter() {
    for (long seed = 0; seed < 200; seed++) {
      Backoff backoff = Backoff.builder().random(new SplittableRandom(seed)).build();
      Object[] end = runToDeath(backoff, Optional.empty());
      int attempts = (int) end[0];
      Instant last = (Instant) end[1];
      assertThat(attempts).isGreaterThanOrEqualTo(12);
      assertThat(Duration.between(T0, last)).isGreaterThanOrEqualTo(Duration.ofDays(7));
      // Not far past the horizon either: the last gap is at most the cap.
      assertThat(Duration.between(T0, last))
          .isLessThanOrEqualTo(Duration.ofDays(7).plus(backoff.cap()));
    }
  }

  @Test
  void aReceiverAskingForLongWaitsStillGetsTwelveAttempts() {
    // Retry-After of a day, cut to the cap of 1 day: 12 attempts take 11 days, past the horizon.
    Backoff backoff = Backoff.builder().maxRetryAfter(Duration.ofDays(1)).build();
    Object[] end = runToDeath(backoff, Optional.of(Duration.ofDays(1)));
    assertThat((int) end[0]).isEqualTo(12);
    assertThat((Instant) end[1]).isEqualTo(T0.plus(Duration.ofDays(11)));
  }

  @Test
  void delaysAreFullJitterUnderAnExponentialCeilingWithACap() {
    Backoff backoff = Backoff.builder().random(new SplittableRandom(7)).build();
    assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofSeconds(30));
    assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofSeconds(60));
    assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofSeconds(480));
    assertThat(backoff.ceiling(10)).isEqualTo(Duration.ofSeconds(30 * 512));
    assertThat(backoff.ceiling(11)).isEqualTo(Duration.ofHours(6));
    assertThat(backoff.ceiling(1000)).isEqualTo(Duration.ofHours(6));
    boolean below = false;
    boolean above = false;
    for (int i = 0; i < 1000; i++) {
      Duration d = backoff.delay(3);
      assertThat(d).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(120));
      below |= d.compareTo(Duration.ofSeconds(30)) < 0;
      above |= d.compareTo(Duration.ofSeconds(90)) > 0;
    }
    assertThat(below && above).as("spread over the whole range").isTrue();
  }

  @Test
  void aSubSecondBaseRetriesWithinSecondsAndTheFloorFollowsIt() {
    Backoff backoff = Backoff.builder().base(Duration.ofMillis(200)).build();
    assertThat(backoff.delay(1)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.ceiling(3)).isEqualTo(Duration.ofMillis(800));
    for (int i = 0; i < 200; i++) {
      assertThat(backoff.delay(3)).isBetween(Duration.ofMillis(200), Duration.ofMillis(800));
      assertThat(backoff.delay(5)).isBetween(Duration.ofMillis(200), Duration.ofMillis(3200));
    }
    assertThat(Backoff.builder().base(Duration.ofMillis(100)).build().base())
        .isEqualTo(Duration.ofMillis(100));
    assertThatThrownBy(() -> Backoff.builder().base(Duration.ofMillis(99)).build())
        .isInstanceOf(DeliveryException.class)
        .hasMessage("The backoff base must be between 100 ms and 1 hour, was PT0.099S.");
  }

  @Test
  void retryAfterIsHonouredWithinItsCap() {
    Backoff backoff =
        Backoff.builder().base(Duration.ofSeconds(1)).cap(Duration.ofSeconds(1)).build();
    assertThat(backoff.next(1, T0, T0, Optional.of(Duration.ofMinutes(5))).retryAt())
        .hasValue(T0.plus(Duration.ofMinutes(5)));
    assertThat(backoff.next(1, T0, T0, Optional.of(Duration.ofDays(3))).retryAt())
        .hasValue(T0.plus(Duration.ofHours(6)));
    // A shorter Retry-After than the backoff does not shorten it.
    assertThat(backoff.next(1, T0, T0, Optional.of(Duration.ZERO)).retryAt())
        .hasValue(T0.plusSeconds(1));
  }

  @Test
  void retryAfterParsesSecondsAndHttpDates() {
    assertThat(Backoff.parseRetryAfter("120", T0)).hasValue(Duration.ofSeconds(120));
    assertThat(Backoff.parseRetryAfter(" 0 ", T0)).hasValue(Duration.ZERO);
    assertThat(Backoff.parseRetryAfter("Mon, 02 Mar 2026 09:30:00 GMT", T0))
        .hasValue(Duration.ofMinutes(90));
    assertThat(Backoff.parseRetryAfter("Mon, 02 Mar 2026 07:00:00 GMT", T0))
        .hasValue(Duration.ZERO);
    assertThat(Backoff.parseRetryAfter(null, T0)).isEmpty();
    assertThat(Backoff.parseRetryAfter("", T0)).isEmpty();
    assertThat(Backoff.parseRetryAfter("-5", T0)).isEmpty();
    assertThat(Backoff.parseRetryAfter("1.5", T0)).isEmpty();
    assertThat(Backoff.parseRetryAfter("soon", T0)).isEmpty();
    assertThat(Backoff.parseRetryAfter("99999999999999999999", T0))
        .get()
        .isEqualTo(Duration.ofSeconds(999_999_999_999L));
  }

  @Test
  void neverDeadBeforeBothTheHorizonAndTheMinimumAttempts() {
    Backoff backoff = Backoff.defaults();
    Instant horizon = T0.plus(Duration.ofDays(7));
    assertThat(backoff.next(11, T0, horizon.plus(Duration.ofDays(1)), Optional.empty()).dead())
        .isFalse();
    assertThat(backoff.next(500, T0, horizon.minusSeconds(1), Optional.empty()).dead()).isFalse();
    assertThat(backoff.next(12, T0, horizon, Optional.empty()).dead()).isTrue();
  }

  @Test
  void refusesSchedulesShorterThanTheIssueAllows() {
    assertThatThrownBy(() -> Backoff.builder().horizon(Duration.ofDays(3)).build())
        .isInstanceOf(DeliveryException.class)
        .hasMessage("The retry horizon must be between 7 and 90 days, was PT72H.");
    assertThatThrownBy(() -> Backoff.builder().minAttempts(11).build())
        .isInstanceOf(DeliveryException.class)
        .hasMessage("The minimum number of attempts must be between 12 and 1000, was 11.")
        .satisfies(
            e -> assertThat(((DeliveryException) e).reason()).isEqualTo("delivery.invalid_config"));
    assertThatThrownBy(
            () -> Backoff.builder().base(Duration.ofMinutes(10)).cap(Duration.ofMinutes(5)).build())
        .isInstanceOf(DeliveryException.class)
        .hasMessage("The backoff cap must be between the base (PT10M) and 1 day, was PT5M.");
  }

  @Test
  void configRefusesALeaseShorterThanAnAttempt() {
    assertThatThrownBy(
            () ->
                DeliveryConfig.builder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .responseTimeout(Duration.ofSeconds(15))
                    .lease(Duration.ofSeconds(20))
                    .build())
        .isInstanceOf(DeliveryException.class)
        .hasMessageStartingWith(
            "The lease (PT20S) must exceed connectTimeout + responseTimeout (PT20S)");
    assertThat(DeliveryConfig.defaults().lease()).isEqualTo(Duration.ofSeconds(50));
    assertThatThrownBy(() -> DeliveryConfig.builder().circuit(5, 4).build())
        .isInstanceOf(DeliveryException.class)
        .hasMessage("The circuit needs 1 <= failingAfter <= pauseAfter <= 1000, had 5 and 4.");
    assertThatThrownBy(() -> DeliveryConfig.builder().regulator("ftp://regulator.example/x"))
        .hasMessage("The endpoint URL must start with https:// or http://.");
    assertThatThrownBy(
            () -> DeliveryConfig.builder().regulator("https://regulator.example/x").build())
        .isInstanceOf(DeliveryException.class)
        .hasMessage("The regulator sink needs at least one secret to sign with.");
  }
}
