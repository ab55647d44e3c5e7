package dev.fangxin.core.key;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Random;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.util.encoders.Hex;

/** Fixed keys and helpers shared by the key and identity tests. */
public final class TestKeys {
  private TestKeys() {}

  /** A classpath resource under {@code dev/fangxin/core/key/} as UTF-8 text. */
  public static String resource(String name) {
    try (InputStream in = TestKeys.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixed key generated once with {@code openssl genpkey}, for each algorithm. */
  public static TerminalKeyPair fixed(SignatureAlgorithm algorithm) {
    return TerminalKeyPair.fromPkcs8Pem(resource(algorithm.label() + "-private.pem"));
  }

  /** A deterministic "random" for reproducible key generation in tests. */
  public static SecureRandom seeded(long seed) {
    Random random = new Random(seed);
    return new SecureRandom() {
      @Override
      public synchronized void nextBytes(byte[] bytes) {
        random.nextBytes(bytes);
      }
    };
  }

  /** PKCS#8 DER of an EC key with the given scalar (hex), curve OID given by the algorithm. */
  public static byte[] ecPkcs8(SignatureAlgorithm algorithm, String scalarHex) throws IOException {
    return new PrivateKeyInfo(
            new AlgorithmIdentifier(
                X9ObjectIdentifiers.id_ecPublicKey, Curves.of(algorithm).getName()),
            new ECPrivateKey(256, new BigInteger(scalarHex, 16), null))
        .getEncoded(ASN1Encoding.DER);
  }

  /** PKCS#8 DER of an Ed25519 key with the given 32-byte seed (hex). */
  public static byte[] ed25519Pkcs8(String seedHex) throws IOException {
    return new PrivateKeyInfo(
            new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
            new DEROctetString(Hex.decode(seedHex)))
        .getEncoded(ASN1Encoding.DER);
  }
}
