package vernier.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.client.VernierClient;
import vernier.server.ServerConfig;
import vernier.server.VernierServer;
import vernier.v1.CategoricalDomain;
import vernier.v1.CreateStudyRequest;
import vernier.v1.Direction;
import vernier.v1.EnqueueTrialsRequest;
import vernier.v1.FloatDomain;
import vernier.v1.IntDomain;
import vernier.v1.Limits;
import vernier.v1.ListTrialsRequest;
import vernier.v1.Objective;
import vernier.v1.ParamValue;
import vernier.v1.ParameterSpec;
import vernier.v1.PluginSpec;
import vernier.v1.StudySpec;
import vernier.v1.Trial;
import vernier.v1.TrialParams;

/**
 * The DJL trainer on tiny real models on the CPU against the real server (in this JVM, over TCP);
 * the worker as a process against the server process is tested in the CLI module.
 */
final class DjlWorkerTest {

  private static final TrialTrainer.Settings SETTINGS = new TrialTrainer.Settings(60, 20, 10);

  @TempDir Path dir;

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

  private static ParamValue d(double v) {
    return ParamValue.newBuilder().setDoubleValue(v).build();
  }

  private static ParamValue i(long v) {
    return ParamValue.newBuilder().setIntValue(v).build();
  }

  private static ParamValue s(String v) {
    return ParamValue.newBuilder().setStringValue(v).build();
  }

  private static StudySpec.Builder space() {
    return StudySpec.newBuilder()
        .addParameters(
            ParameterSpec.newBuilder()
                .setName("lr")
                .setFloatDomain(FloatDomain.newBuilder().setMin(1e-6).setMax(1).setLogScale(true)))
        .addParameters(
            ParameterSpec.newBuilder()
                .setName("optimizer")
                .setCategorical(
                    CategoricalDomain.newBuilder().addChoices(s("adam")).addChoices(s("sgd"))))
        .addParameters(
            ParameterSpec.newBuilder()
                .setName("layers")
                .setIntDomain(IntDomain.newBuilder().setMin(1).setMax(2)))
        .addParameters(
            ParameterSpec.newBuilder()
                .setName("units")
                .setIntDomain(IntDomain.newBuilder().setMin(8).setMax(64)))
        .addParameters(
            ParameterSpec.newBuilder()
                .setName("max_steps")
                .setIntDomain(IntDomain.newBuilder().setMin(20).setMax(400)))
        .addObjectives(
            Objective.newBuilder().setMetric("val_loss").setDirection(Direction.MINIMIZE));
  }

  private static TrialParams params(double lr, String optimizer, long maxSteps) {
    return TrialParams.newBuilder()
        .putParams("lr", d(lr))
        .putParams("optimizer", s(optimizer))
        .putParams("layers", i(1))
        .putParams("units", i(32))
        .putParams("max_steps", i(maxSteps))
        .build();
  }

