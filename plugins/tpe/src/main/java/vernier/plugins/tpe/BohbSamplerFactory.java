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
      SettingSpec.integer("min_resource", 1, "the smallest budget (steps)")
          .range(1, Long.MAX_VALUE);
  static final SettingSpec MAX_RESOURCE =
      SettingSpec.required(
              "max_resource",
              SettingSpec.Type.INTEGER,
              "the full budget (steps), at least min_resource: the hyperband pruner's"
                  + " max_resource")
          .range(1, Long.MAX_VALUE);
  static final SettingSpec REDUCTION_FACTOR =
      SettingSpec.integer("reduction_factor", 3, "budgets grow by this factor").atLeast(2);
  static final SettingSpec RANDOM_FRACTION =
      SettingSpec.number(
              "random_fraction", 1.0 / 3, "share of suggestions drawn uniformly at random")
          .range(0, 1);
  static final SettingSpec GAMMA =
      SettingSpec.number("gamma", 0.15, "fraction of observations called good").above(0).below(1);
  static final SettingSpec CANDIDATES =
      SettingSpec.integer("n_ei_candidates", 64, "draws from l per suggestion").atLeast(1);
  static final SettingSpec BANDWIDTH_FACTOR =
      SettingSpec.number(
              "bandwidth_factor",
              3,
              "candidates are drawn from l with its bandwidths times this (the paper's b_w), scored"
                  + " with l itself")
          .range(1, 100);

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
  public Sampler create(StudyDefinition study, Settings given) {
    Settings s = given.validate(name(), settings());
    long min = s.getLong(MIN_RESOURCE);
    long max = s.getLong(MAX_RESOURCE);
    if (max < min) {
      throw s.invalid(MAX_RESOURCE, "must be at least min_resource (" + min + ")");
    }
    TpeSampler tpe =
        new TpeSampler(
            study.space(),
            List.of(study.objectives().get(0)),
            study.constraints(),
            new TpeSampler.Settings(
                1,
                s.getInt(CANDIDATES),
                true,
                s.getDouble(GAMMA),
                Integer.MAX_VALUE,
                1.0,
                true,
                true,
                s.getDouble(BANDWIDTH_FACTOR),
                TpeSampler.Bandwidth.SCOTT));
    return new BohbSampler(
        tpe,
        study.objectives().get(0),
        min,
        max,
        s.getInt(REDUCTION_FACTOR),
        s.getDouble(RANDOM_FRACTION),
        study.space().parameters().size());
  }
}
