package dev.fangxin.gateway;

import dev.fangxin.gateway.api.RegistryRoutes;
import dev.fangxin.gateway.api.ToolSwitchRoutes;
import dev.fangxin.gateway.auth.ApiKeys;
import dev.fangxin.gateway.auth.Guard;
import dev.fangxin.gateway.cases.CaseRoutes;
import dev.fangxin.gateway.cases.CaseService;
import dev.fangxin.gateway.cases.CaseTimers;
import dev.fangxin.gateway.clearing.AcquirerCertificateRoutes;
import dev.fangxin.gateway.clearing.AcquirerCertificates;
import dev.fangxin.gateway.clearing.Acquirers;
import dev.fangxin.gateway.clearing.ClearingRecords;
import dev.fangxin.gateway.clearing.ClearingRoutes;
import dev.fangxin.gateway.clearing.HookSignature;
import dev.fangxin.gateway.clearing.HttpClearingLookup;
import dev.fangxin.gateway.clearing.TraceRouter;
import dev.fangxin.gateway.config.GatewayConfig;
import dev.fangxin.gateway.delivery.Backoff;
import dev.fangxin.gateway.delivery.Delivery;
import dev.fangxin.gateway.delivery.DeliveryConfig;
import dev.fangxin.gateway.delivery.DeliveryListener;
import dev.fangxin.gateway.endpoint.EndpointRoutes;
import dev.fangxin.gateway.endpoint.Endpoints;
import dev.fangxin.gateway.intake.CollectionCodes;
import dev.fangxin.gateway.intake.ComplaintIntake;
import dev.fangxin.gateway.intake.IntakeRoutes;
import dev.fangxin.gateway.intake.ReceiptVerifier;
import dev.fangxin.gateway.pages.ConsumerPages;
import dev.fangxin.gateway.pages.Csrf;
import dev.fangxin.gateway.pages.Photos;
import dev.fangxin.gateway.registry.Registry;
import dev.fangxin.gateway.store.OutboxItem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The dispute gateway's own pieces as one {@link Gateway.Component}: the registry API, API keys,
 * merchant endpoints, complaint intake (receipt tokens and traces), the acquirers' clearing hook
 * and the pull hook behind trace routing, the persisted case lifecycle with its deadline timer, and
 * signed webhook delivery, wired to each other and to the {@link GatewayConfig}.
 *
 * <p>The seams: a commit that enqueues outbox rows wakes {@link Delivery} at once; a delivered
 * {@code case.created} moves its case to {@code delivered}; a dead letter is handed to the case
 * service. Delivery and the timer are registered as services, so they stop after the HTTP server
 * has drained and before the store closes.
 */
public final class DisputeServices implements Gateway.Component {
  /** How often the deadline timer looks for cases whose merchant deadline has passed. */
  public static final Duration TIMER_INTERVAL = Duration.ofSeconds(30);

  private final Duration timerInterval;

  private DisputeServices(Duration timerInterval) {
    this.timerInterval = timerInterval;
  }

  /** The component; install it on a {@link Gateway.Builder}. */
  public static DisputeServices create() {
    return new DisputeServices(TIMER_INTERVAL);
  }

  /**
   * This component with the deadline timer looking every {@code interval} instead of every {@link
   * #TIMER_INTERVAL}: a test that moves an injected clock past a deadline sees the escalation
   * within {@code interval} of real time.
   *
   * @throws IllegalArgumentException if {@code interval} is shorter than 1 millisecond
   */
  public DisputeServices timerInterval(Duration interval) {
    Objects.requireNonNull(interval, "interval == null");
    if (interval.toMillis() < 1) {
      throw new IllegalArgumentException("interval must be at least 1 ms, got " + interval + ".");
    }
    return new DisputeServices(interval);
  }

  /** Starts a gateway with every dispute service installed. */
  public static Gateway start(GatewayConfig config, java.time.Clock clock) {
    return Gateway.builder(config, clock).install(create()).start();
  }

