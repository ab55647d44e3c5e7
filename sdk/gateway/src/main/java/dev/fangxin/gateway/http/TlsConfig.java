package dev.fangxin.gateway.http;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Where the server's TLS certificate chain and private key live: two PEM files. Immutable and
 * thread-safe; {@link #toString()} never shows the key password.
 *
 * <p>The chain file holds the server certificate first, then any intermediates ({@code -----BEGIN
 * CERTIFICATE-----} blocks). The key file holds the matching private key as PKCS#8 ({@code
 * -----BEGIN PRIVATE KEY-----}), or encrypted PKCS#8 ({@code -----BEGIN ENCRYPTED PRIVATE
 * KEY-----}) when a password is given; RSA and EC keys both work. Files are read when the server
 * starts, so a renewed certificate takes effect on restart.
 *
 * <p><b>Client certificates.</b> {@link #withClientAuth} makes the server ask every client for a
 * certificate without requiring one (TLS client authentication "want"). A client that sends one
 * proves in the handshake that it holds the private key; routes see the certificate as {@link
 * RouteRequest#clientCertificate()}. Without a CA bundle any certificate is accepted by the
 * handshake and routes identify it by its fingerprint (pinning); with a CA bundle the handshake
 * also requires a chain to one of its certificates, valid at the JVM's time, and fails otherwise. A
 * client that sends none is served as before.
 */
public final class TlsConfig {
  private final Path certificateChain;
  private final Path privateKey;
  private final String keyPassword;
  private final boolean wantClientAuth;
  private final Path clientCa;

  private TlsConfig(
      Path certificateChain,
      Path privateKey,
      String keyPassword,
      boolean wantClientAuth,
      Path clientCa) {
    this.certificateChain = certificateChain;
    this.privateKey = privateKey;
    this.keyPassword = keyPassword;
    this.wantClientAuth = wantClientAuth;
    this.clientCa = clientCa;
  }

  /**
   * TLS from PEM files.
   *
   * @param certificateChain the certificate chain, server certificate first
   * @param privateKey the PKCS#8 private key
   * @param keyPassword the password of an encrypted key, or {@code null} for an unencrypted one
   * @throws HttpException with reason {@link HttpException.Reason#INVALID_CONFIG} if either file is
   *     not a readable regular file, or the password is empty
   */
  public static TlsConfig fromPem(Path certificateChain, Path privateKey, String keyPassword) {
    Objects.requireNonNull(certificateChain, "certificateChain == null");
    Objects.requireNonNull(privateKey, "privateKey == null");
    readable("certificate chain", certificateChain);
    readable("private key", privateKey);
    if (keyPassword != null && keyPassword.isEmpty()) {
      throw new HttpException(
          HttpException.Reason.INVALID_CONFIG,
          "The TLS key password is empty; pass null for an unencrypted key.");
    }
    return new TlsConfig(certificateChain, privateKey, keyPassword, false, null);
  }

  /**
   * This configuration, asking clients for a certificate (see the class comment).
   *
   * @param clientCa a PEM bundle of CA certificates a client's chain must lead to, or {@code null}
   *     to accept any certificate in the handshake and leave identification to the routes
   * @throws HttpException with reason {@link HttpException.Reason#INVALID_CONFIG} if {@code
   *     clientCa} is not a readable regular file
   */
  public TlsConfig withClientAuth(Path clientCa) {
    if (clientCa != null) {
      readable("client CA bundle", clientCa);
    }
    return new TlsConfig(certificateChain, privateKey, keyPassword, true, clientCa);
  }

  /** Whether the server asks clients for a certificate. */
  public boolean wantsClientAuth() {
    return wantClientAuth;
  }

  /** The CA bundle client chains must lead to, if any. */
  public Optional<Path> clientCa() {
    return Optional.ofNullable(clientCa);
  }

  private static void readable(String what, Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new HttpException(
          HttpException.Reason.INVALID_CONFIG,
          "The TLS " + what + " file " + file + " is not a readable file; expected a PEM file.");
    }
  }

  /** The certificate chain file. */
  public Path certificateChain() {
    return certificateChain;
  }

  /** The private key file. */
  public Path privateKey() {
    return privateKey;
  }

  /** Whether the private key is encrypted with a password. */
  public boolean hasKeyPassword() {
    return keyPassword != null;
  }

  Optional<String> keyPassword() {
    return Optional.ofNullable(keyPassword);
  }

  /**
   * Reads both files into a server context. Called once per server start.
   *
   * @throws HttpException with reason {@link HttpException.Reason#TLS_FAILED} naming both files
   *     when they cannot be read, parsed, decrypted, or do not belong together
   */
  SslContext newServerContext() {
    try {
      SslContextBuilder b =
          SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile(), keyPassword);
      if (wantClientAuth) {
        b.clientAuth(ClientAuth.OPTIONAL);
        if (clientCa != null) {
          b.trustManager(clientCa.toFile());
        } else {
          b.trustManager(PinnedClientTrust.FACTORY);
        }
      }
      return b.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new HttpException(
          HttpException.Reason.TLS_FAILED,
          "Could not load TLS from certificate chain "
              + certificateChain
              + " and private key "
              + privateKey
              + ": "
              + rootMessage(e)
              + ". Expected PEM files: X.509 certificates, server certificate first, and its"
              + " PKCS#8 private key"
              + (keyPassword == null ? " (unencrypted)" : " (encrypted with the given password)")
              + (clientCa == null ? "" : ", and client CA bundle " + clientCa)
              + ".",
          e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.strip();
  }

  @Override
  public String toString() {
    return "TlsConfig{certificateChain="
        + certificateChain
        + ", privateKey="
        + privateKey
        + ", keyPassword="
        + (keyPassword == null ? "none" : "***")
        + ", clientAuth="
        + (wantClientAuth ? "want" : "none")
        + (clientCa == null ? "" : ", clientCa=" + clientCa)
        + "}";
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TlsConfig)) {
      return false;
    }
    TlsConfig t = (TlsConfig) o;
    return certificateChain.equals(t.certificateChain)
        && privateKey.equals(t.privateKey)
        && Objects.equals(keyPassword, t.keyPassword)
        && wantClientAuth == t.wantClientAuth
        && Objects.equals(clientCa, t.clientCa);
  }

  @Override
  public int hashCode() {
    return Objects.hash(certificateChain, privateKey);
  }
}
