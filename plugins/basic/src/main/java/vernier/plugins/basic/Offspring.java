package vernier.plugins.basic;

import java.util.List;
import java.util.random.RandomGenerator;
import vernier.spi.ParamValue;
import vernier.spi.StudyDefinition;
import vernier.spi.Suggestion;
import vernier.spi.TrialView;
import vernier.spi.Uniform;

/**
 * The variation operators of Optuna's NSGA samplers, shared by {@code nsga2} and {@code nsga3}: two
 * parents by binary tournament (constrained domination), uniform crossover with probability {@code
 * crossoverProbability} (else a copy of the first), then each parameter redrawn uniformly with
 * probability {@code mutationProbability} (0 = 1/parameters).
 */
final class Offspring {

  private final StudyDefinition study;
  private final Domination domination;
  private final double crossoverProbability;
  private final double mutationProbability;

  Offspring(
      StudyDefinition study,
      Domination domination,
      double crossoverProbability,
      double mutationProbability) {
    this.study = study;
    this.domination = domination;
    this.crossoverProbability = crossoverProbability;
    this.mutationProbability = mutationProbability;
  }

  /**
   * A child of {@code parents}, or a uniform draw while there are fewer than two (generation 0).
   */
  Suggestion child(List<TrialView> parents, RandomGenerator random) {
    if (parents.size() < 2) {
      return Suggestion.of(study.space().assign((p, a) -> Uniform.sample(p.domain(), random)));
    }
    TrialView first = tournament(parents, random);
    TrialView second = tournament(parents, random);
    boolean cross = random.nextDouble() < crossoverProbability;
    double mutation =
        mutationProbability > 0 ? mutationProbability : 1.0 / study.space().parameters().size();
    return Suggestion.of(
        study
            .space()
            .assign(
                (p, assigned) -> {
                  if (random.nextDouble() < mutation) {
                    return Uniform.sample(p.domain(), random);
                  }
                  TrialView from = cross && random.nextBoolean() ? second : first;
                  ParamValue inherited = from.params().get(p.name());
                  // a conditional parameter the parent did not have (another branch) is drawn fresh
                  return inherited != null && p.domain().contains(inherited)
                      ? inherited
                      : Uniform.sample(p.domain(), random);
                }));
  }

  private TrialView tournament(List<TrialView> population, RandomGenerator random) {
    TrialView a = population.get(random.nextInt(population.size()));
    TrialView b = population.get(random.nextInt(population.size()));
    return domination.dominates(b, a) ? b : a;
  }
}
