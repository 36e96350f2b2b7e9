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
                  + " population_size reference points")
          .atLeast(0);

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
  public Sampler create(StudyDefinition study, Settings given) {
    Settings settings = given.validate(name(), settings());
    int population = settings.getInt(Nsga2SamplerFactory.POPULATION);
    double crossover = settings.getDouble(Nsga2SamplerFactory.CROSSOVER);
    double mutation = settings.getDouble(Nsga2SamplerFactory.MUTATION);
    int objectives = study.objectives().size();
    int divisions = settings.getInt(DIVISIONS);
    if (divisions == 0) {
      divisions = ReferencePoints.defaultDivisions(objectives, population);
    }
    long points = ReferencePoints.count(objectives, divisions);
    if (points > ReferencePoints.MAX_POINTS) {
      throw settings.invalid(
          DIVISIONS,
          "must give at most "
              + ReferencePoints.MAX_POINTS
              + " reference points for "
              + objectives
              + " objectives (it gives "
              + (points == Long.MAX_VALUE ? "too many" : points)
              + ")");
    }
    return new Nsga3Sampler(study, population, divisions, crossover, mutation);
  }
}
