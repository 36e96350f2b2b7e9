package vernier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vernier.server.ServerConfig;
import vernier.server.VernierServer;
import vernier.v1.Decision;
import vernier.v1.Direction;
import vernier.v1.FloatDomain;
import vernier.v1.Limits;
import vernier.v1.Objective;
import vernier.v1.ParameterSpec;
import vernier.v1.PluginSpec;
import vernier.v1.SetStudyStateRequest;
import vernier.v1.Study;
import vernier.v1.StudySpec;
import vernier.v1.TellRequest;
import vernier.v1.Trial;
import vernier.v1.WorkerServiceGrpc;

/** The client against the real server over TCP. */
final class VernierClientTest {

  private VernierServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private VernierServer start(int port) {
    server =
        VernierServer.create(new ServerConfig("127.0.0.1", port, -1, ServerConfig.MEMORY, null))
            .start();
    return server;
  }

  private static StudySpec spec(Limits.Builder limits) {
    return StudySpec.newBuilder()
        .addParameters(
            ParameterSpec.newBuilder()
                .setName("x")
                .setFloatDomain(FloatDomain.newBuilder().setMin(0).setMax(1)))
        .addObjectives(Objective.newBuilder().setMetric("loss").setDirection(Direction.MINIMIZE))
        .setLimits(limits)
        .build();
  }

  private static Limits.Builder lease(long millis) {
    return Limits.newBuilder()
        .setLeaseDuration(
            com.google.protobuf.Duration.newBuilder()
                .setSeconds(millis / 1000)
                .setNanos((int) (millis % 1000) * 1_000_000));
  }

  @Test
  void heartbeatsKeepTheLeaseWhileTrainingIsSilent() throws InterruptedException {
    start(0);
    try (VernierClient client = VernierClient.connect("127.0.0.1:" + server.grpcPort())) {
      client.createStudy("hb", spec(lease(600)));
      try (ActiveTrial trial = client.ask("studies/hb", "w").orElseThrow()) {
        Thread.sleep(2000); // more than three leases without a report of our own
        assertThat(trial.succeed(Map.of("loss", 0.5)).getState()).isEqualTo(Trial.State.SUCCEEDED);
      }
    }
  }

  @Test
  void reportThenShouldStop_andClosingAnUntoldTrialFailsItRetryably() {
    start(0);
    try (VernierClient client = VernierClient.connect("127.0.0.1:" + server.grpcPort())) {
      client.createStudy("close", spec(Limits.newBuilder().setMaxAttempts(2)));
      Trial first;
      try (ActiveTrial trial = client.ask("studies/close", "w").orElseThrow()) {
        trial.report(0, Map.of("loss", 1.0));
        assertThat(trial.shouldStop()).isFalse();
        assertThat(trial.lastDecision()).isEqualTo(Decision.CONTINUE);
        first = trial.trial();
      } // the training code "crashed": no outcome told
      ActiveTrial retry = client.ask("studies/close", "w").orElseThrow();
      assertThat(retry.trial().getRetryOf()).isEqualTo(first.getNumber());
      assertThat(retry.trial().getAttempt()).isEqualTo(2);
      assertThat(retry.params()).isEqualTo(first.getParamsMap());
      retry.succeed(Map.of("loss", 0.1));
    }
  }

  @Test
  void populationBasedTrials_sayWhichCheckpointToStartFromAndWhereToStop() {
    start(0);
    try (VernierClient client = VernierClient.connect("127.0.0.1:" + server.grpcPort())) {
      client.createStudy(
          "pbt",
          spec(Limits.newBuilder()).toBuilder()
              .setSampler(
                  PluginSpec.newBuilder()
                      .setName("pbt")
                      .setSettings(
                          com.google.protobuf.Struct.newBuilder()
                              .putFields(
                                  "population_size",
                                  com.google.protobuf.Value.newBuilder().setNumberValue(2).build())
                              .putFields(
                                  "interval",
                                  com.google.protobuf.Value.newBuilder().setNumberValue(5).build())
                              .putFields(
                                  "max_step",
                                  com.google.protobuf.Value.newBuilder()
                                      .setNumberValue(10)
                                      .build())))
              .build());
      ActiveTrial a = client.ask("studies/pbt", "w").orElseThrow();
      ActiveTrial b = client.ask("studies/pbt", "w").orElseThrow();
      assertThat(a.startFrom()).isEmpty();
      assertThat(a.maxStep()).hasValue(5);
      b.succeed(Map.of("loss", 1.0));
      a.succeed(Map.of("loss", 2.0));
      ActiveTrial next = client.ask("studies/pbt", "w").orElseThrow();
      assertThat(next.startFrom())
          .contains(new ActiveTrial.StartFrom(b.name(), b.trial().getNumber(), 5));
      assertThat(next.maxStep()).hasValue(10);
      next.succeed(Map.of("loss", 0.5));
    }
  }

