package vernier.server.study;

import io.grpc.stub.ServerCallStreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vernier.server.ApiException;
import vernier.server.Protos;
import vernier.server.ResourceNames.TrialRef;
import vernier.server.spec.ParamsCheck;
import vernier.server.spec.StudyLimits;
import vernier.server.spec.StudySpecs;
import vernier.server.storage.MeasurementRow;
import vernier.server.storage.Store;
import vernier.server.storage.StoredStudy;
import vernier.server.storage.StoredTrial;
import vernier.server.storage.StudyData;
import vernier.server.storage.Write;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.PluginUnavailableException;
import vernier.spi.SamplingContext;
import vernier.spi.Suggestion;
import vernier.spi.TrialState;
import vernier.v1.AskRequest;
import vernier.v1.AskResponse;
import vernier.v1.Assignment;
import vernier.v1.Decision;
import vernier.v1.ImportedTrial;
import vernier.v1.Measurement;
import vernier.v1.ReportRequest;
import vernier.v1.ReportResponse;
import vernier.v1.Study;
import vernier.v1.TellRequest;
import vernier.v1.Trial;
import vernier.v1.TrialCounts;
import vernier.v1.TrialEvent;
import vernier.v1.TrialParams;
import vernier.v1.TrialSource;

/**
 * The actor of one study: every request on the study runs as a command on one logical thread (a
 * serial mailbox drained on a shared pool), so the study's plugins are called single-threaded and
 * its in-memory view needs no locks. Commands are handled in batches: all commands waiting in the
 * mailbox run in memory, their writes are committed in one durable transaction, and only then are
 * their answers sent. A failed commit reloads the study from the store and fails the batch with
 * UNAVAILABLE, so memory never runs ahead of what is stored.
 */
public final class StudyCoordinator {

  private static final Logger log = LoggerFactory.getLogger(StudyCoordinator.class);
  private static final int MAX_BATCH = 256;
  private static final int MAX_ASK_COUNT = 100;
  private static final Duration WAIT_RETRY = Duration.ofSeconds(1);

  /** A command run on the study's thread; throws {@link ApiException} to refuse. */
  @FunctionalInterface
  interface Command<T> {
    T run(Changes changes);
  }

  private static final class Pending<T> {
    final Command<T> command;

    /**
     * When the command arrived: a heartbeat that arrived in time counts, however long it queued.
     */
    final Instant received;

    final CompletableFuture<T> future = new CompletableFuture<>();
    T result;
    RuntimeException error;

    Pending(Command<T> command, Instant received) {
      this.command = command;
      this.received = received;
    }

    void run(Changes changes) {
      result = command.run(changes);
    }

    void complete() {
      if (error != null) {
        future.completeExceptionally(error);
      } else {
        future.complete(result);
      }
    }
  }

  private final String id;
  private final Store store;
  private final StudySpecs specs;
  private final Clock clock;
  private final Executor executor;
  private final PruneListener pruneListener;
  private final StudyStats stats = new StudyStats();

  /** Memory may differ from the store (a read-back failed): read it back before the next batch. */
  private boolean stale;

  private final ConcurrentLinkedQueue<Pending<?>> mailbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final List<ServerCallStreamObserver<TrialEvent>> watchers = new ArrayList<>();
  private final List<ServerCallStreamObserver<TrialEvent>> newWatchers = new ArrayList<>();

  // Confined to the study's thread after construction.
  private StoredStudy stored;
  private StudySpecs.Compiled compiled;
  private StudyMemory memory;

  /**
   * Asks answered, by who asked and their request id: a repeated ask gets the same trials, but only
   * from the worker that first asked (another worker reusing the id gets a fresh ask, never someone
   * else's lease).
   */
  private final Map<ReplayKey, List<Long>> askReplays = new HashMap<>();

  private record ReplayKey(String workerId, String requestId) {}

  private int budgetUsed;
  private boolean exhausted;
  private volatile boolean deleted;

  /** When the command being run arrived (lease checks use it, not the time it runs). */
  private Instant commandReceived;

  /** After an unavailable sampler: no call to it before this instant, and the next pause. */
  private Instant samplerRetryAt = Instant.MIN;

  private Duration samplerBackoff = MIN_SAMPLER_BACKOFF;
  private String samplerFailure = "";

  /** Told each prune decision, for metrics. */
  @FunctionalInterface
  public interface PruneListener {
    void decided(String study, boolean pruned);
  }

  /**
   * Loads the study. {@code justCompiled}, when not null, is the spec compiled moments ago by its
   * creation, reused so plugins are not made twice (a grid enumerated twice, a choice logged
   * twice).
   */
  StudyCoordinator(
      String id,
      Store store,
      StudySpecs specs,
      Clock clock,
      Executor executor,
      PruneListener pruneListener,
      StudySpecs.Compiled justCompiled) {
    this.id = id;
    this.store = store;
    this.specs = specs;
    this.clock = clock;
    this.executor = executor;
    this.pruneListener = pruneListener;
    load(justCompiled);
    publishStats();
  }

  public String id() {
    return id;
  }

