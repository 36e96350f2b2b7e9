package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.List;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/** The settings the median and percentile pruners share (Optuna's names and defaults). */
final class PercentileSettings {

  static final SettingSpec STARTUP =
      SettingSpec.integer("n_startup_trials", 5, "no pruning until this many trials have completed")
          .atLeast(0);
  static final SettingSpec WARMUP =
      SettingSpec.integer("n_warmup_steps", 0, "no pruning of a trial before this step").atLeast(0);
  static final SettingSpec INTERVAL =
      SettingSpec.integer(
              "interval_steps",
              1,
              "check only when a report crosses a multiple of this many steps after warm-up")
          .atLeast(1);
  static final SettingSpec MIN_TRIALS =
      SettingSpec.integer(
              "n_min_trials",
              1,
              "no pruning at a step fewer than this many completed trials reported")
          .atLeast(1);

  private PercentileSettings() {}

  static List<SettingSpec> common() {
    List<SettingSpec> all = new ArrayList<>(List.of(STARTUP, WARMUP, INTERVAL, MIN_TRIALS));
    all.addAll(PruneTarget.settings());
    return all;
  }

  /** The pruner of {@code settings}, already validated against {@link #common()}. */
  static PercentilePruner create(StudyDefinition study, Settings settings, double percentile) {
    int startup = settings.getInt(STARTUP);
    long warmup = settings.getInt(WARMUP);
    long interval = settings.getInt(INTERVAL);
    int minTrials = settings.getInt(MIN_TRIALS);
    List<PruneTarget> targets =
        study.isMultiObjective() && !PruneTarget.named(settings)
            ? PercentilePruner.allObjectives(study.objectives())
            : List.of(PruneTarget.of(study, settings));
    return new PercentilePruner(targets, percentile, startup, warmup, interval, minTrials);
  }
}
