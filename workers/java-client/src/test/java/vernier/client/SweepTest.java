package vernier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vernier.server.ServerConfig;
import vernier.server.VernierServer;
import vernier.v1.CategoricalDomain;
import vernier.v1.Condition;
import vernier.v1.Direction;
import vernier.v1.FloatDomain;
import vernier.v1.GetStudyRequest;
import vernier.v1.IntDomain;
import vernier.v1.Limits;
import vernier.v1.ListTrialsRequest;
import vernier.v1.Objective;
import vernier.v1.ParamValue;
import vernier.v1.ParameterSpec;
import vernier.v1.PluginSpec;
import vernier.v1.StudySpec;
import vernier.v1.Trial;

/** The SDK's sweep loop, typed parameters and SIGTERM handling against the real server. */
final class SweepTest {

  private VernierServer server;
  private VernierClient client;

  @BeforeEach
  void start() {
    server =
        VernierServer.create(new ServerConfig("127.0.0.1", 0, -1, ServerConfig.MEMORY, null))
            .start();
    client = VernierClient.connect("127.0.0.1:" + server.grpcPort());
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private static ParamValue str(String s) {
    return ParamValue.newBuilder().setStringValue(s).build();
  }

  private static StudySpec.Builder spec() {
    return StudySpec.newBuilder()
        .addParameters(
            ParameterSpec.newBuilder()
                .setName("lr")
                .setFloatDomain(FloatDomain.newBuilder().setMin(1e-4).setMax(1)))
        .addParameters(
            ParameterSpec.newBuilder()
                .setName("layers")
                .setIntDomain(IntDomain.newBuilder().setMin(1).setMax(4)))
        .addParameters(
            ParameterSpec.newBuilder()
                .setName("optimizer")
                .setCategorical(
                    CategoricalDomain.newBuilder().addChoices(str("adam")).addChoices(str("sgd"))))
        .addParameters(
            ParameterSpec.newBuilder()
                .setName("momentum")
                .setFloatDomain(FloatDomain.newBuilder().setMax(0.9))
                .setCondition(Condition.newBuilder().setParent("optimizer").addValues(str("sgd"))))
        .addObjectives(Objective.newBuilder().setMetric("loss").setDirection(Direction.MINIMIZE));
  }

  @Test
  void eachFinishedTrialIsOneReadableLine() {
    assertThat(
            SweepRunner.outcome(
                vernier.v1.Trial.newBuilder()
                    .setNumber(12)
                    .setState(vernier.v1.Trial.State.SUCCEEDED)
                    .putValues("val_loss", 0.41234567)
                    .build(),
                23_400_000_000L))
        .isEqualTo("trial 12 SUCCEEDED val_loss=0.41235 (23.4 s)");
    assertThat(
            SweepRunner.outcome(
                vernier.v1.Trial.newBuilder()
                    .setNumber(13)
                    .setState(vernier.v1.Trial.State.PRUNED)
                    .setLastStep(75)
                    .build(),
                4_100_000_000L))
        .isEqualTo("trial 13 PRUNED at step 75 (4.1 s)");
    assertThat(
            SweepRunner.outcome(
                vernier.v1.Trial.newBuilder()
                    .setNumber(14)
                    .setState(vernier.v1.Trial.State.FAILED)
                    .setFailureReason("CUDA out of memory")
                    .build(),
                1_000_000_000L))
        .isEqualTo("trial 14 FAILED: CUDA out of memory (1.0 s)");
  }

  @Test
  void typedParameters_andAbsentConditionalOnes() {
    client.createStudy("typed", spec().build());
    for (int i = 0; i < 10; i++) {
      ActiveTrial t = client.ask("studies/typed", "w").orElseThrow();
      assertThat(t.getDouble("lr")).isBetween(1e-4, 1.0);
      assertThat(t.getInt("layers")).isBetween(1, 4);
      assertThat(t.getString("optimizer")).isIn("adam", "sgd");
      assertThat(t.findDouble("momentum").isPresent())
          .isEqualTo(t.getString("optimizer").equals("sgd"));
      assertThatThrownBy(() -> t.getString("lr"))
          .hasMessageContaining("'lr'")
          .hasMessageContaining("not a string");
      if (!t.has("momentum")) {
        assertThatThrownBy(() -> t.getDouble("momentum")).hasMessageContaining("not active");
      }
      t.succeed(Map.of("loss", 1.0));
    }
  }

  @Test
  void run_asksTrainsAndTellsInParallelUntilTheStudyIsDone() throws InterruptedException {
    client.createStudy(
        "sweep",
        spec()
            .setLimits(Limits.newBuilder().setMaxTrials(12))
            .setPruner(PluginSpec.newBuilder().setName("median"))
            .setSeed(com.google.protobuf.Int64Value.of(5))
            .build());
    SweepSummary summary =
        client.run(
            "studies/sweep",
            "w",
            3,
            trial -> {
              if (trial.trial().getNumber() % 4 == 3) { // trials 3, 7 and 11 crash
                throw new IllegalStateException("diverged");
              }
              double loss = trial.getDouble("lr") + trial.getInt("layers");
              for (int step = 0; step < 5; step++) {
                trial.report(step, Map.of("loss", loss + 1.0 / (step + 1)));
                if (trial.shouldStop()) {
                  trial.prune();
                  return Map.of();
                }
              }
              return Map.of("loss", loss);
            });
    assertThat(summary.total()).isEqualTo(12);
    assertThat(summary.failed()).isPositive();
    assertThat(summary.succeeded()).isPositive();
    var counts =
        client
            .studies()
            .getStudy(GetStudyRequest.newBuilder().setName("studies/sweep").build())
            .getTrialCounts();
    assertThat(counts.getSucceeded()).isEqualTo(summary.succeeded());
    assertThat(counts.getPruned()).isEqualTo(summary.pruned());
    assertThat(counts.getFailed()).isEqualTo(summary.failed());
  }

  @Test
  void createStudy_fromTheExampleYaml() throws Exception {
    assertThat(client.createStudy(Path.of("../../examples/study.yaml")).getName())
        .isEqualTo("studies/mlp-sweep");
  }

  @Test
  void sigterm_tellsTheRunningTrialsFailedRetryable() throws Exception {
    client.createStudy("sigterm", spec().setLimits(Limits.newBuilder().setMaxAttempts(2)).build());
    Process worker =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SigtermWorker.class.getName(),
                "127.0.0.1:" + server.grpcPort(),
                "studies/sigterm")
            .inheritIO()
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (active() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(active()).isEqualTo(2);
      worker.destroy(); // SIGTERM
      assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      worker.destroyForcibly();
    }
    List<Trial> trials =
        client
            .studies()
            .listTrials(
                ListTrialsRequest.newBuilder()
                    .setStudy("studies/sigterm")
                    .addStates(Trial.State.FAILED)
                    .build())
            .getTrialsList();
    assertThat(trials)
        .hasSize(2)
        .allMatch(t -> t.getRetryable() && t.getFailureReason().contains("SIGTERM"));
    assertThat(
            client
                .studies()
                .getStudy(GetStudyRequest.newBuilder().setName("studies/sigterm").build())
                .getTrialCounts()
                .getWaiting())
        .isEqualTo(2); // their retries wait for another worker
  }

  private int active() {
    return client
        .studies()
        .getStudy(GetStudyRequest.newBuilder().setName("studies/sigterm").build())
        .getTrialCounts()
        .getActive();
  }
}
