package vernier.plugins.basic;

import java.util.List;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/** {@code nsga2}: the elitist multi-objective genetic algorithm (see {@link Nsga2Sampler}). */
public final class Nsga2SamplerFactory implements SamplerFactory {

  static final SettingSpec POPULATION =
      SettingSpec.integer("population_size", 50, "trials per generation").atLeast(2);
  static final SettingSpec CROSSOVER =
      SettingSpec.number(
              "crossover_prob",
              0.9,
              "probability that a child mixes two parents (else it copies one)")
          .range(0, 1);
  static final SettingSpec MUTATION =
      SettingSpec.number(
              "mutation_prob",
              0.0,
              "probability that a parameter is redrawn at random; 0 = 1/parameters")
          .range(0, 1);

  @Override
  public String name() {
    return "nsga2";
  }

  @Override
  public String description() {
    return "NSGA-II: multi-objective genetic search with constrained domination.";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of(POPULATION, CROSSOVER, MUTATION);
  }

  @Override
  public Sampler create(StudyDefinition study, Settings given) {
    Settings settings = given.validate(name(), settings());
    return new Nsga2Sampler(
        study,
        settings.getInt(POPULATION),
        settings.getDouble(CROSSOVER),
        settings.getDouble(MUTATION));
  }
}
