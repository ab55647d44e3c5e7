package dev.fangxin.gateway.registry;

import java.util.Objects;
import java.util.Optional;

/**
 * What the registry says about one terminal key at one instant, read with one query ({@link
 * Registry#route}): the key as registered (with its revocation time, read fresh from the store),
 * the payment tool it signs for, and the merchant that tool was bound to at that instant.
 * Immutable.
 */
public final class KeyRoute {
  private final RegisteredKey key;
  private final Optional<PaymentTool> tool;
  private final Optional<Merchant> merchant;

  private KeyRoute(RegisteredKey key, Optional<PaymentTool> tool, Optional<Merchant> merchant) {
    this.key = key;
    this.tool = tool;
    this.merchant = merchant;
  }

  /**
   * The route of {@code key}: its {@code tool} (empty if not registered) and the {@code merchant}
   * bound to it at the instant asked (empty if none).
   */
  public static KeyRoute of(
      RegisteredKey key, Optional<PaymentTool> tool, Optional<Merchant> merchant) {
    Objects.requireNonNull(key, "key == null");
    Objects.requireNonNull(tool, "tool == null");
    Objects.requireNonNull(merchant, "merchant == null");
    if (merchant.isPresent() && tool.isEmpty()) {
      throw new IllegalArgumentException(
          "A key route names merchant "
              + merchant.get().id()
              + " but no payment tool; a binding always belongs to a registered tool.");
    }
    return new KeyRoute(key, tool, merchant);
  }

  /** The key as registered, with its revocation time if revoked. */
  public RegisteredKey key() {
    return key;
  }

  /** The payment tool the key signs for; empty if that tool is not registered. */
  public Optional<PaymentTool> tool() {
    return tool;
  }

  /** The merchant the tool was bound to at the instant asked; empty if none. */
  public Optional<Merchant> merchant() {
    return merchant;
  }

  @Override
  public String toString() {
    return "KeyRoute{key="
        + key.keyId().toHex()
        + ", tool="
        + key.toolId()
        + (tool.isPresent() ? "" : " (unregistered)")
        + ", merchant="
        + merchant.map(Merchant::id).orElse("none")
        + "}";
  }
}
