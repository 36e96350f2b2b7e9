package vernier.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.training.tracker.Tracker;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.client.ActiveTrial;
import vernier.client.VernierClient;
import vernier.server.ServerConfig;
import vernier.server.VernierServer;
import vernier.v1.CreateStudyRequest;
import vernier.v1.DeleteStudyRequest;
import vernier.v1.Direction;
import vernier.v1.FloatDomain;
import vernier.v1.IntDomain;
import vernier.v1.Limits;
import vernier.v1.ListTrialsRequest;
import vernier.v1.Measurement;
import vernier.v1.Objective;
import vernier.v1.ParameterSpec;
import vernier.v1.PluginSpec;
import vernier.v1.StudySpec;
import vernier.v1.Trial;

/**
 * Population-based training in the DJL trainer: trials with {@code start_from} and {@code
 * max_step}, planned by the test sampler {@link PlanSamplerFactory} through the real server (in
 * this JVM, over TCP).
 */
final class PopulationBasedTrainingTest {

  /** 100 steps by default (the schedule's length), evaluations every 20, train_loss every 10. */
  private static final TrialTrainer.Settings SETTINGS = new TrialTrainer.Settings(100, 20, 10);

  @TempDir Path dir;

  private VernierServer server;
  private VernierClient client;
  private TrialTrainer trainer;

