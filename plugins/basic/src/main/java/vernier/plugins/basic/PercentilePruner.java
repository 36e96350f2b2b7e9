package vernier.plugins.basic;

import java.util.List;
import java.util.NavigableMap;
import vernier.spi.Direction;
import vernier.spi.Objective;
import vernier.spi.Pareto;
import vernier.spi.Pruner;
import vernier.spi.StudyView;
import vernier.spi.TrialView;

/**
 * Prunes a trial whose best value so far is worse than the {@code percentile}-th best of the
 * completed trials' values at the same step: the median stopping rule of Golovin et al., "Google
 * Vizier: A Service for Black-Box Optimization", KDD 2017, generalised to a percentile as in
 * Optuna's {@code PercentilePruner}. The percentile counts from the best, so 25 keeps only trials
 * in the best quarter. A completed trial that did not report the step counts with the straight line
 * between its reports around it, so trials reporting at different intervals are compared with each
 * other (Optuna leaves them out); where all report the same steps, the decisions are Optuna's.
 *
 * <p>No decision is made before {@code n_startup_trials} trials have completed, before step {@code
 * n_warmup_steps}, at steps that do not cross an {@code interval_steps} boundary since the trial's
 * previous report, or when fewer than {@code n_min_trials} completed trials have a value at the
 * step. A NaN value is always pruned.
 *
 * <p><b>Multi-objective</b> (when the study has several objectives and no {@code metric} is set):
 * the trial's best-so-far value of every objective at this step is compared with each completed
 * trial's values at the step; the trial is pruned when more than {@code percentile} % of those
 * trials Pareto-dominate it (at 50: dominated by most of them).
 */
final class PercentilePruner implements Pruner {

  private final List<PruneTarget> targets;
  private final double percentile;
  private final int startupTrials;
  private final long warmupSteps;
  private final long intervalSteps;
  private final int minTrials;

  PercentilePruner(
      List<PruneTarget> targets,
      double percentile,
      int startupTrials,
      long warmupSteps,
      long intervalSteps,
      int minTrials) {
    this.targets = List.copyOf(targets);
    this.percentile = percentile;
    this.startupTrials = startupTrials;
    this.warmupSteps = warmupSteps;
    this.intervalSteps = intervalSteps;
    this.minTrials = minTrials;
  }

  static List<PruneTarget> allObjectives(List<Objective> objectives) {
    return objectives.stream().map(o -> new PruneTarget(o.metric(), o.direction())).toList();
  }

  @Override
  public boolean shouldPrune(StudyView study, TrialView trial, long step) {
    NavigableMap<Long, Double> curve = trial.intermediate(targets.get(0).metric());
    Double current = curve.get(step);
    if (current == null) {
      return false;
    }
    if (Double.isNaN(current)) {
      return true;
    }
    List<? extends TrialView> completed = study.completed();
    if (completed.size() < startupTrials
        || !Curves.checked(curve, step, warmupSteps, intervalSteps)) {
      return false;
    }
    return targets.size() == 1
        ? worseThanPercentile(trial, completed, step)
        : dominatedByMany(trial, completed, step);
  }

  private boolean worseThanPercentile(
      TrialView trial, List<? extends TrialView> completed, long step) {
    PruneTarget t = targets.get(0);
    double[] atStep = Curves.at(completed, t.metric(), step);
    if (atStep.length == 0 || atStep.length < minTrials) {
      return false;
    }
    // percentile counts from the best: for maximisation that is the (100 - p)-th from the bottom
    double q = t.direction() == Direction.MINIMIZE ? percentile : 100 - percentile;
    return t.direction()
        .isBetter(
            Curves.percentile(atStep, q),
            Curves.best(trial.intermediate(t.metric()), t.direction()));
  }

  private boolean dominatedByMany(TrialView trial, List<? extends TrialView> completed, long step) {
    double[] mine = new double[targets.size()];
    for (int i = 0; i < mine.length; i++) {
      NavigableMap<Long, Double> curve = trial.intermediate(targets.get(i).metric());
      if (!curve.containsKey(step)) {
        return false; // judged only where every objective was reported
      }
      mine[i] =
          targets
              .get(i)
              .direction()
              .toLoss(Curves.best(curve.headMap(step, true), targets.get(i).direction()));
    }
    int compared = 0;
    int dominating = 0;
    for (TrialView other : completed) {
      double[] theirs = lossesAt(other, step);
      if (theirs != null) {
        compared++;
        dominating += Pareto.dominates(theirs, mine) ? 1 : 0;
      }
    }
    return compared > 0 && compared >= minTrials && dominating > percentile / 100 * compared;
  }

  private double[] lossesAt(TrialView trial, long step) {
    double[] out = new double[targets.size()];
    for (int i = 0; i < out.length; i++) {
      double v = Curves.valueAt(trial.intermediate(targets.get(i).metric()), step);
      if (Double.isNaN(v)) {
        return null;
      }
      out[i] = targets.get(i).direction().toLoss(v);
    }
    return out;
  }
}
