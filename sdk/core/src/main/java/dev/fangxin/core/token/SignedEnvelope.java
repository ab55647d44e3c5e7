package dev.fangxin.core.token;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.key.TerminalKeyPair;
import dev.fangxin.core.key.TerminalPublicKey;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The two-field protobuf framing every Fangxin QR token uses: field 1 the exact signed claim bytes,
 * field 2 the raw 64-byte signature, nothing else and nothing after (protocol/SPEC.md §5, §15).
 * Shared by {@link DisputeToken} and the merchant collection code so that both refuse malformed
 * input with the same reasons. Stateless and thread-safe.
 */
public final class SignedEnvelope {
  /** The length of every signature Fangxin uses (SM2 and ECDSA r‖s, Ed25519). */
  public static final int SIGNATURE_LENGTH = 64;

  // Protobuf tags: field number << 3 | wire type 2 (length-delimited).
  private static final int CLAIM_TAG = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SIGNATURE_TAG = 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private final byte[] claim;
  private final byte[] signature;

  private SignedEnvelope(byte[] claim, byte[] signature) {
    this.claim = claim;
    this.signature = signature;
  }

  /**
   * Reads the claim and the signature fields of {@code bytes}. {@code claimCheck} runs on the claim
   * bytes before the signature is read, so that a claim of an unknown version is refused as such
   * even when the rest does not parse. Checks neither the signature's length nor canonical
   * encoding: see {@link #requireSignatureLength} and {@link #requireCanonical}.
   *
   * @param what how the input is named in messages, e.g. {@code "token"}
   * @throws TokenException {@code TOO_LONG}, {@code MALFORMED} or {@code TRAILING_BYTES}
   */
  public static SignedEnvelope parse(
      byte[] bytes, int maxLength, String what, Consumer<byte[]> claimCheck) {
    requireNonNull(bytes, "bytes == null");
    if (bytes.length > maxLength) {
      throw new TokenException(
          TokenException.Reason.TOO_LONG,
          "a " + what + " is at most " + maxLength + " bytes, got " + bytes.length);
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      byte[] claim = readField(in, CLAIM_TAG, what, "claim (field 1)");
      claimCheck.accept(claim);
      byte[] signature = readField(in, SIGNATURE_TAG, what, "signature (field 2)");
      if (!in.isAtEnd()) {
        throw new TokenException(
            TokenException.Reason.TRAILING_BYTES,
            (bytes.length - in.getTotalBytesRead()) + " bytes follow the signature");
      }
      return new SignedEnvelope(claim, signature);
    } catch (InvalidProtocolBufferException e) {
      throw new TokenException(
          TokenException.Reason.MALFORMED, "the " + what + " is truncated or not protobuf", e);
    } catch (IOException e) {
      throw new TokenException(
          TokenException.Reason.MALFORMED, "the " + what + " is unreadable", e);
    }
  }

  private static byte[] readField(CodedInputStream in, int expectedTag, String what, String name)
      throws IOException {
    int tag = in.readTag();
    if (tag == 0) {
      throw new TokenException(
          TokenException.Reason.MALFORMED, "the " + what + " ends before " + name);
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

  /**
   * Encodes claim and signature canonically: {@code 0a <len> claim 12 <len> signature} with minimal
   * lengths.
   */
  public static byte[] encode(byte[] claim, byte[] signature) {
    requireNonNull(claim, "claim == null");
    requireNonNull(signature, "signature == null");
    int size =
        CodedOutputStream.computeByteArraySize(1, claim)
            + CodedOutputStream.computeByteArraySize(2, signature);
    byte[] out = new byte[size];
    CodedOutputStream stream = CodedOutputStream.newInstance(out);
    try {
      stream.writeByteArray(1, claim);
      stream.writeByteArray(2, signature);
      stream.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("encoding into an exactly sized array failed", e);
    }
    return out;
  }

  /**
   * Refuses a signature that is not {@value #SIGNATURE_LENGTH} bytes.
   *
   * @throws TokenException {@code MALFORMED}
   */
  public static void requireSignatureLength(byte[] signature) {
    if (signature.length != SIGNATURE_LENGTH) {
      throw new TokenException(
          TokenException.Reason.MALFORMED,
          "the signature is " + SIGNATURE_LENGTH + " bytes, got " + signature.length);
    }
  }

  /**
   * Refuses {@code bytes} unless they are exactly the canonical encoding of this envelope.
   *
   * @throws TokenException {@code MALFORMED}
   */
  public void requireCanonical(byte[] bytes, String what) {
    if (!Arrays.equals(encode(claim, signature), bytes)) {
      throw new TokenException(
          TokenException.Reason.MALFORMED, "the " + what + " is not canonically encoded");
    }
  }

  /** Returns {@code label} ‖ {@code claim}: the exact byte string that is signed. */
  public static byte[] signedBytes(byte[] label, byte[] claim) {
    byte[] out = Arrays.copyOf(label, label.length + claim.length);
    System.arraycopy(claim, 0, out, label.length, claim.length);
    return out;
  }

  /**
   * Signs {@code label} ‖ {@code claimBytes} with {@code key}, which must be the key the claim
   * names.
   *
   * @throws IllegalArgumentException if {@code claimKeyId} is not {@code key}'s ID
   */
  public static byte[] sign(
      KeyId claimKeyId, TerminalKeyPair key, byte[] label, byte[] claimBytes) {
    requireNonNull(key, "key == null");
    if (!claimKeyId.equals(key.keyId())) {
      throw new IllegalArgumentException(
          "claim key ID " + claimKeyId + " != signing key ID " + key.keyId());
    }
    return key.sign(signedBytes(label, claimBytes));
  }

  /**
   * Checks that {@code key} is the key the claim names and that {@code signature} over {@code
   * label} ‖ {@code claimBytes} verifies with it.
   *
   * @param what how the signed thing is named in messages, e.g. {@code "token"}
   * @throws TokenException {@code KEY_MISMATCH} or {@code BAD_SIGNATURE}
   */
  public static void verify(
      TerminalPublicKey key,
      KeyId claimKeyId,
      byte[] label,
      byte[] claimBytes,
      byte[] signature,
      String what) {
    requireNonNull(key, "key == null");
    if (!key.keyId().equals(claimKeyId)) {
      throw new TokenException(
          TokenException.Reason.KEY_MISMATCH,
          "the " + what + " was signed by key " + claimKeyId + ", not by key " + key.keyId());
    }
    if (!key.verify(signedBytes(label, claimBytes), signature)) {
      throw new TokenException(
          TokenException.Reason.BAD_SIGNATURE,
          "the signature does not verify with key " + key.keyId() + " (" + key.algorithm() + ")");
    }
  }

  /** The claim bytes as read: a copy. */
  public byte[] claim() {
    return claim.clone();
  }

  /** The signature bytes as read: a copy. */
  public byte[] signature() {
    return signature.clone();
  }
}
