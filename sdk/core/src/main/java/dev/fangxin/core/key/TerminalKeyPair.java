package dev.fangxin.core.key;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.PlainDSAEncoding;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.bouncycastle.util.BigIntegers;

/**
 * A terminal's signing key: private key, {@link #publicKey()} and {@link #keyId()}.
 *
 * <p>Signatures are raw 64-byte strings over the exact message bytes given (the caller puts its
 * domain-separation label at the start of the message):
 *
 * <ul>
 *   <li>{@link SignatureAlgorithm#SM2_SM3}: GM/T 0003 SM2 over sm2p256v1 with SM3, Z computed with
 *       user ID {@link #SM2_USER_ID}; r ‖ s, each 32 bytes big-endian. The nonce k is random (from
 *       the platform's default {@link SecureRandom}), so two signatures of one message differ; both
 *       verify.
 *   <li>{@link SignatureAlgorithm#ECDSA_P256_SHA256}: ECDSA over P-256 of SHA-256(message), nonce
 *       derived deterministically per RFC 6979 (HMAC-SHA-256); r ‖ s, each 32 bytes big-endian. s
 *       is <em>not</em> normalised to low-s (OpenSSL and this SDK accept either), so a signature of
 *       a given key and message is always the same 64 bytes.
 *   <li>{@link SignatureAlgorithm#ED25519}: pure Ed25519 (RFC 8032, no context), deterministic.
 * </ul>
 *
 * <p>The private key is exported only by {@link #toPkcs8Pem()}: PKCS#8 {@code PrivateKeyInfo}, for
 * EC keys with algorithm {@code id-ecPublicKey} + named curve and an RFC 5915 {@code ECPrivateKey}
 * holding the 32-byte scalar and the public point; for Ed25519 the RFC 8410 form (32-byte seed).
 * OpenSSL 3 reads all three ({@code openssl pkey -in key.pem}).
 *
 * <p>Immutable and thread-safe: parsed key parameters are computed once, and every {@link
 * #sign(byte[])} call creates its own signer object. {@link #toString()} shows only the algorithm
 * and key ID.
 */
public final class TerminalKeyPair {
  /**
   * The SM2 user ID (distinguishing identifier) used for every SM2 signature: the GM/T 0009 default
   * {@code "1234567812345678"}, as 16 ASCII bytes. In OpenSSL 3 it must be given explicitly: {@code
   * -pkeyopt distid:1234567812345678} or {@code -sigopt distid:...}.
   */
  public static final String SM2_USER_ID = "1234567812345678";

  private static final byte[] SM2_USER_ID_BYTES = SM2_USER_ID.getBytes(StandardCharsets.US_ASCII);

  /** Source of SM2 nonces, independent of any random given to {@link #generate}. */
  private static final SecureRandom NONCE_RANDOM = new SecureRandom();

  private static final int MAX_PKCS8_LENGTH = 4096;

  private final SignatureAlgorithm algorithm;
  private final TerminalPublicKey publicKey;
  // Exactly one of the two is set.
  private final ECPrivateKeyParameters ecKey;
  private final Ed25519PrivateKeyParameters edKey;

  /**
   * One initialised SM2 signer per thread. Initialising computes the public point and the Z value
   * (a scalar multiplication and an SM3 pass); after each signature BC's signer resets itself to
   * that state, so keeping it halves the cost of every later signature.
   */
  private final ThreadLocal<SM2Signer> sm2Signers = ThreadLocal.withInitial(this::newSm2Signer);

  private TerminalKeyPair(
      SignatureAlgorithm algorithm,
      TerminalPublicKey publicKey,
      ECPrivateKeyParameters ecKey,
      Ed25519PrivateKeyParameters edKey) {
    this.algorithm = algorithm;
    this.publicKey = publicKey;
    this.ecKey = ecKey;
    this.edKey = edKey;
  }

  private SM2Signer newSm2Signer() {
    SM2Signer signer = new SM2Signer(PlainDSAEncoding.INSTANCE, new SM3Digest());
    signer.init(
        true,
        new ParametersWithID(new ParametersWithRandom(ecKey, NONCE_RANDOM), SM2_USER_ID_BYTES));
    return signer;
  }

