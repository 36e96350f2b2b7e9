package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.Predicate;
import vernier.spi.Direction;
import vernier.spi.Pruner;
import vernier.spi.StudyView;
import vernier.spi.TrialState;
import vernier.spi.TrialView;

/**
 * Asynchronous successive halving (ASHA): Li et al., "A System for Massively Parallel
 * Hyperparameter Tuning", MLSys 2020, with the rung rule of Optuna's {@code
 * SuccessiveHalvingPruner}.
 *
 * <p>Rung {@code k} sits at step {@code min_resource * reduction_factor^(min_early_stopping_rate +
 * k)}. A trial is judged at the report that first reaches a rung: it is compared with every trial
 * of the study (running or finished) that reached the rung, and continues only if its value there
 * is among the best {@code 1 / reduction_factor} of them. A trial's value at a rung is its first
 * reported value at or after the rung's step, so rungs are recomputed from the stored curves (no
 * pruner state to lose on a restart). Trials that report at different intervals all compete at
 * every rung, each with its first value past it: one that reports less often is judged later in its
 * training, which favours it slightly, as in Optuna.
 *
 * <p>{@code min_resource} "auto" (0) waits for a succeeded trial and uses 1/100 of the largest last
 * step among the succeeded trials, as Optuna. As in Optuna, only values that were judged compete:
 * the steps trials had reported before the resource became known are left out of the rungs (kept in
 * memory; after a server restart the estimate is redone and leaves out everything reported before
 * it).
 */
final class SuccessiveHalvingPruner implements Pruner {

  private final PruneTarget target;
  private final double minResource;
  private final int reductionFactor;
  private final int minEarlyStoppingRate;
  private final int bootstrapCount;
  private final Predicate<TrialView> peers;

  /**
   * With min_resource auto, once estimated: the resource, and each trial's last step before that.
   */
  private long estimatedResource;

  private Map<Long, Long> unjudgedUntil = Map.of();

  /** {@code peers}: the trials compared at the rungs (all, or one Hyperband bracket). */
  SuccessiveHalvingPruner(
      PruneTarget target,
      double minResource,
      int reductionFactor,
      int minEarlyStoppingRate,
      int bootstrapCount,
      Predicate<TrialView> peers) {
    this.target = target;
    this.minResource = minResource;
    this.reductionFactor = reductionFactor;
    this.minEarlyStoppingRate = minEarlyStoppingRate;
    this.bootstrapCount = bootstrapCount;
    this.peers = peers;
  }

  @Override
  public boolean shouldPrune(StudyView study, TrialView trial, long step) {
    NavigableMap<Long, Double> curve = trial.intermediate(target.metric());
    Double current = curve.get(step);
    if (current == null) {
      return false;
    }
    double resource = minResource > 0 ? minResource : estimatedResource(study, trial);
    if (resource <= 0) {
      return false;
    }
    for (int rung = 0; ; rung++) {
      long rungStep = rungStep(resource, rung);
      if (step < rungStep) {
        return false;
      }
      Map.Entry<Long, Double> atRung = curve.ceilingEntry(rungStep);
      if (atRung.getKey() < step) {
        continue; // reached at an earlier report and judged then: a promotion is never taken back
      }
      double value = atRung.getValue();
      if (Double.isNaN(value)) {
        return true;
      }
      double[] competing = rungValues(study, rungStep, trial);
      if (competing.length <= bootstrapCount) {
        return true;
      }
      if (!promotable(value, competing)) {
        return true;
      }
    }
  }

  /** The step of rung {@code rung} (from 0) for a first rung of {@code resource} steps. */
  long rungStep(double resource, int rung) {
    double step = resource * Math.pow(reductionFactor, minEarlyStoppingRate + rung);
    return step > Long.MAX_VALUE / 2 ? Long.MAX_VALUE / 2 : (long) step;
  }

  /**
   * Values at the rung of every peer that reached it and was judged there, this trial's included.
   */
  private double[] rungValues(StudyView study, long rungStep, TrialView self) {
    List<Double> values = new ArrayList<>();
    for (TrialView t : study.trials()) {
      if (t.number() != self.number()
          && (!peers.test(t) || unjudgedUntil.getOrDefault(t.number(), 0L) >= rungStep)) {
        continue;
      }
      Map.Entry<Long, Double> e = t.intermediate(target.metric()).ceilingEntry(rungStep);
      if (e != null && !Double.isNaN(e.getValue())) {
        values.add(e.getValue());
      }
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Whether {@code value} is within the best {@code 1/reduction_factor} of {@code competing}. */
  private boolean promotable(double value, double[] competing) {
    double[] sorted = competing.clone();
    Arrays.sort(sorted);
    int index = Math.max(0, sorted.length / reductionFactor - 1);
    return target.direction() == Direction.MINIMIZE
        ? value <= sorted[index]
        : value >= sorted[sorted.length - 1 - index];
  }

  /** The auto resource, estimated once from the completed trials (0 while none has completed). */
  private long estimatedResource(StudyView study, TrialView self) {
    if (estimatedResource > 0) {
      return estimatedResource;
    }
    long last = -1;
    for (TrialView t : study.trials(TrialState.SUCCEEDED)) {
      last = Math.max(last, t.lastStep());
    }
    if (last < 0) {
      return 0;
    }
    estimatedResource = Math.max(last / 100, 1);
    Map<Long, Long> before = new HashMap<>();
    for (TrialView t : study.trials()) {
      if (t.number() != self.number()) {
        before.put(t.number(), t.lastStep());
      }
    }
    unjudgedUntil = before;
    return estimatedResource;
  }
}
