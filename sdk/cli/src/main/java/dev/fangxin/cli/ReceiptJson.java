package dev.fangxin.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.SignatureEncoding;
import dev.fangxin.core.receipt.SignedReceipt;
import dev.fangxin.core.token.DisputeClaim;
import dev.fangxin.core.token.DisputeToken;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The receipt file {@code fangxin sign} writes: the claim for people, and for machines the exact
 * signed bytes and signatures (raw and, for SM2 and ECDSA, DER as OpenSSL wants them), so that
 * anyone can check them with the commands in protocol/SPEC.md §3.1.
 */
final class ReceiptJson {
  private static final HexFormat HEX = HexFormat.of();

  private ReceiptJson() {}

  static String render(SignedReceipt receipt, SignatureAlgorithm algorithm, String link) {
    DisputeClaim claim = receipt.disputeClaim();
    JsonObject root = new JsonObject();
    root.addProperty("key_id", claim.keyId().toHex());
    root.addProperty("algorithm", algorithm.name());
    root.addProperty("sequence", claim.sequence());
    root.addProperty("type", claim.type().name());
    JsonObject amount = new JsonObject();
    amount.addProperty("minor_units", claim.amount().minorUnits());
    amount.addProperty("currency", claim.amount().currency());
    amount.addProperty("display", claim.amount().toString());
    root.add("amount", amount);
    root.addProperty("issued_at", claim.issuedAt().getEpochSecond());
    root.addProperty("issued_at_utc", claim.issuedAt().toString());
    root.addProperty("dispute_link", link);
    try {
      root.add(
          "receipt_claim", JsonParser.parseString(JsonFormat.printer().print(receipt.claim())));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    JsonObject signatures = new JsonObject();
    signatures.add(
        "token",
        signature(
            DisputeToken.signedBytes(receipt.token().claimBytes()),
            receipt.token().signature(),
            algorithm));
    signatures.add(
        "receipt",
        signature(SignedReceipt.signedBytes(receipt.claimBytes()), receipt.signature(), algorithm));
    root.add("signatures", signatures);
    root.addProperty(
        "signed_receipt_base64",
        Base64.getEncoder().encodeToString(receipt.toProto().toByteArray()));
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root) + "\n";
  }

  private static JsonObject signature(byte[] signed, byte[] raw, SignatureAlgorithm algorithm) {
    JsonObject o = new JsonObject();
    o.addProperty("signed_bytes_hex", HEX.formatHex(signed));
    o.addProperty("signature_hex", HEX.formatHex(raw));
    if (algorithm != SignatureAlgorithm.ED25519) {
      o.addProperty("signature_der_hex", HEX.formatHex(SignatureEncoding.toDer(raw)));
    }
    return o;
  }

  static String iso(Instant t) {
    return t.toString();
  }
}
