package dev.fangxin.core.receipt;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.key.TerminalPublicKey;
import dev.fangxin.core.link.DisputeLink;
import dev.fangxin.core.token.DisputeClaim;
import dev.fangxin.core.token.DisputeToken;
import dev.fangxin.core.token.TokenException;
import dev.fangxin.protocol.v1.ReceiptClaim;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A receipt as {@link ReceiptSigner} made it: the serialized {@code fangxin.v1.ReceiptClaim}
 * exactly as signed, its signature over {@link #LABEL} ‖ claim, and the dispute token whose claim
 * the receipt embeds (protocol/SPEC.md §7). Immutable and thread-safe.
 */
public final class SignedReceipt {
  /** The domain-separation label prepended to the receipt claim bytes before signing. */
  public static final String LABEL = "FANGXIN-RECEIPT-V1\0";

  /** The only receipt claim version this class reads and writes. */
  public static final int VERSION = 1;

  /** The largest receipt claim accepted, in bytes. */
  public static final int MAX_CLAIM_LENGTH = 4096;

  private static final byte[] LABEL_BYTES = LABEL.getBytes(StandardCharsets.US_ASCII);

  private final ReceiptClaim claim;
  private final byte[] claimBytes;
  private final byte[] signature;
  private final DisputeToken token;

  private SignedReceipt(
      ReceiptClaim claim, byte[] claimBytes, byte[] signature, DisputeToken token) {
    this.claim = claim;
    this.claimBytes = claimBytes;
    this.signature = signature;
    this.token = token;
  }

  /** A receipt just signed: {@code claimBytes} must be {@code claim}'s serialization. */
  static SignedReceipt assemble(
      ReceiptClaim claim, byte[] claimBytes, byte[] signature, DisputeToken token) {
    return new SignedReceipt(claim, claimBytes, signature, token);
  }

  /**
   * Reads the journaled form, checking structure (not signatures).
   *
   * @throws ReceiptException {@code MALFORMED}, or a {@link TokenException} for a bad embedded
   *     token
   */
  public static SignedReceipt fromProto(dev.fangxin.protocol.v1.SignedReceipt proto) {
    requireNonNull(proto, "proto == null");
    byte[] claimBytes = proto.getClaim().toByteArray();
    if (claimBytes.length > MAX_CLAIM_LENGTH) {
      throw malformed(
          "the receipt claim is " + claimBytes.length + " bytes; the limit is " + MAX_CLAIM_LENGTH);
    }
    ReceiptClaim claim;
    try {
      claim = ReceiptClaim.parseFrom(claimBytes);
    } catch (InvalidProtocolBufferException e) {
      throw new ReceiptException(
          ReceiptException.Reason.MALFORMED, "the receipt claim is not protobuf", e);
    }
    if (claim.getVersion() != VERSION) {
      throw malformed(
          "receipt claim version " + claim.getVersion() + " is not supported; expected " + VERSION);
    }
    byte[] signature = proto.getSignature().toByteArray();
    if (signature.length != DisputeToken.SIGNATURE_LENGTH) {
      throw malformed("the receipt signature is " + signature.length + " bytes, expected 64");
    }
    DisputeToken token =
        DisputeToken.of(
            claim.getDisputeClaim().toByteArray(), proto.getTokenSignature().toByteArray());
    return new SignedReceipt(claim, claimBytes, signature, token);
  }

  /** Returns {@link #LABEL} ‖ {@code claimBytes}: the exact byte string that is signed. */
  public static byte[] signedBytes(byte[] claimBytes) {
    byte[] out = Arrays.copyOf(LABEL_BYTES, LABEL_BYTES.length + claimBytes.length);
    System.arraycopy(claimBytes, 0, out, LABEL_BYTES.length, claimBytes.length);
    return out;
  }

  /**
   * Checks both signatures against {@code key}.
   *
   * @throws TokenException if the token does not verify
   * @throws ReceiptException {@code BAD_SIGNATURE} if the receipt signature does not verify
   */
  public void verify(TerminalPublicKey key) {
    requireNonNull(key, "key == null");
    token.verify(key);
    if (!key.verify(signedBytes(claimBytes), signature)) {
      throw new ReceiptException(
          ReceiptException.Reason.BAD_SIGNATURE,
          "the receipt signature of sequence "
              + sequence()
              + " does not verify with key "
              + key.keyId());
    }
  }

  /** The journaled protobuf form. */
  public dev.fangxin.protocol.v1.SignedReceipt toProto() {
    return dev.fangxin.protocol.v1.SignedReceipt.newBuilder()
        .setClaim(ByteString.copyFrom(claimBytes))
        .setSignature(ByteString.copyFrom(signature))
        .setTokenSignature(ByteString.copyFrom(token.signature()))
        .build();
  }

  /** The dispute link for this receipt under {@code base}, e.g. {@code https://fx.example.cn}. */
  public DisputeLink link(String base) {
    return DisputeLink.of(base, token);
  }

  /** The parsed receipt claim. */
  public ReceiptClaim claim() {
    return claim;
  }

  /** The exact signed claim bytes (without the label): a copy. */
  public byte[] claimBytes() {
    return claimBytes.clone();
  }

  /** The raw 64-byte receipt signature: a copy. */
  public byte[] signature() {
    return signature.clone();
  }

  public DisputeToken token() {
    return token;
  }

  public DisputeClaim disputeClaim() {
    return token.claim();
  }

  public KeyId keyId() {
    return token.claim().keyId();
  }

  public long sequence() {
    return token.claim().sequence();
  }

  /** The digest of the previous receipt's signature this receipt carries; empty for a first. */
  public byte[] previousSignatureDigest() {
    return claim.getPreviousSignatureDigest().toByteArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedReceipt other
        && Arrays.equals(claimBytes, other.claimBytes)
        && Arrays.equals(signature, other.signature)
        && token.equals(other.token);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "SignedReceipt{key=" + keyId() + ", sequence=" + sequence() + "}";
  }

  private static ReceiptException malformed(String message) {
    return new ReceiptException(ReceiptException.Reason.MALFORMED, message);
  }
}
