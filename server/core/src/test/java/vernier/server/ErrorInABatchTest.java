package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vernier.v1.AskRequest;
import vernier.v1.AskResponse;
import vernier.v1.Assignment;
import vernier.v1.CreateStudyRequest;
import vernier.v1.GetTrialRequest;
import vernier.v1.Measurement;
import vernier.v1.PluginSpec;
import vernier.v1.ReportRequest;
import vernier.v1.ReportResponse;
import vernier.v1.TellRequest;
import vernier.v1.Trial;

/**
 * A {@link java.lang.Error} (an OutOfMemoryError, say) must not lose anything: in one command of a
 * batch (here a pruner, which runs inside the batch) every caller is answered and what was
 * acknowledged is what is stored; in the sampler (which runs off the batch) the waiting ask is
 * answered and the study goes on.
 */
final class ErrorInABatchTest {

  @TempDir Path dir;

  @AfterEach
  void reset() {
    ScriptedSamplerFactory.reset();
    ScriptedPrunerFactory.reset();
  }

  private ServerConfig config() {
    return new ServerConfig("127.0.0.1", 0, -1, dir.resolve("v.db").toString(), null);
  }

  private static void create(TestServer t) {
    t.studies.createStudy(
        CreateStudyRequest.newBuilder()
            .setStudyId("e")
            .setSpec(
                Specs.basic()
                    .setSampler(PluginSpec.newBuilder().setName("test-scripted"))
                    .setPruner(PluginSpec.newBuilder().setName("test-scripted"))
                    .setLimits(Specs.limits().setLeaseDuration(Specs.seconds(60))))
            .build());
  }

  private static AskResponse ask(TestServer t) {
    return t.workers.ask(AskRequest.newBuilder().setStudy("studies/e").setWorkerId("w").build());
  }

  private static ReportResponse report(TestServer t, Assignment a, long step) {
    return t.workers.report(
        ReportRequest.newBuilder()
            .setTrial(a.getTrial().getName())
            .setLeaseId(a.getLeaseId())
            .addMeasurements(Measurement.newBuilder().setStep(step).putMetrics("loss", 1.0 / step))
            .build());
  }

  @Test
  void anErrorInOneCommand_answersEveryCaller_andKeepsTheAcknowledgedTell() throws Exception {
    Assignment a;
    try (TestServer t = new TestServer(config())) {
      create(t);
      a = ask(t).getAssignments(0);
      Assignment b = ask(t).getAssignments(0);

      CountDownLatch inPruner = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger calls = new AtomicInteger();
      ScriptedPrunerFactory.beforePrune =
          () -> {
            if (calls.incrementAndGet() == 1) { // holds the actor while the next two queue up
              inPruner.countDown();
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return;
            }
            throw new OutOfMemoryError("test: the pruner ran out of memory");
          };
      CompletableFuture<ReportResponse> held = CompletableFuture.supplyAsync(() -> report(t, b, 1));
      assertThat(inPruner.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Trial> told =
          CompletableFuture.supplyAsync(
              () ->
                  t.workers
                      .tell(
                          TellRequest.newBuilder()
                              .setTrial(a.getTrial().getName())
                              .setLeaseId(a.getLeaseId())
                              .setSucceeded(
                                  TellRequest.Succeeded.newBuilder().putValues("loss", 0.5))
                              .build())
                      .getTrial());
      CompletableFuture<ReportResponse> failing =
          CompletableFuture.supplyAsync(() -> report(t, b, 2));
      Thread.sleep(300); // both queue behind the held report, to be handled in one batch
      release.countDown();

      assertThat(held.get(10, TimeUnit.SECONDS).getDecision()).isNotNull();
      assertThat(told.get(10, TimeUnit.SECONDS).getState()).isEqualTo(Trial.State.SUCCEEDED);
      ExecutionException e =
          catchThrowableOfType(ExecutionException.class, () -> failing.get(10, TimeUnit.SECONDS));
      assertThat(((StatusRuntimeException) e.getCause()).getStatus().getCode())
          .isEqualTo(Status.Code.INTERNAL);
      assertThat(trial(t, a).getState()).isEqualTo(Trial.State.SUCCEEDED);
      assertThat(trial(t, b).getLastStep()).as("the failed report stored nothing").isEqualTo(1);
    }
    try (TestServer restarted = new TestServer(config())) {
      assertThat(trial(restarted, a).getState())
          .as("the acknowledged tell survives a restart")
          .isEqualTo(Trial.State.SUCCEEDED);
    }
  }

  @Test
  void anErrorInTheSampler_answersTheAsk_andTheStudyGoesOn() {
    try (TestServer t = new TestServer(config())) {
      create(t);
      AtomicInteger calls = new AtomicInteger();
      ScriptedSamplerFactory.beforeSuggest =
          () -> {
            if (calls.incrementAndGet() == 1) {
              throw new OutOfMemoryError("test: the sampler ran out of memory");
            }
          };
      StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> ask(t));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
      assertThat(e.getStatus().getDescription()).contains("ran out of memory");
      assertThat(ask(t).getStatus()).isEqualTo(AskResponse.Status.ASSIGNED);
    }
  }

  private static Trial trial(TestServer t, Assignment a) {
    return t.studies.getTrial(GetTrialRequest.newBuilder().setName(a.getTrial().getName()).build());
  }
}
