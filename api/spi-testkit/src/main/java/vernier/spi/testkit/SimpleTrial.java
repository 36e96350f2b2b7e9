package vernier.spi.testkit;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import vernier.spi.Checkpoint;
import vernier.spi.ParamValue;
import vernier.spi.Suggestion;
import vernier.spi.TrialState;
import vernier.spi.TrialView;

/** A mutable trial for plugin tests: set parameters, report steps, finish it. */
public final class SimpleTrial implements TrialView {

  private final long number;
  private final Map<String, ParamValue> params;
  private final Suggestion.Params plan;
  private final Map<String, NavigableMap<Long, Double>> intermediate = new HashMap<>();
  private final Map<String, Double> values = new LinkedHashMap<>();
  private TrialState state = TrialState.ACTIVE;
  private boolean feasible;
  private long lastStep = -1;

  SimpleTrial(long number, Suggestion.Params plan) {
    this.number = number;
    this.params = Collections.unmodifiableMap(new LinkedHashMap<>(plan.values()));
    this.plan = plan;
  }

  /** Records {@code value} of {@code metric} at {@code step}. */
  public SimpleTrial report(String metric, long step, double value) {
    intermediate.computeIfAbsent(metric, m -> new TreeMap<>()).put(step, value);
    lastStep = Math.max(lastStep, step);
    return this;
  }

  /** Finishes as SUCCEEDED with one metric value. */
  public SimpleTrial succeed(String metric, double value) {
    return succeed(Map.of(metric, value));
  }

  public SimpleTrial succeed(Map<String, Double> told) {
    values.putAll(told);
    state = TrialState.SUCCEEDED;
    feasible = true;
    return this;
  }

  /**
   * Marks a finished trial's told values as breaking (false) or meeting its study's constraints.
   */
  public SimpleTrial feasible(boolean value) {
    feasible = value;
    return this;
  }

  public SimpleTrial finish(TrialState finalState) {
    state = finalState;
    return this;
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
    return Collections.unmodifiableMap(values);
  }

  @Override
  public NavigableMap<Long, Double> intermediate(String metric) {
    return Collections.unmodifiableNavigableMap(intermediate.getOrDefault(metric, new TreeMap<>()));
  }

  @Override
  public long lastStep() {
    return lastStep;
  }

  @Override
  public int attempt() {
    return 1;
  }

  @Override
  public boolean feasible() {
    return feasible;
  }

  @Override
  public Optional<Checkpoint> startFrom() {
    return plan.startFrom();
  }

  @Override
  public long maxStep() {
    return plan.maxStep();
  }

  @Override
  public Map<String, String> labels() {
    return plan.labels();
  }
}
