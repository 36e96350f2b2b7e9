package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.List;
import vernier.spi.Pruner;
import vernier.spi.PrunerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/**
 * {@code successive-halving}: asynchronous successive halving, ASHA (see {@link
 * SuccessiveHalvingPruner}).
 */
public final class SuccessiveHalvingPrunerFactory implements PrunerFactory {

  static final SettingSpec MIN_RESOURCE =
      SettingSpec.integer(
              "min_resource",
              0,
              "steps of the first rung; 0 = auto: 1/100 of the largest last step among the"
                  + " succeeded trials, once one has succeeded")
          .atLeast(0);
  static final SettingSpec REDUCTION_FACTOR =
      SettingSpec.integer(
              "reduction_factor",
              4,
              "each rung keeps the best 1/reduction_factor of the trials that reach it")
          .atLeast(2);
  static final SettingSpec MIN_EARLY_STOPPING_RATE =
      SettingSpec.integer(
              "min_early_stopping_rate",
              0,
              "shifts the rungs: the first is at min_resource * reduction_factor^rate")
          .atLeast(0);
  static final SettingSpec BOOTSTRAP_COUNT =
      SettingSpec.integer(
              "bootstrap_count", 0, "prune at a rung until more than this many trials reached it")
          .atLeast(0);

  @Override
  public String name() {
    return "successive-halving";
  }

  @Override
  public String description() {
    return "Asynchronous successive halving (ASHA): at each rung keep the best 1/reduction_factor.";
  }

  @Override
  public List<SettingSpec> settings() {
    List<SettingSpec> all =
        new ArrayList<>(
            List.of(MIN_RESOURCE, REDUCTION_FACTOR, MIN_EARLY_STOPPING_RATE, BOOTSTRAP_COUNT));
    all.addAll(PruneTarget.settings());
    return all;
  }

  @Override
  public Pruner create(StudyDefinition study, Settings given) {
    Settings settings = given.validate(name(), settings());
    return new SuccessiveHalvingPruner(
        PruneTarget.of(study, settings),
        settings.getInt(MIN_RESOURCE),
        settings.getInt(REDUCTION_FACTOR),
        settings.getInt(MIN_EARLY_STOPPING_RATE),
        settings.getInt(BOOTSTRAP_COUNT),
        t -> true);
  }
}
