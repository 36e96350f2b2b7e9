package vernier.plugins.basic;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import vernier.spi.Pruner;
import vernier.spi.StudyView;
import vernier.spi.TrialState;
import vernier.spi.TrialView;

/**
 * Hyperband: Li et al., "Hyperband: A Novel Bandit-Based Approach to Hyperparameter Optimization",
 * JMLR 18 (2018), run asynchronously as in Optuna's {@code HyperbandPruner}: several brackets of
 * successive halving, bracket {@code i} starting its first rung {@code reduction_factor^i} times
 * later; each trial belongs to one bracket (by a hash of its number, weighted by the brackets'
 * budgets) and competes only with the trials of its bracket.
 *
 * <p>The number of brackets is {@code floor(log_rf(max_resource / min_resource)) + 1};
 * {@code max_resource} "auto" (0) waits for a finished trial and takes its last step + 1.
 */
final class HyperbandPruner implements Pruner {

  private final String study;
  private final PruneTarget target;
  private final long minResource;
  private final int reductionFactor;
  private final int bootstrapCount;
  private SuccessiveHalvingPruner[] brackets;
  private long[] budgets;
  private long totalBudget;

  HyperbandPruner(String study, PruneTarget target, long minResource, long maxResource, int reductionFactor,
      int bootstrapCount) {
    this.study = study;
    this.target = target;
    this.minResource = minResource;
    this.reductionFactor = reductionFactor;
    this.bootstrapCount = bootstrapCount;
    if (maxResource > 0) {
      createBrackets(maxResource);
    }
  }

  @Override
  public boolean shouldPrune(StudyView view, TrialView trial, long step) {
    if (brackets == null) {
      long max = autoMaxResource(view);
      if (max <= 0) {
        return false; // no trial has finished yet: the full budget is unknown
      }
      createBrackets(max);
    }
    return brackets[bracketOf(trial.number())].shouldPrune(view, trial, step);
  }

  private void createBrackets(long max) {
    int n = (int) Math.floor(Math.log((double) max / minResource) / Math.log(reductionFactor) + 1e-9) + 1;
    n = Math.max(1, n);
    brackets = new SuccessiveHalvingPruner[n];
    budgets = new long[n];
    for (int i = 0; i < n; i++) {
      int bracket = i;
      int s = n - 1 - i;
      budgets[i] = (long) Math.ceil(n * Math.pow(reductionFactor, s) / (s + 1));
      totalBudget += budgets[i];
      brackets[i] = new SuccessiveHalvingPruner(target, minResource, reductionFactor, i, bootstrapCount,
          t -> bracketOf(t.number()) == bracket);
    }
  }

  /** The bracket of a trial: a hash of (study, number) spread over the brackets by their budgets. */
  int bracketOf(long trialNumber) {
    CRC32 crc = new CRC32();
    crc.update((study + "_" + trialNumber).getBytes(StandardCharsets.UTF_8));
    long h = crc.getValue() % totalBudget;
    for (int i = 0; i < budgets.length; i++) {
      h -= budgets[i];
      if (h < 0) {
        return i;
      }
    }
    return budgets.length - 1;
  }

  int bracketCount() {
    return brackets == null ? 0 : brackets.length;
  }

  private static long autoMaxResource(StudyView view) {
    long last = -1;
    for (TrialView t : view.trials()) {
      if (t.state() == TrialState.SUCCEEDED || t.state() == TrialState.PRUNED) {
        last = Math.max(last, t.lastStep());
      }
    }
    return last < 0 ? 0 : last + 1;
  }
}
