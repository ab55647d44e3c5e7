package dev.fangxin.core.id;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.id.InvalidIdentifierException.Reason;
import dev.fangxin.protocol.v1.Trace;
import java.time.LocalDate;

/**
 * The durable identity of a payment: its {@link SettleKey} plus the settlement date (ISO 8583 field
 * 15) and the year of that date.
 *
 * <p>Field 7 inside the settle key has no year, so the settle key alone repeats from year to year;
 * adding the settlement date and its year makes it unique for good. The year is 2000 to 2099, and
 * the settlement date must exist in it (February 29 only in leap years).
 *
 * <p>Canonical string form, 46 ASCII characters:
 *
 * <pre>
 * characters  1-38  settle key (see {@link SettleKey}; may contain spaces)
 * characters 39-42  settlement date, MMDD
 * characters 43-46  settlement year, YYYY
 * </pre>
 *
 * <p>Protobuf form: {@code fangxin.v1.Trace} with {@code acquirer_institution} and {@code
 * forwarding_institution} as unpadded digits, {@code stan}, {@code transmission_time}, {@code
 * settlement_date} and {@code settlement_year}. The {@code rrn} and {@code voucher_number} of a
 * {@code Trace} are kept beside the identity, not in it: {@link #toProto()} leaves them empty and
 * {@link #fromProto(Trace)} ignores them (read them with {@link Rrn#of} and {@link
 * VoucherNumber#of}).
 *
 * <p>Immutable and thread-safe.
 */
public final class DurableTrace {
  /** The length of the canonical string form. */
  public static final int LENGTH = 46;

  /** The first settlement year accepted. */
  public static final int MIN_YEAR = 2000;

  /** The last settlement year accepted. */
  public static final int MAX_YEAR = 2099;

  private static final String FIELD = "durable_trace";
  private static final String YEAR_FIELD = "settlement_year";

  private final SettleKey settleKey;
  private final SettlementDate settlementDate;
  private final int year;

  private DurableTrace(SettleKey settleKey, SettlementDate settlementDate, int year) {
    this.settleKey = settleKey;
    this.settlementDate = settlementDate;
    this.year = year;
  }

  /**
   * Returns the durable trace of a settle key settled on {@code settlementDate} of {@code year}.
   *
   * @throws NullPointerException if {@code settleKey} or {@code settlementDate} is null
   * @throws InvalidIdentifierException with field {@code "settlement_year"} and reason {@code
   *     RANGE} if {@code year} is not 2000 to 2099, or field {@code "settlement_date"} and reason
   *     {@code DATE} if the date does not exist in that year (February 29 of a common year)
   */
  public static DurableTrace of(SettleKey settleKey, SettlementDate settlementDate, int year) {
    requireNonNull(settleKey, "settleKey == null");
    requireNonNull(settlementDate, "settlementDate == null");
    if (year < MIN_YEAR || year > MAX_YEAR) {
      throw yearOutOfRange("", Integer.toString(year));
    }
    if (!settlementDate.existsIn(year)) {
      throw Ids.fail(
          SettlementDate.FIELD,
          Reason.DATE,
          "settlement date must exist in its settlement year, got "
              + settlementDate.value()
              + " in "
              + year
              + ", which is not a leap year");
    }
    return new DurableTrace(settleKey, settlementDate, year);
  }

  /**
   * Reads the 46-character canonical form, validating every part.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws InvalidIdentifierException with field {@code "durable_trace"} if {@code value} is not
   *     46 characters; otherwise with {@code field()} naming the failing part as in {@code
   *     fangxin.v1.Trace} and a message that starts with the part's character positions
   */
  public static DurableTrace parse(String value) {
    requireNonNull(value, "value == null");
    String must = "durable trace must be exactly " + LENGTH + " characters, got ";
    if (value.isEmpty()) {
      throw Ids.fail(FIELD, Reason.EMPTY, must + "an empty string");
    }
    if (value.length() != LENGTH) {
      throw Ids.fail(
          FIELD, Reason.LENGTH, must + Ids.characters(value.length()) + ": " + Ids.echo(value));
    }
    SettleKey settleKey = SettleKey.parseParts(value, "durable trace");
    SettlementDate date;
    try {
      date = SettlementDate.of(value.substring(38, 42));
    } catch (InvalidIdentifierException e) {
      throw Ids.inPart(SettlementDate.FIELD, "durable trace characters 39-42 (settlement date)", e);
    }
    String yyyy = value.substring(42, 46);
    String yearWhere = "durable trace characters 43-46 (settlement year)";
    for (int i = 0; i < 4; i++) {
      char c = yyyy.charAt(i);
      if (!Ids.DIGIT.test(c)) {
        throw Ids.fail(
            YEAR_FIELD,
            Reason.CHARACTER,
            yearWhere
                + ": settlement year must be 4 digits, got "
                + Ids.describe(c)
                + " at position "
                + (43 + i)
                + ": "
                + Ids.echo(yyyy));
      }
    }
    int year = Integer.parseInt(yyyy);
    try {
      return of(settleKey, date, year);
    } catch (InvalidIdentifierException e) {
      throw Ids.inPart(
          e.field(),
          e.field().equals(YEAR_FIELD) ? yearWhere : "durable trace characters 39-46",
          e);
    }
  }

