package dev.fangxin.gateway.clearing;

import dev.fangxin.gateway.delivery.Databases;
import dev.fangxin.gateway.store.StoreConfig;

/** The clearing hook contract on a real (embedded) PostgreSQL. */
class PostgresClearingHookTest extends ClearingHookContractTest {
  @Override
  StoreConfig freshDatabase() throws Exception {
    return Databases.postgres();
  }
}
