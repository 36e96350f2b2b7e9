package vernier.server.tls;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.AdvancedTlsX509TrustManager.Verification;
import io.grpc.util.CertificateUtils;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vernier.server.FileWatch;

/**
 * The server's TLS, one set of material for the gRPC port, the HTTP port and the calls it forwards
 * to other replicas: its certificate chain and private key (PEM files, re-read when they change, so
 * certificates rotate without a restart) and, for mutual TLS, the CA whose client certificates it
 * accepts. grpc-util's {@code AdvancedTlsX509*Manager}s read and reload the files; this class
 * checks them once at start, so a wrong file is one line naming the flag and the fix instead of a
 * handshake failure on the first call.
 */
public final class ServerTls implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

  /** How often the files are checked for a change when not configured. */
  public static final Duration DEFAULT_RELOAD = Duration.ofMinutes(1);

  /**
   * The TLS flags.
   *
   * @param cert {@code --tls-cert}: the certificate chain, leaf first (PEM)
   * @param key {@code --tls-key}: its private key (PKCS#8 PEM, unencrypted)
   * @param clientCa {@code --tls-client-ca}: accept only clients with a certificate it signed;
   *     null: no client certificates
   * @param peerCa {@code --tls-peer-ca}: the CA of the other replicas' certificates, for
   *     forwarding; null: {@code clientCa}, else the system's trusted CAs
   * @param reloadEvery how often the files are checked for changes; null: {@link #DEFAULT_RELOAD}
   */
  public record Settings(Path cert, Path key, Path clientCa, Path peerCa, Duration reloadEvery) {

    public Settings(Path cert, Path key, Path clientCa) {
      this(cert, key, clientCa, null, null);
    }
  }

  private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
  private final AdvancedTlsX509TrustManager clients;
  private final AdvancedTlsX509TrustManager peers;
  private final List<FileWatch> watches = new ArrayList<>();

  private ServerTls(Settings s) throws IOException, GeneralSecurityException {
    Duration every = s.reloadEvery() == null ? DEFAULT_RELOAD : s.reloadEvery();
    File cert = s.cert().toFile();
    File key = s.key().toFile();
    keys.updateIdentityCredentials(cert, key);
    watches.add(
        new FileWatch(
            "TLS", every, () -> keys.updateIdentityCredentials(cert, key), s.cert(), s.key()));
    clients =
        s.clientCa() == null
            ? null
            : trusting(s.clientCa(), every, Verification.CERTIFICATE_ONLY_VERIFICATION);
    Path peerCa = s.peerCa() != null ? s.peerCa() : s.clientCa();
    peers =
        peerCa == null
            ? systemTrust()
            : trusting(peerCa, every, Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION);
  }

  private AdvancedTlsX509TrustManager trusting(Path ca, Duration every, Verification verification)
      throws IOException, GeneralSecurityException {
    AdvancedTlsX509TrustManager trust =
        AdvancedTlsX509TrustManager.newBuilder().setVerification(verification).build();
    trust.updateTrustCredentials(ca.toFile());
    watches.add(new FileWatch("TLS", every, () -> trust.updateTrustCredentials(ca.toFile()), ca));
    return trust;
  }

  private static AdvancedTlsX509TrustManager systemTrust() throws GeneralSecurityException {
    AdvancedTlsX509TrustManager trust = AdvancedTlsX509TrustManager.newBuilder().build();
    trust.useSystemDefaultTrustCerts();
    return trust;
  }

  /**
   * Checks the files and starts watching them.
   *
   * @throws IllegalArgumentException one line naming the flag, what is wrong and the fix
   */
  public static ServerTls start(Settings s) {
    X509Certificate leaf = checkedCertificates(s.cert(), "--tls-cert")[0];
    PrivateKey key = checkedKey(s.key());
    checkPair(leaf, key, s);
    if (s.clientCa() != null) {
      checkedCertificates(s.clientCa(), "--tls-client-ca");
    }
    if (s.peerCa() != null) {
      checkedCertificates(s.peerCa(), "--tls-peer-ca");
    }
    try {
      ServerTls tls = new ServerTls(s);
      log.info(
          "TLS with {} (valid until {}){}",
          leaf.getSubjectX500Principal().getName(),
          leaf.getNotAfter().toInstant(),
          s.clientCa() == null ? "" : "; clients need a certificate signed by " + s.clientCa());
      return tls;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "TLS: cannot use the certificate files: " + e.getMessage());
    }
  }

  private static X509Certificate[] checkedCertificates(Path file, String flag) {
    X509Certificate[] chain;
    try (InputStream in = Files.newInputStream(file)) {
      chain = CertificateUtils.getX509Certificates(in);
    } catch (IOException e) {
      throw new IllegalArgumentException(flag + ": cannot read " + file + " (" + e + ")");
    } catch (GeneralSecurityException | RuntimeException e) {
      chain = new X509Certificate[0]; // not PEM: as good as no certificate
    }
    if (chain.length == 0) {
      throw new IllegalArgumentException(
          flag + ": " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    if (flag.equals("--tls-cert")) {
      try {
        chain[0].checkValidity(new Date());
      } catch (CertificateExpiredException e) {
        throw new IllegalArgumentException(
            flag
                + ": the certificate in "
                + file
                + " expired on "
                + chain[0].getNotAfter().toInstant()
                + "; renew it");
      } catch (CertificateNotYetValidException e) {
        throw new IllegalArgumentException(
            flag
                + ": the certificate in "
                + file
                + " is valid only from "
                + chain[0].getNotBefore().toInstant()
                + "; check this machine's clock");
      }
    }
    return chain;
  }

  private static PrivateKey checkedKey(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return CertificateUtils.getPrivateKey(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("--tls-key: cannot read " + file + " (" + e + ")");
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "--tls-key: "
              + file
              + " is not an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----); convert it"
              + " with: openssl pkcs8 -topk8 -nocrypt -in "
              + file
              + " -out key.pem");
    }
  }

  /** Signs with the key and verifies with the certificate: they must be one pair. */
  private static void checkPair(X509Certificate leaf, PrivateKey key, Settings s) {
    String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    byte[] probe = "vernier".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    boolean pair;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(probe);
      pair = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      pair = false;
    }
    if (!pair) {
      throw new IllegalArgumentException(
          "--tls-key: " + s.key() + " is not the key of the certificate in " + s.cert());
    }
  }

  /** The gRPC port's credentials: TLS, and client certificates required with a client CA. */
  public ServerCredentials grpc() {
    TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder().keyManager(keys);
    if (clients != null) {
      b.trustManager(clients).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return b.build();
  }

  /** The HTTP port's TLS context: the same certificate, the same client rule. */
  public SSLContext http() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          new KeyManager[] {keys}, clients == null ? null : new TrustManager[] {clients}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JVM", e);
    }
  }

  /** Whether clients must present a certificate (mutual TLS). */
  public boolean mutual() {
    return clients != null;
  }

  /**
   * Credentials for calls to other replicas: their certificates checked against the peer CA, and
   * this server's certificate presented, so mutual TLS holds between replicas too.
   */
  public ChannelCredentials peers() {
    return TlsChannelCredentials.newBuilder().keyManager(keys).trustManager(peers).build();
  }

  @Override
  public void close() {
    watches.forEach(FileWatch::close);
  }
}
