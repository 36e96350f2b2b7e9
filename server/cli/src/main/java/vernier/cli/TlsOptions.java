package vernier.cli;

import io.grpc.ChannelCredentials;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;
import vernier.client.ClientTls;
import vernier.client.VernierClient;

/**
 * The client side's TLS flags, each defaulting to its environment variable ({@link ClientTls}), for
 * every command that connects to a server.
 */
final class TlsOptions {

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      defaultValue = "${env:VERNIER_TLS_CA}",
      description =
          "Connect over TLS, trusting the CA in FILE (PEM) for the server's certificate (default:"
              + " VERNIER_TLS_CA).")
  Path ca;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      defaultValue = "${env:VERNIER_TLS_CERT}",
      description =
          "Present this client certificate (PEM) to a server that requires one (default:"
              + " VERNIER_TLS_CERT). Needs --tls-key.")
  Path cert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      defaultValue = "${env:VERNIER_TLS_KEY}",
      description = "The private key of --tls-cert (PKCS#8 PEM; default: VERNIER_TLS_KEY).")
  Path key;

  @Option(
      names = "--tls",
      description =
          "Connect over TLS trusting the system's CAs (implied by --tls-ca and --tls-cert; default:"
              + " VERNIER_TLS=1).")
  boolean tls;

  /** A client of {@code target} over TLS when these flags ask for it, else in plain text. */
  VernierClient connect(String target) {
    return credentials()
        .map(c -> VernierClient.connect(target, c))
        .orElseGet(() -> VernierClient.connect(target));
  }

  /** The credentials these flags ask for; empty: plaintext. */
  Optional<ChannelCredentials> credentials() {
    String env = System.getenv(ClientTls.ENV_TLS);
    boolean on = tls || "1".equals(env) || "true".equalsIgnoreCase(env);
    if (ca == null && cert == null && key == null && !on) {
      return Optional.empty();
    }
    return Optional.of(ClientTls.credentials(ca, cert, key));
  }
}
