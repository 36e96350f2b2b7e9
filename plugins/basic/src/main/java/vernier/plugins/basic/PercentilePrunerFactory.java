package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.List;
import vernier.spi.Pruner;
import vernier.spi.PrunerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/**
 * {@code percentile}: keep trials within the best {@code percentile} % at each step (see {@link
 * PercentilePruner}).
 */
public final class PercentilePrunerFactory implements PrunerFactory {

  static final SettingSpec PERCENTILE =
      SettingSpec.number(
              "percentile",
              25.0,
              "keep a trial while its best value is within this best percentage of completed trials"
                  + " at the step")
          .range(0, 100);

  @Override
  public String name() {
    return "percentile";
  }

  @Override
  public String description() {
    return "Prunes a trial whose best value so far is outside the best given percentile of"
        + " completed trials.";
  }

  @Override
  public List<SettingSpec> settings() {
    List<SettingSpec> all = new ArrayList<>(List.of(PERCENTILE));
    all.addAll(PercentileSettings.common());
    return all;
  }

  @Override
  public Pruner create(StudyDefinition study, Settings given) {
    Settings settings = given.validate(name(), settings());
    return PercentileSettings.create(study, settings, settings.getDouble(PERCENTILE));
  }
}
