package vernier.server.study;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import vernier.server.ApiException;
import vernier.server.Protos;
import vernier.server.check.CheckedReport;
import vernier.server.check.Labels;
import vernier.server.check.Outcome;
import vernier.server.storage.MeasurementRow;
import vernier.spi.Checkpoint;
import vernier.spi.ParamValue;
import vernier.spi.TrialState;
import vernier.spi.TrialView;
import vernier.v1.CheckpointRef;
import vernier.v1.Measurement;
import vernier.v1.Trial;
import vernier.v1.TrialSource;

/**
 * The server's in-memory trial: what plugins see through {@link TrialView} plus the lease and
 * bookkeeping. Its fields change only through its transitions, on its study's coordinator thread;
 * each transition tells the study's index of the state change.
 */
final class TrialRecord implements TrialView {

  private static final NavigableMap<Long, Double> NO_VALUES =
      Collections.unmodifiableNavigableMap(new TreeMap<>());

  /**
   * What the sampler planned beyond the params (population-based training): the checkpoint to start
   * from (null: from scratch), the step to train until (0: the worker decides), and its labels.
   */
  record Plan(Checkpoint startFrom, long maxStep, Map<String, String> labels) {
    static final Plan NONE = new Plan(null, 0, Map.of());
  }

  /** Told when a trial changes state, so the study's index by state stays in step. */
  @FunctionalInterface
  interface StateIndex {
    void moved(TrialRecord trial, TrialState from);
  }

  private final long number;
  private final Map<String, ParamValue> params;
  private final Checkpoint startFrom;
  private final long maxStep;
  private final TrialSource source;
  private final int attempt;
  private final long retryOf;
  private final Instant createTime;
  private final Map<String, TreeMap<Long, Double>> curves = new HashMap<>();
  private final Map<String, String> labels = new TreeMap<>();
  private StateIndex index = (t, from) -> {};
  private TrialState state;
  private Map<String, Double> values = Map.of();
  private long lastStep = -1;
  private String workerId = "";
  private Instant startTime;
  private Instant endTime;
  private String failureReason = "";
  private boolean retryable;
  private boolean feasible;
  private String leaseId;
  private Instant leaseExpiry;

  /** The expiry the store holds for the lease (it lags {@link #leaseExpiry}; see StoredLeases). */
  private Instant storedLeaseExpiry;

  private String requestId;

  /** False for a sampled trial until its first write: it is inserted already ACTIVE. */
  private boolean persisted;

  /** A new trial; it joins {@code index} when added to its study. */
  TrialRecord(
      long number,
      Map<String, ParamValue> params,
      Plan plan,
      TrialState state,
      TrialSource source,
      int attempt,
      long retryOf,
      Instant createTime) {
    this.number = number;
    this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    this.startFrom = plan.startFrom();
    this.maxStep = plan.maxStep();
    this.labels.putAll(plan.labels());
    this.state = state;
    this.source = source;
    this.attempt = attempt;
    this.retryOf = retryOf;
    this.createTime = createTime;
  }

  void indexedBy(StateIndex index) {
    this.index = index;
  }

  // ---- transitions: the only writes, each for the states it is allowed in ------------------

  /**
   * The one rule of history: a finished trial is not modified (its measurements, values and labels
   * are what was told, and samplers may read it from another thread without a lock).
   */
  private void requireUnfinished(String change) {
    if (state.isFinished()) {
      throw new IllegalStateException(
          "trial "
              + number
              + " is "
              + state
              + "; a finished trial is not modified ("
              + change
              + ")");
    }
  }

  private void moveTo(TrialState to) {
    TrialState from = state;
    state = to;
    index.moved(this, from);
  }

  /** WAITING to ACTIVE: leased to a worker until {@code expiry}. */
  void lease(String workerId, String requestId, Instant now, Instant expiry) {
    if (state != TrialState.WAITING) {
      throw new IllegalStateException("trial " + number + " is " + state + ", not WAITING");
    }
    this.workerId = workerId;
    this.requestId = requestId.isEmpty() ? null : requestId;
    this.startTime = now;
    this.leaseId = UUID.randomUUID().toString();
    this.leaseExpiry = expiry;
    moveTo(TrialState.ACTIVE);
  }

  /** A report kept the lease alive until {@code expiry}. */
  void renewLease(Instant expiry) {
    requireUnfinished("renew lease");
    leaseExpiry = expiry;
  }