  @BeforeEach
  void start() {
    server =
        VernierServer.create(new ServerConfig("127.0.0.1", 0, -1, ServerConfig.MEMORY, null))
            .start();
    client = VernierClient.connect("127.0.0.1:" + server.grpcPort());
    trainer = TrialTrainer.builtInText(client, dir, SETTINGS);
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private void create(String id, String plan, Limits limits) {
    create(id, plan, limits, StudySpec.newBuilder());
  }

  private void create(String id, String plan, Limits limits, StudySpec.Builder space) {
    StudySpec spec =
        space
            .addParameters(
                ParameterSpec.newBuilder()
                    .setName("lr")
                    .setFloatDomain(
                        FloatDomain.newBuilder().setMin(1e-4).setMax(1).setLogScale(true)))
            .addObjectives(
                Objective.newBuilder().setMetric("val_loss").setDirection(Direction.MINIMIZE))
            .setSampler(
                PluginSpec.newBuilder()
                    .setName("test-plan")
                    .setSettings(
                        Struct.newBuilder()
                            .putFields("plan", Value.newBuilder().setStringValue(plan).build())))
            .setLimits(limits)
            .build();
    client
        .studies()
        .createStudy(CreateStudyRequest.newBuilder().setStudyId(id).setSpec(spec).build());
  }

  private List<Trial> trials(String id) {
    return client
        .studies()
        .listTrials(
            ListTrialsRequest.newBuilder()
                .setStudy("studies/" + id)
                .setIncludeMeasurements(true)
                .build())
        .getTrialsList();
  }

  private static List<Long> steps(Trial t) {
    return t.getMeasurementsList().stream().map(Measurement::getStep).sorted().toList();
  }

  private static double at(Trial t, long step, String metric) {
    return t.getMeasurementsList().stream()
        .filter(m -> m.getStep() == step && m.containsMetrics(metric))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no " + metric + " at step " + step + " in " + steps(t)))
        .getMetricsOrThrow(metric);
  }

  /**
   * The study's checkpoint directory, {@code <id>-<creation time>} (a path that does not exist if
   * none).
   */
  private Path studyDir(String study) throws Exception {
    try (var dirs = Files.list(dir)) {
      List<Path> found =
          dirs.filter(p -> p.getFileName().toString().matches(study + "-\\d+\\.\\d{9}")).toList();
      assertThat(found).as("checkpoint directories of " + study).hasSizeLessThanOrEqualTo(1);
      return found.isEmpty() ? dir.resolve(study + "-none") : found.get(0);
    }
  }

  private Path checkpoint(String study, long trial, long step) throws Exception {
    return studyDir(study).resolve("trial-" + trial).resolve("step-" + step);
  }

  private String latest(String study, long trial) throws Exception {
    return Files.readString(studyDir(study).resolve("trial-" + trial).resolve("latest")).trim();
  }

  @Test
  void segments_startFromTheParentsCheckpoint_reportGlobalSteps_andCheckpointAtMaxStep()
      throws Exception {
    // trial 0 from scratch to 40; trials 1 and 2 both from trial 0's checkpoint at 40, trained at
    // once
    create("pbt", "-:40, 0@40:53, 0@40:60", Limits.getDefaultInstance());
    client.run("studies/pbt", "djl", 2, t -> trainer.train(t, Device.cpu()));

    List<Trial> t = trials("pbt");
    assertThat(t)
        .hasSize(3)
        .allSatisfy(trial -> assertThat(trial.getState()).isEqualTo(Trial.State.SUCCEEDED));
    Trial parent = t.get(0);
    assertThat(steps(parent))
        .containsExactly(10L, 20L, 30L, 40L); // max_step 40, not the worker's 100 steps
    assertThat(parent.getLabelsMap()).doesNotContainKey("started_from");

    Trial child = t.get(1);
    assertThat(child.getStartFrom().getTrial()).isZero();
    assertThat(steps(child))
        .containsExactly(50L, 53L); // train_loss at 50; evaluation and the end at 53
    assertThat(child.getLastStep()).isEqualTo(53);
    assertThat(child.getValuesOrThrow("val_loss")).isEqualTo(at(child, 53, "val_loss"));
    assertThat(child.getLabelsMap())
        .containsEntry("started_from", "0@40")
        .containsEntry("test-plan.segment", "1");
    assertThat(steps(t.get(2))).containsExactly(50L, 60L);
    assertThat(t.get(2).getLabelsMap()).containsEntry("started_from", "0@40");

    // each child continues the parent's training: its first train_loss (steps 41..50) is near the
    // parent's last (31..40), far below what a fresh model starts at (the parent's steps 1..10)
    double fresh = at(parent, 10, "train_loss");
    double parentLast = at(parent, 40, "train_loss");
    assertThat(parentLast).isLessThan(fresh * 0.5);
    for (Trial c : List.of(child, t.get(2))) {
      double childFirst = at(c, 50, "train_loss");
      assertThat(childFirst)
          .as("trial %d", c.getNumber())
          .isLessThan(parentLast + 0.4 * (fresh - parentLast))
          .isLessThan(fresh * 0.5);
    }

    // a checkpoint at exactly max_step (53 is no multiple of the evaluation interval), for children
    // of its own
    assertThat(checkpoint("pbt", 1, 53)).isDirectory();
    assertThat(latest("pbt", 1)).isEqualTo("53");
    assertThat(checkpoint("pbt", 2, 60)).isDirectory();
    assertThat(checkpoint("pbt", 0, 40)).isDirectory(); // the parent's stays, for more children
    try (var files = Files.list(studyDir("pbt").resolve("trial-1"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("step-53", "latest");
    }
  }

  @Test
  void aStudyCreatedAgainUnderTheSameId_neverLoadsTheOldOnesCheckpoints() throws Exception {
    create("again", "-:20", Limits.getDefaultInstance());
    client.run("studies/again", "djl", 1, t -> trainer.train(t, Device.cpu()));
    client.studies().deleteStudy(DeleteStudyRequest.newBuilder().setName("studies/again").build());
    // the new study's trial 0 checkpoints at 10 only; its trial 1 asks for 0@20, which the old
    // study saved
    create("again", "-:10, 0@20:30", Limits.newBuilder().setMaxAttempts(1).build());
    client.run("studies/again", "djl", 1, t -> trainer.train(t, Device.cpu()));
    Trial child = trials("again").get(1);
    assertThat(child.getState()).isEqualTo(Trial.State.FAILED);
    assertThat(child.getFailureReason())
        .contains(
            "trial 1 starts from the checkpoint of trial 0 at step 20, but there " + "is none");
    try (var dirs = Files.list(dir)) {
      assertThat(dirs.filter(p -> p.getFileName().toString().startsWith("again-"))).hasSize(2);
    }
  }

  @Test
  void missingStartCheckpoint_failsTheTrial_notRetryable_namingTrialAndStep() throws Exception {
    // trial 0 checkpointed only at step 20 (evaluations every 20), so 0@10 does not exist
    create("missing", "-:20, 0@10:30", Limits.newBuilder().setMaxAttempts(3).build());
    client.run("studies/missing", "djl", 1, t -> trainer.train(t, Device.cpu()));

    List<Trial> t = trials("missing");
    assertThat(t).hasSize(2); // no retry: a retry would miss the same checkpoint
    Trial failed = t.get(1);
    assertThat(failed.getState()).isEqualTo(Trial.State.FAILED);
    assertThat(failed.getRetryable()).isFalse();
    assertThat(failed.getFailureReason())
        .contains("MissingCheckpointException")
        .contains("trial 1 starts from the checkpoint of trial 0 at step 10, but there is none")
        .contains("trial 0 has only step-20 here");
    assertThat(failed.getMeasurementsList()).isEmpty();
    assertThat(studyDir("missing").resolve("trial-1")).doesNotExist();
  }

  @Test
  void childWithAnotherModelShape_failsTheTrial_insteadOfTrainingTheParentsShape()
      throws Exception {
    create(
        "shape",
        "-:20:32, 0@20:30:64",
        Limits.getDefaultInstance(),
        StudySpec.newBuilder()
            .addParameters(
                ParameterSpec.newBuilder()
                    .setName("units")
                    .setIntDomain(IntDomain.newBuilder().setMin(8).setMax(64))));
    client.run("studies/shape", "djl", 1, t -> trainer.train(t, Device.cpu()));

    List<Trial> t = trials("shape");
    assertThat(t.get(0).getState()).isEqualTo(Trial.State.SUCCEEDED);
    assertThat(t.get(1).getState()).isEqualTo(Trial.State.FAILED);
    assertThat(t.get(1).getRetryable()).isFalse();
    assertThat(t.get(1).getFailureReason())
        .contains("does not fit this trial's model: parameter")
        .contains("(64, 32) here");
    assertThat(t.get(1).getMeasurementsList()).isEmpty();
  }

  @Test
  void retryOfASegment_startsFromStartFrom_untilItsOwnChainHasACheckpoint() throws Exception {
    create("retry", "-:20, 0@20:33", Limits.newBuilder().setMaxAttempts(3).build());
    try (ActiveTrial parent = ask("retry")) {
      parent.succeed(trainer.train(parent, Device.cpu()));
    }
    try (ActiveTrial first = ask("retry")) { // trial 1: dies before it saved anything
      assertThat(first.trial().getNumber()).isEqualTo(1);
      first.fail("simulated crash", true);
    }
    Map<String, Double> trained;
    try (ActiveTrial second =
        ask("retry")) { // trial 2 retries 1: nothing along retry_of, so start_from
      assertThat(second.trial().getAttempt()).isEqualTo(2);
      assertThat(second.startFrom()).hasValueSatisfying(s -> assertThat(s.step()).isEqualTo(20));
      trained = trainer.train(second, Device.cpu());
      second.fail("simulated crash after the last checkpoint", true);
    }
    try (ActiveTrial third =
        ask("retry")) { // trial 3 retries 2: its checkpoint at 33 wins over start_from
      third.succeed(trainer.train(third, Device.cpu()));
    }

    List<Trial> t = trials("retry");
    assertThat(t.get(2).getLabelsMap()).containsEntry("started_from", "0@20");
    assertThat(steps(t.get(2))).containsExactly(30L, 33L);
    Trial last = t.get(3);
    assertThat(last.getState()).isEqualTo(Trial.State.SUCCEEDED);
    assertThat(last.getLabelsMap()).containsEntry("started_from", "2@33");
    assertThat(steps(last)).containsExactly(33L); // nothing left to train: measured at 33
    assertThat(last.getValuesOrThrow("val_loss")).isCloseTo(trained.get("val_loss"), within(1e-6));
    assertThat(checkpoint("retry", 3, 33))
        .isDirectory(); // its own, for children that start from trial 3
  }

  private ActiveTrial ask(String study) {
    Optional<ActiveTrial> next = client.ask("studies/" + study, "djl");
    assertThat(next).isPresent();
    return next.get();
  }

  @Test
  void pbtSampler_everySegmentFollowsItsPlan() throws Exception {
    // the real pbt sampler: 4 members, 3 segments of 15 steps each (evaluations every 20 fall
    // mid-segment)
    StudySpec spec =
        StudySpec.newBuilder()
            .addParameters(
                ParameterSpec.newBuilder()
                    .setName("lr")
                    .setFloatDomain(
                        FloatDomain.newBuilder().setMin(1e-3).setMax(0.1).setLogScale(true)))
            .addObjectives(
                Objective.newBuilder().setMetric("val_loss").setDirection(Direction.MINIMIZE))
            .setSampler(
                PluginSpec.newBuilder()
                    .setName("pbt")
                    .setSettings(
                        Struct.newBuilder()
                            .putFields(
                                "population_size", Value.newBuilder().setNumberValue(4).build())
                            .putFields("interval", Value.newBuilder().setNumberValue(15).build())
                            .putFields("max_step", Value.newBuilder().setNumberValue(45).build())
                            .putFields("quantile", Value.newBuilder().setNumberValue(0.5).build())))
            .setLimits(Limits.newBuilder().setMaxParallel(2))
            .build();
    client
        .studies()
        .createStudy(CreateStudyRequest.newBuilder().setStudyId("real").setSpec(spec).build());
    client.run("studies/real", "djl", 2, t -> trainer.train(t, Device.cpu()));

    List<Trial> t = trials("real");
    assertThat(t)
        .hasSize(12)
        .allSatisfy(
            trial -> {
              assertThat(trial.getState()).isEqualTo(Trial.State.SUCCEEDED);
              long from = trial.hasStartFrom() ? trial.getStartFrom().getStep() : 0;
              assertThat(steps(trial))
                  .allSatisfy(step -> assertThat(step).isBetween(from + 1, trial.getMaxStep()));
              assertThat(trial.getLastStep()).isEqualTo(trial.getMaxStep());
              assertThat(checkpoint("real", trial.getNumber(), trial.getMaxStep())).isDirectory();
              if (trial.hasStartFrom()) {
                assertThat(trial.getLabelsMap())
                    .containsEntry(
                        "started_from",
                        trial.getStartFrom().getTrial() + "@" + trial.getStartFrom().getStep());
              }
            });
    assertThat(t).filteredOn(trial -> trial.getMaxStep() == 45).hasSize(4);
    assertThat(t)
        .as("some member exploited another's checkpoint")
        .anyMatch(
            trial ->
                trial.hasStartFrom()
                    && !trial
                        .getLabelsOrThrow("pbt.member")
                        .equals(
                            t.get((int) trial.getStartFrom().getTrial())
                                .getLabelsOrThrow("pbt.member")));
  }

  @Test
  void schedule_runsOnTheGlobalStep_overMaxSteps() {
    Hyperparams cosine = hyperparams("cosine", 5);
    Tracker fromScratch = TrialTrainer.schedule(cosine);
    Tracker resumed = new TrialTrainer.Shifted(TrialTrainer.schedule(cosine), 20);
    assertThat(resumed.getNewValue(1)).isEqualTo(fromScratch.getNewValue(21));
    assertThat(resumed.getNewValue(1)).isLessThan(0.01f).isGreaterThan(0.0001f);
    assertThat(fromScratch.getNewValue(200))
        .isCloseTo(0.0001f, within(1e-7f)); // past max_steps: lr / 100

    Tracker exponential = TrialTrainer.schedule(hyperparams("exponential", 0));
    assertThat(exponential.getNewValue(60)).isCloseTo(0.0001f, within(1e-6f));
    assertThat(exponential.getNewValue(600)).isEqualTo(exponential.getNewValue(60));
  }

  private static Hyperparams hyperparams(String schedule, int warmup) {
    return new Hyperparams(0.01, 32, 1, 64, 0, 0, "adam", 0.9, warmup, schedule, 60, 32, 2, 32);
  }
}
