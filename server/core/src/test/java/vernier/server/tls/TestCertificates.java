package vernier.server.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificate authorities and certificates made in the test, written as PEM files the way operators
 * have them (certificate chains, unencrypted PKCS#8 keys): for TLS tests with a real CA, a wrong CA
 * and expired certificates. BouncyCastle builds them; the JDK has no public API for it.
 */
public final class TestCertificates {

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A certificate and its key, as files. */
  public record Issued(Path cert, Path key, X509Certificate certificate) {}

  /** A CA that issues certificates for 127.0.0.1 and localhost. */
  public static final class Authority {
    private final String name;
    private final KeyPair keys;
    private final X509Certificate certificate;
    private final Path dir;

    /** The CA certificate as a PEM file (what --tls-ca and --tls-client-ca take). */
    public final Path certFile;

    private Authority(Path dir, String name) throws Exception {
      this.dir = dir;
      this.name = name;
      this.keys = ecKeys();
      Instant now = Instant.now();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              new X500Name("CN=" + name),
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(now.minus(Duration.ofDays(1))),
              Date.from(now.plus(Duration.ofDays(30))),
              new X500Name("CN=" + name),
              keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      this.certificate = sign(b, keys);
      this.certFile =
          writePem(dir.resolve(name + "-ca.pem"), "CERTIFICATE", certificate.getEncoded());
    }

    public static Authority create(Path dir, String name) throws Exception {
      return new Authority(dir, name);
    }

    /** A certificate valid now, for 127.0.0.1 and localhost, usable by servers and clients. */
    public Issued issue(String subject) throws Exception {
      Instant now = Instant.now();
      return issue(subject, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(7)));
    }

    /** A certificate valid from {@code notBefore} to {@code notAfter}. */
    public Issued issue(String subject, Instant notBefore, Instant notAfter) throws Exception {
      KeyPair leaf = ecKeys();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              new X500Name("CN=" + name),
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(notBefore),
              Date.from(notAfter),
              new X500Name("CN=" + subject),
              leaf.getPublic());
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")
              }));
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      X509Certificate cert = sign(b, keys);
      String base = name + "-" + subject + "-" + cert.getSerialNumber();
      return new Issued(
          writePem(dir.resolve(base + ".pem"), "CERTIFICATE", cert.getEncoded()),
          writePem(dir.resolve(base + ".key"), "PRIVATE KEY", leaf.getPrivate().getEncoded()),
          cert);
    }
  }

  private TestCertificates() {}

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair issuer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
  }

  /** Writes DER bytes as PEM with the given label; returns the file. */
  public static Path writePem(Path file, String label, byte[] der) throws IOException {
    String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
    Files.writeString(
        file, "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n");
    return file;
  }
}
