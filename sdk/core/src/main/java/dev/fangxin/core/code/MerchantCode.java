package dev.fangxin.core.code;

import static java.util.Objects.requireNonNull;

import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.key.TerminalPublicKey;
import dev.fangxin.core.token.SignedEnvelope;
import dev.fangxin.core.token.TokenException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A signed {@link MerchantCodeClaim}: the payload of a collection code's link. Its bytes are the
 * protobuf {@code fangxin.v1.MerchantCodeToken}: the exact 13 claim bytes and the raw 64-byte
 * signature over {@link #LABEL} ‖ claim (protocol/SPEC.md §15), {@value #V1_LENGTH} bytes in all.
 *
 * <p>{@link #parse} accepts only the canonical encoding and refuses bad input with the same {@link
 * TokenException} reasons as a dispute token; {@link #verify} checks the signature. Immutable and
 * thread-safe.
 */
public final class MerchantCode {
  /** The domain-separation label prepended to the claim bytes before signing. */
  public static final String LABEL = "FANGXIN-MERCHANT-CODE-V1\0";

  /** The length of an encoded version-1 code: 2 + 13 + 2 + 64. */
  public static final int V1_LENGTH = 81;

  /** No code of any version may be longer; longer input is refused before parsing. */
  public static final int MAX_LENGTH = 256;

  private static final byte[] LABEL_BYTES = LABEL.getBytes(StandardCharsets.US_ASCII);

  private final MerchantCodeClaim claim;
  private final byte[] claimBytes;
  private final byte[] signature;

  private MerchantCode(MerchantCodeClaim claim, byte[] claimBytes, byte[] signature) {
    this.claim = claim;
    this.claimBytes = claimBytes;
    this.signature = signature;
  }

  /**
   * Signs {@code claim} with the collection code's key.
   *
   * @throws IllegalArgumentException if the claim names a different key ID than {@code key}
   */
  public static MerchantCode sign(MerchantCodeClaim claim, TerminalKeyPair key) {
    requireNonNull(claim, "claim == null");
    byte[] claimBytes = claim.toBytes();
    return new MerchantCode(
        claim, claimBytes, SignedEnvelope.sign(claim.keyId(), key, LABEL_BYTES, claimBytes));
  }

  /**
   * Parses the canonical bytes of a code. Does not verify the signature.
   *
   * @throws TokenException naming the first structural problem found
   */
  public static MerchantCode parse(byte[] bytes) {
    SignedEnvelope envelope =
        SignedEnvelope.parse(
            bytes,
            MAX_LENGTH,
            "collection code",
            claimBytes -> {
              if (claimBytes.length > 0 && (claimBytes[0] & 0xFF) != MerchantCodeClaim.VERSION) {
                MerchantCodeClaim.parse(claimBytes);
              }
            });
    byte[] claimBytes = envelope.claim();
    MerchantCodeClaim claim = MerchantCodeClaim.parse(claimBytes);
    byte[] signature = envelope.signature();
    SignedEnvelope.requireSignatureLength(signature);
    envelope.requireCanonical(bytes, "collection code");
    return new MerchantCode(claim, claimBytes, signature);
  }

  /** Returns {@link #LABEL} ‖ {@code claimBytes}: the exact byte string that is signed. */
  public static byte[] signedBytes(byte[] claimBytes) {
    return SignedEnvelope.signedBytes(LABEL_BYTES, claimBytes);
  }

  /**
   * Checks that {@code key} is the key this code names and that its signature verifies.
   *
   * @throws TokenException {@code KEY_MISMATCH} or {@code BAD_SIGNATURE}
   */
  public void verify(TerminalPublicKey key) {
    SignedEnvelope.verify(
        key, claim.keyId(), LABEL_BYTES, claimBytes, signature, "collection code");
  }

  /** The canonical encoding: a new array on each call. */
  public byte[] toBytes() {
    return SignedEnvelope.encode(claimBytes, signature);
  }

  public MerchantCodeClaim claim() {
    return claim;
  }

  /** The raw 64-byte signature: a copy. */
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MerchantCode other
        && Arrays.equals(claimBytes, other.claimBytes)
        && Arrays.equals(signature, other.signature);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(claimBytes) * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "MerchantCode{" + claim + "}";
  }
}
