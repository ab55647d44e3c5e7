package dev.fangxin.gateway.cases;

import dev.fangxin.protocol.v1.CaseState;
import dev.fangxin.protocol.v1.ComplaintCategory;
import dev.fangxin.protocol.v1.DesiredOutcome;
import dev.fangxin.protocol.v1.ResponseKind;
import dev.fangxin.protocol.v1.TransactionType;
import java.util.Locale;
import java.util.Optional;

/**
 * The lower-case codes that the gateway's JSON, its database columns and its metrics use for the
 * protocol's enums: a protobuf constant without its enum prefix, lower case. {@code
 * CASE_STATE_RECEIVED} is {@code "received"}, {@code COMPLAINT_CATEGORY_NOT_AS_DESCRIBED} is {@code
 * "not_as_described"}, {@code RESPONSE_KIND_REFUND} is {@code "refund"}.
 *
 * <p>The {@code UNSPECIFIED} and {@code UNRECOGNIZED} constants have no code: {@code code} refuses
 * them and {@code parse} never returns them. Stateless and thread-safe.
 */
public final class CaseCodes {
  private CaseCodes() {}

  /** The code of a case state, such as {@code "escalated"}. */
  public static String state(CaseState state) {
    return code(CaseRecord.checkState("state", state).name(), "CASE_STATE_");
  }

  /** The case state with {@code code}, if there is one. */
  public static Optional<CaseState> parseState(String code) {
    return parse(CaseState.class, "CASE_STATE_", code);
  }

  /** The code of a complaint category, such as {@code "quality"}. */
  public static String category(ComplaintCategory category) {
    return code(
        real(category, ComplaintCategory.COMPLAINT_CATEGORY_UNSPECIFIED).name(),
        "COMPLAINT_CATEGORY_");
  }

  /** The complaint category with {@code code}, if there is one. */
  public static Optional<ComplaintCategory> parseCategory(String code) {
    return parse(ComplaintCategory.class, "COMPLAINT_CATEGORY_", code);
  }

  /** The code of a desired outcome, such as {@code "refund_money"}. */
  public static String outcome(DesiredOutcome outcome) {
    return code(
        real(outcome, DesiredOutcome.DESIRED_OUTCOME_UNSPECIFIED).name(), "DESIRED_OUTCOME_");
  }

  /** The desired outcome with {@code code}, if there is one. */
  public static Optional<DesiredOutcome> parseOutcome(String code) {
    return parse(DesiredOutcome.class, "DESIRED_OUTCOME_", code);
  }

  /** The code of a response kind, such as {@code "proposal"}. */
  public static String kind(ResponseKind kind) {
    return code(real(kind, ResponseKind.RESPONSE_KIND_UNSPECIFIED).name(), "RESPONSE_KIND_");
  }

  /** The response kind with {@code code}, if there is one. */
  public static Optional<ResponseKind> parseKind(String code) {
    return parse(ResponseKind.class, "RESPONSE_KIND_", code);
  }

  /** The code of a transaction type, such as {@code "sale"}. */
  public static String transactionType(TransactionType type) {
    return code(
        real(type, TransactionType.TRANSACTION_TYPE_UNSPECIFIED).name(), "TRANSACTION_TYPE_");
  }

  /** The transaction type with {@code code}, if there is one. */
  public static Optional<TransactionType> parseTransactionType(String code) {
    return parse(TransactionType.class, "TRANSACTION_TYPE_", code);
  }

  private static <E extends Enum<E>> E real(E value, E unspecified) {
    if (value == null) {
      throw new NullPointerException("value == null");
    }
    if (value == unspecified || value.name().equals("UNRECOGNIZED")) {
      throw new IllegalArgumentException(value + " has no code; give a real value.");
    }
    return value;
  }

  private static String code(String name, String prefix) {
    return name.substring(prefix.length()).toLowerCase(Locale.ROOT);
  }

  private static <E extends Enum<E>> Optional<E> parse(Class<E> type, String prefix, String code) {
    if (code == null || !code.matches("[a-z][a-z0-9_]{0,40}") || code.equals("unspecified")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Enum.valueOf(type, prefix + code.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
