package dev.fangxin.gateway.registry;

import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.TerminalId;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What took the money: a card terminal or a QR collection code. A value of its natural key only;
 * which merchant it belongs to, and when, is a {@link Binding}.
 *
 * <p><b>IDs.</b> The tool ID is derived from the natural key, so registering the same tool twice
 * yields the same ID: {@code "ct:" + acquirer + ":" + MID + ":" + TID} for a card terminal (at most
 * 38 characters) and {@code "cc:" + code} for a collection code. A collection code's own ID is 1 to
 * 60 characters from {@code A-Z a-z 0-9 . _ -} (the registry's name for the code, not the QR
 * content).
 *
 * <p>Immutable and thread-safe.
 */
public final class PaymentTool {
  /** The kind of payment tool. */
  public enum Kind {
    /** A card terminal: acquirer institution code, merchant number (MID) and terminal ID (TID). */
    CARD_TERMINAL("card_terminal"),
    /** A QR collection code. */
    COLLECTION_CODE("collection_code");

    private final String column;

    Kind(String column) {
      this.column = column;
    }

    String column() {
      return column;
    }
  }

  private static final Pattern COLLECTION_CODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,60}");

  private final Kind kind;
  private final String id;
  private final InstitutionCode acquirer;
  private final MerchantNumber merchantNumber;
  private final TerminalId terminalId;
  private final String collectionCodeId;

  private PaymentTool(
      Kind kind,
      String id,
      InstitutionCode acquirer,
      MerchantNumber merchantNumber,
      TerminalId terminalId,
      String collectionCodeId) {
    this.kind = kind;
    this.id = id;
    this.acquirer = acquirer;
    this.merchantNumber = merchantNumber;
    this.terminalId = terminalId;
    this.collectionCodeId = collectionCodeId;
  }

  /** A card terminal, identified by its acquirer, MID and TID. */
  public static PaymentTool cardTerminal(
      InstitutionCode acquirer, MerchantNumber merchantNumber, TerminalId terminalId) {
    Objects.requireNonNull(acquirer, "acquirer == null");
    Objects.requireNonNull(merchantNumber, "merchantNumber == null");
    Objects.requireNonNull(terminalId, "terminalId == null");
    String id = "ct:" + acquirer.value() + ":" + merchantNumber.value() + ":" + terminalId.value();
    return new PaymentTool(Kind.CARD_TERMINAL, id, acquirer, merchantNumber, terminalId, null);
  }

  /**
   * A collection code with the registry ID {@code codeId}.
   *
   * @throws RegistryException {@link RegistryException.Reason#INVALID_FIELD} if {@code codeId} is
   *     not 1 to 60 characters from {@code A-Z a-z 0-9 . _ -}
   */
  public static PaymentTool collectionCode(String codeId) {
    Objects.requireNonNull(codeId, "codeId == null");
    if (!COLLECTION_CODE_ID.matcher(codeId).matches()) {
      throw new RegistryException(
          RegistryException.Reason.INVALID_FIELD,
          "The collection code ID "
              + Merchant.quote(codeId)
              + " is not valid; expected 1 to 60 characters from A-Z, a-z, 0-9, '.', '_' and"
              + " '-'.");
    }
    return new PaymentTool(Kind.COLLECTION_CODE, "cc:" + codeId, null, null, null, codeId);
  }

  /** The tool ID derived from the natural key (see the class comment). */
  public String id() {
    return id;
  }

  /** The kind of tool. */
  public Kind kind() {
    return kind;
  }

  /** The acquirer institution (ISO 8583 field 32) of a card terminal; empty for a code. */
  public Optional<InstitutionCode> acquirer() {
    return Optional.ofNullable(acquirer);
  }

  /** The MID of a card terminal; empty for a collection code. */
  public Optional<MerchantNumber> merchantNumber() {
    return Optional.ofNullable(merchantNumber);
  }

  /** The TID of a card terminal; empty for a collection code. */
  public Optional<TerminalId> terminalId() {
    return Optional.ofNullable(terminalId);
  }

  /** The collection code's registry ID; empty for a card terminal. */
  public Optional<String> collectionCodeId() {
    return Optional.ofNullable(collectionCodeId);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PaymentTool && id.equals(((PaymentTool) o).id);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "PaymentTool{" + id + "}";
  }
}
