package dev.fangxin.gateway.api;

import dev.fangxin.gateway.store.StoreConfig;

/** The registry API end to end on the embedded default: an H2 file database. */
class H2RegistryApiTest extends RegistryApiContractTest {
  @Override
  StoreConfig freshDatabase() {
    return StoreConfig.embeddedDefault(dir.resolve("data"));
  }
}
