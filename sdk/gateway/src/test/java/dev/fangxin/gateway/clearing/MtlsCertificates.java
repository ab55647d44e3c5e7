package dev.fangxin.gateway.clearing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for mutual-TLS tests, made with Bouncy Castle: a CA, end-entity certificates it
 * issues (client or server), self-signed ones, and the PEM and {@link SSLContext} forms the server
 * and the clients need. EC P-256 keys throughout.
 */
final class MtlsCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A key pair and its certificate (and the issuer's certificate, if not self-signed). */
  static final class Issued {
    final KeyPair keys;
    final X509Certificate certificate;
    final X509Certificate issuer;

    Issued(KeyPair keys, X509Certificate certificate, X509Certificate issuer) {
      this.keys = keys;
      this.certificate = certificate;
      this.issuer = issuer;
    }

    String pem() throws IOException {
      return MtlsCertificates.pem(certificate);
    }

    String keyPem() throws IOException {
      return MtlsCertificates.pem(new JcaPKCS8Generator(keys.getPrivate(), null));
    }
  }

  private MtlsCertificates() {}

  static KeyPair keys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /** A self-signed CA (basicConstraints CA=true, keyCertSign). */
  static Issued ca(String cn, Instant from, Instant to) throws Exception {
    KeyPair k = keys();
    X500Name name = new X500Name("CN=" + cn);
    X509v3CertificateBuilder b = builder(name, name, k, from, to);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return new Issued(k, sign(b, k), null);
  }

  /** A TLS client certificate issued by {@code ca} (or self-signed when {@code ca} is null). */
  static Issued client(String cn, Issued ca, Instant from, Instant to) throws Exception {
    KeyPair k = keys();
    X500Name subject = new X500Name("CN=" + cn + ",O=Acquirer");
    X500Name issuer =
        ca == null ? subject : new X500Name(ca.certificate.getSubjectX500Principal().getName());
    X509v3CertificateBuilder b = builder(issuer, subject, k, from, to);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(
        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    KeyPair signer = ca == null ? k : ca.keys;
    return new Issued(k, sign(b, signer), ca == null ? null : ca.certificate);
  }

  /** A TLS server certificate for 127.0.0.1 and localhost, self-signed. */
  static Issued server(Instant from, Instant to) throws Exception {
    KeyPair k = keys();
    X500Name name = new X500Name("CN=fangxin-gateway-test");
    X509v3CertificateBuilder b = builder(name, name, k, from, to);
    b.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
              new GeneralName(GeneralName.dNSName, "localhost")
            }));
    return new Issued(k, sign(b, k), null);
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair k, Instant from, Instant to) {
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(from),
        Date.from(to),
        subject,
        k.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }

  static String pem(Object o) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(o);
    }
    return s.toString();
  }

  static Path write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.US_ASCII);
    return file;
  }

  /**
   * A client context trusting exactly {@code server}'s certificate and presenting {@code client}
   * (with its issuer in the chain), or no certificate when {@code client} is null.
   */
  static SSLContext clientContext(Issued server, Issued client) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("gateway", server.certificate);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    javax.net.ssl.KeyManager[] km = null;
    if (client != null) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      X509Certificate[] chain =
          client.issuer == null
              ? new X509Certificate[] {client.certificate}
              : new X509Certificate[] {client.certificate, client.issuer};
      keys.setKeyEntry("client", client.keys.getPrivate(), "pw".toCharArray(), chain);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
      kmf.init(keys, "pw".toCharArray());
      km =
          new javax.net.ssl.KeyManager[] {
            new AlwaysPresent((X509KeyManager) kmf.getKeyManagers()[0])
          };
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(km, tmf.getTrustManagers(), null);
    return ctx;
  }

  /**
   * Presents the one client certificate whatever issuers the server names, so that a test can show
   * what the server does with a certificate it did not ask for (a JDK client would otherwise stay
   * silent).
   */
  private static final class AlwaysPresent extends X509ExtendedKeyManager {
    private final X509KeyManager delegate;

    AlwaysPresent(X509KeyManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return "client";
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "client";
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"client"};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return delegate.getPrivateKey(alias);
    }
  }
}
