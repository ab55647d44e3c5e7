package dev.fangxin.core.token;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.key.TerminalPublicKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A signed {@link DisputeClaim}: the payload of a dispute link. Its bytes are the protobuf {@code
 * fangxin.v1.DisputeToken} with the exact claim bytes that were signed and the raw 64-byte
 * signature over {@link #LABEL} ‖ claim (protocol/SPEC.md §5). A version-1 token is always {@value
 * #V1_LENGTH} bytes.
 *
 * <p>{@link #parse} accepts only the canonical encoding: field 1 then field 2, minimal lengths,
 * nothing else and nothing after. Parsing checks structure and field ranges; {@link #verify} checks
 * the signature. Instances are immutable and thread-safe.
 */
public final class DisputeToken {
  /** The domain-separation label prepended to the claim bytes before signing. */
  public static final String LABEL = "FANGXIN-DISPUTE-V1\0";

  /** The length of an encoded version-1 token: 2 + 25 + 2 + 64. */
  public static final int V1_LENGTH = 93;

  /** No token of any version may be longer; longer input is refused before parsing. */
  public static final int MAX_LENGTH = 256;

  /** The length of every signature Fangxin uses (SM2 and ECDSA r‖s, Ed25519). */
  public static final int SIGNATURE_LENGTH = 64;

  private static final byte[] LABEL_BYTES = LABEL.getBytes(StandardCharsets.US_ASCII);
  // Protobuf tags: field number << 3 | wire type 2 (length-delimited).
  private static final int CLAIM_TAG = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SIGNATURE_TAG = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private final DisputeClaim claim;
  private final byte[] claimBytes;
  private final byte[] signature;

  private DisputeToken(DisputeClaim claim, byte[] claimBytes, byte[] signature) {
    this.claim = claim;
    this.claimBytes = claimBytes;
    this.signature = signature;
  }

  /**
   * Signs {@code claim} with {@code key}.
   *
   * @throws IllegalArgumentException if the claim names a different key ID than {@code key}
   */
  public static DisputeToken sign(DisputeClaim claim, TerminalKeyPair key) {
    requireNonNull(claim, "claim == null");
    requireNonNull(key, "key == null");
    if (!claim.keyId().equals(key.keyId())) {
      throw new IllegalArgumentException(
          "claim key ID " + claim.keyId() + " != signing key ID " + key.keyId());
    }
    byte[] claimBytes = claim.toBytes();
    return new DisputeToken(claim, claimBytes, key.sign(signedBytes(claimBytes)));
  }

  /**
   * Assembles a token from claim bytes and a signature made elsewhere, checking structure and field
   * ranges but not the signature.
   */
  public static DisputeToken of(byte[] claimBytes, byte[] signature) {
    requireNonNull(claimBytes, "claimBytes == null");
    requireNonNull(signature, "signature == null");
    DisputeClaim claim = DisputeClaim.parse(claimBytes);
    if (signature.length != SIGNATURE_LENGTH) {
      throw new TokenException(
          TokenException.Reason.MALFORMED,
          "the signature is " + SIGNATURE_LENGTH + " bytes, got " + signature.length);
    }
    return new DisputeToken(claim, claimBytes.clone(), signature.clone());
  }

  /**
   * Parses the canonical bytes of a token. Does not verify the signature.
   *
   * @throws TokenException naming the first structural problem found
   */
  public static DisputeToken parse(byte[] bytes) {
    requireNonNull(bytes, "bytes == null");
    if (bytes.length > MAX_LENGTH) {
      throw new TokenException(
          TokenException.Reason.TOO_LONG,
          "a token is at most " + MAX_LENGTH + " bytes, got " + bytes.length);
    }
    byte[] claimBytes;
    byte[] signature;
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      claimBytes = readField(in, CLAIM_TAG, "claim (field 1)");
      // The version decides the rest of the layout, so it is checked before anything else.
      if (claimBytes.length > 0 && (claimBytes[0] & 0xFF) != DisputeClaim.VERSION) {
        DisputeClaim.parse(claimBytes);
      }
      signature = readField(in, SIGNATURE_TAG, "signature (field 2)");
      if (!in.isAtEnd()) {
        throw new TokenException(
            TokenException.Reason.TRAILING_BYTES,
            (bytes.length - in.getTotalBytesRead()) + " bytes follow the signature");
      }
    } catch (InvalidProtocolBufferException e) {
      throw new TokenException(
          TokenException.Reason.MALFORMED, "the token is truncated or not protobuf", e);
    } catch (java.io.IOException e) {
      throw new TokenException(TokenException.Reason.MALFORMED, "the token is unreadable", e);
    }
    DisputeToken token = of(claimBytes, signature);
    if (!Arrays.equals(token.toBytes(), bytes)) {
      throw new TokenException(
          TokenException.Reason.MALFORMED, "the token is not canonically encoded");
    }
    return token;
  }

  private static byte[] readField(CodedInputStream in, int expectedTag, String name)
      throws java.io.IOException {
    int tag = in.readTag();
    if (tag == 0) {
      throw new TokenException(TokenException.Reason.MALFORMED, "the token ends before " + name);
    }
    if (tag != expectedTag) {
      throw new TokenException(
          TokenException.Reason.MALFORMED,
          "expected "
              + name
              + ", found field "
              + WireFormat.getTagFieldNumber(tag)
              + " with wire type "
              + WireFormat.getTagWireType(tag));
    }
    return in.readByteArray();
  }

  /** Returns {@link #LABEL} ‖ {@code claimBytes}: the exact byte string that is signed. */
  public static byte[] signedBytes(byte[] claimBytes) {
    byte[] out = Arrays.copyOf(LABEL_BYTES, LABEL_BYTES.length + claimBytes.length);
    System.arraycopy(claimBytes, 0, out, LABEL_BYTES.length, claimBytes.length);
    return out;
  }

  /**
   * Checks that {@code key} is the key this token names and that its signature verifies.
   *
   * @throws TokenException {@code KEY_MISMATCH} or {@code BAD_SIGNATURE}
   */
  public void verify(TerminalPublicKey key) {
    requireNonNull(key, "key == null");
    if (!key.keyId().equals(claim.keyId())) {
      throw new TokenException(
          TokenException.Reason.KEY_MISMATCH,
          "the token was signed by key " + claim.keyId() + ", not by key " + key.keyId());
    }
    if (!key.verify(signedBytes(claimBytes), signature)) {
      throw new TokenException(
          TokenException.Reason.BAD_SIGNATURE,
          "the signature does not verify with key " + key.keyId() + " (" + key.algorithm() + ")");
    }
  }

  /** The canonical encoding: a new array on each call. */
  public byte[] toBytes() {
    return dev.fangxin.protocol.v1.DisputeToken.newBuilder()
        .setClaim(ByteString.copyFrom(claimBytes))
        .setSignature(ByteString.copyFrom(signature))
        .build()
        .toByteArray();
  }

  public DisputeClaim claim() {
    return claim;
  }

  /** The exact signed claim bytes (without the label): a copy. */
  public byte[] claimBytes() {
    return claimBytes.clone();
  }

  /** The raw 64-byte signature: a copy. */
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DisputeToken other
        && Arrays.equals(claimBytes, other.claimBytes)
        && Arrays.equals(signature, other.signature);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(claimBytes) * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "DisputeToken{" + claim + "}";
  }
}
