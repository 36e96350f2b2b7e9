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
          "sigma0", 1.0 / 6, "initial step size as a fraction of each parameter's range");
  static final SettingSpec POPULATION =
      SettingSpec.integer("population_size", 0, "trials per generation; 0 = 4 + floor(3 ln n)");
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
              + " runs");
  static final SettingSpec WITH_MARGIN =
      SettingSpec.bool(
          "with_margin",
          true,
          "CMA-ES with Margin: integer and stepped parameters keep a chance >= margin_alpha of"
              + " leaving the mean's value");
  static final SettingSpec MARGIN_ALPHA =
      SettingSpec.number(
          "margin_alpha", 0, "that chance, in [0, 0.5); 0 = 1 / (n * population_size)");
  static final SettingSpec WARM_START_TRIALS =
      SettingSpec.integer(
          "warm_start_trials",
          0,
          "WS-CMA-ES: the first N trials (imported, enqueued, else random) are the source of the"
              + " first run's mean and covariance; 0 = cold start");
  static final SettingSpec WARM_START_GAMMA =
      SettingSpec.number(
          "warm_start_gamma",
          0.1,
          "fraction of the source's best trials the warm start is fitted to, in (0, 1]");
  static final SettingSpec WARM_START_ALPHA =
      SettingSpec.number(
          "warm_start_alpha",
          0.1,
          "standard deviation added to the warm start's fit, as a fraction of each range, in (0,"
              + " 1]");

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
  public Sampler create(StudyDefinition study, Settings settings) {
    double sigma0 = settings.getDouble(SIGMA0.name(), 1.0 / 6);
    check(sigma0 > 0 && sigma0 <= 1, SIGMA0, "must be in (0, 1], got " + sigma0);
    int population = settings.getInt(POPULATION.name(), 0);
    check(
        population == 0 || population >= 4,
        POPULATION,
        "must be 0 (auto) or >= 4, got " + population);
    String strategy = settings.getString(RESTART_STRATEGY.name(), "ipop");
    check(
        strategy.equals("ipop") || strategy.equals("bipop"),
        RESTART_STRATEGY,
        "must be ipop or bipop, got '" + strategy + "'");
    boolean restarts = settings.getBoolean(RESTARTS.name(), true);
    check(
        restarts || !settings.keys().contains(RESTART_STRATEGY.name()),
        RESTART_STRATEGY,
        "has no effect with restarts: false");
    boolean margin = settings.getBoolean(WITH_MARGIN.name(), true);
    double alpha = settings.getDouble(MARGIN_ALPHA.name(), 0);
    check(alpha >= 0 && alpha < 0.5, MARGIN_ALPHA, "must be in [0, 0.5), got " + alpha);
    check(
        margin || !settings.keys().contains(MARGIN_ALPHA.name()),
        MARGIN_ALPHA,
        "has no effect with with_margin: false");
    int warmStart = settings.getInt(WARM_START_TRIALS.name(), 0);
    check(warmStart >= 0, WARM_START_TRIALS, "must be >= 0, got " + warmStart);
    double gamma = settings.getDouble(WARM_START_GAMMA.name(), 0.1);
    check(gamma > 0 && gamma <= 1, WARM_START_GAMMA, "must be in (0, 1], got " + gamma);
    double priorAlpha = settings.getDouble(WARM_START_ALPHA.name(), 0.1);
    check(
        priorAlpha > 0 && priorAlpha <= 1,
        WARM_START_ALPHA,
        "must be in (0, 1], got " + priorAlpha);
    for (SettingSpec s : List.of(WARM_START_GAMMA, WARM_START_ALPHA)) {
      check(
          warmStart > 0 || !settings.keys().contains(s.name()),
          s,
          "has no effect without warm_start_trials > 0");
    }
    return new CmaEsSampler(
        study,
        new CmaEsSampler.Options(
            sigma0,
            population,
            settings.getBoolean(SEPARABLE.name(), false),
            restarts,
            strategy.equals("bipop"),
            margin,
            alpha,
            warmStart,
            gamma,
            priorAlpha));
  }

  private static void check(boolean ok, SettingSpec setting, String problem) {
    if (!ok) {
      throw new IllegalArgumentException("setting '" + setting.name() + "' of cmaes " + problem);
    }
  }
}
