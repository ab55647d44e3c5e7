package dev.fangxin.gateway.registry;

import dev.fangxin.core.id.CreditCode;
import dev.fangxin.core.id.InvalidIdentifierException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.IllformedLocaleException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A merchant: the legal entity that complaints route to.
 *
 * <p><b>ID rule.</b> Either an 18-character unified social credit code (GB 32100-2015, validated
 * with its check character by {@link CreditCode} and stored upper-cased), or, for a merchant
 * outside the mainland, a registry-issued ID: {@code "X-"} followed by 1 to 32 characters from
 * {@code A-Z}, {@code 0-9} and {@code -} (upper case only, so IDs compare exactly). Nothing else is
 * accepted.
 *
 * <p>Immutable and thread-safe.
 */
public final class Merchant {
  /** The prefix of registry-issued IDs for merchants outside the mainland. */
  public static final String REGISTRY_ID_PREFIX = "X-";

  /** The longest name accepted, in UTF-16 characters (the database column holds 200). */
  public static final int MAX_NAME_LENGTH = 200;

  private static final Pattern REGISTRY_ID = Pattern.compile("X-[A-Z0-9-]{1,32}");

  private final String id;
  private final String name;
  private final Locale locale;
  private final ZoneId timeZone;
  private final Instant createdAt;

  private Merchant(String id, String name, Locale locale, ZoneId timeZone, Instant createdAt) {
    this.id = id;
    this.name = name;
    this.locale = locale;
    this.timeZone = timeZone;
    this.createdAt = createdAt;
  }

  static Merchant of(String id, String name, Locale locale, ZoneId timeZone, Instant createdAt) {
    return new Merchant(id, name, locale, timeZone, createdAt);
  }

  /**
   * Returns {@code id} in canonical form (a credit code upper-cased), or throws.
   *
   * @throws RegistryException {@link RegistryException.Reason#INVALID_FIELD} if it is neither a
   *     valid credit code nor a registry ID; the cause is the credit-code failure, if any
   */
  public static String checkId(String id) {
    Objects.requireNonNull(id, "id == null");
    if (id.startsWith(REGISTRY_ID_PREFIX)) {
      if (!REGISTRY_ID.matcher(id).matches()) {
        throw invalid(
            "The merchant ID "
                + quote(id)
                + " is not a registry ID; expected \"X-\" followed by 1 to 32 characters from"
                + " A-Z, 0-9 and '-'.");
      }
      return id;
    }
    try {
      return CreditCode.of(id).value();
    } catch (InvalidIdentifierException e) {
      throw new RegistryException(
          RegistryException.Reason.INVALID_FIELD,
          "The merchant ID is neither a unified social credit code nor a registry ID (\"X-\" +"
              + " 1 to 32 of A-Z, 0-9, '-'): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Returns {@code name} unchanged if it is 1 to 200 characters, not blank and free of control
   * characters.
   *
   * @throws RegistryException {@link RegistryException.Reason#INVALID_FIELD} saying what is wrong
   */
  public static String checkName(String name) {
    Objects.requireNonNull(name, "name == null");
    if (name.isBlank()) {
      throw invalid("The merchant name is blank; expected 1 to 200 characters of text.");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw invalid(
          "The merchant name has "
              + name.length()
              + " characters; at most "
              + MAX_NAME_LENGTH
              + " are accepted.");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw invalid(
            "The merchant name has a control character (U+"
                + String.format(Locale.ROOT, "%04X", (int) name.charAt(i))
                + ") at index "
                + i
                + "; expected printable text.");
      }
    }
    return name;
  }

  /**
   * The locale of the well-formed BCP 47 tag {@code tag} (at most 35 characters, with a language).
   *
   * @throws RegistryException {@link RegistryException.Reason#INVALID_FIELD} saying what is wrong
   */
  public static Locale checkLocale(String tag) {
    Objects.requireNonNull(tag, "locale == null");
    String must =
        "; expected a well-formed BCP 47 language tag such as zh-CN, at most 35 characters.";
    if (tag.isEmpty() || tag.length() > 35) {
      throw invalid("The locale " + quote(tag) + " has " + tag.length() + " characters" + must);
    }
    Locale locale;
    try {
      locale = new Locale.Builder().setLanguageTag(tag).build();
    } catch (IllformedLocaleException e) {
      throw new RegistryException(
          RegistryException.Reason.INVALID_FIELD,
          "The locale " + quote(tag) + " is not well-formed (" + e.getMessage() + ")" + must,
          e);
    }
    if (locale.getLanguage().isEmpty()) {
      throw invalid("The locale " + quote(tag) + " names no language" + must);
    }
    return locale;
  }

  /**
   * The IANA time zone {@code zone} (at most 64 characters).
   *
   * @throws RegistryException {@link RegistryException.Reason#INVALID_FIELD} saying what is wrong
   */
  public static ZoneId checkTimeZone(String zone) {
    Objects.requireNonNull(zone, "timeZone == null");
    String must = "; expected an IANA time zone ID such as Asia/Shanghai.";
    if (zone.isEmpty() || zone.length() > 64) {
      throw invalid(
          "The time zone " + quote(zone) + " has " + zone.length() + " characters" + must);
    }
    try {
      return ZoneId.of(zone);
    } catch (DateTimeException e) {
      throw new RegistryException(
          RegistryException.Reason.INVALID_FIELD,
          "The time zone " + quote(zone) + " is not known" + must,
          e);
    }
  }

  private static RegistryException invalid(String message) {
    return new RegistryException(RegistryException.Reason.INVALID_FIELD, message);
  }

  static String quote(String s) {
    String shown = s.length() > 80 ? s.substring(0, 80) + "…" : s;
    return "\"" + shown + "\"";
  }

  /** The credit code (upper case) or the {@code X-} registry ID. */
  public String id() {
    return id;
  }

  /** The name, exactly as registered. */
  public String name() {
    return name;
  }

  /** The locale for messages to this merchant. */
  public Locale locale() {
    return locale;
  }

  /** The merchant's time zone, for showing receipt times as the merchant saw them. */
  public ZoneId timeZone() {
    return timeZone;
  }

  /** When the merchant was registered (whole seconds). */
  public Instant createdAt() {
    return createdAt;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Merchant)) {
      return false;
    }
    Merchant m = (Merchant) o;
    return id.equals(m.id)
        && name.equals(m.name)
        && locale.equals(m.locale)
        && timeZone.equals(m.timeZone)
        && createdAt.equals(m.createdAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, name, locale, timeZone, createdAt);
  }

  @Override
  public String toString() {
    return "Merchant{id="
        + id
        + ", name="
        + name
        + ", locale="
        + locale.toLanguageTag()
        + ", timeZone="
        + timeZone
        + "}";
  }
}
