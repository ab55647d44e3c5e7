package dev.fangxin.gateway.clearing;

import dev.fangxin.gateway.delivery.Databases;
import dev.fangxin.gateway.store.StoreConfig;

/** Mutual TLS for acquirers on H2. */
class H2AcquirerMtlsTest extends AcquirerMtlsContractTest {
  @Override
  StoreConfig freshDatabase() {
    return Databases.h2(dir);
  }
}
