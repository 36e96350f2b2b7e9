package vernier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of the {@code vernier} command line in a child JVM: its exit status, standard output and
 * standard error. The credentials variables of the test's own environment ({@code VERNIER_TLS_*},
 * {@code VERNIER_TOKEN*}) are not passed on, so a run sees only the {@code env} it is given.
 */
record CliRun(int exit, String out, String err) {

  /** Runs {@code vernier args} with {@code env} added; its output files go to {@code dir}. */
  static CliRun of(Path dir, Map<String, String> env, String... args) throws Exception {
    Path out = Files.createTempFile(dir, "out-", ".txt");
    Path err = Files.createTempFile(dir, "err-", ".txt");
    ProcessBuilder b =
        new ProcessBuilder(ChildJvm.vernier(args))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    b.environment()
        .keySet()
        .removeIf(k -> k.startsWith("VERNIER_TLS") || k.startsWith("VERNIER_TOKEN"));
    b.environment().putAll(env);
    Process p = b.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS))
        .as("vernier %s ends", String.join(" ", args))
        .isTrue();
    return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
