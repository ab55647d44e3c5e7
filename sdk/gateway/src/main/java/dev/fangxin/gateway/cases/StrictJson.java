package dev.fangxin.gateway.cases;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Reads request bodies that must be exactly one JSON object, strictly: valid UTF-8, RFC 8259 syntax
 * with Gson's {@link Strictness#STRICT} reader (no comments, unquoted names or single quotes),
 * nothing after the object, and no member given twice at any depth (Gson's own tree would silently
 * keep the last). Numbers are kept exactly as {@link BigDecimal}s. Stateless and thread-safe.
 */
public final class StrictJson {
  private StrictJson() {}

  /** Thrown when a body is not one strict JSON object; the message says what is wrong. */
  public static final class MalformedException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message);
    }
  }

  /** Thrown when an object names a member twice; {@link #field()} is its dotted path. */
  public static final class DuplicateMemberException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;

    DuplicateMemberException(String field) {
      super(field + " is given more than once.");
      this.field = field;
    }

    /** The member's dotted path, such as {@code contact.phone}. */
    public String field() {
      return field;
    }
  }

  /**
   * Parses {@code body} as one JSON object.
   *
   * @throws MalformedException if it is not UTF-8 or not exactly one strict JSON object
   * @throws DuplicateMemberException if an object has a member twice
   */
  public static JsonObject parseObject(byte[] body) {
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
      throw new MalformedException("The body is not valid UTF-8.");
    }
    try (JsonReader reader = new JsonReader(new StringReader(text))) {
      reader.setStrictness(Strictness.STRICT);
      if (reader.peek() != JsonToken.BEGIN_OBJECT) {
        throw new MalformedException("The body must be one JSON object.");
      }
      JsonObject root = readValue(reader, "").getAsJsonObject();
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new MalformedException("The body has data after its JSON object.");
      }
      return root;
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw new MalformedException("The body is not valid JSON: " + e.getMessage());
    }
  }

  private static JsonElement readValue(JsonReader reader, String path) throws IOException {
    switch (reader.peek()) {
      case BEGIN_OBJECT:
        JsonObject o = new JsonObject();
        Set<String> seen = new HashSet<>();
        reader.beginObject();
        while (reader.hasNext()) {
          String name = reader.nextName();
          String field = path.isEmpty() ? name : path + "." + name;
          if (!seen.add(name)) {
            throw new DuplicateMemberException(field);
          }
          o.add(name, readValue(reader, field));
        }
        reader.endObject();
        return o;
      case BEGIN_ARRAY:
        JsonArray a = new JsonArray();
        reader.beginArray();
        while (reader.hasNext()) {
          a.add(readValue(reader, path + "[]"));
        }
        reader.endArray();
        return a;
      case STRING:
        return new JsonPrimitive(reader.nextString());
      case NUMBER:
        return new JsonPrimitive(new BigDecimal(reader.nextString()));
      case BOOLEAN:
        return new JsonPrimitive(reader.nextBoolean());
      case NULL:
        reader.nextNull();
        return JsonNull.INSTANCE;
      default:
        throw new IOException("unexpected " + reader.peek() + " at " + reader.getPath());
    }
  }
}
