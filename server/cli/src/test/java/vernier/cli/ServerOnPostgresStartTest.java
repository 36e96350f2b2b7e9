package vernier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.server.storage.LocalPostgres;

/**
 * {@code vernier server --db postgresql://...} that cannot use its database stops at once with one
 * line naming the problem and the fix, never the password; one that can, serves.
 */
final class ServerOnPostgresStartTest {

  @TempDir Path dir;

  private final LocalPostgres postgres = LocalPostgres.shared();

  @Test
  void theRightPasswordFromPgpassword_serves() throws Exception {
    String url = postgres.newDatabase().toString();
    try (ServerProcess server =
        ServerProcess.start(
            url, dir, Map.of("PGPASSWORD", LocalPostgres.PASSWORD), ServerProcess.freePort())) {
      assertThat(server.output()).contains("store: PostgreSQL " + url);
      assertThat(server.output()).doesNotContain(LocalPostgres.PASSWORD);
    }
  }

  @Test
  void aWrongPassword_isOneLineNamingTheLogin() throws Exception {
    String out =
        failedStart(
            Map.of("PGPASSWORD", "not-the-password"), "--db", postgres.newDatabase().toString());
    assertThat(out)
        .contains(
            "vernier: PostgreSQL at 127.0.0.1:"
                + postgres.port()
                + " refused the login of user vernier")
        .contains("PGPASSWORD")
        .doesNotContain("not-the-password")
        .doesNotContain("\tat ");
  }

  @Test
  void aPasswordInTheUrl_isRefusedBeforeConnecting() throws Exception {
    String out =
        failedStart(
            Map.of(), "--db", "postgresql://vernier:hunter2@127.0.0.1:" + postgres.port() + "/x");
    assertThat(out)
        .contains("vernier: --db: the URL holds a password")
        .contains("--db-password-file")
        .doesNotContain("hunter2");
  }

  @Test
  void aMissingDatabase_andAMissingPasswordFile_areNamed() throws Exception {
    assertThat(
            failedStart(
                Map.of("PGPASSWORD", LocalPostgres.PASSWORD),
                "--db",
                postgres.url("nowhere").toString()))
        .contains("vernier: database nowhere does not exist on PostgreSQL at 127.0.0.1:");
    assertThat(
            failedStart(
                Map.of(),
                "--db",
                postgres.newDatabase().toString(),
                "--db-password-file",
                dir.resolve("missing").toString()))
        .contains("vernier: --db-password-file " + dir.resolve("missing") + ": cannot read it");
  }

  private String failedStart(Map<String, String> env, String... args) throws Exception {
    Path log = Files.createTempFile(dir, "server-", ".log");
    List<String> command =
        ChildJvm.vernier(
            concat(List.of("server", "--port", "0", "--http-port", "0"), List.of(args)));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().remove("PGPASSWORD");
    builder.environment().putAll(env);
    Process p = builder.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the server gave up").isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    return Files.readString(log);
  }

  private static String[] concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
  }
}
