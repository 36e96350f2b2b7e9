package vernier.spi;

import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalDouble;

/** A read-only view of one trial. */
public interface TrialView {

  /** The trial number, unique in its study and allocated in order. */
  long number();

  TrialState state();

  /** The active parameters' values, in search-space order. */
  Map<String, ParamValue> params();

  /**
   * Final metric values told with SUCCEEDED (objectives and constraint metrics); empty otherwise.
   */
  Map<String, Double> values();

  default OptionalDouble value(String metric) {
    Double v = values().get(metric);
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  /** The per-step values reported for {@code metric}, by step; empty when none. */
  NavigableMap<Long, Double> intermediate(String metric);

  /** The last step reported for any metric, or -1. */
  long lastStep();

  /** 1 for a first run, n for the n-th retry. */
  int attempt();

  /** Whether the told values satisfied every constraint; false when not SUCCEEDED. */
  boolean feasible();

  /**
   * The checkpoint this trial's training started from (population-based training); empty: from
   * scratch.
   */
  default Optional<Checkpoint> startFrom() {
    return Optional.empty();
  }

  /** The step this trial trains until (its sampler said so); 0 when the worker decides. */
  default long maxStep() {
    return 0;
  }

  /** Labels set by the sampler when it suggested the trial, and by its worker. */
  default Map<String, String> labels() {
    return Map.of();
  }
}
