package vernier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real server process's HTTP side and its flags. */
final class ServerHttpTest {

  @TempDir Path dir;

  @Test
  void serverProcess_servesReadyzAndMetrics_andASecondServerOnItsPortIsToldWhichFlag()
      throws Exception {
    try (ServerProcess server =
        ServerProcess.start(dir.resolve("a.db"), ServerProcess.freePort())) {
      assertThat(get(server.httpPort, "/readyz")).isEqualTo("ok\n");
      assertThat(get(server.httpPort, "/metrics")).contains("vernier_");

      Path log = dir.resolve("clash.log");
      Process clash =
          cli(
              log,
              "server",
              "--port",
              "0",
              "--http-port",
              Integer.toString(server.httpPort),
              "--db",
              dir.resolve("b.db").toString());
      assertThat(clash.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(clash.exitValue()).isEqualTo(1);
      assertThat(Files.readString(log))
          .contains(
              "vernier: HTTP port "
                  + server.httpPort
                  + " on 127.0.0.1 is already in use (another Vernier server?); stop that process"
                  + " or choose another port with --http-port");
    }
  }

  @Test
  void aSecondServerOnTheSameDatabaseFile_refusesToStart() throws Exception {
    Path db = dir.resolve("shared.db");
    try (ServerProcess server = ServerProcess.start(db, ServerProcess.freePort())) {
      Path log = dir.resolve("second.log");
      Process second = cli(log, "server", "--port", "0", "--http-port", "0", "--db", db.toString());
      assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(second.exitValue()).isEqualTo(1);
      assertThat(Files.readString(log))
          .contains(
              "vernier: " + db.toAbsolutePath() + " is in use by another Vernier server (pid ")
          .contains("stop that server, or give this one another --db");
      assertThat(get(server.httpPort, "/readyz")).isEqualTo("ok\n");
    }
  }

  @Test
  void deprecatedMetricsPort_stillSetsTheHttpPort_andSaysSo() throws Exception {
    int port = ServerProcess.freePort();
    Path log = dir.resolve("server.log");
    Process p =
        cli(
            log,
            "server",
            "--port",
            Integer.toString(ServerProcess.freePort()),
            "--metrics-port",
            Integer.toString(port),
            "--db",
            dir.resolve("c.db").toString());
    try {
      String body = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (body == null && System.nanoTime() < deadline && p.isAlive()) {
        try {
          body = get(port, "/healthz");
        } catch (IOException notYet) {
          Thread.sleep(200);
        }
      }
      assertThat(body).as(Files.readString(log)).isEqualTo("ok\n");
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(Files.readString(log))
        .contains("vernier server: --metrics-port is deprecated; use --http-port " + port);
  }

  /**
   * {@code vernier args...} as a child JVM with the test class path, its output into {@code log}.
   */
  private static Process cli(Path log, String... args) throws IOException {
    return new ProcessBuilder(ChildJvm.vernier(args))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static String get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
