package dev.fangxin.gateway.clearing;

import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.InvalidIdentifierException;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.gateway.registry.PaymentTool;
import java.util.Objects;
import java.util.Optional;

/**
 * Under which acquirer, merchant number (MID) and terminal (TID) a payment tool's payments clear:
 * what links a tool to its clearing records when only the tool, an amount and a time are known (a
 * receipt token, or a merchant collection code plus time and amount).
 *
 * <ul>
 *   <li>A card terminal clears under its own acquirer, MID and TID.
 *   <li>A collection code clears under the acquirer and MID its code ID names: a collection code is
 *       registered with the code ID {@code <acquirer>.<MID>} (the convention {@link TraceRouter}
 *       routes by), and its records carry no TID. A code registered under any other ID has no
 *       clearing identity: its payments cannot be found by time and amount.
 * </ul>
 *
 * Immutable and thread-safe.
 */
public final class ClearingIdentity {
  private final InstitutionCode acquirer;
  private final MerchantNumber merchantNumber;
  private final TerminalId terminalId;

  private ClearingIdentity(
      InstitutionCode acquirer, MerchantNumber merchantNumber, TerminalId terminalId) {
    this.acquirer = acquirer;
    this.merchantNumber = merchantNumber;
    this.terminalId = terminalId;
  }

  /** The identity of {@code tool}, if it has one (see the class comment). */
  public static Optional<ClearingIdentity> of(PaymentTool tool) {
    Objects.requireNonNull(tool, "tool == null");
    if (tool.kind() == PaymentTool.Kind.CARD_TERMINAL) {
      return Optional.of(
          new ClearingIdentity(
              tool.acquirer().orElseThrow(),
              tool.merchantNumber().orElseThrow(),
              tool.terminalId().orElseThrow()));
    }
    String code = tool.collectionCodeId().orElseThrow();
    int dot = code.indexOf('.');
    if (dot < 0 || code.indexOf('.', dot + 1) >= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new ClearingIdentity(
              InstitutionCode.of(code.substring(0, dot)),
              MerchantNumber.of(code.substring(dot + 1)),
              null));
    } catch (InvalidIdentifierException e) {
      return Optional.empty();
    }
  }

  /** The acquirer institution the payments clear under. */
  public InstitutionCode acquirer() {
    return acquirer;
  }

  /** The merchant number (MID) the payments clear under. */
  public MerchantNumber merchantNumber() {
    return merchantNumber;
  }

  /** The terminal ID of a card terminal; empty for a collection code. */
  public Optional<TerminalId> terminalId() {
    return Optional.ofNullable(terminalId);
  }

  /** Whether {@code record} cleared under this identity. */
  public boolean matches(ClearingRecord record) {
    return record.acquirer().equals(acquirer)
        && record.merchantNumber().equals(merchantNumber)
        && (terminalId == null || record.terminalId().equals(Optional.of(terminalId)));
  }

  @Override
  public String toString() {
    return "ClearingIdentity{"
        + acquirer.value()
        + "/"
        + merchantNumber.value()
        + (terminalId == null ? "" : "/" + terminalId.value())
        + "}";
  }
}
