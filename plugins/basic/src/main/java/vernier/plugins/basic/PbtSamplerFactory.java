package vernier.plugins.basic;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/** {@code pbt}: population-based training (see {@link PbtSampler}). */
public final class PbtSamplerFactory implements SamplerFactory {

  static final SettingSpec POPULATION =
      SettingSpec.integer("population_size", 8, "members trained side by side").atLeast(2);
  static final SettingSpec INTERVAL =
      SettingSpec.integer(
              "interval",
              10,
              "training steps per trial (segment); members are compared, exploited and explored"
                  + " between segments")
          .atLeast(1);
  static final SettingSpec MAX_STEP =
      SettingSpec.integer("max_step", 100, "a member's total training steps, at least interval")
          .atLeast(1);
  static final SettingSpec QUANTILE =
      SettingSpec.number(
              "quantile",
              0.25,
              "members in this bottom fraction at a step copy one from the top fraction")
          .range(0.01, 0.5);
  static final SettingSpec RESAMPLE =
      SettingSpec.number(
              "resample_probability",
              0.25,
              "chance that explore draws a parameter afresh instead of perturbing it")
          .range(0, 1);
  static final SettingSpec PERTURBATION =
      SettingSpec.number(
              "perturbation",
              0.2,
              "explore multiplies numeric values by 1 - p or 1 + p (or moves categorical ones to a"
                  + " neighbour)")
          .range(0.01, 0.99);

  static final SettingSpec EXPLORE =
      SettingSpec.optional(
          "explore",
          SettingSpec.Type.LIST,
          "the parameters explore may change (default: all); others keep the copied member's value,"
              + " e.g. layer sizes, which its checkpoint's weights must match");

  @Override
  public String name() {
    return "pbt";
  }

  @Override
  public String description() {
    return "Population-based training: poor members copy a better one's checkpoint and perturb its"
        + " params.";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of(POPULATION, INTERVAL, MAX_STEP, QUANTILE, RESAMPLE, PERTURBATION, EXPLORE);
  }

  @Override
  public Sampler create(StudyDefinition study, Settings given) {
    Settings s = given.validate(name(), settings());
    if (study.isMultiObjective()) {
      throw new IllegalArgumentException(
          "sampler pbt ranks members by one objective; this study has "
              + study.objectives().size());
    }
    int interval = s.getInt(INTERVAL);
    int maxStep = s.getInt(MAX_STEP);
    if (maxStep < interval) {
      throw s.invalid(MAX_STEP, "must be at least interval (" + interval + ")");
    }
    return new PbtSampler(
        study,
        new PbtSampler.Settings(
            s.getInt(POPULATION),
            interval,
            maxStep,
            s.getDouble(QUANTILE),
            s.getDouble(RESAMPLE),
            s.getDouble(PERTURBATION),
            explored(study, s)));
  }

  private static Set<String> explored(StudyDefinition study, Settings s) {
    Set<String> all = new LinkedHashSet<>();
    study.space().parameters().forEach(p -> all.add(p.name()));
    if (!s.isSet(EXPLORE)) {
      return all;
    }
    Set<String> names = new LinkedHashSet<>();
    for (Object name : s.getList(EXPLORE)) {
      if (!(name instanceof String n) || !all.contains(n)) {
        throw s.invalid(
            EXPLORE, "must list parameters of the study (" + String.join(", ", all) + ")");
      }
      names.add(n);
    }
    return names;
  }
}
