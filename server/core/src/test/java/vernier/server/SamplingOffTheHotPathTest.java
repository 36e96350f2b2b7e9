package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vernier.v1.AskRequest;
import vernier.v1.AskResponse;
import vernier.v1.Assignment;
import vernier.v1.CreateStudyRequest;
import vernier.v1.DeleteStudyRequest;
import vernier.v1.EnqueueTrialsRequest;
import vernier.v1.GetStudyRequest;
import vernier.v1.ListTrialsRequest;
import vernier.v1.Measurement;
import vernier.v1.ParamValue;
import vernier.v1.PluginSpec;
import vernier.v1.ReportRequest;
import vernier.v1.SetStudyStateRequest;
import vernier.v1.Study;
import vernier.v1.StudySpec;
import vernier.v1.TellRequest;
import vernier.v1.Trial;
import vernier.v1.TrialParams;
import vernier.v1.TrialSource;

/**
 * The sampler runs off the study's thread: while it works, reports, tells and reads are answered;
 * when its answer comes back the study may have changed, and each change has a defined outcome.
 */
final class SamplingOffTheHotPathTest {

  private final TestServer t = TestServer.inMemory();
  private final ExecutorService pool = Executors.newFixedThreadPool(10);
  private final CountDownLatch inSampler = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void holdTheSamplerAfterTheFirstCall() {
    ScriptedSamplerFactory.reset();
    ScriptedSamplerFactory.beforeSuggest =
        () -> {
          if (ScriptedSamplerFactory.calls.get() >= 2) { // the first ask is served at once
            inSampler.countDown();
            try {
              release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
  }

  @AfterEach
  void close() {
    release.countDown();
    pool.shutdownNow();
    ScriptedSamplerFactory.reset();
    t.close();
  }

  private void create(StudySpec.Builder spec) {
    t.studies.createStudy(
        CreateStudyRequest.newBuilder()
            .setStudyId("s")
            .setSpec(spec.setSampler(PluginSpec.newBuilder().setName("test-scripted")))
            .build());
  }

  private AskResponse ask() {
    return t.workers.ask(AskRequest.newBuilder().setStudy("studies/s").setWorkerId("w").build());
  }

  /** An ask that reaches the sampler and waits there. */
  private CompletableFuture<AskResponse> askHeldBySampler() throws InterruptedException {
    CompletableFuture<AskResponse> held = CompletableFuture.supplyAsync(this::ask);
    assertThat(inSampler.await(10, TimeUnit.SECONDS)).as("the sampler was called").isTrue();
    return held;
  }

  private Study setState(Study.State state) {
    return t.studies.setStudyState(
        SetStudyStateRequest.newBuilder().setName("studies/s").setState(state).build());
  }

  private static final Map<String, ParamValue> POINT =
      Map.of(
          "lr", Specs.dbl(0.01),
          "layers", Specs.integer(2),
          "optimizer", Specs.str("adam"));

  private void enqueuePoint() {
    t.studies.enqueueTrials(
        EnqueueTrialsRequest.newBuilder()
            .setStudy("studies/s")
            .addTrials(TrialParams.newBuilder().putAllParams(POINT))
            .build());
  }

  private static vernier.spi.ParamValue spi(ParamValue v) {
    return Protos.toSpi(v);
  }

  private void samplerAnswersThePoint() {
    Map<String, vernier.spi.ParamValue> point = new java.util.LinkedHashMap<>();
    POINT.forEach((k, v) -> point.put(k, spi(v)));
    ScriptedSamplerFactory.fixedPoint = point;
  }

  @Test
  void reportsTellsAndReadsAreAnswered_whileTheSamplerWorks() throws Exception {
    create(Specs.basic());
    Assignment a = ask().getAssignments(0);
    CompletableFuture<AskResponse> held = askHeldBySampler();

    t.workers.report(
        ReportRequest.newBuilder()
            .setTrial(a.getTrial().getName())
            .setLeaseId(a.getLeaseId())
            .addMeasurements(Measurement.newBuilder().setStep(1).putMetrics("loss", 0.5))
            .build());
    Trial told =
        t.workers
            .tell(
                TellRequest.newBuilder()
                    .setTrial(a.getTrial().getName())
                    .setLeaseId(a.getLeaseId())
                    .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", 0.5))
                    .build())
            .getTrial();
    Study study = t.studies.getStudy(GetStudyRequest.newBuilder().setName("studies/s").build());

    assertThat(told.getState()).isEqualTo(Trial.State.SUCCEEDED);
    assertThat(study.getTrialCounts().getSucceeded()).isEqualTo(1);
    assertThat(held).as("the ask still waits for the sampler").isNotDone();
    release.countDown();
    assertThat(held.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(AskResponse.Status.ASSIGNED);
  }

  @Test
  void asksWaitingTogether_areServedByOneSamplerCall() throws Exception {
    create(Specs.basic());
    ask();
    CompletableFuture<AskResponse> held = askHeldBySampler();
    List<CompletableFuture<AskResponse>> waiting = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      waiting.add(CompletableFuture.supplyAsync(this::ask, pool));
    }
    Thread.sleep(300); // all ten are parked behind the held sampling job
    release.countDown();
    Set<Long> numbers = new HashSet<>();
    numbers.add(held.get(10, TimeUnit.SECONDS).getAssignments(0).getTrial().getNumber());
    for (CompletableFuture<AskResponse> f : waiting) {
      numbers.add(f.get(10, TimeUnit.SECONDS).getAssignments(0).getTrial().getNumber());
    }
    assertThat(numbers).as("eleven distinct trials").hasSize(11);
    assertThat(ScriptedSamplerFactory.batches.get())
        .as("the first ask, the held one, then one call for the ten that waited together")
        .isEqualTo(3);
  }

  @Test
  void pausedMeanwhile_theAskIsToldToWait_andTheSuggestionServesTheNextAsk() throws Exception {
    create(Specs.basic());
    ask();
    CompletableFuture<AskResponse> held = askHeldBySampler();
    setState(Study.State.PAUSED);
    assertThat(held.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(AskResponse.Status.WAIT);

    release.countDown();
    setState(Study.State.ACTIVE);
    awaitSamplerCalls(2);
    assertThat(ask().getStatus()).isEqualTo(AskResponse.Status.ASSIGNED);
    assertThat(ScriptedSamplerFactory.calls.get())
        .as("the suggestion made while paused was kept, not asked for again")
        .isEqualTo(2);
  }

  @Test
  void stoppedMeanwhile_theAskIsToldTheStudyIsDone() throws Exception {
    create(Specs.basic());
    ask();
    CompletableFuture<AskResponse> held = askHeldBySampler();
    setState(Study.State.STOPPED);
    assertThat(held.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(AskResponse.Status.STUDY_DONE);
    release.countDown();
    assertThat(ask().getStatus()).isEqualTo(AskResponse.Status.STUDY_DONE);
  }

  @Test
  void deletedMeanwhile_theAskIsNotFound_andTheIdCanBeUsedAgain() throws Exception {
    create(Specs.basic());
    ask();
    CompletableFuture<AskResponse> held = askHeldBySampler();
    t.studies.deleteStudy(DeleteStudyRequest.newBuilder().setName("studies/s").build());
    ExecutionException e =
        catchThrowableOfType(ExecutionException.class, () -> held.get(10, TimeUnit.SECONDS));
    assertThat(((StatusRuntimeException) e.getCause()).getStatus().getCode())
        .isEqualTo(Status.Code.NOT_FOUND);

    release.countDown();
    ScriptedSamplerFactory.reset();
    create(Specs.basic());
    assertThat(ask().getStatus()).isEqualTo(AskResponse.Status.ASSIGNED);
  }

  @Test
  void anEnqueuedTrialServesTheWaitingAsk_andTakesThePointTheSamplerWasAbout() throws Exception {
    create(Specs.basic());
    ask();
    samplerAnswersThePoint();
    CompletableFuture<AskResponse> held = askHeldBySampler();
    enqueuePoint();
    Trial served = held.get(10, TimeUnit.SECONDS).getAssignments(0).getTrial();
    assertThat(served.getSource())
        .as("served at once by the enqueued trial")
        .isEqualTo(TrialSource.ENQUEUED);

    release.countDown();
    awaitSamplerCalls(2);
    Trial next = ask().getAssignments(0).getTrial();
    assertThat(ScriptedSamplerFactory.calls.get())
        .as(
            "the point the enqueued trial took was not handed out again; the sampler was asked"
                + " anew")
        .isEqualTo(3);
    assertThat(next.getSource()).isEqualTo(TrialSource.SAMPLED);
  }

  @Test
  void theBudgetReachedMeanwhile_noTrialBeyondIt() throws Exception {
    create(Specs.basic().setLimits(Specs.limits().setMaxTrials(2)));
    ask();
    CompletableFuture<AskResponse> held = askHeldBySampler();
    enqueuePoint();
    assertThat(held.get(10, TimeUnit.SECONDS).getAssignments(0).getTrial().getSource())
        .isEqualTo(TrialSource.ENQUEUED);
    release.countDown();
    awaitSamplerCalls(2);
    assertThat(ask().getStatus()).isNotEqualTo(AskResponse.Status.ASSIGNED);
    assertThat(
            t.studies
                .listTrials(ListTrialsRequest.newBuilder().setStudy("studies/s").build())
                .getTrialsCount())
        .isEqualTo(2);
  }

  private static void awaitSamplerCalls(int n) throws InterruptedException {
    for (int i = 0; i < 200 && ScriptedSamplerFactory.calls.get() < n; i++) {
      Thread.sleep(10);
    }
    Thread.sleep(100); // its answer reaches the study
  }
}
