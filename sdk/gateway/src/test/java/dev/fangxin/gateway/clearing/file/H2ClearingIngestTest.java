package dev.fangxin.gateway.clearing.file;

import dev.fangxin.gateway.store.StoreConfig;

/** The clearing file ingest on the embedded H2 database (JDBC batch inserts). */
class H2ClearingIngestTest extends ClearingIngestContractTest {
  @Override
  StoreConfig freshDatabase() {
    return StoreConfig.embeddedDefault(dir.resolve("data"));
  }
}
