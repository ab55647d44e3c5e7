package dev.fangxin.gateway.clearing;

import dev.fangxin.gateway.delivery.Databases;
import dev.fangxin.gateway.store.StoreConfig;

/** The stored tool type form on a real (embedded) PostgreSQL. */
class PostgresToolTypeFormTest extends ToolTypeFormContractTest {
  @Override
  StoreConfig freshDatabase() throws Exception {
    return Databases.postgres();
  }
}
