package vernier.server.study;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import vernier.server.Protos;
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
 * bookkeeping. Mutated only on its study's coordinator thread.
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

  final long number;
  final Map<String, ParamValue> params;
  final Checkpoint startFrom;
  final long maxStep;
  final TrialSource source;
  final int attempt;
  final long retryOf;
  final Instant createTime;
  final Map<String, TreeMap<Long, Double>> curves = new HashMap<>();
  TrialState state;
  Map<String, Double> values = Map.of();
  final Map<String, String> labels = new TreeMap<>();
  long lastStep = -1;
  String workerId = "";
  Instant startTime;
  Instant endTime;
  String failureReason = "";
  boolean retryable;
  boolean feasible;
  String leaseId;
  Instant leaseExpiry;
  String requestId;

  /** False for a sampled trial until its first write: it is inserted already ACTIVE. */
  boolean persisted;

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

  /** Rebuilds a stored trial (measurements are added after with {@link #measure}). */
  static TrialRecord fromProto(Trial t, String leaseId, String requestId) {
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
    return r;
  }

  void measure(long step, String metric, double value) {
    curves.computeIfAbsent(metric, m -> new TreeMap<>()).put(step, value);
    lastStep = Math.max(lastStep, step);
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
