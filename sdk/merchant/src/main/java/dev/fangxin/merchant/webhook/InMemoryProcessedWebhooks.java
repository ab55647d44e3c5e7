package dev.fangxin.merchant.webhook;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@link ProcessedWebhooks} in memory, keeping the most recent {@code capacity} IDs. Lost on
 * restart: after a restart a retried event is processed again, so use it only where that is
 * harmless (tests, demos) or behind your own idempotent handling. Thread-safe.
 */
public final class InMemoryProcessedWebhooks implements ProcessedWebhooks {
  private final int capacity;
  private final Map<String, Boolean> ids;

  private InMemoryProcessedWebhooks(int capacity) {
    this.capacity = capacity;
    this.ids =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > InMemoryProcessedWebhooks.this.capacity;
          }
        };
  }

  /**
   * Remembers up to {@code capacity} IDs, forgetting the oldest first.
   *
   * @throws IllegalArgumentException if {@code capacity} is less than 1
   */
  public static InMemoryProcessedWebhooks withCapacity(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    return new InMemoryProcessedWebhooks(capacity);
  }

  @Override
  public synchronized boolean claim(String webhookId) {
    Objects.requireNonNull(webhookId, "webhookId == null");
    return ids.putIfAbsent(webhookId, Boolean.TRUE) == null;
  }

  @Override
  public synchronized void release(String webhookId) {
    ids.remove(Objects.requireNonNull(webhookId, "webhookId == null"));
  }

  /** How many IDs are remembered now. */
  public synchronized int size() {
    return ids.size();
  }
}
