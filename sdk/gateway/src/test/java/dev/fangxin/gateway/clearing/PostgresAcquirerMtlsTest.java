package dev.fangxin.gateway.clearing;

import dev.fangxin.gateway.delivery.Databases;
import dev.fangxin.gateway.store.StoreConfig;

/** Mutual TLS for acquirers on a real (embedded) PostgreSQL. */
class PostgresAcquirerMtlsTest extends AcquirerMtlsContractTest {
  @Override
  StoreConfig freshDatabase() throws Exception {
    return Databases.postgres();
  }
}
