package vernier.plugins.cmaes;

import java.util.List;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/** {@code cmaes}: CMA-ES with IPOP restarts, margin and warm start (see {@link CmaEsSampler}). */
public final class CmaEsSamplerFactory implements SamplerFactory {

  static final SettingSpec SIGMA0 =
      SettingSpec.number(
              "sigma0", 1.0 / 6, "initial step size as a fraction of each parameter's range")
          .above(0)
          .atMost(1);
  static final SettingSpec POPULATION =
      SettingSpec.integer("population_size", 0, "trials per generation; 0 = 4 + floor(3 ln n)")
          .atLeast(4)
          .alsoAllowing(0);
  static final SettingSpec SEPARABLE =
      SettingSpec.bool(
          "separable",
          false,
          "learn only the diagonal of the covariance (sep-CMA-ES): linear cost, for many"
              + " parameters");
  static final SettingSpec RESTARTS =
      SettingSpec.bool(
          "restarts", true, "IPOP: restart with twice the population when a run converges");
  static final SettingSpec RESTART_STRATEGY =
      SettingSpec.string(
              "restart_strategy",
              "ipop",
              "ipop: every restart doubles the population; bipop: alternate those with small, local"
                  + " runs; only with restarts")
          .choices("ipop", "bipop");
  static final SettingSpec WITH_MARGIN =
      SettingSpec.bool(
          "with_margin",
          true,
          "CMA-ES with Margin: integer and stepped parameters keep a chance >= margin_alpha of"
              + " leaving the mean's value");
  static final SettingSpec MARGIN_ALPHA =
      SettingSpec.number(
              "margin_alpha",
              0,
              "that chance; 0 = 1 / (n * population_size); only with with_margin")
          .atLeast(0)
          .below(0.5);
  static final SettingSpec WARM_START_TRIALS =
      SettingSpec.integer(
              "warm_start_trials",
              0,
              "WS-CMA-ES: the first N trials (imported, enqueued, else random) are the source of"
                  + " the first run's mean and covariance; 0 = cold start")
          .atLeast(0);
  static final SettingSpec WARM_START_GAMMA =
      SettingSpec.number(
              "warm_start_gamma",
              0.1,
              "fraction of the source's best trials the warm start is fitted to; only with"
                  + " warm_start_trials")
          .above(0)
          .atMost(1);
  static final SettingSpec WARM_START_ALPHA =
      SettingSpec.number(
              "warm_start_alpha",
              0.1,
              "standard deviation added to the warm start's fit, as a fraction of each range; only"
                  + " with warm_start_trials")
          .above(0)
          .atMost(1);

  @Override
  public String name() {
    return "cmaes";
  }

  @Override
  public String description() {
    return "CMA-ES (IPOP/BIPOP restarts, margin for integers, warm start, separable option) on"
        + " numeric parameters; categorical ones at random.";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of(
        SIGMA0,
        POPULATION,
        SEPARABLE,
        RESTARTS,
        RESTART_STRATEGY,
        WITH_MARGIN,
        MARGIN_ALPHA,
        WARM_START_TRIALS,
        WARM_START_GAMMA,
        WARM_START_ALPHA);
  }

  @Override
  public Sampler create(StudyDefinition study, Settings given) {
    Settings settings = given.validate(name(), settings());
    boolean restarts = settings.getBoolean(RESTARTS);
    if (!restarts && settings.isSet(RESTART_STRATEGY)) {
      throw settings.invalid(RESTART_STRATEGY, "has no effect with restarts false");
    }
    boolean margin = settings.getBoolean(WITH_MARGIN);
    if (!margin && settings.isSet(MARGIN_ALPHA)) {
      throw settings.invalid(MARGIN_ALPHA, "has no effect with with_margin false");
    }
    int warmStart = settings.getInt(WARM_START_TRIALS);
    for (SettingSpec s : List.of(WARM_START_GAMMA, WARM_START_ALPHA)) {
      if (warmStart == 0 && settings.isSet(s)) {
        throw settings.invalid(s, "has no effect without warm_start_trials > 0");
      }
    }
    return new CmaEsSampler(
        study,
        new CmaEsSampler.Options(
            settings.getDouble(SIGMA0),
            settings.getInt(POPULATION),
            settings.getBoolean(SEPARABLE),
            restarts,
            settings.getString(RESTART_STRATEGY).equals("bipop"),
            margin,
            settings.getDouble(MARGIN_ALPHA),
            warmStart,
            settings.getDouble(WARM_START_GAMMA),
            settings.getDouble(WARM_START_ALPHA)));
  }
}
