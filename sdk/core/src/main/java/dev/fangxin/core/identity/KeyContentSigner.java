package dev.fangxin.core.identity;

import dev.fangxin.core.key.SignatureAlgorithm;
import dev.fangxin.core.key.TerminalKeyPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.ContentSigner;

/**
 * A Bouncy Castle {@link ContentSigner} backed by a {@link TerminalKeyPair}, for self-signed
 * certificates and PKCS#10 requests. X.509 wants DER signatures for SM2 and ECDSA, so the raw r ‖ s
 * is re-encoded as {@code SEQUENCE { INTEGER r, INTEGER s }}; Ed25519 stays raw (RFC 8410).
 *
 * <p>Algorithm identifiers: {@code SM3withSM2} (1.2.156.10197.1.501, SM2 user ID 1234567812345678),
 * {@code ecdsa-with-SHA256} (1.2.840.10045.4.3.2), {@code id-Ed25519} (1.3.101.112); all without
 * parameters. One instance signs once; not thread-safe.
 */
final class KeyContentSigner implements ContentSigner {
  private final TerminalKeyPair key;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

  KeyContentSigner(TerminalKeyPair key) {
    this.key = key;
  }

  @Override
  public AlgorithmIdentifier getAlgorithmIdentifier() {
    switch (key.algorithm()) {
      case SM2_SM3:
        return new AlgorithmIdentifier(GMObjectIdentifiers.sm2sign_with_sm3);
      case ECDSA_P256_SHA256:
        return new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
      case ED25519:
        return new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);
    }
    throw new AssertionError(key.algorithm());
  }

  @Override
  public OutputStream getOutputStream() {
    return buffer;
  }

  @Override
  public byte[] getSignature() {
    byte[] raw = key.sign(buffer.toByteArray());
    if (key.algorithm() == SignatureAlgorithm.ED25519) {
      return raw;
    }
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(raw, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(raw, 32, 64));
    try {
      return new DERSequence(new ASN1Encodable[] {new ASN1Integer(r), new ASN1Integer(s)})
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding of a signature failed", e);
    }
  }
}
