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
      SettingSpec.optional(
          "metric",
          SettingSpec.Type.STRING,
          "the reported metric to prune on; default: the first objective's metric");
  static final SettingSpec DIRECTION =
      SettingSpec.optional(
              "direction",
              SettingSpec.Type.STRING,
              "for a metric that is not an objective; default: the objective's")
          .choicesIgnoringCase("minimize", "maximize");

  static List<SettingSpec> settings() {
    return List.of(METRIC, DIRECTION);
  }

  /** The target of {@code settings}, already validated against {@link #settings()}. */
  static PruneTarget of(StudyDefinition study, Settings settings) {
    String metric = settings.getString(METRIC);
    String direction = settings.getString(DIRECTION);
    Objective first = study.objectives().get(0);
    if (direction != null) {
      return new PruneTarget(
          metric == null ? first.metric() : metric,
          direction.equals("maximize") ? Direction.MAXIMIZE : Direction.MINIMIZE);
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
                settings.invalid(
                    METRIC, "must be an objective's metric unless direction is given"));
  }

  /**
   * Whether the settings name a metric (else a multi-objective study may prune on all objectives).
   */
  static boolean named(Settings settings) {
    return settings.isSet(METRIC);
  }
}
