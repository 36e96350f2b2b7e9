package vernier.client;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import vernier.v1.AskRequest;
import vernier.v1.AskResponse;
import vernier.v1.CreateStudyRequest;
import vernier.v1.Study;
import vernier.v1.StudyServiceGrpc;
import vernier.v1.StudySpec;
import vernier.v1.WorkerServiceGrpc;

/**
 * A connection to a Vernier server for workers.
 *
 * <pre>{@code
 * try (VernierClient client = VernierClient.connect("127.0.0.1:7070")) {
 *   Optional<ActiveTrial> next;
 *   while ((next = client.ask("studies/my-study", "worker-1")).isPresent()) {
 *     try (ActiveTrial trial = next.get()) {
 *       double lr = trial.params().get("lr").getDoubleValue();
 *       for (int step = 0; step < 100; step++) {
 *         if (trial.report(step, Map.of("loss", train(lr))) != Decision.CONTINUE) {
 *           trial.pruned();
 *           break;
 *         }
 *       }
 *       if (trial.isOpen()) trial.succeeded(Map.of("loss", evaluate()));
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>Calls wait for the server to be reachable and are retried on UNAVAILABLE with exponential
 * backoff (gRPC's retry policy), which is safe: asks carry a request id, tells are idempotent and a
 * repeated report with the same values is accepted. While a trial is open a background heartbeat
 * keeps its lease alive.
 */
public final class VernierClient implements AutoCloseable {

  private static final Duration DEFAULT_CALL_DEADLINE = Duration.ofSeconds(60);

  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private volatile Duration callDeadline = DEFAULT_CALL_DEADLINE;
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "vernier-heartbeat");
            t.setDaemon(true);
            return t;
          });

  private VernierClient(ManagedChannel channel, boolean ownsChannel) {
    this.channel = channel;
    this.ownsChannel = ownsChannel;
  }

  /** Connects in plain text to {@code host:port}. */
  public static VernierClient connect(String target) {
    return new VernierClient(
        NettyChannelBuilder.forTarget(target)
            .usePlaintext()
            .defaultServiceConfig(retryOnUnavailable())
            .enableRetry()
            .maxRetryAttempts(20)
            .build(),
        true);
  }

  /**
   * Connects with the given credentials, e.g. {@code TlsChannelCredentials.create()} or {@code
   * TlsChannelCredentials.newBuilder().trustManager(caFile).build()}.
   */
  public static VernierClient connect(String target, ChannelCredentials credentials) {
    return new VernierClient(
        Grpc.newChannelBuilder(target, credentials)
            .defaultServiceConfig(retryOnUnavailable())
            .enableRetry()
            .maxRetryAttempts(20)
            .build(),
        true);
  }

  /** Uses a channel the caller built (TLS, in-process, ...) and still owns. */
  public static VernierClient over(ManagedChannel channel) {
    return new VernierClient(channel, false);
  }

  /** gRPC service config: retry every Vernier call on UNAVAILABLE with exponential backoff. */
  static Map<String, Object> retryOnUnavailable() {
    Map<String, Object> policy =
        Map.of(
            "maxAttempts",
            20.0,
            "initialBackoff",
            "0.2s",
            "maxBackoff",
            "5s",
            "backoffMultiplier",
            2.0,
            "retryableStatusCodes",
            List.of("UNAVAILABLE"));
    return Map.of(
        "methodConfig",
        List.of(
            Map.of(
                "name",
                List.of(
                    Map.of("service", "vernier.v1.WorkerService"),
                    Map.of("service", "vernier.v1.StudyService")),
                "retryPolicy",
                policy)));
  }

  /**
   * How long one call may take, waiting for an unreachable server and retries included (default 60
   * s); a call past it fails with DEADLINE_EXCEEDED.
   */
  public VernierClient callDeadline(Duration deadline) {
    this.callDeadline = deadline;
    return this;
  }

  WorkerServiceGrpc.WorkerServiceBlockingStub workers() {
    return WorkerServiceGrpc.newBlockingStub(channel)
        .withWaitForReady()
        .withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The study-management stub, for everything beyond the worker loop. */
  public StudyServiceGrpc.StudyServiceBlockingStub studies() {
    return StudyServiceGrpc.newBlockingStub(channel)
        .withWaitForReady()
        .withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Creates the study described by a YAML (or JSON) file shaped like {@code CreateStudyRequest}, or
   * returns it when it exists with the same spec.
   */
  public Study createStudy(Path file) throws IOException {
    return studies().createStudy(StudyFile.read(file));
  }

  /**
   * Runs a sweep in this process: {@code parallel} threads ask for trials of {@code study}, call
   * {@code function} for each and tell the outcome (succeeded with the returned values, pruned when
   * the last report said so, failed when it threw), until the study is done. On SIGTERM the running
   * trials are told FAILED (retryable) before the JVM exits.
   */
  public SweepSummary run(String study, String workerId, int parallel, TrialFunction function)
      throws InterruptedException {
    if (parallel < 1) {
      throw new IllegalArgumentException("parallel must be >= 1, got " + parallel);
    }
    return new SweepRunner(this, study, workerId, function).run(parallel);
  }

  /** Creates the study, or returns it when it already exists with the same spec. */
  public Study createStudy(String studyId, StudySpec spec) {
    return studies()
        .createStudy(CreateStudyRequest.newBuilder().setStudyId(studyId).setSpec(spec).build());
  }

  /**
   * The next trial of {@code study} for this worker, waiting while the server says WAIT; empty when
   * the study is done.
   */
  public Optional<ActiveTrial> ask(String study, String workerId) {
    String requestId = UUID.randomUUID().toString();
    while (true) {
      AskResponse r =
          workers()
              .ask(
                  AskRequest.newBuilder()
                      .setStudy(study)
                      .setWorkerId(workerId)
                      .setRequestId(requestId)
                      .build());
      switch (r.getStatus()) {
        case ASSIGNED:
          return Optional.of(new ActiveTrial(this, r.getAssignments(0), heartbeats));
        case STUDY_DONE:
          return Optional.empty();
        case WAIT:
          sleep(Duration.ofSeconds(r.getRetryAfter().getSeconds(), r.getRetryAfter().getNanos()));
          requestId =
              UUID.randomUUID().toString(); // a new ask, not a replay of the one that got nothing
          break;
        default:
          throw new IllegalStateException("unexpected ask status " + r.getStatus());
      }
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(Math.max(10, d.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a trial", e);
    }
  }

  static boolean isLeaseLoss(StatusRuntimeException e) {
    return e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION;
  }

  @Override
  public void close() {
    heartbeats.shutdownNow();
    if (ownsChannel) {
      channel.shutdown();
      try {
        if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        channel.shutdownNow();
      }
    }
  }
}
