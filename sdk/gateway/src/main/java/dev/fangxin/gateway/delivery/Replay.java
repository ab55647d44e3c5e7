package dev.fangxin.gateway.delivery;

import dev.fangxin.gateway.store.OutboxQueue;
import dev.fangxin.gateway.store.OutboxRecord;
import dev.fangxin.gateway.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Sends outbox events again: every event of a case (over the case's whole lifetime), every event
 * enqueued in a time range, or one event by its webhook ID. Delivered and dead-lettered events are
 * both replayed; an event whose delivery is still pending is skipped (it is on its way).
 *
 * <p>A replay is a new outbox row with the <b>same</b> {@code webhook-id}, event type, payload and
 * target as the original, due at once, with a fresh retry schedule; receivers that de-duplicate by
 * {@code webhook-id} see the event once. The merchant's current endpoint and secrets sign and
 * receive it. Replays of replays are never made: each event is replayed from its original row.
 *
 * <p>Thread-safe. After enqueueing, the {@code afterCommit} hook given at construction (normally
 * {@link Delivery#wake()}) is run so the first attempt starts at once.
 */
public final class Replay {
  /** The most events one range replay takes. */
  public static final int MAX_RANGE = OutboxQueue.MAX_CLAIM;

  /** What a replay did. Immutable. */
  public static final class Result {
    private final List<Long> replayed;
    private final List<Long> skipped;

    private Result(List<Long> replayed, List<Long> skipped) {
      this.replayed = List.copyOf(replayed);
      this.skipped = List.copyOf(skipped);
    }

    /** IDs of the new outbox rows, one per event replayed. */
    public List<Long> replayed() {
      return replayed;
    }

    /** IDs of the original rows skipped because their delivery is still pending. */
    public List<Long> skipped() {
      return skipped;
    }

    @Override
    public String toString() {
      return "Replay.Result{replayed=" + replayed + ", skipped=" + skipped + "}";
    }
  }

  private final Store store;
  private final Clock clock;
  private final Runnable afterCommit;

  private Replay(Store store, Clock clock, Runnable afterCommit) {
    this.store = store;
    this.clock = clock;
    this.afterCommit = afterCommit;
  }

  /**
   * Replays on {@code store}; {@code clock} stamps the new rows; {@code afterCommit} runs after
   * each replay that enqueued something (pass {@code delivery::wake}, or {@code () -> {}}).
   */
  public static Replay on(Store store, Clock clock, Runnable afterCommit) {
    return new Replay(
        Objects.requireNonNull(store, "store == null"),
        Objects.requireNonNull(clock, "clock == null"),
        Objects.requireNonNull(afterCommit, "afterCommit == null"));
  }

  /**
   * Replays every event ever enqueued for case {@code caseId}, merchant and regulator copies alike,
   * oldest first.
   *
   * @throws DeliveryException {@code UNKNOWN_CASE} if the case has no outbox rows
   */
  public Result byCase(String caseId) {
    Objects.requireNonNull(caseId, "caseId == null");
    List<OutboxRecord> rows = store.outbox().forCase(caseId);
    if (rows.isEmpty()) {
      throw new DeliveryException(
          DeliveryException.Reason.UNKNOWN_CASE,
          "Case " + caseId + " has no outbox events to replay.");
    }
    return replay(originals(rows));
  }

  /**
   * Replays every event originally enqueued in {@code [from, to)}, oldest first, at most {@code
   * limit}; call again from the last one's time for more.
   *
   * @param limit 1 to {@value #MAX_RANGE}
   * @throws DeliveryException {@code INVALID_RANGE} if {@code to} is not after {@code from} or the
   *     limit is out of range
   */
  public Result byTimeRange(Instant from, Instant to, int limit) {
    Objects.requireNonNull(from, "from == null");
    Objects.requireNonNull(to, "to == null");
    DeadLetters.checkRange(from, to, limit);
    return replay(store.outbox().createdBetween(from, to, limit));
  }

  /**
   * Replays the event with {@code webhookId}.
   *
   * @throws DeliveryException {@code UNKNOWN_WEBHOOK} if no outbox row carries it
   */
  public Result byWebhookId(String webhookId) {
    Objects.requireNonNull(webhookId, "webhookId == null");
    List<OutboxRecord> rows = store.outbox().withWebhookId(webhookId);
    if (rows.isEmpty()) {
      throw new DeliveryException(
          DeliveryException.Reason.UNKNOWN_WEBHOOK,
          "No outbox event has webhook ID " + webhookId + ".");
    }
    return replay(originals(rows));
  }

  private static List<OutboxRecord> originals(List<OutboxRecord> rows) {
    List<OutboxRecord> out = new ArrayList<>();
    for (OutboxRecord r : rows) {
      if (r.replayOf().isEmpty()) {
        out.add(r);
      }
    }
    return out;
  }

  private Result replay(List<OutboxRecord> originals) {
    Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    List<Long> replayed = new ArrayList<>();
    List<Long> skipped = new ArrayList<>();
    for (OutboxRecord r : originals) {
      Optional<Long> id = store.outbox().replay(r.id(), now);
      if (id.isPresent()) {
        replayed.add(id.get());
      } else {
        skipped.add(r.id());
      }
    }
    if (!replayed.isEmpty()) {
      afterCommit.run();
    }
    return new Result(replayed, skipped);
  }
}
