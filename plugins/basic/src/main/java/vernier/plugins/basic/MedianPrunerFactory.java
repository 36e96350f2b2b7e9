package vernier.plugins.basic;

import java.util.List;
import vernier.spi.Direction;
import vernier.spi.Objective;
import vernier.spi.Pruner;
import vernier.spi.PrunerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/** {@code median}: Optuna's median rule (see {@link MedianPruner}). */
public final class MedianPrunerFactory implements PrunerFactory {

  static final SettingSpec STARTUP = SettingSpec.integer("n_startup_trials", 5,
      "no pruning until this many trials have completed");
  static final SettingSpec WARMUP = SettingSpec.integer("n_warmup_steps", 0,
      "no pruning of a trial before this step");
  static final SettingSpec INTERVAL = SettingSpec.integer("interval_steps", 1,
      "check only when a report crosses a multiple of this many steps after warm-up");
  static final SettingSpec MIN_TRIALS = SettingSpec.integer("n_min_trials", 1,
      "no pruning at a step fewer than this many completed trials reported");
  static final SettingSpec METRIC = SettingSpec.string("metric", null,
      "the reported metric to prune on; default: the first objective's metric");
  static final SettingSpec DIRECTION = SettingSpec.string("direction", null,
      "minimize or maximize, for a metric that is not an objective; default: the objective's");

  @Override
  public String name() {
    return "median";
  }

  @Override
  public String description() {
    return "Prunes a trial whose best value so far is worse than the median of completed trials at that step.";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of(STARTUP, WARMUP, INTERVAL, MIN_TRIALS, METRIC, DIRECTION);
  }

  @Override
  public Pruner create(StudyDefinition study, Settings settings) {
    int startup = nonNegative(settings, STARTUP, 5);
    long warmup = nonNegative(settings, WARMUP, 0);
    long interval = settings.getLong(INTERVAL.name(), 1);
    if (interval < 1) {
      throw new IllegalArgumentException("setting 'interval_steps' of median must be >= 1, got " + interval);
    }
    int minTrials = settings.getInt(MIN_TRIALS.name(), 1);
    if (minTrials < 1) {
      throw new IllegalArgumentException("setting 'n_min_trials' of median must be >= 1, got " + minTrials);
    }
    Objective target = target(study, settings);
    return new MedianPruner(target.metric(), target.direction(), startup, warmup, interval, minTrials);
  }

  private static int nonNegative(Settings settings, SettingSpec spec, int defaultValue) {
    int value = settings.getInt(spec.name(), defaultValue);
    if (value < 0) {
      throw new IllegalArgumentException("setting '" + spec.name() + "' must be >= 0, got " + value);
    }
    return value;
  }

  /** The metric and direction to prune on: the settings', else the first objective's. */
  static Objective target(StudyDefinition study, Settings settings) {
    String metric = settings.getString(METRIC.name(), null);
    String direction = settings.getString(DIRECTION.name(), null);
    Objective first = study.objectives().get(0);
    Objective named = metric == null ? first : study.objectives().stream()
        .filter(o -> o.metric().equals(metric)).findFirst().orElse(null);
    if (direction != null) {
      return new Objective(metric == null ? first.metric() : metric, parseDirection(direction));
    }
    if (named == null) {
      throw new IllegalArgumentException("pruning metric '" + metric
          + "' is not an objective; set 'direction' to minimize or maximize");
    }
    return named;
  }

  private static Direction parseDirection(String direction) {
    return switch (direction.toLowerCase()) {
      case "minimize" -> Direction.MINIMIZE;
      case "maximize" -> Direction.MAXIMIZE;
      default -> throw new IllegalArgumentException(
          "setting 'direction' must be minimize or maximize, got '" + direction + "'");
    };
  }
}
