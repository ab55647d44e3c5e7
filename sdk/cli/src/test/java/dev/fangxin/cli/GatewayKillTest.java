package dev.fangxin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.gateway.testing.GatewayApi;
import dev.fangxin.gateway.testing.MockMerchant;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: "kill -9 of a gateway while complaints are being posted: after restart, every
 * complaint that got a 201 exists and is delivered."
 *
 * <p>A {@code fangxin gateway} child JVM on its embedded default store (an H2 file database under
 * {@code --data-dir}) takes complaints from four threads and delivers them to two merchants' {@link
 * MockMerchant}s; once 150 complaints have been answered 201 it is killed with SIGKILL ({@link
 * Process#destroyForcibly()}) while requests and deliveries are in flight. A new process on the
 * same data directory must then show every case that was answered 201 and deliver every one of
 * them. Complaints whose answer never arrived may or may not exist.
 */
class GatewayKillTest {
  static final int SHOPS = 2;
  static final int KILL_AFTER = 100;
  static final int TOKENS = 3000;

  /**
   * Rows the killed process had claimed stay leased to it (connect 5 s + request timeout 10 s + 30
   * s by default), so the restarted process may deliver them only after that.
   */
  static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path dir;

  @Test
  void everyComplaintAnswered201SurvivesSigkillAndIsDelivered() throws Exception {
    Path data = dir.resolve("data");
    Path logs = dir.resolve("logs");
    List<String> flags =
        List.of("--port", "0", "--data-dir", data.toString(), "--delivery-backoff-base", "200ms");
    List<MockMerchant> mocks = new ArrayList<>();
    GatewayProcess first = null;
    GatewayProcess second = null;
    try {
      first = GatewayProcess.start("gw-first", logs, flags, Map.of());
      String operatorKey =
          Files.readString(data.resolve("operator.key"), StandardCharsets.US_ASCII).strip();
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      GatewayApi api = GatewayApi.at(first.base(), http);
      Instant now = Instant.now();
      List<GatewayApi.Shop> shops = new ArrayList<>();
      for (int i = 0; i < SHOPS; i++) {
        MockMerchant mock = MockMerchant.builder().trust(WebhookSecret.generate()).start();
        mocks.add(mock);
        GatewayApi.Shop shop =
            api.onboard(
                operatorKey,
                "X-KILL-" + i,
                "KILL000" + i,
                now.minus(Duration.ofDays(1)),
                mock.url());
        mock.trustSecrets(shop.secret());
        shops.add(shop);
      }
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < TOKENS; i++) {
        tokens.add(shops.get(i % SHOPS).token(now.minusSeconds(60), 100 + i));
      }

      Map<String, Integer> answered201 = new ConcurrentHashMap<>(); // case ID -> shop
      AtomicInteger noAnswer = new AtomicInteger();
      AtomicInteger otherStatus = new AtomicInteger();
      AtomicInteger next = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService posters = Executors.newFixedThreadPool(4);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(
            posters.submit(
                () -> {
                  for (int i = next.getAndIncrement();
                      i < TOKENS && !stop.get();
                      i = next.getAndIncrement()) {
                    try {
                      GatewayApi.Response r = api.fileComplaint(tokens.get(i), "complaint " + i);
                      if (r.status() == 201) {
                        answered201.put(r.get("case_id"), i % SHOPS);
                      } else {
                        otherStatus.incrementAndGet();
                      }
                    } catch (IOException e) {
                      noAnswer.incrementAndGet(); // the process died under this request
                    }
                  }
                  return null;
                }));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (answered201.size() < KILL_AFTER && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(answered201.size()).as("201s before the kill").isGreaterThanOrEqualTo(KILL_AFTER);
      int processedBeforeKill = processed(mocks);
      first.kill();
      // Let the posters see the dead process, then stop them.
      Thread.sleep(300);
      stop.set(true);
      for (Future<?> f : done) {
        f.get(1, TimeUnit.MINUTES);
      }
      posters.shutdown();
      assertThat(otherStatus.get()).isZero();
      Map<String, Integer> recorded = Map.copyOf(answered201);

      long t0 = System.nanoTime();
      second = GatewayProcess.start("gw-second", logs, flags, Map.of());
      assertThat(second.output()).doesNotContain("operator API key was written");
      GatewayApi again = GatewayApi.at(second.base(), http);
      // Every 201 exists after the restart.
      List<String> lost = new ArrayList<>();
      for (Map.Entry<String, Integer> c : recorded.entrySet()) {
        if (again.caseAsMerchant(shops.get(c.getValue()), c.getKey()).isEmpty()) {
          lost.add(c.getKey());
        }
      }
      assertThat(lost)
          .as("of %s cases answered 201 before the kill, these are gone", recorded.size())
          .isEmpty();
      // ... and is delivered: its merchant processed its case.created, and the case says so.
      Set<String> waiting = new HashSet<>(recorded.keySet());
      long until = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
      while (!waiting.isEmpty() && System.nanoTime() < until) {
        Map<String, Integer> createdAt = createdCases(mocks);
        for (String caseId : List.copyOf(waiting)) {
          Integer shop = recorded.get(caseId);
          if (shop.equals(createdAt.get(caseId))
              && again
                  .caseAsMerchant(shops.get(shop), caseId)
                  .map(v -> v.get("state").getAsString().equals("delivered"))
                  .orElse(false)) {
            waiting.remove(caseId);
          }
        }
        if (!waiting.isEmpty()) {
          Thread.sleep(250);
        }
      }
      Duration recovery = Duration.ofNanos(System.nanoTime() - t0);
      Map<String, Integer> createdAt = createdCases(mocks);
      List<String> why = new ArrayList<>();
      for (String caseId : waiting) {
        why.add(
            caseId
                + (createdAt.containsKey(caseId)
                    ? " processed by its merchant"
                    : " never processed")
                + ", state "
                + again
                    .caseAsMerchant(shops.get(recorded.get(caseId)), caseId)
                    .map(v -> v.get("state").getAsString())
                    .orElse("(missing)"));
      }
      assertThat(why)
          .as(
              "cases answered 201 but not delivered %s after the restart; log: %s",
              recovery, second.errors())
          .isEmpty();
      int duplicates = mocks.stream().mapToInt(MockMerchant::duplicates).sum();
      for (MockMerchant m : mocks) {
        for (MockMerchant.Received r : m.received()) {
          assertThat(r.verificationError()).as("%s", r).isEmpty();
        }
      }
      long repaired =
          second
              .errors()
              .lines()
              .filter(l -> l.contains("delivered earlier; recorded now"))
              .count();
      System.out.printf(
          "kill -9: %d answered 201 before SIGKILL (%d requests failed without an answer, in"
              + " flight at the kill or sent after it; %d webhooks processed by the merchants"
              + " before the kill); after restart all %d exist and were delivered within %s;"
              + " %d cases delivered in all, %d duplicates on the wire, %d deliveries the killed"
              + " process had not applied to their case, applied after the restart%n",
          recorded.size(),
          noAnswer.get(),
          processedBeforeKill,
          recorded.size(),
          GatewayProcess.seconds(recovery),
          createdCases(mocks).size(),
          duplicates,
          repaired);
      assertThat(second.stop()).as("exit; %s", second.errors()).isZero();
    } finally {
      if (first != null) {
        first.close();
      }
      if (second != null) {
        second.close();
      }
      mocks.forEach(MockMerchant::close);
    }
  }

  private static int processed(List<MockMerchant> mocks) {
    return mocks.stream().mapToInt(m -> m.processedIds().size()).sum();
  }

  /** Case ID -> index of the mock that processed its case.created. */
  private static Map<String, Integer> createdCases(List<MockMerchant> mocks) {
    Map<String, Integer> out = new HashMap<>();
    for (int i = 0; i < mocks.size(); i++) {
      for (MockMerchant.Received r : mocks.get(i).received()) {
        if (r.verified() && !r.duplicate()) {
          JsonObject body = JsonParser.parseString(r.bodyUtf8()).getAsJsonObject();
          if (body.get("type").getAsString().equals("case.created")) {
            out.put(body.getAsJsonObject("data").get("case_id").getAsString(), i);
          }
        }
      }
    }
    return out;
  }
}
