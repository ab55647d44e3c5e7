package dev.fangxin.gateway.cases;

import dev.fangxin.core.money.Money;
import dev.fangxin.gateway.store.OutboxItem;
import dev.fangxin.gateway.store.OutboxQueue;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.protocol.v1.CaseState;
import dev.fangxin.protocol.v1.ResponseKind;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The persisted case lifecycle: opens cases and applies {@link Event}s through {@link
 * CaseLifecycle}, each in one transaction that locks the case row, checks the event against the
 * lifecycle's table, updates the case, appends the audit row, maintains {@code open_receipts} and
 * enqueues the outbox events it announces. The rules are {@link CaseLifecycle}'s; this class only
 * persists their outcome.
 *
 * <h2>Events enqueued (UTF-8 JSON, see {@link CaseJson})</h2>
 *
 * <ul>
 *   <li>{@value #CASE_CREATED} to the merchant when a case is opened; data: the case view without
 *       transitions.
 *   <li>{@value #CASE_UPDATED} to the merchant when the consumer confirms (the case is resolved);
 *       data: {@code case_id}, {@code merchant_id}, {@code state}, {@code updated_at}, {@code
 *       transition}.
 *   <li>{@value #CASE_ESCALATED} to the merchant (data as for {@code case.updated}) and to the
 *       regulator (data: the whole record, {@link CaseJson#view}, plus {@code escalation}) whenever
 *       a case reaches {@code escalated}: consumer declines, consumer escalates, deadline passes.
 * </ul>
 *
 * Merchant acknowledgements and answers, and delivery, enqueue nothing: the merchant caused them.
 *
 * <h2>Time</h2>
 *
 * Transitions are stamped with the injected clock truncated to whole seconds (what the store
 * keeps); {@link #onDelivered} stamps the delivery time it is given. A gateway whose clock reads
 * earlier than a case's last update is refused with {@code case.clock_behind}.
 *
 * <h2>Threading</h2>
 *
 * Thread-safe; every method blocks on the database. Concurrent writers of one case, in this process
 * or another sharing the database, are serialized by a row lock and an optimistic check (see {@link
 * CaseStore}); a lost race is retried twice, then reported as {@code case.concurrent_update}.
 * {@code afterCommit} runs after each commit that enqueued outbox rows: on the calling thread, or
 * for {@link #open} with group commit on the committer thread ({@code fangxin-case-committer},
 * started on demand and stopped after one idle second), once per group.
 */
public final class CaseService {
  /** Event type: a case was opened. */
  public static final String CASE_CREATED = "case.created";

  /** Event type: a case changed in a way the merchant did not cause. */
  public static final String CASE_UPDATED = "case.updated";

  /** Event type: a case was escalated to the regulator. */
  public static final String CASE_ESCALATED = "case.escalated";

  /** Meter: transitions applied, tagged {@code from} and {@code to} (state codes). */
  public static final String TRANSITIONS_METER = "fangxin.cases.transitions";

  private static final Logger LOG = Logger.getLogger(CaseService.class.getName());
  private static final int ATTEMPTS = 3;

  /** The most cases one group commit writes. */
  static final int MAX_GROUP = 128;

  private final Store store;
  private final CaseStore cases;
  private final Clock clock;
  private final Duration merchantDeadline;
  private final MeterRegistry meters;
  private final Runnable afterCommit;
  private final boolean groupCommit;
  private final ConcurrentLinkedQueue<Opening> committer = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean committing = new AtomicBoolean();
  private final ExecutorService committerThread;

  private CaseService(Builder b) {
    this.store = b.store;
    this.cases = CaseStore.on(b.store);
    this.clock = b.clock;
    this.merchantDeadline = b.merchantDeadline;
    this.meters = b.meters;
    this.afterCommit = b.afterCommit;
    this.groupCommit = b.groupCommit;
    ThreadPoolExecutor t =
        new ThreadPoolExecutor(
            1,
            1,
            1,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread thread = new Thread(r, "fangxin-case-committer");
              thread.setDaemon(true);
              return thread;
            });
    t.allowCoreThreadTimeOut(true);
    this.committerThread = t;
  }

  /** A builder over {@code store}, reading time from {@code clock}. */
  public static Builder builder(Store store, Clock clock) {
    return new Builder(store, clock);
  }

  /** Configures a {@link CaseService}. Not thread-safe; {@link #build()} copies what it holds. */
  public static final class Builder {
    private final Store store;
    private final Clock clock;
    private Duration merchantDeadline = CaseLifecycle.DEFAULT_MERCHANT_DEADLINE;
    private MeterRegistry meters = new SimpleMeterRegistry();
    private Runnable afterCommit = () -> {};
    private boolean groupCommit = true;

    private Builder(Store store, Clock clock) {
      this.store = Objects.requireNonNull(store, "store == null");
      this.clock = Objects.requireNonNull(clock, "clock == null");
    }

    /**
     * How long merchants have to answer; 96 hours by default.
     *
     * @throws IllegalArgumentException if not a positive whole number of seconds
     */
    public Builder merchantDeadline(Duration deadline) {
      Objects.requireNonNull(deadline, "deadline == null");
      if (deadline.isNegative() || deadline.isZero() || deadline.getNano() != 0) {
        throw new IllegalArgumentException(
            "merchantDeadline must be a positive whole number of seconds, got " + deadline + ".");
      }
      this.merchantDeadline = deadline;
      return this;
    }

    /** Where {@value #TRANSITIONS_METER} is counted; a private registry by default. */
    public Builder meters(MeterRegistry meters) {
      this.meters = Objects.requireNonNull(meters, "meters == null");
      return this;
    }

    /**
     * Called after each commit that enqueued outbox rows, on the committing thread (for a group
     * commit of {@link #open}, the committer thread, once per group), for instance {@code
     * delivery::wake}. Must not throw; if it does, the exception is logged and ignored (the rows
     * are committed and will be delivered at the next poll).
     */
    public Builder afterCommit(Runnable afterCommit) {
      this.afterCommit = Objects.requireNonNull(afterCommit, "afterCommit == null");
      return this;
    }

    /**
     * Whether {@link #open} commits concurrent openings together (the default): each caller still
     * returns only after the commit that holds its case. {@code false} commits each opening in its
     * own transaction on the caller's thread.
     */
    public Builder groupCommit(boolean groupCommit) {
      this.groupCommit = groupCommit;
      return this;
    }

    /** The service. */
    public CaseService build() {
      return new CaseService(this);
    }
  }

  /** The case store this service writes through. */
  public CaseStore caseStore() {
    return cases;
  }

  /** How long merchants have to answer. */
  public Duration merchantDeadline() {
    return merchantDeadline;
  }

  /** The current instant, truncated to whole seconds as the store keeps it. */
  public Instant now() {
    return Instant.ofEpochSecond(clock.instant().getEpochSecond());
  }

  // ------------------------------------------------------------------ opening

  /**
   * Opens case {@code c} in {@code RECEIVED} now, with its deadline {@link #merchantDeadline()}
   * ahead: the case row, its open-receipt row, its creation audit row and the {@value
   * #CASE_CREATED} outbox row commit in one transaction, and {@code afterCommit} runs after.
   *
   * <p>With group commit (the default), concurrent calls hand their case to one committer thread,
   * which writes up to {@value #MAX_GROUP} waiting cases in one transaction (JDBC batches, one
   * durable commit) and then returns to each caller; a call returns only after the commit that
   * holds its case, so a crash loses only cases whose callers were not answered. When a row of a
   * group meets a unique key (a replay, or a receipt with an open case), nothing of the group is
   * stored and each case is then opened alone, so the conflict is reported to its own caller only;
   * two cases of one group with the same idempotency key or receipt are opened alone from the
   * start. A store failure fails every call of the group with the same {@link
   * dev.fangxin.gateway.store.StoreException}. The caller blocks (uninterruptibly) until its group
   * is written.
   *
   * @throws CaseException {@code DUPLICATE_IDEMPOTENCY_KEY} or {@code RECEIPT_ALREADY_OPEN}, with
   *     {@link CaseException#caseId()} naming the existing case, when a concurrent or earlier
   *     filing holds the key or the receipt; nothing is stored then
   */
  public StoredCase open(NewCase c) {
    Objects.requireNonNull(c, "c == null");
    Opening o = prepare(c);
    if (!groupCommit) {
      StoredCase stored = openOne(o);
      runAfterCommit();
      return stored;
    }
    committer.add(o);
    if (committing.compareAndSet(false, true)) {
      committerThread.execute(this::commitQueued);
    }
    try {
      return o.result.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw e;
    }
  }

  /** A case to open, with everything computed that does not need the database. */
  private static final class Opening {
    final NewCase c;
    final CaseRecord record;
    final StoredCase stored;
    final OutboxQueue.MerchantEvent event;
    final CompletableFuture<StoredCase> result = new CompletableFuture<>();

    Opening(NewCase c, CaseRecord record, StoredCase stored, OutboxQueue.MerchantEvent event) {
      this.c = c;
      this.record = record;
      this.stored = stored;
      this.event = event;
    }
  }

  private Opening prepare(NewCase c) {
    Instant now = now();
    CaseRecord record = lifecycleAt(now).open(c.caseId(), c.receipt().merchantId());
    StoredCase stored =
        StoredCase.of(
            record,
            c.receipt().toolId(),
            c.receipt(),
            c.complaint(),
            Optional.empty(),
            c.accessSecretHash(),
            c.accessSalt(),
            c.requestFingerprint());
    OutboxQueue.MerchantEvent event =
        OutboxQueue.MerchantEvent.of(
            record.merchantId(),
            record.id(),
            CASE_CREATED,
            CaseJson.event(CASE_CREATED, now, CaseJson.created(stored)),
            now);
    return new Opening(c, record, stored, event);
  }

  /** Opens one case in its own transaction; does not run {@code afterCommit}. */
  private StoredCase openOne(Opening o) {
    try {
      store.inTransaction(
          tx -> {
            cases.insert(tx, o.record, o.c);
            store.outbox().enqueueAllForMerchants(tx, List.of(o.event));
            return null;
          });
    } catch (RuntimeException e) {
      if (CaseStore.isUniqueViolation(e)) {
        throw duplicate(o.c, e);
      }
      throw e;
    }
    return o.stored;
  }

  /**
   * The committer: while openings wait, takes up to {@value #MAX_GROUP} of them and commits them in
   * one transaction (JDBC batches), then completes each one's future. Runs on the committer thread,
   * one call at a time (guarded by {@link #committing}).
   */
  private void commitQueued() {
    while (true) {
      List<Opening> batch = new ArrayList<>();
      Opening o;
      while (batch.size() < MAX_GROUP && (o = committer.poll()) != null) {
        batch.add(o);
      }
      if (batch.isEmpty()) {
        committing.set(false);
        // An opening added after the last poll and before the flag dropped must not be stranded.
        if (committer.isEmpty() || !committing.compareAndSet(false, true)) {
          return;
        }
        continue;
      }
      try {
        commitGroup(batch);
      } catch (RuntimeException | Error e) {
        for (Opening each : batch) {
          each.result.completeExceptionally(e);
        }
        if (e instanceof Error) {
          committing.set(false);
          throw (Error) e;
        }
      }
    }
  }

  private void commitGroup(List<Opening> batch) {
    // Two openings in one batch with the same idempotency key or receipt would fail the whole
    // batch on a unique key: the second of each such pair is opened alone after the batch, where
    // it meets the first as an earlier filing.
    List<Opening> together = new ArrayList<>(batch.size());
    List<Opening> alone = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    Set<String> receipts = new HashSet<>();
    for (Opening o : batch) {
      String receipt =
          HexFormat.of().formatHex(o.c.receipt().receiptKey())
              + ":"
              + o.c.receipt().receiptSequence();
      if (keys.add(o.c.idempotencyKeyHash()) & receipts.add(receipt)) {
        together.add(o);
      } else {
        alone.add(o);
      }
    }
    boolean committed = false;
    if (together.size() == 1) {
      alone.add(0, together.get(0));
    } else {
      List<CaseRecord> records = new ArrayList<>(together.size());
      List<NewCase> news = new ArrayList<>(together.size());
      List<OutboxQueue.MerchantEvent> events = new ArrayList<>(together.size());
      for (Opening o : together) {
        records.add(o.record);
        news.add(o.c);
        events.add(o.event);
      }
      try {
        store.inTransaction(
            tx -> {
              cases.insertAll(tx, records, news);
              store.outbox().enqueueAllForMerchants(tx, events);
              return null;
            });
        committed = true;
      } catch (RuntimeException e) {
        if (!isConflict(e)) {
          // The store failed: nothing of the batch is stored, and every request is told so.
          for (Opening o : together) {
            o.result.completeExceptionally(e);
          }
          together.clear();
        } else {
          // A row conflicts with a committed case (a replay, or a second complaint on an open
          // receipt): nothing of the batch is stored; each row goes alone, so the conflict answers
          // only its own request.
          LOG.log(
              Level.FINE,
              "group commit of {0} cases met a unique key; opening each alone",
              new Object[] {together.size()});
          alone.addAll(0, together);
        }
      }
      if (committed) {
        runAfterCommit();
        for (Opening o : together) {
          o.result.complete(o.stored);
        }
      }
    }
    boolean any = false;
    for (Opening o : alone) {
      try {
        o.result.complete(openOne(o));
        any = true;
      } catch (RuntimeException e) {
        o.result.completeExceptionally(e);
      }
    }
    if (any) {
      runAfterCommit();
    }
  }

  /** Whether {@code e} is (or wraps, or chains in a batch) a unique-key violation. */
  private static boolean isConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (CaseStore.isUniqueViolation(t)) {
        return true;
      }
      if (t instanceof SQLException) {
        for (SQLException n = ((SQLException) t).getNextException();
            n != null;
            n = n.getNextException()) {
          if (CaseStore.isUniqueViolation(n)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private CaseException duplicate(NewCase c, RuntimeException cause) {
    return store.inTransaction(
        tx -> {
          Optional<String> byKey = cases.caseIdForIdempotencyKey(tx, c.idempotencyKeyHash());
          if (byKey.isPresent()) {
            return new CaseException(
                CaseException.Reason.DUPLICATE_IDEMPOTENCY_KEY,
                "A case was already filed with this idempotency key: " + byKey.get() + ".",
                byKey.get());
          }
          Optional<String> open =
              cases.openCaseFor(tx, c.receipt().receiptKey(), c.receipt().receiptSequence());
          if (open.isPresent()) {
            return new CaseException(
                CaseException.Reason.RECEIPT_ALREADY_OPEN,
                "This receipt already has an open case: " + open.get() + ".",
                open.get());
          }
          // A violation whose cause has gone again (the other case closed meanwhile): let the
          // caller retry by reporting a concurrent update.
          return new CaseException(
              CaseException.Reason.CONCURRENT_UPDATE,
              "Another filing for this receipt committed at the same time; retry.",
              (String) null);
        });
  }

  // ------------------------------------------------------------------ reading

  /** The case with {@code caseId}, if any. */
  public Optional<StoredCase> find(String caseId) {
    return cases.load(caseId);
  }

  /**
   * Cases newest first, of {@code merchantId} if given, in {@code state} if given.
   *
   * @param limit 1 to 200
   */
  public List<StoredCase> list(Optional<String> merchantId, Optional<CaseState> state, int limit) {
    if (limit < 1 || limit > 200) {
      throw new IllegalArgumentException("limit must be 1 to 200, got " + limit + ".");
    }
    return store.inSnapshot(tx -> cases.list(tx, merchantId, state, limit));
  }

  // ------------------------------------------------------------------ transitions

  /**
   * The merchant {@code merchantId} acknowledges case {@code caseId}.
   *
   * @throws CaseException {@code NOT_FOUND}
   * @throws CaseTransitionException as {@link CaseLifecycle#apply} refuses
   */
  public StoredCase acknowledge(String caseId, String merchantId, String reason) {
    return apply(caseId, Event.merchantAcknowledged(merchantId, reason), Optional.empty());
  }

  /**
   * The merchant {@code merchantId} answers case {@code caseId}.
   *
   * @param amount for REFUND and PROPOSAL only, in the receipt's currency; a refund at most the
   *     amount paid
   * @throws CaseException {@code NOT_FOUND}; {@code INVALID_ANSWER} if the amount does not fit
   * @throws CaseTransitionException as {@link CaseLifecycle#apply} refuses
   */
  public StoredCase answer(
      String caseId,
      String merchantId,
      ResponseKind kind,
      Optional<String> message,
      Optional<Money> amount,
      String reason) {
    return apply(caseId, Event.merchantAnswered(merchantId, kind, message, reason), amount);
  }

  /** The consumer is satisfied with the answer: the case is resolved. */
  public StoredCase confirm(String caseId, String reason) {
    return apply(
        caseId,
        Event.of(Event.Type.CONSUMER_CONFIRMED, Actor.consumer(), reason),
        Optional.empty());
  }

  /** The consumer is not satisfied with the answer: the case is escalated. */
  public StoredCase decline(String caseId, String reason) {
    return apply(
        caseId, Event.of(Event.Type.CONSUMER_DECLINED, Actor.consumer(), reason), Optional.empty());
  }

  /** The consumer asks for the regulator (after the answer, or once the deadline has passed). */
  public StoredCase escalate(String caseId, String reason) {
    return apply(
        caseId,
        Event.of(Event.Type.CONSUMER_ESCALATED, Actor.consumer(), reason),
        Optional.empty());
  }

  /**
   * Applies {@code event} to case {@code caseId} now, in one transaction, with the answer's {@code
   * amount} for a {@code MERCHANT_ANSWERED} event.
   *
   * @return the case as committed
   * @throws CaseException {@code NOT_FOUND}, {@code INVALID_ANSWER}, or {@code CONCURRENT_UPDATE}
   *     after three lost races
   * @throws CaseTransitionException as {@link CaseLifecycle#apply} refuses; nothing is stored
   */
  public StoredCase apply(String caseId, Event event, Optional<Money> amount) {
    Objects.requireNonNull(caseId, "caseId == null");
    Objects.requireNonNull(event, "event == null");
    Objects.requireNonNull(amount, "amount == null");
    return transition(caseId, c -> Optional.of(event), amount, now())
        .orElseThrow(() -> new IllegalStateException("an event was given"));
  }

  /**
   * Applies {@code DEADLINE_PASSED} to case {@code caseId} if, at {@code now}, it is still waiting
   * for its merchant and its deadline has come ({@link CaseLifecycle#due}); does nothing otherwise
   * (including when another timer got there first).
   *
   * @return whether this call escalated the case
   */
  public boolean escalateIfDue(String caseId, Instant now) {
    Objects.requireNonNull(now, "now == null");
    Instant at = Instant.ofEpochSecond(now.getEpochSecond());
    CaseLifecycle lifecycle = lifecycleAt(at);
    return transition(
            caseId, c -> lifecycle.due(c.record(), at).stream().findFirst(), Optional.empty(), at)
        .isPresent();
  }

  /**
   * Delivery listener: the merchant's endpoint accepted {@code item} at {@code at}. For a {@value
   * #CASE_CREATED} row to the merchant whose case is still {@code RECEIVED}, applies {@code
   * DELIVERED} stamped {@code at}; any other row, or a case that has moved on, is left alone, so
   * repeated deliveries (at least once) are harmless. Never throws for a case it cannot move.
   */
  public void onDelivered(OutboxItem item, Instant at) {
    Objects.requireNonNull(item, "item == null");
    Objects.requireNonNull(at, "at == null");
    if (!isCreatedForMerchant(item)) {
      return;
    }
    applyDelivered(item.caseId().get(), item.webhookId(), at);
  }

  /**
   * Delivery listener for a batch: as {@link #onDelivered} for every row of {@code items}, all
   * delivered at {@code at}, but the cases still {@code RECEIVED} move to the lifecycle's target
   * for {@code DELIVERED} in one transaction ({@link CaseStore#moveAll}: two JDBC batches and one
   * durable commit for the batch instead of four statements and a commit per case), in case ID
   * order. A case that has moved on, or whose last update is later than the delivery, is left
   * alone. If that transaction fails (a deadlock, the store), each case is tried alone as {@link
   * #onDelivered} would. Never throws for a case it cannot move.
   */
  public void onDeliveredAll(List<OutboxItem> items, Instant at) {
    Objects.requireNonNull(items, "items == null");
    Objects.requireNonNull(at, "at == null");
    java.util.TreeMap<String, String> webhookByCase = new java.util.TreeMap<>();
    for (OutboxItem item : items) {
      if (isCreatedForMerchant(item)) {
        webhookByCase.putIfAbsent(item.caseId().get(), item.webhookId());
      }
    }
    if (webhookByCase.size() <= 1) {
      webhookByCase.forEach((caseId, webhookId) -> applyDelivered(caseId, webhookId, at));
      return;
    }
    Instant stamp = Instant.ofEpochSecond(at.getEpochSecond());
    Instant when = stamp.isBefore(now()) ? stamp : now();
    CaseState from = CaseState.CASE_STATE_RECEIVED;
    CaseState to = CaseLifecycle.target(from, Event.Type.DELIVERED).orElseThrow();
    java.util.TreeMap<String, String> reasons = new java.util.TreeMap<>();
    webhookByCase.forEach(
        (caseId, webhookId) ->
            reasons.put(caseId, "webhook " + webhookId + " accepted by the merchant"));
    List<String> moved;
    try {
      moved = store.inTransaction(tx -> cases.moveAll(tx, reasons, from, to, when));
    } catch (RuntimeException e) {
      LOG.log(
          Level.FINE,
          "batch of {0} delivered cases not recorded together ({1}); recording each alone",
          new Object[] {webhookByCase.size(), e.toString()});
      webhookByCase.forEach((caseId, webhookId) -> applyDelivered(caseId, webhookId, at));
      return;
    }
    if (!moved.isEmpty()) {
      meters
          .counter(TRANSITIONS_METER, "from", CaseCodes.state(from), "to", CaseCodes.state(to))
          .increment(moved.size());
    }
  }

  /**
   * Applies {@code DELIVERED} to cases whose {@value #CASE_CREATED} row the merchant's endpoint
   * accepted but that are still {@code RECEIVED}, at most {@code limit} of them: a gateway that
   * stops between recording a delivery and {@link #onDelivered} (killed, or its store unreachable
   * for that moment) leaves them so. Each is stamped with its row's delivery time, as {@link
   * #onDelivered} would have. Several gateways may run it at once; each case moves once.
   *
   * @return how many cases this call moved
   */
  public int recordMissedDeliveries(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit + ".");
    }
    List<String[]> missed =
        store.inTransaction(
            tx -> {
              List<String[]> out = new java.util.ArrayList<>();
              try (java.sql.PreparedStatement select =
                  tx.prepareStatement(
                      "SELECT o.case_id, o.webhook_id, o.delivered_at FROM outbox o"
                          + " JOIN cases c ON c.id = o.case_id"
                          + " WHERE c.state = 'received' AND o.event_type = ?"
                          + " AND o.target = 'merchant' AND o.delivered_at IS NOT NULL"
                          + " ORDER BY o.delivered_at, o.id LIMIT ?")) {
                select.setString(1, CASE_CREATED);
                select.setInt(2, limit);
                try (java.sql.ResultSet row = select.executeQuery()) {
                  while (row.next()) {
                    out.add(
                        new String[] {
                          row.getString(1), row.getString(2), Long.toString(row.getLong(3))
                        });
                  }
                }
              }
              return out;
            });
    int moved = 0;
    for (String[] m : missed) {
      if (applyDelivered(m[0], m[1], Instant.ofEpochSecond(Long.parseLong(m[2])))) {
        LOG.log(
            Level.INFO,
            "case={0} webhook={1} delivered earlier; recorded now",
            new Object[] {m[0], m[1]});
        moved++;
      }
    }
    return moved;
  }

  private boolean applyDelivered(String caseId, String webhookId, Instant at) {
    Instant when = Instant.ofEpochSecond(at.getEpochSecond());
    try {
      return transition(
              caseId,
              c ->
                  c.record().state() == CaseState.CASE_STATE_RECEIVED
                      ? Optional.of(
                          Event.delivered("webhook " + webhookId + " accepted by the merchant"))
                      : Optional.empty(),
              Optional.empty(),
              when.isBefore(now()) ? when : now())
          .isPresent();
    } catch (CaseException | CaseTransitionException e) {
      LOG.log(
          Level.WARNING,
          "case={0} webhook={1} delivered but not recorded: {2}",
          new Object[] {caseId, webhookId, e.reason()});
      return false;
    }
  }

  /**
   * Delivery listener: {@code item} was dead-lettered at {@code at}. For a {@value #CASE_CREATED}
   * row to the merchant, the case stays {@code RECEIVED}, so its deadline timer escalates it; if
   * the deadline has already passed, escalates it now. Any other row is only logged.
   */
  public void onDeadLettered(OutboxItem item, Instant at) {
    Objects.requireNonNull(item, "item == null");
    Objects.requireNonNull(at, "at == null");
    LOG.log(
        Level.WARNING,
        "outbox={0} type={1} target={2} case={3} dead-lettered",
        new Object[] {
          item.id(), item.eventType(), item.target().code(), item.caseId().orElse("-")
        });
    if (!isCreatedForMerchant(item)) {
      return;
    }
    try {
      escalateIfDue(item.caseId().get(), now());
    } catch (CaseException | CaseTransitionException e) {
      LOG.log(
          Level.WARNING,
          "case={0} could not be escalated after dead letter: {1}",
          new Object[] {item.caseId().get(), e.reason()});
    }
  }

  private static boolean isCreatedForMerchant(OutboxItem item) {
    return item.eventType().equals(CASE_CREATED)
        && item.target() == OutboxItem.Target.MERCHANT
        && item.caseId().isPresent();
  }

  // ------------------------------------------------------------------ machinery

  /** What one committed transition did. */
  private static final class Outcome {
    final StoredCase after;
    final Transition transition;
    final int enqueued;

    Outcome(StoredCase after, Transition transition, int enqueued) {
      this.after = after;
      this.transition = transition;
      this.enqueued = enqueued;
    }
  }

  /** Which event a locked case gets; empty for none (the call is then a no-op). */
  @FunctionalInterface
  private interface EventChoice {
    Optional<Event> choose(StoredCase current);
  }

  private Optional<StoredCase> transition(
      String caseId, EventChoice choice, Optional<Money> amount, Instant at) {
    CaseException lastRace = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        Optional<Outcome> outcome =
            store.inTransaction(tx -> transitionIn(tx, caseId, choice, amount, at));
        if (outcome.isEmpty()) {
          return Optional.empty();
        }
        Outcome o = outcome.get();
        meters
            .counter(
                TRANSITIONS_METER,
                "from",
                CaseCodes.state(o.transition.from()),
                "to",
                CaseCodes.state(o.transition.to()))
            .increment();
        if (o.enqueued > 0) {
          runAfterCommit();
        }
        return Optional.of(o.after);
      } catch (CaseException e) {
        if (e.reasonCode() != CaseException.Reason.CONCURRENT_UPDATE) {
          throw e;
        }
        lastRace = e;
      }
    }
    throw lastRace;
  }

  private Optional<Outcome> transitionIn(
      Connection tx, String caseId, EventChoice choice, Optional<Money> amount, Instant at)
      throws SQLException {
    StoredCase before =
        cases
            .find(tx, caseId, true)
            .orElseThrow(
                () ->
                    new CaseException(
                        CaseException.Reason.NOT_FOUND, "No case has ID " + caseId + ".", caseId));
    Optional<Event> event = choice.choose(before);
    if (event.isEmpty()) {
      return Optional.empty();
    }
    CaseRecord after = lifecycleAt(at).apply(before.record(), event.get());
    if (amount.isPresent()) {
      checkAmount(before, event.get(), amount.get());
    }
    cases.update(tx, before, after, amount);
    StoredCase next = before.with(after, amount);
    Transition t = after.transitions().get(after.transitions().size() - 1);
    return Optional.of(new Outcome(next, t, enqueue(tx, next, t)));
  }

  private static void checkAmount(StoredCase c, Event event, Money amount) {
    ResponseKind kind = event.kind().orElse(null);
    String problem = null;
    if (kind != ResponseKind.RESPONSE_KIND_REFUND && kind != ResponseKind.RESPONSE_KIND_PROPOSAL) {
      problem = "an amount goes only with a refund or a proposal, not with " + kind;
    } else if (amount.currency() != c.receipt().amount().currency()) {
      problem =
          "the amount is in "
              + amount.currencyCode()
              + " but the receipt is in "
              + c.receipt().amount().currencyCode();
    } else if (amount.minorUnits() < 1) {
      problem = "the amount must be positive";
    } else if (kind == ResponseKind.RESPONSE_KIND_REFUND
        && amount.compareTo(c.receipt().amount()) > 0) {
      problem =
          "a refund of "
              + amount.toDecimalString()
              + " exceeds the "
              + c.receipt().amount().toDecimalString()
              + " paid";
    }
    if (problem != null) {
      throw new CaseException(
          CaseException.Reason.INVALID_ANSWER,
          "The answer to case " + c.id() + " is refused: " + problem + ".",
          c.id());
    }
  }

  /** Enqueues what transition {@code t} announces; returns how many rows. */
  private int enqueue(Connection tx, StoredCase c, Transition t) throws SQLException {
    OutboxQueue outbox = store.outbox();
    Instant at = t.at();
    if (t.to() == CaseState.CASE_STATE_ESCALATED) {
      outbox.enqueueForMerchant(
          tx,
          c.merchantId(),
          c.id(),
          CASE_ESCALATED,
          CaseJson.event(CASE_ESCALATED, at, CaseJson.change(c, t)),
          at);
      outbox.enqueueForRegulator(
          tx,
          c.merchantId(),
          c.id(),
          CASE_ESCALATED,
          CaseJson.event(CASE_ESCALATED, at, CaseJson.escalationRecord(c, t)),
          at);
      return 2;
    }
    if (t.actor().kind() == Actor.Kind.CONSUMER) {
      outbox.enqueueForMerchant(
          tx,
          c.merchantId(),
          c.id(),
          CASE_UPDATED,
          CaseJson.event(CASE_UPDATED, at, CaseJson.change(c, t)),
          at);
      return 1;
    }
    return 0;
  }

  private CaseLifecycle lifecycleAt(Instant at) {
    return CaseLifecycle.create(Clock.fixed(at, ZoneOffset.UTC), merchantDeadline);
  }

  private void runAfterCommit() {
    try {
      afterCommit.run();
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING, "afterCommit failed; delivery will pick the rows up at its next poll", e);
    }
  }
}
