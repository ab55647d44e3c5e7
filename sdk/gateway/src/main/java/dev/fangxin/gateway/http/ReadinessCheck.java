package dev.fangxin.gateway.http;

/**
 * Decides whether {@code GET /readyz} answers 200 or 503. Called on a worker thread, so it may
 * block briefly (e.g. ping the store); must be thread-safe. A thrown exception counts as not ready.
 */
@FunctionalInterface
public interface ReadinessCheck {
  /** A check that is always ready. */
  ReadinessCheck ALWAYS = () -> true;

  /** Whether the gateway can serve traffic now. */
  boolean isReady() throws Exception;
}
