package dev.fangxin.gateway.delivery;

import dev.fangxin.gateway.store.OutboxQueue;
import dev.fangxin.gateway.store.OutboxRecord;
import dev.fangxin.gateway.store.Store;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The dead letters: outbox rows whose delivery was given up at the retry horizon, with their
 * attempt history ({@link dev.fangxin.gateway.store.OutboxQueue#attempts(long)}) for the operator's
 * report. Replay them with {@link Replay}. Thread-safe.
 */
public final class DeadLetters {
  /** The most rows one {@link #list} returns. */
  public static final int MAX_LIMIT = OutboxQueue.MAX_CLAIM;

  private final Store store;

  private DeadLetters(Store store) {
    this.store = store;
  }

  /** Dead letters kept in {@code store}. */
  public static DeadLetters on(Store store) {
    return new DeadLetters(Objects.requireNonNull(store, "store == null"));
  }

  /**
   * Rows dead-lettered in {@code [from, to)}, oldest first, at most {@code limit}; call again from
   * the last one's {@code deadAt} for more.
   *
   * @param limit 1 to {@value #MAX_LIMIT}
   * @throws DeliveryException {@code INVALID_RANGE} if {@code to} is not after {@code from} or the
   *     limit is out of range
   */
  public List<OutboxRecord> list(Instant from, Instant to, int limit) {
    Objects.requireNonNull(from, "from == null");
    Objects.requireNonNull(to, "to == null");
    checkRange(from, to, limit);
    return store.outbox().deadBetween(from, to, limit);
  }

  static void checkRange(Instant from, Instant to, int limit) {
    if (!to.isAfter(from)) {
      throw new DeliveryException(
          DeliveryException.Reason.INVALID_RANGE,
          "The range end " + to + " must be after its start " + from + ".");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new DeliveryException(
          DeliveryException.Reason.INVALID_RANGE,
          "The limit must be 1 to " + MAX_LIMIT + ", was " + limit + ".");
    }
  }
}
