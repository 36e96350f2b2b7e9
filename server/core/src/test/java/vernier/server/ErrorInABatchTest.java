package vernier.server;

import static org.assertj.core.api.Assertions.assertThat;

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
import vernier.v1.PluginSpec;
import vernier.v1.TellRequest;
import vernier.v1.Trial;

/**
 * A {@link java.lang.Error} in one command of a batch (an OutOfMemoryError in a sampler, say) must
 * not lose the others: every caller is answered, and what was acknowledged is what is stored.
 */
final class ErrorInABatchTest {

  @TempDir Path dir;

  @AfterEach
  void reset() {
    ScriptedSamplerFactory.reset();
  }

  private ServerConfig config() {
    return new ServerConfig("127.0.0.1", 0, -1, dir.resolve("v.db").toString(), null);
  }

  private static AskResponse ask(TestServer t) {
    return t.workers.ask(AskRequest.newBuilder().setStudy("studies/e").setWorkerId("w").build());
  }

  @Test
  void anErrorInOneCommand_answersEveryCaller_andKeepsTheAcknowledgedTell() throws Exception {
    Assignment a;
    try (TestServer t = new TestServer(config())) {
      t.studies.createStudy(
          CreateStudyRequest.newBuilder()
              .setStudyId("e")
              .setSpec(
                  Specs.basic()
                      .setSampler(PluginSpec.newBuilder().setName("test-scripted"))
                      .setLimits(Specs.limits().setLeaseDuration(Specs.seconds(60))))
              .build());
      a = ask(t).getAssignments(0);

      CountDownLatch inSampler = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger calls = new AtomicInteger();
      ScriptedSamplerFactory.beforeSuggest =
          () -> {
            if (calls.incrementAndGet() == 1) { // holds the actor while the next two queue up
              inSampler.countDown();
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return;
            }
            throw new OutOfMemoryError("test: the sampler ran out of memory");
          };
      CompletableFuture<AskResponse> held = CompletableFuture.supplyAsync(() -> ask(t));
      assertThat(inSampler.await(10, TimeUnit.SECONDS)).isTrue();
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
      CompletableFuture<AskResponse> failing = CompletableFuture.supplyAsync(() -> ask(t));
      Thread.sleep(300); // both queue behind the held ask, to be handled in one batch
      release.countDown();

      assertThat(held.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(AskResponse.Status.ASSIGNED);
      assertThat(told.get(10, TimeUnit.SECONDS).getState()).isEqualTo(Trial.State.SUCCEEDED);
      ExecutionException e =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              ExecutionException.class, () -> failing.get(10, TimeUnit.SECONDS));
      assertThat(((StatusRuntimeException) e.getCause()).getStatus().getCode())
          .isEqualTo(Status.Code.INTERNAL);
      assertThat(trial(t, a).getState()).isEqualTo(Trial.State.SUCCEEDED);
    }
    try (TestServer restarted = new TestServer(config())) {
      assertThat(trial(restarted, a).getState())
          .as("the acknowledged tell survives a restart")
          .isEqualTo(Trial.State.SUCCEEDED);
    }
  }

  private static Trial trial(TestServer t, Assignment a) {
    return t.studies.getTrial(GetTrialRequest.newBuilder().setName(a.getTrial().getName()).build());
  }
}
