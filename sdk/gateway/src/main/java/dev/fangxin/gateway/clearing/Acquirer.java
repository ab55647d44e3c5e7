package dev.fangxin.gateway.clearing;

import dev.fangxin.core.id.InstitutionCode;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A registered acquiring institution: its code (ISO 8583 field 32), its name, the callback URL the
 * gateway asks about unknown traces (if any), and when it was registered. Immutable and
 * thread-safe.
 */
public final class Acquirer {
  private final InstitutionCode institution;
  private final String name;
  private final URI callbackUrl;
  private final Instant createdAt;

  private Acquirer(InstitutionCode institution, String name, URI callbackUrl, Instant createdAt) {
    this.institution = institution;
    this.name = name;
    this.callbackUrl = callbackUrl;
    this.createdAt = createdAt;
  }

  /** An acquirer; {@code callbackUrl} may be null. */
  static Acquirer of(InstitutionCode institution, String name, URI callbackUrl, Instant createdAt) {
    return new Acquirer(
        Objects.requireNonNull(institution, "institution == null"),
        Objects.requireNonNull(name, "name == null"),
        callbackUrl,
        Objects.requireNonNull(createdAt, "createdAt == null"));
  }

  /** The institution code. */
  public InstitutionCode institution() {
    return institution;
  }

  /** The registered name. */
  public String name() {
    return name;
  }

  /** Where the pull hook asks about unknown traces; empty if the acquirer has no callback. */
  public Optional<URI> callbackUrl() {
    return Optional.ofNullable(callbackUrl);
  }

  /** When it was registered. */
  public Instant createdAt() {
    return createdAt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Acquirer
        && ((Acquirer) o).institution.equals(institution)
        && ((Acquirer) o).name.equals(name)
        && Objects.equals(((Acquirer) o).callbackUrl, callbackUrl)
        && ((Acquirer) o).createdAt.equals(createdAt);
  }

  @Override
  public int hashCode() {
    return institution.hashCode();
  }

  @Override
  public String toString() {
    return "Acquirer{" + institution.value() + "}";
  }
}
