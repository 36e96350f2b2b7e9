package vernier.plugins.gp;

import java.util.List;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/**
 * {@code gp}: Gaussian-process Bayesian optimisation with log expected improvement (see {@link
 * GpSampler}).
 */
public final class GpSamplerFactory implements SamplerFactory {

  // the caps keep one suggestion within seconds and its matrices within memory
  static final SettingSpec STARTUP =
      SettingSpec.integer("n_startup_trials", 10, "random trials before modelling")
          .range(1, 1_000_000);
  static final SettingSpec MAX_MODEL =
      SettingSpec.integer(
              "max_model_trials",
              500,
              "the posterior uses at most this many finished trials (the newest, and the best);"
                  + " bounds the cost")
          .range(2, 2000);
  static final SettingSpec MAX_FIT =
      SettingSpec.integer(
              "max_fit_trials",
              100,
              "kernel hyperparameters are fitted on at most this many of the newest trials")
          .range(2, 500);
  static final SettingSpec CANDIDATES =
      SettingSpec.integer("n_candidates", 1024, "random points scored before the local searches")
          .range(1, 100_000);
  static final SettingSpec LOCAL_SEARCHES =
      SettingSpec.integer(
              "n_local_searches",
              10,
              "local searches of the acquisition, from the best candidates (plus the best"
                  + " trials)")
          .range(1, 100);

  static final SettingSpec WARP =
      SettingSpec.bool(
          "warp_output",
          true,
          "Yeo-Johnson power transform of the losses before fitting (helps heavy-tailed"
              + " objectives)");

  static final SettingSpec REFIT_EVERY =
      SettingSpec.integer(
              "refit_every",
              5,
              "from "
                  + GpSampler.ALWAYS_REFIT_BELOW
                  + " finished trials on, kernel hyperparameters are refitted once this many new"
                  + " ones have finished (before: on every new one); in between the last kernel is"
                  + " reused")
          .range(1, 10_000);

  static final SettingSpec PENDING =
      SettingSpec.string(
              "pending",
              "believer",
              "how running trials (and a batch's earlier points) count: mean (constant liar at the"
                  + " mean loss), believer (kriging believer, at the posterior mean), max (liar at"
                  + " the worst loss), penalize (local penalisation around them)")
          .choices("mean", "believer", "max", "penalize");

  @Override
  public String name() {
    return "gp";
  }

  @Override
  public String description() {
    return "Gaussian-process Bayesian optimisation (Matern-5/2, log EI): few trials, numeric"
        + " spaces.";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of(
        STARTUP, MAX_MODEL, MAX_FIT, CANDIDATES, LOCAL_SEARCHES, WARP, REFIT_EVERY, PENDING);
  }

  @Override
  public Sampler create(StudyDefinition study, Settings given) {
    Settings s = given.validate(name(), settings());
    if (study.isMultiObjective()) {
      throw new IllegalArgumentException(
          "sampler gp optimises one objective; this study has "
              + study.objectives().size()
              + " (use nsga2 or tpe)");
    }
    GpSampler.Settings settings =
        new GpSampler.Settings(
            s.getInt(STARTUP),
            s.getInt(MAX_MODEL),
            s.getInt(MAX_FIT),
            s.getInt(CANDIDATES),
            s.getInt(LOCAL_SEARCHES),
            s.getBoolean(WARP),
            s.getInt(REFIT_EVERY),
            GpSampler.Pending.of(s.getString(PENDING)));
    return new GpSampler(study, settings);
  }
}
