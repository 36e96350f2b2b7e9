package vernier.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.server.ServerConfig;
import vernier.server.VernierServer;
import vernier.server.tls.TestCertificates.Authority;
import vernier.server.tls.TestCertificates.Issued;

/**
 * The server side of TLS, seen through its HTTPS port (gRPC over TLS is tested from the client's
 * module, {@code vernier.client.TlsTest}): certificates of a test CA served, other CAs and missing
 * client certificates refused, bad files refused at start naming the flag, and a rotated
 * certificate served without a restart.
 */
final class ServerTlsTest {

  @TempDir Path dir;

  private VernierServer start(ServerTls.Settings tls) {
    return VernierServer.create(
            new ServerConfig("127.0.0.1", 0, 0, ServerConfig.MEMORY, null, null, null, null, tls))
        .start();
  }

  @Test
  void aTlsServer_servesHttps_toClientsThatTrustItsCa_only() throws Exception {
    Authority ca = Authority.create(dir, "team");
    Authority other = Authority.create(dir, "other");
    Issued cert = ca.issue("server");
    try (VernierServer server = start(new ServerTls.Settings(cert.cert(), cert.key(), null))) {
      assertThat(https(server, ca.certFile, "/healthz")).isEqualTo(200);
      assertThatThrownBy(() -> https(server, other.certFile, "/healthz"))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void mutualTls_servesHttpsOnlyToClientsWithACertificateOfItsCa() throws Exception {
    Authority ca = Authority.create(dir, "team");
    Issued cert = ca.issue("server");
    try (VernierServer server =
        start(new ServerTls.Settings(cert.cert(), cert.key(), ca.certFile))) {
      assertThat(https(server, context(ca.certFile, ca.issue("prometheus")), "/metrics"))
          .isEqualTo(200);
      assertThatThrownBy(
              () -> https(server, context(ca.certFile, Authority.create(dir, "x").issue("m")), "/"))
          .isInstanceOf(java.io.IOException.class);
      assertThatThrownBy(() -> https(server, ca.certFile, "/healthz"))
          .as("refused in the handshake, or right after it under TLS 1.3")
          .isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void badCertificateFiles_areRefusedAtStart_namingTheFlag() throws Exception {
    Authority ca = Authority.create(dir, "team");
    Issued good = ca.issue("server");
    Issued another = ca.issue("another");
    Instant now = Instant.now();
    Issued expired = ca.issue("old", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)));
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");

    assertThatThrownBy(
            () -> ServerTls.start(new ServerTls.Settings(expired.cert(), expired.key(), null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--tls-cert: the certificate in " + expired.cert() + " expired on")
        .hasMessageContaining("renew it");
    assertThatThrownBy(
            () -> ServerTls.start(new ServerTls.Settings(good.cert(), another.key(), null)))
        .hasMessage(
            "--tls-key: " + another.key() + " is not the key of the certificate in " + good.cert());
    assertThatThrownBy(() -> ServerTls.start(new ServerTls.Settings(garbage, good.key(), null)))
        .hasMessageContaining("--tls-cert: " + garbage + " holds no PEM certificate");
    assertThatThrownBy(() -> ServerTls.start(new ServerTls.Settings(good.cert(), garbage, null)))
        .hasMessageContaining("--tls-key: " + garbage + " is not an unencrypted PKCS#8 PEM key")
        .hasMessageContaining("openssl pkcs8 -topk8");
    assertThatThrownBy(
            () ->
                ServerTls.start(
                    new ServerTls.Settings(good.cert(), good.key(), dir.resolve("nope.pem"))))
        .hasMessageContaining("--tls-client-ca: cannot read " + dir.resolve("nope.pem"));
  }

  @Test
  void aRotatedCertificate_isServedWithoutARestart() throws Exception {
    Authority ca = Authority.create(dir, "team");
    Issued first = ca.issue("server");
    Issued second = ca.issue("server");
    Path cert = Files.copy(first.cert(), dir.resolve("live.pem"));
    Path key = Files.copy(first.key(), dir.resolve("live.key"));
    try (VernierServer server =
        start(new ServerTls.Settings(cert, key, null, null, Duration.ofMillis(200)))) {
      assertThat(servedSerial(server, ca.certFile))
          .isEqualTo(first.certificate().getSerialNumber());

      // as cert-manager or an operator would: write the new pair over the old files
      Files.copy(second.key(), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.copy(second.cert(), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!servedSerial(server, ca.certFile).equals(second.certificate().getSerialNumber())) {
        assertThat(System.nanoTime()).as("the new certificate is served").isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }

  private static VernierServer replica(String url, Path password, Issued cert, Authority ca) {
    return VernierServer.create(
            new ServerConfig(
                "127.0.0.1",
                0,
                -1,
                url,
                null,
                password,
                null,
                null,
                new ServerTls.Settings(cert.cert(), cert.key(), ca.certFile)))
        .start();
  }

  /** A client context trusting {@code ca} and presenting {@code identity}. */
  private static SSLContext context(Path ca, Issued identity) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    try (var key = Files.newInputStream(identity.key())) {
      keys.setKeyEntry(
          "me",
          io.grpc.util.CertificateUtils.getPrivateKey(key),
          new char[0],
          new Certificate[] {identity.certificate()});
    }
    javax.net.ssl.KeyManagerFactory kmf =
        javax.net.ssl.KeyManagerFactory.getInstance(
            javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), trustManagers(ca), null);
    return context;
  }

  private static javax.net.ssl.TrustManager[] trustManagers(Path ca) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (var in = Files.newInputStream(ca)) {
      store.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory f =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(store);
    return f.getTrustManagers();
  }

  private static int https(VernierServer server, SSLContext context, String path) throws Exception {
    HttpsURLConnection c =
        (HttpsURLConnection)
            URI.create("https://127.0.0.1:" + server.httpPort() + path).toURL().openConnection();
    c.setSSLSocketFactory(context.getSocketFactory());
    try {
      return c.getResponseCode();
    } finally {
      c.disconnect();
    }
  }

  private static SSLContext trusting(Path ca) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trustManagers(ca), null);
    return context;
  }

  private static int https(VernierServer server, Path ca, String path) throws Exception {
    return https(server, trusting(ca), path);
  }

  private static java.math.BigInteger servedSerial(VernierServer server, Path ca) throws Exception {
    HttpsURLConnection c =
        (HttpsURLConnection)
            URI.create("https://127.0.0.1:" + server.httpPort() + "/healthz")
                .toURL()
                .openConnection();
    c.setSSLSocketFactory(trusting(ca).getSocketFactory());
    c.setRequestProperty("Connection", "close");
    try {
      c.getResponseCode();
      List<Certificate> chain = List.of(c.getServerCertificates());
      return ((X509Certificate) chain.get(0)).getSerialNumber();
    } finally {
      c.disconnect();
    }
  }
}
