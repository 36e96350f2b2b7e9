package vernier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.client.VernierClient;
import vernier.v1.CreateStudyRequest;
import vernier.v1.DeleteStudyRequest;
import vernier.v1.Direction;
import vernier.v1.EnqueueTrialsRequest;
import vernier.v1.FloatDomain;
import vernier.v1.GetTrialRequest;
import vernier.v1.Limits;
import vernier.v1.ListTrialsRequest;
import vernier.v1.Objective;
import vernier.v1.ParamValue;
import vernier.v1.ParameterSpec;
import vernier.v1.PluginSpec;
import vernier.v1.StudySpec;
import vernier.v1.Trial;
import vernier.v1.TrialParams;

/** {@code vernier agent} against the real server process, with the example commands. */
final class AgentTest {

  @TempDir static Path dir;

  static ServerProcess server;

  @BeforeAll
  static void start() throws Exception {
    server = ServerProcess.start(dir.resolve("agent.db"), ServerProcess.freePort());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static StudySpec quadratic(int maxTrials, String pruner) {
    return StudySpec.newBuilder()
        .addParameters(
            ParameterSpec.newBuilder()
                .setName("x")
                .setFloatDomain(FloatDomain.newBuilder().setMin(-5).setMax(5)))
        .addParameters(
            ParameterSpec.newBuilder()
                .setName("y")
                .setFloatDomain(FloatDomain.newBuilder().setMin(-5).setMax(5)))
        .addObjectives(Objective.newBuilder().setMetric("loss").setDirection(Direction.MINIMIZE))
        .setPruner(PluginSpec.newBuilder().setName(pruner))
        .setLimits(Limits.newBuilder().setMaxTrials(maxTrials))
        .build();
  }

  private static String agent(String... args) {
    return agentExiting(0, args);
  }

  /** Runs {@code vernier agent ...}, checks its exit code, returns its stdout and stderr. */
  private static String agentExiting(int code, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream previousOut = System.out;
    PrintStream previousErr = System.err;
    PrintStream both = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    System.setOut(both);
    System.setErr(both);
    try {
      assertThat(Main.command().execute(args))
          .as(bytes.toString(StandardCharsets.UTF_8))
          .isEqualTo(code);
    } finally {
      System.setOut(previousOut);
      System.setErr(previousErr);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static List<Trial> trials(VernierClient client, String study) {
    return client
        .studies()
        .listTrials(ListTrialsRequest.newBuilder().setStudy("studies/" + study).build())
        .getTrialsList();
  }

  private static Path script() {
    Path p = Path.of("../../examples/agent/quadratic.sh").toAbsolutePath().normalize();
    assertThat(p).exists();
    return p;
  }

  @Test
  void aStudyCreatedAgainUnderTheSameId_getsFreshTrialDirectories() throws Exception {
    Path work = dir.resolve("runs-re");
    try (VernierClient client = VernierClient.connect(server.target())) {
      for (int round = 0; round < 2; round++) {
        client.createStudy("agent-re", quadratic(1, "none"));
        // each run leaves a file in its trial directory; a second run there would find the first's
        agent(
            "agent",
            "-s",
            server.target(),
            "--study",
            "agent-re",
            "--workdir",
            work.toString(),
            "--",
            "sh",
            "-c",
            "test ! -e \"$VERNIER_TRIAL_DIR/left-behind\" && touch"
                + " \"$VERNIER_TRIAL_DIR/left-behind\" && echo loss=1");
        assertThat(trials(client, "agent-re"))
            .as("round %d", round)
            .singleElement()
            .extracting(Trial::getState)
            .isEqualTo(Trial.State.SUCCEEDED);
        client
            .studies()
            .deleteStudy(DeleteStudyRequest.newBuilder().setName("studies/agent-re").build());
      }
    }
    try (var dirs = Files.list(work)) {
      assertThat(dirs.filter(p -> p.getFileName().toString().startsWith("agent-re-"))).hasSize(2);
    }
  }

  @Test
  void runsOneProcessPerTrial_reportsEveryLine_andTellsTheLastValues() {
    Path work = dir.resolve("runs-a");
    try (VernierClient client = VernierClient.connect(server.target())) {
      client.createStudy("agent-a", quadratic(4, "none"));
      String out =
          agent(
              "agent",
              "-s",
              server.target(),
              "--study",
              "agent-a",
              "--parallel",
              "2",
              "--workdir",
              work.toString(),
              "--",
              "env",
              "STEPS=4",
              "STEP_DELAY=0",
              "sh",
              script().toString(),
              "{x}",
              "{y}");
      assertThat(out).contains("study studies/agent-a is done");
      List<Trial> trials = trials(client, "agent-a");
      assertThat(trials).hasSize(4).allMatch(t -> t.getState() == Trial.State.SUCCEEDED);
      for (Trial t : trials) {
        double x = t.getParamsOrThrow("x").getDoubleValue();
        double y = t.getParamsOrThrow("y").getDoubleValue();
        assertThat(t.getValuesOrThrow("loss"))
            .isCloseTo((x - 1) * (x - 1) + (y + 2) * (y + 2) + 5.0 / 4, within());
        assertThat(t.getLastStep()).isEqualTo(3);
        Trial full =
            client.studies().getTrial(GetTrialRequest.newBuilder().setName(t.getName()).build());
        assertThat(full.getMeasurementsList()).hasSize(4); // JSON and key=value lines alike
        assertThat(studyDir(work, "agent-a").resolve("trial-" + t.getNumber() + "/params.json"))
            .exists();
      }
    }
  }

  @Test
  void populationBasedTraining_commandsContinueFromTheirParentsFiles() throws Exception {
    Path work = dir.resolve("runs-pbt");
    // "training": w starts at 10 (or at the parent's saved w) and shrinks by x per step; saved at
    // the end
    String train =
        "w=10; [ -n \"$VERNIER_START_FROM_DIR\" ] && w=$(cat \"$VERNIER_START_FROM_DIR/w\");"
            + " s=${VERNIER_START_FROM_STEP:-0}; while [ $s -lt $VERNIER_MAX_STEP ]; do s=$((s+1));"
            + " w=$(awk -v w=$w -v x=$VERNIER_PARAM_X 'BEGIN { print w * (1 - x) }'); echo"
            + " \"step=$s loss=$w\"; done; echo $w > \"$VERNIER_TRIAL_DIR/w\"";
    StudySpec spec =
        quadratic(0, "none").toBuilder()
            .clearParameters()
            .addParameters(
                ParameterSpec.newBuilder()
                    .setName("x")
                    .setFloatDomain(FloatDomain.newBuilder().setMin(0.01).setMax(0.2)))
            .setSampler(
                PluginSpec.newBuilder()
                    .setName("pbt")
                    .setSettings(
                        com.google.protobuf.Struct.newBuilder()
                            .putFields(
                                "population_size",
                                com.google.protobuf.Value.newBuilder().setNumberValue(3).build())
                            .putFields(
                                "interval",
                                com.google.protobuf.Value.newBuilder().setNumberValue(4).build())
                            .putFields(
                                "max_step",
                                com.google.protobuf.Value.newBuilder().setNumberValue(12).build())))
            .build();
    try (VernierClient client = VernierClient.connect(server.target())) {
      client.createStudy("agent-pbt", spec);
      String out =
          agent(
              "agent",
              "-s",
              server.target(),
              "--study",
              "agent-pbt",
              "--parallel",
              "3",
              "--workdir",
              work.toString(),
              "--",
              "sh",
              "-c",
              train);
      assertThat(out).contains("study studies/agent-pbt is done");
      List<Trial> trials = trials(client, "agent-pbt");
      assertThat(trials).hasSize(9).allMatch(t -> t.getState() == Trial.State.SUCCEEDED);
      for (Trial t : trials) {
        double x = t.getParamsOrThrow("x").getDoubleValue();
        double start =
            t.hasStartFrom()
                ? Double.parseDouble(
                    java.nio.file.Files.readString(
                            studyDir(work, "agent-pbt")
                                .resolve("trial-" + t.getStartFrom().getTrial() + "/w"))
                        .trim())
                : 10;
        assertThat(t.getLastStep()).isEqualTo(t.getMaxStep());
        assertThat(t.getValuesOrThrow("loss"))
            .as("trial %d continues its parent's w", t.getNumber())
            .isCloseTo(
                start * Math.pow(1 - x, 4), org.assertj.core.data.Offset.offset(1e-3 * start));
      }
      Trial last = trials.get(trials.size() - 1);
      String lineage =
          agent(
              "study",
              "lineage",
              "agent-pbt",
              Long.toString(last.getNumber()),
              "-s",
              server.target());
      List<String> lines = lineage.lines().toList();
      assertThat(lines).as(lineage).hasSize(4); // header, then segments ending at steps 12, 8 and 4
      assertThat(lines.get(1)).startsWith(Long.toString(last.getNumber())).contains("from #");
      assertThat(lines.get(3)).doesNotContain("from #");
    }
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-5);
  }

  @Test
  void prunedProcessIsTerminatedWithinOneReport() throws Exception {
    Path work = dir.resolve("runs-b");
    try (VernierClient client = VernierClient.connect(server.target())) {
      StudySpec spec =
          quadratic(2, "median").toBuilder()
              .setPruner(
                  PluginSpec.newBuilder()
                      .setName("median")
                      .setSettings(
                          com.google.protobuf.Struct.newBuilder()
                              .putFields(
                                  "n_startup_trials",
                                  com.google.protobuf.Value.newBuilder()
                                      .setNumberValue(1)
                                      .build())))
              .build();
      client
          .studies()
          .createStudy(CreateStudyRequest.newBuilder().setStudyId("agent-b").setSpec(spec).build());
      client
          .studies()
          .enqueueTrials(
              EnqueueTrialsRequest.newBuilder()
                  .setStudy("studies/agent-b")
                  .addTrials(point(1, -2))
                  .addTrials(point(5, 5))
                  .build());
      long start = System.nanoTime();
      agent(
          "agent",
          "-s",
          server.target(),
          "--study",
          "agent-b",
          "--workdir",
          work.toString(),
          "--grace-seconds",
          "2",
          "--",
          "env",
          "STEPS=50",
          "STEP_DELAY=0.1",
          "sh",
          script().toString(),
          "{x}",
          "{y}");
      double seconds = (System.nanoTime() - start) / 1e9;
      List<Trial> trials = trials(client, "agent-b");
      assertThat(trials.get(0).getState()).isEqualTo(Trial.State.SUCCEEDED);
      assertThat(trials.get(1).getState()).isEqualTo(Trial.State.PRUNED);
      assertThat(trials.get(1).getLastStep()).isZero(); // stopped at its first report
      assertThat(studyDir(work, "agent-b").resolve("trial-1/finished")).doesNotExist();
      assertThat(seconds).as("the pruned 50-step trial did not run to its end").isLessThan(5 + 4);
    }
  }

  private static TrialParams point(double x, double y) {
    return TrialParams.newBuilder()
        .putParams("x", ParamValue.newBuilder().setDoubleValue(x).build())
        .putParams("y", ParamValue.newBuilder().setDoubleValue(y).build())
        .build();
  }

  @Test
  void nonZeroExit_isAFailureWithTheTailOfStderr() {
    try (VernierClient client = VernierClient.connect(server.target())) {
      client.createStudy("agent-c", quadratic(1, "none"));
      String out =
          agentExiting(
              1,
              "agent",
              "-s",
              server.target(),
              "--study",
              "agent-c",
              "--workdir",
              dir.resolve("runs-c").toString(),
              "--",
              "sh",
              "-c",
              "echo loss=3; echo 'CUDA out of memory' >&2; exit 3");
      Trial t = trials(client, "agent-c").get(0);
      assertThat(t.getState()).isEqualTo(Trial.State.FAILED);
      assertThat(t.getFailureReason()).contains("exit code 3", "CUDA out of memory");
      assertThat(out)
          .contains("trial 0 FAILED: exit code 3: CUDA out of memory (exit 3, ")
          .contains("vernier agent: all 1 trials failed; the last: trial 0 FAILED: exit code 3");
    }
  }

  @Test
  void aCommandThatNeverReportsTheObjective_stopsTheAgentAfterOneTrial() {
    try (VernierClient client = VernierClient.connect(server.target())) {
      client.createStudy("agent-m", quadratic(5, "none"));
      String out =
          agentExiting(
              1,
              "agent",
              "-s",
              server.target(),
              "--study",
              "agent-m",
              "--parallel",
              "1",
              "--workdir",
              dir.resolve("runs-m").toString(),
              "--",
              "sh",
              "-c",
              "echo training done");
      assertThat(trials(client, "agent-m")).hasSize(1);
      assertThat(out)
          .contains(
              "trial 0 FAILED: the command exited 0 without reporting 'loss', which the study"
                  + " needs (exit 0, ")
          .contains(
              "vernier agent: the command does not report 'loss', which the study needs (an"
                  + " objective or constraint); stopped asking for trials.");
    }
  }

  @Test
  void tunesThePythonScikitLearnExample() throws Exception {
    Path python = Path.of("/usr/bin/python3");
    Path example =
        Path.of("../../workers/python/examples/sgd_digits.py").toAbsolutePath().normalize();
    assertThat(python).exists();
    StudySpec spec =
        StudySpec.newBuilder()
            .addParameters(
                ParameterSpec.newBuilder()
                    .setName("alpha")
                    .setFloatDomain(
                        FloatDomain.newBuilder().setMin(1e-6).setMax(1e-1).setLogScale(true)))
            .addParameters(
                ParameterSpec.newBuilder()
                    .setName("eta0")
                    .setFloatDomain(
                        FloatDomain.newBuilder().setMin(1e-4).setMax(1).setLogScale(true)))
            .addObjectives(
                Objective.newBuilder().setMetric("val_error").setDirection(Direction.MINIMIZE))
            .setLimits(Limits.newBuilder().setMaxTrials(3))
            .setSeed(com.google.protobuf.Int64Value.of(3))
            .build();
    try (VernierClient client = VernierClient.connect(server.target())) {
      client.createStudy("agent-py", spec);
      agent(
          "agent",
          "-s",
          server.target(),
          "--study",
          "agent-py",
          "--workdir",
          dir.resolve("runs-py").toString(),
          "--",
          python.toString(),
          example.toString(),
          "--alpha",
          "{alpha}",
          "--eta0",
          "{eta0}",
          "--epochs",
          "5");
      List<Trial> trials = trials(client, "agent-py");
      assertThat(trials).hasSize(3).allMatch(t -> t.getState() == Trial.State.SUCCEEDED);
      assertThat(trials).allMatch(t -> t.getLastStep() == 4 && t.getValuesOrThrow("val_error") < 1);
      assertThat(Files.exists(example)).isTrue();
    }
  }

  /**
   * The agent's directory for a study, {@code <id>-<creation time>} (a path that does not exist if
   * none).
   */
  private static Path studyDir(Path work, String study) {
    if (!Files.isDirectory(work)) {
      return work.resolve(study + "-none");
    }
    try (var dirs = Files.list(work)) {
      return dirs.filter(p -> p.getFileName().toString().matches(study + "-\\d+\\.\\d{9}"))
          .findFirst()
          .orElse(work.resolve(study + "-none"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
