package dev.fangxin.core.key;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SM3Digest;

/**
 * The signature algorithms a terminal key may use. Every signature is a raw 64-byte string; see
 * {@link TerminalKeyPair#sign(byte[])} for the exact encoding of each.
 *
 * <p>Immutable and thread-safe.
 */
public enum SignatureAlgorithm {
  /**
   * SM2 over the curve sm2p256v1 with SM3 (GM/T 0003, GB/T 32918), user ID {@link
   * TerminalKeyPair#SM2_USER_ID}. Signature = r ‖ s, each 32 bytes big-endian. The default.
   */
  SM2_SM3("sm2", dev.fangxin.protocol.v1.SignatureAlgorithm.SIGNATURE_ALGORITHM_SM2_SM3),
  /**
   * ECDSA over NIST P-256 (prime256v1) with SHA-256, deterministic nonce per RFC 6979. Signature =
   * r ‖ s, each 32 bytes big-endian; s is not normalised to the lower half of the group order.
   */
  ECDSA_P256_SHA256(
      "p256", dev.fangxin.protocol.v1.SignatureAlgorithm.SIGNATURE_ALGORITHM_ECDSA_P256_SHA256),
  /** Ed25519 (RFC 8032, pure, no context). Signature = R ‖ S as RFC 8032 encodes it. */
  ED25519("ed25519", dev.fangxin.protocol.v1.SignatureAlgorithm.SIGNATURE_ALGORITHM_ED25519);

  private final String label;
  private final dev.fangxin.protocol.v1.SignatureAlgorithm proto;

  SignatureAlgorithm(String label, dev.fangxin.protocol.v1.SignatureAlgorithm proto) {
    this.label = label;
    this.proto = proto;
  }

  /**
   * The short lower-case name used on command lines: {@code sm2}, {@code p256}, {@code ed25519}.
   */
  public String label() {
    return label;
  }

  /** The protobuf value for this algorithm. Never {@code UNSPECIFIED}. */
  public dev.fangxin.protocol.v1.SignatureAlgorithm toProto() {
    return proto;
  }

  /**
   * The algorithm for a protobuf value.
   *
   * @throws KeyException with {@link KeyException.Reason#UNKNOWN_ALGORITHM} for {@code
   *     UNSPECIFIED}, {@code UNRECOGNIZED} or any value this SDK does not know
   */
  public static SignatureAlgorithm fromProto(dev.fangxin.protocol.v1.SignatureAlgorithm proto) {
    requireNonNull(proto, "proto == null");
    for (SignatureAlgorithm a : values()) {
      if (a.proto == proto) {
        return a;
      }
    }
    throw new KeyException(
        KeyException.Reason.UNKNOWN_ALGORITHM,
        "Signature algorithm "
            + proto
            + " is not supported; expected one of SM2_SM3, ECDSA_P256_SHA256, ED25519.");
  }

  /**
   * The algorithm named by {@code label}, compared case-insensitively against {@link #label()} (for
   * command-line flags).
   *
   * @throws KeyException with {@link KeyException.Reason#UNKNOWN_ALGORITHM} naming the accepted
   *     labels
   */
  public static SignatureAlgorithm parse(String label) {
    requireNonNull(label, "label == null");
    String wanted = label.trim().toLowerCase(Locale.ROOT);
    for (SignatureAlgorithm a : values()) {
      if (a.label.equals(wanted)) {
        return a;
      }
    }
    throw new KeyException(
        KeyException.Reason.UNKNOWN_ALGORITHM,
        "Unknown signature algorithm \"" + label + "\"; expected one of: sm2, p256, ed25519.");
  }

  /**
   * The hash this algorithm family uses, over {@code data}: SM3 for {@link #SM2_SM3}, SHA-256 for
   * the other two. Used for the receipt hash chain, not for signing (SM2 hashes Z ‖ message, and
   * Ed25519 hashes internally with SHA-512). Returns 32 bytes. Thread-safe.
   */
  public byte[] digest(byte[] data) {
    requireNonNull(data, "data == null");
    Digest d = this == SM2_SM3 ? new SM3Digest() : new SHA256Digest();
    d.update(data, 0, data.length);
    byte[] out = new byte[d.getDigestSize()];
    d.doFinal(out, 0);
    return out;
  }
}
