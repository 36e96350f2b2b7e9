package vernier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.server.tls.TestCertificates.Authority;
import vernier.server.tls.TestCertificates.Issued;

/**
 * {@code vernier server --tls-*} as a real process, and the client commands' {@code --tls-*} flags
 * and {@code VERNIER_TLS_*} variables against it: the right CA connects, the wrong one or none gets
 * one line saying what to change, and inconsistent server flags are refused before it starts.
 */
final class TlsCliTest {

  @TempDir Path dir;

  private CliRun vernier(Map<String, String> env, String... args) throws Exception {
    return CliRun.of(dir, env, args);
  }

  @Test
  void clientCommands_connectWithTheRightCaAndCertificate_andSayWhatToChangeOtherwise()
      throws Exception {
    Authority ca = Authority.create(dir, "team");
    Authority other = Authority.create(dir, "other");
    Issued server = ca.issue("server");
    Issued alice = ca.issue("alice");
    try (ServerProcess s =
        ServerProcess.start(
            dir.resolve("v.db").toString(),
            dir,
            Map.of(),
            vernier.client.ClientTls.credentials(ca.certFile, alice.cert(), alice.key()),
            ServerProcess.freePort(),
            "--tls-cert",
            server.cert().toString(),
            "--tls-key",
            server.key().toString(),
            "--tls-client-ca",
            ca.certFile.toString())) {
      CliRun flags =
          vernier(
              Map.of(),
              "study",
              "list",
              "-s",
              s.target(),
              "--tls-ca",
              ca.certFile.toString(),
              "--tls-cert",
              alice.cert().toString(),
              "--tls-key",
              alice.key().toString());
      assertThat(flags.exit()).as(flags.err()).isZero();

      CliRun env =
          vernier(
              Map.of(
                  "VERNIER_TLS_CA", ca.certFile.toString(),
                  "VERNIER_TLS_CERT", alice.cert().toString(),
                  "VERNIER_TLS_KEY", alice.key().toString()),
              "study",
              "list",
              "-s",
              s.target());
      assertThat(env.exit()).as(env.err()).isZero();

      CliRun wrongCa =
          vernier(
              Map.of(),
              "study",
              "list",
              "-s",
              s.target(),
              "--timeout",
              "2",
              "--tls-ca",
              other.certFile.toString(),
              "--tls-cert",
              alice.cert().toString(),
              "--tls-key",
              alice.key().toString());
      assertThat(wrongCa.exit()).isNotZero();
      assertThat(wrongCa.err())
          .contains("TLS: the server's certificate is not signed by a CA this client trusts")
          .contains("--tls-ca");

      CliRun noCertificate =
          vernier(
              Map.of(),
              "study",
              "list",
              "-s",
              s.target(),
              "--timeout",
              "2",
              "--tls-ca",
              ca.certFile.toString());
      assertThat(noCertificate.exit()).isNotZero();
      assertThat(noCertificate.err()).contains("TLS: ");

      CliRun halfIdentity =
          vernier(
              Map.of(),
              "study",
              "list",
              "-s",
              s.target(),
              "--tls-ca",
              ca.certFile.toString(),
              "--tls-cert",
              alice.cert().toString());
      assertThat(halfIdentity.exit()).isNotZero();
      assertThat(halfIdentity.err()).contains("--tls-key");
    }
  }

  @Test
  void serverTlsFlags_areCheckedBeforeItStarts() throws Exception {
    Authority ca = Authority.create(dir, "team");
    Issued server = ca.issue("server");
    Issued another = ca.issue("another");
    for (List<String> flags :
        List.of(
            List.of("--tls-cert", server.cert().toString()),
            List.of("--tls-client-ca", ca.certFile.toString()),
            List.of(
                "--tls-cert", server.cert().toString(), "--tls-key", another.key().toString()))) {
      List<String> args =
          new java.util.ArrayList<>(
              List.of("server", "--port", "0", "--http-port", "-1", "--db", ":memory:"));
      args.addAll(flags);
      CliRun r = vernier(Map.of(), args.toArray(String[]::new));
      assertThat(r.exit()).as(String.join(" ", flags)).isNotZero();
      assertThat(r.err()).as(String.join(" ", flags)).contains("--tls-");
    }
  }
}
