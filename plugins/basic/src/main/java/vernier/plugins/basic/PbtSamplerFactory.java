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
      SettingSpec.integer("population_size", 8, "members trained side by side");
  static final SettingSpec INTERVAL =
      SettingSpec.integer(
          "interval",
          10,
          "training steps per trial (segment); members are compared, exploited and explored between"
              + " segments");
  static final SettingSpec MAX_STEP =
      SettingSpec.integer("max_step", 100, "a member's total training steps");
  static final SettingSpec QUANTILE =
      SettingSpec.number(
          "quantile",
          0.25,
          "members in this bottom fraction at a step copy one from the top fraction");
  static final SettingSpec RESAMPLE =
      SettingSpec.number(
          "resample_probability",
          0.25,
          "chance that explore draws a parameter afresh instead of perturbing it");
  static final SettingSpec PERTURBATION =
      SettingSpec.number(
          "perturbation",
          0.2,
          "explore multiplies numeric values by 1 - p or 1 + p (or moves categorical ones to a"
              + " neighbour)");

  static final SettingSpec EXPLORE =
      new SettingSpec(
          "explore",
          SettingSpec.Type.LIST,
          null,
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
  public Sampler create(StudyDefinition study, Settings s) {
    if (study.isMultiObjective()) {
      throw new IllegalArgumentException(
          "sampler pbt ranks members by one objective; this study has "
              + study.objectives().size());
    }
    int population = Checks.atLeast(name(), s, POPULATION, 8, 2);
    int interval = Checks.atLeast(name(), s, INTERVAL, 10, 1);
    int maxStep = Checks.atLeast(name(), s, MAX_STEP, 100, interval);
    Set<String> explore = explored(study, s);
    return new PbtSampler(
        study,
        new PbtSampler.Settings(
            population,
            interval,
            maxStep,
            Checks.between(name(), s, QUANTILE, 0.25, 0.01, 0.5),
            Checks.between(name(), s, RESAMPLE, 0.25, 0, 1),
            Checks.between(name(), s, PERTURBATION, 0.2, 0.01, 0.99),
            explore));
  }

  private static Set<String> explored(StudyDefinition study, Settings s) {
    Set<String> all = new LinkedHashSet<>();
    study.space().parameters().forEach(p -> all.add(p.name()));
    Object listed = s.asMap().get(EXPLORE.name());
    if (listed == null) {
      return all;
    }
    Set<String> names = new LinkedHashSet<>();
    for (Object name : (List<?>) listed) {
      if (!(name instanceof String n) || !all.contains(n)) {
        throw new IllegalArgumentException(
            "setting 'explore' of pbt names '"
                + name
                + "', not a parameter of the "
                + "study ("
                + String.join(", ", all)
                + ")");
      }
      names.add(n);
    }
    return names;
  }
}
