package dev.fangxin.gateway.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.internal.LazilyParsedNumber;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.fangxin.gateway.http.Problem;
import dev.fangxin.gateway.http.ProblemException;
import dev.fangxin.gateway.http.RouteRequest;
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
import java.util.Set;
import java.util.TreeSet;

/**
 * A request's JSON object body, parsed strictly, and typed access to its fields that collects every
 * field error before answering.
 *
 * <p>Parsing refuses, as problems: a body that is not {@code application/json} (415 {@code
 * request.unsupported_media_type}); bytes that are not UTF-8, JSON that is not strict RFC 8259
 * (comments, single quotes, trailing commas, {@code NaN}, trailing data), a duplicate member name,
 * nesting deeper than 16 levels, or a top-level value that is not an object (400 {@code
 * request.malformed_json}); and members the route does not know (422 {@code
 * request.invalid_fields}). Accessors record a wrong type or a bad value under the field's name;
 * {@link #finish()} then throws one 422 {@code request.invalid_fields} problem whose extension
 * {@code errors} lists every {@code {field, message}}.
 *
 * <p>Not thread-safe: one instance per request.
 */
public final class JsonBody {
  /** The code of the 422 problem listing invalid fields. */
  public static final String INVALID_FIELDS = "request.invalid_fields";

  private static final int MAX_DEPTH = 16;

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
      throw ProblemException.of(
          "request.unsupported_media_type",
          415,
          "The body must be JSON sent as \"Content-Type: application/json\""
              + (type.isEmpty() ? "; no content type was given." : "."));
    }
    if (body.length == 0) {
      throw malformed("The body is empty; expected a JSON object.");
    }
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
      throw malformed("The body is not valid UTF-8.");
    }
    JsonElement root;
    try (JsonReader reader = new JsonReader(new StringReader(text))) {
      reader.setStrictness(Strictness.STRICT);
      root = read(reader, 0);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw malformed("The body has data after the JSON value.");
      }
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw malformed("The body is not valid JSON: " + e.getMessage());
    }
    if (!root.isJsonObject()) {
      throw malformed("The body must be a JSON object, not " + kind(root) + ".");
    }
    JsonBody parsed = new JsonBody(root.getAsJsonObject());
    Set<String> unknown = new TreeSet<>(root.getAsJsonObject().keySet());
    unknown.removeAll(allowed);
    for (String name : unknown) {
      parsed.error(
          name, "Unknown field; this request accepts only " + new TreeSet<>(allowed) + ".");
    }
    parsed.finish();
    return parsed;
  }

  private static boolean isJson(String contentType) {
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

  private static JsonElement read(JsonReader reader, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw malformed("The body nests deeper than " + MAX_DEPTH + " levels.");
    }
    switch (reader.peek()) {
      case BEGIN_OBJECT:
        {
          JsonObject o = new JsonObject();
          reader.beginObject();
          while (reader.hasNext()) {
            String name = reader.nextName();
            if (o.has(name)) {
              throw malformed("The member \"" + shorten(name) + "\" appears more than once.");
            }
            o.add(name, read(reader, depth + 1));
          }
          reader.endObject();
          return o;
        }
      case BEGIN_ARRAY:
        {
          JsonArray a = new JsonArray();
          reader.beginArray();
          while (reader.hasNext()) {
            a.add(read(reader, depth + 1));
          }
          reader.endArray();
          return a;
        }
      case STRING:
        return new JsonPrimitive(reader.nextString());
      case NUMBER:
        return new JsonPrimitive(new LazilyParsedNumber(reader.nextString()));
      case BOOLEAN:
        return new JsonPrimitive(reader.nextBoolean());
      case NULL:
        reader.nextNull();
        return JsonNull.INSTANCE;
      default:
        throw malformed("Unexpected " + reader.peek() + " in the JSON body.");
    }
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
