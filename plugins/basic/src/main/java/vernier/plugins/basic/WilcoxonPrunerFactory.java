package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import vernier.spi.Pruner;
import vernier.spi.PrunerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.StudyView;
import vernier.spi.TrialView;

/**
 * {@code wilcoxon}: for studies whose steps are separate evaluations (folds, problem instances)
 * rather than training progress, as Optuna's {@code WilcoxonPruner}. At each report the trial's
 * values are paired, step by step, with those of the best completed trial, and a one-sided Wilcoxon
 * signed-rank test (Wilcoxon, "Individual Comparisons by Ranking Methods", 1945; exact p-value up
 * to 50 pairs without tied differences, normal approximation otherwise; see {@link SignedRankTest})
 * asks whether this trial is worse; it is pruned when the p-value is below {@code p_threshold}.
 */
public final class WilcoxonPrunerFactory implements PrunerFactory {

  static final SettingSpec P_THRESHOLD =
      SettingSpec.number(
              "p_threshold",
              0.1,
              "prune when the one-sided p-value of 'this trial is worse than the best' is below"
                  + " this")
          .range(0, 1);
  static final SettingSpec STARTUP_STEPS =
      SettingSpec.integer(
              "n_startup_steps",
              2,
              "no pruning before the trial shares this many steps with the best trial")
          .atLeast(1);

  @Override
  public String name() {
    return "wilcoxon";
  }

  @Override
  public String description() {
    return "Paired Wilcoxon signed-rank test against the best trial on the steps both reported.";
  }

  @Override
  public List<SettingSpec> settings() {
    List<SettingSpec> all = new ArrayList<>(List.of(P_THRESHOLD, STARTUP_STEPS));
    all.addAll(PruneTarget.settings());
    return all;
  }

  @Override
  public Pruner create(StudyDefinition study, Settings given) {
    Settings settings = given.validate(name(), settings());
    double threshold = settings.getDouble(P_THRESHOLD);
    int startup = settings.getInt(STARTUP_STEPS);
    PruneTarget target = PruneTarget.of(study, settings);
    return (view, trial, step) -> {
      NavigableMap<Long, Double> mine = trial.intermediate(target.metric());
      Double current = mine.get(step);
      if (current == null) {
        return false;
      }
      if (Double.isNaN(current)) {
        return true;
      }
      NavigableMap<Long, Double> best = bestCurve(view, target);
      if (best == null) {
        return false;
      }
      List<double[]> pairs = new ArrayList<>();
      for (Map.Entry<Long, Double> e : mine.entrySet()) {
        Double other = best.get(e.getKey());
        if (other != null && !Double.isNaN(other) && !Double.isNaN(e.getValue())) {
          pairs.add(
              new double[] {
                target.direction().toLoss(e.getValue()), target.direction().toLoss(other)
              });
        }
      }
      return pairs.size() >= startup && worseP(pairs) < threshold;
    };
  }

  /** The curve of the completed trial with the best final value, or null. */
  private static NavigableMap<Long, Double> bestCurve(StudyView view, PruneTarget target) {
    Comparator<TrialView> byLoss =
        Comparator.comparingDouble(t -> target.direction().toLoss(finalValue(t, target)));
    return view.completed().stream()
        .filter(t -> !Double.isNaN(finalValue(t, target)))
        .min(byLoss.thenComparingLong(TrialView::number))
        .map(t -> t.intermediate(target.metric()))
        .orElse(null);
  }

  /**
   * The told value of the metric, else the mean of its reported values (a non-objective metric).
   */
  private static double finalValue(TrialView t, PruneTarget target) {
    return t.value(target.metric())
        .orElseGet(
            () ->
                t.intermediate(target.metric()).values().stream()
                    .mapToDouble(Double::doubleValue)
                    .average()
                    .orElse(Double.NaN));
  }

  /** One-sided p-value that the first losses are larger (worse) than the second. */
  private static double worseP(List<double[]> pairs) {
    return SignedRankTest.greaterP(pairs.stream().mapToDouble(p -> p[0] - p[1]).toArray());
  }
}
