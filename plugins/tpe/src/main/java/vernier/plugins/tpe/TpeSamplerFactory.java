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
      SettingSpec.integer("n_startup_trials", 10, "random trials before modelling").atLeast(1);
  static final SettingSpec CANDIDATES =
      SettingSpec.integer(
              "n_ei_candidates", 24, "points drawn from l(x) per suggestion; the best l/g wins")
          .atLeast(1);
  static final SettingSpec MULTIVARIATE =
      SettingSpec.bool(
          "multivariate",
          true,
          "model the parameters of a group jointly (product kernels) instead of one by one");
  static final SettingSpec GAMMA =
      SettingSpec.number("gamma", 0.1, "fraction of finished trials called good").above(0).below(1);
  static final SettingSpec GAMMA_MAX =
      SettingSpec.integer("gamma_max", 25, "at most this many good trials").atLeast(1);
  static final SettingSpec PRIOR_WEIGHT =
      SettingSpec.number("prior_weight", 1.0, "weight of the prior component of each estimator")
          .above(0);
  static final SettingSpec CONSTANT_LIAR =
      SettingSpec.bool(
          "constant_liar",
          true,
          "count running trials as bad, so parallel workers get different points");

  static final SettingSpec BANDWIDTH =
      SettingSpec.string(
              "bandwidth",
              "auto",
              "joint kernels: neighbours (each kernel's width on an axis is its larger gap to the"
                  + " neighbouring observations, Watanabe 2023), scott (one width"
                  + " 0.2·n^(-1/(d+4))·range, Optuna 3.1's multivariate TPE), or auto (neighbours"
                  + " for groups of numbers with one objective, scott for a group with a"
                  + " categorical parameter and for several objectives)")
          .choices("auto", "neighbours", "scott");

  static final SettingSpec CONSTRAINT_MODEL =
      SettingSpec.string(
              "constraint_model",
              "ctpe",
              "ctpe: a density ratio per constraint (Watanabe and Hutter 2023); violation: feasible"
                  + " trials first, then by total violation (Optuna 3.1)")
          .choices("ctpe", "violation");

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
        CONSTRAINT_MODEL,
        BANDWIDTH);
  }

  @Override
  public Sampler create(StudyDefinition study, Settings given) {
    Settings s = given.validate(name(), settings());
    return new TpeSampler(
        study.space(),
        study.objectives(),
        study.constraints(),
        new TpeSampler.Settings(
            s.getInt(STARTUP),
            s.getInt(CANDIDATES),
            s.getBoolean(MULTIVARIATE),
            s.getDouble(GAMMA),
            s.getInt(GAMMA_MAX),
            s.getDouble(PRIOR_WEIGHT),
            s.getBoolean(CONSTANT_LIAR),
            s.getString(CONSTRAINT_MODEL).equals("ctpe"),
            1,
            TpeSampler.Bandwidth.valueOf(
                s.getString(BANDWIDTH).toUpperCase(java.util.Locale.ROOT))));
  }
}
