package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.List;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/** The settings the median and percentile pruners share (Optuna's names and defaults). */
final class PercentileSettings {

  static final SettingSpec STARTUP =
      SettingSpec.integer(
          "n_startup_trials", 5, "no pruning until this many trials have completed");
  static final SettingSpec WARMUP =
      SettingSpec.integer("n_warmup_steps", 0, "no pruning of a trial before this step");
  static final SettingSpec INTERVAL =
      SettingSpec.integer(
          "interval_steps",
          1,
          "check only when a report crosses a multiple of this many steps after warm-up");
  static final SettingSpec MIN_TRIALS =
      SettingSpec.integer(
          "n_min_trials", 1, "no pruning at a step fewer than this many completed trials reported");

  private PercentileSettings() {}

  static List<SettingSpec> common() {
    List<SettingSpec> all = new ArrayList<>(List.of(STARTUP, WARMUP, INTERVAL, MIN_TRIALS));
    all.addAll(PruneTarget.settings());
    return all;
  }

  static PercentilePruner create(
      String plugin, StudyDefinition study, Settings settings, double percentile) {
    int startup = Checks.atLeast(plugin, settings, STARTUP, 5, 0);
    long warmup = Checks.atLeast(plugin, settings, WARMUP, 0, 0);
    long interval = Checks.atLeast(plugin, settings, INTERVAL, 1, 1);
    int minTrials = Checks.atLeast(plugin, settings, MIN_TRIALS, 1, 1);
    List<PruneTarget> targets =
        study.isMultiObjective() && !PruneTarget.named(settings)
            ? PercentilePruner.allObjectives(study.objectives())
            : List.of(PruneTarget.of(study, settings));
    return new PercentilePruner(targets, percentile, startup, warmup, interval, minTrials);
  }
}
