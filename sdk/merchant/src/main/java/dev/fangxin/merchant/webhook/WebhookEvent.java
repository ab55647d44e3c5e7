package dev.fangxin.merchant.webhook;

import com.google.gson.JsonObject;
import java.util.Objects;
import java.util.Optional;

/**
 * One verified webhook from the gateway: its stable {@code webhook-id}, its {@code type} (such as
 * {@code case.created}, {@code case.updated}, {@code case.escalated}, {@code endpoint.failing},
 * {@code endpoint.paused}, {@code endpoint.resumed}), its {@code timestamp} and its {@code data}.
 * Immutable; {@link #data()} returns a copy.
 */
public final class WebhookEvent {
  private final String id;
  private final String type;
  private final String timestamp;
  private final JsonObject data;
  private final byte[] body;

  WebhookEvent(String id, String type, String timestamp, JsonObject data, byte[] body) {
    this.id = id;
    this.type = type;
    this.timestamp = timestamp;
    this.data = data;
    this.body = body;
  }

  /** The {@code webhook-id}: the same on every retry and replay of this event. */
  public String id() {
    return id;
  }

  /** The event type. */
  public String type() {
    return type;
  }

  /** The RFC 3339 time the gateway gave the event. */
  public String timestamp() {
    return timestamp;
  }

  /** The event's {@code data} object (a copy). */
  public JsonObject data() {
    return data.deepCopy();
  }

  /** {@code data.case_id}, for case events. */
  public Optional<String> caseId() {
    return string("case_id");
  }

  /** {@code data.merchant_id}. */
  public Optional<String> merchantId() {
    return string("merchant_id");
  }

  /** The exact body bytes that were signed (a copy), for your own audit log. */
  public byte[] body() {
    return body.clone();
  }

  private Optional<String> string(String member) {
    var e = data.get(member);
    return e != null && e.isJsonPrimitive() ? Optional.of(e.getAsString()) : Optional.empty();
  }

  @Override
  public String toString() {
    return "WebhookEvent{" + id + ", " + type + caseId().map(c -> ", " + c).orElse("") + "}";
  }

  static WebhookEvent of(String id, String type, String timestamp, JsonObject data, byte[] body) {
    return new WebhookEvent(
        Objects.requireNonNull(id), Objects.requireNonNull(type), timestamp, data, body.clone());
  }
}
