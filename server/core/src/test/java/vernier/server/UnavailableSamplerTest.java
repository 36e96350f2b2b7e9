package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vernier.spi.PluginUnavailableException;
import vernier.v1.AskRequest;
import vernier.v1.AskResponse;
import vernier.v1.Assignment;
import vernier.v1.CreateStudyRequest;
import vernier.v1.EnqueueTrialsRequest;
import vernier.v1.Measurement;
import vernier.v1.PluginSpec;
import vernier.v1.ReportRequest;
import vernier.v1.ReportResponse;
import vernier.v1.TrialParams;

/**
 * A sampler that is down or slow (a remote one, say) must not take the study with it: asks back off
 * instead of calling it again and again, and heartbeats that queued behind a slow call still count.
 */
final class UnavailableSamplerTest {

  private final TestServer t = TestServer.inMemory();

  @BeforeEach
  void create() {
    ScriptedSamplerFactory.reset();
    t.studies.createStudy(
        CreateStudyRequest.newBuilder()
            .setStudyId("u")
            .setSpec(
                Specs.basic()
                    .setSampler(PluginSpec.newBuilder().setName("test-scripted"))
                    .setLimits(Specs.limits().setLeaseDuration(Specs.seconds(60))))
            .build());
  }

  @AfterEach
  void close() {
    ScriptedSamplerFactory.reset();
    t.close();
  }

  private AskResponse ask() {
    return t.workers.ask(AskRequest.newBuilder().setStudy("studies/u").setWorkerId("w").build());
  }

  private Status.Code askFails() {
    return catchThrowableOfType(StatusRuntimeException.class, this::ask).getStatus().getCode();
  }

  @Test
  void aDownSamplerIsAskedAgainOnlyAfterABackoff_thatDoublesAndResetsOnSuccess() {
    ScriptedSamplerFactory.beforeSuggest =
        () -> {
          throw new PluginUnavailableException(
              "remote sampler at host:1 failed: connection refused", null);
        };
    assertThat(askFails()).isEqualTo(Status.Code.UNAVAILABLE);
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, this::ask);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getStatus().getDescription())
        .contains("connection refused")
        .contains("not asked again until");
    assertThat(ScriptedSamplerFactory.calls)
        .as("the second ask did not wait on the sampler")
        .hasValue(1);

    t.clock.advance(Duration.ofMillis(1100));
    assertThat(askFails()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(ScriptedSamplerFactory.calls).hasValue(2);
    t.clock.advance(Duration.ofMillis(1100)); // the pause is 2 s now
    assertThat(askFails()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(ScriptedSamplerFactory.calls).hasValue(2);

    // trials that need no sampler are still handed out meanwhile
    t.studies.enqueueTrials(
        EnqueueTrialsRequest.newBuilder()
            .setStudy("studies/u")
            .addTrials(
                TrialParams.newBuilder()
                    .putParams("lr", Specs.dbl(0.01))
                    .putParams("layers", Specs.integer(2))
                    .putParams("optimizer", Specs.str("adam")))
            .build());
    assertThat(ask().getStatus()).isEqualTo(AskResponse.Status.ASSIGNED);

    ScriptedSamplerFactory.beforeSuggest = () -> {};
    t.clock.advance(Duration.ofSeconds(1));
    assertThat(ask().getStatus()).isEqualTo(AskResponse.Status.ASSIGNED);
    assertThat(ScriptedSamplerFactory.calls).hasValue(3);
  }

  @Test
  void aHeartbeatThatQueuedBehindASlowSamplerCallKeepsItsLease() throws Exception {
    Assignment a = ask().getAssignments(0);
    CountDownLatch inSampler = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ScriptedSamplerFactory.beforeSuggest =
        () -> {
          inSampler.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    t.clock.advance(Duration.ofSeconds(50)); // a's lease has 10 s left
    CompletableFuture<AskResponse> slowAsk = CompletableFuture.supplyAsync(this::ask);
    assertThat(inSampler.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<ReportResponse> heartbeat =
        CompletableFuture.supplyAsync(
            () ->
                t.workers.report(
                    ReportRequest.newBuilder()
                        .setTrial(a.getTrial().getName())
                        .setLeaseId(a.getLeaseId())
                        .addMeasurements(
                            Measurement.newBuilder().setStep(1).putMetrics("loss", 0.5))
                        .build()));
    Thread.sleep(200); // the heartbeat is queued behind the ask
    t.clock.advance(Duration.ofSeconds(30)); // the sampler call takes 30 s: past a's lease
    release.countDown();
    assertThat(slowAsk.get(10, TimeUnit.SECONDS).getStatus())
        .isEqualTo(AskResponse.Status.ASSIGNED);
    assertThat(heartbeat.get(10, TimeUnit.SECONDS).getDecision())
        .as("sent in time, so it renews the lease")
        .isEqualTo(vernier.v1.Decision.CONTINUE);
  }
}
