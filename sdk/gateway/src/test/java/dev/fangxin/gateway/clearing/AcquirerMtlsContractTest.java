package dev.fangxin.gateway.clearing;

import static dev.fangxin.gateway.clearing.ClearingFixtures.ACQ;
import static dev.fangxin.gateway.clearing.ClearingFixtures.batch;
import static dev.fangxin.gateway.clearing.ClearingFixtures.record;
import static dev.fangxin.gateway.clearing.ClearingFixtures.trace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import dev.fangxin.gateway.auth.Guard;
import dev.fangxin.gateway.auth.Principal;
import dev.fangxin.gateway.clearing.ClearingFixtures.Reply;
import dev.fangxin.gateway.clearing.MtlsCertificates.Issued;
import dev.fangxin.gateway.http.GatewayHttpServer;
import dev.fangxin.gateway.http.HttpServerConfig;
import dev.fangxin.gateway.http.Route;
import dev.fangxin.gateway.http.TlsConfig;
import dev.fangxin.gateway.store.Store;
import dev.fangxin.gateway.store.StoreConfig;
import dev.fangxin.gateway.testing.SettableClock;
import dev.fangxin.protocol.v1.ClearingBatch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS for acquirers over real TLS on loopback, on a real store: certificates made with
 * Bouncy Castle (a CA, the acquirer's client certificate, a stranger's), registered through the
 * operator routes, presented by JDK {@link HttpClient}s with their own {@link SSLContext}s. The
 * push hook accepts the registered certificate without HMAC headers and refuses a wrong institution
 * (403), an unregistered, revoked or expired certificate and a missing one (401), with nothing
 * stored on any refusal; HMAC keeps working; plain HTTP never authenticates by certificate.
 */
abstract class AcquirerMtlsContractTest {
  static final String OPERATOR = "key-operator";
  static final String ACQ2 = "48030000";

  @TempDir Path dir;

  SettableClock clock;
  Instant now;
  Store store;
  Acquirers acquirers;
  ClearingRecords records;
  AcquirerCertificates certificates;
  Guard guard;
  final List<GatewayHttpServer> servers = new ArrayList<>();
  Issued serverCert;
  Issued ca;
  Issued acquirerCert;
  Issued strangerCert;
  URI tlsBase;
  URI plainBase;
  String secret;

