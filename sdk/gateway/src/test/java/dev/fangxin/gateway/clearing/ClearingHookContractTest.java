package dev.fangxin.gateway.clearing;

import static dev.fangxin.gateway.clearing.ClearingFixtures.ACQ;
import static dev.fangxin.gateway.clearing.ClearingFixtures.batch;
import static dev.fangxin.gateway.clearing.ClearingFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.util.JsonFormat;
import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.Rrn;
import dev.fangxin.core.id.SettlementDate;
import dev.fangxin.core.id.VoucherNumber;
import dev.fangxin.gateway.auth.Guard;
import dev.fangxin.gateway.auth.Principal;
import dev.fangxin.gateway.clearing.ClearingFixtures.Reply;
import dev.fangxin.gateway.http.GatewayHttpServer;
import dev.fangxin.gateway.http.HttpServerConfig;
import dev.fangxin.gateway.http.Route;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import dev.fangxin.gateway.testing.SettableClock;
import dev.fangxin.protocol.v1.ClearingBatch;
import dev.fangxin.protocol.v1.ToolType;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The acquirer routes and the push hook over real loopback HTTP on a real store: signatures (good,
 * bad, stale, unknown acquirer, rotated), record-by-record validation with nothing applied,
 * idempotent and conflicting replays, foreign institutions, and the store's finders.
 */
abstract class ClearingHookContractTest {
  static final Instant T0 = Instant.ofEpochSecond(1_767_225_600L); // 2026-01-01T00:00:00Z
  static final String OPERATOR = "key-operator";
  static final String WALLET = "key-wallet";

  SettableClock clock;
  Store store;
  Acquirers acquirers;
  ClearingRecords records;
  GatewayHttpServer server;
  HttpClient client;
  URI base;

  abstract StoreConfig freshDatabase() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    clock = new SettableClock(T0);
    store = Store.open(freshDatabase());
    acquirers = Acquirers.on(store, clock);
    records = ClearingRecords.on(store, clock);
    Map<String, Principal> keys =
        Map.of(
            OPERATOR, Principal.operator("op"),
            WALLET, Principal.walletPartner("wallet"));
    Guard guard = Guard.of(k -> Optional.ofNullable(keys.get(k)));
    GatewayHttpServer.Builder b =
        GatewayHttpServer.builder(HttpServerConfig.builder().port(0).build());
    for (Route r :
        ClearingRoutes.routes(
            acquirers, records, HookSignature.verifier(acquirers, clock), guard)) {
      b.route(r);
    }
    server = b.build();
    server.start();
    base = URI.create("http://127.0.0.1:" + server.port());
    client = HttpClient.newHttpClient();
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  // ---------------------------------------------------------------- helpers

  Reply operator(String method, String path, String json) throws Exception {
    return ClearingFixtures.send(
        client,
        base,
        method,
        path,
        json == null ? Optional.empty() : Optional.of("application/json"),
        json == null ? null : json.getBytes(StandardCharsets.UTF_8),
        "Authorization",
        "Bearer " + OPERATOR);
  }

  /** Registers {@link ClearingFixtures#ACQ} over HTTP; returns its first secret. */
  String registerAcquirer() throws Exception {
    Reply r =
        operator(
            "POST", "/v1/acquirers", "{\"institution_code\": \"" + ACQ + "\", \"name\": \"Bank\"}");
    assertThat(r.status).as(r.toString()).isEqualTo(201);
    return r.json.get("secret").getAsString();
  }

  Reply push(String secret, String acquirer, long ts, String type, byte[] body) throws Exception {
    String sig = HookSignature.sign(secret, ts, "POST", "/v1/clearing/batches", body);
    return ClearingFixtures.send(
        client,
        base,
        "POST",
        "/v1/clearing/batches",
        Optional.of(type),
        body,
        HookSignature.ACQUIRER,
        acquirer,
        HookSignature.TIMESTAMP,
        Long.toString(ts),
        HookSignature.SIGNATURE,
        sig);
  }

  Reply pushProto(String secret, ClearingBatch batch) throws Exception {
    return push(
        secret, ACQ, clock.instant().getEpochSecond(), BatchParser.PROTOBUF, batch.toByteArray());
  }

  Reply pushJson(String secret, ClearingBatch batch) throws Exception {
    byte[] json = JsonFormat.printer().print(batch).getBytes(StandardCharsets.UTF_8);
    return push(secret, ACQ, clock.instant().getEpochSecond(), BatchParser.JSON, json);
  }

  long batchRows() {
    return store.inTransaction(
        tx -> {
          try (PreparedStatement s = tx.prepareStatement("SELECT COUNT(*) FROM clearing_batches");
              ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
          }
        });
  }

