package vernier.plugins.tpe;

import java.util.List;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/** {@code tpe}: the Tree-structured Parzen Estimator (see {@link TpeSampler}). */
public final class TpeSamplerFactory implements SamplerFactory {

  static final SettingSpec STARTUP =
      SettingSpec.integer("n_startup_trials", 10, "random trials before modelling");
  static final SettingSpec CANDIDATES =
      SettingSpec.integer(
          "n_ei_candidates", 24, "points drawn from l(x) per suggestion; the best l/g wins");
  static final SettingSpec MULTIVARIATE =
      SettingSpec.bool(
          "multivariate",
          true,
          "model the parameters of a group jointly (product kernels) instead of one by one");
  static final SettingSpec GAMMA =
      SettingSpec.number("gamma", 0.1, "fraction of finished trials called good");
  static final SettingSpec GAMMA_MAX =
      SettingSpec.integer("gamma_max", 25, "at most this many good trials");
  static final SettingSpec PRIOR_WEIGHT =
      SettingSpec.number("prior_weight", 1.0, "weight of the prior component of each estimator");
  static final SettingSpec CONSTANT_LIAR =
      SettingSpec.bool(
          "constant_liar",
          true,
          "count running trials as bad, so parallel workers get different points");

  static final SettingSpec CONSTRAINT_MODEL =
      SettingSpec.string(
          "constraint_model",
          "ctpe",
          "ctpe: a density ratio per constraint (Watanabe and Hutter 2023); violation: feasible"
              + " trials first, then by total violation (Optuna 3.1)");

  @Override
  public String name() {
    return "tpe";
  }

  @Override
  public String description() {
    return "Tree-structured Parzen Estimator: models good and bad trials, suggests where good is"
        + " likelier.";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of(
        STARTUP,
        CANDIDATES,
        MULTIVARIATE,
        GAMMA,
        GAMMA_MAX,
        PRIOR_WEIGHT,
        CONSTANT_LIAR,
        CONSTRAINT_MODEL);
  }

  @Override
  public Sampler create(StudyDefinition study, Settings s) {
    int startup = s.getInt(STARTUP.name(), 10);
    int candidates = s.getInt(CANDIDATES.name(), 24);
    double gamma = s.getDouble(GAMMA.name(), 0.1);
    int gammaMax = s.getInt(GAMMA_MAX.name(), 25);
    double prior = s.getDouble(PRIOR_WEIGHT.name(), 1.0);
    require(startup >= 1, "n_startup_trials must be >= 1");
    require(candidates >= 1, "n_ei_candidates must be >= 1");
    require(gamma > 0 && gamma < 1, "gamma must be in (0, 1)");
    require(gammaMax >= 1, "gamma_max must be >= 1");
    require(prior > 0, "prior_weight must be > 0");
    String constraintModel = s.getString(CONSTRAINT_MODEL.name(), "ctpe");
    require(
        constraintModel.equals("ctpe") || constraintModel.equals("violation"),
        "constraint_model must be ctpe or violation, not '" + constraintModel + "'");
    return new TpeSampler(
        study.space(),
        study.objectives(),
        study.constraints(),
        new TpeSampler.Settings(
            startup,
            candidates,
            s.getBoolean(MULTIVARIATE.name(), true),
            gamma,
            gammaMax,
            prior,
            s.getBoolean(CONSTANT_LIAR.name(), true),
            constraintModel.equals("ctpe"),
            1));
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("setting of tpe: " + message);
    }
  }
}