  static byte[] sm2UserIdBytes() {
    return SM2_USER_ID_BYTES;
  }

  /**
   * A new key pair for {@code algorithm}, from a new instance of the default {@link SecureRandom}.
   */
  public static TerminalKeyPair generate(SignatureAlgorithm algorithm) {
    return generate(algorithm, new SecureRandom());
  }

  /**
   * A new key pair for {@code algorithm} whose private key is drawn from {@code random}. A seeded
   * deterministic random gives a reproducible key (for tests only). {@code random} is used for the
   * key alone; SM2 nonces always come from the platform's default {@link SecureRandom}.
   */
  public static TerminalKeyPair generate(SignatureAlgorithm algorithm, SecureRandom random) {
    requireNonNull(algorithm, "algorithm == null");
    requireNonNull(random, "random == null");
    if (algorithm == SignatureAlgorithm.ED25519) {
      return ofEd25519(new Ed25519PrivateKeyParameters(random));
    }
    ECNamedDomainParameters curve = Curves.of(algorithm);
    BigInteger n = curve.getN();
    BigInteger d;
    do {
      d = BigIntegers.createRandomBigInteger(n.bitLength(), random);
    } while (d.signum() == 0 || d.compareTo(n) >= 0);
    return ofEc(algorithm, new ECPrivateKeyParameters(d, curve));
  }

