package dev.fangxin.core.token;

import static java.util.Objects.requireNonNull;

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
  public static final int SIGNATURE_LENGTH = SignedEnvelope.SIGNATURE_LENGTH;

  private static final byte[] LABEL_BYTES = LABEL.getBytes(StandardCharsets.US_ASCII);

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
    byte[] claimBytes = claim.toBytes();
    return new DisputeToken(
        claim, claimBytes, SignedEnvelope.sign(claim.keyId(), key, LABEL_BYTES, claimBytes));
  }

  /**
   * Assembles a token from claim bytes and a signature made elsewhere, checking structure and field
   * ranges but not the signature.
   */
  public static DisputeToken of(byte[] claimBytes, byte[] signature) {
    requireNonNull(claimBytes, "claimBytes == null");
    requireNonNull(signature, "signature == null");
    DisputeClaim claim = DisputeClaim.parse(claimBytes);
    SignedEnvelope.requireSignatureLength(signature);
    return new DisputeToken(claim, claimBytes.clone(), signature.clone());
  }

  /**
   * Parses the canonical bytes of a token. Does not verify the signature.
   *
   * @throws TokenException naming the first structural problem found
   */
  public static DisputeToken parse(byte[] bytes) {
    SignedEnvelope envelope =
        SignedEnvelope.parse(
            bytes,
            MAX_LENGTH,
            "token",
            // The version decides the rest of the layout, so it is checked before anything else.
            claimBytes -> {
              if (claimBytes.length > 0 && (claimBytes[0] & 0xFF) != DisputeClaim.VERSION) {
                DisputeClaim.parse(claimBytes);
              }
            });
    DisputeToken token = of(envelope.claim(), envelope.signature());
    envelope.requireCanonical(bytes, "token");
    return token;
  }

  /** Returns {@link #LABEL} ‖ {@code claimBytes}: the exact byte string that is signed. */
  public static byte[] signedBytes(byte[] claimBytes) {
    return SignedEnvelope.signedBytes(LABEL_BYTES, claimBytes);
  }

  /**
   * Checks that {@code key} is the key this token names and that its signature verifies.
   *
   * @throws TokenException {@code KEY_MISMATCH} or {@code BAD_SIGNATURE}
   */
  public void verify(TerminalPublicKey key) {
    SignedEnvelope.verify(key, claim.keyId(), LABEL_BYTES, claimBytes, signature, "token");
  }

  /** The canonical encoding: a new array on each call. */
  public byte[] toBytes() {
    return SignedEnvelope.encode(claimBytes, signature);
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
