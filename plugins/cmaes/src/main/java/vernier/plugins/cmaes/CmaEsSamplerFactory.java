package vernier.plugins.cmaes;

import java.util.List;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/** {@code cmaes}: CMA-ES with IPOP restarts (see {@link CmaEsSampler}). */
public final class CmaEsSamplerFactory implements SamplerFactory {

  static final SettingSpec SIGMA0 = SettingSpec.number("sigma0", 1.0 / 6,
      "initial step size as a fraction of each parameter's range");
  static final SettingSpec POPULATION = SettingSpec.integer("population_size", 0,
      "trials per generation; 0 = 4 + floor(3 ln n)");
  static final SettingSpec SEPARABLE = SettingSpec.bool("separable", false,
      "learn only the diagonal of the covariance (sep-CMA-ES): linear cost, for many parameters");
  static final SettingSpec RESTARTS = SettingSpec.bool("restarts", true,
      "IPOP: restart with twice the population when a run converges");

  @Override
  public String name() {
    return "cmaes";
  }

  @Override
  public String description() {
    return "CMA-ES (IPOP restarts, separable option) on numeric parameters; categorical ones at random.";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of(SIGMA0, POPULATION, SEPARABLE, RESTARTS);
  }

  @Override
  public Sampler create(StudyDefinition study, Settings settings) {
    double sigma0 = settings.getDouble(SIGMA0.name(), 1.0 / 6);
    int population = settings.getInt(POPULATION.name(), 0);
    if (!(sigma0 > 0 && sigma0 <= 1)) {
      throw new IllegalArgumentException("setting 'sigma0' of cmaes must be in (0, 1], got " + sigma0);
    }
    if (population != 0 && population < 4) {
      throw new IllegalArgumentException("setting 'population_size' of cmaes must be 0 (auto) or >= 4");
    }
    return new CmaEsSampler(study, sigma0, population, settings.getBoolean(SEPARABLE.name(), false),
        settings.getBoolean(RESTARTS.name(), true));
  }
}
