package dev.fangxin.gateway.http;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable settings for a {@link GatewayHttpServer}. Build with {@link #builder()}; every value
 * has a documented default, and {@link Builder#build()} rejects out-of-range values with an {@link
 * HttpException} of reason {@link HttpException.Reason#INVALID_CONFIG}. Instances are thread-safe.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><td>host</td><td>{@code 127.0.0.1}</td></tr>
 *   <tr><td>port</td><td>{@code 8080} ({@code 0} = an ephemeral port)</td></tr>
 *   <tr><td>maxInitialLineLength</td><td>4096 bytes</td></tr>
 *   <tr><td>maxHeaderSize</td><td>8192 bytes (all header lines together)</td></tr>
 *   <tr><td>maxBodySize</td><td>65536 bytes</td></tr>
 *   <tr><td>idleTimeout</td><td>60 s without traffic on a connection with no request in
 *       flight</td></tr>
 *   <tr><td>readTimeout</td><td>10 s for a request to arrive completely once its first byte
 *       has</td></tr>
 *   <tr><td>workerThreads</td><td>4 threads for route handlers</td></tr>
 *   <tr><td>maxPendingRequests</td><td>256 requests queued for the workers</td></tr>
 *   <tr><td>shutdownTimeout</td><td>10 s for in-flight requests during {@code close()}</td></tr>
 *   <tr><td>tls</td><td>none: plain HTTP; see {@link TlsConfig}</td></tr>
 * </table>
 */
public final class HttpServerConfig {
  private final String host;
  private final int port;
  private final int maxInitialLineLength;
  private final int maxHeaderSize;
  private final int maxBodySize;
  private final Duration idleTimeout;
  private final Duration readTimeout;
  private final int workerThreads;
  private final int maxPendingRequests;
  private final Duration shutdownTimeout;
  private final TlsConfig tls;

  private HttpServerConfig(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.maxInitialLineLength = b.maxInitialLineLength;
    this.maxHeaderSize = b.maxHeaderSize;
    this.maxBodySize = b.maxBodySize;
    this.idleTimeout = b.idleTimeout;
    this.readTimeout = b.readTimeout;
    this.workerThreads = b.workerThreads;
    this.maxPendingRequests = b.maxPendingRequests;
    this.shutdownTimeout = b.shutdownTimeout;
    this.tls = b.tls;
  }

  /** A builder holding the defaults listed on this class. */
  public static Builder builder() {
    return new Builder();
  }

  /** The configuration with every default. */
  public static HttpServerConfig defaults() {
    return builder().build();
  }

  /** The address to bind. */
  public String host() {
    return host;
  }

  /** The port to bind; {@code 0} asks the OS for an ephemeral port. */
  public int port() {
    return port;
  }

  /** The longest request line accepted, in bytes; longer lines are answered with 414. */
  public int maxInitialLineLength() {
    return maxInitialLineLength;
  }

  /** The largest header block accepted, in bytes; larger blocks are answered with 431. */
  public int maxHeaderSize() {
    return maxHeaderSize;
  }

  /** The largest request body accepted, in bytes; larger bodies are answered with 413. */
  public int maxBodySize() {
    return maxBodySize;
  }

  /** How long a connection with no request in flight may stay silent before it is closed. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** How long a request may take to arrive once its first byte has; then 408 and close. */
  public Duration readTimeout() {
    return readTimeout;
  }

  /** The number of threads running route handlers (never the event loop). */
  public int workerThreads() {
    return workerThreads;
  }

  /** How many requests may wait for a worker; beyond that the server answers 503. */
  public int maxPendingRequests() {
    return maxPendingRequests;
  }

  /** How long {@code close()} waits for in-flight requests before closing connections. */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /** TLS settings when the server speaks HTTPS; empty for plain HTTP (the default). */
  public Optional<TlsConfig> tls() {
    return Optional.ofNullable(tls);
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.maxInitialLineLength = maxInitialLineLength;
    b.maxHeaderSize = maxHeaderSize;
    b.maxBodySize = maxBodySize;
    b.idleTimeout = idleTimeout;
    b.readTimeout = readTimeout;
    b.workerThreads = workerThreads;
    b.maxPendingRequests = maxPendingRequests;
    b.shutdownTimeout = shutdownTimeout;
    b.tls = tls;
    return b;
  }

  /** Collects settings for {@link HttpServerConfig}. Not thread-safe. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8080;
    private int maxInitialLineLength = 4096;
    private int maxHeaderSize = 8192;
    private int maxBodySize = 65536;
    private Duration idleTimeout = Duration.ofSeconds(60);
    private Duration readTimeout = Duration.ofSeconds(10);
    private int workerThreads = 4;
    private int maxPendingRequests = 256;
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private TlsConfig tls;

    private Builder() {}

    /**
     * Serves HTTPS with {@code tls}, or plain HTTP when {@code null} (the default). The TLS
     * handshake must complete within the read timeout.
     */
    public Builder tls(TlsConfig tls) {
      this.tls = tls;
      return this;
    }

    /** Sets the bind address (default {@code 127.0.0.1}). */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** Sets the port, 0..65535 (default 8080; 0 = ephemeral). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Sets the longest request line, 256..65536 bytes (default 4096). */
    public Builder maxInitialLineLength(int bytes) {
      this.maxInitialLineLength = bytes;
      return this;
    }

    /** Sets the largest header block, 1024..1048576 bytes (default 8192). */
    public Builder maxHeaderSize(int bytes) {
      this.maxHeaderSize = bytes;
      return this;
    }

    /** Sets the largest body, 0..67108864 bytes (default 65536). */
    public Builder maxBodySize(int bytes) {
      this.maxBodySize = bytes;
      return this;
    }

    /** Sets the idle timeout, positive (default 60 s). */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = timeout;
      return this;
    }

    /** Sets the read timeout, positive (default 10 s). */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = timeout;
      return this;
    }

    /** Sets the worker thread count, 1..1024 (default 4). */
    public Builder workerThreads(int threads) {
      this.workerThreads = threads;
      return this;
    }

    /** Sets the worker queue bound, 1..1000000 (default 256). */
    public Builder maxPendingRequests(int requests) {
      this.maxPendingRequests = requests;
      return this;
    }

    /** Sets the graceful shutdown timeout, zero or positive (default 10 s). */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = timeout;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws HttpException with reason {@link HttpException.Reason#INVALID_CONFIG} naming the
     *     first bad value and the accepted range
     */
    public HttpServerConfig build() {
      if (host == null || host.isBlank()) {
        throw invalid("host must be a non-blank address, got " + (host == null ? "null" : "\"\""));
      }
      range("port", port, 0, 65535);
      range("maxInitialLineLength", maxInitialLineLength, 256, 65536);
      range("maxHeaderSize", maxHeaderSize, 1024, 1 << 20);
      range("maxBodySize", maxBodySize, 0, 64 << 20);
      range("workerThreads", workerThreads, 1, 1024);
      range("maxPendingRequests", maxPendingRequests, 1, 1_000_000);
      positive("idleTimeout", idleTimeout);
      positive("readTimeout", readTimeout);
      if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
        throw invalid("shutdownTimeout must be zero or positive, got " + shutdownTimeout);
      }
      return new HttpServerConfig(this);
    }

    private static void range(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw invalid(name + " must be in [" + min + ", " + max + "], got " + value);
      }
    }

    private static void positive(String name, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw invalid(name + " must be a positive duration, got " + value);
      }
    }

    private static HttpException invalid(String message) {
      return new HttpException(HttpException.Reason.INVALID_CONFIG, message + ".");
    }
  }

  @Override
  public String toString() {
    return "HttpServerConfig{host="
        + host
        + ", port="
        + port
        + ", maxHeaderSize="
        + maxHeaderSize
        + ", maxBodySize="
        + maxBodySize
        + ", readTimeout="
        + readTimeout
        + ", idleTimeout="
        + idleTimeout
        + ", workerThreads="
        + workerThreads
        + ", tls="
        + (tls == null ? "off" : tls)
        + "}";
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port, maxHeaderSize, maxBodySize);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof HttpServerConfig)) {
      return false;
    }
    HttpServerConfig c = (HttpServerConfig) o;
    return host.equals(c.host)
        && port == c.port
        && maxInitialLineLength == c.maxInitialLineLength
        && maxHeaderSize == c.maxHeaderSize
        && maxBodySize == c.maxBodySize
        && idleTimeout.equals(c.idleTimeout)
        && readTimeout.equals(c.readTimeout)
        && workerThreads == c.workerThreads
        && maxPendingRequests == c.maxPendingRequests
        && shutdownTimeout.equals(c.shutdownTimeout)
        && Objects.equals(tls, c.tls);
  }
}
