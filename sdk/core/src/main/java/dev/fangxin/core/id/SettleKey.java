package dev.fangxin.core.id;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.id.InvalidIdentifierException.Reason;

/**
 * The UnionPay clearing key of a payment, 38 characters:
 *
 * <pre>
 * characters  1-11  acquiring institution code, ISO 8583 field 32, {@link InstitutionCode#padded()}
 * characters 12-22  forwarding institution code, field 33, padded likewise
 * characters 23-28  system trace audit number, field 11 ({@link Stan})
 * characters 29-38  transmission date and time, field 7, MMDDhhmmss ({@link TransmissionTime})
 * </pre>
 *
 * <p>Institution codes are left-aligned and right-padded with ASCII spaces to 11 characters, so a
 * settle key may contain spaces; it contains nothing outside ASCII. Field 7 has no year, so a
 * settle key repeats from one year to the next: {@link DurableTrace} is the durable identity.
 *
 * <p>Immutable and thread-safe.
 */
public final class SettleKey {
  /** The length of a settle key. */
  public static final int LENGTH = 38;

  private static final String FIELD = "settle_key";

  private final InstitutionCode acquirer;
  private final InstitutionCode forwarding;
  private final Stan stan;
  private final TransmissionTime transmissionTime;
  private final String value;

  private SettleKey(
      InstitutionCode acquirer,
      InstitutionCode forwarding,
      Stan stan,
      TransmissionTime transmissionTime) {
    this.acquirer = acquirer;
    this.forwarding = forwarding;
    this.stan = stan;
    this.transmissionTime = transmissionTime;
    this.value = acquirer.padded() + forwarding.padded() + stan.value() + transmissionTime.value();
  }

  /**
   * Returns the settle key of these parts.
   *
   * @throws NullPointerException if any argument is null
   */
  public static SettleKey of(
      InstitutionCode acquirer,
      InstitutionCode forwarding,
      Stan stan,
      TransmissionTime transmissionTime) {
    return new SettleKey(
        requireNonNull(acquirer, "acquirer == null"),
        requireNonNull(forwarding, "forwarding == null"),
        requireNonNull(stan, "stan == null"),
        requireNonNull(transmissionTime, "transmissionTime == null"));
  }

  /**
   * Reads a 38-character settle key, validating every part.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws InvalidIdentifierException with {@link InvalidIdentifierException#field()} {@code
   *     "settle_key"} if {@code value} is not 38 characters; otherwise with {@code field()} naming
   *     the failing part as in {@code fangxin.v1.Trace} ({@code "acquirer_institution"}, {@code
   *     "forwarding_institution"}, {@code "stan"}, {@code "transmission_time"}), a message that
   *     starts with the part's character positions, and the part's own exception as cause
   */
  public static SettleKey parse(String value) {
    requireNonNull(value, "value == null");
    String must = "settle key must be exactly " + LENGTH + " characters, got ";
    if (value.isEmpty()) {
      throw Ids.fail(FIELD, Reason.EMPTY, must + "an empty string");
    }
    if (value.length() != LENGTH) {
      throw Ids.fail(
          FIELD, Reason.LENGTH, must + Ids.characters(value.length()) + ": " + Ids.echo(value));
    }
    return parseParts(value, "settle key");
  }

  /** Parses the 38 characters at the start of {@code s}; {@code what} names the whole. */
  static SettleKey parseParts(String s, String what) {
    InstitutionCode acquirer;
    try {
      acquirer = InstitutionCode.ofPadded(s.substring(0, 11));
    } catch (InvalidIdentifierException e) {
      throw Ids.inPart("acquirer_institution", what + " characters 1-11 (acquirer institution)", e);
    }
    InstitutionCode forwarding;
    try {
      forwarding = InstitutionCode.ofPadded(s.substring(11, 22));
    } catch (InvalidIdentifierException e) {
      throw Ids.inPart(
          "forwarding_institution", what + " characters 12-22 (forwarding institution)", e);
    }
    Stan stan;
    try {
      stan = Stan.of(s.substring(22, 28));
    } catch (InvalidIdentifierException e) {
      throw Ids.inPart("stan", what + " characters 23-28 (system trace audit number)", e);
    }
    TransmissionTime time;
    try {
      time = TransmissionTime.of(s.substring(28, 38));
    } catch (InvalidIdentifierException e) {
      throw Ids.inPart("transmission_time", what + " characters 29-38 (transmission time)", e);
    }
    return new SettleKey(acquirer, forwarding, stan, time);
  }

  /** The acquiring institution code, ISO 8583 field 32. */
  public InstitutionCode acquirer() {
    return acquirer;
  }

  /** The forwarding institution code, ISO 8583 field 33. */
  public InstitutionCode forwarding() {
    return forwarding;
  }

  /** The system trace audit number, ISO 8583 field 11. */
  public Stan stan() {
    return stan;
  }

  /** The transmission date and time, ISO 8583 field 7. */
  public TransmissionTime transmissionTime() {
    return transmissionTime;
  }

  /** The 38 characters, institution codes padded with spaces. */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SettleKey && ((SettleKey) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** The 38 characters, institution codes padded with spaces. */
  @Override
  public String toString() {
    return value;
  }
}
