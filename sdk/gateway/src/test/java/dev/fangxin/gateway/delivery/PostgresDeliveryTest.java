package dev.fangxin.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fangxin.gateway.store.OutboxRecord;
import dev.fangxin.gateway.store.StoreConfig;
import dev.fangxin.gateway.testing.MockMerchant;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The delivery contract on a real PostgreSQL, plus what only a shared production database shows:
 * two gateway nodes delivering from one outbox.
 */
class PostgresDeliveryTest extends DeliveryContractTest {
  @Override
  StoreConfig freshDatabase() throws Exception {
    return Databases.postgres();
  }

  @Test
  void twoNodesOnOneDatabaseDeliverEveryRowOnceAndNeverConcurrently() throws Exception {
    List<MockMerchant> shops = new ArrayList<>();
    for (int m = 0; m < 4; m++) {
      shops.add(merchantWithMock("X-SHOP-" + m));
      shops.get(m).defaultReply(MockMerchant.Reply.stall(Duration.ofMillis(5)));
    }
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 160; i++) {
      ids.add(enqueue("X-SHOP-" + (i % 4), null, "case.updated"));
    }
    SimpleMeterRegistry metersA = new SimpleMeterRegistry();
    SimpleMeterRegistry metersB = new SimpleMeterRegistry();
    Delivery a =
        start(config().node("node-a").workers(6).perEndpointConcurrency(3).build(), metersA);
    Delivery b =
        start(config().node("node-b").workers(6).perEndpointConcurrency(3).build(), metersB);
    a.wake();
    b.wake();
    for (long id : ids) {
      awaitDelivered(id);
    }
    int processed = 0;
    for (MockMerchant shop : shops) {
      assertThat(shop.duplicates()).isZero();
      assertThat(shop.received()).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
      processed += shop.processedIds().size();
    }
    assertThat(processed).isEqualTo(ids.size());
    for (long id : ids) {
      OutboxRecord r = row(id);
      assertThat(r.attempts()).isEqualTo(1);
      assertThat(attempts(id)).hasSize(1);
    }
    // Both nodes took part, and together made exactly one attempt per row.
    double byA = delivered(metersA);
    double byB = delivered(metersB);
    assertThat(byA).isPositive();
    assertThat(byB).isPositive();
    assertThat(byA + byB).isEqualTo(ids.size());
    assertThat(listener.delivered).hasSize(ids.size());
  }

  private static double delivered(SimpleMeterRegistry registry) {
    return registry
        .counter("fangxin.delivery.attempts", "target", "merchant", "outcome", "delivered")
        .count();
  }
}
