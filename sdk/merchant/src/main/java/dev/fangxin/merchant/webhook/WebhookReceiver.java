package dev.fangxin.merchant.webhook;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import dev.fangxin.core.webhook.WebhookException;
import dev.fangxin.core.webhook.WebhookHeaders;
import dev.fangxin.core.webhook.WebhookPublicKey;
import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.core.webhook.WebhookVerifier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Receives the gateway's webhooks in a merchant backend: verifies the signature ({@code v1}
 * HMAC-SHA256 with any of your current secrets, {@code v1a} Ed25519 with the endpoint's public
 * key), checks the timestamp is within the tolerance, de-duplicates by {@code webhook-id}, parses
 * the body and calls your {@link Handler} once.
 *
 * <p>Answer the gateway with {@link Receipt#status()}: 2xx tells it the event is delivered; any
 * other status makes it retry (with the same {@code webhook-id}) for at least 7 days.
 *
 * <pre>{@code
 * WebhookReceiver receiver = WebhookReceiver.builder()
 *     .addSecret(WebhookSecret.parse(System.getenv("FANGXIN_WEBHOOK_SECRET")))
 *     .processed(myDatabaseBackedProcessedWebhooks)
 *     .build();
 * // in your HTTP handler, with the raw body bytes:
 * Receipt r = receiver.receive(requestHeaders, body, event -> cases.open(event.data()));
 * respond(r.status());
 * }</pre>
 *
 * <p>During a secret rotation add both secrets; the gateway signs with every active secret, and one
 * match is enough. Thread-safe: one receiver serves all requests.
 */
public final class WebhookReceiver {
  /** Your code that acts on an event. Throwing makes the gateway retry it later. */
  @FunctionalInterface
  public interface Handler {
    /** Acts on {@code event}; called once per {@code webhook-id} unless it throws. */
    void handle(WebhookEvent event) throws Exception;
  }

  /** What became of one delivery. */
  public enum Outcome {
    /** Verified, new, and handled: answer 2xx. */
    PROCESSED(204),
    /** Verified, already processed: answer 2xx so the gateway stops retrying. */
    DUPLICATE(204),
    /** The signature, timestamp or headers are wrong: answer 4xx; nothing was processed. */
    REJECTED(400),
    /** Verified but the body is not a gateway event: answer 4xx; nothing was processed. */
    MALFORMED(422),
    /** The handler threw: answer 5xx so the gateway retries; the ID was released. */
    FAILED(503);

    private final int status;

    Outcome(int status) {
      this.status = status;
    }

    /** The HTTP status to answer the gateway with. */
    public int status() {
      return status;
    }
  }

  /** The result of {@link #receive}: the outcome, the event when parsed, and why it failed. */
  public static final class Receipt {
    private final Outcome outcome;
    private final WebhookEvent event;
    private final String problem;

    private Receipt(Outcome outcome, WebhookEvent event, String problem) {
      this.outcome = outcome;
      this.event = event;
      this.problem = problem;
    }

    /** What happened. */
    public Outcome outcome() {
      return outcome;
    }

    /** The HTTP status to answer with. */
    public int status() {
      return outcome.status();
    }

    /** The event, for {@link Outcome#PROCESSED}, {@link Outcome#DUPLICATE} and FAILED. */
    public java.util.Optional<WebhookEvent> event() {
      return java.util.Optional.ofNullable(event);
    }

    /** Why the delivery was rejected, malformed or failed; empty otherwise. Safe to log. */
    public java.util.Optional<String> problem() {
      return java.util.Optional.ofNullable(problem);
    }

    @Override
    public String toString() {
      return "Receipt{" + outcome + (problem != null ? ", " + problem : "") + "}";
    }
  }

  private final WebhookVerifier verifier;
  private final ProcessedWebhooks processed;

  private WebhookReceiver(WebhookVerifier verifier, ProcessedWebhooks processed) {
    this.verifier = verifier;
    this.processed = processed;
  }

  /** A builder with no secrets, the default 5-minute tolerance and an in-memory ID store. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Verifies, de-duplicates, parses and handles one delivery.
   *
   * @param headers the request's headers; names are matched case-insensitively, the first value of
   *     each is used
   * @param body the exact raw body bytes, before any parsing
   * @param handler called at most once, and only for a verified event not processed before
   */
  public Receipt receive(Map<String, List<String>> headers, byte[] body, Handler handler) {
    Objects.requireNonNull(headers, "headers == null");
    Objects.requireNonNull(body, "body == null");
    Objects.requireNonNull(handler, "handler == null");
    String id = header(headers, WebhookHeaders.ID);
    try {
      verifier.verify(
          id,
          header(headers, WebhookHeaders.TIMESTAMP),
          header(headers, WebhookHeaders.SIGNATURE),
          body);
    } catch (WebhookException e) {
      return new Receipt(Outcome.REJECTED, null, e.reason() + ": " + e.getMessage());
    }
    WebhookEvent event;
    try {
      event = parse(id, body);
    } catch (IllegalArgumentException e) {
      return new Receipt(Outcome.MALFORMED, null, e.getMessage());
    }
    if (!processed.claim(id)) {
      return new Receipt(Outcome.DUPLICATE, event, null);
    }
    try {
      handler.handle(event);
      return new Receipt(Outcome.PROCESSED, event, null);
    } catch (Exception | Error e) {
      processed.release(id);
      return new Receipt(
          Outcome.FAILED,
          event,
          "handler failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static String header(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      if (h.getKey() != null
          && h.getKey().toLowerCase(Locale.ROOT).equals(name)
          && !h.getValue().isEmpty()) {
        return h.getValue().get(0);
      }
    }
    return null;
  }

  private static WebhookEvent parse(String id, byte[] body) {
    JsonElement root;
    try (JsonReader reader =
        new JsonReader(
            new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8))) {
      reader.setStrictness(Strictness.STRICT);
      root = JsonParser.parseReader(reader);
      if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
        throw new IllegalArgumentException("The body has data after its JSON value.");
      }
    } catch (JsonParseException | IOException | IllegalStateException e) {
      throw new IllegalArgumentException("The body is not valid JSON.");
    }
    if (!root.isJsonObject()) {
      throw new IllegalArgumentException("The body is not a JSON object.");
    }
    JsonObject o = root.getAsJsonObject();
    String type = stringMember(o, "type");
    String timestamp = stringMember(o, "timestamp");
    JsonElement data = o.get("data");
    if (data == null || !data.isJsonObject()) {
      throw new IllegalArgumentException("The body has no \"data\" object.");
    }
    return WebhookEvent.of(id, type, timestamp, data.getAsJsonObject(), body);
  }

  private static String stringMember(JsonObject o, String name) {
    JsonElement e = o.get(name);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException("The body has no \"" + name + "\" string.");
    }
    return e.getAsString();
  }

  /** Configures a {@link WebhookReceiver}. Not thread-safe. */
  public static final class Builder {
    private final WebhookVerifier.Builder verifier = WebhookVerifier.builder();
    private final List<Object> credentials = new ArrayList<>();
    private ProcessedWebhooks processed = InMemoryProcessedWebhooks.withCapacity(100_000);

    private Builder() {}

    /**
     * Accepts {@code v1} signatures made with {@code secret}; add each secret during a rotation.
     */
    public Builder addSecret(WebhookSecret secret) {
      verifier.addSecret(secret);
      credentials.add(secret);
      return this;
    }

    /** Accepts {@code v1a} signatures that verify with {@code key} (the endpoint's whpk_ key). */
    public Builder addPublicKey(WebhookPublicKey key) {
      verifier.addPublicKey(key);
      credentials.add(key);
      return this;
    }

    /** How far the webhook's timestamp may be from {@code clock} (default 5 minutes). */
    public Builder tolerance(Duration tolerance) {
      verifier.tolerance(tolerance);
      return this;
    }

    /** The clock the timestamp is checked against (default the system UTC clock). */
    public Builder clock(Clock clock) {
      verifier.clock(clock);
      return this;
    }

    /** Where processed IDs are remembered (default in memory, 100,000 IDs). */
    public Builder processed(ProcessedWebhooks processed) {
      this.processed = Objects.requireNonNull(processed, "processed == null");
      return this;
    }

    /**
     * The receiver.
     *
     * @throws IllegalStateException if no secret or public key was added
     */
    public WebhookReceiver build() {
      if (credentials.isEmpty()) {
        throw new IllegalStateException("Add at least one secret or public key to verify with.");
      }
      return new WebhookReceiver(verifier.build(), processed);
    }
  }
}
