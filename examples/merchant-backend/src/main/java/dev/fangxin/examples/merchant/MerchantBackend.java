package dev.fangxin.examples.merchant;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpServer;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.webhook.WebhookSecret;
import dev.fangxin.merchant.client.Answer;
import dev.fangxin.merchant.client.CaseClient;
import dev.fangxin.merchant.client.CaseClientException;
import dev.fangxin.merchant.webhook.WebhookEvent;
import dev.fangxin.merchant.webhook.WebhookReceiver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A merchant backend in one file: it receives the gateway's webhooks on {@code /fangxin}, and for
 * each new complaint acknowledges it, then refunds small amounts at once and leaves the rest for a
 * person (printed to the console).
 *
 * <p>Configure with environment variables: {@code FANGXIN_GATEWAY} (the gateway's base URL), {@code
 * FANGXIN_API_KEY} (this merchant's API key), {@code FANGXIN_WEBHOOK_SECRET} (the {@code whsec_}
 * secret the gateway returned when the endpoint was registered), and optionally {@code PORT}
 * (default 9090) and {@code AUTO_REFUND_FEN} (default 5000, i.e. CNY 50.00).
 *
 * <p>Register {@code http://<this host>:<PORT>/fangxin} as the merchant's endpoint with {@code PUT
 * /v1/merchants/{id}/endpoint}.
 */
public final class MerchantBackend {
  private MerchantBackend() {}

  /** Runs until the process is stopped. */
  public static void main(String[] args) throws IOException {
    URI gateway = URI.create(require("FANGXIN_GATEWAY"));
    CaseClient cases = CaseClient.create(gateway, require("FANGXIN_API_KEY"));
    WebhookReceiver receiver =
        WebhookReceiver.builder()
            .addSecret(WebhookSecret.parse(require("FANGXIN_WEBHOOK_SECRET")))
            .build();
    long autoRefund = Long.parseLong(System.getenv().getOrDefault("AUTO_REFUND_FEN", "5000"));
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "9090"));

    // Answer the gateway quickly; act on the case on another thread.
    ExecutorService work = Executors.newSingleThreadExecutor();
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext(
        "/fangxin",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          WebhookReceiver.Receipt r =
              receiver.receive(
                  exchange.getRequestHeaders(),
                  body,
                  event -> work.submit(() -> handle(cases, event, autoRefund)));
          r.problem().ifPresent(p -> System.err.println("Refused a delivery: " + p));
          exchange.sendResponseHeaders(r.status(), -1);
          exchange.close();
        });
    server.start();
    System.out.println("Merchant backend listening on http://0.0.0.0:" + port + "/fangxin");
  }

  private static void handle(CaseClient cases, WebhookEvent event, long autoRefund) {
    System.out.println("Received " + event.type() + " " + event.caseId().orElse(""));
    if (!event.type().equals("case.created") || event.caseId().isEmpty()) {
      return;
    }
    String caseId = event.caseId().get();
    try {
      JsonObject view = cases.acknowledge(caseId, "Received; we are looking into it.");
      Money paid = paid(view);
      if (paid != null && paid.minorUnits() <= autoRefund) {
        cases.answer(
            caseId, Answer.refund(paid, "Sorry about that; we have refunded you in full."));
        System.out.println("Refunded " + paid + " on " + caseId);
      } else {
        System.out.println("Case " + caseId + " needs a person: " + view.get("complaint"));
      }
    } catch (CaseClientException e) {
      System.err.println("Could not answer " + caseId + ": " + e.getMessage());
    }
  }

  /**
   * The amount paid, from the case view's receipt ({@code {"value": "12.50", "currency": "CNY",
   * …}}).
   */
  private static Money paid(JsonObject view) {
    JsonObject receipt = view.getAsJsonObject("receipt");
    if (receipt == null || !receipt.has("amount")) {
      return null;
    }
    JsonObject amount = receipt.getAsJsonObject("amount");
    return Money.parse(
        amount.get("value").getAsString(),
        java.util.Currency.getInstance(amount.get("currency").getAsString()).getNumericCode());
  }

  private static String require(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      System.err.println("Set " + name + "; see the class comment.");
      System.exit(2);
    }
    return v;
  }
}
