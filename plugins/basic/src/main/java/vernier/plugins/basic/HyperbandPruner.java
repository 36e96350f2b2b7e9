package vernier.plugins.basic;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
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
 * <p>The number of brackets is {@code floor(log_rf(max_resource / min_resource)) + 1}; {@code
 * max_resource} "auto" (0) waits for a succeeded trial and takes the largest last step of the
 * succeeded trials + 1.
 *
 * <p>Rungs start at {@code min_resource} as in Optuna (bracket {@code i}'s at {@code min_resource *
 * rf^(i + k)}), or with {@code rungs_from_max_resource} as in the paper, counted down from {@code
 * max_resource} (bracket {@code i}'s at {@code max_resource / rf^(n - 1 - i - k)}), so that the
 * last cut is at {@code max_resource / rf} rather than wherever the powers of {@code rf} from
 * {@code min_resource} end.
 *
 * <p>Unlike Optuna, brackets that would judge at the same reports are merged (setting {@code
 * merge_brackets}). A trial is judged at a rung by its first report at or after the rung's step, so
 * when the objective is reported sparsely (validation every 25 steps), the first rungs of several
 * brackets all fall on the first report: those brackets judge at the same steps and differ only in
 * which trials they compare. Kept apart they split the sweep into small groups, where more trials
 * are the best so far at their rung and get promoted. Once a trial trained from scratch has
 * succeeded, its reported steps serve as the report grid: brackets whose rungs land on the same
 * grid steps form one group, judged by the group's bracket with the latest first rung (the others'
 * extra rungs would repeat the same comparison). Each trial keeps its hashed bracket; only its
 * competitors change. With a report at every step no two brackets coincide and the decisions are
 * Optuna's. A trial that reports at other steps than the grid trial is judged at its merged group's
 * rungs.
 */
final class HyperbandPruner implements Pruner {

  private final String study;
  private final PruneTarget target;
  private final long minResource;
  private final int reductionFactor;
  private final int bootstrapCount;
  private final boolean mergeBrackets;
  private final boolean rungsFromMax;

  /**
   * Bracket 0's first rung: min_resource, or with rungs from max_resource, max_resource / rf^(n-1).
   */
  private double firstRung;

  private SuccessiveHalvingPruner[] brackets;

  /** Per bracket, the bracket that judges its trials: itself until a report grid is known. */
  private int[] judgedBy;

  private boolean grouped;
  private long[] budgets;
  private long totalBudget;

  HyperbandPruner(
      String study,
      PruneTarget target,
      long minResource,
      long maxResource,
      int reductionFactor,
      int bootstrapCount,
      boolean mergeBrackets,
      boolean rungsFromMax) {
    this.study = study;
    this.target = target;
    this.minResource = minResource;
    this.reductionFactor = reductionFactor;
    this.bootstrapCount = bootstrapCount;
    this.mergeBrackets = mergeBrackets;
    this.rungsFromMax = rungsFromMax;
    if (maxResource > 0) {
      createBrackets(maxResource);
    }
  }

  @Override
  public boolean shouldPrune(StudyView view, TrialView trial, long step) {
    if (brackets == null) {
      long max = autoMaxResource(view);
      if (max <= 0) {
        return false; // no trial has succeeded yet: the full budget is unknown
      }
      createBrackets(max);
    }
    if (mergeBrackets && !grouped) {
      groupByReportGrid(view);
    }
    return brackets[judgedBy[bracketOf(trial.number())]].shouldPrune(view, trial, step);
  }

  private void createBrackets(long max) {
    int n =
        (int) Math.floor(Math.log((double) max / minResource) / Math.log(reductionFactor) + 1e-9)
            + 1;
    n = Math.max(1, n);
    firstRung = rungsFromMax ? max / Math.pow(reductionFactor, n - 1) : minResource;
    brackets = new SuccessiveHalvingPruner[n];
    budgets = new long[n];
    judgedBy = new int[n];
    for (int i = 0; i < n; i++) {
      int bracket = i;
      int s = n - 1 - i;
      budgets[i] = (long) Math.ceil(n * Math.pow(reductionFactor, s) / (s + 1));
      totalBudget += budgets[i];
      judgedBy[i] = i;
      brackets[i] =
          new SuccessiveHalvingPruner(
              target,
              firstRung,
              reductionFactor,
              i,
              bootstrapCount,
              t -> judgedBy[bracketOf(t.number())] == bracket);
    }
  }

  /**
   * Once a trial trained from scratch has succeeded, merges the brackets whose rungs fall on the
   * same steps of its objective reports; a group is judged by its last bracket (the latest first
   * rung). Retries and population-based-training children report only the steps after their
   * checkpoint, so they do not give the grid; brackets that never judge on it stay apart.
   */
  private void groupByReportGrid(StudyView view) {
    NavigableSet<Long> grid = null;
    for (TrialView t : view.trials(TrialState.SUCCEEDED)) {
      NavigableSet<Long> reported = t.intermediate(target.metric()).navigableKeySet();
      if (t.attempt() == 1 && t.startFrom().isEmpty() && !reported.isEmpty()) {
        grid = reported;
        break;
      }
    }
    if (grid == null) {
      return;
    }
    List<List<Long>> judgedSteps = new ArrayList<>();
    for (int i = 0; i < brackets.length; i++) {
      judgedSteps.add(judgedSteps(i, grid));
    }
    for (int i = 0; i < brackets.length; i++) {
      for (int j = brackets.length - 1; j > i && !judgedSteps.get(i).isEmpty(); j--) {
        if (judgedSteps.get(j).equals(judgedSteps.get(i))) {
          judgedBy[i] = j;
          break;
        }
      }
    }
    grouped = true;
  }

  /**
   * The grid steps at which bracket {@code i} judges a trial reporting on {@code grid}, in order;
   * the rungs are the bracket's own, so this agrees with how it judges.
   */
  private List<Long> judgedSteps(int i, NavigableSet<Long> grid) {
    List<Long> steps = new ArrayList<>();
    for (int k = 0; brackets[i].rungStep(firstRung, k) <= grid.last(); k++) {
      long at = grid.ceiling(brackets[i].rungStep(firstRung, k));
      if (steps.isEmpty() || steps.get(steps.size() - 1) != at) {
        steps.add(at);
      }
    }
    return steps;
  }

  /**
   * The bracket of a trial: a hash of (study, number) spread over the brackets by their budgets.
   */
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

  /** As Optuna: the largest last step of the succeeded trials + 1, 0 while none has succeeded. */
  private static long autoMaxResource(StudyView view) {
    long last = -1;
    for (TrialView t : view.trials(TrialState.SUCCEEDED)) {
      last = Math.max(last, t.lastStep());
    }
    return last < 0 ? 0 : last + 1;
  }
}
