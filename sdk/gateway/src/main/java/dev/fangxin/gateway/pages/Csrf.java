package dev.fangxin.gateway.pages;

import dev.fangxin.gateway.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Form tokens that bind a form to the browser that loaded it (double-submit with a keyed MAC).
 *
 * <p>Each browser holds a random cookie value ({@link #newBrowserValue()}, 32 bytes, base64url). A
 * form carries a random per-form nonce and the token {@code base64url(HMAC-SHA256(key, purpose ‖
 * subject ‖ nonce ‖ browser value))}, where the purpose names the form ({@code complaint}, {@code
 * case}) and the subject what it acts on (the receipt token, the case ID). A request is accepted
 * only if its token matches the cookie it arrives with: a page on another site can neither read the
 * cookie nor compute the token, and a token taken from one form does not fit another receipt or
 * case. The nonce doubles as the form's idempotency key, so a form sent twice files one case.
 *
 * <p>The 32-byte key is kept in table {@code page_keys} (row {@code csrf}), created by the first
 * gateway that needs it, so every gateway on one database accepts every other's forms. Thread-safe.
 */
public final class Csrf {
  /** What a browser value and a nonce look like: 43 base64url characters. */
  static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_-]{43}");

  private final byte[] key;
  private final SecureRandom random = new SecureRandom();

  private Csrf(byte[] key) {
    this.key = key;
  }

  /** Form tokens keyed with {@code key} (32 bytes), for tests and single-node use. */
  static Csrf withKey(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("The CSRF key must be 32 bytes, got " + key.length + ".");
    }
    return new Csrf(key.clone());
  }

  /**
   * Form tokens keyed with the store's {@code csrf} key, creating it on first use.
   *
   * @throws dev.fangxin.gateway.store.StoreException if the store cannot be read or written
   */
  public static Csrf on(Store store, Clock clock) {
    Objects.requireNonNull(store, "store == null");
    Objects.requireNonNull(clock, "clock == null");
    Optional<byte[]> existing = store.inTransaction(Csrf::read);
    if (existing.isPresent()) {
      return new Csrf(existing.get());
    }
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    try {
      store.inTransaction(
          tx -> {
            try (PreparedStatement ps =
                tx.prepareStatement(
                    "INSERT INTO page_keys (name, secret, created_at) VALUES ('csrf', ?, ?)")) {
              ps.setBytes(1, fresh);
              ps.setLong(2, clock.instant().getEpochSecond());
              ps.executeUpdate();
            }
            return null;
          });
    } catch (RuntimeException e) {
      // Another gateway created it first: use theirs.
    }
    return new Csrf(store.inTransaction(Csrf::read).orElseThrow());
  }

  private static Optional<byte[]> read(java.sql.Connection tx) throws SQLException {
    try (PreparedStatement ps =
            tx.prepareStatement("SELECT secret FROM page_keys WHERE name = 'csrf'");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
    }
  }

  /** A fresh browser value or nonce: 32 random bytes, base64url without padding. */
  public String newBrowserValue() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The token for a form of {@code purpose} about {@code subject} with {@code nonce}. */
  public String token(String purpose, String subject, String nonce, String browserValue) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      for (String part : new String[] {purpose, subject, nonce, browserValue}) {
        byte[] b = part.getBytes(StandardCharsets.UTF_8);
        mac.update(
            new byte[] {
              (byte) (b.length >>> 24),
              (byte) (b.length >>> 16),
              (byte) (b.length >>> 8),
              (byte) b.length
            });
        mac.update(b);
      }
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable.", e);
    }
  }

  /**
   * True if {@code token} is the token for these values. False for any missing or malformed part
   * (compared in constant time).
   */
  public boolean verify(
      String purpose,
      String subject,
      Optional<String> nonce,
      Optional<String> browserValue,
      Optional<String> token) {
    if (nonce.isEmpty()
        || browserValue.isEmpty()
        || token.isEmpty()
        || !VALUE.matcher(nonce.get()).matches()
        || !VALUE.matcher(browserValue.get()).matches()
        || !VALUE.matcher(token.get()).matches()) {
      return false;
    }
    String expected = token(purpose, subject, nonce.get(), browserValue.get());
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        token.get().getBytes(StandardCharsets.US_ASCII));
  }
}
