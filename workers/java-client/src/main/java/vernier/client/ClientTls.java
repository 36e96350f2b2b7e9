package vernier.client;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * TLS to a Vernier server: the CA that signed the server's certificate (or the system's trusted
 * CAs) and, for a server that requires client certificates (mutual TLS), this client's certificate
 * and key. The same three settings come from flags in the command line and from the environment
 * everywhere ({@link #ENV_CA}, {@link #ENV_CERT}, {@link #ENV_KEY}, {@link #ENV_TLS}), so workers,
 * the agent and scripts all connect the same way.
 */
public final class ClientTls {

  /** A PEM file of the CA(s) to trust for the server's certificate; setting it turns TLS on. */
  public static final String ENV_CA = "VERNIER_TLS_CA";

  /** This client's certificate chain (PEM), for servers that require one. */
  public static final String ENV_CERT = "VERNIER_TLS_CERT";

  /** The private key of {@link #ENV_CERT} (PKCS#8 PEM). */
  public static final String ENV_KEY = "VERNIER_TLS_KEY";

  /** {@code 1}/{@code true}: TLS trusting the system's CAs (when no {@link #ENV_CA} is given). */
  public static final String ENV_TLS = "VERNIER_TLS";

  private ClientTls() {}

  /**
   * Credentials for TLS: trusting {@code ca} (null: the system's CAs), presenting {@code cert} and
   * {@code key} when both are given.
   *
   * @throws IllegalArgumentException naming the file that cannot be used, or a certificate without
   *     its key
   */
  public static ChannelCredentials credentials(Path ca, Path cert, Path key) {
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException(
          "a client certificate needs its key and the key its certificate: give both "
              + (cert == null ? "--tls-cert / " + ENV_CERT : "--tls-key / " + ENV_KEY));
    }
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
    try {
      if (ca != null) {
        b.trustManager(readable(ca, "CA").toFile());
      }
      if (cert != null) {
        b.keyManager(readable(cert, "certificate").toFile(), readable(key, "key").toFile());
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("TLS files: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "TLS files: "
              + e.getMessage()
              + " (certificates are PEM, keys unencrypted PKCS#8 PEM: -----BEGIN PRIVATE KEY-----)",
          e);
    }
    return b.build();
  }

  private static Path readable(Path file, String what) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("cannot read the TLS " + what + " file " + file);
    }
    return file;
  }

  /** TLS as the environment asks for it; empty when it asks for none (plaintext). */
  public static Optional<ChannelCredentials> fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  static Optional<ChannelCredentials> fromEnvironment(Map<String, String> env) {
    Path ca = path(env, ENV_CA);
    Path cert = path(env, ENV_CERT);
    Path key = path(env, ENV_KEY);
    String on = env.getOrDefault(ENV_TLS, "");
    boolean tls = on.equals("1") || on.equalsIgnoreCase("true");
    if (ca == null && cert == null && key == null && !tls) {
      return Optional.empty();
    }
    return Optional.of(credentials(ca, cert, key));
  }

  private static Path path(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : Path.of(value);
  }
}