  abstract StoreConfig freshDatabase() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    now = Instant.ofEpochSecond(Instant.now().getEpochSecond());
    clock = new SettableClock(now);
    store = Store.open(freshDatabase());
    acquirers = Acquirers.on(store, clock);
    records = ClearingRecords.on(store, clock);
    certificates = AcquirerCertificates.on(store, clock);
    Map<String, Principal> keys = Map.of(OPERATOR, Principal.operator("op"));
    guard = Guard.of(k -> Optional.ofNullable(keys.get(k)));
    Instant from = now.minus(Duration.ofHours(1));
    Instant to = now.plus(Duration.ofDays(30));
    serverCert = MtlsCertificates.server(from, to);
    ca = MtlsCertificates.ca("Acquirer Test CA", from, to.plus(Duration.ofDays(365)));
    acquirerCert = MtlsCertificates.client("acquirer-48020000", ca, from, to);
    strangerCert = MtlsCertificates.client("stranger", ca, from, to);
    tlsBase = start(true, null);
    plainBase = start(false, null);
    secret =
        acquirers
            .register(dev.fangxin.core.id.InstitutionCode.of(ACQ), "Bank", Optional.empty())
            .secret();
    acquirers.register(dev.fangxin.core.id.InstitutionCode.of(ACQ2), "Other", Optional.empty());
  }

  /** Starts a server with every clearing route; TLS asking for client certificates, or plain. */
  URI start(boolean tls, Path clientCa) throws Exception {
    HttpServerConfig.Builder config = HttpServerConfig.builder().port(0);
    if (tls) {
      Path chain = MtlsCertificates.write(dir.resolve("server.crt.pem"), serverCert.pem());
      Path key = MtlsCertificates.write(dir.resolve("server.key.pem"), serverCert.keyPem());
      config.tls(TlsConfig.fromPem(chain, key, null).withClientAuth(clientCa));
    }
    GatewayHttpServer.Builder b = GatewayHttpServer.builder(config.build());
    for (Route r :
        ClearingRoutes.routes(
            acquirers, records, HookSignature.verifier(acquirers, clock), guard, certificates)) {
      b.route(r);
    }
    for (Route r : AcquirerCertificateRoutes.routes(certificates, guard)) {
      b.route(r);
    }
    GatewayHttpServer server = b.build();
    server.start();
    servers.add(server);
    return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + server.port());
  }

  @AfterEach
  void tearDown() {
    servers.forEach(GatewayHttpServer::close);
    if (store != null) {
      store.close();
    }
  }

  // ---------------------------------------------------------------- helpers

  HttpClient client(Issued presenting) throws Exception {
    return HttpClient.newBuilder()
        .sslContext(MtlsCertificates.clientContext(serverCert, presenting))
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  Reply operator(String method, String path, String json) throws Exception {
    return ClearingFixtures.send(
        client(null),
        tlsBase,
        method,
        path,
        json == null ? Optional.empty() : Optional.of("application/json"),
        json == null ? null : json.getBytes(StandardCharsets.UTF_8),
        "Authorization",
        "Bearer " + OPERATOR);
  }

  Reply registerPem(String acquirer, String pem) throws Exception {
    JsonObject o = new JsonObject();
    o.addProperty("certificate_pem", pem);
    return operator("POST", "/v1/acquirers/" + acquirer + "/certificates", o.toString());
  }

  long register(String acquirer, Issued cert) throws Exception {
    Reply r = registerPem(acquirer, cert.pem());
    assertThat(r.status).as(r.toString()).isEqualTo(201);
    return r.json.get("id").getAsLong();
  }

  /** Pushes {@code batch} over TLS presenting {@code cert}, with no HMAC header. */
  Reply pushTls(Issued cert, ClearingBatch batch, String... headers) throws Exception {
    return ClearingFixtures.send(
        client(cert),
        tlsBase,
        "POST",
        "/v1/clearing/batches",
        Optional.of(BatchParser.PROTOBUF),
        batch.toByteArray(),
        headers);
  }

  Reply pushHmac(HttpClient client, URI base, ClearingBatch batch) throws Exception {
    byte[] body = batch.toByteArray();
    long ts = clock.instant().getEpochSecond();
    return ClearingFixtures.send(
        client,
        base,
        "POST",
        "/v1/clearing/batches",
        Optional.of(BatchParser.PROTOBUF),
        body,
        HookSignature.ACQUIRER,
        ACQ,
        HookSignature.TIMESTAMP,
        Long.toString(ts),
        HookSignature.SIGNATURE,
        HookSignature.sign(secret, ts, "POST", "/v1/clearing/batches", body));
  }

  ClearingBatch oneRecord(String id) {
    return batch(id, record(1, now.getEpochSecond() - 3600));
  }

  long batches() {
    return store.inTransaction(
        tx -> {
          try (PreparedStatement s = tx.prepareStatement("SELECT COUNT(*) FROM clearing_batches");
              ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
          }
        });
  }

  void assertNothingStored() {
    assertThat(records.count()).isZero();
    assertThat(batches()).isZero();
  }

  static String sha256(byte[] der) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
  }

  // ---------------------------------------------------------------- registration

  @Test
  void registersListsAndRevokesACertificate() throws Exception {
    Reply r = registerPem(ACQ, acquirerCert.pem());
    assertThat(r.status).as(r.toString()).isEqualTo(201);
    long id = r.json.get("id").getAsLong();
    assertThat(r.raw.headers().firstValue("Location"))
        .contains("/v1/acquirers/" + ACQ + "/certificates/" + id);
    assertThat(r.json.get("fingerprint_sha256").getAsString())
        .isEqualTo(sha256(acquirerCert.certificate.getEncoded()));
    assertThat(r.json.get("subject").getAsString())
        .isEqualTo(
            acquirerCert
                .certificate
                .getSubjectX500Principal()
                .getName(javax.security.auth.x500.X500Principal.RFC2253))
        .contains("CN=acquirer-48020000");
    assertThat(r.json.get("not_after").getAsString())
        .isEqualTo(acquirerCert.certificate.getNotAfter().toInstant().toString());
    assertThat(r.json.get("revoked_at").isJsonNull()).isTrue();

    Reply list = operator("GET", "/v1/acquirers/" + ACQ + "/certificates", null);
    assertThat(list.status).isEqualTo(200);
    assertThat(list.json.getAsJsonArray("certificates")).hasSize(1);

    clock.advance(Duration.ofMinutes(5));
    Reply revoked = operator("DELETE", "/v1/acquirers/" + ACQ + "/certificates/" + id, null);
    assertThat(revoked.status).as(revoked.toString()).isEqualTo(200);
    assertThat(revoked.json.get("revoked_at").getAsString())
        .isEqualTo(now.plus(Duration.ofMinutes(5)).toString());
    Reply again = operator("DELETE", "/v1/acquirers/" + ACQ + "/certificates/" + id, null);
    assertThat(again.json).isEqualTo(revoked.json);

    Reply dup = registerPem(ACQ, acquirerCert.pem());
    assertThat(dup.status).isEqualTo(409);
    assertThat(dup.code()).isEqualTo("clearing.duplicate_certificate");

    Reply other = operator("DELETE", "/v1/acquirers/" + ACQ2 + "/certificates/" + id, null);
    assertThat(other.status).isEqualTo(404);
    assertThat(other.code()).isEqualTo("clearing.unknown_certificate");
    assertThat(operator("DELETE", "/v1/acquirers/" + ACQ + "/certificates/x", null).status)
        .isEqualTo(404);
  }

  @Test
  void registrationRefusesBadCertificatesAndStoresNothing() throws Exception {
    Issued expired =
        MtlsCertificates.client(
            "old", ca, now.minus(Duration.ofDays(10)), now.minus(Duration.ofSeconds(1)));
    String[][] cases = {
      {"not a certificate", "exactly one"},
      {"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "not a DER X.509"},
      {ca.pem(), "CA certificate"},
      {expired.pem(), "expired"},
      {acquirerCert.pem() + acquirerCert.keyPem(), "private key"},
      {acquirerCert.pem() + ca.pem(), "exactly one"},
    };
    for (String[] c : cases) {
      Reply r = registerPem(ACQ, c[0]);
      assertThat(r.status).as(c[1] + ": " + r).isEqualTo(422);
      assertThat(r.code()).isEqualTo("clearing.invalid_certificate");
      assertThat(r.json.get("detail").getAsString()).contains(c[1]);
      assertThat(
              r.json.getAsJsonArray("errors").get(0).getAsJsonObject().get("field").getAsString())
          .isEqualTo("certificate_pem");
    }
    Reply unknown = registerPem("48990000", acquirerCert.pem());
    assertThat(unknown.status).isEqualTo(404);
    assertThat(unknown.code()).isEqualTo("clearing.unknown_acquirer");
    assertThat(
            operator("GET", "/v1/acquirers/" + ACQ + "/certificates", null)
                .json
                .getAsJsonArray("certificates"))
        .isEmpty();
    Reply anonymous =
        ClearingFixtures.send(
            client(acquirerCert),
            tlsBase,
            "POST",
            "/v1/acquirers/" + ACQ + "/certificates",
            Optional.of("application/json"),
            ("{\"certificate_pem\": \"x\"}").getBytes(StandardCharsets.UTF_8));
    assertThat(anonymous.status).isEqualTo(401);
  }

  // ---------------------------------------------------------------- push hook over mutual TLS

  @Test
  void acceptsABatchFromTheRegisteredCertificateWithoutHmac() throws Exception {
    register(ACQ, acquirerCert);
    Reply r = pushTls(acquirerCert, oneRecord("m-1"));
    assertThat(r.status).as(r.toString()).isEqualTo(201);
    assertThat(records.count()).isEqualTo(1);
    Reply replay = pushTls(acquirerCert, oneRecord("m-1"), HookSignature.ACQUIRER, ACQ);
    assertThat(replay.status).as(replay.toString()).isEqualTo(200);
    assertThat(batches()).isEqualTo(1);
  }

  @Test
  void refusesAnotherInstitutionsBatchWith403() throws Exception {
    register(ACQ, acquirerCert);
    ClearingBatch foreign =
        ClearingBatch.newBuilder()
            .setBatchId("f-1")
            .setAcquirerInstitution(ACQ2)
            .addRecords(record(1, now.getEpochSecond() - 60).setTrace(trace(ACQ2, 1)))
            .build();
    Reply r = pushTls(acquirerCert, foreign);
    assertThat(r.status).as(r.toString()).isEqualTo(403);
    assertThat(r.code()).isEqualTo("clearing.foreign_institution");
    Reply named = pushTls(acquirerCert, oneRecord("f-2"), HookSignature.ACQUIRER, ACQ2);
    assertThat(named.status).as(named.toString()).isEqualTo(403);
    assertThat(named.code()).isEqualTo("clearing.wrong_acquirer");
    assertNothingStored();
  }

  @Test
  void refusesAnUnregisteredCertificate() throws Exception {
    register(ACQ, acquirerCert);
    Reply r = pushTls(strangerCert, oneRecord("s-1"));
    assertThat(r.status).as(r.toString()).isEqualTo(401);
    assertThat(r.code()).isEqualTo("clearing.unregistered_certificate");
    assertThat(r.raw.headers().firstValue("Content-Type")).contains("application/problem+json");
    Issued selfSigned =
        MtlsCertificates.client("self", null, now.minusSeconds(60), now.plusSeconds(3600));
    assertThat(pushTls(selfSigned, oneRecord("s-2")).code())
        .isEqualTo("clearing.unregistered_certificate");
    assertNothingStored();
  }

  @Test
  void refusesARevokedCertificate() throws Exception {
    long id = register(ACQ, acquirerCert);
    assertThat(certificates.revoke(dev.fangxin.core.id.InstitutionCode.of(ACQ), id).revokedAt())
        .isPresent();
    Reply r = pushTls(acquirerCert, oneRecord("r-1"));
    assertThat(r.status).as(r.toString()).isEqualTo(401);
    assertThat(r.code()).isEqualTo("clearing.revoked_certificate");
    assertNothingStored();
  }

  @Test
  void refusesACertificateOnceItHasExpired() throws Exception {
    register(ACQ, acquirerCert);
    clock.set(acquirerCert.certificate.getNotAfter().toInstant().plusSeconds(1));
    Reply r = pushTls(acquirerCert, oneRecord("e-1"));
    assertThat(r.status).as(r.toString()).isEqualTo(401);
    assertThat(r.code()).isEqualTo("clearing.expired_certificate");
    assertNothingStored();
  }

  @Test
  void withoutACertificateTheHookStillWantsHmac() throws Exception {
    register(ACQ, acquirerCert);
    Reply r = pushTls(null, oneRecord("n-1"));
    assertThat(r.status).as(r.toString()).isEqualTo(401);
    assertThat(r.code()).isEqualTo("clearing.missing_signature");
    assertNothingStored();
    Reply hmac = pushHmac(client(null), tlsBase, oneRecord("n-2"));
    assertThat(hmac.status).as(hmac.toString()).isEqualTo(201);
  }

  @Test
  void hmacHeadersAreJudgedByHmacEvenWithACertificate() throws Exception {
    register(ACQ, acquirerCert);
    byte[] body = oneRecord("h-1").toByteArray();
    long ts = clock.instant().getEpochSecond();
    Reply bad =
        ClearingFixtures.send(
            client(acquirerCert),
            tlsBase,
            "POST",
            "/v1/clearing/batches",
            Optional.of(BatchParser.PROTOBUF),
            body,
            HookSignature.ACQUIRER,
            ACQ,
            HookSignature.TIMESTAMP,
            Long.toString(ts),
            HookSignature.SIGNATURE,
            "v1=AAAA");
    assertThat(bad.status).isEqualTo(401);
    assertThat(bad.code()).isEqualTo("clearing.bad_signature");
    assertNothingStored();
    Reply good = pushHmac(client(strangerCert), tlsBase, oneRecord("h-1"));
    assertThat(good.status).as(good.toString()).isEqualTo(201);
  }

  @Test
  void plainHttpNeverAuthenticatesByCertificate() throws Exception {
    register(ACQ, acquirerCert);
    Reply r =
        ClearingFixtures.send(
            HttpClient.newHttpClient(),
            plainBase,
            "POST",
            "/v1/clearing/batches",
            Optional.of(BatchParser.PROTOBUF),
            oneRecord("p-1").toByteArray(),
            HookSignature.ACQUIRER,
            ACQ);
    assertThat(r.status).isEqualTo(401);
    assertThat(r.code()).isEqualTo("clearing.missing_signature");
    assertNothingStored();
    assertThat(pushHmac(HttpClient.newHttpClient(), plainBase, oneRecord("p-2")).status)
        .isEqualTo(201);
  }

  @Test
  void withAClientCaBundleTheHandshakeRequiresAChainToIt() throws Exception {
    Path bundle = MtlsCertificates.write(dir.resolve("client-ca.pem"), ca.pem());
    tlsBase = start(true, bundle);
    register(ACQ, acquirerCert);
    assertThat(pushTls(acquirerCert, oneRecord("c-1")).status).isEqualTo(201);
    Issued selfSigned =
        MtlsCertificates.client("self", null, now.minusSeconds(60), now.plusSeconds(3600));
    register(ACQ, selfSigned);
    assertThatThrownBy(() -> pushTls(selfSigned, oneRecord("c-2"))).isInstanceOf(IOException.class);
    assertThat(batches()).isEqualTo(1);
  }
}
