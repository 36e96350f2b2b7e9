package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import vernier.v1.AskRequest;
import vernier.v1.Assignment;
import vernier.v1.CategoricalDomain;
import vernier.v1.Condition;
import vernier.v1.CreateStudyRequest;
import vernier.v1.EnqueueTrialsRequest;
import vernier.v1.FloatDomain;
import vernier.v1.GetStudyRequest;
import vernier.v1.GetTrialRequest;
import vernier.v1.IntDomain;
import vernier.v1.ListTrialsRequest;
import vernier.v1.Measurement;
import vernier.v1.ParameterSpec;
import vernier.v1.PluginSpec;
import vernier.v1.ReportRequest;
import vernier.v1.Study;
import vernier.v1.StudySpec;
import vernier.v1.TellRequest;
import vernier.v1.Trial;
import vernier.v1.TrialParams;

/** Every malformed request gets the right code and names the field; nothing stored changes. */
final class BadInputTest {

  private final TestServer t = TestServer.inMemory();

  @AfterEach
  void close() throws InterruptedException {
    t.close();
  }

  private static StatusRuntimeException error(Executable call) {
    return catchThrowableOfType(StatusRuntimeException.class, call::execute);
  }

  private StatusRuntimeException createError(StudySpec spec) {
    return error(
        () ->
            t.studies.createStudy(
                CreateStudyRequest.newBuilder().setStudyId("bad").setSpec(spec).build()));
  }

  private void assertInvalid(StatusRuntimeException e, String field, String messagePart) {
    assertThat(e).as("expected an error").isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(TestServer.fields(e)).contains(field);
    assertThat(e.getStatus().getDescription()).contains(messagePart);
  }

  private static StudySpec withParam(ParameterSpec p) {
    return Specs.basic().addParameters(p).build();
  }

