package dev.fangxin.gateway.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.fangxin.core.FangxinException;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The gateway's one strict JSON body parser, and typed access to an object's fields that collects
 * every field error before answering.
 *
 * <p>{@link #readObject(byte[])} is the parser every route uses (registry, endpoints, intake,
 * cases): the bytes must be UTF-8, RFC 8259 JSON read with Gson's {@link Strictness#STRICT} reader
 * (no comments, single quotes, unquoted names, trailing commas or {@code NaN}), exactly one object
 * with nothing after it, no member named twice in any object (Gson's own tree would silently keep
 * the last), no U+0000 in any string or name (PostgreSQL cannot store it), and no nesting deeper
 * than {@value #MAX_DEPTH} levels. Numbers are kept exactly as {@link BigDecimal}s. It throws
 * {@link MalformedException} with a {@link MalformedException.Reason} and, for a duplicate member,
 * its dotted path; each route family maps that to its own problem codes. {@link #isJson(String)} is
 * the shared media-type check ({@code application/json}, UTF-8).
 *
 * <p>{@link #parse} and {@link #parseOptional} are the registry API's request-level form: 415
 * {@code request.unsupported_media_type} for a body that is not {@code application/json}; 400
 * {@code request.malformed_json} for anything {@link #readObject} refuses (a duplicate member
 * included); 422 {@code request.invalid_fields} for members the route does not know. Accessors
 * record a wrong type or a bad value under the field's name; {@link #finish()} then throws one 422
 * {@code request.invalid_fields} problem whose extension {@code errors} lists every {@code {field,
 * message}}.
 *
 * <p>The static methods are thread-safe; an instance is not: one per request.
 */
public final class JsonBody {
  /** The code of the 422 problem listing invalid fields. */
  public static final String INVALID_FIELDS = "request.invalid_fields";

  /** How deeply objects and arrays may nest; the top-level object is level 1. */
  public static final int MAX_DEPTH = 16;

  /** Thrown when bytes are not exactly one strict JSON object; the message says what is wrong. */
  public static final class MalformedException extends FangxinException {
    private static final long serialVersionUID = 1L;

    /** Why the body was refused. Each has a stable {@link #code()}. */
    public enum Reason {
      /** The bytes are not UTF-8. */
      NOT_UTF8("json.not_utf8"),
      /** Not strict RFC 8259 JSON (or empty). */
      SYNTAX("json.syntax"),
      /** An object names a member twice; {@link MalformedException#field()} says which. */
      DUPLICATE_MEMBER("json.duplicate_member"),
      /** Objects and arrays nest deeper than {@link JsonBody#MAX_DEPTH}. */
      TOO_DEEP("json.too_deep"),
      /** The top-level value is not an object. */
      NOT_AN_OBJECT("json.not_an_object"),
      /** Something follows the object. */
      TRAILING_DATA("json.trailing_data"),
      /**
       * A string or member name holds U+0000, which no field accepts and PostgreSQL cannot store.
       */
      NUL_CHARACTER("json.nul_character");

      private final String code;

      Reason(String code) {
        this.code = code;
      }

      /** The stable code, {@code "json.<reason>"}. */
      public String code() {
        return code;
      }
    }

    private final Reason reason;
    private final String field;

    MalformedException(Reason reason, String field, String message) {
      super(message);
      this.reason = Objects.requireNonNull(reason, "reason == null");
      this.field = field;
    }

    /** Why. */
    public Reason reasonCode() {
      return reason;
    }

    @Override
    public String reason() {
      return reason.code();
    }

    /**
     * For {@link Reason#DUPLICATE_MEMBER}: the member's dotted path, such as {@code contact.phone}.
     */
    public Optional<String> field() {
      return Optional.ofNullable(field);
    }
  }

  private final JsonObject object;
  private final List<String[]> errors = new ArrayList<>();

  private JsonBody(JsonObject object) {
    this.object = object;
  }

  /**
   * Parses the body of {@code request}, which must be a JSON object whose member names are all in
   * {@code allowed}.
   *
   * @throws ProblemException 415, 400 or 422 as described in the class comment
   */
  public static JsonBody parse(RouteRequest request, Set<String> allowed) {
    return parse(request, allowed, false);
  }

  /**
   * Like {@link #parse}, but an empty body (with or without a content type) reads as {@code {}}:
   * for routes whose fields are all optional.
   */
  public static JsonBody parseOptional(RouteRequest request, Set<String> allowed) {
    return parse(request, allowed, true);
  }

  private static JsonBody parse(RouteRequest request, Set<String> allowed, boolean mayBeEmpty) {
    Objects.requireNonNull(allowed, "allowed == null");
    byte[] body = request.body();
    if (body.length == 0 && mayBeEmpty) {
      return new JsonBody(new JsonObject());
    }
    String type = request.header("content-type").orElse("");
    if (!isJson(type)) {
      throw unsupportedMediaType("request.unsupported_media_type", type);
    }
    if (body.length == 0) {
      throw malformed("The body is empty; expected a JSON object.");
    }
    JsonObject root;
    try {
      root = readObject(body);
    } catch (MalformedException e) {
      throw malformed(e.getMessage());
    }
    JsonBody parsed = new JsonBody(root);
    Set<String> unknown = new TreeSet<>(root.keySet());
    unknown.removeAll(allowed);
    for (String name : unknown) {
      parsed.error(
          name, "Unknown field; this request accepts only " + new TreeSet<>(allowed) + ".");
    }
    parsed.finish();
    return parsed;
  }

  /**
   * Whether {@code contentType} (a {@code Content-Type} header value) is {@code application/json}
   * with no charset or a UTF-8 one. Case-insensitive; parameters other than {@code charset} are
   * ignored.
   */
  public static boolean isJson(String contentType) {
    Objects.requireNonNull(contentType, "contentType == null");
    String[] parts = contentType.split(";");
    if (!parts[0].trim().equalsIgnoreCase("application/json")) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim().toLowerCase(Locale.ROOT);
      if (p.startsWith("charset=")) {
        String cs = p.substring("charset=".length()).replace("\"", "");
        if (!cs.equals("utf-8") && !cs.equals("utf8")) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The 415 problem {@code code} for a body sent as {@code contentType} (a {@code Content-Type}
   * value, empty when none was sent) instead of {@code application/json}.
   */
  public static ProblemException unsupportedMediaType(String code, String contentType) {
    Objects.requireNonNull(contentType, "contentType == null");
    return ProblemException.of(
        code,
        415,
        "The body must be JSON sent as \"Content-Type: application/json\" (UTF-8)"
            + (contentType.isEmpty() ? "; no content type was given." : "."));
  }

  /**
   * Parses {@code body} as exactly one strict JSON object, as described in the class comment.
   *
   * @throws MalformedException saying why it is not one
   */
  public static JsonObject readObject(byte[] body) {
    Objects.requireNonNull(body, "body == null");
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedException(
          MalformedException.Reason.NOT_UTF8, null, "The body is not valid UTF-8.");
    }
    JsonElement root;
    try (JsonReader reader = new JsonReader(new StringReader(text))) {
      reader.setStrictness(Strictness.STRICT);
      root = read(reader, "", 1);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new MalformedException(
            MalformedException.Reason.TRAILING_DATA,
            null,
            "The body has data after the JSON value.");
      }
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw new MalformedException(
          MalformedException.Reason.SYNTAX, null, "The body is not valid JSON: " + e.getMessage());
    }
    if (!root.isJsonObject()) {
      throw new MalformedException(
          MalformedException.Reason.NOT_AN_OBJECT,
          null,
          "The body must be a JSON object, not " + kind(root) + ".");
    }
    return root.getAsJsonObject();
  }

  private static JsonElement read(JsonReader reader, String path, int depth) throws IOException {
    JsonToken token = reader.peek();
    if (depth > MAX_DEPTH && (token == JsonToken.BEGIN_OBJECT || token == JsonToken.BEGIN_ARRAY)) {
      throw new MalformedException(
          MalformedException.Reason.TOO_DEEP,
          null,
          "The body nests deeper than " + MAX_DEPTH + " levels.");
    }
    switch (token) {
      case BEGIN_OBJECT:
        {
          JsonObject o = new JsonObject();
          reader.beginObject();
          while (reader.hasNext()) {
            String name = noNul(reader.nextName());
            String field = path.isEmpty() ? name : path + "." + name;
            if (o.has(name)) {
              throw new MalformedException(
                  MalformedException.Reason.DUPLICATE_MEMBER,
                  field,
                  shorten(field) + " is given more than once.");
            }
            o.add(name, read(reader, field, depth + 1));
          }
          reader.endObject();
          return o;
        }
      case BEGIN_ARRAY:
        {
          JsonArray a = new JsonArray();
          reader.beginArray();
          while (reader.hasNext()) {
            a.add(read(reader, path + "[]", depth + 1));
          }
          reader.endArray();
          return a;
        }
      case STRING:
        return new JsonPrimitive(noNul(reader.nextString()));
      case NUMBER:
        return new JsonPrimitive(new BigDecimal(reader.nextString()));
      case BOOLEAN:
        return new JsonPrimitive(reader.nextBoolean());
      case NULL:
        reader.nextNull();
        return JsonNull.INSTANCE;
      default:
        throw new IOException("unexpected " + token + " at " + reader.getPath());
    }
  }

  private static String noNul(String s) {
    if (s.indexOf('\u0000') >= 0) {
      throw new MalformedException(
          MalformedException.Reason.NUL_CHARACTER,
          null,
          "The body has a NUL character (\\u0000) in a string; no field accepts one.");
    }
    return s;
  }

  private static ProblemException malformed(String detail) {
    return ProblemException.of("request.malformed_json", 400, detail);
  }

  private static String kind(JsonElement e) {
    if (e.isJsonArray()) {
      return "an array";
    }
    if (e.isJsonNull()) {
      return "null";
    }
    if (e.isJsonObject()) {
      return "an object";
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    return p.isString() ? "a string" : p.isNumber() ? "a number" : "a boolean";
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  /** Whether the body has member {@code field} (even if null). */
  public boolean has(String field) {
    return object.has(field);
  }

  /**
   * The string member {@code field}: null when absent or JSON null. Records an error if it is
   * required and missing, is not a string, or has more than {@code maxLength} characters.
   */
  public String string(String field, boolean required, int maxLength) {
    JsonElement e = object.get(field);
    if (e == null || e.isJsonNull()) {
      if (required) {
        error(field, "Required; expected a string.");
      }
      return null;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      error(field, "Expected a string, got " + kind(e) + ".");
      return null;
    }
    String s = e.getAsString();
    if (s.length() > maxLength) {
      error(field, "Has " + s.length() + " characters; at most " + maxLength + " are accepted.");
      return null;
    }
    return s;
  }

  /**
   * The time member {@code field}: an RFC 3339 string with an offset (such as {@code
   * "2026-01-01T08:00:00+08:00"}) or whole epoch seconds as a JSON integer, truncated to the
   * second. Null when absent or JSON null; records an error for any other form.
   */
  public Instant time(String field, boolean required) {
    JsonElement e = object.get(field);
    if (e == null || e.isJsonNull()) {
      if (required) {
        error(field, "Required; expected an RFC 3339 time or epoch seconds.");
      }
      return null;
    }
    String must = "; expected an RFC 3339 time such as \"2026-01-01T00:00:00Z\" or epoch seconds.";
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
      String s = e.getAsString();
      if (s.length() > 40) {
        error(field, "Is " + s.length() + " characters long" + must);
        return null;
      }
      try {
        return Instant.ofEpochSecond(
            OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toEpochSecond());
      } catch (DateTimeException ex) {
        error(field, "\"" + shorten(s) + "\" is not a valid time" + must);
        return null;
      }
    }
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      String n = e.getAsJsonPrimitive().getAsString();
      try {
        long seconds = new BigDecimal(n).longValueExact();
        if (seconds < 0 || seconds > 253_402_300_799L) {
          error(field, n + " is outside 0 to 253402300799 (year 9999)" + must);
          return null;
        }
        return Instant.ofEpochSecond(seconds);
      } catch (ArithmeticException | NumberFormatException ex) {
        error(field, n + " is not a whole number of seconds" + must);
        return null;
      }
    }
    error(field, "Expected a string or a number, got " + kind(e) + must);
    return null;
  }

  /** Records an error for {@code field}; {@link #finish()} will refuse the request. */
  public void error(String field, String message) {
    errors.add(new String[] {field, message});
  }

  /** Whether any error has been recorded. */
  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  /**
   * Throws if any error was recorded.
   *
   * @throws ProblemException 422 {@code request.invalid_fields} with {@code errors}
   */
  public void finish() {
    if (errors.isEmpty()) {
      return;
    }
    List<String[]> copy = List.copyOf(errors);
    throw invalid(copy);
  }

  /** A 422 {@code request.invalid_fields} problem for one field. */
  public static ProblemException invalidField(String field, String message) {
    List<String[]> one = new ArrayList<>();
    one.add(new String[] {field, message});
    return invalid(one);
  }

  private static ProblemException invalid(List<String[]> errors) {
    JsonArray list = new JsonArray();
    StringBuilder detail = new StringBuilder();
    for (String[] e : errors) {
      JsonObject o = new JsonObject();
      o.addProperty("field", e[0]);
      o.addProperty("message", e[1]);
      list.add(o);
      if (detail.length() > 0) {
        detail.append(' ');
      }
      detail.append(shorten(e[0])).append(": ").append(e[1]);
    }
    return ProblemException.of(
        Problem.of(INVALID_FIELDS, 422, "Invalid request fields. " + detail).with("errors", list));
  }
}
