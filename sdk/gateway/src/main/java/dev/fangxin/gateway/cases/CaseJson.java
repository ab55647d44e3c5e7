package dev.fangxin.gateway.cases;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * The JSON forms of cases: the view the case API answers with, and the Standard Webhooks event
 * bodies the outbox carries. Text is JSON-escaped by Gson and never interpreted. Stateless and
 * thread-safe.
 *
 * <p>The view (also the regulator's "whole record"):
 *
 * <pre>{@code
 * {"case_id": "case_…", "merchant_id": "…", "state": "answered",
 *  "created_at": "2026-01-01T00:00:00Z", "updated_at": "…", "deadline_at": "…", "tool_id": "…",
 *  "receipt": {see ReceiptSummary#toJson},
 *  "complaint": {see ComplaintDetails#toJson},
 *  "response": {"kind": "refund", "message": "…", "amount": {"value": "12.50", "currency": "CNY",
 *               "minor_units": 1250}},
 *  "transitions": [{"at": "…", "actor": "merchant:…", "from": "delivered", "to": "answered",
 *                   "reason": "…"}]}
 * }</pre>
 *
 * <p>{@code response} is absent before the merchant answers; its {@code message} and {@code amount}
 * are absent when not given.
 */
public final class CaseJson {
  private CaseJson() {}

  /** The case as the case API and the regulator see it. */
  public static JsonObject view(StoredCase c) {
    Objects.requireNonNull(c, "c == null");
    CaseRecord r = c.record();
    JsonObject o = new JsonObject();
    o.addProperty("case_id", r.id());
    o.addProperty("merchant_id", r.merchantId());
    o.addProperty("state", CaseCodes.state(r.state()));
    o.addProperty("created_at", r.createdAt().toString());
    o.addProperty("updated_at", r.updatedAt().toString());
    o.addProperty("deadline_at", r.merchantDeadline().toString());
    o.addProperty("tool_id", c.toolId());
    o.add("receipt", c.receipt().toJson());
    o.add("complaint", c.complaint().toJson());
    if (r.lastResponseKind().isPresent()) {
      JsonObject response = new JsonObject();
      response.addProperty("kind", CaseCodes.kind(r.lastResponseKind().get()));
      r.lastResponseMessage().ifPresent(m -> response.addProperty("message", m));
      c.responseAmount().ifPresent(a -> response.add("amount", ReceiptSummary.moneyJson(a)));
      o.add("response", response);
    }
    JsonArray transitions = new JsonArray();
    for (Transition t : r.transitions()) {
      transitions.add(transition(t));
    }
    o.add("transitions", transitions);
    return o;
  }

  /** {@code {"at", "actor", "from", "to", "reason"}}. */
  public static JsonObject transition(Transition t) {
    JsonObject o = new JsonObject();
    o.addProperty("at", t.at().toString());
    o.addProperty("actor", CaseStore.actorCode(t.actor()));
    o.addProperty("from", CaseCodes.state(t.from()));
    o.addProperty("to", CaseCodes.state(t.to()));
    o.addProperty("reason", t.reason());
    return o;
  }

  /** A webhook body: {@code {"type": type, "timestamp": RFC 3339 UTC, "data": data}}, UTF-8. */
  public static byte[] event(String type, Instant timestamp, JsonObject data) {
    JsonObject o = new JsonObject();
    o.addProperty("type", Objects.requireNonNull(type, "type == null"));
    o.addProperty("timestamp", Objects.requireNonNull(timestamp, "timestamp == null").toString());
    o.add("data", Objects.requireNonNull(data, "data == null"));
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The data of {@code case.created}: the view without transitions (there are none yet). */
  static JsonObject created(StoredCase c) {
    JsonObject o = view(c);
    o.remove("transitions");
    return o;
  }

  /**
   * The data of {@code case.updated} and of the merchant's {@code case.escalated}: {@code case_id},
   * {@code merchant_id}, {@code state}, {@code updated_at} and the {@code transition} that
   * happened.
   */
  static JsonObject change(StoredCase c, Transition t) {
    JsonObject o = new JsonObject();
    o.addProperty("case_id", c.id());
    o.addProperty("merchant_id", c.merchantId());
    o.addProperty("state", CaseCodes.state(c.record().state()));
    o.addProperty("updated_at", c.record().updatedAt().toString());
    o.add("transition", transition(t));
    return o;
  }

  /** The data of the regulator's {@code case.escalated}: the whole view plus the escalation. */
  static JsonObject escalationRecord(StoredCase c, Transition t) {
    JsonObject o = view(c);
    o.add("escalation", transition(t));
    return o;
  }
}