  @Test
  void aMegabyteOfInputIsNotEchoedBack() {
    String huge = "x".repeat(1_000_000);
    StatusRuntimeException id =
        error(
            () ->
                t.studies.createStudy(
                    CreateStudyRequest.newBuilder()
                        .setStudyId(huge)
                        .setSpec(Specs.basic())
                        .build()));
    assertInvalid(id, "study_id", "… (1000070 characters)");
    assertThat(id.getStatus().getDescription()).hasSizeLessThan(ApiException.MAX_MESSAGE + 100);

    StatusRuntimeException name =
        error(
            () ->
                t.studies.getStudy(
                    vernier.v1.GetStudyRequest.newBuilder().setName("studies/a/" + huge).build()));
    assertThat(name.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(name.getStatus().getDescription())
        .hasSizeLessThan(ApiException.MAX_MESSAGE + 100)
        .contains("characters)");
  }

  @Test
  void parameterNames_emptyOrDuplicate() {
    assertInvalid(
        createError(withParam(Specs.intParam("", 0, 1))),
        "spec.parameters[4].name",
        "must not be empty");
    assertInvalid(
        createError(withParam(Specs.intParam("lr", 0, 1))), "spec.parameters[4].name", "duplicate");
  }

  @Test
  void ranges_minNotBelowMax_logNeedsPositiveMin_stepMustFit() {
    assertInvalid(
        createError(withParam(Specs.floatParam("x", 1, 1, false))),
        "spec.parameters[4].float_domain.min",
        "less than max");
    assertInvalid(
        createError(withParam(Specs.intParam("x", 5, 2))),
        "spec.parameters[4].int_domain.min",
        "less than max");
    assertInvalid(
        createError(withParam(Specs.floatParam("x", 0, 1, true))),
        "spec.parameters[4].float_domain.min",
        "log scale");
    assertInvalid(
        createError(
            withParam(
                ParameterSpec.newBuilder()
                    .setName("x")
                    .setFloatDomain(FloatDomain.newBuilder().setMin(0).setMax(1).setStep(0.3))
                    .build())),
        "spec.parameters[4].float_domain.step",
        "does not divide");
    assertInvalid(
        createError(
            withParam(
                ParameterSpec.newBuilder()
                    .setName("x")
                    .setIntDomain(IntDomain.newBuilder().setMin(0).setMax(10).setStep(3))
                    .build())),
        "spec.parameters[4].int_domain.step",
        "does not divide");
    assertInvalid(
        createError(
            withParam(
                ParameterSpec.newBuilder()
                    .setName("x")
                    .setFloatDomain(FloatDomain.newBuilder().setMin(0).setMax(Double.NaN))
                    .build())),
        "spec.parameters[4].float_domain",
        "finite");
  }

  @Test
  void categorical_emptyOrDuplicateChoices_andMissingDomain() {
    assertInvalid(
        createError(
            withParam(
                ParameterSpec.newBuilder()
                    .setName("x")
                    .setCategorical(CategoricalDomain.getDefaultInstance())
                    .build())),
        "spec.parameters[4].categorical.choices",
        "at least one");
    assertInvalid(
        createError(withParam(Specs.categorical("x", Specs.str("a"), Specs.str("a")))),
        "spec.parameters[4].categorical.choices[1]",
        "duplicate");
    assertInvalid(
        createError(withParam(ParameterSpec.newBuilder().setName("x").build())),
        "spec.parameters[4]",
        "float_domain");
  }

  @Test
  void conditions_mustNameAnEarlierParameterAndItsValues() {
    assertInvalid(
        createError(
            withParam(
                Specs.intParam("x", 0, 3).toBuilder()
                    .setCondition(
                        Condition.newBuilder().setParent("nope").addValues(Specs.str("a")))
                    .build())),
        "spec.parameters[4].condition.parent",
        "nope");
    assertInvalid(
        createError(
            withParam(
                Specs.intParam("x", 0, 3).toBuilder()
                    .setCondition(
                        Condition.newBuilder()
                            .setParent("optimizer")
                            .addValues(Specs.str("rmsprop")))
                    .build())),
        "spec.parameters[4].condition.values[0]",
        "rmsprop");
  }

  @Test
  void objectivesAndLimits() {
    assertInvalid(
        createError(Specs.basic().clearObjectives().build()), "spec.objectives", "at least one");
    assertInvalid(
        createError(Specs.basic().setLimits(Specs.limits().setMaxTrials(-1)).build()),
        "spec.limits.max_trials",
        ">= 0");
  }

  @Test
  void studyId_mustBeWellFormed() {
    StatusRuntimeException e =
        error(
            () ->
                t.studies.createStudy(
                    CreateStudyRequest.newBuilder()
                        .setStudyId("Bad Id")
                        .setSpec(Specs.basic())
                        .build()));
    assertInvalid(e, "study_id", "Bad Id");
  }

  @Test
  void unknownPluginName_listsWhatIsAvailable_unknownSettingIsNamed() {
    assertInvalid(
        createError(
            Specs.basic().setSampler(PluginSpec.newBuilder().setName("bayes-magic")).build()),
        "spec.sampler.name",
        "available: grid, nsga2, nsga3, partial-fixed, pbt, qmc, random");
    assertInvalid(
        createError(Specs.basic().setPruner(PluginSpec.newBuilder().setName("nope")).build()),
        "spec.pruner.name",
        "median");
    assertInvalid(
        createError(Specs.basic().setPruner(Specs.plugin("median", "n_warmup", 3)).build()),
        "spec.pruner.settings",
        "unknown setting 'n_warmup'");
    assertInvalid(
        createError(Specs.basic().setPruner(Specs.plugin("median", "interval_steps", 0)).build()),
        "spec.pruner.settings",
        "interval_steps");
  }

  @Test
  void settingOutOfRange_isInvalidNotInternal() {
    assertInvalid(
        createError(Specs.basic().setSampler(Specs.plugin("grid", "resolution", 1e10)).build()),
        "spec.sampler.settings",
        "resolution");
  }

  @Test
  void settingOutsideItsRange_namesPluginSettingAndRange() {
    assertInvalid(
        createError(Specs.basic().setSampler(Specs.plugin("grid", "resolution", 1e300)).build()),
        "spec.sampler.settings",
        "grid: setting resolution must be an integer in [1, 2147483647], got 1e300");
    assertInvalid(
        createError(Specs.basic().setPruner(Specs.plugin("percentile", "percentile", 120)).build()),
        "spec.pruner.settings",
        "percentile: setting percentile must be a number in [0, 100], got 120");
    assertThat(
            t.studies
                .listStudies(vernier.v1.ListStudiesRequest.getDefaultInstance())
                .getStudiesList())
        .isEmpty();
  }

  @Test
  void importWithoutObjectiveValue_namesTheImportedTrial() {
    t.studies.createStudy(
        CreateStudyRequest.newBuilder().setStudyId("s").setSpec(Specs.basic()).build());
    assertInvalid(
        error(
            () ->
                t.studies.importTrials(
                    vernier.v1.ImportTrialsRequest.newBuilder()
                        .setStudy("studies/s")
                        .addTrials(
                            vernier.v1.ImportedTrial.newBuilder()
                                .putParams("lr", Specs.dbl(0.01))
                                .putParams("layers", Specs.integer(2))
                                .putParams("optimizer", Specs.str("adam"))
                                .setState(Trial.State.SUCCEEDED))
                        .build())),
        "trials[0].values",
        "loss");
    assertThat(study().getTrialCounts().getSucceeded()).isZero();
  }

  @Test
  void manyProblems_areReportedTogether() {
    StudySpec spec = StudySpec.newBuilder().addParameters(Specs.intParam("", 3, 1)).build();
    StatusRuntimeException e = createError(spec);
    assertThat(TestServer.fields(e))
        .contains(
            "spec.parameters[0].name", "spec.parameters[0].int_domain.min", "spec.objectives");
  }

  private Study study() {
    return t.studies.getStudy(GetStudyRequest.newBuilder().setName("studies/s").build());
  }

  @Test
  void workerRequests_badValuesAreRefused_andNothingStoredChanges() {
    t.studies.createStudy(
        CreateStudyRequest.newBuilder().setStudyId("s").setSpec(Specs.basic()).build());
    Assignment a =
        t.workers.ask(AskRequest.newBuilder().setStudy("studies/s").build()).getAssignments(0);
    t.workers.report(
        ReportRequest.newBuilder()
            .setTrial(a.getTrial().getName())
            .setLeaseId(a.getLeaseId())
            .addMeasurements(Measurement.newBuilder().setStep(1).putMetrics("loss", 0.7))
            .build());
    Study before = study();

    assertInvalid(
        error(
            () ->
                t.studies.enqueueTrials(
                    EnqueueTrialsRequest.newBuilder()
                        .setStudy("studies/s")
                        .addTrials(
                            TrialParams.newBuilder()
                                .putParams("lr", Specs.dbl(5))
                                .putParams("layers", Specs.integer(2))
                                .putParams("optimizer", Specs.str("adam")))
                        .build())),
        "trials[0].params[lr]",
        "outside");
    assertInvalid(
        error(
            () ->
                t.studies.enqueueTrials(
                    EnqueueTrialsRequest.newBuilder()
                        .setStudy("studies/s")
                        .addTrials(
                            TrialParams.newBuilder()
                                .putParams("lr", Specs.dbl(0.01))
                                .putParams("layers", Specs.integer(2))
                                .putParams("optimizer", Specs.str("adam"))
                                .putParams("momentum", Specs.dbl(0.5)))
                        .build())),
        "trials[0].params[momentum]",
        "inactive");
    assertInvalid(
        error(
            () ->
                t.studies.enqueueTrials(
                    EnqueueTrialsRequest.newBuilder()
                        .setStudy("studies/s")
                        .addTrials(
                            TrialParams.newBuilder()
                                .putParams("lr", Specs.dbl(0.01))
                                .putParams("optimizer", Specs.str("adam")))
                        .build())),
        "trials[0].params[layers]",
        "missing");
    assertInvalid(
        error(
            () ->
                t.workers.ask(
                    AskRequest.newBuilder().setStudy("studies/s").setCount(1000).build())),
        "count",
        "between 1 and 100");
    assertInvalid(
        error(
            () ->
                t.workers.report(
                    ReportRequest.newBuilder()
                        .setTrial(a.getTrial().getName())
                        .setLeaseId(a.getLeaseId())
                        .addMeasurements(Measurement.newBuilder().setStep(-1).putMetrics("loss", 1))
                        .build())),
        "measurements[0].step",
        ">= 0");
    assertInvalid(
        error(
            () ->
                t.workers.tell(
                    TellRequest.newBuilder()
                        .setTrial(a.getTrial().getName())
                        .setLeaseId(a.getLeaseId())
                        .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("acc", 1))
                        .build())),
        "outcome.succeeded.values[loss]",
        "missing");
    assertInvalid(
        error(
            () ->
                t.workers.tell(
                    TellRequest.newBuilder()
                        .setTrial(a.getTrial().getName())
                        .setLeaseId(a.getLeaseId())
                        .build())),
        "outcome",
        "one of");
    assertInvalid(
        error(() -> t.workers.ask(AskRequest.newBuilder().setStudy("projects/x").build())),
        "study",
        "studies/{study}");
    assertInvalid(
        error(
            () ->
                t.studies.listTrials(
                    ListTrialsRequest.newBuilder()
                        .setStudy("studies/s")
                        .setPageToken("%%%")
                        .build())),
        "page_token",
        "previous response");

    assertThat(study()).isEqualTo(before);
    Trial trial =
        t.studies.getTrial(GetTrialRequest.newBuilder().setName(a.getTrial().getName()).build());
    assertThat(trial.getState()).isEqualTo(Trial.State.ACTIVE);
    assertThat(trial.getMeasurementsList()).hasSize(1);
  }

