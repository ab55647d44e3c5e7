package dev.fangxin.core.webhook;

import static java.util.Objects.requireNonNull;

/**
 * The three header values of a signed webhook, as {@link WebhookSigner#sign} produced them.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class WebhookHeaders {
  /** Name of the header carrying the message identifier. */
  public static final String ID = "webhook-id";

  /** Name of the header carrying the attempt time in integer seconds since the epoch. */
  public static final String TIMESTAMP = "webhook-timestamp";

  /** Name of the header carrying the space-separated {@code version,base64} signatures. */
  public static final String SIGNATURE = "webhook-signature";

  private final String id;
  private final String timestamp;
  private final String signature;

  WebhookHeaders(String id, String timestamp, String signature) {
    this.id = requireNonNull(id, "id == null");
    this.timestamp = requireNonNull(timestamp, "timestamp == null");
    this.signature = requireNonNull(signature, "signature == null");
  }

  /** The value of {@code webhook-id}. */
  public String id() {
    return id;
  }

  /** The value of {@code webhook-timestamp}: decimal seconds since the epoch. */
  public String timestamp() {
    return timestamp;
  }

  /** The value of {@code webhook-signature}, e.g. {@code "v1,<base64> v1a,<base64>"}. */
  public String signature() {
    return signature;
  }

  @Override
  public String toString() {
    return ID + ": " + id + ", " + TIMESTAMP + ": " + timestamp + ", " + SIGNATURE + ": "
        + signature;
  }
}
