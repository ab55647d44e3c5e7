package dev.fangxin.gateway.clearing;

import dev.fangxin.gateway.delivery.Databases;
import dev.fangxin.gateway.store.StoreConfig;

/** The pull-hook contract on a real (embedded) PostgreSQL. */
class PostgresClearingLookupTest extends ClearingLookupContractTest {
  @Override
  StoreConfig freshDatabase() throws Exception {
    return Databases.postgres();
  }
}
