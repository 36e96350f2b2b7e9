package vernier.server.study;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vernier.server.ApiException;
import vernier.server.Protos;
import vernier.server.ResourceNames.TrialRef;
import vernier.server.check.CheckedAsk;
import vernier.server.check.CheckedImport;
import vernier.server.check.CheckedReport;
import vernier.server.check.CheckedSuggestion;
import vernier.server.check.Outcome;
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
import vernier.spi.StudyDefinition;
import vernier.spi.TrialState;
import vernier.v1.AskResponse;
import vernier.v1.Assignment;
import vernier.v1.Study;
import vernier.v1.Trial;
import vernier.v1.TrialCounts;
import vernier.v1.TrialEvent;
import vernier.v1.TrialSource;

/**
 * One study as loaded from the store, and the trial transitions that keep it and the store in step:
 * each transition changes memory and records its write and its event in the batch's {@link
 * Changes}. Replaced as a whole when the study is read back. Confined to the study's thread (its
 * {@link StudyCoordinator}).
 */
final class StudyState {

  private static final Logger log = LoggerFactory.getLogger(StudyState.class);
  private static final Duration WAIT_RETRY = Duration.ofSeconds(1);

  private final String id;
  private final StudySpecs specs;
  private final Clock clock;
  private final StudyStats stats;
  final StudySpecs.Compiled compiled;
  final StudyMemory memory;
  StoredStudy stored;

  /**
   * Asks answered, by who asked and their request id: a repeated ask gets the same trials, but only
   * from the worker that first asked (another worker reusing the id gets a fresh ask, never someone
   * else's lease).
   */
  private final Map<ReplayKey, List<Long>> askReplays = new HashMap<>();

  private record ReplayKey(String workerId, String requestId) {}

  private int budgetUsed;

  /** The sampler said no new point remains. */
  boolean exhausted;

  private StudyState(
      String id,
      StudySpecs specs,
      Clock clock,
      StudyStats stats,
      StoredStudy stored,
      StudySpecs.Compiled compiled) {
    this.id = id;
    this.specs = specs;
    this.clock = clock;
    this.stats = stats;
    this.stored = stored;
    this.compiled = compiled;
    this.memory = new StudyMemory(compiled.definition());
  }

  /**
   * Reads a study from the store. {@code justCompiled}, when not null, is its spec compiled moments
   * ago (at creation, or the plugins to keep after an unavailable one), reused so plugins are not
   * made twice.
   */
  static StudyState load(
      String id,
      Store store,
      StudySpecs specs,
      Clock clock,
      StudyStats stats,
      StudySpecs.Compiled justCompiled) {
    StudyData data =
        store
            .loadStudy(id)
            .orElseThrow(() -> ApiException.notFound("study " + Protos.studyName(id)));
    StudySpecs.Compiled compiled =
        justCompiled != null
            ? justCompiled
            : specs.compile(id, data.study().spec(), data.study().seed());
    StudyState s = new StudyState(id, specs, clock, stats, data.study(), compiled);
    s.restore(data);
    return s;
  }

