package vernier.client;

import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import vernier.v1.AskRequest;
import vernier.v1.AskResponse;
import vernier.v1.CreateStudyRequest;
import vernier.v1.ExportStudyRequest;
import vernier.v1.ListTrialsRequest;
import vernier.v1.ListTrialsResponse;
import vernier.v1.Study;
import vernier.v1.StudyRecord;
import vernier.v1.StudyServiceGrpc;
import vernier.v1.StudySpec;
import vernier.v1.Trial;
import vernier.v1.WorkerServiceGrpc;

/**
 * A connection to a Vernier server for workers.
 *
 * <pre>{@code
 * try (VernierClient client = VernierClient.connect("127.0.0.1:7070")) {
 *   Optional<ActiveTrial> next;
 *   while ((next = client.ask("studies/my-study", "worker-1")).isPresent()) {
 *     try (ActiveTrial trial = next.get()) {
 *       double lr = trial.getDouble("lr");
 *       for (int step = 0; step < 100; step++) {
 *         trial.report(step, Map.of("loss", train(lr)));
 *         if (trial.shouldStop()) { // PRUNE or STOP
 *           trial.prune();
 *           break;
 *         }
 *       }
 *       if (trial.isOpen()) trial.succeed(Map.of("loss", evaluate()));
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p><b>Retries.</b> Every call (also through {@link #studies()}) that fails with UNAVAILABLE, the
 * server being unreachable or restarting, is retried for up to {@link #retryBudget(Duration) the
 * retry budget} (default 60 s) from the call's start, with exponential backoff from 0.2 s to 5 s;
 * then it fails with UNAVAILABLE. So a worker may start before the server does, or ride out a
 * restart. Retrying is safe: asks carry a request id, tells are idempotent and a repeated report
 * with the same values is accepted. While a trial is open a background heartbeat keeps its lease
 * alive.
 */
public final class VernierClient implements AutoCloseable {

  private static final Duration DEFAULT_CALL_DEADLINE = Duration.ofSeconds(60);
  private static final Duration DEFAULT_RETRY_BUDGET = Duration.ofSeconds(60);

  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final Channel calls;
  private volatile Duration callDeadline = DEFAULT_CALL_DEADLINE;
  private volatile Duration retryBudget = DEFAULT_RETRY_BUDGET;
  private volatile RetryListener retryListener = VernierClient::logWaiting;
  private volatile String token = BearerToken.fromEnvironment(System.getenv());
  private final ScheduledExecutorService heartbeats = daemonScheduler("vernier-heartbeat");
  private final ScheduledExecutorService retries = daemonScheduler("vernier-retry");

  private VernierClient(ManagedChannel channel, boolean ownsChannel) {
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    this.calls =
        ClientInterceptors.intercept(
            channel,
            new BearerToken(() -> token), // on every attempt
            new RetryOnUnavailable(
                () -> retryBudget, () -> callDeadline, () -> retryListener, channel, retries));
  }