  @Override
  public void install(Gateway.Context ctx) {
    GatewayConfig config = ctx.config();
    var clock = ctx.clock();
    var store = ctx.store();
    var meters = ctx.meterRegistry();

    Registry registry = Registry.on(store, clock);
    ApiKeys apiKeys = ApiKeys.on(store, clock);
    Guard guard = Guard.of(apiKeys);
    Endpoints endpoints = Endpoints.on(store, clock);

    AtomicReference<Delivery> delivery = new AtomicReference<>();
    CaseService cases =
        CaseService.builder(store, clock)
            .merchantDeadline(config.merchantDeadline())
            .meters(meters)
            .afterCommit(
                () -> {
                  Delivery d = delivery.get();
                  if (d != null) {
                    d.wake();
                  }
                })
            .build();
    boolean delivering = config.delivery().workers() > 0;
    if (delivering) {
      delivery.set(
          Delivery.builder(store, endpoints, deliveryConfig(config))
              .clock(clock)
              .meters(meters)
              .listener(
                  new DeliveryListener() {
                    @Override
                    public void delivered(OutboxItem item, Instant at) {
                      cases.onDelivered(item, at);
                    }

                    @Override
                    public void deliveredAll(List<OutboxItem> items, Instant at) {
                      cases.onDeliveredAll(items, at);
                    }

                    @Override
                    public void deadLettered(OutboxItem item, Instant at) {
                      cases.onDeadLettered(item, at);
                    }
                  })
              .build());
    }

    Acquirers acquirers = Acquirers.on(store, clock);
    ClearingRecords clearing = ClearingRecords.on(store, clock);
    ReceiptVerifier verifier = ReceiptVerifier.create(registry, clearing, meters);
    TraceRouter router =
        TraceRouter.create(
            HttpClearingLookup.builder(acquirers, clearing, clock).meters(meters).build(),
            registry);
    CollectionCodes codes = CollectionCodes.create(registry, clearing, router, meters);
    ComplaintIntake intake = ComplaintIntake.create(verifier, router, codes, cases, meters);

    ctx.routes(RegistryRoutes.routes(registry, apiKeys, guard, clock));
    ctx.routes(EndpointRoutes.of(endpoints, guard));
    ctx.routes(ToolSwitchRoutes.routes(registry, endpoints, guard, clock));
    ConsumerPages pages =
        ConsumerPages.create(
                verifier,
                intake,
                cases,
                Photos.on(store, clock),
                Csrf.on(store, clock),
                guard,
                config.tls().isPresent())
            .withCollectionCodes(registry, codes, router, clock);
    ctx.routes(pages.withPages(IntakeRoutes.create(verifier, intake, guard).routes()));
    ctx.routes(pages.routes());
    AcquirerCertificates certificates = AcquirerCertificates.on(store, clock);
    ctx.routes(
        ClearingRoutes.routes(
            acquirers, clearing, HookSignature.verifier(acquirers, clock), guard, certificates));
    ctx.routes(AcquirerCertificateRoutes.routes(certificates, guard));
    ctx.routes(CaseRoutes.create(cases, guard).routes());

    CaseTimers timers = CaseTimers.create(cases, clock, timerInterval);
    timers.start();
    ctx.service(timers);
    if (delivering) {
      delivery.get().start();
      ctx.service(delivery.get());
    }
  }

  /** The delivery settings {@code config} implies. */
  static DeliveryConfig deliveryConfig(GatewayConfig config) {
    GatewayConfig.Delivery d = config.delivery();
    DeliveryConfig.Builder b =
        DeliveryConfig.builder()
            .workers(d.workers())
            .perEndpointConcurrency(d.perEndpointConcurrency())
            .responseTimeout(d.requestTimeout())
            .circuit(Math.max(1, d.circuitThreshold() / 2), d.circuitThreshold())
            .backoff(
                Backoff.builder()
                    .base(d.backoffBase())
                    .horizon(d.horizon())
                    .minAttempts(d.minAttempts())
                    .build());
    config.regulator().ifPresent(r -> b.regulator(r.url().toString(), r.secret()));
    return b.build();
  }
}