  private void create(String id, StudySpec spec, TrialParams... enqueued) {
    client
        .studies()
        .createStudy(CreateStudyRequest.newBuilder().setStudyId(id).setSpec(spec).build());
    client
        .studies()
        .enqueueTrials(
            EnqueueTrialsRequest.newBuilder()
                .setStudy("studies/" + id)
                .addAllTrials(List.of(enqueued))
                .build());
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

  private static double at(Trial t, long step, String metric) {
    return t.getMeasurementsList().stream()
        .filter(m -> m.getStep() == step)
        .findFirst()
        .orElseThrow()
        .getMetricsOrThrow(metric);
  }

  @Test
  void worker_refusesAStudyItCannotFill_beforeTrainingAnything() {
    create(
        "needs-memory",
        space()
            .addConstraints(
                vernier.v1.Constraint.newBuilder()
                    .setMetric("memory_gb")
                    .setUpperBound(com.google.protobuf.DoubleValue.of(8)))
            .build());
    java.io.StringWriter err = new java.io.StringWriter();
    int code =
        new picocli.CommandLine(new DjlWorker())
            .setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                  err.write(e.getMessage());
                  return 1;
                })
            .execute(
                "--server",
                "127.0.0.1:" + server.grpcPort(),
                "--study",
                "needs-memory",
                "--device",
                "cpu");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "the text task cannot fill studies/needs-memory: it needs memory_gb (constraint), which"
                + " the task does not report (it reports train_loss, val_accuracy, val_loss); give"
                + " it a study over those metrics, such as examples/djl-text.yaml");
    assertThat(trials("needs-memory")).isEmpty();
  }

  @Test
  void textTask_learns_andHyperparametersMatter() throws Exception {
    create(
        "text",
        space().setLimits(Limits.newBuilder().setMaxTrials(2)).build(),
        params(0.01, "adam", 80),
        params(1e-5, "sgd", 80));
    TrialTrainer trainer = TrialTrainer.builtInText(client, dir, SETTINGS);
    client.run("studies/text", "djl", 1, t -> trainer.train(t, Device.cpu()));
    List<Trial> t = trials("text");
    Trial good = t.get(0);
    Trial bad = t.get(1);
    assertThat(good.getState()).isEqualTo(Trial.State.SUCCEEDED);
    assertThat(at(good, 80, "val_loss")).isLessThan(at(good, 20, "val_loss"));
    assertThat(good.getValuesOrThrow("val_accuracy")).isGreaterThan(0.7);
    assertThat(bad.getValuesOrThrow("val_accuracy"))
        .isLessThan(good.getValuesOrThrow("val_accuracy") - 0.2);
    assertThat(good.getLabelsMap()).containsEntry("device", "cpu()");
    assertThat(good.getMeasurementsList())
        .anyMatch(m -> m.getStep() == 10 && m.containsMetrics("train_loss"));
  }

  @Test
  void everyOptimizerAndSchedule_trains() throws Exception {
    StudySpec spec =
        StudySpec.newBuilder()
            .addParameters(
                ParameterSpec.newBuilder()
                    .setName("optimizer")
                    .setCategorical(
                        CategoricalDomain.newBuilder()
                            .addChoices(s("adam"))
                            .addChoices(s("adamw"))
                            .addChoices(s("sgd"))
                            .addChoices(s("adagrad"))))
            .addParameters(
                ParameterSpec.newBuilder()
                    .setName("schedule")
                    .setCategorical(
                        CategoricalDomain.newBuilder()
                            .addChoices(s("constant"))
                            .addChoices(s("cosine"))
                            .addChoices(s("exponential"))))
            .addParameters(
                ParameterSpec.newBuilder()
                    .setName("warmup_steps")
                    .setIntDomain(IntDomain.newBuilder().setMin(0).setMax(10)))
            .addObjectives(
                Objective.newBuilder().setMetric("val_loss").setDirection(Direction.MINIMIZE))
            .setLimits(Limits.newBuilder().setMaxTrials(12))
            .build();
    client
        .studies()
        .createStudy(CreateStudyRequest.newBuilder().setStudyId("opt").setSpec(spec).build());
    EnqueueTrialsRequest.Builder all = EnqueueTrialsRequest.newBuilder().setStudy("studies/opt");
    for (String o : List.of("adam", "adamw", "sgd", "adagrad")) {
      for (String sc : List.of("constant", "cosine", "exponential")) {
        all.addTrials(
            TrialParams.newBuilder()
                .putParams("optimizer", s(o))
                .putParams("schedule", s(sc))
                .putParams("warmup_steps", i(5)));
      }
    }
    client.studies().enqueueTrials(all.build());
    TrialTrainer trainer =
        TrialTrainer.builtInText(client, dir, new TrialTrainer.Settings(20, 10, 5));
    client.run("studies/opt", "djl", 1, t -> trainer.train(t, Device.cpu()));
    assertThat(trials("opt"))
        .hasSize(12)
        .allSatisfy(
            t -> {
              assertThat(t.getState())
                  .as(t.getParamsMap().toString())
                  .isEqualTo(Trial.State.SUCCEEDED);
              assertThat(t.getValuesOrThrow("val_loss")).isFinite();
            });
  }

  @Test
  void languageModel_perplexityFalls() throws Exception {
    StudySpec spec =
        StudySpec.newBuilder()
            .addParameters(
                ParameterSpec.newBuilder()
                    .setName("lr")
                    .setFloatDomain(
                        FloatDomain.newBuilder().setMin(1e-4).setMax(1e-1).setLogScale(true)))
            .addParameters(
                ParameterSpec.newBuilder()
                    .setName("heads")
                    .setIntDomain(IntDomain.newBuilder().setMin(1).setMax(4)))
            .addObjectives(
                Objective.newBuilder().setMetric("val_loss").setDirection(Direction.MINIMIZE))
            .setLimits(Limits.newBuilder().setMaxTrials(1))
            .build();
    client
        .studies()
        .createStudy(CreateStudyRequest.newBuilder().setStudyId("lm").setSpec(spec).build());
    client
        .studies()
        .enqueueTrials(
            EnqueueTrialsRequest.newBuilder()
                .setStudy("studies/lm")
                .addTrials(
                    TrialParams.newBuilder().putParams("lr", d(0.005)).putParams("heads", i(2)))
                .build());
    TrialTrainer trainer =
        new TrialTrainer(new LanguageModelTask(CharData.builtIn()), client, dir, SETTINGS);
    client.run("studies/lm", "djl", 1, t -> trainer.train(t, Device.cpu()));
    Trial t = trials("lm").get(0);
    assertThat(t.getState()).isEqualTo(Trial.State.SUCCEEDED);
    assertThat(at(t, 60, "val_perplexity")).isLessThan(at(t, 20, "val_perplexity")).isLessThan(12);
  }

  @Test
  void prunedTrial_stopsAtItsFirstEvaluation() throws Exception {
    StudySpec spec =
        space()
            .setPruner(
                PluginSpec.newBuilder()
                    .setName("median")
                    .setSettings(
                        Struct.newBuilder()
                            .putFields(
                                "n_startup_trials", Value.newBuilder().setNumberValue(1).build())))
            .setLimits(Limits.newBuilder().setMaxTrials(2))
            .build();
    create("prune", spec, params(0.01, "adam", 60), params(1e-6, "sgd", 60));
    TrialTrainer trainer = TrialTrainer.builtInText(client, dir, SETTINGS);
    client.run("studies/prune", "djl", 1, t -> trainer.train(t, Device.cpu()));
    Trial pruned = trials("prune").get(1);
    assertThat(pruned.getState()).isEqualTo(Trial.State.PRUNED);
    assertThat(pruned.getLastStep()).isEqualTo(20); // the first report carrying val_loss
  }

  @Test
  void aTrialTrainsTheSameWay_whateverTrainsBesideIt() throws Exception {
    StudySpec spec =
        space()
            .addParameters(
                ParameterSpec.newBuilder()
                    .setName("dropout")
                    .setFloatDomain(FloatDomain.newBuilder().setMin(0).setMax(0.5)))
            .build();
    TrialParams withDropout =
        params(0.01, "adam", 40).toBuilder().putParams("dropout", d(0.3)).build();
    TrialParams other = params(0.001, "sgd", 40).toBuilder().putParams("dropout", d(0.1)).build();
    create(
        "alone",
        spec.toBuilder().setLimits(Limits.newBuilder().setMaxTrials(1)).build(),
        withDropout);
    create(
        "beside",
        spec.toBuilder().setLimits(Limits.newBuilder().setMaxTrials(2)).build(),
        withDropout,
        other);
    TrialTrainer trainer =
        TrialTrainer.builtInText(client, dir, new TrialTrainer.Settings(40, 10, 5));
    client.run("studies/alone", "djl", 1, t -> trainer.train(t, Device.cpu()));
    client.run(
        "studies/beside",
        "djl",
        2,
        t -> trainer.train(t, Device.cpu())); // trial 1 interleaves its steps
    Trial alone = trials("alone").get(0);
    Trial beside = trials("beside").get(0);
    assertThat(beside.getState()).isEqualTo(Trial.State.SUCCEEDED);
    for (long step = 10; step <= 40; step += 10) {
      assertThat(at(beside, step, "val_loss"))
          .as("step %d", step)
          .isEqualTo(at(alone, step, "val_loss"));
    }
  }
}
