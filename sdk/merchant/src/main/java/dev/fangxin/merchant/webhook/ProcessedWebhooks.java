package dev.fangxin.merchant.webhook;

/**
 * Remembers which {@code webhook-id}s were processed, so that a retried or replayed delivery is
 * acknowledged without being processed twice. Implementations must be thread-safe and make {@link
 * #claim} atomic: of several concurrent calls with one ID, exactly one returns {@code true}.
 *
 * <p>Keep IDs at least as long as the gateway may retry (7 days by default) and as long as you
 * accept replays. Store them beside your own data, in the same transaction as the effect of the
 * event where you can; {@link InMemoryProcessedWebhooks} suits tests and single-process demos.
 */
public interface ProcessedWebhooks {
  /**
   * Records {@code webhookId} as being processed and returns {@code true}, or returns {@code false}
   * if it was already recorded.
   */
  boolean claim(String webhookId);

  /** Forgets {@code webhookId} after its processing failed, so that the retry processes it. */
  void release(String webhookId);
}