  private static ScheduledExecutorService daemonScheduler(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Connects to {@code host:port}: over TLS when the environment asks for it ({@link ClientTls}:
   * {@code VERNIER_TLS_CA}, {@code VERNIER_TLS_CERT} and {@code VERNIER_TLS_KEY}, or {@code
   * VERNIER_TLS=1}), else in plain text.
   */
  public static VernierClient connect(String target) {
    return ClientTls.fromEnvironment()
        .map(credentials -> connect(target, credentials))
        .orElseGet(
            () ->
                new VernierClient(
                    NettyChannelBuilder.forTarget(target).usePlaintext().build(), true));
  }

  /**
   * Connects with the given credentials, e.g. {@code TlsChannelCredentials.create()} or {@code
   * TlsChannelCredentials.newBuilder().trustManager(caFile).build()}.
   */
  public static VernierClient connect(String target, ChannelCredentials credentials) {
    return new VernierClient(Grpc.newChannelBuilder(target, credentials).build(), true);
  }

  /**
   * Uses a channel the caller built (TLS, in-process, ...) and still owns; calls over it are
   * retried like those over a channel {@link #connect} made.
   */
  public static VernierClient over(ManagedChannel channel) {
    return new VernierClient(channel, false);
  }

  /**
   * Sends {@code token} as {@code authorization: Bearer} with every call, for a server that
   * authenticates ({@code --auth-tokens}); null sends none. By default the token comes from {@code
   * VERNIER_TOKEN}, or from the file named by {@code VERNIER_TOKEN_FILE}.
   */
  public VernierClient token(String token) {
    this.token = token;
    return this;
  }

  /** As {@link #token(String)}, with the token read from the first line of {@code file}. */
  public VernierClient tokenFile(Path file) {
    return token(BearerToken.read(file));
  }

  /**
   * How long a call keeps retrying while the server is unavailable (UNAVAILABLE: unreachable,
   * restarting), counted from the call's start, with exponential backoff from 0.2 s to 5 s between
   * attempts (default 60 s). {@link Duration#ZERO} turns retries off.
   */
  public VernierClient retryBudget(Duration budget) {
    if (budget.isNegative()) {
      throw new IllegalArgumentException("retry budget must be >= 0, got " + budget);
    }
    this.retryBudget = budget;
    return this;
  }

  /**
   * Told while a call waits for an unavailable server (after a second, then about every five); by
   * default a WARN log line: {@code waiting for the server at 127.0.0.1:7070 (6 s so far):
   * Connection refused}.
   */
  public VernierClient onRetry(RetryListener listener) {
    this.retryListener = listener;
    return this;
  }

  private static void logWaiting(String target, Duration waited, String cause) {
    org.slf4j.LoggerFactory.getLogger(VernierClient.class)
        .warn("waiting for the server at {} ({} s so far): {}", target, waited.toSeconds(), cause);
  }

  /**
   * How long one attempt of a call may take before it fails with DEADLINE_EXCEEDED (default 60 s);
   * retries on UNAVAILABLE are bounded by {@link #retryBudget(Duration)}.
   */
  public VernierClient callDeadline(Duration deadline) {
    this.callDeadline = deadline;
    return this;
  }

  WorkerServiceGrpc.WorkerServiceBlockingStub workers() {
    return WorkerServiceGrpc.newBlockingStub(calls);
  }

  /** The worker stub for heartbeats: one attempt per beat, since the next beat is the retry. */
  WorkerServiceGrpc.WorkerServiceBlockingStub heartbeatStub() {
    return workers().withOption(RetryOnUnavailable.SINGLE_ATTEMPT, true);
  }

  /**
   * The study-management stub, for everything beyond the worker loop; its calls are retried too,
   * and a deadline set on it bounds a whole call, retries included.
   */
  public StudyServiceGrpc.StudyServiceBlockingStub studies() {
    return StudyServiceGrpc.newBlockingStub(calls);
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
   * {@code function} for each and tell the outcome (succeed with the returned values, prune when
   * the last report said to stop, fail when it threw), until the study is done. On SIGTERM the
   * running trials are told FAILED (retryable) before the JVM exits.
   */
  public SweepSummary run(String study, String workerId, int parallel, TrialFunction function)
      throws InterruptedException {
    if (parallel < 1) {
      throw new IllegalArgumentException("parallel must be >= 1, got " + parallel);
    }
    return new SweepRunner(this, study, workerId, function).run(parallel);
  }

  /**
   * Every trial of {@code study} (a resource name, {@code studies/ID}) matching {@code request}'s
   * filters, in number order, reading page after page; the request's study and page token are set
   * here.
   */
  public List<Trial> allTrials(String study, ListTrialsRequest request) {
    List<Trial> out = new ArrayList<>();
    String token = "";
    do {
      ListTrialsResponse page =
          studies()
              .listTrials(
                  request.toBuilder()
                      .setStudy(study)
                      .setPageSize(request.getPageSize() == 0 ? 1000 : request.getPageSize())
                      .setPageToken(token)
                      .build());
      out.addAll(page.getTrialsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  /** Every trial of {@code study}, in number order. */
  public List<Trial> allTrials(String study) {
    return allTrials(study, ListTrialsRequest.getDefaultInstance());
  }

  /**
   * Everything stored for {@code study} (a resource name), as {@code ExportStudy} streams it: the
   * study record, then one per trial. The records arrive as they are read; the call is not retried.
   */
  public Iterator<StudyRecord> exportStudy(String study) {
    return studies().exportStudy(ExportStudyRequest.newBuilder().setName(study).build());
  }

  /**
   * Stores a study from {@code records} (as {@link #exportStudy} gives them, from this server or
   * another) with {@code RestoreStudy}: all of it, or nothing when any record is refused. Records
   * are read from the iterator as the server takes them; {@code sent} hears the count so far.
   */
  public Study restoreStudy(Iterator<StudyRecord> records, LongConsumer sent) {
    return StudyUpload.run(calls, records, sent);
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
    retries.shutdown(); // a call waiting to retry gets its last attempt, then fails: not stuck
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
