package dev.fangxin.gateway.http;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An RFC 9457 problem detail, served as {@code application/problem+json}. Immutable and
 * thread-safe.
 *
 * <p>{@code type} is always {@value #TYPE_BASE} followed by a stable code such as {@code
 * http.not_found} or a {@link dev.fangxin.core.FangxinException#reason()} such as {@code
 * token.bad_signature}. {@code title} is the standard reason phrase of {@code status}.
 */
public final class Problem {
  /** The prefix of every problem {@code type} URI. */
  public static final String TYPE_BASE = "https://fangxin.dev/problems/";

  /** The media type of a serialized problem. */
  public static final String MEDIA_TYPE = "application/problem+json";

  private static final Set<String> STANDARD_MEMBERS =
      Set.of("type", "title", "status", "detail", "instance");

  private static final Pattern CODE = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+)*");

  private final String code;
  private final String title;
  private final int status;
  private final String detail;
  private final String instance;
  private final JsonObject extensions;

  private Problem(
      String code,
      String title,
      int status,
      String detail,
      String instance,
      JsonObject extensions) {
    this.code = code;
    this.title = title;
    this.status = status;
    this.detail = detail;
    this.instance = instance;
    this.extensions = extensions;
  }

  /**
   * A problem of {@code type} {@code TYPE_BASE + code}.
   *
   * @param code lower snake case segments separated by dots, e.g. {@code token.bad_signature}
   * @param status an HTTP status in [400, 599]
   * @param detail a sentence for people; must not carry secrets or stack traces
   * @throws IllegalArgumentException if {@code code} or {@code status} is malformed
   */
  public static Problem of(String code, int status, String detail) {
    Objects.requireNonNull(code, "code == null");
    Objects.requireNonNull(detail, "detail == null");
    if (!CODE.matcher(code).matches()) {
      throw new IllegalArgumentException(
          "Problem code must be dot-separated lower snake case, got \"" + code + "\".");
    }
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException(
          "Problem status must be in [400, 599], got " + status + ".");
    }
    return new Problem(
        code,
        HttpResponseStatus.valueOf(status).reasonPhrase(),
        status,
        detail,
        null,
        new JsonObject());
  }

  /** This problem with {@code instance} set to the request path (not including the query). */
  public Problem withInstance(String instance) {
    return new Problem(
        code, title, status, detail, Objects.requireNonNull(instance, "instance"), extensions);
  }

  /**
   * This problem with an RFC 9457 extension member, such as {@code "case_id"} pointing at an
   * existing case or {@code "errors"} listing invalid fields. The value is copied.
   *
   * @param name lower snake case, not one of the standard members
   * @throws IllegalArgumentException if {@code name} is malformed or a standard member
   */
  public Problem with(String name, JsonElement value) {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(value, "value == null");
    if (!name.matches("[a-z][a-z0-9_]*") || STANDARD_MEMBERS.contains(name)) {
      throw new IllegalArgumentException(
          "Problem extension must be a lower snake case name other than "
              + STANDARD_MEMBERS
              + ", got \""
              + name
              + "\".");
    }
    JsonObject copy = extensions.deepCopy();
    copy.add(name, value.deepCopy());
    return new Problem(code, title, status, detail, instance, copy);
  }

  /** {@link #with(String, JsonElement)} for a string value. */
  public Problem with(String name, String value) {
    return with(name, new JsonPrimitive(Objects.requireNonNull(value, "value == null")));
  }

  /** The extension members, as a copy. */
  public JsonObject extensions() {
    return extensions.deepCopy();
  }

  /** The stable code that follows {@link #TYPE_BASE} in {@link #type()}. */
  public String code() {
    return code;
  }

  /** The type URI, {@code TYPE_BASE + code()}. */
  public String type() {
    return TYPE_BASE + code;
  }

  /** The reason phrase of {@link #status()}. */
  public String title() {
    return title;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** A sentence for people. */
  public String detail() {
    return detail;
  }

  /** The request path this problem answers, if known. */
  public Optional<String> instance() {
    return Optional.ofNullable(instance);
  }

  /**
   * The JSON object {@code {type, title, status, detail[, instance]}} followed by the extension
   * members, as UTF-8 bytes.
   */
  public byte[] toJsonBytes() {
    JsonObject o = new JsonObject();
    o.addProperty("type", type());
    o.addProperty("title", title);
    o.addProperty("status", status);
    o.addProperty("detail", detail);
    if (instance != null) {
      o.addProperty("instance", instance);
    }
    for (var e : extensions.entrySet()) {
      o.add(e.getKey(), e.getValue().deepCopy());
    }
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Problem)) {
      return false;
    }
    Problem p = (Problem) o;
    return code.equals(p.code)
        && status == p.status
        && detail.equals(p.detail)
        && Objects.equals(instance, p.instance)
        && extensions.equals(p.extensions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(code, status, detail, instance, extensions);
  }

  @Override
  public String toString() {
    return "Problem{type=" + type() + ", status=" + status + ", detail=" + detail + "}";
  }
}