  @Test
  void nanObjective_isRecordedAsFailure_neverAsBest() {
    t.studies.createStudy(
        CreateStudyRequest.newBuilder().setStudyId("s").setSpec(Specs.basic()).build());
    Assignment a =
        t.workers.ask(AskRequest.newBuilder().setStudy("studies/s").build()).getAssignments(0);
    TellRequest nan =
        TellRequest.newBuilder()
            .setTrial(a.getTrial().getName())
            .setLeaseId(a.getLeaseId())
            .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", Double.NaN))
            .build();
    assertInvalid(error(() -> t.workers.tell(nan)), "outcome.succeeded.values[loss]", "NaN");
    Trial trial =
        t.studies.getTrial(GetTrialRequest.newBuilder().setName(a.getTrial().getName()).build());
    assertThat(trial.getState()).isEqualTo(Trial.State.FAILED);
    assertThat(trial.getValuesMap()).isEmpty();
    assertInvalid(
        error(() -> t.workers.tell(nan)),
        "outcome.succeeded.values[loss]",
        "NaN"); // same answer again
    assertThat(
            t.studies
                .listBestTrials(
                    vernier.v1.ListBestTrialsRequest.newBuilder().setStudy("studies/s").build())
                .getTrialsList())
        .isEmpty();
  }

  @Test
  void unknownTrial_isNotFound_badTrialName_isInvalid() {
    t.studies.createStudy(
        CreateStudyRequest.newBuilder().setStudyId("s").setSpec(Specs.basic()).build());
    StatusRuntimeException e =
        error(
            () ->
                t.workers.report(
                    ReportRequest.newBuilder()
                        .setTrial("studies/s/trials/42")
                        .setLeaseId("x")
                        .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(e.getStatus().getDescription()).contains("studies/s/trials/42");
    assertInvalid(
        error(
            () ->
                t.workers.report(ReportRequest.newBuilder().setTrial("studies/s/trial/1").build())),
        "trial",
        "studies/{study}/trials/{number}");
  }
}
