package vernier.plugins.tpe;

import java.util.List;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/**
 * {@code bohb}: TPE models per budget for Hyperband (see {@link BohbSampler}); use it with the
 * {@code hyperband} pruner and the same {@code min_resource}, {@code max_resource} and {@code
 * reduction_factor}.
 */
public final class BohbSamplerFactory implements SamplerFactory {

  static final SettingSpec MIN_RESOURCE =
      SettingSpec.integer("min_resource", 1, "the smallest budget (steps)");
  static final SettingSpec MAX_RESOURCE =
      SettingSpec.integer(
          "max_resource",
          0,
          "the full budget (steps); required: the hyperband pruner's max_resource");
  static final SettingSpec REDUCTION_FACTOR =
      SettingSpec.integer("reduction_factor", 3, "budgets grow by this factor");
  static final SettingSpec RANDOM_FRACTION =
      SettingSpec.number(
          "random_fraction", 1.0 / 3, "share of suggestions drawn uniformly at random");
  static final SettingSpec GAMMA =
      SettingSpec.number("gamma", 0.15, "fraction of observations called good");
  static final SettingSpec CANDIDATES =
      SettingSpec.integer("n_ei_candidates", 64, "draws from l per suggestion");
  static final SettingSpec BANDWIDTH_FACTOR =
      SettingSpec.number(
          "bandwidth_factor",
          3,
          "candidates are drawn from l with its bandwidths times this (the paper's b_w), scored"
              + " with l itself");

  @Override
  public String name() {
    return "bohb";
  }

  @Override
  public String description() {
    return "BOHB: a TPE model on the largest Hyperband budget with enough data; pair with the"
        + " hyperband pruner.";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of(
        MIN_RESOURCE,
        MAX_RESOURCE,
        REDUCTION_FACTOR,
        RANDOM_FRACTION,
        GAMMA,
        CANDIDATES,
        BANDWIDTH_FACTOR);
  }

  @Override
  public Sampler create(StudyDefinition study, Settings s) {
    long min = s.getLong(MIN_RESOURCE.name(), 1);
    long max = s.getLong(MAX_RESOURCE.name(), 0);
    int rf = s.getInt(REDUCTION_FACTOR.name(), 3);
    double random = s.getDouble(RANDOM_FRACTION.name(), 1.0 / 3);
    double gamma = s.getDouble(GAMMA.name(), 0.15);
    int candidates = s.getInt(CANDIDATES.name(), 64);
    double widening = s.getDouble(BANDWIDTH_FACTOR.name(), 3);
    if (min < 1 || max < min) {
      throw new IllegalArgumentException(
          "bohb needs 1 <= min_resource <= max_resource; set max_resource to the "
              + "steps of a full trial (got min "
              + min
              + ", max "
              + max
              + ")");
    }
    if (rf < 2
        || !(random >= 0 && random <= 1)
        || !(gamma > 0 && gamma < 1)
        || candidates < 1
        || !(widening >= 1 && widening <= 100)) {
      throw new IllegalArgumentException(
          "bohb needs reduction_factor >= 2, random_fraction in [0, 1], gamma in "
              + "(0, 1), n_ei_candidates >= 1 and bandwidth_factor in [1, 100]");
    }
    TpeSampler tpe =
        new TpeSampler(
            study.space(),
            List.of(study.objectives().get(0)),
            study.constraints(),
            new TpeSampler.Settings(
                1, candidates, true, gamma, Integer.MAX_VALUE, 1.0, true, true, widening));
    return new BohbSampler(
        tpe, study.objectives().get(0), min, max, rf, random, study.space().parameters().size());
  }
}
