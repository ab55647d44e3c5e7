package dev.fangxin.gateway.cases;

import com.google.gson.JsonObject;
import dev.fangxin.protocol.v1.ComplaintCategory;
import dev.fangxin.protocol.v1.DesiredOutcome;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the consumer complained about: a category, the outcome they want, their description, and
 * optionally how to reach them (a phone number and a name).
 *
 * <p>Texts are kept verbatim, whatever characters they hold (quotes, angle brackets, SQL
 * metacharacters): they are bound as SQL parameters and JSON-escaped on output, never interpreted.
 * Immutable and thread-safe.
 */
public final class ComplaintDetails {
  /** Longest description, in characters (UTF-16 code units). */
  public static final int MAX_DESCRIPTION_LENGTH = 2000;

  /** Longest contact name, in characters. */
  public static final int MAX_NAME_LENGTH = 100;

  /**
   * Accepted phone numbers: E.164 ({@code +} and 7 to 15 digits, no leading zero), a mainland
   * mobile number (11 digits starting {@code 13}–{@code 19}), or a mainland fixed-line number
   * ({@code 0}, a 2–3 digit area code, an optional {@code -}, 7–8 digits).
   */
  public static final Pattern PHONE =
      Pattern.compile("\\+[1-9][0-9]{6,14}|1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-?[0-9]{7,8}");

  private final ComplaintCategory category;
  private final DesiredOutcome desiredOutcome;
  private final String description;
  private final String contactPhone;
  private final String contactName;

  private ComplaintDetails(
      ComplaintCategory category,
      DesiredOutcome desiredOutcome,
      String description,
      String contactPhone,
      String contactName) {
    this.category = category;
    this.desiredOutcome = desiredOutcome;
    this.description = description;
    this.contactPhone = contactPhone;
    this.contactName = contactName;
  }

  /**
   * A complaint.
   *
   * @param contactPhone empty for none; a name without a phone is refused
   * @throws IllegalArgumentException with a sentence naming the first bad field
   */
  public static ComplaintDetails of(
      ComplaintCategory category,
      DesiredOutcome desiredOutcome,
      String description,
      Optional<String> contactPhone,
      Optional<String> contactName) {
    Objects.requireNonNull(category, "category == null");
    Objects.requireNonNull(desiredOutcome, "desiredOutcome == null");
    Objects.requireNonNull(description, "description == null");
    Objects.requireNonNull(contactPhone, "contactPhone == null");
    Objects.requireNonNull(contactName, "contactName == null");
    CaseCodes.category(category);
    CaseCodes.outcome(desiredOutcome);
    descriptionProblem(description).ifPresent(ComplaintDetails::fail);
    contactPhone.flatMap(ComplaintDetails::phoneProblem).ifPresent(ComplaintDetails::fail);
    contactName.flatMap(ComplaintDetails::nameProblem).ifPresent(ComplaintDetails::fail);
    if (contactName.isPresent() && contactPhone.isEmpty()) {
      fail("contact.name is given without contact.phone; a contact needs a phone number.");
    }
    return new ComplaintDetails(
        category, desiredOutcome, description, contactPhone.orElse(null), contactName.orElse(null));
  }

  private static void fail(String message) {
    throw new IllegalArgumentException(message);
  }

  /**
   * What is wrong with {@code description}, if anything: blank, longer than {@value
   * #MAX_DESCRIPTION_LENGTH} characters, or holding a control character other than line feed,
   * carriage return or tab.
   */
  public static Optional<String> descriptionProblem(String description) {
    if (description.isBlank()) {
      return Optional.of("description is blank; say what went wrong.");
    }
    if (description.length() > MAX_DESCRIPTION_LENGTH) {
      return Optional.of(
          "description is "
              + description.length()
              + " characters long; at most "
              + MAX_DESCRIPTION_LENGTH
              + " are allowed.");
    }
    return controlCharacter("description", description, true);
  }

  /** What is wrong with a contact phone number, if anything (see {@link #PHONE}). */
  public static Optional<String> phoneProblem(String phone) {
    if (!PHONE.matcher(phone).matches()) {
      return Optional.of(
          "contact.phone must be E.164 (+8613800138000), a mainland mobile number (13800138000)"
              + " or a fixed-line number (0571-87654321), without spaces.");
    }
    return Optional.empty();
  }

  /** What is wrong with a contact name, if anything: blank, too long or a control character. */
  public static Optional<String> nameProblem(String name) {
    if (name.isBlank()) {
      return Optional.of("contact.name is blank; leave it out instead.");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      return Optional.of(
          "contact.name is "
              + name.length()
              + " characters long; at most "
              + MAX_NAME_LENGTH
              + " are allowed.");
    }
    return controlCharacter("contact.name", name, false);
  }

  private static Optional<String> controlCharacter(String field, String s, boolean linesAllowed) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean line = c == '\n' || c == '\r' || c == '\t';
      if ((c < 0x20 || c == 0x7f) && !(linesAllowed && line)) {
        return Optional.of(
            field + " holds control character U+" + String.format("%04X", (int) c) + ".");
      }
    }
    return Optional.empty();
  }

  /** The category. */
  public ComplaintCategory category() {
    return category;
  }

  /** What the consumer wants. */
  public DesiredOutcome desiredOutcome() {
    return desiredOutcome;
  }

  /** The consumer's description, verbatim. */
  public String description() {
    return description;
  }

  /** The consumer's phone number, if given. */
  public Optional<String> contactPhone() {
    return Optional.ofNullable(contactPhone);
  }

  /** The consumer's name, if given. */
  public Optional<String> contactName() {
    return Optional.ofNullable(contactName);
  }

  /**
   * {@code {"category", "desired_outcome", "description", "contact": {"phone", "name"}}}; {@code
   * contact} is absent without a phone, {@code name} without a name.
   */
  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("category", CaseCodes.category(category));
    o.addProperty("desired_outcome", CaseCodes.outcome(desiredOutcome));
    o.addProperty("description", description);
    if (contactPhone != null) {
      JsonObject c = new JsonObject();
      c.addProperty("phone", contactPhone);
      if (contactName != null) {
        c.addProperty("name", contactName);
      }
      o.add("contact", c);
    }
    return o;
  }

  /**
   * Reads back what {@link #toJson()} wrote.
   *
   * @throws IllegalArgumentException if it is not such a document
   */
  public static ComplaintDetails fromJson(JsonObject o) {
    Objects.requireNonNull(o, "o == null");
    try {
      JsonObject contact = o.has("contact") ? o.getAsJsonObject("contact") : null;
      return of(
          CaseCodes.parseCategory(o.get("category").getAsString()).orElseThrow(),
          CaseCodes.parseOutcome(o.get("desired_outcome").getAsString()).orElseThrow(),
          o.get("description").getAsString(),
          Optional.ofNullable(contact).map(c -> c.get("phone").getAsString()),
          Optional.ofNullable(contact)
              .filter(c -> c.has("name"))
              .map(c -> c.get("name").getAsString()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("The stored complaint is not readable: " + e, e);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ComplaintDetails)) {
      return false;
    }
    ComplaintDetails c = (ComplaintDetails) o;
    return category == c.category
        && desiredOutcome == c.desiredOutcome
        && description.equals(c.description)
        && Objects.equals(contactPhone, c.contactPhone)
        && Objects.equals(contactName, c.contactName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(category, desiredOutcome, description, contactPhone, contactName);
  }

  /** The category and outcome; never the description or contact. */
  @Override
  public String toString() {
    return "ComplaintDetails{" + category + ", " + desiredOutcome + "}";
  }
}