  /** ACTIVE to the told outcome. */
  void finish(Outcome outcome, Instant now) {
    requireUnfinished("finish");
    values = outcome.values();
    failureReason = outcome.reason();
    retryable = outcome.retryable();
    feasible = outcome.feasible();
    endTime = now;
    leaseExpiry = null;
    moveTo(outcome.state());
  }

  /** ACTIVE to ABANDONED: its lease ran out. */
  void abandon(Instant now) {
    requireUnfinished("abandon");
    failureReason = "lease expired at " + leaseExpiry;
    endTime = now;
    leaseExpiry = null;
    moveTo(TrialState.ABANDONED);
  }

  /**
   * A trial finished elsewhere, with its measurements: WAITING to its outcome in one step. Returns
   * the measurements kept (the first value of each step and metric).
   */
  List<CheckedReport.Value> importFinished(
      Outcome outcome, List<CheckedReport.Value> measurements, Instant now) {
    List<CheckedReport.Value> kept = new ArrayList<>();
    for (CheckedReport.Value m : measurements) {
      if (reported(m.step(), m.metric()) == null) {
        measure(m.step(), m.metric(), m.value());
        kept.add(m);
      }
    }
    finish(outcome, now);
    return kept;
  }

  /** Adds a reported value (the caller checked it is new). */
  void measure(long step, String metric, double value) {
    requireUnfinished("measure");
    curves.computeIfAbsent(metric, m -> new TreeMap<>()).put(step, value);
    lastStep = Math.max(lastStep, step);
  }

  /**
   * Merges worker labels; whether anything changed.
   *
   * @throws ApiException when the trial would hold too many labels
   */
  boolean mergeLabels(Map<String, String> given) {
    if (given.isEmpty()) {
      return false; // the common case: nothing to copy on the report path
    }
    requireUnfinished("label");
    Map<String, String> merged = new TreeMap<>(labels);
    merged.putAll(given);
    if (merged.size() > Labels.MAX_PER_TRIAL) {
      throw ApiException.invalid(
          "labels", "a trial has at most " + Labels.MAX_PER_TRIAL + " labels");
    }
    if (merged.equals(labels)) {
      return false;
    }
    labels.putAll(given);
    return true;
  }

  void markPersisted() {
    persisted = true;
  }

  // ---- reads -------------------------------------------------------------------------------

  boolean persisted() {
    return persisted;
  }

  TrialSource source() {
    return source;
  }

  String workerId() {
    return workerId;
  }

  String leaseId() {
    return leaseId;
  }

  Instant leaseExpiry() {
    return leaseExpiry;
  }

  Instant storedLeaseExpiry() {
    return storedLeaseExpiry;
  }

  String requestId() {
    return requestId;
  }

  /** Whether this finished trial was told {@code outcome} (a repeated tell). */
  boolean wasTold(Outcome outcome) {
    return state == outcome.state()
        && values.equals(outcome.values())
        && Objects.equals(failureReason, outcome.reason());
  }

  /**
   * What a sampler may read from another thread: this trial itself once finished (it never changes
   * again), else a copy.
   */
  TrialView snapshot() {
    if (state.isFinished()) {
      return this;
    }
    Map<String, NavigableMap<Long, Double>> copied = new HashMap<>();
    curves.forEach((m, c) -> copied.put(m, Collections.unmodifiableNavigableMap(new TreeMap<>(c))));
    return new Snapshot(
        number,
        state,
        params,
        values,
        copied,
        lastStep,
        attempt,
        feasible,
        Optional.ofNullable(startFrom),
        maxStep,
        Map.copyOf(labels));
  }

  private record Snapshot(
      long number,
      TrialState state,
      Map<String, ParamValue> params,
      Map<String, Double> values,
      Map<String, NavigableMap<Long, Double>> curves,
      long lastStep,
      int attempt,
      boolean feasible,
      Optional<Checkpoint> startFrom,
      long maxStep,
      Map<String, String> labels)
      implements TrialView {
    @Override
    public NavigableMap<Long, Double> intermediate(String metric) {
      return curves.getOrDefault(metric, NO_VALUES);
    }
  }