  static JsonObject error(Reply r, int i) {
    return r.json.getAsJsonArray("errors").get(i).getAsJsonObject();
  }

  // ---------------------------------------------------------------- acquirers

  @Test
  void operatorRegistersListsAndRotatesWithoutShowingSecretsAgain() throws Exception {
    registerAcquirer();
    Reply again =
        operator(
            "POST", "/v1/acquirers", "{\"institution_code\": \"" + ACQ + "\", \"name\": \"B\"}");
    assertThat(again.status).isEqualTo(409);
    assertThat(again.code()).isEqualTo("clearing.duplicate_acquirer");

    clock.advance(Duration.ofHours(1));
    Reply rotated =
        operator("POST", "/v1/acquirers/" + ACQ + "/secrets", "{\"overlap_seconds\": 600}");
    assertThat(rotated.status).isEqualTo(201);
    assertThat(rotated.json.get("previous_expire_at").getAsString())
        .isEqualTo(T0.plus(Duration.ofHours(1)).plusSeconds(600).toString());

    Reply listed = operator("GET", "/v1/acquirers/" + ACQ, null);
    assertThat(listed.status).isEqualTo(200);
    assertThat(listed.raw.body()).doesNotContain("fxa_");
    assertThat(listed.json.getAsJsonArray("secrets")).hasSize(2);

    Reply wallet =
        ClearingFixtures.send(
            client,
            base,
            "GET",
            "/v1/acquirers/" + ACQ,
            Optional.empty(),
            null,
            "Authorization",
            "Bearer " + WALLET);
    assertThat(wallet.status).isEqualTo(403);
    assertThat(operator("GET", "/v1/acquirers/99999", null).code())
        .isEqualTo("clearing.unknown_acquirer");
    Reply badUrl =
        operator(
            "POST",
            "/v1/acquirers",
            "{\"institution_code\": \"1234\", \"name\": \"X\", \"callback_url\": \"ftp://x\"}");
    assertThat(badUrl.status).isEqualTo(422);
    assertThat(acquirers.find(InstitutionCode.of("1234"))).isEmpty();
  }

  // ---------------------------------------------------------------- signatures

  @Test
  void signedBatchIsStoredAndEachSignatureFaultIsRefusedWithNothingStored() throws Exception {
    String secret = registerAcquirer();
    ClearingBatch b = batch("b-1", record(1, T0.getEpochSecond() - 3600));
    byte[] body = b.toByteArray();
    long now = clock.instant().getEpochSecond();

    Reply missing =
        ClearingFixtures.send(
            client, base, "POST", "/v1/clearing/batches", Optional.of(BatchParser.PROTOBUF), body);
    assertThat(missing.status).isEqualTo(401);
    assertThat(missing.code()).isEqualTo("clearing.missing_signature");

    String other = "fxa_" + "A".repeat(43);
    Reply bad = push(other, ACQ, now, BatchParser.PROTOBUF, body);
    assertThat(bad.status).isEqualTo(401);
    assertThat(bad.code()).isEqualTo("clearing.bad_signature");

    Reply stale = push(secret, ACQ, now - 301, BatchParser.PROTOBUF, body);
    assertThat(stale.code()).isEqualTo("clearing.stale_timestamp");
    Reply future = push(secret, ACQ, now + 301, BatchParser.PROTOBUF, body);
    assertThat(future.code()).isEqualTo("clearing.stale_timestamp");

    Reply unknown = push(secret, "12345678", now, BatchParser.PROTOBUF, body);
    assertThat(unknown.status).isEqualTo(401);
    assertThat(unknown.code()).isEqualTo("clearing.bad_signature");

    // The signature covers the body: a valid signature over another body fails.
    String sig = HookSignature.sign(secret, now, "POST", "/v1/clearing/batches", body);
    byte[] tampered = batch("b-1", record(1, T0.getEpochSecond() - 3599)).toByteArray();
    Reply altered =
        ClearingFixtures.send(
            client,
            base,
            "POST",
            "/v1/clearing/batches",
            Optional.of(BatchParser.PROTOBUF),
            tampered,
            HookSignature.ACQUIRER,
            ACQ,
            HookSignature.TIMESTAMP,
            Long.toString(now),
            HookSignature.SIGNATURE,
            sig);
    assertThat(altered.code()).isEqualTo("clearing.bad_signature");
    assertThat(records.count()).isZero();
    assertThat(batchRows()).isZero();

    Reply ok = push(secret, ACQ, now - 299, BatchParser.PROTOBUF, body);
    assertThat(ok.status).as(ok.toString()).isEqualTo(201);
    assertThat(ok.json.get("record_count").getAsInt()).isEqualTo(1);
    assertThat(records.count()).isEqualTo(1);
  }

