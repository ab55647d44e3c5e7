package dev.fangxin.gateway.auth;

import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.InvalidIdentifierException;
import dev.fangxin.gateway.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Per-client API keys kept in the store's {@code api_keys} table, and the {@link Authenticator}
 * that checks them.
 *
 * <p><b>Key format.</b> {@code fxk_<key id>_<secret>}: the key ID is 24 lower-case hex digits (12
 * random bytes) and is public (it is listed and logged); the secret is 32 random bytes in unpadded
 * base64url (43 characters). Only SHA-256 of the whole key string is stored, so a key is shown
 * once, by {@link #issue}, and cannot be recovered later.
 *
 * <p><b>Checking.</b> {@link #authenticate} parses the key ID, loads that one row, and compares the
 * SHA-256 of the presented key with the stored hash in constant time ({@link
 * MessageDigest#isEqual}); an unknown key ID is compared against a dummy hash so it takes the same
 * work. A key whose {@code revoked_at} is at or before the clock's now is refused. There is no
 * cache: every request reads the row, so a revocation takes effect immediately on every node that
 * shares the store.
 *
 * <p>Thread-safe. Every SQL statement binds its values as parameters; a refused call changes
 * nothing stored.
 */
public final class ApiKeys implements Authenticator {
  /** The prefix of every key. */
  public static final String PREFIX = "fxk_";

  private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{24}");
  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,64}");
  private static final int MAX_KEY_LENGTH = 128;
  private static final byte[] DUMMY_HASH = new byte[32];

  private final Store store;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  private ApiKeys(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** API keys in {@code store}; {@code clock} stamps issue times and decides what is revoked. */
  public static ApiKeys on(Store store, Clock clock) {
    return new ApiKeys(
        Objects.requireNonNull(store, "store == null"),
        Objects.requireNonNull(clock, "clock == null"));
  }

  /**
   * Issues a key to {@code clientId} with {@code role}, stores its hash and returns the plaintext
   * once.
   *
   * @param clientId 1 to 64 characters from {@code A-Z a-z 0-9 . _ : @ -}
   * @param merchantId the merchant a {@link Role#MERCHANT} key acts for (must be registered); null
   *     for every other role
   * @param institutionCode the acquirer's institution code (1 to 11 digits) for {@link
   *     Role#ACQUIRER}; null for every other role
   * @throws ApiKeyException {@code INVALID_FIELD} naming the field; {@code UNKNOWN_MERCHANT}
   */
  public IssuedKey issue(String clientId, Role role, String merchantId, String institutionCode) {
    Principal principal = principalFor(clientId, role, merchantId, institutionCode);
    return store.inTransaction(tx -> insert(tx, principal));
  }

  /**
   * Issues the first operator key if, and only if, the store holds no operator key that is still
   * active. The CLI calls this when it sets up a gateway; calling it again returns empty. Two
   * processes calling it at the same moment could each issue one key; both are ordinary operator
   * keys that can be listed and revoked.
   *
   * @throws ApiKeyException {@code INVALID_FIELD} if {@code clientId} is malformed
   */
  public Optional<IssuedKey> bootstrapOperator(String clientId) {
    Principal principal = principalFor(clientId, Role.OPERATOR, null, null);
    long now = clock.instant().getEpochSecond();
    return store.inTransaction(
        tx -> {
          try (PreparedStatement select =
              tx.prepareStatement(
                  "SELECT COUNT(*) FROM api_keys WHERE role = 'operator'"
                      + " AND (revoked_at IS NULL OR revoked_at > ?)")) {
            select.setLong(1, now);
            try (ResultSet row = select.executeQuery()) {
              row.next();
              if (row.getLong(1) > 0) {
                return Optional.empty();
              }
            }
          }
          return Optional.of(insert(tx, principal));
        });
  }

  /** Whether the store holds an operator key that is active now. */
  public boolean hasActiveOperatorKey() {
    long now = clock.instant().getEpochSecond();
    return store.inTransaction(
        tx -> {
          try (PreparedStatement select =
              tx.prepareStatement(
                  "SELECT COUNT(*) FROM api_keys WHERE role = 'operator'"
                      + " AND (revoked_at IS NULL OR revoked_at > ?)")) {
            select.setLong(1, now);
            try (ResultSet row = select.executeQuery()) {
              row.next();
              return row.getLong(1) > 0;
            }
          }
        });
  }

  @Override
  public Optional<Principal> authenticate(String apiKey) {
    if (apiKey == null || apiKey.length() > MAX_KEY_LENGTH || !apiKey.startsWith(PREFIX)) {
      return Optional.empty();
    }
    int sep = apiKey.indexOf('_', PREFIX.length());
    if (sep < 0) {
      return Optional.empty();
    }
    String keyId = apiKey.substring(PREFIX.length(), sep);
    String secret = apiKey.substring(sep + 1);
    if (!KEY_ID.matcher(keyId).matches() || !SECRET.matcher(secret).matches()) {
      return Optional.empty();
    }
    byte[] presented = sha256(apiKey);
    long now = clock.instant().getEpochSecond();
    Optional<StoredKey> row = store.inTransaction(tx -> find(tx, keyId, false));
    byte[] expected = row.map(r -> r.hash).orElse(DUMMY_HASH);
    boolean matches = MessageDigest.isEqual(presented, expected);
    if (row.isEmpty() || !matches) {
      return Optional.empty();
    }
    StoredKey key = row.get();
    if (key.revokedAt != null && key.revokedAt <= now) {
      return Optional.empty();
    }
    return Optional.of(key.info.principal());
  }

  /**
   * Revokes key {@code keyId} from {@code at} on: requests at or after {@code at} are refused.
   * Revoking again keeps the earlier time (a revocation can be moved earlier, never later); {@code
   * at} may lie in the future to let a client switch to a new key first.
   *
   * @return the key as revoked
   * @throws ApiKeyException {@code UNKNOWN_KEY}; {@code INVALID_FIELD} (field {@code at}) if {@code
   *     at} is before the key was issued
   */
  public ApiKeyInfo revoke(String keyId, Instant at) {
    Objects.requireNonNull(keyId, "keyId == null");
    Objects.requireNonNull(at, "at == null");
    long when = at.getEpochSecond();
    return store.inTransaction(
        tx -> {
          StoredKey key =
              (KEY_ID.matcher(keyId).matches()
                      ? find(tx, keyId, true)
                      : Optional.<StoredKey>empty())
                  .orElseThrow(
                      () ->
                          new ApiKeyException(
                              ApiKeyException.Reason.UNKNOWN_KEY,
                              "key_id",
                              "No API key has ID \""
                                  + abbreviate(keyId)
                                  + "\"; nothing to revoke."));
          long created = key.info.createdAt().getEpochSecond();
          if (when < created) {
            throw new ApiKeyException(
                ApiKeyException.Reason.INVALID_FIELD,
                "at",
                "Cannot revoke API key "
                    + keyId
                    + " at "
                    + Instant.ofEpochSecond(when)
                    + ": it was issued at "
                    + key.info.createdAt()
                    + "; revocation must not precede issue.");
          }
          long revoked = key.revokedAt == null ? when : Math.min(key.revokedAt, when);
          try (PreparedStatement update =
              tx.prepareStatement("UPDATE api_keys SET revoked_at = ? WHERE key_id = ?")) {
            update.setLong(1, revoked);
            update.setString(2, keyId);
            update.executeUpdate();
          }
          return ApiKeyInfo.of(
              keyId, key.info.principal(), key.info.createdAt(), Instant.ofEpochSecond(revoked));
        });
  }

  /** The key with ID {@code keyId}, revoked or not, without its secret. */
  public Optional<ApiKeyInfo> find(String keyId) {
    Objects.requireNonNull(keyId, "keyId == null");
    if (!KEY_ID.matcher(keyId).matches()) {
      return Optional.empty();
    }
    return store.inTransaction(tx -> find(tx, keyId, false).map(k -> k.info));
  }

  /** Every key of {@code clientId}, revoked ones included, oldest first; never their secrets. */
  public List<ApiKeyInfo> list(String clientId) {
    Objects.requireNonNull(clientId, "clientId == null");
    return store.inTransaction(
        tx -> {
          List<ApiKeyInfo> out = new ArrayList<>();
          try (PreparedStatement select =
              tx.prepareStatement(COLUMNS + " WHERE client_id = ? ORDER BY created_at, key_id")) {
            select.setString(1, clientId);
            try (ResultSet row = select.executeQuery()) {
              while (row.next()) {
                out.add(read(row).info);
              }
            }
          }
          return List.copyOf(out);
        });
  }

  // ---------------------------------------------------------------- internals

  private static final String COLUMNS =
      "SELECT key_id, key_hash, client_id, role, merchant_id, institution_code, created_at,"
          + " revoked_at FROM api_keys";

  private static final class StoredKey {
    final ApiKeyInfo info;
    final byte[] hash;
    final Long revokedAt;

    StoredKey(ApiKeyInfo info, byte[] hash, Long revokedAt) {
      this.info = info;
      this.hash = hash;
      this.revokedAt = revokedAt;
    }
  }

  private IssuedKey insert(Connection tx, Principal principal) throws SQLException {
    if (principal.role() == Role.MERCHANT) {
      try (PreparedStatement select = tx.prepareStatement("SELECT 1 FROM merchants WHERE id = ?")) {
        select.setString(1, principal.merchantId().orElseThrow());
        try (ResultSet row = select.executeQuery()) {
          if (!row.next()) {
            throw new ApiKeyException(
                ApiKeyException.Reason.UNKNOWN_MERCHANT,
                "merchant_id",
                "No merchant has ID \""
                    + abbreviate(principal.merchantId().orElseThrow())
                    + "\"; register the merchant before issuing it a key.");
          }
        }
      }
    }
    byte[] idBytes = new byte[12];
    byte[] secretBytes = new byte[32];
    random.nextBytes(idBytes);
    random.nextBytes(secretBytes);
    String keyId = HexFormat.of().formatHex(idBytes);
    String apiKey =
        PREFIX + keyId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    long now = clock.instant().getEpochSecond();
    try (PreparedStatement insert =
        tx.prepareStatement(
            "INSERT INTO api_keys (key_id, key_hash, client_id, role, merchant_id,"
                + " institution_code, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)")) {
      insert.setString(1, keyId);
      insert.setBytes(2, sha256(apiKey));
      insert.setString(3, principal.clientId());
      insert.setString(4, principal.role().code());
      setNullable(insert, 5, principal.merchantId());
      setNullable(insert, 6, principal.institutionCode());
      insert.setLong(7, now);
      insert.executeUpdate();
    }
    return IssuedKey.of(apiKey, ApiKeyInfo.of(keyId, principal, Instant.ofEpochSecond(now), null));
  }

  private static Optional<StoredKey> find(Connection tx, String keyId, boolean forUpdate)
      throws SQLException {
    try (PreparedStatement select =
        tx.prepareStatement(COLUMNS + " WHERE key_id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
      select.setString(1, keyId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(read(row)) : Optional.empty();
      }
    }
  }

  private static StoredKey read(ResultSet row) throws SQLException {
    String clientId = row.getString(3);
    Role role = Role.fromCode(row.getString(4));
    Principal principal;
    switch (role) {
      case OPERATOR:
        principal = Principal.operator(clientId);
        break;
      case MERCHANT:
        principal = Principal.merchant(clientId, row.getString(5));
        break;
      case ACQUIRER:
        principal = Principal.acquirer(clientId, row.getString(6));
        break;
      case WALLET_PARTNER:
        principal = Principal.walletPartner(clientId);
        break;
      default:
        throw new AssertionError(role);
    }
    long revoked = row.getLong(8);
    Long revokedAt = row.wasNull() ? null : revoked;
    ApiKeyInfo info =
        ApiKeyInfo.of(
            row.getString(1),
            principal,
            Instant.ofEpochSecond(row.getLong(7)),
            revokedAt == null ? null : Instant.ofEpochSecond(revokedAt));
    return new StoredKey(info, row.getBytes(2), revokedAt);
  }

  private static Principal principalFor(
      String clientId, Role role, String merchantId, String institutionCode) {
    if (clientId == null || !CLIENT_ID.matcher(clientId).matches()) {
      throw invalid(
          "client_id",
          "The client ID "
              + (clientId == null ? "is missing" : "\"" + abbreviate(clientId) + "\" is not valid")
              + "; expected 1 to 64 characters from A-Z, a-z, 0-9, '.', '_', ':', '@' and '-'.");
    }
    if (role == null) {
      throw invalid(
          "role", "The role is missing; expected operator, merchant, acquirer or wallet_partner.");
    }
    if ((role == Role.MERCHANT) != (merchantId != null)) {
      throw invalid(
          "merchant_id",
          role == Role.MERCHANT
              ? "A merchant key needs the merchant_id it acts for."
              : "Only a merchant key has a merchant_id; the role is " + role.code() + ".");
    }
    if ((role == Role.ACQUIRER) != (institutionCode != null)) {
      throw invalid(
          "institution_code",
          role == Role.ACQUIRER
              ? "An acquirer key needs the acquirer's institution_code."
              : "Only an acquirer key has an institution_code; the role is " + role.code() + ".");
    }
    switch (role) {
      case OPERATOR:
        return Principal.operator(clientId);
      case MERCHANT:
        String m = merchantId.length() == 18 ? merchantId.toUpperCase(Locale.ROOT) : merchantId;
        if (m.isEmpty() || m.length() > 64) {
          throw invalid("merchant_id", "The merchant ID must be 1 to 64 characters.");
        }
        return Principal.merchant(clientId, m);
      case ACQUIRER:
        try {
          return Principal.acquirer(clientId, InstitutionCode.of(institutionCode).value());
        } catch (InvalidIdentifierException e) {
          throw invalid("institution_code", e.getMessage());
        }
      case WALLET_PARTNER:
        return Principal.walletPartner(clientId);
      default:
        throw new AssertionError(role);
    }
  }

  private static ApiKeyException invalid(String field, String message) {
    return new ApiKeyException(ApiKeyException.Reason.INVALID_FIELD, field, message);
  }

  private static void setNullable(PreparedStatement s, int index, Optional<String> value)
      throws SQLException {
    if (value.isPresent()) {
      s.setString(index, value.get());
    } else {
      s.setNull(index, Types.VARCHAR);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
