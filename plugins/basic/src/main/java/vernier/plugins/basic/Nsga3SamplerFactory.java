package vernier.plugins.basic;

import java.util.List;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SettingSpec;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/**
 * {@code nsga3}: NSGA-II's search with reference-direction niching for many objectives (see {@link
 * Nsga3Sampler}).
 */
public final class Nsga3SamplerFactory implements SamplerFactory {

  static final SettingSpec DIVISIONS =
      SettingSpec.integer(
          "divisions",
          0,
          "Das-Dennis divisions p per objective axis; 0 = the largest p with at most"
              + " population_size reference points");

  @Override
  public String name() {
    return "nsga3";
  }

  @Override
  public String description() {
    return "NSGA-III: NSGA-II with reference-point niching, for three or more objectives.";
  }

  @Override
  public List<SettingSpec> settings() {
    return List.of(
        Nsga2SamplerFactory.POPULATION,
        Nsga2SamplerFactory.CROSSOVER,
        Nsga2SamplerFactory.MUTATION,
        DIVISIONS);
  }

  @Override
  public Sampler create(StudyDefinition study, Settings settings) {
    int population = Checks.atLeast(name(), settings, Nsga2SamplerFactory.POPULATION, 50, 2);
    double crossover = Checks.between(name(), settings, Nsga2SamplerFactory.CROSSOVER, 0.9, 0, 1);
    double mutation = Checks.between(name(), settings, Nsga2SamplerFactory.MUTATION, 0, 0, 1);
    int objectives = study.objectives().size();
    int divisions = Checks.atLeast(name(), settings, DIVISIONS, 0, 0);
    if (divisions == 0) {
      divisions = ReferencePoints.defaultDivisions(objectives, population);
    }
    long points = ReferencePoints.count(objectives, divisions);
    if (points > ReferencePoints.MAX_POINTS) {
      throw new IllegalArgumentException(
          "setting 'divisions' of "
              + name()
              + " gives "
              + (points == Long.MAX_VALUE ? "too many" : points)
              + " reference points for "
              + objectives
              + " objectives; at most "
              + ReferencePoints.MAX_POINTS
              + " are allowed");
    }
    return new Nsga3Sampler(study, population, divisions, crossover, mutation);
  }
}
