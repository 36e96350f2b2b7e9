package vernier.cli;

import io.grpc.ChannelCredentials;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;
import vernier.client.ClientTls;
import vernier.client.VernierClient;

/**
 * The client side's credentials for every command that connects to a server: TLS (each flag
 * defaulting to its environment variable, {@link ClientTls}) and the bearer token of a server that
 * authenticates ({@code --token-file}, else {@code VERNIER_TOKEN} or {@code VERNIER_TOKEN_FILE}).
 */
final class CredentialOptions {

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

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "Send the token in FILE to a server that authenticates (default: VERNIER_TOKEN, or the"
              + " file VERNIER_TOKEN_FILE names). Tokens come from vernier auth token create.")
  Path tokenFile;

  /**
   * A client of {@code target} over TLS when these flags ask for it, else in plain text, sending
   * the token of {@code --token-file} (or the environment's).
   */
  VernierClient connect(String target) {
    VernierClient client =
        credentials()
            .map(c -> VernierClient.connect(target, c))
            .orElseGet(() -> VernierClient.connect(target));
    return tokenFile == null ? client : client.tokenFile(tokenFile);
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
