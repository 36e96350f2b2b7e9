package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.List;
import vernier.spi.Pruner;
import vernier.spi.PrunerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/** {@code hyperband}: brackets of asynchronous successive halving (see {@link HyperbandPruner}). */
public final class HyperbandPrunerFactory implements PrunerFactory {

  static final SettingSpec MIN_RESOURCE =
      SettingSpec.integer("min_resource", 1, "steps of the first rung of bracket 0").atLeast(1);
  static final SettingSpec MAX_RESOURCE =
      SettingSpec.integer(
              "max_resource",
              0,
              "steps of a full trial, at least min_resource; 0 = auto: 1 + the largest last step"
                  + " among the succeeded trials, once one has succeeded")
          .atLeast(0);
  static final SettingSpec REDUCTION_FACTOR =
      SettingSpec.integer("reduction_factor", 3, "each rung keeps the best 1/reduction_factor")
          .atLeast(2);
  static final SettingSpec BOOTSTRAP_COUNT =
      SettingSpec.integer(
              "bootstrap_count", 0, "prune at a rung until more than this many trials reached it")
          .atLeast(0);
  static final SettingSpec RUNGS_FROM_MAX =
      SettingSpec.bool(
          "rungs_from_max_resource",
          false,
          "rungs at max_resource / rf^k as in the Hyperband paper (last cut at max_resource / rf);"
              + " false: at min_resource * rf^k as Optuna");
  static final SettingSpec MERGE_BRACKETS =
      SettingSpec.bool(
          "merge_brackets",
          true,
          "brackets whose rungs fall on the same reports of a succeeded trial compete as one;"
              + " false: Optuna's brackets");

  @Override
  public String name() {
    return "hyperband";
  }

  @Override
  public String description() {
    return "Hyperband: brackets of asynchronous successive halving with different first rungs.";
  }

  @Override
  public List<SettingSpec> settings() {
    List<SettingSpec> all =
        new ArrayList<>(
            List.of(
                MIN_RESOURCE,
                MAX_RESOURCE,
                REDUCTION_FACTOR,
                BOOTSTRAP_COUNT,
                MERGE_BRACKETS,
                RUNGS_FROM_MAX));
    all.addAll(PruneTarget.settings());
    return all;
  }

  @Override
  public Pruner create(StudyDefinition study, Settings given) {
    Settings settings = given.validate(name(), settings());
    long min = settings.getInt(MIN_RESOURCE);
    long max = settings.getInt(MAX_RESOURCE);
    if (max > 0 && max < min) {
      throw settings.invalid(
          MAX_RESOURCE, "must be 0 (auto) or at least min_resource (" + min + ")");
    }
    return new HyperbandPruner(
        study.name(),
        PruneTarget.of(study, settings),
        min,
        max,
        settings.getInt(REDUCTION_FACTOR),
        settings.getInt(BOOTSTRAP_COUNT),
        settings.getBoolean(MERGE_BRACKETS),
        settings.getBoolean(RUNGS_FROM_MAX));
  }
}
