package dev.fangxin.gateway.endpoint;

import dev.fangxin.gateway.delivery.Databases;
import dev.fangxin.gateway.store.StoreConfig;

/** The endpoint contract on a real PostgreSQL. */
class PostgresEndpointsTest extends EndpointsContractTest {
  @Override
  StoreConfig freshDatabase() throws Exception {
    return Databases.postgres();
  }
}
