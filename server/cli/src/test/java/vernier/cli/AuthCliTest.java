package vernier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vernier auth token create | list | revoke} and a server process started with {@code
 * --auth-tokens}: the client commands send the token from {@code --token-file} or {@code
 * VERNIER_TOKEN}, a missing one gets one line saying how to send it, and admin calls are audited.
 */
final class AuthCliTest {

  @TempDir Path dir;

  private CliRun vernier(Map<String, String> env, String... args) throws Exception {
    return CliRun.of(dir, env, args);
  }

  @Test
  void tokensMadeByTheCli_openTheServer_toTheirRoleOnly() throws Exception {
    String tokens = dir.resolve("tokens.yaml").toString();
    CliRun root =
        vernier(
            Map.of(), "auth", "token", "create", "-f", tokens, "--name", "root", "--role", "admin");
    assertThat(root.exit()).as(root.err()).isZero();
    assertThat(root.out().strip()).startsWith("vnr_");
    assertThat(root.err()).contains("the token above is shown only now");
    Path rootToken = Files.writeString(dir.resolve("root.token"), root.out());
    CliRun viewer =
        vernier(
            Map.of(),
            "auth",
            "token",
            "create",
            "-f",
            tokens,
            "--name",
            "ci",
            "--role",
            "viewer",
            "--prefix",
            "team-a-");
    assertThat(viewer.exit()).isZero();
    assertThat(Files.readString(Path.of(tokens))).doesNotContain(root.out().strip());
    CliRun list = vernier(Map.of(), "auth", "token", "list", "-f", tokens);
    assertThat(list.out())
        .contains("ci    viewer  team-a- (prefixes)")
        .contains("root  admin   all");

    try (ServerProcess s =
        ServerProcess.start(
            dir.resolve("v.db").toString(),
            dir,
            Map.of(),
            ServerProcess.freePort(),
            "--auth-tokens",
            tokens)) {
      CliRun none = vernier(Map.of(), "study", "list", "-s", s.target());
      assertThat(none.exit()).isEqualTo(2);
      assertThat(none.err()).contains("UNAUTHENTICATED: no token").contains("--token-file");

      CliRun create =
          vernier(
              Map.of(),
              "study",
              "create",
              "-f",
              Path.of("../../examples/study.yaml").toString(),
              "-s",
              s.target(),
              "--token-file",
              rootToken.toString());
      assertThat(create.exit()).as(create.err()).isZero();

      CliRun asViewer =
          vernier(Map.of("VERNIER_TOKEN", viewer.out().strip()), "study", "list", "-s", s.target());
      assertThat(asViewer.exit()).as(asViewer.err()).isZero();
      assertThat(asViewer.out()).doesNotContain("mlp-sweep"); // not in its tenant

      CliRun denied =
          vernier(
              Map.of("VERNIER_TOKEN", viewer.out().strip()),
              "study",
              "pause",
              "team-a-x",
              "-s",
              s.target());
      assertThat(denied.exit()).isEqualTo(2);
      assertThat(denied.err()).contains("PERMISSION_DENIED").contains("needs the admin role");

      CliRun revoke = vernier(Map.of(), "auth", "token", "revoke", "-f", tokens, "--name", "ci");
      assertThat(revoke.exit()).isZero();
      assertThat(s.output())
          .contains("audit - root (admin) CreateStudy studies/mlp-sweep: OK")
          .contains("audit - ci (viewer) SetStudyState -: PERMISSION_DENIED");
    }
  }
}
