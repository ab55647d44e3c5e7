package dev.fangxin.gateway.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One delivery attempt of an outbox row, as stored in {@code delivery_attempts}: where it went,
 * when, how long it took, and the HTTP status or the error that ended it. Immutable and safe to
 * share. Times are whole UTC seconds once stored; durations whole milliseconds.
 */
public final class OutboxAttempt {
  /** Longest URL stored, in characters. */
  public static final int MAX_URL = 2048;

  /** Longest error text stored, in characters; longer texts are cut with an ellipsis. */
  public static final int MAX_ERROR = 500;

  private final String url;
  private final Instant at;
  private final Duration duration;
  private final Integer status;
  private final String error;

  private OutboxAttempt(String url, Instant at, Duration duration, Integer status, String error) {
    this.url = url;
    this.at = at;
    this.duration = duration;
    this.status = status;
    this.error = error;
  }

  /**
   * An attempt that got an HTTP response with {@code status}.
   *
   * @param url where it was sent (or a description such as {@code "regulator:unconfigured"} when
   *     nothing could be sent), 1 to {@value #MAX_URL} characters
   * @param error why the response counts as a failure, or {@code null}; cut to {@value #MAX_ERROR}
   *     characters
   * @throws IllegalArgumentException if the URL is empty or too long, the duration negative, or the
   *     status outside [100, 599]
   */
  public static OutboxAttempt response(
      String url, Instant at, Duration duration, int status, String error) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be in [100, 599], was " + status);
    }
    return create(url, at, duration, status, error);
  }

  /**
   * An attempt that got no HTTP response: the connection failed, was reset or timed out, or the
   * attempt was not sent at all (no endpoint, circuit open). {@code error} says which.
   *
   * @throws IllegalArgumentException if the URL is empty or too long, the duration negative or the
   *     error blank
   */
  public static OutboxAttempt noResponse(String url, Instant at, Duration duration, String error) {
    Objects.requireNonNull(error, "error == null");
    if (error.isBlank()) {
      throw new IllegalArgumentException("error must say why there was no response");
    }
    return create(url, at, duration, null, error);
  }

  private static OutboxAttempt create(
      String url, Instant at, Duration duration, Integer status, String error) {
    Objects.requireNonNull(url, "url == null");
    Objects.requireNonNull(at, "at == null");
    Objects.requireNonNull(duration, "duration == null");
    if (url.isEmpty() || url.length() > MAX_URL) {
      throw new IllegalArgumentException(
          "url must be 1 to " + MAX_URL + " characters, was " + url.length());
    }
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, was " + duration);
    }
    String cut = error;
    if (cut != null && cut.length() > MAX_ERROR) {
      cut = cut.substring(0, MAX_ERROR - 1) + "…";
    }
    return new OutboxAttempt(url, at, duration, status, cut);
  }

  /** Where the attempt went. */
  public String url() {
    return url;
  }

  /** When the attempt started. */
  public Instant at() {
    return at;
  }

  /** How long it took, up to the response or the error. */
  public Duration duration() {
    return duration;
  }

  /** The HTTP status, if a response arrived. */
  public OptionalInt status() {
    return status == null ? OptionalInt.empty() : OptionalInt.of(status);
  }

  /** Why the attempt failed, if it did and a reason is known. */
  public Optional<String> error() {
    return Optional.ofNullable(error);
  }

  /** Whether a 2xx response arrived. */
  public boolean succeeded() {
    return status != null && status >= 200 && status < 300;
  }

  @Override
  public String toString() {
    return "OutboxAttempt{"
        + url
        + " at "
        + at
        + ", "
        + duration.toMillis()
        + " ms, "
        + (status == null ? "no response" : "status " + status)
        + (error == null ? "" : ", " + error)
        + "}";
  }
}