  @Test
  void rotatedSecretOverlapsThenOnlyTheNewOneIsAccepted() throws Exception {
    String first = registerAcquirer();
    IssuedSecret second = acquirers.issueSecret(InstitutionCode.of(ACQ), Duration.ofMinutes(30));
    assertThat(pushProto(first, batch("r-1", record(1, T0.getEpochSecond()))).status)
        .isEqualTo(201);
    assertThat(pushProto(second.secret(), batch("r-2", record(2, T0.getEpochSecond()))).status)
        .isEqualTo(201);
    clock.advance(Duration.ofMinutes(30));
    Reply old = pushProto(first, batch("r-3", record(3, T0.getEpochSecond())));
    assertThat(old.code()).isEqualTo("clearing.bad_signature");
    assertThat(pushProto(second.secret(), batch("r-3", record(3, T0.getEpochSecond()))).status)
        .isEqualTo(201);
    // A request carrying several entries passes when any one verifies.
    byte[] body = batch("r-4", record(4, T0.getEpochSecond())).toByteArray();
    long now = clock.instant().getEpochSecond();
    String both =
        HookSignature.sign(first, now, "POST", "/v1/clearing/batches", body)
            + " "
            + HookSignature.sign(second.secret(), now, "POST", "/v1/clearing/batches", body);
    Reply r =
        ClearingFixtures.send(
            client,
            base,
            "POST",
            "/v1/clearing/batches",
            Optional.of(BatchParser.PROTOBUF),
            body,
            HookSignature.ACQUIRER,
            ACQ,
            HookSignature.TIMESTAMP,
            Long.toString(now),
            HookSignature.SIGNATURE,
            both);
    assertThat(r.status).isEqualTo(201);
  }

  // ---------------------------------------------------------------- validation

  @Test
  void oneBadRecordRejectsTheBatchListingEveryErrorByIndexAndField() throws Exception {
    String secret = registerAcquirer();
    ClearingBatch b =
        batch(
            "v-1",
            record(1, T0.getEpochSecond()),
            record(2, T0.getEpochSecond())
                .setAmount(
                    dev.fangxin.protocol.v1.Money.newBuilder().setMinorUnits(-5).setCurrency(156)),
            record(3, T0.getEpochSecond()).setMaskedPan("6222021234561234"),
            record(4, T0.getEpochSecond()).setToolType(ToolType.TOOL_TYPE_UNSPECIFIED),
            record(5, T0.getEpochSecond()).clearTerminalId(),
            record(1, T0.getEpochSecond()),
            record(6, T0.getEpochSecond())
                .setTrace(ClearingFixtures.trace(ACQ, 6).setSettlementDate("0230")));
    Reply r = pushJson(secret, b);
    assertThat(r.status).as(r.toString()).isEqualTo(422);
    assertThat(r.code()).isEqualTo("clearing.invalid_records");
    JsonArray errors = r.json.getAsJsonArray("errors");
    assertThat(errors).hasSize(6);
    assertThat(error(r, 0).get("index").getAsInt()).isEqualTo(1);
    assertThat(error(r, 0).get("field").getAsString()).isEqualTo("amount.minor_units");
    assertThat(error(r, 1).get("index").getAsInt()).isEqualTo(2);
    assertThat(error(r, 1).get("field").getAsString()).isEqualTo("masked_pan");
    assertThat(error(r, 1).get("message").getAsString()).doesNotContain("6222021234561234");
    assertThat(error(r, 2).get("index").getAsInt()).isEqualTo(3);
    assertThat(error(r, 2).get("field").getAsString()).isEqualTo("tool_type");
    assertThat(error(r, 3).get("index").getAsInt()).isEqualTo(4);
    assertThat(error(r, 3).get("field").getAsString()).isEqualTo("terminal_id");
    assertThat(error(r, 4).get("index").getAsInt()).isEqualTo(5);
    assertThat(error(r, 4).get("field").getAsString()).isEqualTo("trace");
    assertThat(error(r, 5).get("index").getAsInt()).isEqualTo(6);
    assertThat(error(r, 5).get("field").getAsString()).isEqualTo("trace.settlement_date");
    assertThat(records.count()).isZero();
    assertThat(batchRows()).isZero();

    Reply empty = pushProto(secret, ClearingBatch.newBuilder().setAcquirerInstitution(ACQ).build());
    assertThat(empty.status).isEqualTo(422);
    assertThat(empty.json.toString()).contains("batch_id").contains("records");

    Reply malformed =
        push(
            secret,
            ACQ,
            clock.instant().getEpochSecond(),
            BatchParser.JSON,
            "{\"nope\": 1}".getBytes(StandardCharsets.UTF_8));
    assertThat(malformed.status).isEqualTo(400);
    Reply media = push(secret, ACQ, clock.instant().getEpochSecond(), "text/plain", new byte[] {1});
    assertThat(media.status).isEqualTo(415);
    assertThat(batchRows()).isZero();
  }

