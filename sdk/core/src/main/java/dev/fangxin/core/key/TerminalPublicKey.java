package dev.fangxin.core.key;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.PlainDSAEncoding;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The public half of a terminal key: its algorithm, its DER SubjectPublicKeyInfo (SPKI), its {@link
 * KeyId}, and signature verification.
 *
 * <p>Accepted SPKI forms, and nothing else:
 *
 * <ul>
 *   <li>{@code id-ecPublicKey} (1.2.840.10045.2.1) with named curve {@code sm2p256v1}
 *       (1.2.156.10197.1.301) and an uncompressed point: {@link SignatureAlgorithm#SM2_SM3}. This
 *       is what OpenSSL 3 writes for an SM2 key and reads back as one.
 *   <li>{@code id-ecPublicKey} with named curve {@code prime256v1} (1.2.840.10045.3.1.7) and an
 *       uncompressed point: {@link SignatureAlgorithm#ECDSA_P256_SHA256}.
 *   <li>{@code id-Ed25519} (1.3.101.112) without parameters and a 32-byte key (RFC 8410): {@link
 *       SignatureAlgorithm#ED25519}.
 * </ul>
 *
 * The SPKI must be canonical DER (re-encoding it gives the same bytes), because the {@link KeyId}
 * hashes those bytes. The point or key is checked to lie on its curve when the key is parsed, and
 * the parsed parameters are kept so that {@link #verify} does no parsing.
 *
 * <p>Immutable and thread-safe. Two keys are equal when their SPKI bytes are equal.
 */
public final class TerminalPublicKey {
  /** The longest SPKI {@link #fromSpki} reads. */
  static final int MAX_SPKI_LENGTH = 4096;

  private static final int SIGNATURE_LENGTH = 64;

  private final SignatureAlgorithm algorithm;
  private final byte[] spki;
  private final KeyId keyId;
  private final AsymmetricKeyParameter key;

  private TerminalPublicKey(SignatureAlgorithm algorithm, byte[] spki, AsymmetricKeyParameter key) {
    this.algorithm = algorithm;
    this.spki = spki;
    this.keyId = KeyId.ofSpki(spki);
    this.key = key;
  }

  /** For {@link TerminalKeyPair}: a key already known valid. */
  static TerminalPublicKey ofEc(SignatureAlgorithm algorithm, ECPublicKeyParameters key) {
    return new TerminalPublicKey(algorithm, encodeEcSpki(algorithm, key.getQ()), key);
  }

  /** For {@link TerminalKeyPair}: a key already known valid. */
  static TerminalPublicKey ofEd25519(Ed25519PublicKeyParameters key) {
    return new TerminalPublicKey(SignatureAlgorithm.ED25519, encodeEd25519Spki(key), key);
  }

  /**
   * Parses a DER SubjectPublicKeyInfo.
   *
   * @throws KeyException {@link KeyException.Reason#MALFORMED_ENCODING} if the bytes are not a
   *     canonical DER SPKI; {@link KeyException.Reason#UNSUPPORTED_ALGORITHM} for RSA, other
   *     curves, explicit curve parameters or any other algorithm (the message names what was
   *     found); {@link KeyException.Reason#INVALID_KEY} for a compressed, malformed or off-curve
   *     point or an invalid Ed25519 key
   */
  public static TerminalPublicKey fromSpki(byte[] der) {
    requireNonNull(der, "der == null");
    if (der.length > MAX_SPKI_LENGTH) {
      throw new KeyException(
          KeyException.Reason.MALFORMED_ENCODING,
          "A SubjectPublicKeyInfo of "
              + der.length
              + " bytes is too long; at most "
              + MAX_SPKI_LENGTH
              + " are accepted.");
    }
    SubjectPublicKeyInfo info;
    try {
      info = SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
    } catch (IOException | RuntimeException e) {
      throw new KeyException(
          KeyException.Reason.MALFORMED_ENCODING,
          "The bytes are not a DER SubjectPublicKeyInfo: " + e.getMessage(),
          e);
    }
    if (info == null) {
      throw new KeyException(
          KeyException.Reason.MALFORMED_ENCODING, "The bytes are not a DER SubjectPublicKeyInfo.");
    }
    TerminalPublicKey key = parse(info);
    if (!Arrays.equals(key.spki, der)) {
      throw new KeyException(
          KeyException.Reason.MALFORMED_ENCODING,
          "The SubjectPublicKeyInfo is not in canonical DER form; its key ID would be ambiguous.");
    }
    return key;
  }

  /**
   * Parses a {@code -----BEGIN PUBLIC KEY-----} PEM block holding a SubjectPublicKeyInfo, as
   * written by {@link #toPem()} and by {@code openssl pkey -pubout}.
   *
   * @throws KeyException {@link KeyException.Reason#MALFORMED_PEM} if the text is not such a PEM
   *     block, otherwise as {@link #fromSpki(byte[])}
   */
  public static TerminalPublicKey fromPem(String pem) {
    return fromSpki(Pem.decode("PUBLIC KEY", pem));
  }

  private static TerminalPublicKey parse(SubjectPublicKeyInfo info) {
    AlgorithmIdentifier algId = info.getAlgorithm();
    ASN1ObjectIdentifier oid = algId.getAlgorithm();
    byte[] keyBytes;
    try {
      keyBytes = info.getPublicKeyData().getOctets();
    } catch (RuntimeException e) {
      throw new KeyException(
          KeyException.Reason.MALFORMED_ENCODING,
          "The public key BIT STRING has unused bits; expected whole octets.",
          e);
    }
    if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      SignatureAlgorithm algorithm = ecAlgorithm(algId.getParameters());
      ECNamedDomainParameters curve = Curves.of(algorithm);
      return ofEc(algorithm, decodeEcPoint(curve, keyBytes));
    }
    if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
      if (algId.getParameters() != null) {
        throw new KeyException(
            KeyException.Reason.MALFORMED_ENCODING,
            "An Ed25519 SubjectPublicKeyInfo must have no algorithm parameters (RFC 8410).");
      }
      if (keyBytes.length != Ed25519PublicKeyParameters.KEY_SIZE) {
        throw new KeyException(
            KeyException.Reason.INVALID_KEY,
            "An Ed25519 public key is 32 bytes, but " + keyBytes.length + " were found.");
      }
      Ed25519PublicKeyParameters ed;
      try {
        ed = new Ed25519PublicKeyParameters(keyBytes);
      } catch (RuntimeException e) {
        throw new KeyException(
            KeyException.Reason.INVALID_KEY, "The Ed25519 public key is not a valid point.", e);
      }
      return ofEd25519(ed);
    }
    String what =
        oid.equals(PKCSObjectIdentifiers.rsaEncryption)
            ? "an RSA key (rsaEncryption, " + oid.getId() + ")"
            : oid.equals(EdECObjectIdentifiers.id_Ed448)
                ? "an Ed448 key (" + oid.getId() + ")"
                : "a key of algorithm " + oid.getId();
    throw new KeyException(
        KeyException.Reason.UNSUPPORTED_ALGORITHM,
        "The SubjectPublicKeyInfo holds "
            + what
            + "; expected an SM2 (sm2p256v1), ECDSA P-256 (prime256v1) or Ed25519 public key.");
  }

  private static SignatureAlgorithm ecAlgorithm(ASN1Encodable params) {
    if (params == null) {
      throw new KeyException(
          KeyException.Reason.UNSUPPORTED_ALGORITHM,
          "The EC public key has no curve parameters; expected named curve sm2p256v1 or"
              + " prime256v1.");
    }
    X962Parameters x962;
    try {
      x962 = X962Parameters.getInstance(params);
    } catch (RuntimeException e) {
      throw new KeyException(
          KeyException.Reason.MALFORMED_ENCODING, "The EC curve parameters are malformed.", e);
    }
    if (!x962.isNamedCurve()) {
      throw new KeyException(
          KeyException.Reason.UNSUPPORTED_ALGORITHM,
          "The EC public key has "
              + (x962.isImplicitlyCA() ? "implicit" : "explicit")
              + " curve parameters; expected named curve sm2p256v1 or prime256v1.");
    }
    ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(x962.getParameters());
    if (curve.equals(Curves.SM2P256V1)) {
      return SignatureAlgorithm.SM2_SM3;
    }
    if (curve.equals(Curves.PRIME256V1)) {
      return SignatureAlgorithm.ECDSA_P256_SHA256;
    }
    String name = ECNamedCurveTable.getName(curve);
    throw new KeyException(
        KeyException.Reason.UNSUPPORTED_ALGORITHM,
        "The EC public key is on curve "
            + (name == null ? curve.getId() : name + " (" + curve.getId() + ")")
            + "; expected sm2p256v1 or prime256v1.");
  }

  static ECPublicKeyParameters decodeEcPoint(ECNamedDomainParameters curve, byte[] encoded) {
    int fieldBytes = (curve.getCurve().getFieldSize() + 7) / 8;
    if (encoded.length != 1 + 2 * fieldBytes || encoded[0] != 0x04) {
      throw new KeyException(
          KeyException.Reason.INVALID_KEY,
          "The EC public key must be an uncompressed point ("
              + (1 + 2 * fieldBytes)
              + " bytes starting with 0x04), but "
              + encoded.length
              + " bytes starting with 0x"
              + (encoded.length == 0 ? "--" : String.format("%02x", encoded[0] & 0xff))
              + " were found.");
    }
    try {
      ECPoint q = curve.getCurve().decodePoint(encoded);
      return new ECPublicKeyParameters(q, curve);
    } catch (RuntimeException e) {
      throw new KeyException(
          KeyException.Reason.INVALID_KEY, "The EC public key is not a point on its curve.", e);
    }
  }

  static byte[] encodeEcSpki(SignatureAlgorithm algorithm, ECPoint q) {
    ECNamedDomainParameters curve = Curves.of(algorithm);
    AlgorithmIdentifier algId =
        new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve.getName());
    return der(new SubjectPublicKeyInfo(algId, q.getEncoded(false)));
  }

  private static byte[] encodeEd25519Spki(Ed25519PublicKeyParameters key) {
    AlgorithmIdentifier algId = new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);
    return der(new SubjectPublicKeyInfo(algId, key.getEncoded()));
  }

  private static byte[] der(SubjectPublicKeyInfo info) {
    try {
      return info.getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding of a SubjectPublicKeyInfo failed", e);
    }
  }

  /** The signature algorithm this key verifies. */
  public SignatureAlgorithm algorithm() {
    return algorithm;
  }

  /** The first 8 bytes of SHA-256 over {@link #spki()}. */
  public KeyId keyId() {
    return keyId;
  }

  /** A copy of the canonical DER SubjectPublicKeyInfo. */
  public byte[] spki() {
    return spki.clone();
  }

  /** The {@code -----BEGIN PUBLIC KEY-----} PEM text of {@link #spki()}, as OpenSSL reads it. */
  public String toPem() {
    return Pem.encode("PUBLIC KEY", spki);
  }

  /**
   * Whether {@code signature} is a valid signature of this key over {@code message}.
   *
   * <p>{@code message} is the complete signed byte string, domain-separation label included. {@code
   * signature} is the raw 64-byte form of {@link TerminalKeyPair#sign(byte[])}: r ‖ s (each 32
   * bytes, big-endian) for SM2 and ECDSA, the RFC 8032 encoding for Ed25519. SM2 uses the user ID
   * {@link TerminalKeyPair#SM2_USER_ID}; ECDSA accepts both high and low s.
   *
   * <p>Returns {@code false}, never throws, for any wrong signature: wrong length, r or s zero or
   * not below the group order, an Ed25519 S not below L, or random bytes. Thread-safe: every call
   * uses its own verifier object.
   */
  public boolean verify(byte[] message, byte[] signature) {
    requireNonNull(message, "message == null");
    requireNonNull(signature, "signature == null");
    if (signature.length != SIGNATURE_LENGTH) {
      return false;
    }
    try {
      switch (algorithm) {
        case SM2_SM3:
          {
            SM2Signer verifier = new SM2Signer(PlainDSAEncoding.INSTANCE, new SM3Digest());
            verifier.init(false, new ParametersWithID(key, TerminalKeyPair.sm2UserIdBytes()));
            verifier.update(message, 0, message.length);
            return verifier.verifySignature(signature);
          }
        case ECDSA_P256_SHA256:
          {
            BigInteger n = Curves.P256.getN();
            BigInteger[] rs = PlainDSAEncoding.INSTANCE.decode(n, signature);
            ECDSASigner verifier = new ECDSASigner();
            verifier.init(false, key);
            return verifier.verifySignature(sha256(message), rs[0], rs[1]);
          }
        case ED25519:
          return ((Ed25519PublicKeyParameters) key)
              .verify(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
      }
    } catch (RuntimeException e) {
      // Out-of-range r or s, and anything else a hostile signature can provoke, means "invalid".
      return false;
    }
    throw new AssertionError(algorithm);
  }

  static byte[] sha256(byte[] message) {
    SHA256Digest sha = new SHA256Digest();
    sha.update(message, 0, message.length);
    byte[] hash = new byte[32];
    sha.doFinal(hash, 0);
    return hash;
  }

  AsymmetricKeyParameter parameters() {
    return key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TerminalPublicKey && Arrays.equals(((TerminalPublicKey) o).spki, spki);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(spki);
  }

  /** For example {@code TerminalPublicKey{SM2_SM3, keyId=0123456789abcdef}}. */
  @Override
  public String toString() {
    return "TerminalPublicKey{" + algorithm + ", keyId=" + keyId + "}";
  }
}
