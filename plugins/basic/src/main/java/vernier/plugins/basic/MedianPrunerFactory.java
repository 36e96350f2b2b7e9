package vernier.plugins.basic;

import java.util.List;
import vernier.spi.Pruner;
import vernier.spi.PrunerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/**
 * {@code median}: Optuna's median rule, the percentile pruner at 50 (see {@link PercentilePruner}).
 */
public final class MedianPrunerFactory implements PrunerFactory {

  @Override
  public String name() {
    return "median";
  }

  @Override
  public String description() {
    return "Prunes a trial whose best value so far is worse than the median of completed trials at"
        + " that step.";
  }

  @Override
  public List<SettingSpec> settings() {
    return PercentileSettings.common();
  }

  @Override
  public Pruner create(StudyDefinition study, Settings settings) {
    return PercentileSettings.create(study, settings.validate(name(), settings()), 50);
  }
}