  @Test
  void losingTheTrialRaisesLeaseLost() {
    start(0);
    String target = "127.0.0.1:" + server.grpcPort();
    ManagedChannel other = NettyChannelBuilder.forTarget(target).usePlaintext().build();
    try (VernierClient client = VernierClient.connect(target)) {
      client.createStudy("lost", spec(Limits.newBuilder()));
      ActiveTrial trial = client.ask("studies/lost", "w").orElseThrow();
      // another process holding the lease ends the trial first
      WorkerServiceGrpc.newBlockingStub(other)
          .tell(
              TellRequest.newBuilder()
                  .setTrial(trial.name())
                  .setLeaseId(trial.leaseId())
                  .setPruned(TellRequest.Pruned.getDefaultInstance())
                  .build());
      assertThatThrownBy(() -> trial.report(1, Map.of("loss", 1.0)))
          .isInstanceOf(LeaseLostException.class)
          .hasMessageContaining(trial.name());
      assertThat(trial.isOpen()).isFalse();
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void aStoppedStudyAnswersStop_andTheTrialIsToldPruned() {
    start(0);
    try (VernierClient client = VernierClient.connect("127.0.0.1:" + server.grpcPort())) {
      client.createStudy("stop", spec(Limits.newBuilder()));
      try (ActiveTrial trial = client.ask("studies/stop", "w").orElseThrow()) {
        trial.report(0, Map.of("loss", 1.0));
        assertThat(trial.shouldStop()).isFalse();
        client
            .studies()
            .setStudyState(
                SetStudyStateRequest.newBuilder()
                    .setName("studies/stop")
                    .setState(Study.State.STOPPED)
                    .build());
        trial.report(1, Map.of("loss", 0.9));
        assertThat(trial.shouldStop()).isTrue();
        assertThat(trial.lastDecision()).isEqualTo(Decision.STOP);
        assertThat(trial.prune().getState()).isEqualTo(Trial.State.PRUNED);
      }
    }
  }

  @Test
  void aCallWhereNothingListens_givesUpAfterTheRetryBudget_notAfterSomeAttempts() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    for (Duration budget : List.of(Duration.ofMillis(500), Duration.ofMillis(2500))) {
      try (VernierClient client = VernierClient.connect("127.0.0.1:" + port).retryBudget(budget)) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.ask("studies/none", "w"))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("budget %s", budget).isBetween(budget, budget.plusSeconds(2));
      }
    }
  }

  @Test
  void aWaitingCallTellsItsRetryListenerTheTargetAndTheCause() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (VernierClient client =
        VernierClient.connect("127.0.0.1:" + port)
            .retryBudget(Duration.ofMillis(2500))
            .onRetry(
                (target, waited, cause) ->
                    heard.add(target + " " + waited.toSeconds() + " " + cause))) {
      assertThatThrownBy(() -> client.ask("studies/none", "w"))
          .isInstanceOf(StatusRuntimeException.class);
    }
    assertThat(heard)
        .hasSize(1) // after a second, then every five: once in 2.5 s
        .allSatisfy(h -> assertThat(h).matches("127\\.0\\.0\\.1:" + port + " \\d+ .*refused.*"));
  }

  @Test
  void askWaitsForAServerThatIsNotUpYet_andEndsWhenTheStudyIsDone() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (VernierClient client = VernierClient.connect("127.0.0.1:" + port)) {
      CompletableFuture<Optional<ActiveTrial>> asked =
          CompletableFuture.supplyAsync(
              () -> {
                client.createStudy("late", spec(Limits.newBuilder().setMaxTrials(1)));
                return client.ask("studies/late", "w");
              });
      Thread.sleep(1500);
      assertThat(asked).isNotDone();
      start(port);
      ActiveTrial trial = asked.get(60, TimeUnit.SECONDS).orElseThrow();
      trial.succeed(Map.of("loss", 0.2));
      assertThat(client.ask("studies/late", "w")).isEmpty(); // max_trials reached: STUDY_DONE
    }
  }
}
