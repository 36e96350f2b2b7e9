package vernier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive works on its own: unpacked in an empty directory, its {@code bin/vernier}
 * runs with only a Java runtime on the path (no Maven, no checkout) and runs a sweep.
 */
final class ReleaseArchiveIT {

  @TempDir Path dir;

  @Test
  void unpackedArchive_printsItsVersion_andRunsADemo() throws Exception {
    Path archive = Path.of(System.getProperty("vernier.archive"));
    String version = System.getProperty("vernier.version");
    assertThat(archive).exists();
    assertThat(run(dir, "tar", "xzf", archive.toString()).exit).isZero();
    Path home = dir.resolve("vernier-" + version);
    assertThat(home.resolve("lib")).isDirectory();
    assertThat(home.resolve("docs/api.md")).exists();
    assertThat(home.resolve("README.md")).exists();
    String launcher = home.resolve("bin/vernier").toString();

    Result v = run(home, launcher, "--version");
    assertThat(v.exit).isZero();
    assertThat(v.output)
        .matches("vernier " + version.replace(".", "\\.") + " \\(commit [0-9a-f]{7,}.*\\)\\n");

    Result demo =
        run(home, launcher, "demo", "--workload", "synthetic", "--trials", "6", "--workers", "2");
    assertThat(demo.exit).as(demo.output).isZero();
    assertThat(demo.output).contains("Best trial");
  }

  private record Result(int exit, String output) {}

  /**
   * Runs {@code command} in {@code cwd} with a PATH that holds only this JVM's bin and the
   * system's.
   */
  private static Result run(Path cwd, String... command) throws IOException, InterruptedException {
    ProcessBuilder b = new ProcessBuilder(new ArrayList<>(List.of(command)));
    b.directory(cwd.toFile()).redirectErrorStream(true);
    b.environment().remove("JAVA_HOME");
    b.environment().remove("CLASSPATH");
    b.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
    Path log = Files.createTempFile(cwd.getParent() == null ? cwd : cwd, "run-", ".log");
    b.redirectOutput(log.toFile());
    Process p = b.start();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    return new Result(p.exitValue(), Files.readString(log));
  }
}
