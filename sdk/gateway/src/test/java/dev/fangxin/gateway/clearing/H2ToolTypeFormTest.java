package dev.fangxin.gateway.clearing;

import dev.fangxin.gateway.delivery.Databases;
import dev.fangxin.gateway.store.StoreConfig;

/** The stored tool type form on H2. */
class H2ToolTypeFormTest extends ToolTypeFormContractTest {
  @Override
  StoreConfig freshDatabase() {
    return Databases.h2(dir);
  }
}
