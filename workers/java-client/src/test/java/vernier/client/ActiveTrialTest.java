package vernier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vernier.v1.AskRequest;
import vernier.v1.AskResponse;
import vernier.v1.Assignment;
import vernier.v1.Decision;
import vernier.v1.ParamValue;
import vernier.v1.ReportRequest;
import vernier.v1.ReportResponse;
import vernier.v1.TellRequest;
import vernier.v1.TellResponse;
import vernier.v1.Trial;
import vernier.v1.WorkerServiceGrpc;

/** The SDK's idioms against a hand-written WorkerService that answers scripted decisions. */
final class ActiveTrialTest {

  private final FakeWorkers workers = new FakeWorkers();
  private Server server;
  private ManagedChannel channel;
  private VernierClient client;

  @BeforeEach
  void start() throws IOException {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(workers).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    client = VernierClient.over(channel);
  }

  @AfterEach
  void stop() {
    client.close();
    channel.shutdownNow();
    server.shutdownNow();
  }

  private ActiveTrial ask() {
    return client.ask("studies/s", "w").orElseThrow();
  }

  @Test
  void typedGetters_readTheParameters() {
    ActiveTrial trial = ask();
    assertThat(trial.getDouble("lr")).isEqualTo(0.01);
    assertThat(trial.getInt("layers")).isEqualTo(3);
    assertThat(trial.getDouble("layers")).isEqualTo(3.0); // an integer widens
    assertThat(trial.getString("optimizer")).isEqualTo("sgd");
    assertThat(trial.getBoolean("bias")).isTrue();
    assertThat(trial.findDouble("momentum")).isEmpty();
    assertThatThrownBy(() -> trial.getInt("lr")).hasMessageContaining("not an integer");
  }

  @Test
  void report_thenShouldStop_isFalseOnContinue() {
    workers.decisions.add(Decision.CONTINUE);
    ActiveTrial trial = ask();
    assertThat(trial.shouldStop()).isFalse(); // before any report
    trial.report(0, Map.of("loss", 1.0));
    assertThat(trial.shouldStop()).isFalse();
    assertThat(trial.lastDecision()).isEqualTo(Decision.CONTINUE);
    trial.succeed(Map.of("loss", 1.0));
    assertThat(workers.tells).singleElement().satisfies(t -> assertThat(t.hasSucceeded()).isTrue());
  }

  @Test
  void report_thenShouldStop_isTrueOnPrune() {
    workers.decisions.addAll(List.of(Decision.CONTINUE, Decision.PRUNE));
    ActiveTrial trial = ask();
    int steps = 0;
    for (int step = 0; step < 10; step++) {
      steps++;
      trial.report(step, Map.of("loss", 5.0));
      if (trial.shouldStop()) {
        trial.prune();
        break;
      }
    }
    assertThat(steps).isEqualTo(2);
    assertThat(trial.lastDecision()).isEqualTo(Decision.PRUNE);
    assertThat(trial.isOpen()).isFalse();
    assertThat(workers.tells).singleElement().satisfies(t -> assertThat(t.hasPruned()).isTrue());
  }

  @Test
  void report_thenShouldStop_isTrueOnStop() {
    workers.decisions.add(Decision.STOP);
    ActiveTrial trial = ask();
    trial.report(0, Map.of("loss", 1.0));
    assertThat(trial.shouldStop()).isTrue();
    assertThat(trial.lastDecision()).isEqualTo(Decision.STOP);
  }

  @Test
  void closingAnUntoldTrial_tellsPrunedAfterAStop_elseFailedRetryable() {
    workers.decisions.add(Decision.PRUNE);
    try (ActiveTrial trial = ask()) {
      trial.report(0, Map.of("loss", 9.0));
      assertThat(trial.shouldStop()).isTrue();
    } // left without an outcome after the server said stop
    try (ActiveTrial trial = ask()) {
      trial.report(0, Map.of("loss", 1.0)); // CONTINUE: the code "crashed" mid-training
    }
    assertThat(workers.tells).hasSize(2);
    assertThat(workers.tells.get(0).hasPruned()).isTrue();
    assertThat(workers.tells.get(1).getFailed().getRetryable()).isTrue();
  }

  @Test
  void outcomes_succeedPruneFailInfeasible() {
    assertThat(ask().succeed(Map.of("loss", 0.5)).getState()).isEqualTo(Trial.State.SUCCEEDED);
    assertThat(ask().prune().getState()).isEqualTo(Trial.State.PRUNED);
    assertThat(ask().fail("diverged").getState()).isEqualTo(Trial.State.FAILED);
    assertThat(ask().fail("out of memory", true).getState()).isEqualTo(Trial.State.FAILED);
    assertThat(ask().infeasible("does not fit").getState()).isEqualTo(Trial.State.INFEASIBLE);
    assertThat(workers.tells.get(0).getSucceeded().getValuesMap()).containsEntry("loss", 0.5);
    assertThat(workers.tells.get(2).getFailed().getRetryable()).isFalse();
    assertThat(workers.tells.get(3).getFailed().getRetryable()).isTrue();
    assertThat(workers.tells.get(4).getInfeasible().getReason()).isEqualTo("does not fit");
  }

