package dev.fangxin.gateway.http;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed server certificate for 127.0.0.1 and localhost, written as PEM files the way an
 * operator would receive them: the certificate, and the key as PKCS#8 (optionally encrypted).
 */
final class TestCertificates {
  final X509Certificate certificate;
  final Path chain;
  final Path key;

  private TestCertificates(X509Certificate certificate, Path chain, Path key) {
    this.certificate = certificate;
    this.chain = chain;
    this.key = key;
  }

  /**
   * Writes {@code <name>.crt.pem} and {@code <name>.key.pem} into {@code dir}.
   *
   * @param algorithm {@code RSA} or {@code EC}
   * @param password the PKCS#8 encryption password, or null for an unencrypted key
   */
  static TestCertificates write(Path dir, String name, String algorithm, String password)
      throws GeneralSecurityException, IOException, OperatorCreationException {
    KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
    if (algorithm.equals("EC")) {
      g.initialize(new ECGenParameterSpec("secp256r1"));
    } else {
      g.initialize(2048);
    }
    KeyPair pair = g.generateKeyPair();
    Instant now = Instant.now();
    X500Name subject = new X500Name("CN=fangxin-gateway-test");
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            subject,
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(Duration.ofDays(30))),
            subject,
            pair.getPublic());
    b.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
              new GeneralName(GeneralName.dNSName, "localhost")
            }));
    String sigAlg = algorithm.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(b.build(new JcaContentSignerBuilder(sigAlg).build(pair.getPrivate())));

    Path chain = dir.resolve(name + ".crt.pem");
    Files.writeString(chain, pem(cert), StandardCharsets.US_ASCII);
    Path key = dir.resolve(name + ".key.pem");
    OutputEncryptor encryptor =
        password == null
            ? null
            : new JceOpenSSLPKCS8EncryptorBuilder(
                    org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC)
                .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                .setPassword(password.toCharArray())
                .build();
    Files.writeString(
        key, pem(new JcaPKCS8Generator(pair.getPrivate(), encryptor)), StandardCharsets.US_ASCII);
    return new TestCertificates(cert, chain, key);
  }

  private static String pem(Object o) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(o);
    }
    return s.toString();
  }

  /** A client context trusting exactly this certificate. */
  SSLContext clientContext() throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("gateway", certificate);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