  /**
   * Reads a {@code fangxin.v1.Trace}, validating every field of the identity.
   *
   * <p>{@code rrn} and {@code voucher_number} are not part of the identity and are ignored.
   *
   * @throws NullPointerException if {@code trace} is null
   * @throws InvalidIdentifierException with {@code field()} set to the name of the failing proto
   *     field ({@code "acquirer_institution"}, {@code "forwarding_institution"}, {@code "stan"},
   *     {@code "transmission_time"}, {@code "settlement_date"}, {@code "settlement_year"}) and a
   *     message that starts with {@code "Trace.<field>: "}; an unset field is reported with reason
   *     {@code EMPTY}
   */
  public static DurableTrace fromProto(Trace trace) {
    requireNonNull(trace, "trace == null");
    InstitutionCode acquirer;
    try {
      acquirer = InstitutionCode.of(trace.getAcquirerInstitution());
    } catch (InvalidIdentifierException e) {
      throw Ids.inPart("acquirer_institution", "Trace.acquirer_institution", e);
    }
    InstitutionCode forwarding;
    try {
      forwarding = InstitutionCode.of(trace.getForwardingInstitution());
    } catch (InvalidIdentifierException e) {
      throw Ids.inPart("forwarding_institution", "Trace.forwarding_institution", e);
    }
    Stan stan;
    try {
      stan = Stan.of(trace.getStan());
    } catch (InvalidIdentifierException e) {
      throw Ids.inPart(Stan.FIELD, "Trace.stan", e);
    }
    TransmissionTime time;
    try {
      time = TransmissionTime.of(trace.getTransmissionTime());
    } catch (InvalidIdentifierException e) {
      throw Ids.inPart(TransmissionTime.FIELD, "Trace.transmission_time", e);
    }
    SettlementDate date;
    try {
      date = SettlementDate.of(trace.getSettlementDate());
    } catch (InvalidIdentifierException e) {
      throw Ids.inPart(SettlementDate.FIELD, "Trace.settlement_date", e);
    }
    int year = trace.getSettlementYear(); // uint32 on the wire
    if (year == 0) {
      throw Ids.fail(
          YEAR_FIELD,
          Reason.EMPTY,
          "Trace.settlement_year: settlement year must be "
              + MIN_YEAR
              + " to "
              + MAX_YEAR
              + ", got 0 (unset)");
    }
    if (year < MIN_YEAR || year > MAX_YEAR) {
      throw yearOutOfRange("Trace.settlement_year: ", Integer.toUnsignedString(year));
    }
    try {
      return of(SettleKey.of(acquirer, forwarding, stan, time), date, year);
    } catch (InvalidIdentifierException e) {
      throw Ids.inPart(e.field(), "Trace." + e.field(), e);
    }
  }

  private static InvalidIdentifierException yearOutOfRange(String prefix, String year) {
    return Ids.fail(
        YEAR_FIELD,
        Reason.RANGE,
        prefix + "settlement year must be " + MIN_YEAR + " to " + MAX_YEAR + ", got " + year);
  }

  /** The settle key. */
  public SettleKey settleKey() {
    return settleKey;
  }

  /** The settlement date, ISO 8583 field 15. */
  public SettlementDate settlementDate() {
    return settlementDate;
  }

  /** The year of the settlement date, 2000 to 2099. */
  public int year() {
    return year;
  }

  /** The settlement date in its year. */
  public LocalDate settlementDay() {
    return LocalDate.of(year, settlementDate.month(), settlementDate.day());
  }

  /**
   * This trace as a {@code fangxin.v1.Trace}: institution codes unpadded, {@code rrn} and {@code
   * voucher_number} empty.
   */
  public Trace toProto() {
    return Trace.newBuilder()
        .setAcquirerInstitution(settleKey.acquirer().value())
        .setForwardingInstitution(settleKey.forwarding().value())
        .setStan(settleKey.stan().value())
        .setTransmissionTime(settleKey.transmissionTime().value())
        .setSettlementDate(settlementDate.value())
        .setSettlementYear(year)
        .build();
  }

  /** The 46-character canonical form. */
  public String value() {
    return settleKey.value() + settlementDate.value() + year;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DurableTrace)) {
      return false;
    }
    DurableTrace that = (DurableTrace) o;
    return that.settleKey.equals(settleKey)
        && that.settlementDate.equals(settlementDate)
        && that.year == year;
  }

  @Override
  public int hashCode() {
    return (settleKey.hashCode() * 31 + settlementDate.hashCode()) * 31 + year;
  }

  /** The 46-character canonical form. */
  @Override
  public String toString() {
    return value();
  }
}
