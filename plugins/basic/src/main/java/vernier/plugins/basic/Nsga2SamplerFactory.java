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
      SettingSpec.integer("population_size", 50, "trials per generation");
  static final SettingSpec CROSSOVER =
      SettingSpec.number(
          "crossover_prob", 0.9, "probability that a child mixes two parents (else it copies one)");
  static final SettingSpec MUTATION =
      SettingSpec.number(
          "mutation_prob",
          0.0,
          "probability that a parameter is redrawn at random; 0 = 1/parameters");

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
  public Sampler create(StudyDefinition study, Settings settings) {
    int population = Checks.atLeast(name(), settings, POPULATION, 50, 2);
    double crossover = Checks.between(name(), settings, CROSSOVER, 0.9, 0, 1);
    double mutation = Checks.between(name(), settings, MUTATION, 0, 0, 1);
    return new Nsga2Sampler(study, population, crossover, mutation);
  }
}
