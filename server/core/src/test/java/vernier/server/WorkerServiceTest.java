package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vernier.v1.AskRequest;
import vernier.v1.AskResponse;
import vernier.v1.Assignment;
import vernier.v1.CreateStudyRequest;
import vernier.v1.Decision;
import vernier.v1.GetStudyRequest;
import vernier.v1.GetTrialRequest;
import vernier.v1.Measurement;
import vernier.v1.ReportRequest;
import vernier.v1.ReportResponse;
import vernier.v1.SetStudyStateRequest;
import vernier.v1.Study;
import vernier.v1.StudySpec;
import vernier.v1.TellRequest;
import vernier.v1.Trial;

final class WorkerServiceTest {

  private final TestServer t = TestServer.inMemory();

  @AfterEach
  void close() throws InterruptedException {
    t.close();
  }

  private void create(String id, StudySpec spec) {
    t.studies.createStudy(CreateStudyRequest.newBuilder().setStudyId(id).setSpec(spec).build());
  }

  private Assignment askOne(String study, String worker) {
    AskResponse r =
        t.workers.ask(
            AskRequest.newBuilder().setStudy("studies/" + study).setWorkerId(worker).build());
    assertThat(r.getStatus()).isEqualTo(AskResponse.Status.ASSIGNED);
    return r.getAssignments(0);
  }

  private ReportResponse report(Assignment a, long step, double loss) {
    return t.workers.report(
        ReportRequest.newBuilder()
            .setTrial(a.getTrial().getName())
            .setLeaseId(a.getLeaseId())
            .addMeasurements(Measurement.newBuilder().setStep(step).putMetrics("loss", loss))
            .build());
  }

  private Trial succeed(Assignment a, double loss) {
    return t.workers
        .tell(
            TellRequest.newBuilder()
                .setTrial(a.getTrial().getName())
                .setLeaseId(a.getLeaseId())
                .setSucceeded(TellRequest.Succeeded.newBuilder().putValues("loss", loss))
                .build())
        .getTrial();
  }

  @Test
  void ask_report_tell_roundTrip() {
    create("s", Specs.basic().build());
    Assignment a = askOne("s", "w1");
    assertThat(a.getTrial().getNumber()).isZero();
    assertThat(a.getTrial().getState()).isEqualTo(Trial.State.ACTIVE);
    assertThat(a.getTrial().getParamsMap()).containsKeys("lr", "layers", "optimizer");
    assertThat(a.getLeaseId()).isNotEmpty();
    ReportResponse r = report(a, 0, 0.9);
    assertThat(r.getDecision()).isEqualTo(Decision.CONTINUE);
    Trial done = succeed(a, 0.5);
    assertThat(done.getState()).isEqualTo(Trial.State.SUCCEEDED);
    assertThat(done.getValuesMap()).containsEntry("loss", 0.5);
    Trial got =
        t.studies.getTrial(GetTrialRequest.newBuilder().setName(a.getTrial().getName()).build());
    assertThat(got.getMeasurementsList()).hasSize(1);
    assertThat(got.getMeasurements(0).getMetricsMap()).containsEntry("loss", 0.9);
  }

  @Test
  void ask_conditionalParameterOnlyWhenActive() {
    create("s", Specs.basic().build());
    for (int i = 0; i < 20; i++) {
      Assignment a = askOne("s", "w");
      boolean sgd = a.getTrial().getParamsMap().get("optimizer").getStringValue().equals("sgd");
      assertThat(a.getTrial().getParamsMap().containsKey("momentum")).isEqualTo(sgd);
      succeed(a, i);
    }
  }

