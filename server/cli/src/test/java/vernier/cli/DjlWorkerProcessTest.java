package vernier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.client.Parameters;
import vernier.client.VernierClient;
import vernier.v1.Direction;
import vernier.v1.EnqueueTrialsRequest;
import vernier.v1.GetTrialRequest;
import vernier.v1.Limits;
import vernier.v1.ListTrialsRequest;
import vernier.v1.Measurement;
import vernier.v1.Objective;
import vernier.v1.ParamValue;
import vernier.v1.StudySpec;
import vernier.v1.Trial;
import vernier.v1.TrialParams;

/**
 * The DJL reference worker as a process ({@code vernier djl-worker}) against the real server
 * process: a short sweep, and a worker killed with SIGKILL whose trial is abandoned and retried by
 * another worker process from the last checkpoint.
 */
final class DjlWorkerProcessTest {

  @TempDir static Path dir;

  static ServerProcess server;

  @BeforeAll
  static void start() throws Exception {
    server = ServerProcess.start(dir.resolve("djl.db"), ServerProcess.freePort());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Process worker(String study, String... extra) throws Exception {
    List<String> command =
        ChildJvm.vernier(
            "djl-worker",
            "--server",
            server.target(),
            "--study",
            study,
            "--checkpoints",
            dir.resolve("checkpoints").toString(),
            "--eval-every",
            "20",
            "--report-every",
            "10",
            "--device",
            "cpu");
    command.addAll(List.of(extra));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(Files.createTempFile(dir, "worker-", ".log").toFile())
        .start();
  }

  private static StudySpec.Builder spec() {
    return StudySpec.newBuilder()
        .addParameters(Parameters.logFloat("lr", 1e-3, 3e-2))
        .addParameters(Parameters.choice("optimizer", "adam", "adamw"))
        .addObjectives(
            Objective.newBuilder().setMetric("val_loss").setDirection(Direction.MINIMIZE))
        .setSeed(com.google.protobuf.Int64Value.of(11));
  }

  private static List<Trial> trials(VernierClient client, String study) {
    return client
        .studies()
        .listTrials(
            ListTrialsRequest.newBuilder()
                .setStudy("studies/" + study)
                .setIncludeMeasurements(true)
                .build())
        .getTrialsList();
  }

  @Test
  void workerProcess_runsASweepUntilTheStudyIsDone_andModelsLearn() throws Exception {
    try (VernierClient client = VernierClient.connect(server.target())) {
      client.createStudy(
          "djl-sweep", spec().setLimits(Limits.newBuilder().setMaxTrials(3)).build());
      Process worker = worker("djl-sweep", "--max-steps", "60");
      assertThat(worker.waitFor(180, TimeUnit.SECONDS)).isTrue();
      assertThat(worker.exitValue()).isZero();
      List<Trial> trials = trials(client, "djl-sweep");
      assertThat(trials)
          .hasSize(3)
          .allSatisfy(
              t -> {
                assertThat(t.getState()).isEqualTo(Trial.State.SUCCEEDED);
                assertThat(t.getLabelsMap()).containsEntry("device", "cpu()");
                assertThat(valLoss(t, 60)).isLessThan(valLoss(t, 20));
              });
    }
  }

  private static double valLoss(Trial t, long step) {
    return t.getMeasurementsList().stream()
        .filter(m -> m.getStep() == step)
        .findFirst()
        .orElseThrow()
        .getMetricsOrThrow("val_loss");
  }

  @Test
  void killedWorkerProcess_trialIsAbandoned_andRetriedByAnotherFromTheCheckpoint()
      throws Exception {
    try (VernierClient client = VernierClient.connect(server.target())) {
      client.createStudy(
          "djl-resume",
          spec()
              .setLimits(
                  Limits.newBuilder()
                      .setMaxTrials(1)
                      .setMaxAttempts(2)
                      .setLeaseDuration(com.google.protobuf.Duration.newBuilder().setSeconds(2)))
              .build());
      client
          .studies()
          .enqueueTrials(
              EnqueueTrialsRequest.newBuilder()
                  .setStudy("studies/djl-resume")
                  .addTrials(
                      TrialParams.newBuilder()
                          .putParams("lr", ParamValue.newBuilder().setDoubleValue(0.01).build())
                          .putParams("optimizer", Parameters.string("adam")))
                  .build());
      Process first = worker("djl-resume", "--max-steps", "400");
      String trial0 = "studies/djl-resume/trials/0";
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (lastStep(client, trial0) < 45 && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
      } finally {
        first.destroyForcibly(); // SIGKILL
        first.waitFor(30, TimeUnit.SECONDS);
      }
      Path studyDir;
      try (var dirs = Files.list(dir.resolve("checkpoints"))) { // <study id>-<creation time>
        studyDir =
            dirs.filter(p -> p.getFileName().toString().startsWith("djl-resume-"))
                .findFirst()
                .orElseThrow();
      }
      long checkpointed =
          Long.parseLong(Files.readString(studyDir.resolve("trial-0/latest")).trim());
      assertThat(checkpointed).isGreaterThanOrEqualTo(40);
      Process second = worker("djl-resume", "--max-steps", "400");
      assertThat(second.waitFor(180, TimeUnit.SECONDS)).isTrue();
      List<Trial> trials = trials(client, "djl-resume");
      assertThat(trials.get(0).getState()).isEqualTo(Trial.State.ABANDONED);
      Trial retry = trials.get(1);
      assertThat(retry.getAttempt()).isEqualTo(2);
      assertThat(retry.getState()).isEqualTo(Trial.State.SUCCEEDED);
      long firstStep =
          retry.getMeasurementsList().stream().mapToLong(Measurement::getStep).min().orElseThrow();
      assertThat(firstStep)
          .as("resumed after the checkpoint at %d", checkpointed)
          .isEqualTo(checkpointed + 10);
    }
  }

  private static long lastStep(VernierClient client, String trial) {
    return client
        .studies()
        .getTrial(GetTrialRequest.newBuilder().setName(trial).build())
        .getLastStep();
  }
}
