package dev.fangxin.gateway.clearing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fangxin.protocol.v1.ClearingBatch;
import dev.fangxin.protocol.v1.ClearingRecord;
import dev.fangxin.protocol.v1.Money;
import dev.fangxin.protocol.v1.ToolType;
import dev.fangxin.protocol.v1.Trace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** Builders of clearing records and batches, and a small HTTP helper, shared by the tests. */
final class ClearingFixtures {
  static final String ACQ = "48020000";
  static final String FWD = "00010344";
  static final String MID = "898330160110021";
  static final String TID = "A1B2C3D4";

  private ClearingFixtures() {}

  /** A trace of acquirer {@code acq}, STAN {@code stan}, settled 2026-01-01. */
  static Trace.Builder trace(String acq, int stan) {
    return Trace.newBuilder()
        .setAcquirerInstitution(acq)
        .setForwardingInstitution(FWD)
        .setStan(String.format("%06d", stan))
        .setTransmissionTime("0101083000")
        .setSettlementDate("0101")
        .setSettlementYear(2026)
        .setRrn(String.format("60010000%04d", stan % 10000));
  }

  /** A valid POS record of {@link #ACQ}, MID and TID, 12.50 CNY, at {@code epoch}. */
  static ClearingRecord.Builder record(int stan, long epoch) {
    return ClearingRecord.newBuilder()
        .setTrace(trace(ACQ, stan))
        .setMerchantNumber(MID)
        .setTerminalId(TID)
        .setAmount(Money.newBuilder().setMinorUnits(1250).setCurrency(156))
        .setTransactionTime(epoch)
        .setToolType(ToolType.TOOL_TYPE_POS_TERMINAL)
        .setMaskedPan("622202******1234")
        .setMessageType("0200")
        .setProcessingCode("000000")
        .setMcc("5812");
  }

  static ClearingBatch batch(String id, ClearingRecord.Builder... records) {
    ClearingBatch.Builder b = ClearingBatch.newBuilder().setBatchId(id).setAcquirerInstitution(ACQ);
    for (ClearingRecord.Builder r : records) {
      b.addRecords(r);
    }
    return b.build();
  }

  /** A response: status, body parsed as JSON (null if empty), headers. */
  static final class Reply {
    final int status;
    final JsonObject json;
    final HttpResponse<String> raw;

    Reply(HttpResponse<String> raw) {
      this.raw = raw;
      this.status = raw.statusCode();
      this.json =
          raw.body().isEmpty() ? null : JsonParser.parseString(raw.body()).getAsJsonObject();
    }

    String code() {
      return json.get("type").getAsString().substring("https://fangxin.dev/problems/".length());
    }

    @Override
    public String toString() {
      return status + " " + raw.body();
    }
  }

  static Reply send(
      HttpClient client,
      URI base,
      String method,
      String path,
      Optional<String> type,
      byte[] body,
      String... headers)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    type.ifPresent(t -> r.header("Content-Type", t));
    for (int i = 0; i < headers.length; i += 2) {
      r.header(headers[i], headers[i + 1]);
    }
    return new Reply(
        client.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
  }
}
