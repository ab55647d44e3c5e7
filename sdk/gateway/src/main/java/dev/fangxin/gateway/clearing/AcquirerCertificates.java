package dev.fangxin.gateway.clearing;

import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.InvalidIdentifierException;
import dev.fangxin.gateway.http.RouteRequest;
import dev.fangxin.gateway.store.Store;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/**
 * Acquirers' client certificates for mutual TLS ({@code acquirer_certificates}): the operator
 * registers, lists and revokes them, and the push hook authenticates a request by the certificate
 * its TLS connection presented ({@link #authenticate}).
 *
 * <p><b>Pinning.</b> A certificate is identified by the SHA-256 of its DER encoding; the gateway
 * keeps that fingerprint, the subject and the validity, never the certificate. A fingerprint is
 * registered once, ever, to one acquirer: a revoked certificate cannot be registered again (issue a
 * new one). An acquirer may hold several certificates at once, which is how it rotates them.
 *
 * <p><b>What registration refuses</b> ({@code clearing.invalid_certificate}, 422, field {@code
 * certificate_pem}): text that is not exactly one PEM {@code CERTIFICATE} block (a private key in
 * it is refused by name), an undecodable certificate, a CA certificate (basicConstraints CA=true),
 * a key usage without digitalSignature or an extended key usage without clientAuth (such a
 * certificate cannot authenticate a TLS client), a certificate whose validity has ended at the
 * gateway's time, a subject longer than 2048 characters.
 *
 * <p>Thread-safe; every method is one transaction; times come from the injected clock.
 */
public final class AcquirerCertificates {
  /** Longest accepted PEM text, in characters. */
  public static final int MAX_PEM_LENGTH = 16_384;

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
  private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
  private static final String FIELD = "certificate_pem";

  private final Store store;
  private final Clock clock;

