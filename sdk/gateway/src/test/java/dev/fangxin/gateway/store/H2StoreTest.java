package dev.fangxin.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded default: an H2 file database in a temporary directory. */
class H2StoreTest extends StoreContractTest {
  @TempDir Path dir;

  @Override
  StoreConfig freshDatabase() {
    return StoreConfig.embeddedDefault(dir.resolve("data"));
  }

  @Override
  StoreConfig wrongPassword() {
    // The database exists (openStore created it, as user fangxin with an empty password).
    return StoreConfig.of(freshDatabase().jdbcUrl(), "fangxin", SECRET_PASSWORD, 2);
  }

  @Override
  StoreConfig unreachable() {
    return StoreConfig.of(
        "jdbc:h2:tcp://127.0.0.1:1/nowhere;MODE=PostgreSQL;password=" + SECRET_PASSWORD,
        "fangxin",
        SECRET_PASSWORD,
        2);
  }

  @Override
  StoreConfig.Dialect dialect() {
    return StoreConfig.Dialect.H2;
  }

  @Test
  void embeddedDefaultIsAnH2FileDatabaseInPostgresMode() {
    StoreConfig config = StoreConfig.embeddedDefault(Path.of("data"));
    assertThat(config.dialect()).isEqualTo(StoreConfig.Dialect.H2);
    assertThat(config.jdbcUrl())
        .isEqualTo(
            "jdbc:h2:file:"
                + Path.of("data").toAbsolutePath().normalize().resolve("fangxin")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                + ";LOCK_TIMEOUT=10000;WRITE_DELAY=0");
    assertThat(config.user()).isEqualTo("fangxin");
    assertThat(config.poolSize()).isEqualTo(StoreConfig.DEFAULT_POOL_SIZE);
  }

  @Test
  void theEmbeddedDefaultWritesEveryCommitToTheFileBeforeItReturns() throws Exception {
    // With H2's default WRITE_DELAY (500 ms) a gateway killed with SIGKILL lost complaints it had
    // answered 201 (GatewayKillTest in sdk/cli); 0 writes the file at every commit.
    try (Store store = Store.open(StoreConfig.embeddedDefault(dir.resolve("durable")));
        java.sql.Connection c = store.connection();
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs =
            s.executeQuery(
                "SELECT setting_value FROM information_schema.settings"
                    + " WHERE setting_name = 'WRITE_DELAY'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("0");
    }
  }

  @Test
  void theDatabaseFileLivesInTheDataDirectory() {
    assertThat(Files.exists(dir.resolve("data").resolve("fangxin.mv.db"))).isTrue();
  }

  @Test
  void postgresUrlSelectsPostgres() {
    StoreConfig config = StoreConfig.of("jdbc:postgresql://db:5432/fangxin", "gw", "pw", 5);
    assertThat(config.dialect()).isEqualTo(StoreConfig.Dialect.POSTGRESQL);
    assertThat(config.toString())
        .isEqualTo(
            "StoreConfig{url=jdbc:postgresql://db:5432/fangxin, user=gw, poolSize=5,"
                + " dialect=POSTGRESQL}");
  }

  @Test
  void passwordParametersAreRedactedFromTheUrl() {
    StoreConfig config =
        StoreConfig.of("jdbc:postgresql://db/fangxin?user=gw&password=hunter2&ssl=true", "", "", 1);
    assertThat(config.redactedUrl())
        .isEqualTo("jdbc:postgresql://db/fangxin?user=gw&password=***&ssl=true");
    assertThat(config.toString()).doesNotContain("hunter2");
  }

  @Test
  void unsupportedUrlIsRejected() {
    assertThatThrownBy(() -> StoreConfig.of("jdbc:mysql://db/x?password=hunter2", "u", "p", 1))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "The store URL jdbc:mysql://db/x?password=*** is not supported; expected one starting"
                + " with jdbc:postgresql: or jdbc:h2:.")
        .satisfies(
            e -> assertThat(((StoreException) e).reason()).isEqualTo("store.invalid_config"));
  }

  @Test
  void poolSizeOutOfRangeIsRejected() {
    assertThatThrownBy(() -> StoreConfig.of("jdbc:h2:mem:x", "u", "", 0))
        .isInstanceOf(StoreException.class)
        .hasMessage("The store pool size 0 is out of range; expected 1 to 200 connections.");
    assertThatThrownBy(() -> StoreConfig.of("jdbc:h2:mem:x", "u", "", 201))
        .isInstanceOf(StoreException.class)
        .hasMessage("The store pool size 201 is out of range; expected 1 to 200 connections.");
  }
}
