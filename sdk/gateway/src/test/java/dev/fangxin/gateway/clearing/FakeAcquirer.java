package dev.fangxin.gateway.clearing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A scripted acquirer callback on loopback: answers each request with the next scripted reply
 * (status, body, delay before answering), 404 when the script is empty, and records every request.
 */
final class FakeAcquirer implements AutoCloseable {
  /** A scripted answer. */
  record Answer(int status, byte[] body, long delayMillis) {}

  /** A received request. */
  record Received(Map<String, List<String>> headers, byte[] body, String path) {
    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  private final HttpServer server;
  private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
  final List<Received> received = new CopyOnWriteArrayList<>();

  FakeAcquirer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          received.add(
              new Received(
                  Map.copyOf(exchange.getRequestHeaders()),
                  body,
                  exchange.getRequestURI().getPath()));
          Answer a = script.poll();
          if (a == null) {
            a = new Answer(404, new byte[0], 0);
          }
          try {
            if (a.delayMillis() > 0) {
              Thread.sleep(a.delayMillis());
            }
            exchange.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
            if (a.body().length > 0) {
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(a.body());
              }
            }
          } catch (InterruptedException | IOException e) {
            // the client gave up
          } finally {
            exchange.close();
          }
        });
    server.start();
  }

  void enqueue(Answer... answers) {
    script.addAll(List.of(answers));
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/clearing/lookup");
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
