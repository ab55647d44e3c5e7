package dev.fangxin.gateway.http;

import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The server's trust in client certificates when no CA bundle is configured: the handshake accepts
 * any client chain (the client still proves it holds the key), because identity is decided later by
 * the route from the certificate's fingerprint. It never trusts a server (the gateway's server
 * context makes no outgoing connections). Stateless and thread-safe.
 */
final class PinnedClientTrust implements X509TrustManager {
  /** A factory handing out the one instance. */
  static final SimpleTrustManagerFactory FACTORY =
      new SimpleTrustManagerFactory() {
        private final TrustManager[] managers = {new PinnedClientTrust()};

        @Override
        protected void engineInit(KeyStore keyStore) {}

        @Override
        protected void engineInit(ManagerFactoryParameters params) {}

        @Override
        protected TrustManager[] engineGetTrustManagers() {
          return managers.clone();
        }
      };

  private PinnedClientTrust() {}

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("The client sent an empty certificate chain.");
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("This trust manager only judges clients.");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
