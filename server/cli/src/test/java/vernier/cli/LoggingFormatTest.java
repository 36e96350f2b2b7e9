package vernier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One logging backend per process: {@code vernier} run as a user runs it (a child JVM) writes every
 * log record, whichever facade it came through, in the one format of {@code logback.xml}, on
 * stderr.
 */
final class LoggingFormatTest {

  /** {@code %d{HH:mm:ss.SSS} %-5level %logger{0} - %msg}. */
  private static final Pattern RECORD =
      Pattern.compile("^\\d{2}:\\d{2}:\\d{2}\\.\\d{3} (ERROR|WARN |INFO |DEBUG|TRACE) \\S+ - .*$");

  /** A stack trace under a record: the exception, its frames, causes. */
  private static final Pattern TRACE =
      Pattern.compile(
          "^(\\s+(at |\\.\\.\\. \\d+ |Suppressed: |Caused by: ).*"
              + "|Caused by: .*|[\\w$.]+(Exception|Error|Throwable)(: .*)?)$");

  /** java.util.logging's SimpleFormatter: {@code Dec 05, 2026 9:15:01 PM vernier.X method}. */
  private static final Pattern JUL_HEADER =
      Pattern.compile("^[A-Z][a-z]{2} \\d{1,2}, \\d{4} \\d{1,2}:\\d{2}:\\d{2} [AP]M .*");

  /** ... and its second line, {@code INFO: message}. */
  private static final Pattern JUL_MESSAGE =
      Pattern.compile("^(SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST): .*");

  /** slf4j-simple's {@code [main] INFO x - message} / {@code [INFO] x - message}. */
  private static final Pattern SIMPLE = Pattern.compile(".*\\[(ERROR|WARN|INFO|DEBUG|TRACE)\\] .*");

  private static final List<String> DEMO =
      List.of(
          "demo",
          "--workload",
          "synthetic",
          "--trials",
          "6",
          "--workers",
          "2",
          "--steps",
          "10",
          "--step-ms",
          "2");

  @TempDir Path dir;

  record Run(int code, List<String> out, List<String> err) {
    String all() {
      return String.join("\n", out) + "\n--- stderr ---\n" + String.join("\n", err);
    }
  }

  @Test
  void demo_printsEveryLogLineInOneFormat() throws Exception {
    Run run = vernier(Map.of(), DEMO);

    assertThat(run.code()).as(run.all()).isZero();
    assertOneFormat(run);
    assertThat(run.err()).as("log records").anyMatch(l -> RECORD.matcher(l).matches());
    // SLF4J (the server) and System.Logger (the auto sampler, a plugin) both come through
    assertThat(run.err())
        .as(run.all())
        .anyMatch(l -> l.matches(".* INFO  VernierServer - Vernier serving gRPC on .*"))
        .anyMatch(l -> l.matches(".* INFO  auto - study demo-\\w+: auto sampler chose .*"));
    // the user-facing output stays on stdout, unchanged
    assertThat(run.out()).as(run.all()).anyMatch(l -> l.startsWith("Vernier demo: synthetic,"));
    assertThat(run.out().stream().filter(l -> l.matches("\\[  \\d/6\\] trial .*"))).hasSize(6);
    assertThat(run.out()).anyMatch(l -> l.startsWith("Best trial "));
  }