  /**
   * Parses a DER PKCS#8 {@code PrivateKeyInfo} (version 1 or 2; an embedded public key, if any,
   * must match the private key).
   *
   * @throws KeyException {@link KeyException.Reason#MALFORMED_ENCODING} if the bytes are not such a
   *     structure; {@link KeyException.Reason#UNSUPPORTED_ALGORITHM} for any algorithm or curve
   *     other than SM2, P-256 and Ed25519; {@link KeyException.Reason#INVALID_KEY} for a scalar out
   *     of range or a mismatching embedded public key
   */
  public static TerminalKeyPair fromPkcs8(byte[] der) {
    requireNonNull(der, "der == null");
    if (der.length > MAX_PKCS8_LENGTH) {
      throw new KeyException(
          KeyException.Reason.MALFORMED_ENCODING,
          "A PKCS#8 key of "
              + der.length
              + " bytes is too long; at most "
              + MAX_PKCS8_LENGTH
              + " are accepted.");
    }
    PrivateKeyInfo info;
    ASN1Encodable inner;
    try {
      info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
      if (info == null) {
        throw new IllegalArgumentException("empty");
      }
      inner = info.parsePrivateKey();
    } catch (IOException | RuntimeException e) {
      throw new KeyException(
          KeyException.Reason.MALFORMED_ENCODING,
          "The bytes are not a DER PKCS#8 PrivateKeyInfo: " + e.getMessage(),
          e);
    }
    ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
    TerminalKeyPair pair;
    if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      pair = parseEc(info, inner);
    } else if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
      pair = parseEd25519(inner);
    } else {
      throw new KeyException(
          KeyException.Reason.UNSUPPORTED_ALGORITHM,
          "The PKCS#8 key has algorithm "
              + oid.getId()
              + "; expected an SM2 (sm2p256v1), ECDSA P-256 (prime256v1) or Ed25519 private key.");
    }
    if (info.getPublicKeyData() != null
        && !Arrays.equals(
            info.getPublicKeyData().getOctets(),
            pair.algorithm == SignatureAlgorithm.ED25519
                ? pair.edPublic().getEncoded()
                : ((ECPublicKeyParameters) pair.publicKey.parameters()).getQ().getEncoded(false))) {
      throw new KeyException(
          KeyException.Reason.INVALID_KEY,
          "The public key embedded in the PKCS#8 structure does not match its private key.");
    }
    return pair;
  }

  /**
   * Parses a {@code -----BEGIN PRIVATE KEY-----} PEM block (PKCS#8), as written by {@link
   * #toPkcs8Pem()} and {@code openssl genpkey}. Encrypted PKCS#8 and SEC1 {@code EC PRIVATE KEY}
   * blocks are refused.
   *
   * @throws KeyException {@link KeyException.Reason#MALFORMED_PEM}, or as {@link #fromPkcs8}
   */
  public static TerminalKeyPair fromPkcs8Pem(String pem) {
    byte[] der = Pem.decode("PRIVATE KEY", pem);
    try {
      return fromPkcs8(der);
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  private static TerminalKeyPair parseEc(PrivateKeyInfo info, ASN1Encodable inner) {
    SignatureAlgorithm algorithm;
    ECPrivateKey sec1;
    try {
      algorithm = ecAlgorithm(info.getPrivateKeyAlgorithm().getParameters());
      sec1 = ECPrivateKey.getInstance(inner);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new KeyException(
          KeyException.Reason.MALFORMED_ENCODING,
          "The PKCS#8 EC private key is malformed: " + e.getMessage(),
          e);
    }
    ECNamedDomainParameters curve = Curves.of(algorithm);
    ASN1Encodable innerParams = sec1.getParametersObject();
    if (innerParams != null && !innerParams.toASN1Primitive().equals(curve.getName())) {
      throw new KeyException(
          KeyException.Reason.INVALID_KEY,
          "The EC private key names a curve different from its PKCS#8 algorithm identifier.");
    }
    BigInteger d = sec1.getKey();
    if (d.signum() <= 0 || d.compareTo(curve.getN()) >= 0) {
      throw new KeyException(
          KeyException.Reason.INVALID_KEY,
          "The EC private scalar is out of range; expected 1 <= d < n.");
    }
    TerminalKeyPair pair = ofEc(algorithm, new ECPrivateKeyParameters(d, curve));
    ASN1BitString embedded = sec1.getPublicKey();
    if (embedded != null) {
      ECPublicKeyParameters expected = (ECPublicKeyParameters) pair.publicKey.parameters();
      ECPublicKeyParameters found;
      try {
        found = TerminalPublicKey.decodeEcPoint(curve, embedded.getOctets());
      } catch (KeyException | IllegalStateException e) {
        throw new KeyException(
            KeyException.Reason.INVALID_KEY,
            "The public key embedded in the EC private key is not a valid point.",
            e);
      }
      if (!found.getQ().equals(expected.getQ())) {
        throw new KeyException(
            KeyException.Reason.INVALID_KEY,
            "The public key embedded in the EC private key does not match its private key.");
      }
    }
    return pair;
  }

  private static SignatureAlgorithm ecAlgorithm(ASN1Encodable params) {
    X962Parameters x962 = params == null ? null : X962Parameters.getInstance(params);
    if (x962 == null || !x962.isNamedCurve()) {
      throw new KeyException(
          KeyException.Reason.UNSUPPORTED_ALGORITHM,
          "The PKCS#8 EC key has no named curve; expected sm2p256v1 or prime256v1.");
    }
    ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(x962.getParameters());
    if (curve.equals(Curves.SM2P256V1)) {
      return SignatureAlgorithm.SM2_SM3;
    }
    if (curve.equals(Curves.PRIME256V1)) {
      return SignatureAlgorithm.ECDSA_P256_SHA256;
    }
    throw new KeyException(
        KeyException.Reason.UNSUPPORTED_ALGORITHM,
        "The PKCS#8 EC key is on curve " + curve.getId() + "; expected sm2p256v1 or prime256v1.");
  }

  private static TerminalKeyPair parseEd25519(ASN1Encodable inner) {
    byte[] seed;
    try {
      seed = ASN1OctetString.getInstance(inner).getOctets();
    } catch (IllegalArgumentException e) {
      throw new KeyException(
          KeyException.Reason.MALFORMED_ENCODING,
          "The PKCS#8 Ed25519 key is not an OCTET STRING (RFC 8410 CurvePrivateKey).",
          e);
    }
    if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
      throw new KeyException(
          KeyException.Reason.INVALID_KEY,
          "An Ed25519 private key is 32 bytes, but " + seed.length + " were found.");
    }
    try {
      return ofEd25519(new Ed25519PrivateKeyParameters(seed));
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  private static TerminalKeyPair ofEc(SignatureAlgorithm algorithm, ECPrivateKeyParameters key) {
    ECPoint q =
        new FixedPointCombMultiplier().multiply(key.getParameters().getG(), key.getD()).normalize();
    ECPublicKeyParameters pub = new ECPublicKeyParameters(q, key.getParameters());
    return new TerminalKeyPair(algorithm, TerminalPublicKey.ofEc(algorithm, pub), key, null);
  }

  private static TerminalKeyPair ofEd25519(Ed25519PrivateKeyParameters key) {
    return new TerminalKeyPair(
        SignatureAlgorithm.ED25519,
        TerminalPublicKey.ofEd25519(key.generatePublicKey()),
        null,
        key);
  }

  private Ed25519PublicKeyParameters edPublic() {
    return (Ed25519PublicKeyParameters) publicKey.parameters();
  }

  /**
   * The private key as a {@code -----BEGIN PRIVATE KEY-----} PKCS#8 PEM block (unencrypted). Treat
   * the result as a secret.
   */
  public String toPkcs8Pem() {
    byte[] der = toPkcs8();
    try {
      return Pem.encode("PRIVATE KEY", der);
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  /** The DER PKCS#8 {@code PrivateKeyInfo} described in the class comment. Treat as secret. */
  public byte[] toPkcs8() {
    PrivateKeyInfo info;
    try {
      if (algorithm == SignatureAlgorithm.ED25519) {
        info =
            new PrivateKeyInfo(
                new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
                new DEROctetString(edKey.getEncoded()));
      } else {
        ECNamedDomainParameters curve = (ECNamedDomainParameters) ecKey.getParameters();
        ECPublicKeyParameters pub = (ECPublicKeyParameters) publicKey.parameters();
        ECPrivateKey sec1 =
            new ECPrivateKey(
                curve.getN().bitLength(),
                ecKey.getD(),
                new DERBitString(pub.getQ().getEncoded(false)),
                null);
        info =
            new PrivateKeyInfo(
                new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve.getName()), sec1);
      }
      return info.getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding of a PKCS#8 key failed", e);
    }
  }

  /** The signature algorithm of this key. */
  public SignatureAlgorithm algorithm() {
    return algorithm;
  }

  /** The key ID of {@link #publicKey()}. */
  public KeyId keyId() {
    return publicKey.keyId();
  }

  /** The public half. */
  public TerminalPublicKey publicKey() {
    return publicKey;
  }

  /**
   * Signs {@code message} (the complete byte string, domain label included) and returns the raw
   * 64-byte signature described in the class comment. Thread-safe; each call uses its own signer.
   */
  public byte[] sign(byte[] message) {
    requireNonNull(message, "message == null");
    switch (algorithm) {
      case SM2_SM3:
        {
          SM2Signer signer = sm2Signers.get();
          signer.update(message, 0, message.length);
          try {
            // Also resets the signer to the state right after init, ready for the next message.
            return signer.generateSignature();
          } catch (CryptoException e) {
            throw new IllegalStateException("SM2 signing failed", e);
          }
        }
      case ECDSA_P256_SHA256:
        {
          ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
          signer.init(true, ecKey);
          BigInteger[] rs = signer.generateSignature(TerminalPublicKey.sha256(message));
          return PlainDSAEncoding.INSTANCE.encode(ecKey.getParameters().getN(), rs[0], rs[1]);
        }
      case ED25519:
        {
          byte[] signature = new byte[Ed25519PrivateKeyParameters.SIGNATURE_SIZE];
          edKey.sign(
              // This overload uses the public key cached inside the private key parameters.
              Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
          return signature;
        }
    }
    throw new AssertionError(algorithm);
  }

  /** For example {@code TerminalKeyPair{SM2_SM3, keyId=0123456789abcdef}}; never key material. */
  @Override
  public String toString() {
    return "TerminalKeyPair{" + algorithm + ", keyId=" + keyId() + "}";
  }
}
