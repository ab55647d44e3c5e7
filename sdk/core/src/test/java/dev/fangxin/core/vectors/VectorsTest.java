package dev.fangxin.core.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import dev.fangxin.core.FangxinException;
import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.SignatureEncoding;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.key.TerminalPublicKey;
import dev.fangxin.core.link.DisputeLink;
import dev.fangxin.core.money.Money;
import dev.fangxin.core.receipt.SignedReceipt;
import dev.fangxin.core.token.DisputeClaim;
import dev.fangxin.core.token.DisputeToken;
import dev.fangxin.protocol.v1.PaymentTool;
import dev.fangxin.protocol.v1.ReceiptClaim;
import dev.fangxin.protocol.v1.ToolType;
import dev.fangxin.protocol.v1.Trace;
import dev.fangxin.protocol.v1.TransactionType;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.PlainDSAEncoding;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.util.io.pem.PemReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The known-answer vectors in protocol/vectors: every positive vector is reproduced byte for byte
 * (signatures too, where the algorithm is deterministic) and every negative vector fails with the
 * reason it names.
 *
 * <p>Regenerate (keys are kept; SM2 signatures change, being randomised):
 *
 * <pre>
 * ./mvnw -pl sdk/core -am test -Dtest=VectorsTest#regenerate -Dfangxin.regenerateVectors=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class VectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final Gson GSON =
      new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
  static final String BASE = "HTTPS://FX.EXAMPLE.CN/HZ";

  static Path dir() {
    String configured = System.getProperty("fangxin.vectors");
    Path path = configured != null ? Path.of(configured) : Path.of("../../protocol/vectors");
    return path.toAbsolutePath().normalize();
  }

  static JsonObject read(String name) throws IOException {
    return JsonParser.parseString(Files.readString(dir().resolve(name))).getAsJsonObject();
  }

  static TerminalKeyPair privateKey(String file) throws IOException {
    return TerminalKeyPair.fromPkcs8Pem(Files.readString(dir().resolve(file)));
  }

  static TerminalPublicKey publicKey(String file) throws IOException {
    return TerminalPublicKey.fromPem(Files.readString(dir().resolve(file)));
  }

  // ---------------------------------------------------------------- positive: tokens and links

  @Test
  void tokenVectorsReproduceByteForByte() throws IOException {
    JsonArray vectors = read("tokens.json").getAsJsonArray("vectors");
    assertThat(vectors).hasSizeGreaterThanOrEqualTo(4);
    for (JsonElement e : vectors) {
      JsonObject v = e.getAsJsonObject();
      String name = v.get("name").getAsString();
      SignatureAlgorithm algorithm = SignatureAlgorithm.valueOf(v.get("algorithm").getAsString());
      TerminalKeyPair key = privateKey(v.get("private_key").getAsString());
      TerminalPublicKey pub = publicKey(v.get("public_key").getAsString());
      assertThat(key.algorithm()).as(name).isEqualTo(algorithm);
      assertThat(pub.keyId().toHex()).as(name).isEqualTo(v.get("key_id").getAsString());
      assertThat(KeyId.ofSpki(pub.spki())).as(name).isEqualTo(pub.keyId());

      JsonObject c = v.getAsJsonObject("claim");
      DisputeClaim claim =
          DisputeClaim.of(
              TransactionType.forNumber(c.get("type").getAsInt()),
              pub.keyId(),
              c.get("sequence").getAsLong(),
              Instant.ofEpochSecond(c.get("issued_at").getAsLong()),
              Money.of(c.get("amount").getAsLong(), c.get("currency").getAsInt()));
      byte[] claimBytes = claim.toBytes();
      assertThat(HEX.formatHex(claimBytes)).as(name).isEqualTo(v.get("claim_hex").getAsString());
      byte[] message = DisputeToken.signedBytes(claimBytes);
      assertThat(HEX.formatHex(message))
          .as(name)
          .isEqualTo(v.get("signed_message_hex").getAsString());

      byte[] signature = HEX.parseHex(v.get("signature_hex").getAsString());
      assertThat(pub.verify(message, signature)).as(name).isTrue();
      if (v.get("deterministic").getAsBoolean()) {
        assertThat(HEX.formatHex(key.sign(message)))
            .as(name)
            .isEqualTo(v.get("signature_hex").getAsString());
      }
      if (v.has("signature_der_hex")) {
        assertThat(HEX.formatHex(SignatureEncoding.toDer(signature)))
            .as(name)
            .isEqualTo(v.get("signature_der_hex").getAsString());
      }

      DisputeToken token = DisputeToken.of(claimBytes, signature);
      assertThat(HEX.formatHex(token.toBytes()))
          .as(name)
          .isEqualTo(v.get("token_hex").getAsString());
      String url = DisputeLink.of(v.get("base").getAsString(), token).toString();
      assertThat(url).as(name).isEqualTo(v.get("url").getAsString());
      DisputeLink.parse(url).token().verify(pub);
      DisputeLink.parse(url.toLowerCase(Locale.ROOT)).token().verify(pub);
    }
  }

  // ---------------------------------------------------------------- positive: receipts and chain

  @Test
  void receiptVectorsReproduceAndChain() throws IOException {
    JsonArray vectors = read("receipts.json").getAsJsonArray("vectors");
    assertThat(vectors).hasSizeGreaterThanOrEqualTo(3);
    byte[] previousSignature = null;
    String previousKey = null;
    for (JsonElement e : vectors) {
      JsonObject v = e.getAsJsonObject();
      String name = v.get("name").getAsString();
      TerminalKeyPair key = privateKey(v.get("private_key").getAsString());
      TerminalPublicKey pub = publicKey(v.get("public_key").getAsString());
      byte[] claimBytes = HEX.parseHex(v.get("receipt_claim_hex").getAsString());
      ReceiptClaim claim = ReceiptClaim.parseFrom(claimBytes);
      // The claim's fields as the vector spells them out.
      assertThat(claim.getVersion()).isEqualTo(1);
      assertThat(HEX.formatHex(claim.getDisputeClaim().toByteArray()))
          .as(name)
          .isEqualTo(v.get("dispute_claim_hex").getAsString());
      assertThat(claim.toByteArray()).as(name + ": canonical").isEqualTo(claimBytes);
      byte[] message = SignedReceipt.signedBytes(claimBytes);
      assertThat(HEX.formatHex(message))
          .as(name)
          .isEqualTo(v.get("signed_message_hex").getAsString());
      byte[] signature = HEX.parseHex(v.get("signature_hex").getAsString());
      assertThat(pub.verify(message, signature)).as(name).isTrue();
      if (v.get("deterministic").getAsBoolean()) {
        assertThat(HEX.formatHex(key.sign(message)))
            .as(name)
            .isEqualTo(v.get("signature_hex").getAsString());
      }
      byte[] tokenSignature = HEX.parseHex(v.get("token_signature_hex").getAsString());
      SignedReceipt receipt =
          SignedReceipt.fromProto(
              dev.fangxin.protocol.v1.SignedReceipt.newBuilder()
                  .setClaim(ByteString.copyFrom(claimBytes))
                  .setSignature(ByteString.copyFrom(signature))
                  .setTokenSignature(ByteString.copyFrom(tokenSignature))
                  .build());
      receipt.verify(pub);
      String chainHex = v.get("previous_signature_digest_hex").getAsString();
      assertThat(HEX.formatHex(receipt.previousSignatureDigest())).as(name).isEqualTo(chainHex);
      if (previousSignature != null && previousKey.equals(v.get("public_key").getAsString())) {
        assertThat(chainHex)
            .as(name)
            .isEqualTo(HEX.formatHex(pub.algorithm().digest(previousSignature)));
      }
      previousSignature = signature;
      previousKey = v.get("public_key").getAsString();
    }
  }

  // ---------------------------------------------------------------- negative

  @Test
  void negativeVectorsFailWithTheirReason() throws IOException {
    JsonArray vectors = read("negative.json").getAsJsonArray("vectors");
    assertThat(vectors).hasSizeGreaterThanOrEqualTo(12);
    for (JsonElement e : vectors) {
      JsonObject v = e.getAsJsonObject();
      String name = v.get("name").getAsString();
      assertThat(v.get("why").getAsString()).as(name).isNotBlank();
      TerminalPublicKey pub = publicKey(v.get("public_key").getAsString());
      String expected = v.get("reason").getAsString();
      assertThatThrownBy(
              () -> {
                if (v.has("url")) {
                  DisputeLink.parse(v.get("url").getAsString()).token().verify(pub);
                } else {
                  DisputeToken.parse(HEX.parseHex(v.get("token_hex").getAsString())).verify(pub);
                }
              },
              name)
          .isInstanceOfSatisfying(
              FangxinException.class, ex -> assertThat(ex.reason()).as(name).isEqualTo(expected));
    }
  }

  // ---------------------------------------------------------------- generation

  @Test
  @EnabledIfSystemProperty(named = "fangxin.regenerateVectors", matches = "true")
  void regenerate() throws Exception {
    Path dir = dir();
    Files.createDirectories(dir.resolve("keys"));
    for (SignatureAlgorithm a : SignatureAlgorithm.values()) {
      Path priv = dir.resolve("keys/" + a.label() + ".key.pem");
      if (!Files.exists(priv)) {
        TerminalKeyPair k = TerminalKeyPair.generate(a);
        Files.writeString(priv, k.toPkcs8Pem());
        Files.writeString(dir.resolve("keys/" + a.label() + ".pub.pem"), k.publicKey().toPem());
      }
    }
    TerminalKeyPair sm2 = privateKey("keys/sm2.key.pem");
    TerminalKeyPair p256 = privateKey("keys/p256.key.pem");
    TerminalKeyPair ed = privateKey("keys/ed25519.key.pem");
    Instant t = Instant.ofEpochSecond(1_795_939_200L); // 2026-11-29T08:00:00Z

    JsonArray tokens = new JsonArray();
    tokens.add(
        tokenVector(
            "sm2-sale-cny",
            "A sale of CNY 128.00, the first receipt of an SM2 key.",
            sm2,
            TransactionType.TRANSACTION_TYPE_SALE,
            1,
            t,
            Money.of(12_800, 156)));
    tokens.add(
        tokenVector(
            "p256-refund-max-fields",
            "A refund with the largest sequence, time and amount the layout carries (HKD).",
            p256,
            TransactionType.TRANSACTION_TYPE_REFUND,
            DisputeClaim.MAX_SEQUENCE,
            Instant.ofEpochSecond(0xFFFF_FFFFL),
            Money.of(DisputeClaim.MAX_AMOUNT, 344)));
    tokens.add(
        tokenVector(
            "ed25519-void-jpy",
            "A void of JPY 5,000 (no minor units).",
            ed,
            TransactionType.TRANSACTION_TYPE_VOID,
            1000,
            t,
            Money.of(5_000, 392)));
    tokens.add(
        tokenVector(
            "sm2-preauth-mop",
            "A pre-authorisation completion of MOP 88.80.",
            sm2,
            TransactionType.TRANSACTION_TYPE_PRE_AUTH_COMPLETION,
            65_536,
            t,
            Money.of(8_880, 446)));
    write(dir.resolve("tokens.json"), "Dispute tokens and links (SPEC.md §5, §6).", tokens);

    JsonArray receipts = new JsonArray();
    byte[] first =
        receiptVector(receipts, "sm2-receipt-1", "An SM2 key's first receipt.", sm2, 1, null);
    receiptVector(
        receipts,
        "sm2-receipt-2",
        "Its second receipt: previous_signature_digest = SM3(signature of sm2-receipt-1).",
        sm2,
        2,
        first);
    receiptVector(
        receipts,
        "ed25519-receipt-1",
        "An Ed25519 receipt: both signatures are deterministic.",
        ed,
        1,
        null);
    write(
        dir.resolve("receipts.json"), "Receipt claims and the hash chain (SPEC.md §7).", receipts);

    write(
        dir.resolve("negative.json"),
        "Inputs a verifier must refuse, each with the reason code it must give (SPEC.md §5, §6).",
        negatives(sm2, p256, t));
  }

  private static JsonObject tokenVector(
      String name,
      String description,
      TerminalKeyPair key,
      TransactionType type,
      long sequence,
      Instant time,
      Money amount) {
    DisputeClaim claim = DisputeClaim.of(type, key.keyId(), sequence, time, amount);
    DisputeToken token = DisputeToken.sign(claim, key);
    JsonObject v = new JsonObject();
    v.addProperty("name", name);
    v.addProperty("description", description);
    addKey(v, key);
    JsonObject c = new JsonObject();
    c.addProperty("version", 1);
    c.addProperty("type", type.getNumber());
    c.addProperty("key_id", key.keyId().toHex());
    c.addProperty("sequence", sequence);
    c.addProperty("issued_at", time.getEpochSecond());
    c.addProperty("currency", amount.currency());
    c.addProperty("amount", amount.minorUnits());
    v.add("claim", c);
    v.addProperty("claim_hex", HEX.formatHex(token.claimBytes()));
    v.addProperty(
        "signed_message_hex", HEX.formatHex(DisputeToken.signedBytes(token.claimBytes())));
    v.addProperty("signature_hex", HEX.formatHex(token.signature()));
    if (key.algorithm() != SignatureAlgorithm.ED25519) {
      v.addProperty("signature_der_hex", HEX.formatHex(SignatureEncoding.toDer(token.signature())));
    }
    v.addProperty("deterministic", key.algorithm() != SignatureAlgorithm.SM2_SM3);
    v.addProperty("token_hex", HEX.formatHex(token.toBytes()));
    v.addProperty("base", BASE);
    v.addProperty("url", DisputeLink.of(BASE, token).toString());
    return v;
  }

  private static byte[] receiptVector(
      JsonArray out,
      String name,
      String description,
      TerminalKeyPair key,
      long sequence,
      byte[] previousSignature) {
    DisputeClaim dc =
        DisputeClaim.of(
            TransactionType.TRANSACTION_TYPE_SALE,
            key.keyId(),
            sequence,
            Instant.ofEpochSecond(1_795_939_200L + sequence),
            Money.of(1_000 * sequence, 156));
    DisputeToken token = DisputeToken.sign(dc, key);
    ReceiptClaim.Builder claim =
        ReceiptClaim.newBuilder()
            .setVersion(1)
            .setDisputeClaim(ByteString.copyFrom(token.claimBytes()))
            .setTool(
                PaymentTool.newBuilder()
                    .setType(ToolType.TOOL_TYPE_POS_TERMINAL)
                    .setAcquirerInstitution("48020000")
                    .setMerchantNumber("898330160120001")
                    .setTerminalId("T0000001"))
            .setTrace(
                Trace.newBuilder()
                    .setAcquirerInstitution("48020000")
                    .setForwardingInstitution("48020000")
                    .setStan(String.format("%06d", sequence))
                    .setTransmissionTime("1129160000")
                    .setSettlementDate("1129")
                    .setSettlementYear(2026)
                    .setRrn("123456789012"))
            .setMaskedPan("622202******1234")
            .setReceiptNumber(String.format("%06d", sequence))
            .setMerchantName("放心小馆 Fangxin Bistro");
    if (previousSignature != null) {
      claim.setPreviousSignatureDigest(
          ByteString.copyFrom(key.algorithm().digest(previousSignature)));
    }
    byte[] claimBytes = claim.build().toByteArray();
    byte[] signature = key.sign(SignedReceipt.signedBytes(claimBytes));
    JsonObject v = new JsonObject();
    v.addProperty("name", name);
    v.addProperty("description", description);
    addKey(v, key);
    v.addProperty("receipt_claim_hex", HEX.formatHex(claimBytes));
    v.addProperty("dispute_claim_hex", HEX.formatHex(token.claimBytes()));
    v.addProperty(
        "previous_signature_digest_hex",
        previousSignature == null ? "" : HEX.formatHex(key.algorithm().digest(previousSignature)));
    v.addProperty("signed_message_hex", HEX.formatHex(SignedReceipt.signedBytes(claimBytes)));
    v.addProperty("signature_hex", HEX.formatHex(signature));
    v.addProperty("token_signature_hex", HEX.formatHex(token.signature()));
    v.addProperty("deterministic", key.algorithm() != SignatureAlgorithm.SM2_SM3);
    out.add(v);
    return signature;
  }

  private static JsonArray negatives(TerminalKeyPair sm2, TerminalKeyPair p256, Instant t)
      throws Exception {
    JsonArray out = new JsonArray();
    DisputeClaim claim =
        DisputeClaim.of(
            TransactionType.TRANSACTION_TYPE_SALE, sm2.keyId(), 1, t, Money.of(12_800, 156));
    DisputeToken good = DisputeToken.sign(claim, sm2);
    byte[] goodBytes = good.toBytes();
    String goodUrl = DisputeLink.of(BASE, good).toString();
    String sm2Pub = "keys/sm2.pub.pem";

    byte[] flipped = goodBytes.clone();
    flipped[40] ^= 0x01;
    neg(
        out,
        "signature-bit-flipped",
        "One bit of the signature changed.",
        sm2Pub,
        "token.bad_signature",
        flipped);

    byte[] richer = claim.toBytes();
    richer[24] = 0x01; // amount 12,800 -> 12,801... minor change, signature kept
    neg(
        out,
        "amount-changed",
        "The amount in the claim changed; the signature is the original.",
        sm2Pub,
        "token.bad_signature",
        DisputeToken.of(richer, good.signature()).toBytes());

    byte[] v2 = goodBytes.clone();
    v2[2] = 0x02;
    neg(
        out,
        "claim-version-2",
        "The claim's version byte is 2.",
        sm2Pub,
        "token.unsupported_version",
        v2);

    neg(
        out,
        "trailing-byte",
        "One zero byte follows the signature.",
        sm2Pub,
        "token.trailing_bytes",
        Arrays.copyOf(goodBytes, goodBytes.length + 1));

    neg(
        out,
        "unknown-field",
        "An extra protobuf field 3 follows the signature.",
        sm2Pub,
        "token.trailing_bytes",
        concat(goodBytes, new byte[] {0x18, 0x01}));

    neg(
        out,
        "truncated",
        "The last byte of the signature is missing.",
        sm2Pub,
        "token.malformed",
        Arrays.copyOf(goodBytes, goodBytes.length - 1));

    byte[] der = SignatureEncoding.toDer(good.signature());
    byte[] derToken =
        dev.fangxin.protocol.v1.DisputeToken.newBuilder()
            .setClaim(ByteString.copyFrom(good.claimBytes()))
            .setSignature(ByteString.copyFrom(der))
            .build()
            .toByteArray();
    neg(
        out,
        "der-signature",
        "The signature is DER-encoded instead of raw r||s.",
        sm2Pub,
        "token.malformed",
        derToken);

    byte[] otherIdSignature =
        sm2SignWithUserId(sm2, DisputeToken.signedBytes(good.claimBytes()), "ALICE123@YAHOO.COM");
    neg(
        out,
        "sm2-other-user-id",
        "An SM2 signature made with user ID ALICE123@YAHOO.COM instead of 1234567812345678.",
        sm2Pub,
        "token.bad_signature",
        DisputeToken.of(good.claimBytes(), otherIdSignature).toBytes());

    byte[] wrongLabel =
        sm2.sign(
            concat("FANGXIN-RECEIPT-V1\0".getBytes(StandardCharsets.US_ASCII), good.claimBytes()));
    neg(
        out,
        "wrong-domain-label",
        "Signed under the receipt label instead of the dispute label.",
        sm2Pub,
        "token.bad_signature",
        DisputeToken.of(good.claimBytes(), wrongLabel).toBytes());

    byte[] seq0 = claim.toBytes();
    Arrays.fill(seq0, 10, 14, (byte) 0);
    neg(
        out,
        "sequence-zero",
        "Sequence 0, correctly signed.",
        sm2Pub,
        "token.bad_field",
        rawToken(seq0, sm2.sign(DisputeToken.signedBytes(seq0))));

    byte[] type0 = claim.toBytes();
    type0[1] = 0;
    neg(
        out,
        "type-zero",
        "Transaction type 0, correctly signed.",
        sm2Pub,
        "token.bad_field",
        rawToken(type0, sm2.sign(DisputeToken.signedBytes(type0))));

    byte[] currency0 = claim.toBytes();
    currency0[18] = 0;
    currency0[19] = 0;
    neg(
        out,
        "unknown-currency",
        "Currency 0, correctly signed.",
        sm2Pub,
        "token.bad_field",
        rawToken(currency0, sm2.sign(DisputeToken.signedBytes(currency0))));

    negUrl(
        out,
        "other-terminal-key",
        "A valid token checked against another terminal's key.",
        "keys/p256.pub.pem",
        "token.key_mismatch",
        goodUrl);

    negUrl(
        out,
        "padding",
        "Base32 padding appended to the token.",
        sm2Pub,
        "token.bad_encoding",
        goodUrl + "===");

    char last = goodUrl.charAt(goodUrl.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    String nonCanonical =
        goodUrl.substring(0, goodUrl.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
    negUrl(
        out,
        "non-canonical-last-character",
        "The last character's unused bit is set: decodes to the same bytes, but is refused.",
        sm2Pub,
        "token.bad_encoding",
        nonCanonical);

    negUrl(
        out,
        "character-changed",
        "One character of the token part changed.",
        sm2Pub,
        "token.bad_signature",
        goodUrl.substring(0, 100)
            + (goodUrl.charAt(100) == 'A' ? 'B' : 'A')
            + goodUrl.substring(101));

    negUrl(
        out,
        "no-dispute-path",
        "The path is /X/ instead of /D/.",
        sm2Pub,
        "token.bad_link",
        goodUrl.replace("/D/", "/X/"));

    negUrl(
        out,
        "oversize",
        "A 600-character token.",
        sm2Pub,
        "token.too_long",
        BASE + "/D/" + "A".repeat(600));
    return out;
  }

  private static byte[] rawToken(byte[] claim, byte[] signature) {
    return dev.fangxin.protocol.v1.DisputeToken.newBuilder()
        .setClaim(ByteString.copyFrom(claim))
        .setSignature(ByteString.copyFrom(signature))
        .build()
        .toByteArray();
  }

  private static void neg(
      JsonArray out, String name, String why, String pub, String reason, byte[] token) {
    JsonObject v = new JsonObject();
    v.addProperty("name", name);
    v.addProperty("why", why);
    v.addProperty("public_key", pub);
    v.addProperty("reason", reason);
    v.addProperty("token_hex", HEX.formatHex(token));
    out.add(v);
  }

  private static void negUrl(
      JsonArray out, String name, String why, String pub, String reason, String url) {
    JsonObject v = new JsonObject();
    v.addProperty("name", name);
    v.addProperty("why", why);
    v.addProperty("public_key", pub);
    v.addProperty("reason", reason);
    v.addProperty("url", url);
    out.add(v);
  }

  private static void addKey(JsonObject v, TerminalKeyPair key) {
    v.addProperty("algorithm", key.algorithm().name());
    v.addProperty("private_key", "keys/" + key.algorithm().label() + ".key.pem");
    v.addProperty("public_key", "keys/" + key.algorithm().label() + ".pub.pem");
    v.addProperty("key_id", key.keyId().toHex());
  }

  private static void write(Path file, String description, JsonArray vectors) throws IOException {
    JsonObject root = new JsonObject();
    root.addProperty("description", description);
    root.addProperty(
        "generated_by",
        "VectorsTest#regenerate in sdk/core; test keys only, never use them elsewhere");
    root.add("vectors", vectors);
    Files.writeString(file, GSON.toJson(root) + "\n");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** SM2 with a user ID other than the default, straight through Bouncy Castle. */
  private static byte[] sm2SignWithUserId(TerminalKeyPair key, byte[] message, String userId)
      throws Exception {
    byte[] der;
    try (PemReader reader = new PemReader(new java.io.StringReader(key.toPkcs8Pem()))) {
      der = reader.readPemObject().getContent();
    }
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(der);
    BigInteger d = ECPrivateKey.getInstance(info.parsePrivateKey()).getKey();
    X9ECParameters x9 = CustomNamedCurves.getByOID(GMObjectIdentifiers.sm2p256v1);
    ECDomainParameters domain =
        new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH());
    SM2Signer signer = new SM2Signer(PlainDSAEncoding.INSTANCE, new SM3Digest());
    signer.init(
        true,
        new ParametersWithID(
            new ParametersWithRandom(
                new ECPrivateKeyParameters(d, domain), new java.security.SecureRandom()),
            userId.getBytes(StandardCharsets.US_ASCII)));
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }
}
