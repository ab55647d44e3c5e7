package dev.fangxin.gateway;

import dev.fangxin.core.FangxinException;
import dev.fangxin.gateway.config.GatewayConfig;
import dev.fangxin.gateway.http.GatewayHttpServer;
import dev.fangxin.gateway.http.HttpServerConfig;
import dev.fangxin.gateway.http.ReadinessCheck;
import dev.fangxin.gateway.http.Route;
import dev.fangxin.gateway.ops.Metrics;
import dev.fangxin.gateway.store.Store;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The assembled gateway: store, metrics, the pieces' routes and background services, and the HTTP
 * server, started in that order and stopped in the reverse.
 *
 * <p><b>Assembly.</b> {@link #start(GatewayConfig, Clock)} runs the bare gateway ({@code /healthz},
 * {@code /readyz}, {@code /metrics}). Pieces plug in as {@link Component}s through {@link
 * #builder}: each is {@linkplain Component#install installed} once, in registration order, with a
 * {@link Context} that offers the store, clock, meter registry and configuration, and collects the
 * component's {@link Route}s, its background services ({@link AutoCloseable}, already running when
 * registered) and extra readiness checks:
 *
 * <pre>{@code
 * Gateway gateway =
 *     Gateway.builder(config, Clock.systemUTC())
 *         .install(ctx -> ctx.routes(new RegistryApi(ctx.store(), ctx.clock()).routes()))
 *         .install(ctx -> ctx.service(Delivery.start(ctx.store(), ctx.meterRegistry(), ...)))
 *         .start();
 * }</pre>
 *
 * <p><b>Readiness.</b> {@code /readyz} answers 200 while the store hands out a valid connection,
 * every registered readiness check passes and the gateway is not shutting down.
 *
 * <p><b>Shutdown.</b> {@link #close()} stops accepting connections and lets in-flight requests
 * finish (up to {@code http.shutdown-timeout}), then closes the services in reverse registration
 * order, then the metrics, then the store. It is idempotent and thread-safe; it blocks the caller.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Gateway.class.getName());

  /** One piece of the gateway: contributes routes, services and readiness checks. */
  @FunctionalInterface
  public interface Component {
    /**
     * Builds this piece and registers what it contributes with {@code ctx}. Called once, on the
     * thread calling {@link Builder#start()}, before the HTTP server accepts connections; services
     * it registers are closed even if a later component fails.
     *
     * @throws Exception to abort the start; everything already opened is closed
     */
    void install(Context ctx) throws Exception;
  }

  /**
   * What a {@link Component} sees while it is installed. Only valid during {@link
   * Component#install}, except for the getters, which stay valid for the gateway's life. Not
   * thread-safe.
   */
  public interface Context {
    /** The whole configuration. */
    GatewayConfig config();

    /** The clock every component must read time from. */
    Clock clock();

    /** The open store. */
    Store store();

    /** The registry every component records its meters into. */
    MeterRegistry meterRegistry();

    /** The metrics holder (for its refresh controls). */
    Metrics metrics();

    /**
     * The base URL of dispute links: {@code public.base-url} when set, else the scheme, host and
     * port the server listens on. With port 0 and no {@code public.base-url} it is known only once
     * the server is bound, so call it from handlers, not during {@code install}.
     *
     * @throws IllegalStateException when it is not known yet
     */
    URI publicBaseUrl();

    /** Adds a route. */
    Context route(Route route);

    /** Adds routes, in order. */
    Context routes(List<Route> routes);

    /**
     * Registers a running background service; it is closed after the HTTP server has drained, in
     * reverse registration order.
     */
    Context service(AutoCloseable service);

    /** Adds a check that must also pass for {@code /readyz} to answer 200. */
    Context readiness(ReadinessCheck check);
  }

  /** Collects components. Not thread-safe. */
  public static final class Builder {
    private final GatewayConfig config;
    private final Clock clock;
    private final List<Component> components = new ArrayList<>();

    private Builder(GatewayConfig config, Clock clock) {
      this.config = config;
      this.clock = clock;
    }

    /** Adds a component; components are installed in the order they are added. */
    public Builder install(Component component) {
      components.add(Objects.requireNonNull(component, "component == null"));
      return this;
    }

    /** Adds one route (a component that registers only it). */
    public Builder route(Route route) {
      Objects.requireNonNull(route, "route == null");
      return install(ctx -> ctx.route(route));
    }

    /**
     * Opens the store, creates the metrics, installs every component and starts the HTTP server;
     * returns once it listens.
     *
     * @throws dev.fangxin.gateway.store.StoreException if the store cannot be opened or migrated
     * @throws dev.fangxin.gateway.http.HttpException if the server cannot bind or TLS cannot load
     * @throws GatewayException if a component fails with a checked exception (runtime exceptions of
     *     components are rethrown as they are)
     */
    public Gateway start() {
      Gateway g = new Gateway(config, clock);
      try {
        g.open(components);
      } catch (RuntimeException e) {
        g.close();
        throw e;
      }
      return g;
    }
  }

  private final GatewayConfig config;
  private final Clock clock;
  private final List<AutoCloseable> services = new ArrayList<>();
  private final List<ReadinessCheck> checks = new ArrayList<>();
  private final Object lifecycle = new Object();
  private Store store;
  private Metrics metrics;
  private GatewayHttpServer server;
  private volatile boolean closing;
  private boolean closed;

  private Gateway(GatewayConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** A builder for a gateway with {@code config}, reading time from {@code clock}. */
  public static Builder builder(GatewayConfig config, Clock clock) {
    return new Builder(
        Objects.requireNonNull(config, "config == null"),
        Objects.requireNonNull(clock, "clock == null"));
  }

  /**
   * Starts the bare gateway: store, metrics, {@code /healthz}, {@code /readyz}, {@code /metrics}.
   */
  public static Gateway start(GatewayConfig config, Clock clock) {
    return builder(config, clock).start();
  }

  private void open(List<Component> components) {
    store = Store.open(config.store());
    metrics = Metrics.create(store, clock, config.metricsRefreshInterval());
    List<Route> routes = new ArrayList<>();
    routes.add(metrics.route());
    Context ctx = new InstallContext(routes);
    for (Component c : components) {
      try {
        c.install(ctx);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new GatewayException(
            GatewayException.Reason.START_FAILED,
            "A gateway component failed to start: " + e.getMessage(),
            e);
      }
    }
    List<ReadinessCheck> all = List.copyOf(checks);
    GatewayHttpServer.Builder b =
        GatewayHttpServer.builder(config.http())
            .readiness(
                () -> {
                  if (closing || !storeReady()) {
                    return false;
                  }
                  for (ReadinessCheck check : all) {
                    if (!check.isReady()) {
                      return false;
                    }
                  }
                  return true;
                });
    routes.forEach(b::route);
    GatewayHttpServer s = b.build();
    synchronized (lifecycle) {
      server = s;
    }
    s.start();
  }

  private boolean storeReady() throws Exception {
    try (Connection c = store.connection()) {
      return c.isValid(2);
    }
  }

  /**
   * Every route the gateway answers ({@code /healthz}, {@code /readyz}, {@code /metrics} and each
   * component's), in matching order. Immutable; safe on any thread.
   */
  public List<Route> routes() {
    return server.routes();
  }

  /** The port the server listens on. */
  public int port() {
    return server.port();
  }

  /** {@code https} with TLS, else {@code http}. */
  public String scheme() {
    return server.scheme();
  }

  /** Where the server listens, such as {@code http://127.0.0.1:8080}. */
  public URI listenUrl() {
    return urlOf(config.http(), port());
  }

  /** The URL of {@code http}'s host at {@code port}; a wildcard address becomes localhost. */
  private static URI urlOf(HttpServerConfig http, int port) {
    String host = http.host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "localhost";
    } else if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return URI.create((http.tls().isPresent() ? "https" : "http") + "://" + host + ":" + port);
  }

  /** {@code public.base-url} when set, else {@link #listenUrl()}. */
  public URI publicBaseUrl() {
    return config.publicBaseUrl().orElseGet(this::listenUrl);
  }

  /** The configuration the gateway runs with. */
  public GatewayConfig config() {
    return config;
  }

  /** The open store. */
  public Store store() {
    return store;
  }

  /** The metrics. */
  public Metrics metrics() {
    return metrics;
  }

  /**
   * Shuts down gracefully: {@code /readyz} turns 503, the server stops accepting and drains
   * in-flight requests, then services close in reverse order, then metrics, then the store. A
   * service that fails to close is logged and the rest still close. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      closing = true;
      if (server != null) {
        server.close();
      }
      for (int i = services.size() - 1; i >= 0; i--) {
        try {
          services.get(i).close();
        } catch (Exception e) {
          LOG.log(
              Level.WARNING,
              "service close failed service={0} error={1}",
              new Object[] {services.get(i).getClass().getName(), describe(e)});
        }
      }
      if (metrics != null) {
        metrics.close();
      }
      if (store != null) {
        store.close();
      }
    }
  }

  private static String describe(Exception e) {
    return e instanceof FangxinException f ? f.reason() : e.getClass().getSimpleName();
  }

  private final class InstallContext implements Context {
    private final List<Route> routes;

    InstallContext(List<Route> routes) {
      this.routes = routes;
    }

    @Override
    public GatewayConfig config() {
      return config;
    }

    @Override
    public Clock clock() {
      return clock;
    }

    @Override
    public Store store() {
      return store;
    }

    @Override
    public MeterRegistry meterRegistry() {
      return metrics.registry();
    }

    @Override
    public Metrics metrics() {
      return metrics;
    }

    @Override
    public URI publicBaseUrl() {
      if (config.publicBaseUrl().isPresent()) {
        return config.publicBaseUrl().get();
      }
      HttpServerConfig http = config.http();
      GatewayHttpServer s;
      synchronized (lifecycle) {
        s = server;
      }
      int port = http.port();
      if (s != null) {
        try {
          port = s.port();
        } catch (IllegalStateException notStartedYet) {
          // keep the configured port
        }
      }
      if (port == 0) {
        throw new IllegalStateException(
            "The public base URL is not known before the server binds port 0; set"
                + " public.base-url or read it from a handler.");
      }
      return urlOf(http, port);
    }

    @Override
    public Context route(Route route) {
      routes.add(Objects.requireNonNull(route, "route == null"));
      return this;
    }

    @Override
    public Context routes(List<Route> more) {
      for (Route r : more) {
        route(r);
      }
      return this;
    }

    @Override
    public Context service(AutoCloseable service) {
      services.add(Objects.requireNonNull(service, "service == null"));
      return this;
    }

    @Override
    public Context readiness(ReadinessCheck check) {
      checks.add(Objects.requireNonNull(check, "check == null"));
      return this;
    }
  }
}
