package dev.fangxin.core.key;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;

/**
 * The two elliptic curves this package uses, taken from {@link CustomNamedCurves} (Bouncy Castle's
 * optimised field arithmetic; the generic curves from {@code GMNamedCurves}/{@code
 * ECNamedCurveTable} are 5 to 7 times slower for SM2). Built once; BC domain parameters are
 * immutable and safe to share between threads.
 */
final class Curves {
  static final ASN1ObjectIdentifier SM2P256V1 = GMObjectIdentifiers.sm2p256v1;
  static final ASN1ObjectIdentifier PRIME256V1 = SECObjectIdentifiers.secp256r1;

  static final ECNamedDomainParameters SM2 = load(SM2P256V1, "sm2p256v1");
  static final ECNamedDomainParameters P256 = load(PRIME256V1, "secp256r1");

  private Curves() {}

  /** The curve of an EC algorithm; {@code null} is never returned for EC algorithms. */
  static ECNamedDomainParameters of(SignatureAlgorithm algorithm) {
    switch (algorithm) {
      case SM2_SM3:
        return SM2;
      case ECDSA_P256_SHA256:
        return P256;
      default:
        throw new IllegalArgumentException(algorithm + " is not an elliptic-curve algorithm");
    }
  }

  private static ECNamedDomainParameters load(ASN1ObjectIdentifier oid, String name) {
    X9ECParameters x9 = CustomNamedCurves.getByOID(oid);
    if (x9 == null) {
      throw new IllegalStateException("Bouncy Castle has no custom curve " + name);
    }
    return new ECNamedDomainParameters(oid, x9);
  }
}
