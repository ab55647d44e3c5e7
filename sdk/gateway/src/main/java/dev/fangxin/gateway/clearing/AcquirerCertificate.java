package dev.fangxin.gateway.clearing;

import dev.fangxin.core.id.InstitutionCode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A client certificate registered to an acquirer for mutual TLS: its ID, the acquirer, the
 * lower-case hex SHA-256 fingerprint of its DER encoding, its subject (RFC 2253), its validity,
 * when it was registered and, once revoked, when. The certificate itself is not kept. Immutable and
 * thread-safe.
 */
public final class AcquirerCertificate {
  private final long id;
  private final InstitutionCode institution;
  private final String fingerprint;
  private final String subject;
  private final Instant notBefore;
  private final Instant notAfter;
  private final Instant createdAt;
  private final Instant revokedAt;

  private AcquirerCertificate(
      long id,
      InstitutionCode institution,
      String fingerprint,
      String subject,
      Instant notBefore,
      Instant notAfter,
      Instant createdAt,
      Instant revokedAt) {
    this.id = id;
    this.institution = institution;
    this.fingerprint = fingerprint;
    this.subject = subject;
    this.notBefore = notBefore;
    this.notAfter = notAfter;
    this.createdAt = createdAt;
    this.revokedAt = revokedAt;
  }

  /**
   * A registered certificate; {@code revokedAt} may be null.
   *
   * @throws IllegalArgumentException if the fingerprint is not 64 lower-case hex digits or the
   *     validity ends before it begins
   */
  static AcquirerCertificate of(
      long id,
      InstitutionCode institution,
      String fingerprint,
      String subject,
      Instant notBefore,
      Instant notAfter,
      Instant createdAt,
      Instant revokedAt) {
    Objects.requireNonNull(fingerprint, "fingerprint == null");
    if (!fingerprint.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "A fingerprint is 64 lower-case hex digits, got \"" + fingerprint + "\".");
    }
    if (notAfter.isBefore(notBefore)) {
      throw new IllegalArgumentException(
          "A certificate's validity ends (" + notAfter + ") before it begins (" + notBefore + ").");
    }
    return new AcquirerCertificate(
        id,
        Objects.requireNonNull(institution, "institution == null"),
        fingerprint,
        Objects.requireNonNull(subject, "subject == null"),
        notBefore,
        notAfter,
        Objects.requireNonNull(createdAt, "createdAt == null"),
        revokedAt);
  }

  /** The certificate's ID, unique in the gateway. */
  public long id() {
    return id;
  }

  /** The acquirer it authenticates. */
  public InstitutionCode institution() {
    return institution;
  }

  /** SHA-256 of the DER encoding, 64 lower-case hex digits. */
  public String fingerprint() {
    return fingerprint;
  }

  /** The subject distinguished name, RFC 2253. */
  public String subject() {
    return subject;
  }

  /** Start of validity. */
  public Instant notBefore() {
    return notBefore;
  }

  /** End of validity. */
  public Instant notAfter() {
    return notAfter;
  }

  /** When the operator registered it. */
  public Instant createdAt() {
    return createdAt;
  }

  /** When it was revoked, if it was. */
  public Optional<Instant> revokedAt() {
    return Optional.ofNullable(revokedAt);
  }

  /** Whether it authenticates at {@code at}: not revoked, and {@code at} within its validity. */
  public boolean acceptedAt(Instant at) {
    return revokedAt == null && !at.isBefore(notBefore) && !at.isAfter(notAfter);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof AcquirerCertificate)) {
      return false;
    }
    AcquirerCertificate c = (AcquirerCertificate) o;
    return id == c.id
        && institution.equals(c.institution)
        && fingerprint.equals(c.fingerprint)
        && subject.equals(c.subject)
        && notBefore.equals(c.notBefore)
        && notAfter.equals(c.notAfter)
        && createdAt.equals(c.createdAt)
        && Objects.equals(revokedAt, c.revokedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, fingerprint);
  }

  @Override
  public String toString() {
    return "AcquirerCertificate{"
        + id
        + ", "
        + institution.value()
        + ", sha256="
        + fingerprint
        + ", "
        + subject
        + (revokedAt == null ? "" : ", revoked " + revokedAt)
        + "}";
  }
}
