package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import vernier.spi.Direction;
import vernier.spi.Pruner;
import vernier.spi.StudyView;
import vernier.spi.TrialView;

/**
 * The median stopping rule of Golovin et al., "Google Vizier: A Service for Black-Box Optimization",
 * KDD 2017, with Optuna's {@code MedianPruner} semantics: prune a trial whose best value so far is
 * worse than the median of the completed trials' values at the same step.
 *
 * <p>No decision is made before {@code n_startup_trials} trials have completed, before step
 * {@code n_warmup_steps}, at steps that do not cross an {@code interval_steps} boundary since the
 * trial's previous report (so sparse reporting is still checked), or when fewer than
 * {@code n_min_trials} completed trials reported that exact step. A NaN value is always pruned.
 */
final class MedianPruner implements Pruner {

  private final String metric;
  private final Direction direction;
  private final int startupTrials;
  private final long warmupSteps;
  private final long intervalSteps;
  private final int minTrials;

  MedianPruner(String metric, Direction direction, int startupTrials, long warmupSteps,
      long intervalSteps, int minTrials) {
    this.metric = metric;
    this.direction = direction;
    this.startupTrials = startupTrials;
    this.warmupSteps = warmupSteps;
    this.intervalSteps = intervalSteps;
    this.minTrials = minTrials;
  }

  @Override
  public boolean shouldPrune(StudyView study, TrialView trial, long step) {
    NavigableMap<Long, Double> curve = trial.intermediate(metric);
    Double current = curve.get(step);
    if (current == null) {
      return false;
    }
    if (Double.isNaN(current)) {
      return true;
    }
    List<? extends TrialView> completed = study.completed();
    if (completed.size() < startupTrials || step < warmupSteps || !crossesInterval(curve, step)) {
      return false;
    }
    double[] atStep = valuesAt(completed, step);
    if (atStep.length == 0 || atStep.length < minTrials) {
      return false;
    }
    return direction.isBetter(median(atStep), bestSoFar(curve));
  }

  /** Whether an interval boundary lies in (previous reported step, step]. */
  private boolean crossesInterval(NavigableMap<Long, Double> curve, long step) {
    long lastBoundary = Math.floorDiv(step - warmupSteps, intervalSteps) * intervalSteps + warmupSteps;
    Long previous = curve.lowerKey(step);
    return (previous == null ? -1 : previous) < lastBoundary;
  }

  private double[] valuesAt(List<? extends TrialView> trials, long step) {
    List<Double> values = new ArrayList<>(trials.size());
    for (TrialView t : trials) {
      Double v = t.intermediate(metric).get(step);
      if (v != null && !Double.isNaN(v)) {
        values.add(v);
      }
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private double bestSoFar(NavigableMap<Long, Double> curve) {
    double best = Double.NaN;
    for (double v : curve.values()) {
      if (!Double.isNaN(v) && (Double.isNaN(best) || direction.isBetter(v, best))) {
        best = v;
      }
    }
    return best;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