  private void restore(StudyData data) {
    Map<Long, List<MeasurementRow>> measurements = new HashMap<>();
    for (MeasurementRow m : data.measurements()) {
      measurements.computeIfAbsent(m.number(), n -> new ArrayList<>()).add(m);
    }
    Instant now = clock.instant();
    for (StoredTrial st : data.trials()) {
      TrialRecord t =
          TrialRecord.restore(
              st.trial(),
              st.leaseId(),
              st.requestId(),
              measurements.getOrDefault(st.trial().getNumber(), List.of()));
      StoredLeases.restore(t, st, limits().leaseDuration(), now);
      memory.add(t);
      countBudget(t);
      if (t.requestId() != null) {
        askReplays
            .computeIfAbsent(new ReplayKey(t.workerId(), t.requestId()), k -> new ArrayList<>())
            .add(t.number());
      }
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

  private void countBudget(TrialRecord t) {
    if (t.state() != TrialState.WAITING
        && (t.source() == TrialSource.SAMPLED || t.source() == TrialSource.ENQUEUED)) {
      budgetUsed++;
    }
  }

  private StudyLimits limits() {
    return compiled.limits();
  }

  private boolean parallelismFull() {
    return limits().maxParallel() > 0 && memory.count(TrialState.ACTIVE) >= limits().maxParallel();
  }

  /** Whether a new sampled trial may start (the sampler may still have points or not). */
  private boolean mayStartSampled() {
    return !failedLimitReached() && !budgetReached();
  }

  /** A waiting trial that may start (retries first come first), or null. */
  private TrialRecord waitingTrial() {
    if (failedLimitReached()) {
      return null;
    }
    for (TrialRecord waiting : memory.inState(TrialState.WAITING)) {
      if (waiting.source() == TrialSource.RETRY || !budgetReached()) {
        return waiting;
      }
    }
    return null;
  }

  /** Creates a WAITING trial with the next number; the caller persists it. */
  private TrialRecord newTrial(
      Map<String, ParamValue> params,
      TrialRecord.Plan plan,
      TrialSource source,
      int attempt,
      long retryOf) {
    TrialRecord t =
        new TrialRecord(
            memory.nextNumber(),
            params,
            plan,
            TrialState.WAITING,
            source,
            attempt,
            retryOf,
            clock.instant());
    memory.add(t);
    return t;
  }

  /** Stores a new WAITING trial (enqueued, a retry). */
  private TrialRecord insertWaiting(TrialRecord t, Changes changes) {
    Trial proto = t.toProto(id, false);
    changes.write(new Write.InsertTrial(id, proto, null, null));
    changes.event(TrialEvent.Kind.CREATED, proto);
    t.markPersisted();
    return t;
  }

  /** Leases {@code t} to the asking worker; returns its new wire form. */
  private Trial activate(TrialRecord t, CheckedAsk ask, Changes changes) {
    Instant now = clock.instant();
    t.lease(ask.workerId(), ask.requestId(), now, now.plus(limits().leaseDuration()));
    countBudget(t);
    Trial proto = t.toProto(id, false);
    if (t.persisted()) {
      changes.write(update(t, proto));
    } else {
      changes.write(
          new Write.InsertTrial(
              id, proto, t.leaseId(), t.requestId(), StoredLeases.toStore(t, now)));
      changes.event(TrialEvent.Kind.CREATED, proto);
      t.markPersisted();
    }
    changes.event(TrialEvent.Kind.STARTED, proto);
    return proto;
  }

  /** The answer to a replayed ask: the same trials and leases as the first time. */
  AskResponse assigned(List<Long> numbers) {
    AskResponse.Builder b = AskResponse.newBuilder().setStatus(AskResponse.Status.ASSIGNED);
    for (long n : numbers) {
      TrialRecord t = memory.get(n);
      b.addAssignments(assignment(t, t.toProto(id, false)));
    }
    return b.build();
  }

  private static Assignment assignment(TrialRecord t, Trial proto) {
    Assignment.Builder a = Assignment.newBuilder().setTrial(proto).setLeaseId(t.leaseId());
    if (t.leaseExpiry() != null) {
      a.setLeaseExpireTime(Protos.timestamp(t.leaseExpiry()));
    }
    return a.build();
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
  private boolean isDone(boolean spareSuggestions) {
    if (stored.state() == Study.State.STOPPED || failedLimitReached()) {
      return true;
    }
    boolean waitingEligible =
        memory.inState(TrialState.WAITING).stream()
            .anyMatch(w -> w.source() == TrialSource.RETRY || !budgetReached());
    boolean samplerDone = exhausted && !spareSuggestions;
    if (waitingEligible || !(budgetReached() || samplerDone)) {
      return false;
    }
    return memory.inState(TrialState.ACTIVE).stream()
        .noneMatch(t -> t.attempt() < limits().maxAttempts());
  }

  /** Writes a trial that just finished; returns its wire form. */
  Trial recordFinished(TrialRecord t, Changes changes) {
    Trial proto = t.toProto(id, false);
    changes.write(update(t, proto));
    changes.event(TrialEvent.Kind.FINISHED, proto);
    updateBest(t);
    return proto;
  }

  /** Rewrites {@code t}'s row as {@code proto}, with its lease. */
  private Write.UpdateTrial update(TrialRecord t, Trial proto) {
    return new Write.UpdateTrial(
        id, proto, t.leaseId(), t.requestId(), StoredLeases.toStore(t, clock.instant()));
  }

  /** Keeps the best-value gauge current without rescanning the study. */
  private void updateBest(TrialRecord t) {
    Objective first = definition().objectives().get(0);
    if (definition().isMultiObjective() || t.state() != TrialState.SUCCEEDED || !t.feasible()) {
      return;
    }
    double value = t.values().get(first.metric());
    if (Double.isNaN(stats.bestValue) || first.direction().isBetter(value, stats.bestValue)) {
      stats.bestValue = value;
    }
  }

  private void maybeRetry(TrialRecord t, Changes changes) {
    if (t.attempt() < limits().maxAttempts()) {
      insertWaiting(
          newTrial(
              t.params(),
              t.plan(specs::isSamplerLabel),
              TrialSource.RETRY,
              t.attempt() + 1,
              t.number()),
          changes);
    }
  }

  TrialRecord trial(TrialRef ref) {
    TrialRecord t = memory.get(ref.number());
    if (t == null) {
      throw ApiException.notFound("trial " + Protos.trialName(id, ref.number()));
    }
    return t;
  }

  /** The trial, if {@code leaseId} is its live lease; fencing for stale workers. */
  private TrialRecord leased(TrialRef ref, String leaseId, Instant received, Changes changes) {
    TrialRecord t = trial(ref);
    String name = Protos.trialName(id, t.number());
    if (t.state() == TrialState.ABANDONED) {
      throw ApiException.failedPrecondition(
          "LEASE_EXPIRED", "the lease of " + name + " expired; the trial was abandoned");
    }
    if (t.state().isFinished()) {
      throw ApiException.failedPrecondition(
          "TRIAL_FINISHED", name + " already finished as " + t.state());
    }
    if (t.state() != TrialState.ACTIVE) {
      throw ApiException.failedPrecondition(
          "NOT_LEASED", name + " is " + t.state() + " and has no lease");
    }
    if (leaseId.isEmpty() || !leaseId.equals(t.leaseId())) {
      throw ApiException.failedPrecondition(
          "LEASE_MISMATCH", "lease_id does not hold the lease of " + name);
    }
    if (received.isAfter(t.leaseExpiry())) {
      abandon(t, changes);
      throw ApiException.failedPrecondition(
          "LEASE_EXPIRED", "the lease of " + name + " expired; the trial was abandoned");
    }
    return t;
  }

  /** Abandons the trials whose lease ran out before {@code now}. */
  void reapExpired(Changes changes, Instant now) {
    if (now.toEpochMilli() < stats.nextLeaseExpiryMillis) {
      return;
    }
    for (TrialRecord t : List.copyOf(memory.inState(TrialState.ACTIVE))) {
      if (now.isAfter(t.leaseExpiry())) {
        abandon(t, changes);
      }
    }
  }

  private void abandon(TrialRecord t, Changes changes) {
    log.info("study {}: lease of trial {} (worker '{}') expired", id, t.number(), t.workerId());
    t.abandon(clock.instant());
    recordFinished(t, changes);
    maybeRetry(t, changes);
  }

  Study toStudy(boolean spareSuggestions) {
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
        .setDone(isDone(spareSuggestions))
        .setSamplerDescription(compiled.sampler().description())
        .build();
  }

  List<TrialEvent> snapshotEvents() {
    return memory.trials().stream()
        .map(
            t ->
                TrialEvent.newBuilder()
                    .setKind(TrialEvent.Kind.SNAPSHOT)
                    .setTrial(t.toProto(id, false))
                    .build())
        .toList();
  }

  void publishStats() {
    for (TrialState s : TrialState.values()) {
      stats.setTrials(s, memory.count(s));
    }
    Set<String> workers = new HashSet<>();
    long nextExpiry = Long.MAX_VALUE;
    for (TrialRecord t : memory.inState(TrialState.ACTIVE)) {
      workers.add(t.workerId());
      nextExpiry = Math.min(nextExpiry, t.leaseExpiry().toEpochMilli());
    }
    stats.activeWorkers = workers.size();
    stats.nextLeaseExpiryMillis = nextExpiry;
  }

  String samplerName() {
    String name = stored.spec().getSampler().getName();
    return name.isEmpty() ? StudySpecs.DEFAULT_SAMPLER : name;
  }

  /** The trials a repeated ask was given, or null. */
  List<Long> replayed(CheckedAsk ask) {
    return ask.requestId().isEmpty()
        ? null
        : askReplays.get(new ReplayKey(ask.workerId(), ask.requestId()));
  }

  /** Remembers what an ask was given, for its repeats. */
  private void answered(CheckedAsk ask, List<Long> numbers) {
    if (!ask.requestId().isEmpty()) {
      askReplays.put(new ReplayKey(ask.workerId(), ask.requestId()), numbers);
    }
  }

  StudyDefinition definition() {
    return memory.definition();
  }

  static AskResponse status(AskResponse.Status status) {
    AskResponse.Builder b = AskResponse.newBuilder().setStatus(status);
    if (status == AskResponse.Status.WAIT) {
      b.setRetryAfter(Protos.duration(WAIT_RETRY));
    }
    return b.build();
  }

  /**
   * Serves an ask from the waiting trials, then from the sampler's spare suggestions (dropping a
   * point that a trial enqueued or imported since the sampler's snapshot already took). Null when
   * it needs the sampler: nothing could be assigned yet but a sampled trial may start.
   */
  AskResponse serve(CheckedAsk ask, Deque<SamplingPipeline.Spare> spare, Changes changes) {
    if (stored.state() == Study.State.STOPPED) {
      return status(AskResponse.Status.STUDY_DONE);
    }
    if (stored.state() == Study.State.PAUSED) {
      return status(AskResponse.Status.WAIT);
    }
    List<Long> numbers = new ArrayList<>();
    AskResponse.Builder response = AskResponse.newBuilder().setStatus(AskResponse.Status.ASSIGNED);
    while (numbers.size() < ask.count() && !parallelismFull()) {
      TrialRecord t = waitingTrial();
      while (t == null && mayStartSampled() && !spare.isEmpty()) {
        t = sampledTrial(spare.poll());
      }
      if (t == null) {
        break;
      }
      response.addAssignments(assignment(t, activate(t, ask, changes)));
      numbers.add(t.number());
    }
    if (!numbers.isEmpty()) {
      answered(ask, numbers);
      return response.build();
    }
    if (!parallelismFull() && mayStartSampled() && !exhausted) {
      return null;
    }
    return status(
        isDone(!spare.isEmpty()) ? AskResponse.Status.STUDY_DONE : AskResponse.Status.WAIT);
  }

  /**
   * A new trial for a suggestion, or null when a trial enqueued or imported since the sampler's
   * snapshot already holds the point (the next job's sampler sees that trial).
   */
  private TrialRecord sampledTrial(SamplingPipeline.Spare spare) {
    CheckedSuggestion s = spare.suggestion();
    for (long n = spare.unseenFrom(); n < memory.nextNumber(); n++) {
      TrialRecord t = memory.get(n);
      if (t.source() != TrialSource.SAMPLED && t.params().equals(s.params())) {
        return null;
      }
    }
    TrialRecord.Plan plan = new TrialRecord.Plan(s.startFrom(), s.maxStep(), s.labels());
    return newTrial(s.params(), plan, TrialSource.SAMPLED, 1, 0);
  }

  /** How many trials a sampling job may make for {@code demand} waiting asks. */
  int samplingRoom(int demand) {
    int count = demand;
    if (limits().maxTrials() > 0) {
      count = Math.min(count, limits().maxTrials() - budgetUsed);
    }
    if (limits().maxParallel() > 0) {
      count = Math.min(count, limits().maxParallel() - memory.count(TrialState.ACTIVE));
    }
    return count;
  }

  /** The random source of a sampling job whose first trial has number {@code first}. */
  SplittableRandom random(long first) {
    return new SplittableRandom(stored.seed() * 0x9E3779B97F4A7C15L + first);
  }

  /**
   * Records a report on a leased trial (new measurements, labels) and renews its lease; returns the
   * trial, for the prune decision.
   */
  TrialRecord report(TrialRef ref, CheckedReport report, Instant received, Changes changes) {
    TrialRecord t = leased(ref, report.leaseId(), received, changes);
    List<MeasurementRow> rows = new ArrayList<>();
    for (CheckedReport.Value v : report.values()) {
      Double before = t.reported(v.step(), v.metric());
      if (before == null) {
        rows.add(new MeasurementRow(t.number(), v.step(), v.metric(), v.value()));
      } else if (Double.compare(before, v.value()) != 0) {
        throw ApiException.invalid(
            v.field(),
            "step "
                + v.step()
                + " was already reported with "
                + before
                + "; a step's value cannot change");
      }
    }
    Instant now = clock.instant();
    t.renewLease(now.plus(limits().leaseDuration()));
    if (t.mergeLabels(report.labels())) {
      changes.write(update(t, t.toProto(id, false)));
    } else if (StoredLeases.lagging(t, limits().leaseDuration())) {
      changes.write(new Write.RenewLease(id, t.number(), StoredLeases.toStore(t, now)));
    }
    rows.forEach(r -> t.measure(r.step(), r.metric(), r.value()));
    if (!rows.isEmpty()) {
      changes.write(new Write.AddMeasurements(id, rows));
      changes.event(TrialEvent.Kind.MEASURED, t.toProto(id, false));
    }
    return t;
  }

  /** Records a tell: the trial's outcome, and its retry if it failed and may be retried. */
  Trial tell(TrialRef ref, String leaseId, Outcome outcome, Instant received, Changes changes) {
    TrialRecord t = trial(ref);
    if (t.state().isFinished() && t.state() != TrialState.ABANDONED) {
      if (t.wasTold(outcome) && leaseId.equals(t.leaseId())) {
        return answer(outcome, t.toProto(id, false)); // a repeated tell: same answer
      }
      throw ApiException.failedPrecondition(
          "TRIAL_FINISHED",
          "trial " + Protos.trialName(id, t.number()) + " already finished as " + t.state());
    }
    leased(ref, leaseId, received, changes);
    t.finish(outcome, clock.instant());
    Trial proto = recordFinished(t, changes);
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

  /** Moves the study to {@code to}; whether that changed anything. */
  boolean setState(Study.State to, Changes changes) {
    if (stored.state() == Study.State.STOPPED && to != Study.State.STOPPED) {
      throw ApiException.failedPrecondition(
          "STUDY_STOPPED",
          "study " + Protos.studyName(id) + " is stopped; a stopped study cannot be resumed");
    }
    if (to == stored.state()) {
      return false;
    }
    changes.write(new Write.SetStudyState(id, to));
    stored =
        new StoredStudy(
            id, stored.spec(), to, stored.seed(), stored.createTime(), stored.nextTrialNumber());
    return true;
  }

  /** Adds a WAITING trial a user asked for. */
  Trial enqueue(Map<String, ParamValue> params, Changes changes) {
    TrialRecord t = newTrial(params, TrialRecord.Plan.NONE, TrialSource.ENQUEUED, 1, 0);
    return insertWaiting(t, changes).toProto(id, false);
  }

  /** Adds a trial that finished elsewhere, with its measurements. */
  Trial importFinished(CheckedImport imported, Changes changes) {
    TrialRecord t = newTrial(imported.params(), TrialRecord.Plan.NONE, TrialSource.IMPORTED, 1, 0);
    List<MeasurementRow> rows =
        t.importFinished(imported.outcome(), imported.measurements(), clock.instant()).stream()
            .map(m -> new MeasurementRow(t.number(), m.step(), m.metric(), m.value()))
            .toList();
    Trial proto = t.toProto(id, false);
    changes.write(new Write.InsertTrial(id, proto, null, null));
    t.markPersisted();
    if (!rows.isEmpty()) {
      changes.write(new Write.AddMeasurements(id, rows));
    }
    changes.event(TrialEvent.Kind.FINISHED, proto);
    updateBest(t);
    return proto;
  }
}
