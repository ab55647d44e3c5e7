package dev.fangxin.gateway.auth;

/** What an API client may do. Each has a stable {@link #code()} stored with its keys. */
public enum Role {
  /** Runs the gateway: registers merchants, tools, keys and other clients; replays deliveries. */
  OPERATOR("operator"),
  /** One merchant: reads and answers its own cases, manages its endpoint and tools. */
  MERCHANT("merchant"),
  /** An acquiring bank: pushes clearing records, registers its terminals' keys. */
  ACQUIRER("acquirer"),
  /** A payment app opening cases for its users from the trace it holds. */
  WALLET_PARTNER("wallet_partner");

  private final String code;

  Role(String code) {
    this.code = code;
  }

  /** The stable code, e.g. {@code "wallet_partner"}. */
  public String code() {
    return code;
  }

  /**
   * The role whose {@link #code()} is {@code code}.
   *
   * @throws IllegalArgumentException naming the known codes if there is none
   */
  public static Role fromCode(String code) {
    for (Role r : values()) {
      if (r.code.equals(code)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "Unknown role \"" + code + "\"; expected operator, merchant, acquirer or wallet_partner.");
  }
}
