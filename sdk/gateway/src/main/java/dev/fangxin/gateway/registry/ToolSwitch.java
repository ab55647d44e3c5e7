package dev.fangxin.gateway.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * What {@link Registry#switchTool} did: the merchant's binding of the old tool closed at {@link
 * #at()}, and its binding of the new tool opened from {@link #at()}. Immutable and thread-safe.
 */
public final class ToolSwitch {
  private final String merchantId;
  private final Binding closed;
  private final Binding opened;
  private final boolean toolRegistered;
  private final boolean replayed;

  private ToolSwitch(
      String merchantId, Binding closed, Binding opened, boolean toolRegistered, boolean replayed) {
    this.merchantId = merchantId;
    this.closed = closed;
    this.opened = opened;
    this.toolRegistered = toolRegistered;
    this.replayed = replayed;
  }

  /**
   * A switch of {@code merchantId} from {@code closed}'s tool to {@code opened}'s.
   *
   * @throws IllegalArgumentException if either binding is of another merchant, {@code closed} is
   *     open, or {@code opened} does not start where {@code closed} ends
   */
  public static ToolSwitch of(
      String merchantId, Binding closed, Binding opened, boolean toolRegistered, boolean replayed) {
    Objects.requireNonNull(merchantId, "merchantId == null");
    Objects.requireNonNull(closed, "closed == null");
    Objects.requireNonNull(opened, "opened == null");
    if (!closed.merchantId().equals(merchantId) || !opened.merchantId().equals(merchantId)) {
      throw new IllegalArgumentException(
          "Both bindings of a switch must be of merchant " + merchantId + ".");
    }
    if (closed.validTo().isEmpty() || !closed.validTo().get().equals(opened.validFrom())) {
      throw new IllegalArgumentException(
          "The new binding must start when the old one ends: " + closed + ", " + opened + ".");
    }
    return new ToolSwitch(merchantId, closed, opened, toolRegistered, replayed);
  }

  /** The merchant that switched. */
  public String merchantId() {
    return merchantId;
  }

  /** The binding of the old tool, now ending at {@link #at()}. */
  public Binding closed() {
    return closed;
  }

  /** The binding of the new tool, open from {@link #at()}. */
  public Binding opened() {
    return opened;
  }

  /** When the old tool stopped and the new one started belonging to the merchant. */
  public Instant at() {
    return opened.validFrom();
  }

  /** True if the new tool was registered by this switch. */
  public boolean toolRegistered() {
    return toolRegistered;
  }

  /** True if this exact switch had already been made (nothing was written). */
  public boolean replayed() {
    return replayed;
  }

  @Override
  public String toString() {
    return "ToolSwitch{" + merchantId + ": " + closed + " -> " + opened + "}";
  }
}
