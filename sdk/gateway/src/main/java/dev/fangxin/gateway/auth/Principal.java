package dev.fangxin.gateway.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * An authenticated API client: its ID, its {@link Role}, and for a merchant the merchant it acts
 * for, for an acquirer its institution code. Immutable.
 */
public final class Principal {
  private final String clientId;
  private final Role role;
  private final String merchantId;
  private final String institutionCode;

  private Principal(String clientId, Role role, String merchantId, String institutionCode) {
    this.clientId = Objects.requireNonNull(clientId, "clientId == null");
    this.role = Objects.requireNonNull(role, "role == null");
    this.merchantId = merchantId;
    this.institutionCode = institutionCode;
  }

  /** An operator. */
  public static Principal operator(String clientId) {
    return new Principal(clientId, Role.OPERATOR, null, null);
  }

  /** A client acting for merchant {@code merchantId}. */
  public static Principal merchant(String clientId, String merchantId) {
    return new Principal(
        clientId, Role.MERCHANT, Objects.requireNonNull(merchantId, "merchantId == null"), null);
  }

  /** An acquirer with ISO 8583 institution code {@code institutionCode}. */
  public static Principal acquirer(String clientId, String institutionCode) {
    return new Principal(
        clientId,
        Role.ACQUIRER,
        null,
        Objects.requireNonNull(institutionCode, "institutionCode == null"));
  }

  /** A wallet partner. */
  public static Principal walletPartner(String clientId) {
    return new Principal(clientId, Role.WALLET_PARTNER, null, null);
  }

  /** The client's ID, as recorded in audit trails. */
  public String clientId() {
    return clientId;
  }

  /** The client's role. */
  public Role role() {
    return role;
  }

  /** The merchant this client acts for; present exactly for {@link Role#MERCHANT}. */
  public Optional<String> merchantId() {
    return Optional.ofNullable(merchantId);
  }

  /** The acquirer's institution code; present exactly for {@link Role#ACQUIRER}. */
  public Optional<String> institutionCode() {
    return Optional.ofNullable(institutionCode);
  }

  /** Whether this client may act for merchant {@code id}: an operator, or that merchant. */
  public boolean mayActFor(String merchantId) {
    return role == Role.OPERATOR || (role == Role.MERCHANT && this.merchantId.equals(merchantId));
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Principal)) {
      return false;
    }
    Principal p = (Principal) o;
    return clientId.equals(p.clientId)
        && role == p.role
        && Objects.equals(merchantId, p.merchantId)
        && Objects.equals(institutionCode, p.institutionCode);
  }

  @Override
  public int hashCode() {
    return Objects.hash(clientId, role, merchantId, institutionCode);
  }

  @Override
  public String toString() {
    return "Principal{"
        + role.code()
        + " "
        + clientId
        + (merchantId != null ? " for " + merchantId : "")
        + (institutionCode != null ? " at " + institutionCode : "")
        + "}";
  }
}
