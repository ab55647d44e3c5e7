package dev.fangxin.gateway.registry;

import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.MerchantNumber;
import dev.fangxin.core.id.TerminalId;
import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalPublicKey;
import dev.fangxin.gateway.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The registry of merchants, payment tools, tool-to-merchant bindings and terminal keys, kept in a
 * {@link Store}.
 *
 * <p><b>Time.</b> Every instant is stored as whole UTC epoch seconds: instants given to this class
 * are truncated to the second ({@link Instant#getEpochSecond()}) before they are stored or
 * compared. Because bounds are whole seconds, a query at {@code t} gives the same answer as at
 * {@code t} truncated.
 *
 * <p><b>Bindings.</b> A tool belongs to at most one merchant at any instant; its bindings are
 * half-open intervals {@code [from, to)} that never overlap and are never deleted. {@link #bind}
 * closes the open binding and opens the next in one transaction, holding a row lock on the tool so
 * that concurrent binds of the same tool, on this node or another, run one after the other.
 *
 * <p>Every SQL statement binds its values as parameters. Safe to use from many threads. Methods
 * throw {@link RegistryException} when they refuse, and {@link
 * dev.fangxin.gateway.store.StoreException} when the database fails; a refused write changes
 * nothing.
 */
public final class Registry {
  private static final String UNIQUE_VIOLATION = "23505";

  /** At most this many parsed public keys are kept in memory; beyond it the memory is cleared. */
  private static final int PARSED_KEYS_MAX = 100_000;

  private final Store store;
  private final Clock clock;
  private final java.util.concurrent.ConcurrentHashMap<KeyId, TerminalPublicKey> parsedKeys =
      new java.util.concurrent.ConcurrentHashMap<>();

  private Registry(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * A registry over {@code store}; {@code clock} stamps the {@code created_at} of new rows
   * (registration times of merchants and tools, creation times of bindings).
   */
  public static Registry on(Store store, Clock clock) {
    return new Registry(
        Objects.requireNonNull(store, "store == null"),
        Objects.requireNonNull(clock, "clock == null"));
  }

  // ---------------------------------------------------------------- merchants

  /**
   * Registers a merchant.
   *
   * @param id a unified social credit code or an {@code X-} registry ID (see {@link Merchant})
   * @param name 1 to 200 characters, not blank, no control characters; stored verbatim
   * @param locale a BCP 47 language tag such as {@code zh-CN}
   * @param timeZone an IANA zone ID such as {@code Asia/Shanghai}
   * @throws RegistryException {@code INVALID_FIELD} naming the bad field; {@code DUPLICATE} if a
   *     merchant with this ID exists
   */
  public Merchant registerMerchant(String id, String name, String locale, String timeZone) {
    String canonicalId = Merchant.checkId(id);
    String checkedName = Merchant.checkName(name);
    Locale checkedLocale = Merchant.checkLocale(locale);
    ZoneId zone = Merchant.checkTimeZone(timeZone);
    Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    Merchant merchant = Merchant.of(canonicalId, checkedName, checkedLocale, zone, now);
    try {
      store.inTransaction(
          tx -> {
            if (findMerchant(tx, canonicalId).isPresent()) {
              throw duplicateMerchant(canonicalId);
            }
            try (PreparedStatement insert =
                tx.prepareStatement(
                    "INSERT INTO merchants (id, name, locale, time_zone, created_at)"
                        + " VALUES (?, ?, ?, ?, ?)")) {
              insert.setString(1, canonicalId);
              insert.setString(2, checkedName);
              insert.setString(3, checkedLocale.toLanguageTag());
              insert.setString(4, zone.getId());
              insert.setLong(5, now.getEpochSecond());
              insert.executeUpdate();
            }
            return null;
          });
    } catch (RuntimeException e) {
      if (isUniqueViolation(e)) {
        throw duplicateMerchant(canonicalId);
      }
      throw e;
    }
    return merchant;
  }

  /** The store this registry reads and writes. */
  public Store store() {
    return store;
  }

  /** The merchant with {@code id}, if registered. An ID that is not valid is simply not found. */
  public Optional<Merchant> merchant(String id) {
    Objects.requireNonNull(id, "id == null");
    return store.inTransaction(tx -> merchant(tx, id));
  }

  /**
   * {@link #merchant(String)} inside the caller's transaction {@code tx} (for callers that read
   * several things at once, such as intake). Runs on the calling thread; does not commit.
   */
  public Optional<Merchant> merchant(Connection tx, String id) throws SQLException {
    Objects.requireNonNull(tx, "tx == null");
    Objects.requireNonNull(id, "id == null");
    return findMerchant(tx, id.length() == 18 ? id.toUpperCase(Locale.ROOT) : id);
  }

  private static RegistryException duplicateMerchant(String id) {
    return new RegistryException(
        RegistryException.Reason.DUPLICATE,
        "A merchant with ID " + id + " is already registered; register each merchant once.");
  }

  private static Optional<Merchant> findMerchant(Connection tx, String id) throws SQLException {
    try (PreparedStatement select =
        tx.prepareStatement(
            "SELECT id, name, locale, time_zone, created_at FROM merchants WHERE id = ?")) {
      select.setString(1, id);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(readMerchant(row)) : Optional.empty();
      }
    }
  }

  private static Merchant readMerchant(ResultSet row) throws SQLException {
    return Merchant.of(
        row.getString(1),
        row.getString(2),
        Locale.forLanguageTag(row.getString(3)),
        ZoneId.of(row.getString(4)),
        Instant.ofEpochSecond(row.getLong(5)));
  }

  // ---------------------------------------------------------------- payment tools

  /**
   * Registers {@code tool}, or does nothing if it is already registered: idempotent on the natural
   * key (acquirer + MID + TID, or the collection code ID), also under concurrent calls.
   *
   * @return the registered tool (equal to {@code tool})
   */
  public PaymentTool registerTool(PaymentTool tool) {
    Objects.requireNonNull(tool, "tool == null");
    long now = clock.instant().getEpochSecond();
    try {
      store.inTransaction(
          tx -> {
            if (findTool(tx, tool.id()).isPresent()) {
              return null;
            }
            insertTool(tx, tool, now);
            return null;
          });
    } catch (RuntimeException e) {
      // Another caller registered the same tool between our look-up and our insert.
      if (!isUniqueViolation(e) || tool(tool.id()).isEmpty()) {
        throw e;
      }
    }
    return tool;
  }

  private static void insertTool(Connection tx, PaymentTool tool, long now) throws SQLException {
    try (PreparedStatement insert =
        tx.prepareStatement(
            "INSERT INTO payment_tools (id, type, acquirer_institution, merchant_number,"
                + " terminal_id, collection_code_id, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, tool.id());
      insert.setString(2, tool.kind().column());
      setNullable(insert, 3, tool.acquirer().map(InstitutionCode::value));
      setNullable(insert, 4, tool.merchantNumber().map(MerchantNumber::value));
      setNullable(insert, 5, tool.terminalId().map(TerminalId::value));
      setNullable(insert, 6, tool.collectionCodeId());
      insert.setLong(7, now);
      insert.executeUpdate();
    }
  }

  /** The tool with {@code toolId}, if registered. */
  public Optional<PaymentTool> tool(String toolId) {
    Objects.requireNonNull(toolId, "toolId == null");
    return store.inTransaction(tx -> findTool(tx, toolId));
  }

  /** {@link #tool(String)} inside the caller's transaction {@code tx}; does not commit. */
  public Optional<PaymentTool> tool(Connection tx, String toolId) throws SQLException {
    Objects.requireNonNull(tx, "tx == null");
    Objects.requireNonNull(toolId, "toolId == null");
    return findTool(tx, toolId);
  }

  private static void setNullable(PreparedStatement s, int index, Optional<String> value)
      throws SQLException {
    if (value.isPresent()) {
      s.setString(index, value.get());
    } else {
      s.setNull(index, Types.VARCHAR);
    }
  }

  private static Optional<PaymentTool> findTool(Connection tx, String toolId) throws SQLException {
    try (PreparedStatement select =
        tx.prepareStatement(
            "SELECT type, acquirer_institution, merchant_number, terminal_id, collection_code_id"
                + " FROM payment_tools WHERE id = ?")) {
      select.setString(1, toolId);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        return Optional.of(
            readTool(
                row.getString(1),
                row.getString(2),
                row.getString(3),
                row.getString(4),
                row.getString(5)));
      }
    }
  }

  private static PaymentTool readTool(
      String type, String acquirer, String merchantNumber, String terminalId, String codeId) {
    if (PaymentTool.Kind.CARD_TERMINAL.column().equals(type)) {
      return PaymentTool.cardTerminal(
          InstitutionCode.of(acquirer),
          MerchantNumber.of(merchantNumber),
          TerminalId.of(terminalId));
    }
    return PaymentTool.collectionCode(codeId);
  }

  // ---------------------------------------------------------------- bindings

  /**
   * Binds {@code toolId} to {@code merchantId} from {@code from} on, in one transaction: closes the
   * tool's open binding at {@code from} (which must be after that binding's start) and opens a new
   * one. If the tool has no open binding, {@code from} must be at or after the end of its last
   * binding. Re-binding to the same merchant is allowed and splits the interval.
   *
   * @return the new, open binding
   * @throws RegistryException {@code UNKNOWN_TOOL}, {@code UNKNOWN_MERCHANT}, or {@code
   *     BAD_INTERVAL} if {@code from} is not after the open binding's start (or is before the last
   *     binding's end); nothing changes then
   */
  public Binding bind(String toolId, String merchantId, Instant from) {
    Objects.requireNonNull(toolId, "toolId == null");
    Objects.requireNonNull(merchantId, "merchantId == null");
    Objects.requireNonNull(from, "from == null");
    long at = from.getEpochSecond();
    long now = clock.instant().getEpochSecond();
    return store.inTransaction(
        tx -> {
          lockTool(tx, toolId);
          String merchant =
              merchantId.length() == 18 ? merchantId.toUpperCase(Locale.ROOT) : merchantId;
          if (findMerchant(tx, merchant).isEmpty()) {
            throw new RegistryException(
                RegistryException.Reason.UNKNOWN_MERCHANT,
                "No merchant has ID "
                    + Merchant.quote(merchantId)
                    + "; register the merchant before binding tools to it.");
          }
          Optional<BindingRow> last = lastBinding(tx, toolId);
          if (last.isPresent()) {
            BindingRow row = last.get();
            if (row.validTo == null) {
              if (at <= row.validFrom) {
                throw badInterval(
                    "Cannot bind tool "
                        + toolId
                        + " from "
                        + Instant.ofEpochSecond(at)
                        + ": its open binding to "
                        + row.merchantId
                        + " starts at "
                        + Instant.ofEpochSecond(row.validFrom)
                        + "; a new binding must start after it.");
              }
              closeBinding(tx, row.id, at);
            } else if (at < row.validTo) {
              throw badInterval(
                  "Cannot bind tool "
                      + toolId
                      + " from "
                      + Instant.ofEpochSecond(at)
                      + ": its last binding, to "
                      + row.merchantId
                      + ", lasts until "
                      + Instant.ofEpochSecond(row.validTo)
                      + "; a new binding must start at or after that.");
            }
          }
          insertOpenBinding(tx, toolId, merchant, at, now);
          return Binding.of(toolId, merchant, Instant.ofEpochSecond(at), null);
        });
  }

  /**
   * Closes the open binding of {@code toolId} at {@code at}: from then on the tool belongs to no
   * merchant until it is bound again.
   *
   * @return the closed binding
   * @throws RegistryException {@code UNKNOWN_TOOL}; {@code NOT_BOUND} if the tool has no open
   *     binding; {@code BAD_INTERVAL} if {@code at} is not after the open binding's start
   */
  public Binding unbind(String toolId, Instant at) {
    Objects.requireNonNull(toolId, "toolId == null");
    Objects.requireNonNull(at, "at == null");
    long end = at.getEpochSecond();
    return store.inTransaction(
        tx -> {
          lockTool(tx, toolId);
          Optional<BindingRow> last = lastBinding(tx, toolId);
          if (last.isEmpty() || last.get().validTo != null) {
            throw new RegistryException(
                RegistryException.Reason.NOT_BOUND,
                "Tool " + toolId + " has no open binding to close; bind it first.");
          }
          BindingRow row = last.get();
          if (end <= row.validFrom) {
            throw badInterval(
                "Cannot unbind tool "
                    + toolId
                    + " at "
                    + Instant.ofEpochSecond(end)
                    + ": its open binding to "
                    + row.merchantId
                    + " starts at "
                    + Instant.ofEpochSecond(row.validFrom)
                    + "; the end must be after the start.");
          }
          closeBinding(tx, row.id, end);
          return Binding.of(
              toolId,
              row.merchantId,
              Instant.ofEpochSecond(row.validFrom),
              Instant.ofEpochSecond(end));
        });
  }

  /**
   * The merchant {@code toolId} belonged to at {@code t}: the binding with {@code valid_from <= t}
   * and {@code t < valid_to} (or open). Empty if the tool was bound to no merchant then, or is
   * unknown.
   */
  public Optional<String> merchantAt(String toolId, Instant t) {
    Objects.requireNonNull(toolId, "toolId == null");
    Objects.requireNonNull(t, "t == null");
    return store.inTransaction(tx -> merchantAt(tx, toolId, t));
  }

  /** {@link #merchantAt(String, Instant)} inside the caller's transaction {@code tx}. */
  public Optional<String> merchantAt(Connection tx, String toolId, Instant t) throws SQLException {
    Objects.requireNonNull(tx, "tx == null");
    Objects.requireNonNull(toolId, "toolId == null");
    Objects.requireNonNull(t, "t == null");
    long at = t.getEpochSecond();
    try (PreparedStatement select =
        tx.prepareStatement(
            "SELECT merchant_id FROM tool_bindings WHERE tool_id = ? AND valid_from <= ?"
                + " AND (valid_to IS NULL OR valid_to > ?) ORDER BY valid_from DESC"
                + " LIMIT 1")) {
      select.setString(1, toolId);
      select.setLong(2, at);
      select.setLong(3, at);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
      }
    }
  }

  /**
   * The merchant {@code toolId} was bound to at {@code t} (as {@link #merchantAt(Connection,
   * String, Instant)} then {@link #merchant(Connection, String)}), read with one query inside the
   * caller's transaction {@code tx}. Empty if the tool was bound to no merchant then, or is
   * unknown.
   */
  public Optional<Merchant> merchantBoundAt(Connection tx, String toolId, Instant t)
      throws SQLException {
    Objects.requireNonNull(tx, "tx == null");
    Objects.requireNonNull(toolId, "toolId == null");
    Objects.requireNonNull(t, "t == null");
    long at = t.getEpochSecond();
    try (PreparedStatement select =
        tx.prepareStatement(
            "SELECT m.id, m.name, m.locale, m.time_zone, m.created_at FROM tool_bindings b"
                + " JOIN merchants m ON m.id = b.merchant_id WHERE b.tool_id = ?"
                + " AND b.valid_from <= ? AND (b.valid_to IS NULL OR b.valid_to > ?)"
                + " ORDER BY b.valid_from DESC LIMIT 1")) {
      select.setString(1, toolId);
      select.setLong(2, at);
      select.setLong(3, at);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(readMerchant(row)) : Optional.empty();
      }
    }
  }

  /** Every binding of {@code toolId}, oldest first; empty for an unknown or never-bound tool. */
  public List<Binding> history(String toolId) {
    Objects.requireNonNull(toolId, "toolId == null");
    return store.inTransaction(
        tx -> {
          List<Binding> out = new ArrayList<>();
          try (PreparedStatement select =
              tx.prepareStatement(
                  "SELECT merchant_id, valid_from, valid_to FROM tool_bindings WHERE tool_id = ?"
                      + " ORDER BY valid_from, id")) {
            select.setString(1, toolId);
            try (ResultSet row = select.executeQuery()) {
              while (row.next()) {
                long to = row.getLong(3);
                boolean open = row.wasNull();
                out.add(
                    Binding.of(
                        toolId,
                        row.getString(1),
                        Instant.ofEpochSecond(row.getLong(2)),
                        open ? null : Instant.ofEpochSecond(to)));
              }
            }
          }
          return List.copyOf(out);
        });
  }

  /**
   * Switches merchant {@code merchantId} from tool {@code fromToolId} to tool {@code to} at {@code
   * at}, inside the caller's transaction {@code tx} (so that the caller may move the merchant's
   * endpoint in the same transaction): registers {@code to} if it is not registered yet, closes the
   * merchant's open binding of the old tool at {@code at} and opens a binding of the new tool from
   * {@code at}. Both tools are locked ({@code SELECT … FOR UPDATE}, in ID order) for the rest of
   * the transaction.
   *
   * <p>Making the same switch again (the old tool's last binding is this merchant's, closed at
   * {@code at}, and the new tool's open binding is this merchant's from {@code at}) writes nothing
   * and answers {@link ToolSwitch#replayed()}.
   *
   * @throws RegistryException {@code INVALID_FIELD} if both tools are the same; {@code
   *     UNKNOWN_MERCHANT}; {@code UNKNOWN_TOOL} for the old tool; {@code NOT_BOUND} if the old tool
   *     has no open binding to this merchant; {@code BAD_INTERVAL} if {@code at} is not after the
   *     old binding's start, or the new tool was bound (to anyone) until after {@code at}, or is
   *     already bound to this merchant; {@code BOUND_ELSEWHERE} if the new tool has an open binding
   *     to another merchant. Every refusal comes before any write; the caller must roll back on a
   *     refusal anyway, as {@link Store#inTransaction} does.
   */
  public ToolSwitch switchTool(
      Connection tx, String merchantId, String fromToolId, PaymentTool to, Instant at)
      throws SQLException {
    Objects.requireNonNull(tx, "tx == null");
    Objects.requireNonNull(merchantId, "merchantId == null");
    Objects.requireNonNull(fromToolId, "fromToolId == null");
    Objects.requireNonNull(to, "to == null");
    Objects.requireNonNull(at, "at == null");
    long when = at.getEpochSecond();
    Instant whenInstant = Instant.ofEpochSecond(when);
    if (fromToolId.equals(to.id())) {
      throw new RegistryException(
          RegistryException.Reason.INVALID_FIELD,
          "The new tool is the old tool " + fromToolId + "; name another tool to switch to.");
    }
    String merchant = merchantId.length() == 18 ? merchantId.toUpperCase(Locale.ROOT) : merchantId;
    if (findMerchant(tx, merchant).isEmpty()) {
      throw new RegistryException(
          RegistryException.Reason.UNKNOWN_MERCHANT,
          "No merchant has ID " + Merchant.quote(merchantId) + ".");
    }
    if (findTool(tx, fromToolId).isEmpty()) {
      throw unknownTool(fromToolId);
    }
    boolean registered = false;
    if (findTool(tx, to.id()).isEmpty()) {
      insertTool(tx, to, clock.instant().getEpochSecond());
      registered = true;
    }
    if (fromToolId.compareTo(to.id()) < 0) {
      lockTool(tx, fromToolId);
      lockTool(tx, to.id());
    } else {
      lockTool(tx, to.id());
      lockTool(tx, fromToolId);
    }
    Optional<BindingRow> fromLast = lastBinding(tx, fromToolId);
    Optional<BindingRow> toLast = lastBinding(tx, to.id());
    if (fromLast.isPresent()
        && toLast.isPresent()
        && fromLast.get().merchantId.equals(merchant)
        && toLast.get().merchantId.equals(merchant)
        && fromLast.get().validTo != null
        && fromLast.get().validTo == when
        && toLast.get().validTo == null
        && toLast.get().validFrom == when) {
      return ToolSwitch.of(
          merchant,
          Binding.of(
              fromToolId, merchant, Instant.ofEpochSecond(fromLast.get().validFrom), whenInstant),
          Binding.of(to.id(), merchant, whenInstant, null),
          false,
          true);
    }
    if (fromLast.isEmpty()
        || fromLast.get().validTo != null
        || !fromLast.get().merchantId.equals(merchant)) {
      throw new RegistryException(
          RegistryException.Reason.NOT_BOUND,
          "Tool "
              + fromToolId
              + " is not bound to merchant "
              + merchant
              + " now; only a tool the merchant holds can be switched away from.");
    }
    BindingRow old = fromLast.get();
    if (when <= old.validFrom) {
      throw badInterval(
          "Cannot switch at "
              + whenInstant
              + ": the binding of tool "
              + fromToolId
              + " to merchant "
              + merchant
              + " starts at "
              + Instant.ofEpochSecond(old.validFrom)
              + "; the switch must come after it.");
    }
    if (toLast.isPresent()) {
      BindingRow row = toLast.get();
      if (row.validTo == null && !row.merchantId.equals(merchant)) {
        throw new RegistryException(
            RegistryException.Reason.BOUND_ELSEWHERE,
            "Tool "
                + to.id()
                + " is bound to another merchant since "
                + Instant.ofEpochSecond(row.validFrom)
                + "; that binding must be closed before the tool can be switched to.");
      }
      if (row.validTo == null) {
        throw badInterval(
            "Tool "
                + to.id()
                + " is already bound to merchant "
                + merchant
                + " since "
                + Instant.ofEpochSecond(row.validFrom)
                + "; close the old tool's binding instead of switching.");
      }
      if (when < row.validTo) {
        throw badInterval(
            "Tool "
                + to.id()
                + " was bound until "
                + Instant.ofEpochSecond(row.validTo)
                + "; it can belong to merchant "
                + merchant
                + " only from then on.");
      }
    }
    closeBinding(tx, old.id, when);
    insertOpenBinding(tx, to.id(), merchant, when, clock.instant().getEpochSecond());
    return ToolSwitch.of(
        merchant,
        Binding.of(fromToolId, merchant, Instant.ofEpochSecond(old.validFrom), whenInstant),
        Binding.of(to.id(), merchant, whenInstant, null),
        registered,
        false);
  }

  private static void insertOpenBinding(
      Connection tx, String toolId, String merchantId, long from, long createdAt)
      throws SQLException {
    try (PreparedStatement insert =
        tx.prepareStatement(
            "INSERT INTO tool_bindings (tool_id, merchant_id, valid_from, valid_to,"
                + " created_at) VALUES (?, ?, ?, NULL, ?)")) {
      insert.setString(1, toolId);
      insert.setString(2, merchantId);
      insert.setLong(3, from);
      insert.setLong(4, createdAt);
      insert.executeUpdate();
    }
  }

  /**
   * Every binding that ever held a tool for {@code merchantId}, oldest first (then by tool ID);
   * empty for an unknown merchant or one never bound.
   */
  public List<Binding> bindingsOf(String merchantId) {
    Objects.requireNonNull(merchantId, "merchantId == null");
    String merchant = merchantId.length() == 18 ? merchantId.toUpperCase(Locale.ROOT) : merchantId;
    return store.inTransaction(
        tx -> {
          List<Binding> out = new ArrayList<>();
          try (PreparedStatement select =
              tx.prepareStatement(
                  "SELECT tool_id, valid_from, valid_to FROM tool_bindings WHERE merchant_id = ?"
                      + " ORDER BY valid_from, tool_id, id")) {
            select.setString(1, merchant);
            try (ResultSet row = select.executeQuery()) {
              while (row.next()) {
                long end = row.getLong(3);
                boolean open = row.wasNull();
                out.add(
                    Binding.of(
                        row.getString(1),
                        merchant,
                        Instant.ofEpochSecond(row.getLong(2)),
                        open ? null : Instant.ofEpochSecond(end)));
              }
            }
          }
          return List.copyOf(out);
        });
  }

  private static final class BindingRow {
    final long id;
    final String merchantId;
    final long validFrom;
    final Long validTo;

    BindingRow(long id, String merchantId, long validFrom, Long validTo) {
      this.id = id;
      this.merchantId = merchantId;
      this.validFrom = validFrom;
      this.validTo = validTo;
    }
  }

  private static void lockTool(Connection tx, String toolId) throws SQLException {
    try (PreparedStatement select =
        tx.prepareStatement("SELECT id FROM payment_tools WHERE id = ? FOR UPDATE")) {
      select.setString(1, toolId);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          throw unknownTool(toolId);
        }
      }
    }
  }

  private static RegistryException unknownTool(String toolId) {
    return new RegistryException(
        RegistryException.Reason.UNKNOWN_TOOL,
        "No payment tool has ID " + Merchant.quote(toolId) + "; register the tool first.");
  }

  private static Optional<BindingRow> lastBinding(Connection tx, String toolId)
      throws SQLException {
    try (PreparedStatement select =
        tx.prepareStatement(
            "SELECT id, merchant_id, valid_from, valid_to FROM tool_bindings WHERE tool_id = ?"
                + " ORDER BY valid_from DESC, id DESC LIMIT 1")) {
      select.setString(1, toolId);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        long to = row.getLong(4);
        Long validTo = row.wasNull() ? null : to;
        return Optional.of(
            new BindingRow(row.getLong(1), row.getString(2), row.getLong(3), validTo));
      }
    }
  }

  private static void closeBinding(Connection tx, long bindingId, long at) throws SQLException {
    try (PreparedStatement update =
        tx.prepareStatement(
            "UPDATE tool_bindings SET valid_to = ? WHERE id = ? AND valid_to IS NULL")) {
      update.setLong(1, at);
      update.setLong(2, bindingId);
      if (update.executeUpdate() != 1) {
        throw new SQLException("The open binding " + bindingId + " was closed concurrently.");
      }
    }
  }

  private static RegistryException badInterval(String message) {
    return new RegistryException(RegistryException.Reason.BAD_INTERVAL, message);
  }

  // ---------------------------------------------------------------- terminal keys

  /**
   * Registers {@code key} as signing for {@code toolId} from {@code registeredAt}. Idempotent: the
   * same key for the same tool returns the existing registration unchanged.
   *
   * @throws RegistryException {@code UNKNOWN_TOOL}; {@code KEY_ID_COLLISION} if a different key
   *     already has the same key ID; {@code DUPLICATE} if the same key is registered for another
   *     tool
   */
  public RegisteredKey registerKey(TerminalPublicKey key, String toolId, Instant registeredAt) {
    Objects.requireNonNull(key, "key == null");
    Objects.requireNonNull(toolId, "toolId == null");
    Objects.requireNonNull(registeredAt, "registeredAt == null");
    long at = registeredAt.getEpochSecond();
    try {
      return store.inTransaction(
          tx -> {
            lockTool(tx, toolId);
            Optional<RegisteredKey> existing = findKey(tx, key.keyId());
            if (existing.isPresent()) {
              return sameOrRefuse(existing.get(), key, toolId);
            }
            try (PreparedStatement insert =
                tx.prepareStatement(
                    "INSERT INTO terminal_keys (key_id, algorithm, public_key, tool_id,"
                        + " registered_at, revoked_at) VALUES (?, ?, ?, ?, ?, NULL)")) {
              insert.setBytes(1, key.keyId().toBytes());
              insert.setString(2, key.algorithm().label());
              insert.setBytes(3, key.spki());
              insert.setString(4, toolId);
              insert.setLong(5, at);
              insert.executeUpdate();
            }
            return RegisteredKey.of(key, toolId, Instant.ofEpochSecond(at), null);
          });
    } catch (RuntimeException e) {
      if (isUniqueViolation(e)) {
        Optional<RegisteredKey> existing = key(key.keyId());
        if (existing.isPresent()) {
          return sameOrRefuse(existing.get(), key, toolId);
        }
      }
      throw e;
    }
  }

  private static RegisteredKey sameOrRefuse(
      RegisteredKey existing, TerminalPublicKey key, String toolId) {
    if (!Arrays.equals(existing.publicKey().spki(), key.spki())) {
      throw new RegistryException(
          RegistryException.Reason.KEY_ID_COLLISION,
          "Key ID "
              + key.keyId().toHex()
              + " is already registered for a different public key; generate a new key pair.");
    }
    if (!existing.toolId().equals(toolId)) {
      throw new RegistryException(
          RegistryException.Reason.DUPLICATE,
          "Key "
              + key.keyId().toHex()
              + " is already registered for tool "
              + existing.toolId()
              + ", not "
              + toolId
              + "; every signing instance needs its own key pair.");
    }
    return existing;
  }

  /**
   * Revokes the key {@code keyId} at {@code at}: receipts it signed at or after {@code at} are no
   * longer {@linkplain RegisteredKey#validAt valid}. Revoking again keeps the earlier of the two
   * times (a revocation can be moved earlier, never later).
   *
   * @return the key as revoked
   * @throws RegistryException {@code UNKNOWN_KEY}; {@code BAD_INTERVAL} if {@code at} is before the
   *     key's registration
   */
  public RegisteredKey revokeKey(KeyId keyId, Instant at) {
    Objects.requireNonNull(keyId, "keyId == null");
    Objects.requireNonNull(at, "at == null");
    long when = at.getEpochSecond();
    return store.inTransaction(
        tx -> {
          RegisteredKey existing =
              findKeyForUpdate(tx, keyId)
                  .orElseThrow(
                      () ->
                          new RegistryException(
                              RegistryException.Reason.UNKNOWN_KEY,
                              "No terminal key has ID " + keyId.toHex() + "; nothing to revoke."));
          if (when < existing.registeredAt().getEpochSecond()) {
            throw badInterval(
                "Cannot revoke key "
                    + keyId.toHex()
                    + " at "
                    + Instant.ofEpochSecond(when)
                    + ": it was registered at "
                    + existing.registeredAt()
                    + "; revocation must not precede registration.");
          }
          long revoked =
              existing.revokedAt().map(r -> Math.min(r.getEpochSecond(), when)).orElse(when);
          try (PreparedStatement update =
              tx.prepareStatement("UPDATE terminal_keys SET revoked_at = ? WHERE key_id = ?")) {
            update.setLong(1, revoked);
            update.setBytes(2, keyId.toBytes());
            update.executeUpdate();
          }
          return RegisteredKey.of(
              existing.publicKey(),
              existing.toolId(),
              existing.registeredAt(),
              Instant.ofEpochSecond(revoked));
        });
  }

  /** The key registered under {@code keyId}, revoked or not. */
  public Optional<RegisteredKey> key(KeyId keyId) {
    Objects.requireNonNull(keyId, "keyId == null");
    return store.inTransaction(tx -> findKey(tx, keyId));
  }

  /** {@link #key(KeyId)} inside the caller's transaction {@code tx}; does not commit. */
  public Optional<RegisteredKey> key(Connection tx, KeyId keyId) throws SQLException {
    Objects.requireNonNull(tx, "tx == null");
    Objects.requireNonNull(keyId, "keyId == null");
    return findKey(tx, keyId);
  }

  /**
   * The key {@code keyId} with its payment tool and the merchant that tool was bound to at {@code
   * t}, read with <b>one</b> query inside the caller's transaction (or auto-commit connection)
   * {@code tx}: the same answers as {@link #key(Connection, KeyId)}, {@link #tool(Connection,
   * String)} and {@link #merchantBoundAt(Connection, String, Instant)}, in one round trip. The
   * revocation time is always read from the store, never cached, so a revocation committed on any
   * node is seen by the next call. Only the parsed public key is kept in memory, by key ID and
   * compared byte for byte with the stored key (a key ID's key never changes; parsing it costs an
   * elliptic-curve point decode). Empty if no key has that ID. Does not commit.
   */
  public Optional<KeyRoute> route(Connection tx, KeyId keyId, Instant t) throws SQLException {
    Objects.requireNonNull(tx, "tx == null");
    Objects.requireNonNull(keyId, "keyId == null");
    Objects.requireNonNull(t, "t == null");
    long at = t.getEpochSecond();
    try (PreparedStatement select =
        tx.prepareStatement(
            "SELECT k.algorithm, k.public_key, k.tool_id, k.registered_at, k.revoked_at,"
                + " p.id, p.type, p.acquirer_institution, p.merchant_number, p.terminal_id,"
                + " p.collection_code_id, m.id, m.name, m.locale, m.time_zone, m.created_at"
                + " FROM terminal_keys k"
                + " LEFT JOIN payment_tools p ON p.id = k.tool_id"
                + " LEFT JOIN tool_bindings b ON b.tool_id = k.tool_id AND b.valid_from <= ?"
                + " AND (b.valid_to IS NULL OR b.valid_to > ?)"
                + " LEFT JOIN merchants m ON m.id = b.merchant_id"
                + " WHERE k.key_id = ? ORDER BY b.valid_from DESC LIMIT 1")) {
      select.setLong(1, at);
      select.setLong(2, at);
      select.setBytes(3, keyId.toBytes());
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        RegisteredKey key = readKey(row, parsedKey(keyId, row.getBytes(2)));
        Optional<PaymentTool> tool =
            row.getString(6) == null
                ? Optional.empty()
                : Optional.of(
                    readTool(
                        row.getString(7),
                        row.getString(8),
                        row.getString(9),
                        row.getString(10),
                        row.getString(11)));
        Optional<Merchant> merchant =
            row.getString(12) == null
                ? Optional.empty()
                : Optional.of(
                    Merchant.of(
                        row.getString(12),
                        row.getString(13),
                        Locale.forLanguageTag(row.getString(14)),
                        ZoneId.of(row.getString(15)),
                        Instant.ofEpochSecond(row.getLong(16))));
        return Optional.of(KeyRoute.of(key, tool, merchant));
      }
    }
  }

  /** The parsed public key stored as {@code spki} under {@code keyId}, from memory if seen. */
  private TerminalPublicKey parsedKey(KeyId keyId, byte[] spki) {
    TerminalPublicKey known = parsedKeys.get(keyId);
    if (known != null && Arrays.equals(known.spki(), spki)) {
      return known;
    }
    TerminalPublicKey parsed = TerminalPublicKey.fromSpki(spki);
    if (parsedKeys.size() >= PARSED_KEYS_MAX) {
      parsedKeys.clear();
    }
    parsedKeys.put(keyId, parsed);
    return parsed;
  }

  /** Every key registered for {@code toolId}, in registration order. */
  public List<RegisteredKey> keys(String toolId) {
    Objects.requireNonNull(toolId, "toolId == null");
    return store.inTransaction(
        tx -> {
          List<RegisteredKey> out = new ArrayList<>();
          try (PreparedStatement select =
              tx.prepareStatement(
                  KEY_COLUMNS + " WHERE tool_id = ? ORDER BY registered_at, key_id")) {
            select.setString(1, toolId);
            try (ResultSet row = select.executeQuery()) {
              while (row.next()) {
                out.add(readKey(row));
              }
            }
          }
          return List.copyOf(out);
        });
  }

  private static final String KEY_COLUMNS =
      "SELECT algorithm, public_key, tool_id, registered_at, revoked_at FROM terminal_keys";

  private static Optional<RegisteredKey> findKey(Connection tx, KeyId keyId) throws SQLException {
    return selectKey(tx, KEY_COLUMNS + " WHERE key_id = ?", keyId);
  }

  private static Optional<RegisteredKey> findKeyForUpdate(Connection tx, KeyId keyId)
      throws SQLException {
    return selectKey(tx, KEY_COLUMNS + " WHERE key_id = ? FOR UPDATE", keyId);
  }

  private static Optional<RegisteredKey> selectKey(Connection tx, String sql, KeyId keyId)
      throws SQLException {
    try (PreparedStatement select = tx.prepareStatement(sql)) {
      select.setBytes(1, keyId.toBytes());
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(readKey(row)) : Optional.empty();
      }
    }
  }

  private static RegisteredKey readKey(ResultSet row) throws SQLException {
    return readKey(row, TerminalPublicKey.fromSpki(row.getBytes(2)));
  }

  private static RegisteredKey readKey(ResultSet row, TerminalPublicKey key) throws SQLException {
    SignatureAlgorithm stored = SignatureAlgorithm.parse(row.getString(1));
    if (stored != key.algorithm()) {
      throw new SQLException(
          "The stored algorithm " + stored + " does not match the stored key's " + key.algorithm());
    }
    long revoked = row.getLong(5);
    boolean notRevoked = row.wasNull();
    return RegisteredKey.of(
        key,
        row.getString(3),
        Instant.ofEpochSecond(row.getLong(4)),
        notRevoked ? null : Instant.ofEpochSecond(revoked));
  }

  private static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException && UNIQUE_VIOLATION.equals(((SQLException) t).getSQLState())) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