  @Test
  void aSecondTell_throws() {
    ActiveTrial trial = ask();
    trial.prune();
    assertThatThrownBy(() -> trial.succeed(Map.of("loss", 1.0)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already told");
  }

  @Test
  @SuppressWarnings("removal")
  void theDeprecatedAliases_stillWork() {
    workers.decisions.add(Decision.PRUNE);
    ActiveTrial pruned = ask();
    pruned.report(0, Map.of("loss", 1.0));
    assertThat(pruned.shouldPrune()).isTrue();
    assertThat(pruned.pruned().getState()).isEqualTo(Trial.State.PRUNED);
    assertThat(ask().succeeded(Map.of("loss", 1.0)).getState()).isEqualTo(Trial.State.SUCCEEDED);
    assertThat(ask().failed("boom", true).getState()).isEqualTo(Trial.State.FAILED);
    assertThat(workers.tells.get(2).getFailed().getRetryable()).isTrue();
  }

  @Test
  void run_countsTheTrialsTheFunctionToldItself() throws InterruptedException {
    workers.limit.set(3);
    workers.decisions.add(Decision.PRUNE);
    SweepSummary summary =
        client.run(
            "studies/s",
            "w",
            1,
            trial -> {
              trial.report(0, Map.of("loss", 1.0));
              if (trial.shouldStop()) {
                trial.prune();
                return Map.of();
              }
              return Map.of("loss", 1.0);
            });
    assertThat(summary).isEqualTo(new SweepSummary(2, 1, 0, 0));
  }

  @Test
  void unavailableIsRetriedWithinTheBudget() {
    workers.unavailable.set(3);
    client.retryBudget(Duration.ofSeconds(30));
    long start = System.nanoTime();
    ask().succeed(Map.of("loss", 1.0));
    assertThat(workers.asks.get()).isEqualTo(4); // three UNAVAILABLE, then the answer
    // backoff 0.2 s, 0.4 s, 0.8 s (each +-20 %)
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1100));
  }

  @Test
  void aZeroBudget_triesOnce() {
    workers.unavailable.set(1);
    client.retryBudget(Duration.ZERO);
    assertThatThrownBy(this::ask)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(workers.asks.get()).isEqualTo(1);
  }

  @Test
  void otherErrors_areNotRetried() {
    workers.error = Status.INVALID_ARGUMENT.withDescription("no such study");
    assertThatThrownBy(this::ask).hasMessageContaining("no such study");
    assertThat(workers.asks.get()).isEqualTo(1);
  }

  /** Answers asks with one trial each, reports with scripted decisions, and records the tells. */
  static final class FakeWorkers extends WorkerServiceGrpc.WorkerServiceImplBase {

    final Queue<Decision> decisions = new ConcurrentLinkedQueue<>();
    final List<TellRequest> tells = new CopyOnWriteArrayList<>();
    final AtomicInteger unavailable = new AtomicInteger(); // answer this many asks UNAVAILABLE
    final AtomicInteger asks = new AtomicInteger();
    final AtomicInteger limit = new AtomicInteger(Integer.MAX_VALUE); // then STUDY_DONE
    volatile Status error;
    private final AtomicInteger number = new AtomicInteger();

    @Override
    public void ask(AskRequest request, StreamObserver<AskResponse> out) {
      asks.incrementAndGet();
      if (error != null) {
        out.onError(error.asRuntimeException());
        return;
      }
      if (unavailable.getAndDecrement() > 0) {
        out.onError(Status.UNAVAILABLE.withDescription("restarting").asRuntimeException());
        return;
      }
      if (number.get() >= limit.get()) {
        out.onNext(AskResponse.newBuilder().setStatus(AskResponse.Status.STUDY_DONE).build());
        out.onCompleted();
        return;
      }
      Instant expiry = Instant.now().plusSeconds(60);
      Trial trial =
          Trial.newBuilder()
              .setName("studies/s/trials/" + number.getAndIncrement())
              .setState(Trial.State.ACTIVE)
              .putParams("lr", ParamValue.newBuilder().setDoubleValue(0.01).build())
              .putParams("layers", ParamValue.newBuilder().setIntValue(3).build())
              .putParams("optimizer", ParamValue.newBuilder().setStringValue("sgd").build())
              .putParams("bias", ParamValue.newBuilder().setBoolValue(true).build())
              .build();
      out.onNext(
          AskResponse.newBuilder()
              .setStatus(AskResponse.Status.ASSIGNED)
              .addAssignments(
                  Assignment.newBuilder()
                      .setTrial(trial)
                      .setLeaseId("lease")
                      .setLeaseExpireTime(
                          Timestamp.newBuilder().setSeconds(expiry.getEpochSecond())))
              .build());
      out.onCompleted();
    }

    @Override
    public void report(ReportRequest request, StreamObserver<ReportResponse> out) {
      Decision d = request.getMeasurementsCount() == 0 ? null : decisions.poll();
      out.onNext(
          ReportResponse.newBuilder().setDecision(d == null ? Decision.CONTINUE : d).build());
      out.onCompleted();
    }

    @Override
    public void tell(TellRequest request, StreamObserver<TellResponse> out) {
      tells.add(request);
      Trial.State state =
          switch (request.getOutcomeCase()) {
            case SUCCEEDED -> Trial.State.SUCCEEDED;
            case PRUNED -> Trial.State.PRUNED;
            case FAILED -> Trial.State.FAILED;
            case INFEASIBLE -> Trial.State.INFEASIBLE;
            default -> Trial.State.STATE_UNSPECIFIED;
          };
      out.onNext(
          TellResponse.newBuilder()
              .setTrial(Trial.newBuilder().setName(request.getTrial()).setState(state))
              .build());
      out.onCompleted();
    }
  }
}
