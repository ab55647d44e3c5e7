package dev.fangxin.gateway.api;

import dev.fangxin.core.key.KeyException;
import dev.fangxin.core.key.Pem;
import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalPublicKey;
import java.io.IOException;
import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Reads a PKCS#10 certification request and checks its self-signature with the key it carries
 * (SM3withSM2 with user ID 1234567812345678, ecdsa-with-SHA256 or Ed25519, as {@code
 * TerminalIdentity.certificationRequestPem} writes them). Stateless and thread-safe.
 */
final class CertificationRequests {
  private CertificationRequests() {}

  /** The key and subject of a verified request. */
  static final class Verified {
    final TerminalPublicKey key;
    final String subject;

    Verified(TerminalPublicKey key, String subject) {
      this.key = key;
      this.subject = subject;
    }
  }

  /**
   * The public key of the request in {@code pem}, after checking its signature.
   *
   * @throws IllegalArgumentException with a sentence saying what is wrong: not PEM, not DER, an
   *     unsupported key or signature algorithm, or a signature that does not verify
   */
  static Verified verify(String pem) {
    byte[] der;
    try {
      der = Pem.decode("CERTIFICATE REQUEST", pem);
    } catch (KeyException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    CertificationRequest csr;
    byte[] info;
    try {
      ASN1Primitive parsed = ASN1Primitive.fromByteArray(der);
      csr = CertificationRequest.getInstance(parsed);
      if (csr == null || !java.util.Arrays.equals(parsed.getEncoded(ASN1Encoding.DER), der)) {
        throw new IllegalArgumentException(
            "The certification request is not DER-encoded PKCS#10 (RFC 2986).");
      }
      info = csr.getCertificationRequestInfo().getEncoded(ASN1Encoding.DER);
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException
          && e.getMessage() != null
          && e.getMessage().startsWith("The certification request")) {
        throw (IllegalArgumentException) e;
      }
      throw new IllegalArgumentException(
          "The certification request is not DER-encoded PKCS#10 (RFC 2986).", e);
    }
    TerminalPublicKey key;
    try {
      key =
          TerminalPublicKey.fromSpki(
              csr.getCertificationRequestInfo()
                  .getSubjectPublicKeyInfo()
                  .getEncoded(ASN1Encoding.DER));
    } catch (KeyException | IOException e) {
      throw new IllegalArgumentException(
          "The certification request's public key is not accepted: " + e.getMessage(), e);
    }
    ASN1ObjectIdentifier alg = csr.getSignatureAlgorithm().getAlgorithm();
    ASN1ObjectIdentifier expected = expectedAlgorithm(key.algorithm());
    if (!alg.equals(expected)) {
      throw new IllegalArgumentException(
          "The certification request is signed with algorithm "
              + alg.getId()
              + "; a "
              + key.algorithm()
              + " key must sign it with "
              + expected.getId()
              + ".");
    }
    if (csr.getSignatureAlgorithm().getParameters() != null
        && !(csr.getSignatureAlgorithm().getParameters().toASN1Primitive()
            instanceof org.bouncycastle.asn1.ASN1Null)) {
      throw new IllegalArgumentException(
          "The certification request's signature algorithm has parameters; none are expected.");
    }
    if (csr.getSignature().getPadBits() != 0) {
      throw new IllegalArgumentException("The certification request's signature has unused bits.");
    }
    byte[] signature = csr.getSignature().getOctets();
    byte[] raw = key.algorithm() == SignatureAlgorithm.ED25519 ? signature : rawFromDer(signature);
    if (raw == null || !key.verify(info, raw)) {
      throw new IllegalArgumentException(
          "The certification request's signature does not verify with the public key it"
              + " carries; it was altered or not signed by that key.");
    }
    return new Verified(key, csr.getCertificationRequestInfo().getSubject().toString());
  }

  private static ASN1ObjectIdentifier expectedAlgorithm(SignatureAlgorithm algorithm) {
    switch (algorithm) {
      case SM2_SM3:
        return GMObjectIdentifiers.sm2sign_with_sm3;
      case ECDSA_P256_SHA256:
        return X9ObjectIdentifiers.ecdsa_with_SHA256;
      case ED25519:
        return EdECObjectIdentifiers.id_Ed25519;
    }
    throw new AssertionError(algorithm);
  }

  /** {@code SEQUENCE { INTEGER r, INTEGER s }} as r ‖ s (32 bytes each), or null if malformed. */
  private static byte[] rawFromDer(byte[] der) {
    try {
      ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
      if (seq.size() != 2) {
        return null;
      }
      BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getPositiveValue();
      BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getPositiveValue();
      byte[] out = new byte[64];
      if (!put(r, out, 0) || !put(s, out, 32)) {
        return null;
      }
      return out;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static boolean put(BigInteger v, byte[] out, int offset) {
    if (v.signum() <= 0 || v.bitLength() > 256) {
      return false;
    }
    byte[] b = v.toByteArray();
    int start = b.length > 32 ? b.length - 32 : 0;
    int len = b.length - start;
    System.arraycopy(b, start, out, offset + 32 - len, len);
    return true;
  }
}