  private AcquirerCertificates(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Certificates kept in {@code store}, timed by {@code clock}. */
  public static AcquirerCertificates on(Store store, Clock clock) {
    return new AcquirerCertificates(
        Objects.requireNonNull(store, "store == null"),
        Objects.requireNonNull(clock, "clock == null"));
  }

  /**
   * The lower-case hex SHA-256 of {@code certificate}'s DER encoding.
   *
   * @throws IllegalArgumentException if the certificate cannot be encoded
   */
  public static String fingerprint(X509Certificate certificate) {
    Objects.requireNonNull(certificate, "certificate == null");
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("The certificate cannot be DER-encoded.", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM.", e);
    }
  }

  /**
   * Parses and checks a PEM certificate as {@link #register} does, without storing anything.
   *
   * @throws AcquirerCertificateException {@code INVALID_CERTIFICATE} as in the class comment
   */
  public X509Certificate check(String pem) {
    Objects.requireNonNull(pem, "pem == null");
    return check(pem, clock.instant());
  }

  private static X509Certificate check(String pem, Instant now) {
    if (pem.length() > MAX_PEM_LENGTH) {
      throw invalid(
          "certificate_pem has " + pem.length() + " characters; at most " + MAX_PEM_LENGTH + ".");
    }
    List<String> labels = new ArrayList<>();
    Matcher begin = BEGIN.matcher(pem);
    while (begin.find()) {
      labels.add(begin.group(1));
    }
    if (labels.stream().anyMatch(l -> l.contains("PRIVATE KEY"))) {
      throw invalid(
          "certificate_pem contains a private key; send only the certificate, and keep the key"
              + " with the acquirer.");
    }
    if (labels.size() != 1 || !labels.get(0).equals("CERTIFICATE")) {
      throw invalid(
          "certificate_pem must hold exactly one -----BEGIN CERTIFICATE----- block (the"
              + " acquirer's client certificate, no chain); found "
              + (labels.isEmpty() ? "none" : labels.size() + ": " + labels)
              + ".");
    }
    Matcher block = BLOCK.matcher(pem);
    if (!block.find()) {
      throw invalid(
          "certificate_pem's CERTIFICATE block is not closed by -----END CERTIFICATE----- or holds"
              + " characters other than base64.");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(block.group(2).replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw invalid("certificate_pem's CERTIFICATE block is not valid base64.");
    }
    X509Certificate cert;
    try {
      cert =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | RuntimeException e) {
      throw invalid("certificate_pem's CERTIFICATE block is not a DER X.509 certificate.");
    }
    if (cert == null) {
      throw invalid("certificate_pem's CERTIFICATE block is empty.");
    }
    if (cert.getBasicConstraints() >= 0) {
      throw invalid(
          "The certificate is a CA certificate (basicConstraints CA=true); register the"
              + " acquirer's own client certificate, not its issuer.");
    }
    boolean[] usage = cert.getKeyUsage();
    if (usage != null && (usage.length == 0 || !usage[0])) {
      throw invalid(
          "The certificate's key usage lacks digitalSignature, so it cannot authenticate a TLS"
              + " client.");
    }
    List<String> extended;
    try {
      extended = cert.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw invalid("The certificate's extended key usage extension cannot be parsed.");
    }
    if (extended != null
        && !extended.contains(CLIENT_AUTH)
        && !extended.contains(ANY_EXTENDED_KEY_USAGE)) {
      throw invalid(
          "The certificate's extended key usage lacks clientAuth (1.3.6.1.5.5.7.3.2), so it"
              + " cannot authenticate a TLS client.");
    }
    Instant notAfter = cert.getNotAfter().toInstant();
    if (!notAfter.isAfter(now)) {
      throw invalid(
          "The certificate expired at "
              + notAfter
              + " (the gateway's time is "
              + now.getEpochSecond()
              + "); register a current one.");
    }
    if (subject(cert).length() > 2048) {
      throw invalid("The certificate's subject is longer than 2048 characters.");
    }
    return cert;
  }

  private static String subject(X509Certificate cert) {
    return cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
  }

  /**
   * Registers {@code pem} as a client certificate of {@code institution}.
   *
   * @throws AcquirerCertificateException {@code INVALID_CERTIFICATE} (see the class comment);
   *     {@code DUPLICATE_CERTIFICATE} if the fingerprint is registered already (to any acquirer,
   *     revoked or not)
   * @throws ClearingException {@code UNKNOWN_ACQUIRER}
   */
  public AcquirerCertificate register(InstitutionCode institution, String pem) {
    Objects.requireNonNull(institution, "institution == null");
    Objects.requireNonNull(pem, "pem == null");
    Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    X509Certificate cert = check(pem, now);
    String fingerprint = fingerprint(cert);
    return store.inTransaction(
        tx -> {
          if (Acquirers.find(tx, institution).isEmpty()) {
            throw Acquirers.unknown(institution);
          }
          Optional<AcquirerCertificate> existing = byFingerprint(tx, fingerprint);
          if (existing.isPresent()) {
            AcquirerCertificate e = existing.get();
            throw new AcquirerCertificateException(
                AcquirerCertificateException.Reason.DUPLICATE_CERTIFICATE,
                "This certificate (SHA-256 "
                    + fingerprint
                    + ") is already registered"
                    + (e.institution().equals(institution)
                        ? " to this acquirer as certificate " + e.id()
                        : " to another acquirer")
                    + (e.revokedAt().isPresent() ? " and was revoked" : "")
                    + "; a certificate is registered once.",
                FIELD);
          }
          try (PreparedStatement insert =
              tx.prepareStatement(
                  "INSERT INTO acquirer_certificates (institution_code, fingerprint_sha256,"
                      + " subject, not_before, not_after, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                  Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, institution.value());
            insert.setString(2, fingerprint);
            insert.setString(3, subject(cert));
            insert.setLong(4, cert.getNotBefore().toInstant().getEpochSecond());
            insert.setLong(5, cert.getNotAfter().toInstant().getEpochSecond());
            insert.setLong(6, now.getEpochSecond());
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
              keys.next();
              return byId(tx, keys.getLong(1)).orElseThrow();
            }
          }
        });
  }

  /**
   * Every certificate of {@code institution}, revoked ones included, oldest first.
   *
   * @throws ClearingException {@code UNKNOWN_ACQUIRER}
   */
  public List<AcquirerCertificate> list(InstitutionCode institution) {
    Objects.requireNonNull(institution, "institution == null");
    return store.inTransaction(
        tx -> {
          if (Acquirers.find(tx, institution).isEmpty()) {
            throw Acquirers.unknown(institution);
          }
          try (PreparedStatement select =
              tx.prepareStatement(SELECT + " WHERE institution_code = ? ORDER BY id")) {
            select.setString(1, institution.value());
            return read(select);
          }
        });
  }

  /**
   * Revokes certificate {@code id} of {@code institution}: from now on it authenticates nothing.
   * Revoking a revoked certificate changes nothing and answers it as it is.
   *
   * @throws ClearingException {@code UNKNOWN_ACQUIRER}
   * @throws AcquirerCertificateException {@code UNKNOWN_CERTIFICATE} if the acquirer has no
   *     certificate {@code id}
   */
  public AcquirerCertificate revoke(InstitutionCode institution, long id) {
    Objects.requireNonNull(institution, "institution == null");
    Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    return store.inTransaction(
        tx -> {
          if (Acquirers.find(tx, institution).isEmpty()) {
            throw Acquirers.unknown(institution);
          }
          AcquirerCertificate c =
              byId(tx, id)
                  .filter(x -> x.institution().equals(institution))
                  .orElseThrow(() -> unknownCertificate(institution, id));
          if (c.revokedAt().isPresent()) {
            return c;
          }
          try (PreparedStatement update =
              tx.prepareStatement(
                  "UPDATE acquirer_certificates SET revoked_at = ? WHERE id = ? AND revoked_at IS"
                      + " NULL")) {
            update.setLong(1, now.getEpochSecond());
            update.setLong(2, id);
            update.executeUpdate();
          }
          return byId(tx, id).orElseThrow();
        });
  }

  static AcquirerCertificateException unknownCertificate(InstitutionCode institution, long id) {
    return new AcquirerCertificateException(
        AcquirerCertificateException.Reason.UNKNOWN_CERTIFICATE,
        "Acquirer " + institution.value() + " has no certificate " + id + ".");
  }

  /** The registered certificate with this fingerprint, if any (revoked or not). */
  public Optional<AcquirerCertificate> findByFingerprint(String fingerprint) {
    Objects.requireNonNull(fingerprint, "fingerprint == null");
    return store.inTransaction(tx -> byFingerprint(tx, fingerprint));
  }

  /**
   * The acquirer a hook request speaks for, by the client certificate its TLS connection verified
   * ({@link RouteRequest#clientCertificate()}; plain HTTP never has one). The certificate must be
   * registered, not revoked, and the gateway's time within its validity. If the request also names
   * an acquirer in {@link HookSignature#ACQUIRER}, it must be the same one.
   *
   * @throws AcquirerCertificateException {@code UNREGISTERED_CERTIFICATE} (also when there is no
   *     certificate), {@code REVOKED_CERTIFICATE}, {@code EXPIRED_CERTIFICATE} (401); {@code
   *     WRONG_ACQUIRER} (403)
   */
  public InstitutionCode authenticate(RouteRequest request) {
    Objects.requireNonNull(request, "request == null");
    X509Certificate cert =
        request
            .clientCertificate()
            .orElseThrow(
                () ->
                    new AcquirerCertificateException(
                        AcquirerCertificateException.Reason.UNREGISTERED_CERTIFICATE,
                        "The request came without a TLS client certificate; present the"
                            + " acquirer's registered certificate, or sign with HMAC."));
    String fingerprint = fingerprint(cert);
    AcquirerCertificate c =
        findByFingerprint(fingerprint)
            .orElseThrow(
                () ->
                    new AcquirerCertificateException(
                        AcquirerCertificateException.Reason.UNREGISTERED_CERTIFICATE,
                        "The TLS client certificate (SHA-256 "
                            + fingerprint
                            + ") is registered to no acquirer; the operator registers it with"
                            + " POST /v1/acquirers/{code}/certificates."));
    if (c.revokedAt().isPresent()) {
      throw new AcquirerCertificateException(
          AcquirerCertificateException.Reason.REVOKED_CERTIFICATE,
          "The TLS client certificate (SHA-256 "
              + fingerprint
              + ") was revoked at "
              + c.revokedAt().get()
              + "; present a current one.");
    }
    Instant now = clock.instant();
    if (!c.acceptedAt(now)) {
      throw new AcquirerCertificateException(
          AcquirerCertificateException.Reason.EXPIRED_CERTIFICATE,
          "The TLS client certificate (SHA-256 "
              + fingerprint
              + ") is valid from "
              + c.notBefore()
              + " to "
              + c.notAfter()
              + ", and the gateway's time is "
              + Instant.ofEpochSecond(now.getEpochSecond())
              + ".");
    }
    Optional<String> named = request.header(HookSignature.ACQUIRER).map(String::trim);
    if (named.isPresent()) {
      boolean same;
      try {
        same = InstitutionCode.of(named.get()).equals(c.institution());
      } catch (InvalidIdentifierException e) {
        same = false;
      }
      if (!same) {
        throw new AcquirerCertificateException(
            AcquirerCertificateException.Reason.WRONG_ACQUIRER,
            HookSignature.ACQUIRER
                + " names "
                + named.get()
                + ", but the TLS client certificate is registered to another acquirer.");
      }
    }
    return c.institution();
  }

  // ---------------------------------------------------------------- rows

  private static final String SELECT =
      "SELECT id, institution_code, fingerprint_sha256, subject, not_before, not_after,"
          + " created_at, revoked_at FROM acquirer_certificates";

  private static Optional<AcquirerCertificate> byFingerprint(Connection tx, String fingerprint)
      throws SQLException {
    try (PreparedStatement select = tx.prepareStatement(SELECT + " WHERE fingerprint_sha256 = ?")) {
      select.setString(1, fingerprint);
      List<AcquirerCertificate> rows = read(select);
      return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }
  }

  private static Optional<AcquirerCertificate> byId(Connection tx, long id) throws SQLException {
    try (PreparedStatement select = tx.prepareStatement(SELECT + " WHERE id = ?")) {
      select.setLong(1, id);
      List<AcquirerCertificate> rows = read(select);
      return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }
  }

  private static List<AcquirerCertificate> read(PreparedStatement select) throws SQLException {
    List<AcquirerCertificate> list = new ArrayList<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        long revoked = rows.getLong(8);
        boolean open = rows.wasNull();
        list.add(
            AcquirerCertificate.of(
                rows.getLong(1),
                InstitutionCode.of(rows.getString(2)),
                rows.getString(3),
                rows.getString(4),
                Instant.ofEpochSecond(rows.getLong(5)),
                Instant.ofEpochSecond(rows.getLong(6)),
                Instant.ofEpochSecond(rows.getLong(7)),
                open ? null : Instant.ofEpochSecond(revoked)));
      }
    }
    return list;
  }

  private static AcquirerCertificateException invalid(String message) {
    return new AcquirerCertificateException(
        AcquirerCertificateException.Reason.INVALID_CERTIFICATE, message, FIELD);
  }
}