  static Stream<Arguments> warnLevels() {
    List<String> afterSubcommand = new ArrayList<>(DEMO);
    afterSubcommand.addAll(1, List.of("--log-level", "WARN"));
    List<String> beforeSubcommand = new ArrayList<>(List.of("--log-level", "warn"));
    beforeSubcommand.addAll(DEMO);
    return Stream.of(
        Arguments.of("--log-level warn demo", Map.of(), beforeSubcommand),
        Arguments.of("demo --log-level WARN", Map.of(), afterSubcommand),
        Arguments.of("VERNIER_LOG_LEVEL=warn", Map.of("VERNIER_LOG_LEVEL", "warn"), DEMO));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("warnLevels")
  void logLevelWarn_suppressesInfoLines(String name, Map<String, String> env, List<String> args)
      throws Exception {
    Run run = vernier(env, args);

    assertThat(run.code()).as(run.all()).isZero();
    assertOneFormat(run);
    assertThat(run.err()).as(run.all()).noneMatch(l -> l.matches(".* (INFO |DEBUG|TRACE) .*"));
    assertThat(run.out().stream().filter(l -> l.matches("\\[  \\d/6\\] trial .*"))).hasSize(6);
  }

  @Test
  void logLevel_rejectsAnUnknownLevel() throws Exception {
    Run run = vernier(Map.of(), List.of("demo", "--log-level", "verbose"));

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .anyMatch(
            l -> l.startsWith("Invalid value for option '--log-level'") && l.contains("warn"));
  }

  @Test
  void bridges_routeJulAndSystemLoggerIntoTheOneFormat() throws Exception {
    Run run = java(Map.of(), List.of(LoggingProbe.class.getName(), "INFO"));

    assertThat(run.code()).as(run.all()).isZero();
    assertOneFormat(run);
    assertThat(run.err())
        .as(run.all())
        .anyMatch(l -> l.matches(".* INFO  Slf4jSource - slf4j info"))
        .anyMatch(l -> l.matches(".* WARN  Slf4jSource - slf4j warn with a cause"))
        .contains("java.lang.IllegalStateException: boom")
        .anyMatch(l -> l.matches(".* INFO  SystemSource - system info"))
        .anyMatch(l -> l.matches(".* WARN  JulSource - grpc warning"))
        .anyMatch(l -> l.matches(".* INFO  JulSource - jul info"))
        // below the level, and io.grpc's INFO chatter, stay out
        .noneMatch(l -> l.contains("system debug") || l.contains("jul fine"))
        .noneMatch(l -> l.contains("grpc info"));
    assertThat(run.out()).containsExactly("probe done");
  }

  @Test
  void jvmWithoutMain_routesJulOnceLogbackStarts() throws Exception {
    Run run = java(Map.of("VERNIER_LOG_LEVEL", "warn"), List.of(LoggingProbe.class.getName()));

    assertThat(run.code()).as(run.all()).isZero();
    assertOneFormat(run);
    assertThat(run.err())
        .as(run.all())
        .anyMatch(l -> l.matches(".* WARN  Slf4jSource - slf4j warn with a cause"))
        .anyMatch(l -> l.matches(".* WARN  JulSource - grpc warning"))
        .noneMatch(l -> l.matches(".* (INFO |DEBUG|TRACE) .*"));
  }

  /** Every stderr line is a record or the stack trace under one; no other format anywhere. */
  private static void assertOneFormat(Run run) {
    boolean inRecord = false;
    for (String line : run.err()) {
      boolean record = RECORD.matcher(line).matches();
      assertThat(record || (inRecord && TRACE.matcher(line).matches()))
          .as("not in the one log format: '%s'%n%s", line, run.all())
          .isTrue();
      inRecord = true;
    }
    for (String line : concat(run.out(), run.err())) {
      assertThat(JUL_HEADER.matcher(line).matches() || JUL_MESSAGE.matcher(line).matches())
          .as("java.util.logging's format: '%s'%n%s", line, run.all())
          .isFalse();
      assertThat(SIMPLE.matcher(line).matches())
          .as("slf4j-simple's format: '%s'%n%s", line, run.all())
          .isFalse();
    }
    assertThat(run.out()).as("log records on stdout").noneMatch(l -> RECORD.matcher(l).matches());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private Run vernier(Map<String, String> env, List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Main.class.getName()));
    command.addAll(args);
    return java(env, command);
  }

  /** {@code java -cp <the test class path> <main> <args>}, as bin/vernier runs it. */
  private Run java(Map<String, String> env, List<String> mainAndArgs) throws Exception {
    List<String> command =
        ChildJvm.command(mainAndArgs.get(0), mainAndArgs.subList(1, mainAndArgs.size()));
    Path out = Files.createTempFile(dir, "out-", ".txt");
    Path err = Files.createTempFile(dir, "err-", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("VERNIER_LOG_LEVEL");
    builder.environment().putAll(env);
    Process p = builder.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("no exit in 120 s:\n" + Files.readString(err));
    }
    return new Run(
        p.exitValue(),
        Files.readAllLines(out, StandardCharsets.UTF_8),
        Files.readAllLines(err, StandardCharsets.UTF_8));
  }
}
