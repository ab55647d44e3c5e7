package dev.fangxin.core.key;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.util.BigIntegers;

/**
 * Converts SM2 and ECDSA signatures between Fangxin's raw form ({@code r ‖ s}, 32 bytes each, as
 * tokens carry them) and the DER form {@code SEQUENCE { INTEGER r, INTEGER s }} that OpenSSL and
 * X.509 tooling expect (protocol/SPEC.md §3.1). Ed25519 signatures have one form only. Stateless
 * and thread-safe.
 */
public final class SignatureEncoding {
  private SignatureEncoding() {}

  /**
   * Returns the DER form of a raw 64-byte {@code r ‖ s} signature.
   *
   * @throws KeyException {@code MALFORMED_ENCODING} if {@code raw} is not 64 bytes
   */
  public static byte[] toDer(byte[] raw) {
    requireNonNull(raw, "raw == null");
    if (raw.length != 64) {
      throw new KeyException(
          KeyException.Reason.MALFORMED_ENCODING,
          "A raw signature is 64 bytes (r ‖ s), got " + raw.length + ".");
    }
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(raw, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(raw, 32, 64));
    try {
      return new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(s)})
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding of two integers failed", e);
    }
  }

  /**
   * Returns the raw 64-byte form of a DER signature, accepting only canonical DER with two
   * non-negative integers of at most 32 bytes each.
   *
   * @throws KeyException {@code MALFORMED_ENCODING} saying what is wrong
   */
  public static byte[] fromDer(byte[] der) {
    requireNonNull(der, "der == null");
    try {
      ASN1Primitive primitive = ASN1Primitive.fromByteArray(der);
      if (!(primitive instanceof ASN1Sequence seq) || seq.size() != 2) {
        throw malformed("a DER signature is a SEQUENCE of two INTEGERs");
      }
      if (!Arrays.equals(primitive.getEncoded(ASN1Encoding.DER), der)) {
        throw malformed("the signature is not canonical DER");
      }
      byte[] raw = new byte[64];
      for (int i = 0; i < 2; i++) {
        BigInteger v = ASN1Integer.getInstance(seq.getObjectAt(i)).getValue();
        if (v.signum() < 0 || v.bitLength() > 256) {
          throw malformed((i == 0 ? "r" : "s") + " does not fit 32 bytes");
        }
        System.arraycopy(BigIntegers.asUnsignedByteArray(32, v), 0, raw, 32 * i, 32);
      }
      return raw;
    } catch (IOException | IllegalArgumentException e) {
      throw new KeyException(
          KeyException.Reason.MALFORMED_ENCODING, "The DER signature is unreadable.", e);
    }
  }

  private static KeyException malformed(String why) {
    return new KeyException(
        KeyException.Reason.MALFORMED_ENCODING, "Bad DER signature: " + why + ".");
  }
}
