package dev.fangxin.gateway.endpoint;

import com.google.gson.JsonObject;
import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.core.webhook.WebhookSigningKey;
import dev.fangxin.gateway.store.Store;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Merchants' webhook endpoints, their signing secrets and keys, and the circuit that pauses an
 * endpoint that keeps failing, kept in a {@link Store} ({@code merchant_endpoints}, {@code
 * endpoint_secrets}).
 *
 * <p><b>Secrets.</b> Every endpoint has at least one HMAC secret ({@code whsec_}, 32 random bytes)
 * that signs {@code v1}. A secret is returned once, by the call that creates it ({@link #put} for a
 * new endpoint, {@link #rotateSecret}), and never again. Rotation creates a new secret and makes
 * every older one expire after an overlap (default {@link #DEFAULT_OVERLAP}); until then deliveries
 * carry one {@code v1} signature per active secret, so a receiver can switch secrets whenever it
 * likes within the overlap.
 *
 * <p><b>{@code v1a}.</b> The issue asks for an Ed25519 signature "when the merchant registered a
 * public key". A {@code v1a} signature is made with a private key, which the gateway must hold to
 * sign; so the gateway generates the Ed25519 key pair for the endpoint when the merchant asks for
 * {@code v1a}, keeps the private seed in {@code merchant_endpoints.signing_key}, and hands the
 * merchant the public key ({@code whpk_…}) to verify with. The public key is not secret and is
 * shown by every read. Asking for {@code v1a} again keeps the same key; turning it off deletes the
 * key, and turning it on later makes a new one.
 *
 * <p><b>Moving.</b> Delivery always reads the current row, so a new URL takes effect for every
 * pending retry. Moving does not change secrets and does not lift a pause.
 *
 * <p><b>Circuit.</b> {@link #recordFailure}, {@link #notifyFailing}, {@link #pause}, {@link
 * #claimProbe}, {@link #recordSuccess} and {@link #resume} keep the circuit state in the database,
 * shared by every gateway node. Pausing and resuming always enqueue notices ({@code
 * endpoint.paused}, {@code endpoint.resumed}, and {@code endpoint.failing} before) to the
 * merchant's endpoint and to the regulator sink in the same transaction that changes the state: an
 * endpoint is never paused silently.
 *
 * <p>Times are whole UTC seconds. Every statement binds its values as parameters. Safe to use from
 * many threads and nodes. Refusals are {@link EndpointException}s and change nothing; database
 * failures are {@link dev.fangxin.gateway.store.StoreException}s.
 */
public final class Endpoints {
  /** How long the previous secrets keep signing after a rotation, unless told otherwise: 24 h. */
  public static final Duration DEFAULT_OVERLAP = Duration.ofHours(24);

  /** The longest rotation overlap accepted: 7 days. */
  public static final Duration MAX_OVERLAP = Duration.ofDays(7);

  /**
   * The most secrets that may sign at once: a delivery carries one {@code v1} signature per active
   * secret plus the {@code v1a} one, and a signer holds at most 16 secrets and keys in all.
   */
  public static final int MAX_ACTIVE_SECRETS = 15;

  /** The longest URL accepted, in characters. */
  public static final int MAX_URL = 2048;

  /** Event type of the notice that an endpoint keeps failing. */
  public static final String FAILING = "endpoint.failing";

  /** Event type of the notice that an endpoint has been paused. */
  public static final String PAUSED = "endpoint.paused";

  /** Event type of the notice that a paused endpoint receives deliveries again. */
  public static final String RESUMED = "endpoint.resumed";

  /** What {@link #put} does with the {@code v1a} signing key. */
  public enum V1a {
    /** Leave it as it is (none for a new endpoint). */
    KEEP,
    /** Make sure the endpoint has one: keep an existing key, generate one otherwise. */
    ENABLE,
    /** Delete it: deliveries carry {@code v1} signatures only. */
    DISABLE
  }

  /** What {@link #put} did. Immutable. */
  public static final class Setup {
    private final Endpoint endpoint;
    private final boolean created;
    private final WebhookSecret newSecret;

    private Setup(Endpoint endpoint, boolean created, WebhookSecret newSecret) {
      this.endpoint = endpoint;
      this.created = created;
      this.newSecret = newSecret;
    }

    /** The endpoint as it is now. */
    public Endpoint endpoint() {
      return endpoint;
    }

    /** Whether the endpoint was created (rather than moved or changed). */
    public boolean created() {
      return created;
    }

    /** The first secret of a newly created endpoint: show it to the merchant once. */
    public Optional<WebhookSecret> newSecret() {
      return Optional.ofNullable(newSecret);
    }
  }

  /** What {@link #rotateSecret} did. Immutable. */
  public static final class Rotation {
    private final long id;
    private final WebhookSecret secret;
    private final Instant previousExpireAt;

    private Rotation(long id, WebhookSecret secret, Instant previousExpireAt) {
      this.id = id;
      this.secret = secret;
      this.previousExpireAt = previousExpireAt;
    }

    /** The new secret's row ID. */
    public long id() {
      return id;
    }

    /** The new secret: show it to the merchant once. */
    public WebhookSecret secret() {
      return secret;
    }

    /** When the secrets that were active before stop signing. */
    public Instant previousExpireAt() {
      return previousExpireAt;
    }
  }

  private final Store store;
  private final Clock clock;

  private Endpoints(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Endpoints kept in {@code store}; {@code clock} stamps changes made through the HTTP API. */
  public static Endpoints on(Store store, Clock clock) {
    return new Endpoints(
        Objects.requireNonNull(store, "store == null"),
        Objects.requireNonNull(clock, "clock == null"));
  }

  /** The clock this instance was built with. */
  public Clock clock() {
    return clock;
  }

  /**
   * Validates a webhook URL: absolute {@code http} or {@code https}, with a host, without user
   * information (credentials) or a fragment, at most {@value #MAX_URL} characters, no spaces or
   * control characters.
   *
   * @throws EndpointException {@code INVALID_URL} saying what is wrong; the message never repeats
   *     user information
   */
  public static URI checkUrl(String url) {
    Objects.requireNonNull(url, "url == null");
    if (url.isEmpty() || url.length() > MAX_URL) {
      throw invalidUrl("The endpoint URL must be 1 to " + MAX_URL + " characters long.");
    }
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c <= 0x20 || c == 0x7f) {
        throw invalidUrl("The endpoint URL must not contain spaces or control characters.");
      }
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw invalidUrl("The endpoint URL is not a valid URI: " + e.getReason() + ".");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw invalidUrl("The endpoint URL must start with https:// or http://.");
    }
    if (uri.getRawUserInfo() != null
        || uri.getRawAuthority() != null && uri.getRawAuthority().contains("@")) {
      throw invalidUrl(
          "The endpoint URL must not carry credentials (user:password@); authenticate webhooks"
              + " by their signature.");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw invalidUrl("The endpoint URL must name a host.");
    }
    if (uri.getRawFragment() != null) {
      throw invalidUrl("The endpoint URL must not have a fragment (#…).");
    }
    return uri;
  }

  private static EndpointException invalidUrl(String message) {
    return new EndpointException(EndpointException.Reason.INVALID_URL, message);
  }

  /**
   * Sets merchant {@code merchantId}'s endpoint to {@code url}: creates it with a first secret if
   * it has none, otherwise moves it (secrets, circuit state and pause unchanged). {@code v1a} says
   * what happens to the Ed25519 signing key.
   *
   * @throws EndpointException {@code INVALID_URL}, or {@code UNKNOWN_MERCHANT} if no merchant has
   *     this ID
   */
  public Setup put(String merchantId, String url, V1a v1a) {
    Objects.requireNonNull(merchantId, "merchantId == null");
    Objects.requireNonNull(v1a, "v1a == null");
    checkUrl(url);
    return store.inTransaction(tx -> put(tx, merchantId, url, v1a));
  }

  /**
   * {@link #put(String, String, V1a)} inside the caller's transaction {@code tx} (which it does not
   * commit), so that a caller can move the endpoint together with other writes, all or nothing.
   *
   * @throws EndpointException as {@link #put(String, String, V1a)}
   */
  public Setup put(Connection tx, String merchantId, String url, V1a v1a) throws SQLException {
    Objects.requireNonNull(tx, "tx == null");
    Objects.requireNonNull(merchantId, "merchantId == null");
    Objects.requireNonNull(v1a, "v1a == null");
    URI uri = checkUrl(url);
    Instant now = nowSeconds();
    if (!merchantExists(tx, merchantId)) {
      throw unknownMerchant(merchantId);
    }
    Row row = lockRow(tx, merchantId);
    WebhookSecret newSecret = null;
    if (row == null) {
      byte[] seed = v1a == V1a.ENABLE ? seedOf(WebhookSigningKey.generate()) : null;
      try (PreparedStatement insert =
          tx.prepareStatement(
              "INSERT INTO merchant_endpoints (merchant_id, url, signing_key, created_at,"
                  + " updated_at) VALUES (?, ?, ?, ?, ?)")) {
        insert.setString(1, merchantId);
        insert.setString(2, uri.toString());
        if (seed == null) {
          insert.setNull(3, Types.BINARY);
        } else {
          insert.setBytes(3, seed);
        }
        insert.setLong(4, now.getEpochSecond());
        insert.setLong(5, now.getEpochSecond());
        insert.executeUpdate();
      }
      newSecret = WebhookSecret.generate();
      insertSecret(tx, merchantId, newSecret, now);
    } else {
      byte[] seed = row.signingKey;
      if (v1a == V1a.ENABLE && seed == null) {
        seed = seedOf(WebhookSigningKey.generate());
      } else if (v1a == V1a.DISABLE) {
        seed = null;
      }
      try (PreparedStatement update =
          tx.prepareStatement(
              "UPDATE merchant_endpoints SET url = ?, signing_key = ?, updated_at = ?"
                  + " WHERE merchant_id = ?")) {
        update.setString(1, uri.toString());
        if (seed == null) {
          update.setNull(2, Types.BINARY);
        } else {
          update.setBytes(2, seed);
        }
        update.setLong(3, now.getEpochSecond());
        update.setString(4, merchantId);
        update.executeUpdate();
      }
    }
    Endpoint endpoint = read(tx, merchantId, now).orElseThrow();
    return new Setup(endpoint, row == null, newSecret);
  }

  /**
   * Creates a new secret for merchant {@code merchantId}'s endpoint and makes every secret active
   * before it expire at {@code now + overlap} (or earlier, if one was already due to expire
   * sooner). With a zero overlap the old secrets stop signing at once.
   *
   * @throws EndpointException {@code INVALID_OVERLAP} if {@code overlap} is negative or longer than
   *     {@link #MAX_OVERLAP}; {@code NOT_CONFIGURED} if the merchant has no endpoint
   */
  public Rotation rotateSecret(String merchantId, Duration overlap) {
    Objects.requireNonNull(merchantId, "merchantId == null");
    Objects.requireNonNull(overlap, "overlap == null");
    if (overlap.isNegative() || overlap.compareTo(MAX_OVERLAP) > 0) {
      throw new EndpointException(
          EndpointException.Reason.INVALID_OVERLAP,
          "The rotation overlap must be between 0 and "
              + MAX_OVERLAP.toDays()
              + " days, was "
              + overlap.getSeconds()
              + " seconds.");
    }
    Instant now = nowSeconds();
    Instant expire = now.plusSeconds(overlap.getSeconds());
    return store.inTransaction(
        tx -> {
          if (lockRow(tx, merchantId) == null) {
            throw notConfigured(merchantId);
          }
          if (!overlap.isZero()) {
            int active = activeSecrets(tx, merchantId, now);
            if (active >= MAX_ACTIVE_SECRETS) {
              throw new EndpointException(
                  EndpointException.Reason.TOO_MANY_SECRETS,
                  active
                      + " secrets already sign this endpoint's deliveries; at most "
                      + MAX_ACTIVE_SECRETS
                      + " may. Wait until older ones expire, or rotate with an overlap of 0"
                      + " seconds, which retires every older secret at once.");
            }
          }
          try (PreparedStatement update =
              tx.prepareStatement(
                  "UPDATE endpoint_secrets SET expires_at = ? WHERE merchant_id = ?"
                      + " AND (expires_at IS NULL OR expires_at > ?)")) {
            update.setLong(1, expire.getEpochSecond());
            update.setString(2, merchantId);
            update.setLong(3, expire.getEpochSecond());
            update.executeUpdate();
          }
          WebhookSecret secret = WebhookSecret.generate();
          long id = insertSecret(tx, merchantId, secret, now);
          return new Rotation(id, secret, expire);
        });
  }

  private static int activeSecrets(Connection tx, String merchantId, Instant now)
      throws SQLException {
    try (PreparedStatement q =
        tx.prepareStatement(
            "SELECT COUNT(*) FROM endpoint_secrets WHERE merchant_id = ? AND created_at <= ?"
                + " AND (expires_at IS NULL OR expires_at > ?)")) {
      q.setString(1, merchantId);
      q.setLong(2, now.getEpochSecond());
      q.setLong(3, now.getEpochSecond());
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /**
   * Merchant {@code merchantId}'s endpoint as it is at {@code now}, with the secrets active then
   * (created at or before {@code now}, not yet expired), or empty if the merchant has none.
   */
  public Optional<Endpoint> current(String merchantId, Instant now) {
    Objects.requireNonNull(merchantId, "merchantId == null");
    Objects.requireNonNull(now, "now == null");
    return store.inTransaction(tx -> read(tx, merchantId, now));
  }

  /**
   * The endpoints of {@code merchantIds} as they are at {@code now}, read in one transaction; a
   * merchant without an endpoint is absent from the map. Delivery reads the endpoints of a whole
   * claimed batch this way.
   */
  public Map<String, Endpoint> current(Collection<String> merchantIds, Instant now) {
    Objects.requireNonNull(merchantIds, "merchantIds == null");
    Objects.requireNonNull(now, "now == null");
    List<String> ids = List.copyOf(new TreeSet<>(merchantIds));
    if (ids.isEmpty()) {
      return Map.of();
    }
    return store.inTransaction(tx -> readAll(tx, ids, now));
  }

  /** As {@link #read} for every merchant in {@code ids}, with two queries in all. */
  private static Map<String, Endpoint> readAll(Connection tx, List<String> ids, Instant now)
      throws SQLException {
    String in = "(" + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")";
    Map<String, Row> rows = new HashMap<>();
    try (PreparedStatement select =
        tx.prepareStatement(
            "SELECT "
                + ROW_COLUMNS
                + ", merchant_id FROM merchant_endpoints WHERE merchant_id IN "
                + in)) {
      for (int i = 0; i < ids.size(); i++) {
        select.setString(i + 1, ids.get(i));
      }
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          rows.put(rs.getString(10), row(rs));
        }
      }
    }
    Map<String, List<Endpoint.ActiveSecret>> secrets = new HashMap<>();
    try (PreparedStatement select =
        tx.prepareStatement(
            "SELECT merchant_id, id, secret, created_at, expires_at FROM endpoint_secrets"
                + " WHERE merchant_id IN "
                + in
                + " AND created_at <= ? AND (expires_at IS NULL OR expires_at > ?)"
                + " ORDER BY merchant_id, created_at DESC, id DESC")) {
      int i = 1;
      for (String id : ids) {
        select.setString(i++, id);
      }
      select.setLong(i++, now.getEpochSecond());
      select.setLong(i, now.getEpochSecond());
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          secrets
              .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(
                  new Endpoint.ActiveSecret(
                      rs.getLong(2),
                      WebhookSecret.parse(rs.getString(3)),
                      Instant.ofEpochSecond(rs.getLong(4)),
                      instant(rs, 5)));
        }
      }
    }
    Map<String, Endpoint> out = new HashMap<>();
    for (Map.Entry<String, Row> e : rows.entrySet()) {
      out.put(
          e.getKey(),
          endpoint(e.getKey(), e.getValue(), secrets.getOrDefault(e.getKey(), List.of())));
    }
    return out;
  }

  // ---------------------------------------------------------------- circuit

  /**
   * Counts one more failed attempt to merchant {@code merchantId}'s endpoint.
   *
   * @return the failures since the last success, this one included; 0 if there is no endpoint
   */
  public int recordFailure(String merchantId) {
    return recordFailures(merchantId, 1);
  }

  /**
   * Counts {@code n} more failed attempts to merchant {@code merchantId}'s endpoint in one
   * transaction.
   *
   * @param n at least 1
   * @return the failures since the last success, these included; 0 if there is no endpoint
   */
  public int recordFailures(String merchantId, int n) {
    Objects.requireNonNull(merchantId, "merchantId == null");
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, was " + n);
    }
    return store.inTransaction(
        tx -> {
          try (PreparedStatement update =
              tx.prepareStatement(
                  "UPDATE merchant_endpoints SET consecutive_failures = consecutive_failures + ?"
                      + " WHERE merchant_id = ?")) {
            update.setInt(1, n);
            update.setString(2, merchantId);
            if (update.executeUpdate() == 0) {
              return 0;
            }
          }
          try (PreparedStatement select =
              tx.prepareStatement(
                  "SELECT consecutive_failures FROM merchant_endpoints WHERE merchant_id = ?")) {
            select.setString(1, merchantId);
            try (ResultSet row = select.executeQuery()) {
              return row.next() ? row.getInt(1) : 0;
            }
          }
        });
  }

  /**
   * Records a successful delivery to merchant {@code merchantId}'s endpoint: the failure streak
   * ends, and a paused endpoint (whose half-open probe just succeeded) is {@linkplain #resume
   * resumed}.
   *
   * @return true if this call resumed a paused endpoint
   */
  public boolean recordSuccess(String merchantId, Instant now) {
    Objects.requireNonNull(merchantId, "merchantId == null");
    Objects.requireNonNull(now, "now == null");
    return store.inTransaction(
        tx -> {
          Row row = lockRow(tx, merchantId);
          if (row == null) {
            return false;
          }
          if (row.pausedAt != null) {
            resumeIn(tx, merchantId, row, now, "a delivery to the endpoint succeeded");
            return true;
          }
          if (row.consecutiveFailures != 0 || row.failingNotifiedAt != null) {
            try (PreparedStatement update =
                tx.prepareStatement(
                    "UPDATE merchant_endpoints SET consecutive_failures = 0,"
                        + " failing_notified_at = NULL WHERE merchant_id = ?")) {
              update.setString(1, merchantId);
              update.executeUpdate();
            }
          }
          return false;
        });
  }

  /**
   * Records successful deliveries to the endpoints of {@code merchantIds}, as {@link
   * #recordSuccess} does for each, but in one transaction that reads the circuit state of all of
   * them without locking and writes only where a failure streak must end; an endpoint that is
   * paused is resumed by {@link #recordSuccess} in a transaction of its own. Delivery calls this
   * once per batch of recorded attempts.
   *
   * @return the merchants whose paused endpoint this call resumed
   */
  public Set<String> recordSuccesses(Collection<String> merchantIds, Instant now) {
    Objects.requireNonNull(merchantIds, "merchantIds == null");
    Objects.requireNonNull(now, "now == null");
    List<String> ids = List.copyOf(new TreeSet<>(merchantIds));
    if (ids.isEmpty()) {
      return Set.of();
    }
    List<String> paused = new ArrayList<>();
    store.inTransaction(
        tx -> {
          List<String> streaks = new ArrayList<>();
          try (PreparedStatement select =
              tx.prepareStatement(
                  "SELECT merchant_id, paused_at, consecutive_failures, failing_notified_at"
                      + " FROM merchant_endpoints WHERE merchant_id IN ("
                      + String.join(", ", Collections.nCopies(ids.size(), "?"))
                      + ")")) {
            for (int i = 0; i < ids.size(); i++) {
              select.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = select.executeQuery()) {
              while (rs.next()) {
                if (instant(rs, 2) != null) {
                  paused.add(rs.getString(1));
                } else if (rs.getInt(3) != 0 || instant(rs, 4) != null) {
                  streaks.add(rs.getString(1));
                }
              }
            }
          }
          if (!streaks.isEmpty()) {
            Collections.sort(streaks);
            try (PreparedStatement update =
                tx.prepareStatement(
                    "UPDATE merchant_endpoints SET consecutive_failures = 0,"
                        + " failing_notified_at = NULL WHERE merchant_id = ?"
                        + " AND paused_at IS NULL")) {
              for (String id : streaks) {
                update.setString(1, id);
                update.addBatch();
              }
              update.executeBatch();
            }
          }
          return null;
        });
    Set<String> resumed = new TreeSet<>();
    for (String id : paused) {
      if (recordSuccess(id, now)) {
        resumed.add(id);
      }
    }
    return resumed;
  }

  /**
   * Enqueues the {@code endpoint.failing} notice, to the merchant's endpoint and to the regulator
   * sink, once per failure streak: does nothing if this streak's notice was already enqueued or the
   * endpoint is paused.
   *
   * @param reason why, e.g. {@code "5 consecutive failed attempts; last: status 500"}; shown to the
   *     merchant and the regulator, so it must hold no secret
   * @return true if the notices were enqueued by this call
   */
  public boolean notifyFailing(String merchantId, String reason, Instant now) {
    Objects.requireNonNull(merchantId, "merchantId == null");
    Objects.requireNonNull(reason, "reason == null");
    Instant at = seconds(now);
    return store.inTransaction(
        tx -> {
          Row row = lockRow(tx, merchantId);
          if (row == null || row.pausedAt != null || row.failingNotifiedAt != null) {
            return false;
          }
          enqueueNotices(tx, merchantId, FAILING, notice(FAILING, merchantId, row, reason, at), at);
          try (PreparedStatement update =
              tx.prepareStatement(
                  "UPDATE merchant_endpoints SET failing_notified_at = ? WHERE merchant_id = ?")) {
            update.setLong(1, at.getEpochSecond());
            update.setString(2, merchantId);
            update.executeUpdate();
          }
          return true;
        });
  }

  /**
   * Pauses merchant {@code merchantId}'s endpoint: enqueues the {@code endpoint.failing} notice if
   * this streak has not had one, then the {@code endpoint.paused} notice, each to the merchant's
   * endpoint and to the regulator sink, and only then marks the endpoint paused with its first
   * half-open probe at {@code probeAt} — all in one transaction, so a pause without its notices is
   * never committed. Does nothing if the endpoint is already paused or does not exist.
   *
   * @param reason why; shown to the merchant and the regulator, so it must hold no secret; cut to
   *     500 characters
   * @return true if this call paused the endpoint
   */
  public boolean pause(String merchantId, String reason, Instant now, Instant probeAt) {
    Objects.requireNonNull(merchantId, "merchantId == null");
    Objects.requireNonNull(reason, "reason == null");
    Objects.requireNonNull(probeAt, "probeAt == null");
    Instant at = seconds(now);
    String cut = reason.length() > 500 ? reason.substring(0, 499) + "…" : reason;
    return store.inTransaction(
        tx -> {
          Row row = lockRow(tx, merchantId);
          if (row == null || row.pausedAt != null) {
            return false;
          }
          if (row.failingNotifiedAt == null) {
            enqueueNotices(tx, merchantId, FAILING, notice(FAILING, merchantId, row, cut, at), at);
          }
          JsonObject paused = notice(PAUSED, merchantId, row, cut, at);
          paused.getAsJsonObject("data").addProperty("paused_at", rfc3339(at));
          paused.getAsJsonObject("data").addProperty("next_probe_at", rfc3339(seconds(probeAt)));
          enqueueNotices(tx, merchantId, PAUSED, paused, at);
          try (PreparedStatement update =
              tx.prepareStatement(
                  "UPDATE merchant_endpoints SET paused_at = ?, paused_reason = ?, probe_at = ?,"
                      + " failing_notified_at = COALESCE(failing_notified_at, ?)"
                      + " WHERE merchant_id = ?")) {
            update.setLong(1, at.getEpochSecond());
            update.setString(2, cut);
            update.setLong(3, probeAt.getEpochSecond());
            update.setLong(4, at.getEpochSecond());
            update.setString(5, merchantId);
            update.executeUpdate();
          }
          return true;
        });
  }

  /**
   * Claims the next half-open probe of a paused endpoint: if it is paused and its probe time has
   * come, moves the probe time to {@code nextProbeAt} and returns true, so that exactly one caller
   * (on any node) sends the probe; otherwise returns false.
   */
  public boolean claimProbe(String merchantId, Instant now, Instant nextProbeAt) {
    Objects.requireNonNull(merchantId, "merchantId == null");
    Objects.requireNonNull(now, "now == null");
    Objects.requireNonNull(nextProbeAt, "nextProbeAt == null");
    return store.inTransaction(
        tx -> {
          try (PreparedStatement update =
              tx.prepareStatement(
                  "UPDATE merchant_endpoints SET probe_at = ? WHERE merchant_id = ?"
                      + " AND paused_at IS NOT NULL AND (probe_at IS NULL OR probe_at <= ?)")) {
            update.setLong(1, nextProbeAt.getEpochSecond());
            update.setString(2, merchantId);
            update.setLong(3, now.getEpochSecond());
            return update.executeUpdate() == 1;
          }
        });
  }

  /**
   * Resumes merchant {@code merchantId}'s paused endpoint: enqueues the {@code endpoint.resumed}
   * notice to the merchant's endpoint and the regulator sink, clears the pause and the failure
   * streak, and makes every pending merchant row of this merchant due at once, in one transaction.
   * Does nothing if the endpoint is not paused.
   *
   * @return true if this call resumed the endpoint
   * @throws EndpointException {@code NOT_CONFIGURED} if the merchant has no endpoint
   */
  public boolean resume(String merchantId, Instant now, String why) {
    Objects.requireNonNull(merchantId, "merchantId == null");
    Objects.requireNonNull(why, "why == null");
    Instant at = seconds(now);
    return store.inTransaction(
        tx -> {
          Row row = lockRow(tx, merchantId);
          if (row == null) {
            throw notConfigured(merchantId);
          }
          if (row.pausedAt == null) {
            return false;
          }
          resumeIn(tx, merchantId, row, at, why);
          return true;
        });
  }

  /** How many endpoints are paused now. */
  public int pausedCount() {
    return store.inTransaction(
        tx -> {
          try (PreparedStatement select =
                  tx.prepareStatement(
                      "SELECT COUNT(*) FROM merchant_endpoints WHERE paused_at IS NOT NULL");
              ResultSet row = select.executeQuery()) {
            row.next();
            return (int) row.getLong(1);
          }
        });
  }

  private void resumeIn(Connection tx, String merchantId, Row row, Instant now, String why)
      throws SQLException {
    Instant at = seconds(now);
    JsonObject resumed = notice(RESUMED, merchantId, row, why, at);
    resumed.getAsJsonObject("data").addProperty("paused_at", rfc3339(row.pausedAt));
    enqueueNotices(tx, merchantId, RESUMED, resumed, at);
    try (PreparedStatement update =
        tx.prepareStatement(
            "UPDATE merchant_endpoints SET paused_at = NULL, paused_reason = NULL,"
                + " probe_at = NULL, consecutive_failures = 0, failing_notified_at = NULL"
                + " WHERE merchant_id = ?")) {
      update.setString(1, merchantId);
      update.executeUpdate();
    }
    try (PreparedStatement due =
        tx.prepareStatement(
            "UPDATE outbox SET due_at = ? WHERE target = 'merchant' AND merchant_id = ?"
                + " AND delivered_at IS NULL AND dead_at IS NULL AND due_at > ?")) {
      due.setLong(1, at.getEpochSecond());
      due.setString(2, merchantId);
      due.setLong(3, at.getEpochSecond());
      due.executeUpdate();
    }
  }

  // ---------------------------------------------------------------- helpers

  private void enqueueNotices(
      Connection tx, String merchantId, String type, JsonObject body, Instant at)
      throws SQLException {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    store.outbox().enqueueForMerchant(tx, merchantId, null, type, bytes, at);
    store.outbox().enqueueForRegulator(tx, merchantId, null, type, bytes, at);
  }

  private static JsonObject notice(
      String type, String merchantId, Row row, String reason, Instant at) {
    JsonObject data = new JsonObject();
    data.addProperty("merchant_id", merchantId);
    data.addProperty("url", row.url);
    data.addProperty("consecutive_failures", row.consecutiveFailures);
    data.addProperty("reason", reason);
    JsonObject body = new JsonObject();
    body.addProperty("type", type);
    body.addProperty("timestamp", rfc3339(at));
    body.add("data", data);
    return body;
  }

  static String rfc3339(Instant at) {
    return DateTimeFormatter.ISO_INSTANT.format(seconds(at));
  }

  private static Instant seconds(Instant at) {
    Objects.requireNonNull(at, "now == null");
    return Instant.ofEpochSecond(at.getEpochSecond());
  }

  private Instant nowSeconds() {
    return seconds(clock.instant());
  }

  private static byte[] seedOf(WebhookSigningKey key) {
    return Base64.getDecoder().decode(key.encoded().substring(WebhookSigningKey.PREFIX.length()));
  }

  private static long insertSecret(
      Connection tx, String merchantId, WebhookSecret secret, Instant now) throws SQLException {
    try (PreparedStatement insert =
        tx.prepareStatement(
            "INSERT INTO endpoint_secrets (merchant_id, secret, created_at) VALUES (?, ?, ?)",
            new String[] {"id"})) {
      insert.setString(1, merchantId);
      insert.setString(2, secret.encoded());
      insert.setLong(3, now.getEpochSecond());
      insert.executeUpdate();
      try (ResultSet keys = insert.getGeneratedKeys()) {
        if (!keys.next()) {
          throw new SQLException("The database returned no ID for the new secret.");
        }
        return keys.getLong(1);
      }
    }
  }

  private static boolean merchantExists(Connection tx, String merchantId) throws SQLException {
    try (PreparedStatement select = tx.prepareStatement("SELECT 1 FROM merchants WHERE id = ?")) {
      select.setString(1, merchantId);
      try (ResultSet row = select.executeQuery()) {
        return row.next();
      }
    }
  }

  /** Whether merchant {@code merchantId} is registered. */
  public boolean merchantExists(String merchantId) {
    Objects.requireNonNull(merchantId, "merchantId == null");
    return store.inTransaction(tx -> merchantExists(tx, merchantId));
  }

  private static EndpointException unknownMerchant(String merchantId) {
    return new EndpointException(
        EndpointException.Reason.UNKNOWN_MERCHANT,
        "No merchant with ID " + merchantId + " is registered.");
  }

  private static EndpointException notConfigured(String merchantId) {
    return new EndpointException(
        EndpointException.Reason.NOT_CONFIGURED,
        "Merchant " + merchantId + " has no webhook endpoint; set one with PUT first.");
  }

  private static final class Row {
    String url;
    byte[] signingKey;
    Instant createdAt;
    Instant updatedAt;
    Instant pausedAt;
    String pausedReason;
    int consecutiveFailures;
    Instant failingNotifiedAt;
    Instant probeAt;
  }

  private static final String ROW_COLUMNS =
      "url, signing_key, created_at, updated_at, paused_at, paused_reason, consecutive_failures,"
          + " failing_notified_at, probe_at";

  private static Row lockRow(Connection tx, String merchantId) throws SQLException {
    return selectRow(tx, merchantId, " FOR UPDATE");
  }

  private static Row selectRow(Connection tx, String merchantId, String suffix)
      throws SQLException {
    try (PreparedStatement select =
        tx.prepareStatement(
            "SELECT " + ROW_COLUMNS + " FROM merchant_endpoints WHERE merchant_id = ?" + suffix)) {
      select.setString(1, merchantId);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? row(rs) : null;
      }
    }
  }

  /** The row at the cursor of {@code rs}, whose first columns are {@link #ROW_COLUMNS}. */
  private static Row row(ResultSet rs) throws SQLException {
    Row r = new Row();
    r.url = rs.getString(1);
    r.signingKey = rs.getBytes(2);
    r.createdAt = Instant.ofEpochSecond(rs.getLong(3));
    r.updatedAt = Instant.ofEpochSecond(rs.getLong(4));
    r.pausedAt = instant(rs, 5);
    r.pausedReason = rs.getString(6);
    r.consecutiveFailures = rs.getInt(7);
    r.failingNotifiedAt = instant(rs, 8);
    r.probeAt = instant(rs, 9);
    return r;
  }

  private static Optional<Endpoint> read(Connection tx, String merchantId, Instant now)
      throws SQLException {
    Row r = selectRow(tx, merchantId, "");
    if (r == null) {
      return Optional.empty();
    }
    List<Endpoint.ActiveSecret> secrets = new ArrayList<>();
    try (PreparedStatement select =
        tx.prepareStatement(
            "SELECT id, secret, created_at, expires_at FROM endpoint_secrets"
                + " WHERE merchant_id = ? AND created_at <= ?"
                + " AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at DESC, id DESC")) {
      select.setString(1, merchantId);
      select.setLong(2, now.getEpochSecond());
      select.setLong(3, now.getEpochSecond());
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          secrets.add(
              new Endpoint.ActiveSecret(
                  rs.getLong(1),
                  WebhookSecret.parse(rs.getString(2)),
                  Instant.ofEpochSecond(rs.getLong(3)),
                  instant(rs, 4)));
        }
      }
    }
    return Optional.of(endpoint(merchantId, r, secrets));
  }

  private static Endpoint endpoint(String merchantId, Row r, List<Endpoint.ActiveSecret> secrets) {
    return new Endpoint(
        merchantId,
        URI.create(r.url),
        secrets,
        r.signingKey == null ? null : WebhookSigningKey.ofSeed(r.signingKey),
        r.createdAt,
        r.updatedAt,
        r.pausedAt,
        r.pausedReason,
        r.consecutiveFailures,
        r.probeAt);
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochSecond(v);
  }
}
