package dev.fangxin.gateway.delivery;

import dev.fangxin.gateway.store.OutboxItem;
import java.time.Instant;
import java.util.List;

/**
 * Told when an outbox row reaches its end: delivered (a 2xx answer) or dead-lettered (the retry
 * horizon passed). The case service uses it to move cases along ({@code caseService::onDelivered},
 * {@code caseService::onDeadLettered}).
 *
 * <p><b>Threading and guarantees.</b> Methods run on the delivery's listener thread, one call at a
 * time, after the transaction that recorded the row's new state has committed, at most once per row
 * and {@link Delivery} instance; with several nodes a row whose lease lapsed may be delivered by
 * two workers, and then only the one whose commit set {@code delivered_at} calls {@link
 * #delivered}. A crash between the commit and the call loses the call, so a listener must not be
 * the only record of the outcome: the outbox row is. Implementations must be thread-safe and should
 * return quickly (a slow listener delays later listener calls, not deliveries); an exception they
 * throw is logged and otherwise ignored.
 */
public interface DeliveryListener {
  /** A listener that does nothing. */
  DeliveryListener NONE = new DeliveryListener() {};

  /** Row {@code item} was answered with a 2xx at {@code at}. Default: nothing. */
  default void delivered(OutboxItem item, Instant at) {}

  /**
   * Rows {@code items} (at least one) were answered with a 2xx, all recorded by one commit at
   * {@code at}. Delivery calls this, not {@link #delivered}, so a listener can write the outcome of
   * a whole recorded batch in one transaction. Default: {@link #delivered} for each, in order.
   */
  default void deliveredAll(List<OutboxItem> items, Instant at) {
    for (OutboxItem item : items) {
      delivered(item, at);
    }
  }

  /** Row {@code item} was dead-lettered at {@code at}. Default: nothing. */
  default void deadLettered(OutboxItem item, Instant at) {}
}