  public StudyStats stats() {
    return stats;
  }

  /** The study's objectives, in order (fixed at creation). */
  public List<Objective> objectives() {
    return memory.definition().objectives();
  }

  // ---- the mailbox -------------------------------------------------------------------------

  <T> CompletableFuture<T> submit(Command<T> command) {
    Pending<T> p = new Pending<>(command, clock.instant());
    if (deleted) {
      p.future.completeExceptionally(ApiException.notFound("study " + Protos.studyName(id)));
      return p.future;
    }
    mailbox.add(p);
    schedule();
    return p.future;
  }

  private void schedule() {
    if (!mailbox.isEmpty() && scheduled.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }

  private void drain() {
    try {
      List<Pending<?>> batch = new ArrayList<>();
      Pending<?> p;
      while ((p = mailbox.poll()) != null) {
        batch.add(p);
        if (batch.size() == MAX_BATCH || mailbox.isEmpty()) {
          process(batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        process(batch);
      }
    } finally {
      scheduled.set(false);
      schedule(); // a command may have arrived after the last poll
    }
  }

  private void process(List<Pending<?>> batch) {
    if (stale && !deleted && !reload(true)) {
      ApiException error =
          ApiException.unavailable(
              "study " + id + " could not be read back from the store after a failure; retry");
      batch.forEach(p -> p.error = error);
      batch.forEach(Pending::complete);
      return;
    }
    Changes changes = new Changes(!watchers.isEmpty());
    boolean deletedBefore = deleted;
    boolean readBack = false; // memory may be ahead of what is stored: read it back
    boolean freshPlugins = false; // and after a bug, plugins whose state may be off too
    if (!deleted) {
      reapExpired(
          changes, batch.get(0).received); // not leases that ran out while their heartbeats queued
    }
    for (Pending<?> p : batch) {
      Changes.Mark mark = changes.mark();
      commandReceived = p.received;
      try {
        if (deleted) {
          throw ApiException.notFound("study " + Protos.studyName(id));
        }
        p.run(changes);
      } catch (ApiException e) {
        p.error = e; // a refusal; what it recorded first (an abandoned lease, a NaN failure) stands
      } catch (PluginUnavailableException e) {
        log.warn("study {}: {}", id, e.getMessage());
        p.error = ApiException.unavailable(e.getMessage());
        changes.rollbackTo(mark);
        readBack = true;
      } catch (RuntimeException | Error e) {
        // an Error (OutOfMemoryError, StackOverflowError) too: the command's changes are dropped,
        // memory is read back below and every caller is answered, so nothing acknowledged is lost
        log.error("study {}: command failed", id, e);
        p.error = ApiException.internal("study " + id + ": " + e);
        changes.rollbackTo(mark); // nothing of a failed command is stored; memory is reloaded below
        readBack = true;
        freshPlugins = true;
      }
    }
    try {
      if (!changes.writes.isEmpty() && !commit(changes, batch)) {
        deleted = deletedBefore; // a delete in the batch was not committed either
        readBack = true;
        freshPlugins = true;
      }
      if (readBack && !deleted) {
        reload(freshPlugins);
      }
    } finally {
      batch.forEach(Pending::complete);
    }
    if (deleted && !deletedBefore) {
      closeWatchers();
      return;
    }
    publish(changes.events);
    publishStats();
  }

  private boolean commit(Changes changes, List<Pending<?>> batch) {
    try {
      store.write(changes.writes);
      return true;
    } catch (RuntimeException | Error e) { // StoreException, or anything else on the way
      log.warn(
          "study {}: commit of {} writes failed, reloading: {}",
          id,
          changes.writes.size(),
          e.getMessage());
      ApiException error =
          ApiException.unavailable(
              "storage write failed, nothing was changed; retry: " + e.getMessage());
      batch.forEach(p -> p.error = error);
      changes.events.clear();
      return false;
    }
  }

  // ---- loading -----------------------------------------------------------------------------

  private void load(StudySpecs.Compiled justCompiled) {
    StudyData data =
        store
            .loadStudy(id)
            .orElseThrow(() -> ApiException.notFound("study " + Protos.studyName(id)));
    stored = data.study();
    compiled =
        justCompiled != null ? justCompiled : specs.compile(id, stored.spec(), stored.seed());
    memory = new StudyMemory(compiled.definition());
    askReplays.clear();
    budgetUsed = 0;
    exhausted = false;
    Instant graceExpiry = clock.instant().plus(limits().leaseDuration());
    for (StoredTrial st : data.trials()) {
      TrialRecord t = TrialRecord.fromProto(st.trial(), st.leaseId(), st.requestId());
      t.persisted = true;
      if (t.state == TrialState.ACTIVE) {
        // Lease expiries are not stored; after a restart every running trial gets a full lease.
        t.leaseExpiry = graceExpiry;
      }
      memory.add(t);
      countBudget(t);
      if (t.requestId != null) {
        askReplays
            .computeIfAbsent(new ReplayKey(t.workerId, t.requestId), k -> new ArrayList<>())
            .add(t.number);
      }
    }
    for (MeasurementRow m : data.measurements()) {
      memory.get(m.number()).measure(m.step(), m.metric(), m.value());
    }
    stats.bestValue = Double.NaN;
    memory.inState(TrialState.SUCCEEDED).forEach(this::updateBest);
    if (memory.nextNumber() != stored.nextTrialNumber()) {
      log.warn(
          "study {}: {} trials stored but the counter says {}",
          id,
          memory.nextNumber(),
          stored.nextTrialNumber());
    }
  }

  /**
   * Reads the study back from the store, with fresh plugins or (an unavailable plugin) the same
   * ones; on failure the study stays {@link #stale}, and the next batch tries again before it
   * touches memory. Returns whether it succeeded.
   */
  private boolean reload(boolean freshPlugins) {
    try {
      load(freshPlugins ? null : compiled);
      stale = false;
      return true;
    } catch (RuntimeException | Error e) {
      log.error("study {}: reload failed", id, e);
      stale = true;
      return false;
    }
  }

  private void countBudget(TrialRecord t) {
    if (t.state != TrialState.WAITING
        && (t.source == TrialSource.SAMPLED || t.source == TrialSource.ENQUEUED)) {
      budgetUsed++;
    }
  }

  private StudyLimits limits() {
    return compiled.limits();
  }

  // ---- ask ---------------------------------------------------------------------------------

  public CompletableFuture<AskResponse> ask(AskRequest request) {
    return submit(changes -> ask(request, changes));
  }

  private AskResponse ask(AskRequest request, Changes changes) {
    int count = request.getCount() == 0 ? 1 : request.getCount();
    if (count < 1 || count > MAX_ASK_COUNT) {
      throw ApiException.invalid(
          "count", "must be between 1 and " + MAX_ASK_COUNT + ", got " + request.getCount());
    }
    if (request.getWorkerId().length() > 256) {
      throw ApiException.invalid("worker_id", "at most 256 characters");
    }
    String requestId = request.getRequestId();
    ReplayKey replay = new ReplayKey(request.getWorkerId(), requestId);
    if (!requestId.isEmpty() && askReplays.containsKey(replay)) {
      return assigned(askReplays.get(replay));
    }
    if (stored.state() == Study.State.STOPPED) {
      return status(AskResponse.Status.STUDY_DONE);
    }
    if (stored.state() == Study.State.PAUSED) {
      return status(AskResponse.Status.WAIT);
    }
    List<Long> numbers = new ArrayList<>();
    AskResponse.Builder response = AskResponse.newBuilder().setStatus(AskResponse.Status.ASSIGNED);
    while (numbers.size() < count && !parallelismFull()) {
      TrialRecord t = nextTrial(changes);
      if (t == null) {
        break;
      }
      response.addAssignments(
          assignment(t, activate(t, request.getWorkerId(), requestId, changes)));
      numbers.add(t.number);
    }
    if (!numbers.isEmpty()) {
      if (!requestId.isEmpty()) {
        askReplays.put(replay, numbers);
      }
      return response.build();
    }
    return status(isDone() ? AskResponse.Status.STUDY_DONE : AskResponse.Status.WAIT);
  }

  private boolean parallelismFull() {
    return limits().maxParallel() > 0 && memory.count(TrialState.ACTIVE) >= limits().maxParallel();
  }

  /**
   * A waiting trial (retries first come first), else a new sampled one; null when none may start.
   */
  private TrialRecord nextTrial(Changes changes) {
    if (failedLimitReached()) {
      return null;
    }
    for (TrialRecord waiting : memory.inState(TrialState.WAITING)) {
      if (waiting.source == TrialSource.RETRY || !budgetReached()) {
        return waiting;
      }
    }
    if (budgetReached() || exhausted) {
      return null;
    }
    SplittableRandom random =
        new SplittableRandom(stored.seed() * 0x9E3779B97F4A7C15L + memory.nextNumber());
    Suggestion suggestion = suggest(random);
    if (suggestion instanceof Suggestion.Exhausted) {
      exhausted = true;
      return null;
    }
    if (!(suggestion instanceof Suggestion.Params suggested)) {
      return null; // Wait: nothing now, the worker asks again
    }
    Map<String, ParamValue> params =
        ParamsCheck.suggested(memory.definition().space(), suggested.values(), samplerName());
    suggested
        .startFrom()
        .ifPresent(
            c -> {
              if (memory.get(c.trial()) == null) {
                throw new IllegalStateException(
                    "sampler '"
                        + samplerName()
                        + "' starts from "
                        + c
                        + ", not a trial of the study");
              }
            });
    suggested
        .labels()
        .forEach(
            (key, value) -> {
              String problem = labelProblem(key, value);
              if (problem == null && !specs.isSamplerLabel(key)) {
                problem =
                    "label keys from a sampler are namespaced by an installed sampler's name, as"
                        + " pbt.member";
              }
              if (problem != null) {
                throw new IllegalStateException(
                    "sampler '" + samplerName() + "' set label " + key + ": " + problem);
              }
            });
    TrialRecord.Plan plan =
        new TrialRecord.Plan(
            suggested.startFrom().orElse(null), suggested.maxStep(), suggested.labels());
    return newTrial(params, plan, TrialState.WAITING, TrialSource.SAMPLED, 1, 0, changes, false);
  }

  /**
   * Asks the sampler, unless it was unavailable moments ago: then the ask fails at once until the
   * backoff (1 s, doubling to 30 s) has passed, so a down remote sampler costs one timeout per
   * pause, not one per ask, and heartbeats queued behind the asks are not held up.
   */
  private Suggestion suggest(SplittableRandom random) {
    Instant now = clock.instant();
    if (now.isBefore(samplerRetryAt)) {
      throw new PluginUnavailableException(
          samplerFailure
              + " (not asked again until "
              + samplerRetryAt.truncatedTo(ChronoUnit.MILLIS)
              + ")",
          null);
    }
    try {
      Suggestion s = compiled.sampler().suggest(memory, new SamplingContext(random));
      samplerBackoff = MIN_SAMPLER_BACKOFF;
      return s;
    } catch (PluginUnavailableException e) {
      samplerFailure = e.getMessage();
      samplerRetryAt = clock.instant().plus(samplerBackoff);
      Duration doubled = samplerBackoff.multipliedBy(2);
      samplerBackoff = doubled.compareTo(MAX_SAMPLER_BACKOFF) > 0 ? MAX_SAMPLER_BACKOFF : doubled;
      throw e;
    }
  }

  private String samplerName() {
    String name = stored.spec().getSampler().getName();
    return name.isEmpty() ? StudySpecs.DEFAULT_SAMPLER : name;
  }

  /**
   * Creates a trial with the next number. When {@code persist} is false the caller persists it (a
   * sampled trial is inserted already ACTIVE by {@link #activate}).
   */
  private TrialRecord newTrial(
      Map<String, ParamValue> params,
      TrialRecord.Plan plan,
      TrialState state,
      TrialSource source,
      int attempt,
      long retryOf,
      Changes changes,
      boolean persist) {
    TrialRecord t =
        new TrialRecord(
            memory.nextNumber(), params, plan, state, source, attempt, retryOf, clock.instant());
    memory.add(t);
    if (persist) {
      changes.write(new Write.InsertTrial(id, t.toProto(id, false), null, null));
      changes.event(TrialEvent.Kind.CREATED, t.toProto(id, false));
      t.persisted = true;
    }
    return t;
  }

  /** Leases {@code t} to the worker; returns its new wire form. */
  private Trial activate(TrialRecord t, String workerId, String requestId, Changes changes) {
    memory.setState(t, TrialState.ACTIVE);
    Instant now = clock.instant();
    t.workerId = workerId;
    t.startTime = now;
    t.leaseId = UUID.randomUUID().toString();
    t.leaseExpiry = now.plus(limits().leaseDuration());
    t.requestId = requestId.isEmpty() ? null : requestId;
    countBudget(t);
    Trial proto = t.toProto(id, false);
    if (t.persisted) {
      changes.write(new Write.UpdateTrial(id, proto, t.leaseId, t.requestId));
    } else {
      changes.write(new Write.InsertTrial(id, proto, t.leaseId, t.requestId));
      changes.event(TrialEvent.Kind.CREATED, proto);
      t.persisted = true;
    }
    changes.event(TrialEvent.Kind.STARTED, proto);
    return proto;
  }

  /** The answer to a replayed ask: the same trials and leases as the first time. */
  private AskResponse assigned(List<Long> numbers) {
    AskResponse.Builder b = AskResponse.newBuilder().setStatus(AskResponse.Status.ASSIGNED);
    for (long n : numbers) {
      TrialRecord t = memory.get(n);
      b.addAssignments(assignment(t, t.toProto(id, false)));
    }
    return b.build();
  }

  private static Assignment assignment(TrialRecord t, Trial proto) {
    Assignment.Builder a = Assignment.newBuilder().setTrial(proto).setLeaseId(t.leaseId);
    if (t.leaseExpiry != null) {
      a.setLeaseExpireTime(Protos.timestamp(t.leaseExpiry));
    }
    return a.build();
  }

  private static AskResponse status(AskResponse.Status status) {
    AskResponse.Builder b = AskResponse.newBuilder().setStatus(status);
    if (status == AskResponse.Status.WAIT) {
      b.setRetryAfter(Protos.duration(WAIT_RETRY));
    }
    return b.build();
  }

  private boolean budgetReached() {
    return limits().maxTrials() > 0 && budgetUsed >= limits().maxTrials();
  }

  private boolean failedLimitReached() {
    return limits().maxFailed() > 0 && memory.count(TrialState.FAILED) >= limits().maxFailed();
  }

  /**
   * No trial will be handed out any more: stopped, or out of budget/points with no retry to come.
   */
  private boolean isDone() {
    if (stored.state() == Study.State.STOPPED || failedLimitReached()) {
      return true;
    }
    boolean waitingEligible =
        memory.inState(TrialState.WAITING).stream()
            .anyMatch(w -> w.source == TrialSource.RETRY || !budgetReached());
    if (waitingEligible || !(budgetReached() || exhausted)) {
      return false;
    }
    return memory.inState(TrialState.ACTIVE).stream()
        .noneMatch(t -> t.attempt < limits().maxAttempts());
  }

  // ---- report and tell ---------------------------------------------------------------------

  public CompletableFuture<ReportResponse> report(TrialRef ref, ReportRequest request) {
    return submit(changes -> report(ref, request, changes));
  }

  private ReportResponse report(TrialRef ref, ReportRequest request, Changes changes) {
    TrialRecord t = leased(ref, request.getLeaseId(), changes);
    List<MeasurementRow> rows = newMeasurements(t, request.getMeasurementsList());
    if (setLabels(t, request.getLabelsMap())) {
      changes.write(new Write.UpdateTrial(id, t.toProto(id, false), t.leaseId, t.requestId));
    }
    long lastStep = -1;
    for (MeasurementRow r : rows) {
      t.measure(r.step(), r.metric(), r.value());
    }
    for (Measurement m : request.getMeasurementsList()) {
      lastStep = Math.max(lastStep, m.getStep());
    }
    if (!rows.isEmpty()) {
      changes.write(new Write.AddMeasurements(id, rows));
      if (!watchers.isEmpty()) {
        changes.event(TrialEvent.Kind.MEASURED, t.toProto(id, false));
      }
    }
    t.leaseExpiry = clock.instant().plus(limits().leaseDuration());
    Decision decision = Decision.CONTINUE;
    if (stored.state() == Study.State.STOPPED) {
      decision = Decision.STOP;
    } else if (lastStep >= 0) {
      boolean prune = compiled.pruner().shouldPrune(memory, t, lastStep);
      pruneListener.decided(id, prune);
      decision = prune ? Decision.PRUNE : Decision.CONTINUE;
    }
    return ReportResponse.newBuilder()
        .setDecision(decision)
        .setLeaseExpireTime(Protos.timestamp(t.leaseExpiry))
        .build();
  }

  private static final int MAX_LABELS = 32;
  private static final Duration MIN_SAMPLER_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_SAMPLER_BACKOFF = Duration.ofSeconds(30);

  /** Merges worker labels into the trial; whether anything changed. */
  private boolean setLabels(TrialRecord t, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return false; // the common case: nothing to copy on the report path
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      String problem = labelProblem(e.getKey(), e.getValue());
      if (problem == null && specs.isSamplerLabel(e.getKey())) {
        problem =
            "keys beginning with '"
                + e.getKey().substring(0, e.getKey().indexOf('.') + 1)
                + "' are reserved for that sampler's plan";
      }
      if (problem != null) {
        throw ApiException.invalid("labels[" + e.getKey() + "]", problem);
      }
    }
    Map<String, String> merged = new TreeMap<>(t.labels);
    merged.putAll(labels);
    if (merged.size() > MAX_LABELS) {
      throw ApiException.invalid("labels", "a trial has at most " + MAX_LABELS + " labels");
    }
    if (merged.equals(t.labels)) {
      return false;
    }
    t.labels.putAll(labels);
    return true;
  }

  /** What is wrong with a label, or null. */
  private static String labelProblem(String key, String value) {
    if (key.isEmpty() || key.length() > 63) {
      return "label keys have 1 to 63 characters";
    }
    return value.length() > 256 ? "label values have at most 256 characters" : null;
  }

  /**
   * The measurements not yet stored; a (step, metric) reported before with another value is an
   * error.
   */
  private static List<MeasurementRow> newMeasurements(
      TrialRecord t, List<Measurement> measurements) {
    List<MeasurementRow> rows = new ArrayList<>();
    Set<String> inRequest = new HashSet<>();
    for (int i = 0; i < measurements.size(); i++) {
      Measurement m = measurements.get(i);
      String field = "measurements[" + i + "]";
      if (m.getStep() < 0) {
        throw ApiException.invalid(field + ".step", "must be >= 0, got " + m.getStep());
      }
      if (m.getMetricsCount() == 0) {
        throw ApiException.invalid(field + ".metrics", "at least one metric is required");
      }
      for (Map.Entry<String, Double> e : m.getMetricsMap().entrySet()) {
        String metricField = field + ".metrics[" + e.getKey() + "]";
        if (e.getKey().isBlank()) {
          throw ApiException.invalid(metricField, "metric name must not be empty");
        }
        Double before = t.reported(m.getStep(), e.getKey());
        boolean repeated = !inRequest.add(m.getStep() + "\u0000" + e.getKey());
        if (before != null && Double.compare(before, e.getValue()) != 0) {
          throw ApiException.invalid(
              metricField,
              "step "
                  + m.getStep()
                  + " was already reported with "
                  + before
                  + "; a step's value cannot change");
        }
        if (before == null && !repeated) {
          rows.add(new MeasurementRow(t.number, m.getStep(), e.getKey(), e.getValue()));
        } else if (repeated
            && rows.stream()
                .anyMatch(
                    r ->
                        r.step() == m.getStep()
                            && r.metric().equals(e.getKey())
                            && Double.compare(r.value(), e.getValue()) != 0)) {
          throw ApiException.invalid(
              metricField, "step " + m.getStep() + " appears twice with different values");
        }
      }
    }
    return rows;
  }

  public CompletableFuture<Trial> tell(TrialRef ref, TellRequest request) {
    return submit(changes -> tell(ref, request, changes));
  }

  private Trial tell(TrialRef ref, TellRequest request, Changes changes) {
    TrialRecord t = trial(ref);
    Outcome outcome = Outcome.of(request, memory.definition());
    if (t.state.isFinished() && t.state != TrialState.ABANDONED) {
      if (outcome.matches(t) && request.getLeaseId().equals(t.leaseId)) {
        return answer(outcome, t.toProto(id, false)); // a repeated tell: same answer
      }
      throw ApiException.failedPrecondition(
          "TRIAL_FINISHED",
          "trial " + Protos.trialName(id, t.number) + " already finished as " + t.state);
    }
    leased(ref, request.getLeaseId(), changes);
    Trial proto = finish(t, outcome, changes);
    if (outcome.state() == TrialState.FAILED && outcome.retryable()) {
      maybeRetry(t, changes);
    }
    return answer(outcome, proto);
  }

  private static Trial answer(Outcome outcome, Trial proto) {
    if (outcome.error() != null) {
      throw outcome.error();
    }
    return proto;
  }

  /** Records the outcome; returns the finished trial's wire form. */
  private Trial finish(TrialRecord t, Outcome outcome, Changes changes) {
    memory.setState(t, outcome.state());
    t.values = outcome.values();
    t.failureReason = outcome.reason();
    t.retryable = outcome.retryable();
    t.feasible = outcome.feasible();
    t.endTime = clock.instant();
    t.leaseExpiry = null;
    Trial proto = t.toProto(id, false);
    changes.write(new Write.UpdateTrial(id, proto, t.leaseId, t.requestId));
    changes.event(TrialEvent.Kind.FINISHED, proto);
    updateBest(t);
    return proto;
  }

  /** Keeps the best-value gauge current without rescanning the study. */
  private void updateBest(TrialRecord t) {
    Objective first = memory.definition().objectives().get(0);
    if (memory.definition().isMultiObjective() || t.state != TrialState.SUCCEEDED || !t.feasible) {
      return;
    }
    double value = t.values.get(first.metric());
    if (Double.isNaN(stats.bestValue) || first.direction().isBetter(value, stats.bestValue)) {
      stats.bestValue = value;
    }
  }

  private void maybeRetry(TrialRecord t, Changes changes) {
    if (t.attempt < limits().maxAttempts()) {
      newTrial(
          t.params,
          t.plan(specs::isSamplerLabel),
          TrialState.WAITING,
          TrialSource.RETRY,
          t.attempt + 1,
          t.number,
          changes,
          true);
    }
  }

  private TrialRecord trial(TrialRef ref) {
    TrialRecord t = memory.get(ref.number());
    if (t == null) {
      throw ApiException.notFound("trial " + Protos.trialName(id, ref.number()));
    }
    return t;
  }

  /** The trial, if {@code leaseId} is its live lease; fencing for stale workers. */
  private TrialRecord leased(TrialRef ref, String leaseId, Changes changes) {
    TrialRecord t = trial(ref);
    String name = Protos.trialName(id, t.number);
    if (t.state == TrialState.ABANDONED) {
      throw ApiException.failedPrecondition(
          "LEASE_EXPIRED", "the lease of " + name + " expired; the trial was abandoned");
    }
    if (t.state.isFinished()) {
      throw ApiException.failedPrecondition(
          "TRIAL_FINISHED", name + " already finished as " + t.state);
    }
    if (t.state != TrialState.ACTIVE) {
      throw ApiException.failedPrecondition(
          "NOT_LEASED", name + " is " + t.state + " and has no lease");
    }
    if (leaseId.isEmpty() || !leaseId.equals(t.leaseId)) {
      throw ApiException.failedPrecondition(
          "LEASE_MISMATCH", "lease_id does not hold the lease of " + name);
    }
    if (commandReceived.isAfter(t.leaseExpiry)) {
      abandon(t, changes);
      throw ApiException.failedPrecondition(
          "LEASE_EXPIRED", "the lease of " + name + " expired; the trial was abandoned");
    }
    return t;
  }

  // ---- leases ------------------------------------------------------------------------------

  /** Abandons the trials whose lease ran out before {@code now}. */
  private void reapExpired(Changes changes, Instant now) {
    if (now.toEpochMilli() < stats.nextLeaseExpiryMillis) {
      return;
    }
    for (TrialRecord t : List.copyOf(memory.inState(TrialState.ACTIVE))) {
      if (now.isAfter(t.leaseExpiry)) {
        abandon(t, changes);
      }
    }
  }

  private void abandon(TrialRecord t, Changes changes) {
    log.info("study {}: lease of trial {} (worker '{}') expired", id, t.number, t.workerId);
    memory.setState(t, TrialState.ABANDONED);
    t.endTime = clock.instant();
    t.failureReason = "lease expired at " + t.leaseExpiry;
    t.leaseExpiry = null;
    Trial proto = t.toProto(id, false);
    changes.write(new Write.UpdateTrial(id, proto, t.leaseId, t.requestId));
    changes.event(TrialEvent.Kind.FINISHED, proto);
    maybeRetry(t, changes);
  }

  /** Whether some lease may have expired, so the reaper should send a command. */
  boolean leaseMayHaveExpired(long nowMillis) {
    return nowMillis >= stats.nextLeaseExpiryMillis;
  }

  CompletableFuture<Void> reap() {
    return submit(changes -> null); // every batch reaps first
  }

  // ---- management --------------------------------------------------------------------------

  public CompletableFuture<Study> study() {
    return submit(changes -> toStudy());
  }

  private Study toStudy() {
    return Study.newBuilder()
        .setName(Protos.studyName(id))
        .setSpec(stored.spec())
        .setState(stored.state())
        .setCreateTime(Protos.timestamp(stored.createTime()))
        .setTrialCounts(
            TrialCounts.newBuilder()
                .setWaiting(memory.count(TrialState.WAITING))
                .setActive(memory.count(TrialState.ACTIVE))
                .setSucceeded(memory.count(TrialState.SUCCEEDED))
                .setPruned(memory.count(TrialState.PRUNED))
                .setFailed(memory.count(TrialState.FAILED))
                .setInfeasible(memory.count(TrialState.INFEASIBLE))
                .setAbandoned(memory.count(TrialState.ABANDONED)))
        .setDone(isDone())
        .setSamplerDescription(compiled.sampler().description())
        .build();
  }

  public CompletableFuture<Study> setState(Study.State state) {
    return submit(
        changes -> {
          if (state != Study.State.ACTIVE
              && state != Study.State.PAUSED
              && state != Study.State.STOPPED) {
            throw ApiException.invalid("state", "must be ACTIVE, PAUSED or STOPPED");
          }
          if (stored.state() == Study.State.STOPPED && state != Study.State.STOPPED) {
            throw ApiException.failedPrecondition(
                "STUDY_STOPPED",
                "study " + Protos.studyName(id) + " is stopped; a stopped study cannot be resumed");
          }
          if (state != stored.state()) {
            changes.write(new Write.SetStudyState(id, state));
            stored =
                new StoredStudy(
                    id,
                    stored.spec(),
                    state,
                    stored.seed(),
                    stored.createTime(),
                    stored.nextTrialNumber());
          }
          return toStudy();
        });
  }

  public CompletableFuture<List<Trial>> enqueue(List<TrialParams> trials) {
    return submit(
        changes -> {
          List<Map<String, ParamValue>> checked = new ArrayList<>();
          for (int i = 0; i < trials.size(); i++) {
            checked.add(
                ParamsCheck.wire(
                    memory.definition().space(),
                    trials.get(i).getParamsMap(),
                    "trials[" + i + "].params"));
          }
          List<Trial> out = new ArrayList<>();
          for (Map<String, ParamValue> params : checked) {
            out.add(
                newTrial(
                        params,
                        TrialRecord.Plan.NONE,
                        TrialState.WAITING,
                        TrialSource.ENQUEUED,
                        1,
                        0,
                        changes,
                        true)
                    .toProto(id, false));
          }
          return out;
        });
  }

  public CompletableFuture<List<Trial>> importTrials(List<ImportedTrial> trials) {
    return submit(
        changes -> {
          List<Trial> out = new ArrayList<>();
          List<Runnable> apply = new ArrayList<>();
          for (int i = 0; i < trials.size(); i++) {
            apply.add(importOne(trials.get(i), "trials[" + i + "]", changes, out));
          }
          apply.forEach(Runnable::run); // all validated first: nothing is imported if one is bad
          return out;
        });
  }

  private Runnable importOne(
      ImportedTrial imported, String field, Changes changes, List<Trial> out) {
    Map<String, ParamValue> params =
        ParamsCheck.wire(memory.definition().space(), imported.getParamsMap(), field + ".params");
    TrialState state =
        switch (imported.getState()) {
          case SUCCEEDED, PRUNED, FAILED, INFEASIBLE -> Protos.toSpi(imported.getState());
          default ->
              throw ApiException.invalid(
                  field + ".state", "must be SUCCEEDED, PRUNED, FAILED or INFEASIBLE");
        };
    Outcome outcome;
    try {
      outcome =
          state == TrialState.SUCCEEDED
              ? Outcome.of(
                  TellRequest.newBuilder()
                      .setSucceeded(
                          TellRequest.Succeeded.newBuilder().putAllValues(imported.getValuesMap()))
                      .build(),
                  memory.definition())
              : new Outcome(state, Map.of(), "imported", false, false, null);
    } catch (ApiException e) {
      throw ApiException.invalid(field + ".values", e.getMessage());
    }
    if (outcome.error() != null) {
      throw ApiException.invalid(field + ".values", outcome.error().getMessage());
    }
    for (int i = 0; i < imported.getMeasurementsCount(); i++) {
      if (imported.getMeasurements(i).getStep() < 0) {
        throw ApiException.invalid(field + ".measurements[" + i + "].step", "must be >= 0");
      }
    }
    return () -> {
      TrialRecord t =
          newTrial(
              params,
              TrialRecord.Plan.NONE,
              TrialState.WAITING,
              TrialSource.IMPORTED,
              1,
              0,
              changes,
              false);
      List<MeasurementRow> rows = new ArrayList<>();
      for (Measurement m : imported.getMeasurementsList()) {
        m.getMetricsMap()
            .forEach(
                (metric, value) -> {
                  if (t.reported(m.getStep(), metric) == null) {
                    t.measure(m.getStep(), metric, value);
                    rows.add(new MeasurementRow(t.number, m.getStep(), metric, value));
                  }
                });
      }
      memory.setState(t, outcome.state());
      t.values = outcome.values();
      t.feasible = outcome.feasible();
      t.failureReason = outcome.reason();
      t.endTime = clock.instant();
      Trial proto = t.toProto(id, false);
      changes.write(new Write.InsertTrial(id, proto, null, null));
      t.persisted = true;
      updateBest(t);
      if (!rows.isEmpty()) {
        changes.write(new Write.AddMeasurements(id, rows));
      }
      changes.event(TrialEvent.Kind.FINISHED, proto);
      out.add(proto);
    };
  }

  public CompletableFuture<Trial> getTrial(TrialRef ref) {
    return submit(changes -> trial(ref).toProto(id, true));
  }

  /**
   * One page of trials from number {@code from} on, and the number to continue from (-1 at the
   * end).
   */
  public record TrialPage(List<Trial> trials, long next) {}

  public CompletableFuture<TrialPage> listTrials(
      long from, int pageSize, Set<TrialState> states, boolean measurements) {
    return submit(
        changes -> {
          List<Trial> page = new ArrayList<>();
          long n = Math.max(0, from);
          for (; n < memory.nextNumber() && page.size() < pageSize; n++) {
            TrialRecord t = memory.get(n);
            if (states.isEmpty() || states.contains(t.state)) {
              page.add(t.toProto(id, measurements));
            }
          }
          return new TrialPage(page, n < memory.nextNumber() ? n : -1);
        });
  }

  public CompletableFuture<List<Trial>> bestTrials() {
    return submit(
        changes -> BestTrials.of(memory).stream().map(t -> t.toProto(id, false)).toList());
  }

  // ---- watching ----------------------------------------------------------------------------

  public CompletableFuture<Void> watch(ServerCallStreamObserver<TrialEvent> observer) {
    return submit(
        changes -> {
          newWatchers.add(observer); // gets its snapshot after this batch's events are published
          return null;
        });
  }

  private void publish(List<TrialEvent> events) {
    watchers.removeIf(w -> !send(w, events));
    for (ServerCallStreamObserver<TrialEvent> w : newWatchers) {
      List<TrialEvent> snapshot =
          memory.trials().stream()
              .map(
                  t ->
                      TrialEvent.newBuilder()
                          .setKind(TrialEvent.Kind.SNAPSHOT)
                          .setTrial(t.toProto(id, false))
                          .build())
              .toList();
      if (send(w, snapshot)) {
        watchers.add(w);
      }
    }
    newWatchers.clear();
  }

  private static boolean send(ServerCallStreamObserver<TrialEvent> w, List<TrialEvent> events) {
    if (w.isCancelled()) {
      return false;
    }
    try {
      events.forEach(w::onNext);
      return true;
    } catch (RuntimeException e) {
      return false; // the call was cancelled between the check and the send
    }
  }

  /**
   * Deletes the study as one command of its batch: the deletion is the batch's last write, in the
   * same transaction as the others, so they commit or fail together; commands after it in the batch
   * get NOT_FOUND. Watchers are told once it is committed.
   */
  CompletableFuture<Void> delete() {
    return submit(
        changes -> {
          changes.write(new Write.DeleteStudy(id));
          deleted = true;
          return null;
        });
  }

  /** After a committed delete: watchers learn the study is gone. */
  private void closeWatchers() {
    ApiException gone = ApiException.notFound("study " + Protos.studyName(id));
    for (ServerCallStreamObserver<TrialEvent> w : watchers) {
      if (!w.isCancelled()) {
        w.onError(gone.toStatusException());
      }
    }
    watchers.clear();
  }

  // ---- stats -------------------------------------------------------------------------------

  private void publishStats() {
    for (TrialState s : TrialState.values()) {
      stats.setTrials(s, memory.count(s));
    }
    Set<String> workers = new HashSet<>();
    long nextExpiry = Long.MAX_VALUE;
    for (TrialRecord t : memory.inState(TrialState.ACTIVE)) {
      workers.add(t.workerId);
      nextExpiry = Math.min(nextExpiry, t.leaseExpiry.toEpochMilli());
    }
    stats.activeWorkers = workers.size();
    stats.nextLeaseExpiryMillis = nextExpiry;
  }
}
