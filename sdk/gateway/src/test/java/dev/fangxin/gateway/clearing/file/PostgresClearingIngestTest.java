package dev.fangxin.gateway.clearing.file;

import dev.fangxin.gateway.ops.TestPostgres;
import dev.fangxin.gateway.store.StoreConfig;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The clearing file ingest on a real PostgreSQL (COPY FROM STDIN). */
class PostgresClearingIngestTest extends ClearingIngestContractTest {
  private static TestPostgres server;

  @BeforeAll
  static void start() {
    server = TestPostgres.start();
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Override
  StoreConfig freshDatabase() throws Exception {
    return server.freshDatabase();
  }
}
