package dev.fangxin.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fangxin.gateway.config.GatewayConfig;
import dev.fangxin.gateway.delivery.DeliveryConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@link DisputeServices} turns the gateway's settings into its parts' settings. */
class DisputeServicesTest {
  @Test
  void everyBackoffBaseTheConfigurationAcceptsStartsDelivery() {
    // The configuration accepts 100ms to 1h; delivery used to refuse anything under 1 second,
    // so "fangxin gateway --delivery-backoff-base 200ms" failed to start.
    for (String base : new String[] {"100ms", "200ms", "999ms", "1s", "1h"}) {
      GatewayConfig config = GatewayConfig.load(Map.of("delivery.backoff-base", base), Map.of());
      DeliveryConfig delivery = DisputeServices.deliveryConfig(config);
      assertThat(delivery.backoff().base()).isEqualTo(config.delivery().backoffBase());
    }
    assertThat(
            DisputeServices.deliveryConfig(
                    GatewayConfig.load(Map.of("delivery.backoff-base", "200ms"), Map.of()))
                .backoff()
                .delay(1))
        .isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void theTimerIntervalIsAtLeastAMillisecond() {
    assertThat(DisputeServices.create().timerInterval(Duration.ofMillis(1))).isNotNull();
    assertThatThrownBy(() -> DisputeServices.create().timerInterval(Duration.ofNanos(999_999)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval must be at least 1 ms, got PT0.000999999S.");
  }
}
