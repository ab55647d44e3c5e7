package dev.fangxin.gateway.clearing;

import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.gateway.store.Store;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The acquirer registry: institutions that push clearing batches and answer the pull hook, and the
 * HMAC secrets they sign hook requests with ({@code acquirers}, {@code acquirer_secrets}).
 *
 * <p><b>Rotation.</b> {@link #issueSecret} adds a secret and makes every secret that would outlive
 * {@code now + overlap} expire then; every secret whose expiry has not come is accepted ({@link
 * #activeSecrets}), so an acquirer can switch without a gap. Overlap is 0 to 7 days.
 *
 * <p>Secrets are kept in the clear (the gateway must compute the same HMAC); they are shown once by
 * {@link #issueSecret} and never listed. Thread-safe; every method is one transaction.
 */
public final class Acquirers {
  /** Longest rotation overlap. */
  public static final Duration MAX_OVERLAP = Duration.ofDays(7);

  /** Prefix of a secret's text. */
  public static final String SECRET_PREFIX = "fxa_";

  private final Store store;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  private Acquirers(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Acquirers kept in {@code store}, timed by {@code clock}. */
  public static Acquirers on(Store store, Clock clock) {
    return new Acquirers(
        Objects.requireNonNull(store, "store == null"),
        Objects.requireNonNull(clock, "clock == null"));
  }

  /**
   * Checks a callback URL: absolute {@code http} or {@code https} with a host, no user info, no
   * fragment, at most 2048 characters.
   *
   * @return a sentence saying what is wrong, or empty when it is acceptable
   */
  public static Optional<String> callbackUrlProblem(String url) {
    if (url.length() > 2048) {
      return Optional.of("callback_url has " + url.length() + " characters; at most 2048.");
    }
    try {
      URI u = new URI(url);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        return Optional.of("callback_url must be an absolute http:// or https:// URL.");
      }
      if (u.getHost() == null || u.getUserInfo() != null || u.getFragment() != null) {
        return Optional.of("callback_url needs a host and no user:password@ or #fragment.");
      }
      return Optional.empty();
    } catch (URISyntaxException e) {
      return Optional.of("callback_url is not a URL: " + e.getReason() + ".");
    }
  }

  /**
   * Registers an acquirer and issues its first secret.
   *
   * @param callbackUrl the pull hook's URL, or empty (see {@link #callbackUrlProblem})
   * @return the first secret (shown once)
   * @throws ClearingException {@code DUPLICATE_ACQUIRER} if the code is registered; {@code
   *     INVALID_FIELD} for a blank or over-long name or a bad URL
   */
  public IssuedSecret register(
      InstitutionCode institution, String name, Optional<String> callbackUrl) {
    Objects.requireNonNull(institution, "institution == null");
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(callbackUrl, "callbackUrl == null");
    List<ClearingException.FieldError> errors = new ArrayList<>();
    if (name.isBlank() || name.length() > 200) {
      errors.add(ClearingException.FieldError.of(-1, "name", "name must be 1 to 200 characters."));
    }
    callbackUrl
        .flatMap(Acquirers::callbackUrlProblem)
        .ifPresent(p -> errors.add(ClearingException.FieldError.of(-1, "callback_url", p)));
    if (!errors.isEmpty()) {
      throw new ClearingException(
          ClearingException.Reason.INVALID_FIELD, "The acquirer is not valid.", errors);
    }
    Instant now = now();
    return store.inTransaction(
        tx -> {
          if (find(tx, institution).isPresent()) {
            throw new ClearingException(
                ClearingException.Reason.DUPLICATE_ACQUIRER,
                "Acquirer " + institution.value() + " is already registered.");
          }
          try (PreparedStatement insert =
              tx.prepareStatement(
                  "INSERT INTO acquirers (institution_code, name, created_at, callback_url)"
                      + " VALUES (?, ?, ?, ?)")) {
            insert.setString(1, institution.value());
            insert.setString(2, name);
            insert.setLong(3, now.getEpochSecond());
            insert.setString(4, callbackUrl.orElse(null));
            insert.executeUpdate();
          }
          return insertSecret(tx, institution, now, null);
        });
  }

  /** The acquirer with {@code institution}, if registered. */
  public Optional<Acquirer> find(InstitutionCode institution) {
    Objects.requireNonNull(institution, "institution == null");
    return store.inTransaction(tx -> find(tx, institution));
  }

  /**
   * Sets or clears the acquirer's callback URL.
   *
   * @throws ClearingException {@code UNKNOWN_ACQUIRER}; {@code INVALID_FIELD} for a bad URL
   */
  public Acquirer setCallbackUrl(InstitutionCode institution, Optional<String> callbackUrl) {
    Objects.requireNonNull(institution, "institution == null");
    Objects.requireNonNull(callbackUrl, "callbackUrl == null");
    Optional<String> problem = callbackUrl.flatMap(Acquirers::callbackUrlProblem);
    if (problem.isPresent()) {
      throw new ClearingException(
          ClearingException.Reason.INVALID_FIELD,
          problem.get(),
          List.of(ClearingException.FieldError.of(-1, "callback_url", problem.get())));
    }
    return store.inTransaction(
        tx -> {
          require(tx, institution);
          try (PreparedStatement update =
              tx.prepareStatement(
                  "UPDATE acquirers SET callback_url = ? WHERE institution_code = ?")) {
            update.setString(1, callbackUrl.orElse(null));
            update.setString(2, institution.value());
            update.executeUpdate();
          }
          return find(tx, institution).orElseThrow();
        });
  }

  /**
   * Issues a new secret; the earlier ones stay accepted for {@code overlap} at most.
   *
   * @throws ClearingException {@code UNKNOWN_ACQUIRER}; {@code INVALID_FIELD} if the overlap is
   *     negative or longer than {@link #MAX_OVERLAP}
   */
  public IssuedSecret issueSecret(InstitutionCode institution, Duration overlap) {
    Objects.requireNonNull(institution, "institution == null");
    Objects.requireNonNull(overlap, "overlap == null");
    if (overlap.isNegative() || overlap.compareTo(MAX_OVERLAP) > 0) {
      String m = "overlap must be 0 to 604800 seconds (7 days), got " + overlap.toSeconds() + ".";
      throw new ClearingException(
          ClearingException.Reason.INVALID_FIELD,
          m,
          List.of(ClearingException.FieldError.of(-1, "overlap_seconds", m)));
    }
    Instant now = now();
    Instant cutoff = now.plus(overlap);
    return store.inTransaction(
        tx -> {
          lock(tx, institution);
          Instant previous = null;
          for (AcquirerSecret s : secrets(tx, institution)) {
            if (!s.activeAt(now)) {
              continue;
            }
            Instant end = s.expiresAt().filter(e -> e.isBefore(cutoff)).orElse(cutoff);
            try (PreparedStatement update =
                tx.prepareStatement("UPDATE acquirer_secrets SET expires_at = ? WHERE id = ?")) {
              update.setLong(1, end.getEpochSecond());
              update.setLong(2, s.id());
              update.executeUpdate();
            }
            previous = previous == null || end.isAfter(previous) ? end : previous;
          }
          return insertSecret(tx, institution, now, previous);
        });
  }

  /** Every secret of the acquirer, oldest first, without the secret text. */
  public List<AcquirerSecret> secrets(InstitutionCode institution) {
    Objects.requireNonNull(institution, "institution == null");
    return store.inTransaction(
        tx -> {
          require(tx, institution);
          return secrets(tx, institution);
        });
  }

  /**
   * The HMAC keys (32 bytes each) of the acquirer's secrets accepted at {@code at}; empty if the
   * acquirer is unknown or has none. Callers must not keep or log them.
   */
  public List<byte[]> activeKeys(InstitutionCode institution, Instant at) {
    Objects.requireNonNull(institution, "institution == null");
    Objects.requireNonNull(at, "at == null");
    return store.inTransaction(
        tx -> {
          List<byte[]> keys = new ArrayList<>();
          try (PreparedStatement select =
              tx.prepareStatement(
                  "SELECT secret FROM acquirer_secrets WHERE institution_code = ?"
                      + " AND (expires_at IS NULL OR expires_at > ?) ORDER BY id")) {
            select.setString(1, institution.value());
            select.setLong(2, at.getEpochSecond());
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                keys.add(HookSignature.keyOf(rows.getString(1)));
              }
            }
          }
          return keys;
        });
  }

  private IssuedSecret insertSecret(
      Connection tx, InstitutionCode institution, Instant now, Instant previous)
      throws SQLException {
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    String secret = SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    try (PreparedStatement insert =
        tx.prepareStatement(
            "INSERT INTO acquirer_secrets (institution_code, secret, created_at) VALUES (?, ?, ?)",
            Statement.RETURN_GENERATED_KEYS)) {
      insert.setString(1, institution.value());
      insert.setString(2, secret);
      insert.setLong(3, now.getEpochSecond());
      insert.executeUpdate();
      try (ResultSet keys = insert.getGeneratedKeys()) {
        keys.next();
        return new IssuedSecret(keys.getLong(1), secret, previous);
      }
    }
  }

  private static List<AcquirerSecret> secrets(Connection tx, InstitutionCode institution)
      throws SQLException {
    List<AcquirerSecret> list = new ArrayList<>();
    try (PreparedStatement select =
        tx.prepareStatement(
            "SELECT id, created_at, expires_at FROM acquirer_secrets WHERE institution_code = ?"
                + " ORDER BY id")) {
      select.setString(1, institution.value());
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          long id = rows.getLong(1);
          long created = rows.getLong(2);
          long expires = rows.getLong(3);
          boolean open = rows.wasNull();
          list.add(
              new AcquirerSecret(
                  id,
                  Instant.ofEpochSecond(created),
                  open ? null : Instant.ofEpochSecond(expires)));
        }
      }
    }
    return list;
  }

  static Optional<Acquirer> find(Connection tx, InstitutionCode institution) throws SQLException {
    try (PreparedStatement select =
        tx.prepareStatement(
            "SELECT name, callback_url, created_at FROM acquirers WHERE institution_code = ?")) {
      select.setString(1, institution.value());
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        String url = row.getString(2);
        return Optional.of(
            Acquirer.of(
                institution,
                row.getString(1),
                url == null ? null : URI.create(url),
                Instant.ofEpochSecond(row.getLong(3))));
      }
    }
  }

  private static void require(Connection tx, InstitutionCode institution) throws SQLException {
    if (find(tx, institution).isEmpty()) {
      throw unknown(institution);
    }
  }

  private static void lock(Connection tx, InstitutionCode institution) throws SQLException {
    try (PreparedStatement select =
        tx.prepareStatement(
            "SELECT institution_code FROM acquirers WHERE institution_code = ? FOR UPDATE")) {
      select.setString(1, institution.value());
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          throw unknown(institution);
        }
      }
    }
  }

  static ClearingException unknown(InstitutionCode institution) {
    return new ClearingException(
        ClearingException.Reason.UNKNOWN_ACQUIRER,
        "No acquirer " + institution.value() + " is registered.");
  }

  private Instant now() {
    return Instant.ofEpochSecond(clock.instant().getEpochSecond());
  }
}
