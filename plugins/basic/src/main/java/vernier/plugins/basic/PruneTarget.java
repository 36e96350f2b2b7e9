package vernier.plugins.basic;

import java.util.List;
import vernier.spi.Direction;
import vernier.spi.Objective;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/**
 * The metric a pruner judges, and which way is better: the {@code metric} setting (with {@code
 * direction} when it is not an objective), else the study's first objective. This is how a study
 * prunes on a metric other than its objective.
 */
record PruneTarget(String metric, Direction direction) {

  static final SettingSpec METRIC =
      SettingSpec.string(
          "metric", null, "the reported metric to prune on; default: the first objective's metric");
  static final SettingSpec DIRECTION =
      SettingSpec.string(
          "direction",
          null,
          "minimize or maximize, for a metric that is not an objective; default: the objective's");

  static List<SettingSpec> settings() {
    return List.of(METRIC, DIRECTION);
  }

  static PruneTarget of(StudyDefinition study, Settings settings) {
    String metric = settings.getString(METRIC.name(), null);
    String direction = settings.getString(DIRECTION.name(), null);
    Objective first = study.objectives().get(0);
    if (direction != null) {
      return new PruneTarget(metric == null ? first.metric() : metric, parseDirection(direction));
    }
    if (metric == null) {
      return new PruneTarget(first.metric(), first.direction());
    }
    return study.objectives().stream()
        .filter(o -> o.metric().equals(metric))
        .findFirst()
        .map(o -> new PruneTarget(o.metric(), o.direction()))
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "pruning metric '"
                        + metric
                        + "' is not an objective; set 'direction' to minimize or maximize"));
  }

  /**
   * Whether the settings name a metric (else a multi-objective study may prune on all objectives).
   */
  static boolean named(Settings settings) {
    return settings.getString(METRIC.name(), null) != null;
  }

  private static Direction parseDirection(String direction) {
    return switch (direction.toLowerCase(java.util.Locale.ROOT)) {
      case "minimize" -> Direction.MINIMIZE;
      case "maximize" -> Direction.MAXIMIZE;
      default ->
          throw new IllegalArgumentException(
              "setting 'direction' must be minimize or maximize, got '" + direction + "'");
    };
  }
}
