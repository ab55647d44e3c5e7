package dev.fangxin.gateway.pages;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A submitted HTML form: {@code application/x-www-form-urlencoded} or {@code multipart/form-data},
 * decoded in memory by Netty's {@link HttpPostRequestDecoder} (the body is already bounded by the
 * server's body limit). Text fields are UTF-8; each may appear once. Immutable.
 */
final class FormData {
  private final Map<String, String> fields;
  private final List<byte[]> files;

  private FormData(Map<String, String> fields, List<byte[]> files) {
    this.fields = fields;
    this.files = files;
  }

  /**
   * Decodes {@code body}.
   *
   * @param allowed the field names the form has; {@code fileField} names the file input, if any
   * @throws PageException {@code MALFORMED_FORM} if the content type is not a form or the body
   *     cannot be decoded (including text that is not UTF-8); {@code UNEXPECTED_FIELD} for a field
   *     the form does not have or one sent twice
   */
  static FormData parse(
      Optional<String> contentType, byte[] body, Set<String> allowed, Optional<String> fileField) {
    String type = contentType.orElse("").toLowerCase(Locale.ROOT);
    String base = type.split(";", 2)[0].trim();
    if (!base.equals("application/x-www-form-urlencoded")
        && !(base.equals("multipart/form-data") && fileField.isPresent())) {
      throw new PageException(
          PageException.Reason.MALFORMED_FORM,
          "A form is application/x-www-form-urlencoded"
              + (fileField.isPresent() ? " or multipart/form-data" : "")
              + ", not "
              + (base.isEmpty() ? "a body without Content-Type" : base)
              + ".");
    }
    FullHttpRequest req =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.POST, "/", Unpooled.wrappedBuffer(body));
    req.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType.get());
    req.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    HttpPostRequestDecoder decoder = null;
    Map<String, String> fields = new LinkedHashMap<>();
    List<byte[]> files = new ArrayList<>();
    try {
      decoder =
          new HttpPostRequestDecoder(
              new DefaultHttpDataFactory(false), req, StandardCharsets.UTF_8);
      for (InterfaceHttpData d : decoder.getBodyHttpDatas()) {
        String name = d.getName();
        if (d.getHttpDataType() == InterfaceHttpData.HttpDataType.FileUpload) {
          FileUpload f = (FileUpload) d;
          if (fileField.isEmpty() || !fileField.get().equals(name)) {
            throw unexpected(name);
          }
          byte[] bytes = f.get();
          if (bytes.length == 0 && f.getFilename().isEmpty()) {
            continue; // an empty file input
          }
          files.add(bytes);
        } else if (d.getHttpDataType() == InterfaceHttpData.HttpDataType.Attribute) {
          if (!allowed.contains(name) || fields.containsKey(name)) {
            throw unexpected(name);
          }
          byte[] raw = ((Attribute) d).get();
          String value = new String(raw, StandardCharsets.UTF_8);
          if (!java.util.Arrays.equals(value.getBytes(StandardCharsets.UTF_8), raw)
              || value.indexOf('\0') >= 0) {
            throw new PageException(
                PageException.Reason.MALFORMED_FORM,
                "Form field " + name + " is not UTF-8 text or holds NUL.");
          }
          fields.put(name, value);
        }
      }
    } catch (PageException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new PageException(
          PageException.Reason.MALFORMED_FORM, "The form body cannot be decoded.", e);
    } finally {
      if (decoder != null) {
        decoder.destroy();
      }
      req.release();
    }
    return new FormData(Collections.unmodifiableMap(fields), List.copyOf(files));
  }

  private static PageException unexpected(String name) {
    String shown = name.length() > 40 ? name.substring(0, 40) + "…" : name;
    return new PageException(
        PageException.Reason.UNEXPECTED_FIELD,
        "Form field \"" + shown + "\" is not part of this form or is sent twice.");
  }

  /** The value of text field {@code name}, if it was sent. */
  Optional<String> field(String name) {
    return Optional.ofNullable(fields.get(name));
  }

  /** The value of {@code name}, trimmed; empty when absent or blank. */
  Optional<String> trimmed(String name) {
    return field(name).map(String::strip).filter(s -> !s.isEmpty());
  }

  /** The uploaded files, in order (empty file inputs left out). */
  List<byte[]> files() {
    return files;
  }
}
