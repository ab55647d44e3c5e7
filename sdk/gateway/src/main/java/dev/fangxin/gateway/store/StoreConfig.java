package dev.fangxin.gateway.store;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the gateway's store lives and how many connections it may hold.
 *
 * <p>Two databases are supported, chosen by the URL prefix: {@code jdbc:h2:} (the embedded default,
 * run in H2's PostgreSQL compatibility mode) and {@code jdbc:postgresql:} (production). Instances
 * are immutable and safe to share between threads. {@link #toString()} never shows the password.
 */
public final class StoreConfig {
  /** The database behind a {@link StoreConfig}, derived from its URL. */
  public enum Dialect {
    /** H2 2.x in {@code MODE=PostgreSQL}; a file database under the data directory. */
    H2,
    /** PostgreSQL 14 or later. */
    POSTGRESQL
  }

  /** The default pool size: enough for intake plus a few delivery workers on a small machine. */
  public static final int DEFAULT_POOL_SIZE = 10;

  /** The largest pool size accepted; more connections than this help no gateway node. */
  public static final int MAX_POOL_SIZE = 200;

  /**
   * H2 settings that keep the SQL portable to PostgreSQL: PostgreSQL mode, unquoted names folded to
   * lower case as PostgreSQL does, NULLs sorted last in ascending order as PostgreSQL does, and a
   * lock timeout long enough for short transactions to queue rather than fail.
   */
  static final String H2_SETTINGS =
      ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000";

  /**
   * H2 writes committed transactions to its file only every {@code WRITE_DELAY} milliseconds (500
   * by default), so a process killed in between loses commits it has already acknowledged — a
   * complaint answered 201 would be gone after a restart. {@code WRITE_DELAY=0} makes every commit
   * write the file before it returns (a write, not an fsync: it survives the process, not the
   * machine losing power).
   */
  static final String H2_DURABILITY = ";WRITE_DELAY=0";

  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");

  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final int poolSize;
  private final Dialect dialect;

  private StoreConfig(String jdbcUrl, String user, String password, int poolSize, Dialect dialect) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.poolSize = poolSize;
    this.dialect = dialect;
  }

  /**
   * A store at {@code jdbcUrl}.
   *
   * @param jdbcUrl starts with {@code jdbc:h2:} or {@code jdbc:postgresql:}
   * @param user the database user; may be empty for H2
   * @param password the password; may be empty; never shown in messages
   * @param poolSize 1 to {@value #MAX_POOL_SIZE} connections
   * @throws StoreException {@link StoreException.Reason#INVALID_CONFIG} naming what was wrong
   */
  public static StoreConfig of(String jdbcUrl, String user, String password, int poolSize) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl == null");
    Objects.requireNonNull(user, "user == null");
    Objects.requireNonNull(password, "password == null");
    Dialect dialect;
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      dialect = Dialect.POSTGRESQL;
    } else if (jdbcUrl.startsWith("jdbc:h2:")) {
      dialect = Dialect.H2;
    } else {
      throw new StoreException(
          StoreException.Reason.INVALID_CONFIG,
          "The store URL "
              + redact(jdbcUrl)
              + " is not supported; expected one starting with jdbc:postgresql: or jdbc:h2:.");
    }
    if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
      throw new StoreException(
          StoreException.Reason.INVALID_CONFIG,
          "The store pool size "
              + poolSize
              + " is out of range; expected 1 to "
              + MAX_POOL_SIZE
              + " connections.");
    }
    return new StoreConfig(jdbcUrl, user, password, poolSize, dialect);
  }

  /**
   * The embedded default: an H2 file database {@code <dataDir>/fangxin.mv.db} in PostgreSQL mode,
   * user {@code fangxin}, empty password, {@value #DEFAULT_POOL_SIZE} connections, every commit
   * written to the file before it returns (so an acknowledged write survives {@code kill -9}). The
   * directory is created by H2 on first open. Only one process may open it at a time.
   */
  public static StoreConfig embeddedDefault(Path dataDir) {
    Objects.requireNonNull(dataDir, "dataDir == null");
    String base = dataDir.toAbsolutePath().normalize().resolve("fangxin").toString();
    return of(
        "jdbc:h2:file:" + base + H2_SETTINGS + H2_DURABILITY, "fangxin", "", DEFAULT_POOL_SIZE);
  }

  /** The JDBC URL, exactly as given (it may carry credentials: prefer {@link #redactedUrl()}). */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The JDBC URL with any {@code password=} parameter replaced by {@code ***}: safe to log. */
  public String redactedUrl() {
    return redact(jdbcUrl);
  }

  /** The database user. */
  public String user() {
    return user;
  }

  /** The password; package-private so that only the pool sees it. */
  String password() {
    return password;
  }

  /** The maximum number of pooled connections. */
  public int poolSize() {
    return poolSize;
  }

  /** The database behind the URL. */
  public Dialect dialect() {
    return dialect;
  }

  /** A copy with a different pool size. */
  public StoreConfig withPoolSize(int poolSize) {
    return of(jdbcUrl, user, password, poolSize);
  }

  static String redact(String url) {
    return URL_PASSWORD.matcher(url).replaceAll("$1***");
  }

  @Override
  public String toString() {
    return "StoreConfig{url="
        + redactedUrl()
        + ", user="
        + user
        + ", poolSize="
        + poolSize
        + ", dialect="
        + dialect
        + "}";
  }
}