  /** Rebuilds a stored trial with its measurements. */
  static TrialRecord restore(
      Trial t, String leaseId, String requestId, List<MeasurementRow> measurements) {
    Map<String, ParamValue> params = new LinkedHashMap<>();
    t.getParamsMap().forEach((k, v) -> params.put(k, Protos.toSpi(v)));
    Checkpoint startFrom =
        t.hasStartFrom()
            ? new Checkpoint(t.getStartFrom().getTrial(), t.getStartFrom().getStep())
            : null;
    TrialRecord r =
        new TrialRecord(
            t.getNumber(),
            params,
            new Plan(startFrom, t.getMaxStep(), t.getLabelsMap()),
            Protos.toSpi(t.getState()),
            t.getSource(),
            t.getAttempt(),
            t.getRetryOf(),
            Protos.instant(t.getCreateTime()));
    r.values = Map.copyOf(t.getValuesMap());
    r.workerId = t.getWorkerId();
    r.startTime = t.hasStartTime() ? Protos.instant(t.getStartTime()) : null;
    r.endTime = t.hasEndTime() ? Protos.instant(t.getEndTime()) : null;
    r.failureReason = t.getFailureReason();
    r.retryable = t.getRetryable();
    r.feasible = t.getFeasible();
    r.leaseId = leaseId;
    r.requestId = requestId;
    r.persisted = true;
    for (MeasurementRow m : measurements) {
      r.curves.computeIfAbsent(m.metric(), k -> new TreeMap<>()).put(m.step(), m.value());
      r.lastStep = Math.max(r.lastStep, m.step());
    }
    return r;
  }

  /**
   * A reloaded running trial's lease: it runs until {@code expiry}, and the store holds {@code
   * stored}.
   */
  void restoreLease(Instant expiry, Instant stored) {
    if (state == TrialState.ACTIVE) {
      leaseExpiry = expiry;
      storedLeaseExpiry = stored;
    }
  }

  /** The store now holds the live lease expiry. */
  void leaseStored() {
    storedLeaseExpiry = leaseExpiry;
  }

  /** The value already reported for (step, metric), or null. */
  Double reported(long step, String metric) {
    TreeMap<Long, Double> curve = curves.get(metric);
    return curve == null ? null : curve.get(step);
  }

  /** The wire form; measurements only when asked (they can be long). */
  Trial toProto(String studyId, boolean withMeasurements) {
    Trial.Builder b =
        Trial.newBuilder()
            .setName(Protos.trialName(studyId, number))
            .setNumber(number)
            .setState(Protos.toProto(state))
            .putAllParams(Protos.toProto(params))
            .putAllValues(values)
            .setSource(source)
            .setAttempt(attempt)
            .setRetryOf(retryOf)
            .setWorkerId(workerId)
            .setCreateTime(Protos.timestamp(createTime))
            .setFailureReason(failureReason)
            .setRetryable(retryable)
            .setLastStep(lastStep)
            .setFeasible(feasible)
            .putAllLabels(labels)
            .setMaxStep(maxStep);
    if (startFrom != null) {
      b.setStartFrom(
          CheckpointRef.newBuilder().setTrial(startFrom.trial()).setStep(startFrom.step()));
    }
    if (startTime != null) {
      b.setStartTime(Protos.timestamp(startTime));
    }
    if (endTime != null) {
      b.setEndTime(Protos.timestamp(endTime));
    }
    if (withMeasurements) {
      TreeMap<Long, Measurement.Builder> bySteps = new TreeMap<>();
      curves.forEach(
          (metric, curve) ->
              curve.forEach(
                  (step, value) ->
                      bySteps
                          .computeIfAbsent(step, s -> Measurement.newBuilder().setStep(s))
                          .putMetrics(metric, value)));
      bySteps.values().forEach(m -> b.addMeasurements(m.build()));
    }
    return b.build();
  }

  /**
   * The plan a retry of this trial repeats: its start, its end and its sampler's labels (not the
   * worker's).
   */
  Plan plan(Predicate<String> samplerLabel) {
    Map<String, String> planned = new TreeMap<>(labels);
    planned.keySet().removeIf(samplerLabel.negate());
    return new Plan(startFrom, maxStep, planned);
  }

  @Override
  public Optional<Checkpoint> startFrom() {
    return Optional.ofNullable(startFrom);
  }

  @Override
  public long maxStep() {
    return maxStep;
  }

  @Override
  public Map<String, String> labels() {
    return Collections.unmodifiableMap(labels);
  }

  @Override
  public long number() {
    return number;
  }

  @Override
  public TrialState state() {
    return state;
  }

  @Override
  public Map<String, ParamValue> params() {
    return params;
  }

  @Override
  public Map<String, Double> values() {
    return values;
  }

  @Override
  public NavigableMap<Long, Double> intermediate(String metric) {
    TreeMap<Long, Double> curve = curves.get(metric);
    return curve == null ? NO_VALUES : Collections.unmodifiableNavigableMap(curve);
  }

  @Override
  public long lastStep() {
    return lastStep;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public boolean feasible() {
    return feasible;
  }
}
