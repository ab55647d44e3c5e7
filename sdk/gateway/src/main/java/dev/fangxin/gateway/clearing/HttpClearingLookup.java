package dev.fangxin.gateway.clearing;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.Rrn;
import dev.fangxin.core.id.SettlementDate;
import dev.fangxin.gateway.clearing.ClearingException.FieldError;
import dev.fangxin.protocol.v1.Trace;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The pull hook: a {@link ClearingLookup} that answers from the store and, for a trace the store
 * does not know, asks the trace's acquirer at its callback URL (protocol/SPEC.md §13, "Pull") and
 * stores what it answers.
 *
 * <p><b>Order.</b> {@link #find}: the store ({@code clearing_records}) first — a record pushed
 * since a negative answer is found at once; then the negative cache; then the acquirer named by the
 * trace, if it is registered with a callback URL (otherwise: empty, cached as negative).
 *
 * <p><b>The call.</b> A signed {@code POST} (newest active secret of the acquirer) of the binary
 * {@code fangxin.v1.Trace}; connect timeout and per-attempt timeout as configured. {@code 200} with
 * a valid {@code fangxin.v1.ClearingRecord} of the same trace and acquirer: stored ({@link
 * ClearingRecords#insertPulled}) and returned. {@code 404}: no such trace, cached as negative for
 * {@code negativeTtl}. Anything else (timeout, connection failure, other status, an invalid or
 * foreign record) is retried up to {@code maxAttempts} in all, waiting {@code backoff · 2^(n-1)}
 * between attempts; then {@code clearing.lookup_failed} is thrown and nothing is cached.
 *
 * <p><b>Cache.</b> Positive answers are cached for good in the store (a trace names one payment);
 * negative answers in memory for {@code negativeTtl} (by the injected clock), at most {@code
 * cacheSize} entries (expired entries are dropped first, then all).
 *
 * <p>Meter {@value #METER}, tag {@code outcome} = {@code local}, {@code cached_negative}, {@code
 * found}, {@code not_found}, {@code no_callback} or {@code failed}. Thread-safe; blocking.
 */
public final class HttpClearingLookup implements ClearingLookup {
  /** Meter: lookups, tagged {@code outcome}. */
  public static final String METER = "fangxin.clearing.lookups";

  private static final Logger LOG = Logger.getLogger(HttpClearingLookup.class.getName());

  private final Acquirers acquirers;
  private final ClearingRecords records;
  private final Clock clock;
  private final HttpClient client;
  private final Duration requestTimeout;
  private final int maxAttempts;
  private final Duration backoff;
  private final Duration negativeTtl;
  private final int cacheSize;
  private final MeterRegistry meters;
  private final ConcurrentHashMap<String, Instant> negative = new ConcurrentHashMap<>();

  private HttpClearingLookup(Builder b) {
    this.acquirers = b.acquirers;
    this.records = b.records;
    this.clock = b.clock;
    this.client = HttpClient.newBuilder().connectTimeout(b.connectTimeout).build();
    this.requestTimeout = b.requestTimeout;
    this.maxAttempts = b.maxAttempts;
    this.backoff = b.backoff;
    this.negativeTtl = b.negativeTtl;
    this.cacheSize = b.cacheSize;
    this.meters = b.meters;
  }

  /** A builder over the acquirer registry and the record store. */
  public static Builder builder(Acquirers acquirers, ClearingRecords records, Clock clock) {
    return new Builder(acquirers, records, clock);
  }

  /** Builds an {@link HttpClearingLookup}; not thread-safe. */
  public static final class Builder {
    private final Acquirers acquirers;
    private final ClearingRecords records;
    private final Clock clock;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration requestTimeout = Duration.ofSeconds(5);
    private int maxAttempts = 3;
    private Duration backoff = Duration.ofMillis(200);
    private Duration negativeTtl = Duration.ofMinutes(5);
    private int cacheSize = 10_000;
    private MeterRegistry meters = new SimpleMeterRegistry();

    private Builder(Acquirers acquirers, ClearingRecords records, Clock clock) {
      this.acquirers = Objects.requireNonNull(acquirers, "acquirers == null");
      this.records = Objects.requireNonNull(records, "records == null");
      this.clock = Objects.requireNonNull(clock, "clock == null");
    }

    /** Time to connect (default 2 s; 1 ms to 1 min). */
    public Builder connectTimeout(Duration d) {
      this.connectTimeout = check("connectTimeout", d, Duration.ofMinutes(1));
      return this;
    }

    /** Time for one attempt's answer (default 5 s; 1 ms to 1 min). */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = check("requestTimeout", d, Duration.ofMinutes(1));
      return this;
    }

    /** Attempts in all, 1 to 10 (default 3). */
    public Builder maxAttempts(int n) {
      if (n < 1 || n > 10) {
        throw new IllegalArgumentException("maxAttempts must be 1 to 10, got " + n + ".");
      }
      this.maxAttempts = n;
      return this;
    }

    /** Wait before the second attempt, doubling after (default 200 ms; 1 ms to 10 s). */
    public Builder backoff(Duration d) {
      this.backoff = check("backoff", d, Duration.ofSeconds(10));
      return this;
    }

    /** How long a "no such trace" answer is remembered (default 5 min; 1 ms to 1 day). */
    public Builder negativeTtl(Duration d) {
      this.negativeTtl = check("negativeTtl", d, Duration.ofDays(1));
      return this;
    }

    /** Most negative answers remembered (default 10000; 1 to 1000000). */
    public Builder cacheSize(int n) {
      if (n < 1 || n > 1_000_000) {
        throw new IllegalArgumentException("cacheSize must be 1 to 1000000, got " + n + ".");
      }
      this.cacheSize = n;
      return this;
    }

    /** Where {@value #METER} is counted. */
    public Builder meters(MeterRegistry meters) {
      this.meters = Objects.requireNonNull(meters, "meters == null");
      return this;
    }

    private static Duration check(String name, Duration d, Duration max) {
      Objects.requireNonNull(d, name + " == null");
      if (d.compareTo(Duration.ofMillis(1)) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " must be 1 ms to " + max + ", got " + d + ".");
      }
      return d;
    }

    /** The lookup. */
    public HttpClearingLookup build() {
      return new HttpClearingLookup(this);
    }
  }

  @Override
  public Optional<ClearingRecord> find(DurableTrace trace) {
    Objects.requireNonNull(trace, "trace == null");
    Optional<ClearingRecord> local = records.find(trace);
    if (local.isPresent()) {
      count("local");
      return local;
    }
    String key = "t:" + trace.value();
    if (negativelyCached(key)) {
      count("cached_negative");
      return Optional.empty();
    }
    InstitutionCode acquirer = trace.settleKey().acquirer();
    Optional<URI> url = acquirers.find(acquirer).flatMap(Acquirer::callbackUrl);
    if (url.isEmpty()) {
      count("no_callback");
      remember(key);
      return Optional.empty();
    }
    Trace query = trace.toProto();
    Optional<ClearingRecord> found =
        ask(acquirer, url.get(), query, r -> r.trace().equals(trace)).stream().findFirst();
    if (found.isEmpty()) {
      count("not_found");
      remember(key);
      return Optional.empty();
    }
    count("found");
    return Optional.of(records.insertPulled(found.get()));
  }

  /**
   * The store's records with {@code rrn} on {@code date} of {@code acquirer}; when there are none,
   * asks the acquirer with a {@code Trace} carrying only the institution, RRN and settlement date.
   */
  @Override
  public List<ClearingRecord> findByRrn(InstitutionCode acquirer, Rrn rrn, SettlementDate date) {
    Objects.requireNonNull(acquirer, "acquirer == null");
    Objects.requireNonNull(rrn, "rrn == null");
    Objects.requireNonNull(date, "date == null");
    List<ClearingRecord> local =
        records.findByRrn(rrn, date).stream().filter(r -> r.acquirer().equals(acquirer)).toList();
    if (!local.isEmpty()) {
      count("local");
      return local;
    }
    String key = "r:" + acquirer.value() + ":" + rrn.value() + ":" + date.value();
    if (negativelyCached(key)) {
      count("cached_negative");
      return List.of();
    }
    Optional<URI> url = acquirers.find(acquirer).flatMap(Acquirer::callbackUrl);
    if (url.isEmpty()) {
      count("no_callback");
      remember(key);
      return List.of();
    }
    Trace query =
        Trace.newBuilder()
            .setAcquirerInstitution(acquirer.value())
            .setRrn(rrn.value())
            .setSettlementDate(date.value())
            .build();
    List<ClearingRecord> answer =
        ask(
            acquirer,
            url.get(),
            query,
            r -> r.rrn().equals(Optional.of(rrn)) && r.trace().settlementDate().equals(date));
    if (answer.isEmpty()) {
      count("not_found");
      remember(key);
      return List.of();
    }
    count("found");
    List<ClearingRecord> stored = new ArrayList<>();
    for (ClearingRecord r : answer) {
      stored.add(records.insertPulled(r));
    }
    return stored;
  }

  /** The acquirer's answer: one record, or none for a 404. */
  private List<ClearingRecord> ask(
      InstitutionCode acquirer, URI url, Trace query, Predicate<ClearingRecord> answersQuery) {
    byte[] body = query.toByteArray();
    String problem = "no attempt made";
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) {
        sleep(backoff.multipliedBy(1L << (attempt - 2)));
      }
      List<byte[]> keys = acquirers.activeKeys(acquirer, clock.instant());
      if (keys.isEmpty()) {
        problem = "the acquirer has no active secret to sign with";
        break;
      }
      long ts = clock.instant().getEpochSecond();
      String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
      HttpRequest request =
          HttpRequest.newBuilder(url)
              .timeout(requestTimeout)
              .header("Content-Type", BatchParser.PROTOBUF)
              .header("Accept", BatchParser.PROTOBUF)
              .header(HookSignature.ACQUIRER, acquirer.value())
              .header(HookSignature.TIMESTAMP, Long.toString(ts))
              .header(
                  HookSignature.SIGNATURE,
                  HookSignature.signWithKey(keys.get(keys.size() - 1), ts, "POST", path, body))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      try {
        HttpResponse<byte[]> response =
            client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 404) {
          return List.of();
        }
        if (response.statusCode() != 200) {
          problem = "status " + response.statusCode();
          continue;
        }
        dev.fangxin.protocol.v1.ClearingRecord p =
            dev.fangxin.protocol.v1.ClearingRecord.parseFrom(response.body());
        List<FieldError> errors = new ArrayList<>();
        Optional<ClearingRecord> r = ClearingRecord.fromProto(p, 0, errors);
        if (r.isEmpty()) {
          problem = "an invalid record: " + errors;
          continue;
        }
        if (!r.get().acquirer().equals(acquirer)) {
          problem = "a record of another acquirer";
          continue;
        }
        if (!answersQuery.test(r.get())) {
          problem = "a record of another payment than the one asked about";
          continue;
        }
        return List.of(r.get());
      } catch (InvalidProtocolBufferException e) {
        problem = "a body that is not a ClearingRecord";
      } catch (IOException e) {
        problem =
            e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        problem = "interrupted";
        break;
      }
    }
    count("failed");
    LOG.log(
        Level.WARNING,
        "clearing lookup failed acquirer={0} attempts={1} problem={2}",
        new Object[] {acquirer.value(), maxAttempts, problem});
    throw new ClearingException(
        ClearingException.Reason.LOOKUP_FAILED,
        "Acquirer "
            + acquirer.value()
            + " could not be asked about the trace ("
            + problem
            + "); retry later.");
  }

  private boolean negativelyCached(String key) {
    Instant until = negative.get(key);
    if (until == null) {
      return false;
    }
    if (!clock.instant().isBefore(until)) {
      negative.remove(key, until);
      return false;
    }
    return true;
  }

  private void remember(String key) {
    Instant now = clock.instant();
    if (negative.size() >= cacheSize) {
      negative.values().removeIf(until -> !now.isBefore(until));
      if (negative.size() >= cacheSize) {
        negative.clear();
      }
    }
    negative.put(key, now.plus(negativeTtl));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void count(String outcome) {
    meters.counter(METER, "outcome", outcome).increment();
  }
}