  @Test
  void anotherInstitutionsRecordsAreRefusedByIndexAndNothingIsStored() throws Exception {
    String secret = registerAcquirer();
    ClearingBatch b =
        batch(
            "f-1",
            record(1, T0.getEpochSecond()),
            record(2, T0.getEpochSecond()).setTrace(ClearingFixtures.trace("49990000", 2)));
    Reply r = pushProto(secret, b);
    assertThat(r.status).isEqualTo(403);
    assertThat(r.code()).isEqualTo("clearing.foreign_institution");
    assertThat(error(r, 0).get("index").getAsInt()).isEqualTo(1);
    assertThat(error(r, 0).get("field").getAsString()).isEqualTo("trace.acquirer_institution");
    Reply whole = pushProto(secret, b.toBuilder().setAcquirerInstitution("49990000").build());
    assertThat(whole.status).isEqualTo(403);
    assertThat(records.count()).isZero();
    assertThat(batchRows()).isZero();
  }

  // ---------------------------------------------------------------- idempotency

  @Test
  void sameBatchReplaysAsJsonOrProtobufAndADifferentOneConflicts() throws Exception {
    String secret = registerAcquirer();
    ClearingBatch b = batch("i-1", record(1, T0.getEpochSecond()), record(2, T0.getEpochSecond()));
    Reply first = pushProto(secret, b);
    assertThat(first.status).isEqualTo(201);
    clock.advance(Duration.ofMinutes(1));
    Reply replay = pushJson(secret, b);
    assertThat(replay.status).isEqualTo(200);
    assertThat(replay.raw.body()).isEqualTo(first.raw.body());

    Reply conflict =
        pushProto(
            secret, batch("i-1", record(1, T0.getEpochSecond()), record(3, T0.getEpochSecond())));
    assertThat(conflict.status).isEqualTo(409);
    assertThat(conflict.code()).isEqualTo("clearing.batch_conflict");
    assertThat(records.count()).isEqualTo(2);

    // A later batch repeating a stored record unchanged is fine; changing one is refused by index.
    Reply same =
        pushProto(
            secret, batch("i-2", record(2, T0.getEpochSecond()), record(3, T0.getEpochSecond())));
    assertThat(same.status).isEqualTo(201);
    assertThat(records.count()).isEqualTo(3);
    Reply changed =
        pushProto(
            secret,
            batch(
                "i-3",
                record(4, T0.getEpochSecond()),
                record(1, T0.getEpochSecond())
                    .setAmount(
                        dev.fangxin.protocol.v1.Money.newBuilder()
                            .setMinorUnits(999)
                            .setCurrency(156))));
    assertThat(changed.status).isEqualTo(409);
    assertThat(changed.code()).isEqualTo("clearing.record_conflict");
    assertThat(error(changed, 0).get("index").getAsInt()).isEqualTo(1);
    assertThat(error(changed, 0).get("field").getAsString()).isEqualTo("trace");
    assertThat(records.count()).isEqualTo(3);
    assertThat(batchRows()).isEqualTo(2);
  }

  // ---------------------------------------------------------------- finders

  @Test
  void recordsAreFoundByTraceByRrnAndDateAndByVoucher() throws Exception {
    String secret = registerAcquirer();
    ClearingBatch b =
        batch(
            "q-1",
            record(7, T0.getEpochSecond()),
            record(8, T0.getEpochSecond())
                .setToolType(ToolType.TOOL_TYPE_QR_COLLECTION_CODE)
                .clearTerminalId()
                .clearMaskedPan()
                .setTrace(ClearingFixtures.trace(ACQ, 8).setVoucherNumber("20260101123456789012")));
    assertThat(pushProto(secret, b).status).isEqualTo(201);
    DurableTrace t7 = DurableTrace.fromProto(b.getRecords(0).getTrace());
    ClearingRecord r7 = records.find(t7).orElseThrow();
    assertThat(r7.toProto()).isEqualTo(b.getRecords(0));
    assertThat(
            records.findByRrn(
                Rrn.of(b.getRecords(0).getTrace().getRrn()), SettlementDate.of("0101")))
        .containsExactly(r7);
    assertThat(
            records.findByRrn(
                Rrn.of(b.getRecords(0).getTrace().getRrn()), SettlementDate.of("0102")))
        .isEmpty();
    assertThat(records.findByVoucher(VoucherNumber.of("20260101123456789012")))
        .singleElement()
        .satisfies(r -> assertThat(r.toProto()).isEqualTo(b.getRecords(1)));
  }
}
