package dev.fangxin.cli;

import com.sun.net.httpserver.HttpServer;
import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.merchant.webhook.WebhookEvent;
import dev.fangxin.merchant.webhook.WebhookReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A merchant's webhook receiver for the quickstart: a loopback HTTP server on {@code
 * 127.0.0.1:<free port>/fangxin} that hands every delivery to the merchant kit's {@link
 * WebhookReceiver} (signature, timestamp and de-duplication checks) and keeps the events it
 * processed, plus every refusal, so the quickstart can show that a webhook really arrived and
 * verified.
 *
 * <p>The server starts before the endpoint is registered (the gateway needs its URL) and refuses
 * every delivery with 503 until {@link #trust} gives it the endpoint's secret. Thread-safe: the
 * server's threads record, any thread waits and reads.
 */
final class LoopbackMerchant implements AutoCloseable {
  private final String name;
  private final HttpServer server;
  private final ExecutorService threads;
  private final AtomicReference<WebhookReceiver> receiver = new AtomicReference<>();
  private final List<WebhookEvent> events = new ArrayList<>();
  private final List<String> refusals = new ArrayList<>();

  private LoopbackMerchant(String name, HttpServer server, ExecutorService threads) {
    this.name = name;
    this.server = server;
    this.threads = threads;
  }

  /** Starts a receiver named {@code name} (for messages) on a free loopback port. */
  static LoopbackMerchant start(String name) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    LoopbackMerchant m = new LoopbackMerchant(name, server, threads);
    server.setExecutor(threads);
    server.createContext(
        "/fangxin",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          WebhookReceiver r = m.receiver.get();
          int status;
          if (r == null) {
            m.refuse("a delivery arrived before the receiver knew its secret");
            status = 503;
          } else {
            WebhookReceiver.Receipt receipt =
                r.receive(exchange.getRequestHeaders(), body, m::record);
            receipt.problem().ifPresent(m::refuse);
            status = receipt.status();
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
    return m;
  }

  /** Verifies deliveries from now on with {@code secret} (the endpoint's {@code whsec_} secret). */
  void trust(WebhookSecret secret) {
    receiver.set(WebhookReceiver.builder().addSecret(Objects.requireNonNull(secret)).build());
  }

  /** The URL to register as the merchant's endpoint. */
  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/fangxin");
  }

  /** The receiver's name, as given to {@link #start}. */
  String name() {
    return name;
  }

  private synchronized void record(WebhookEvent event) {
    events.add(event);
    notifyAll();
  }

  private synchronized void refuse(String problem) {
    refusals.add(problem);
  }

  /**
   * Waits up to {@code timeout} for a verified event of {@code type} about case {@code caseId};
   * returns it, or empty when none came in time.
   */
  synchronized Optional<WebhookEvent> await(String type, String caseId, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<WebhookEvent> found = find(type, caseId);
      long left = deadline - System.nanoTime();
      if (found.isPresent() || left <= 0) {
        return found;
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** The verified event of {@code type} about {@code caseId} received so far, if any. */
  synchronized Optional<WebhookEvent> find(String type, String caseId) {
    return events.stream()
        .filter(e -> e.type().equals(type) && e.caseId().map(caseId::equals).orElse(false))
        .findFirst();
  }

  /** Every verified event received so far, in arrival order. */
  synchronized List<WebhookEvent> events() {
    return List.copyOf(events);
  }

  /** Why deliveries were refused so far (bad signature, unknown secret, …). */
  synchronized List<String> refusals() {
    return List.copyOf(refusals);
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