  @Test
  void ask_countReturnsSeveralDistinctTrials() {
    create("s", Specs.basic().build());
    AskResponse r =
        t.workers.ask(AskRequest.newBuilder().setStudy("studies/s").setCount(5).build());
    Set<Long> numbers = new HashSet<>();
    r.getAssignmentsList().forEach(a -> numbers.add(a.getTrial().getNumber()));
    assertThat(numbers).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L);
  }

  @Test
  void ask_returnsWaitWhenParallelismIsFull_thenStudyDoneAtBudget() {
    create("s", Specs.basic().setLimits(Specs.limits().setMaxParallel(1).setMaxTrials(2)).build());
    Assignment a = askOne("s", "w1");
    AskResponse wait = t.workers.ask(AskRequest.newBuilder().setStudy("studies/s").build());
    assertThat(wait.getStatus()).isEqualTo(AskResponse.Status.WAIT);
    assertThat(wait.getRetryAfter().getSeconds()).isPositive();
    succeed(a, 1);
    succeed(askOne("s", "w1"), 2);
    AskResponse done = t.workers.ask(AskRequest.newBuilder().setStudy("studies/s").build());
    assertThat(done.getStatus()).isEqualTo(AskResponse.Status.STUDY_DONE);
    assertThat(
            t.studies.getStudy(GetStudyRequest.newBuilder().setName("studies/s").build()).getDone())
        .isTrue();
  }

  @Test
  void ask_withSameRequestId_replaysTheSameTrials() {
    create("s", Specs.basic().build());
    AskRequest req =
        AskRequest.newBuilder().setStudy("studies/s").setCount(2).setRequestId("r-1").build();
    AskResponse first = t.workers.ask(req);
    AskResponse again = t.workers.ask(req);
    assertThat(again).isEqualTo(first);
    AskResponse other = t.workers.ask(req.toBuilder().setRequestId("r-2").build());
    assertThat(other.getAssignments(0).getTrial().getNumber()).isEqualTo(2);
  }

  @Test
  void ask_withAnotherWorkersRequestId_isAFreshAsk_notThatWorkersLease() {
    create("s", Specs.basic().build());
    AskRequest mine =
        AskRequest.newBuilder()
            .setStudy("studies/s")
            .setWorkerId("gpu-0")
            .setRequestId("gpu-0-17")
            .build();
    Assignment own = t.workers.ask(mine).getAssignments(0);
    Assignment other =
        t.workers.ask(mine.toBuilder().setWorkerId("intruder").build()).getAssignments(0);
    assertThat(other.getTrial().getNumber()).isNotEqualTo(own.getTrial().getNumber());
    assertThat(other.getLeaseId()).isNotEqualTo(own.getLeaseId());
    assertThat(t.workers.ask(mine).getAssignments(0))
        .as("the rightful worker's repeat still gets its trial")
        .isEqualTo(own);
  }

  @Test
  void pausedStudyWaits_resumedStudyAssigns_stoppedStudyIsDoneAndStopsRunningTrials() {
    create("s", Specs.basic().build());
    Assignment running = askOne("s", "w");
    t.studies.setStudyState(
        SetStudyStateRequest.newBuilder()
            .setName("studies/s")
            .setState(Study.State.PAUSED)
            .build());
    assertThat(t.workers.ask(AskRequest.newBuilder().setStudy("studies/s").build()).getStatus())
        .isEqualTo(AskResponse.Status.WAIT);
    assertThat(report(running, 1, 0.3).getDecision()).isEqualTo(Decision.CONTINUE);
    t.studies.setStudyState(
        SetStudyStateRequest.newBuilder()
            .setName("studies/s")
            .setState(Study.State.ACTIVE)
            .build());
    askOne("s", "w");
    t.studies.setStudyState(
        SetStudyStateRequest.newBuilder()
            .setName("studies/s")
            .setState(Study.State.STOPPED)
            .build());
    assertThat(t.workers.ask(AskRequest.newBuilder().setStudy("studies/s").build()).getStatus())
        .isEqualTo(AskResponse.Status.STUDY_DONE);
    assertThat(report(running, 2, 0.2).getDecision()).isEqualTo(Decision.STOP);
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                t.studies.setStudyState(
                    SetStudyStateRequest.newBuilder()
                        .setName("studies/s")
                        .setState(Study.State.ACTIVE)
                        .build()));
    assertThat(TestServer.reason(e)).isEqualTo("STUDY_STOPPED");
  }

  @Test
  void report_medianPrunerPrunesAWorseTrial() {
    create("s", Specs.basic().setPruner(Specs.plugin("median", "n_startup_trials", 2)).build());
    for (int i = 0; i < 3; i++) {
      Assignment a = askOne("s", "w");
      for (int step = 0; step < 5; step++) {
        assertThat(report(a, step, 3.0 - i).getDecision()).isEqualTo(Decision.CONTINUE);
      }
      succeed(a, 3.0 - i);
    }
    Assignment bad = askOne("s", "w");
    assertThat(report(bad, 0, 10).getDecision()).isEqualTo(Decision.PRUNE);
    Assignment good = askOne("s", "w");
    assertThat(report(good, 0, 0.5).getDecision()).isEqualTo(Decision.CONTINUE);
  }

  @Test
  void report_emptyIsAHeartbeatThatRenewsTheLease() {
    create(
        "s", Specs.basic().setLimits(Specs.limits().setLeaseDuration(Specs.seconds(10))).build());
    Assignment a = askOne("s", "w");
    t.clock.advance(Duration.ofSeconds(8));
    ReportResponse hb =
        t.workers.report(
            ReportRequest.newBuilder()
                .setTrial(a.getTrial().getName())
                .setLeaseId(a.getLeaseId())
                .build());
    assertThat(hb.getDecision()).isEqualTo(Decision.CONTINUE);
    t.clock.advance(Duration.ofSeconds(8)); // 16s after ask, 8s after the heartbeat
    assertThat(succeed(a, 1).getState()).isEqualTo(Trial.State.SUCCEEDED);
  }

  @Test
  void report_duplicateStepWithSameValueIsFine_withOtherValueIsAnError() {
    create("s", Specs.basic().build());
    Assignment a = askOne("s", "w");
    report(a, 3, 0.5);
    report(a, 3, 0.5);
    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> report(a, 3, 0.6));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(TestServer.fields(e)).containsExactly("measurements[0].metrics[loss]");
    Trial got =
        t.studies.getTrial(GetTrialRequest.newBuilder().setName(a.getTrial().getName()).build());
    assertThat(got.getMeasurementsList()).hasSize(1);
    assertThat(got.getMeasurements(0).getMetricsMap()).containsEntry("loss", 0.5);
  }

  @Test
  void tell_repeatedIsIdempotent_differentOutcomeIsRefused() {
    create("s", Specs.basic().build());
    Assignment a = askOne("s", "w");
    Trial first = succeed(a, 0.25);
    Trial again = succeed(a, 0.25);
    assertThat(again).isEqualTo(first);
    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> succeed(a, 0.3));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(TestServer.reason(e)).isEqualTo("TRIAL_FINISHED");
  }

  @Test
  void tell_prunedFailedAndInfeasibleOutcomes() {
    create("s", Specs.basic().build());
    Assignment a = askOne("s", "w");
    Assignment b = askOne("s", "w");
    Assignment c = askOne("s", "w");
    assertThat(
            t.workers
                .tell(
                    TellRequest.newBuilder()
                        .setTrial(a.getTrial().getName())
                        .setLeaseId(a.getLeaseId())
                        .setPruned(TellRequest.Pruned.getDefaultInstance())
                        .build())
                .getTrial()
                .getState())
        .isEqualTo(Trial.State.PRUNED);
    Trial failed =
        t.workers
            .tell(
                TellRequest.newBuilder()
                    .setTrial(b.getTrial().getName())
                    .setLeaseId(b.getLeaseId())
                    .setFailed(TellRequest.Failed.newBuilder().setReason("CUDA out of memory"))
                    .build())
            .getTrial();
    assertThat(failed.getState()).isEqualTo(Trial.State.FAILED);
    assertThat(failed.getFailureReason()).isEqualTo("CUDA out of memory");
    assertThat(
            t.workers
                .tell(
                    TellRequest.newBuilder()
                        .setTrial(c.getTrial().getName())
                        .setLeaseId(c.getLeaseId())
                        .setInfeasible(TellRequest.Infeasible.newBuilder().setReason("diverged"))
                        .build())
                .getTrial()
                .getState())
        .isEqualTo(Trial.State.INFEASIBLE);
  }

  @Test
  void tell_retryableFailureIsRetriedWithSameParamsAndNextAttempt() {
    create("s", Specs.basic().setLimits(Specs.limits().setMaxAttempts(2)).build());
    Assignment a = askOne("s", "w");
    t.workers.tell(
        TellRequest.newBuilder()
            .setTrial(a.getTrial().getName())
            .setLeaseId(a.getLeaseId())
            .setFailed(TellRequest.Failed.newBuilder().setReason("preempted").setRetryable(true))
            .build());
    Assignment retry = askOne("s", "w");
    assertThat(retry.getTrial().getParamsMap()).isEqualTo(a.getTrial().getParamsMap());
    assertThat(retry.getTrial().getAttempt()).isEqualTo(2);
    assertThat(retry.getTrial().getRetryOf()).isEqualTo(a.getTrial().getNumber());
    t.workers.tell(
        TellRequest.newBuilder()
            .setTrial(retry.getTrial().getName())
            .setLeaseId(retry.getLeaseId())
            .setFailed(TellRequest.Failed.newBuilder().setReason("preempted").setRetryable(true))
            .build());
    assertThat(askOne("s", "w").getTrial().getSource()).isEqualTo(vernier.v1.TrialSource.SAMPLED);
  }

  @Test
  void expiredLease_abandonsTrial_retriesIt_andFencesTheStaleWorker() {
    create(
        "s",
        Specs.basic()
            .setLimits(Specs.limits().setLeaseDuration(Specs.seconds(5)).setMaxAttempts(2))
            .build());
    Assignment stale = askOne("s", "w1");
    t.clock.advance(Duration.ofSeconds(6));
    Assignment retry = askOne("s", "w2"); // the ask reaps the expired lease first
    assertThat(retry.getTrial().getRetryOf()).isEqualTo(stale.getTrial().getNumber());
    assertThat(retry.getTrial().getAttempt()).isEqualTo(2);
    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> report(stale, 1, 0.1));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(TestServer.reason(e)).isEqualTo("LEASE_EXPIRED");
    e = catchThrowableOfType(StatusRuntimeException.class, () -> succeed(stale, 0.1));
    assertThat(TestServer.reason(e)).isEqualTo("LEASE_EXPIRED");
    Trial abandoned =
        t.studies.getTrial(
            GetTrialRequest.newBuilder().setName(stale.getTrial().getName()).build());
    assertThat(abandoned.getState()).isEqualTo(Trial.State.ABANDONED);
  }

  @Test
  void report_setsDurableLabels() {
    create("s", Specs.basic().build());
    Assignment a = askOne("s", "w");
    t.workers.report(
        ReportRequest.newBuilder()
            .setTrial(a.getTrial().getName())
            .setLeaseId(a.getLeaseId())
            .putLabels("device", "gpu(0)")
            .build());
    Trial done = succeed(a, 1);
    assertThat(done.getLabelsMap()).containsEntry("device", "gpu(0)");
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                t.workers.report(
                    ReportRequest.newBuilder()
                        .setTrial(askOne("s", "w").getTrial().getName())
                        .setLeaseId("x")
                        .putLabels("", "v")
                        .build()));
    assertThat(e.getStatus().getCode())
        .as("a malformed report is refused at the door, before its study is consulted")
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void wrongLease_isRefusedWithLeaseMismatch() {
    create("s", Specs.basic().build());
    Assignment a = askOne("s", "w");
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                t.workers.report(
                    ReportRequest.newBuilder()
                        .setTrial(a.getTrial().getName())
                        .setLeaseId("not-mine")
                        .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(TestServer.reason(e)).isEqualTo("LEASE_MISMATCH");
  }
}
