package dev.fangxin.gateway.delivery;

import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.core.webhook.WebhookSigner;
import dev.fangxin.gateway.endpoint.Endpoints;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * How {@link Delivery} runs: worker threads, the per-endpoint concurrency limit, HTTP timeouts, the
 * claim lease, the retry {@link Backoff}, the circuit thresholds, and the regulator sink (URL and
 * the secrets that sign regulator rows). Immutable; build with {@link #builder()}. {@link
 * #toString()} never reveals a secret.
 *
 * <p><b>Leases.</b> A claimed row is leased for {@link #lease()}, which must exceed the longest an
 * attempt can take ({@code connectTimeout + responseTimeout}) by at least 5 seconds, so that a row
 * is never claimed twice while its attempt may still be running; the default is that sum plus 30
 * seconds. A worker that crashes leaves its rows to be claimed again when the lease lapses.
 */
public final class DeliveryConfig {
  private final String node;
  private final int workers;
  private final int perEndpointConcurrency;
  private final Duration pollInterval;
  private final Duration connectTimeout;
  private final Duration responseTimeout;
  private final Duration lease;
  private final Backoff backoff;
  private final int failingAfter;
  private final int pauseAfter;
  private final Duration probeInterval;
  private final URI regulatorUrl;
  private final List<WebhookSecret> regulatorSecrets;

  private DeliveryConfig(Builder b, Duration lease) {
    this.node = b.node;
    this.workers = b.workers;
    this.perEndpointConcurrency = b.perEndpointConcurrency;
    this.pollInterval = b.pollInterval;
    this.connectTimeout = b.connectTimeout;
    this.responseTimeout = b.responseTimeout;
    this.lease = lease;
    this.backoff = b.backoff;
    this.failingAfter = b.failingAfter;
    this.pauseAfter = b.pauseAfter;
    this.probeInterval = b.probeInterval;
    this.regulatorUrl = b.regulatorUrl;
    this.regulatorSecrets = List.copyOf(b.regulatorSecrets);
  }

  /** A builder with the defaults documented on each setter. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults, without a regulator sink. */
  public static DeliveryConfig defaults() {
    return builder().build();
  }

  /** This node's name, recorded as the claimer of the rows it works on. */
  public String node() {
    return node;
  }

  /** How many attempts run at once on this node. */
  public int workers() {
    return workers;
  }

  /** How many attempts to one endpoint (or to the regulator sink) run at once on this node. */
  public int perEndpointConcurrency() {
    return perEndpointConcurrency;
  }

  /** How long workers wait for due rows before looking again, unless woken. */
  public Duration pollInterval() {
    return pollInterval;
  }

  /** How long establishing a connection may take. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** How long the response may take once the request is sent. */
  public Duration responseTimeout() {
    return responseTimeout;
  }

  /** How long a claimed row is leased to this node. */
  public Duration lease() {
    return lease;
  }

  /** The retry schedule and horizon. */
  public Backoff backoff() {
    return backoff;
  }

  /** Consecutive failures after which {@code endpoint.failing} is sent. */
  public int failingAfter() {
    return failingAfter;
  }

  /** Consecutive failures after which the endpoint is paused (its circuit opens). */
  public int pauseAfter() {
    return pauseAfter;
  }

  /** While an endpoint is paused, the time between half-open probes. */
  public Duration probeInterval() {
    return probeInterval;
  }

  /** Where regulator rows go, if a regulator sink is configured. */
  public Optional<URI> regulatorUrl() {
    return Optional.ofNullable(regulatorUrl);
  }

  /** A signer for regulator rows; present exactly when {@link #regulatorUrl()} is. */
  Optional<WebhookSigner> regulatorSigner() {
    if (regulatorUrl == null) {
      return Optional.empty();
    }
    WebhookSigner.Builder b = WebhookSigner.builder();
    regulatorSecrets.forEach(b::addSecret);
    return Optional.of(b.build());
  }

  @Override
  public String toString() {
    return "DeliveryConfig{node="
        + node
        + ", workers="
        + workers
        + ", perEndpointConcurrency="
        + perEndpointConcurrency
        + ", connectTimeout="
        + connectTimeout
        + ", responseTimeout="
        + responseTimeout
        + ", lease="
        + lease
        + ", "
        + backoff
        + ", failingAfter="
        + failingAfter
        + ", pauseAfter="
        + pauseAfter
        + ", probeInterval="
        + probeInterval
        + ", regulator="
        + (regulatorUrl == null
            ? "none"
            : regulatorUrl + " (" + regulatorSecrets.size() + " secret(s))")
        + "}";
  }

  /** Collects the settings. Not thread-safe. */
  public static final class Builder {
    private String node = "node-" + UUID.randomUUID().toString().substring(0, 8);
    private int workers = 8;
    private int perEndpointConcurrency = 2;
    private Duration pollInterval = Duration.ofSeconds(1);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration responseTimeout = Duration.ofSeconds(15);
    private Duration lease;
    private Backoff backoff = Backoff.defaults();
    private int failingAfter = 5;
    private int pauseAfter = 10;
    private Duration probeInterval = Duration.ofMinutes(10);
    private URI regulatorUrl;
    private final List<WebhookSecret> regulatorSecrets = new ArrayList<>();

    private Builder() {}

    /** This node's name, 1 to 100 characters; default {@code node-} and 8 random hex digits. */
    public Builder node(String node) {
      this.node = Objects.requireNonNull(node, "node == null");
      return this;
    }

    /** Attempts running at once on this node, 1 to 256; default 8. */
    public Builder workers(int workers) {
      this.workers = workers;
      return this;
    }

    /** Attempts running at once to one endpoint on this node, 1 to 64; default 2. */
    public Builder perEndpointConcurrency(int limit) {
      this.perEndpointConcurrency = limit;
      return this;
    }

    /** How long idle workers wait before looking for due rows; 10 ms to 1 min; default 1 s. */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = Objects.requireNonNull(interval, "interval == null");
      return this;
    }

    /** Connect timeout, 100 ms to 1 min; default 5 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout, "timeout == null");
      return this;
    }

    /** Response timeout, 100 ms to 5 min; default 15 s. */
    public Builder responseTimeout(Duration timeout) {
      this.responseTimeout = Objects.requireNonNull(timeout, "timeout == null");
      return this;
    }

    /**
     * The claim lease; at least {@code connectTimeout + responseTimeout + 5 s}, at most a day.
     * Default {@code connectTimeout + responseTimeout + 30 s}.
     */
    public Builder lease(Duration lease) {
      this.lease = Objects.requireNonNull(lease, "lease == null");
      return this;
    }

    /** The retry schedule; default {@link Backoff#defaults()}. */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff == null");
      return this;
    }

    /**
     * The circuit: send {@code endpoint.failing} after {@code failingAfter} consecutive failures
     * and pause after {@code pauseAfter} (1 ≤ failingAfter ≤ pauseAfter ≤ 1000); defaults 5 and 10.
     */
    public Builder circuit(int failingAfter, int pauseAfter) {
      this.failingAfter = failingAfter;
      this.pauseAfter = pauseAfter;
      return this;
    }

    /** Time between half-open probes of a paused endpoint, 1 s to 1 day; default 10 min. */
    public Builder probeInterval(Duration interval) {
      this.probeInterval = Objects.requireNonNull(interval, "interval == null");
      return this;
    }

    /**
     * The regulator sink: where regulator rows go and the secrets that sign them (one {@code v1}
     * signature each, in this order; give two while rotating). Without one, regulator rows fail and
     * are retried until they are dead-lettered.
     *
     * @param url an absolute http or https URL without credentials
     */
    public Builder regulator(String url, WebhookSecret... secrets) {
      this.regulatorUrl = Endpoints.checkUrl(url);
      this.regulatorSecrets.clear();
      for (WebhookSecret s : secrets) {
        this.regulatorSecrets.add(Objects.requireNonNull(s, "secret == null"));
      }
      return this;
    }

    /**
     * The configuration.
     *
     * @throws DeliveryException {@code INVALID_CONFIG} naming the value out of range
     */
    public DeliveryConfig build() {
      check(!node.isEmpty() && node.length() <= 100, "The node name must be 1 to 100 characters.");
      check(workers >= 1 && workers <= 256, "workers must be 1 to 256, was " + workers + ".");
      check(
          perEndpointConcurrency >= 1 && perEndpointConcurrency <= 64,
          "perEndpointConcurrency must be 1 to 64, was " + perEndpointConcurrency + ".");
      check(
          between(pollInterval, Duration.ofMillis(10), Duration.ofMinutes(1)),
          "pollInterval must be between 10 ms and 1 minute, was " + pollInterval + ".");
      check(
          between(connectTimeout, Duration.ofMillis(100), Duration.ofMinutes(1)),
          "connectTimeout must be between 100 ms and 1 minute, was " + connectTimeout + ".");
      check(
          between(responseTimeout, Duration.ofMillis(100), Duration.ofMinutes(5)),
          "responseTimeout must be between 100 ms and 5 minutes, was " + responseTimeout + ".");
      Duration attempt = connectTimeout.plus(responseTimeout);
      Duration l = lease == null ? attempt.plusSeconds(30) : lease;
      check(
          between(l, attempt.plusSeconds(5), Duration.ofDays(1)),
          "The lease ("
              + l
              + ") must exceed connectTimeout + responseTimeout ("
              + attempt
              + ") by at least 5 seconds, and be at most a day, so that a row is never claimed"
              + " again while its attempt may still run.");
      check(
          failingAfter >= 1 && failingAfter <= pauseAfter && pauseAfter <= 1000,
          "The circuit needs 1 <= failingAfter <= pauseAfter <= 1000, had "
              + failingAfter
              + " and "
              + pauseAfter
              + ".");
      check(
          between(probeInterval, Duration.ofSeconds(1), Duration.ofDays(1)),
          "probeInterval must be between 1 second and 1 day, was " + probeInterval + ".");
      check(
          regulatorUrl == null || !regulatorSecrets.isEmpty(),
          "The regulator sink needs at least one secret to sign with.");
      check(regulatorSecrets.size() <= 8, "The regulator sink takes at most 8 secrets at once.");
      return new DeliveryConfig(this, l);
    }

    private static boolean between(Duration d, Duration min, Duration max) {
      return d.compareTo(min) >= 0 && d.compareTo(max) <= 0;
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new DeliveryException(DeliveryException.Reason.INVALID_CONFIG, message);
      }
    }
  }
}
