package dev.fangxin.gateway.clearing;

import dev.fangxin.gateway.delivery.Databases;
import dev.fangxin.gateway.store.StoreConfig;

/** The trace routing contract on a real (embedded) PostgreSQL. */
class PostgresTraceRoutingTest extends TraceRoutingContractTest {
  @Override
  StoreConfig freshDatabase() throws Exception {
    return Databases.postgres();
  }
}
