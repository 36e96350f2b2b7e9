package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import vernier.spi.Pareto;
import vernier.spi.Sampler;
import vernier.spi.SamplingContext;
import vernier.spi.StudyDefinition;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.TrialView;

/**
 * NSGA-II: Deb, Pratap, Agarwal and Meyarivan, "A Fast and Elitist Multiobjective Genetic
 * Algorithm: NSGA-II", IEEE TEC 6(2), 2002, with constrained domination (a feasible trial dominates
 * an infeasible one; of two infeasible ones, the smaller total violation wins) and the operators of
 * Optuna's {@code NSGAIISampler}: uniform crossover, per-parameter mutation to a uniform draw.
 *
 * <p>Trial k belongs to generation {@code k / population_size}; generation 0 is random. The parents
 * of generation g are the best {@code population_size} of generation g-1's succeeded trials and
 * g-1's parents, by non-dominated rank then crowding distance; each child comes from two parents
 * chosen by binary tournament. Parent populations are recomputed from the study when needed (and
 * cached), so a restart loses nothing. {@link Generations}, {@link Domination} and {@link
 * Offspring} are shared with {@code nsga3}, which differs only in how the last front is cut.
 */
final class Nsga2Sampler implements Sampler {

  private final StudyDefinition study;
  private final int populationSize;
  private final Domination domination;
  private final Generations generations;
  private final Offspring offspring;

  Nsga2Sampler(
      StudyDefinition study,
      int populationSize,
      double crossoverProbability,
      double mutationProbability) {
    this.study = study;
    this.populationSize = populationSize;
    this.domination = new Domination(study);
    this.generations =
        new Generations(domination, populationSize, (pool, generation) -> select(pool));
    this.offspring = new Offspring(study, domination, crossoverProbability, mutationProbability);
  }

  @Override
  public Suggestion suggest(StudyView view, SamplingContext context) {
    return offspring.child(generations.parentsOfNext(view), context.random());
  }

  /** Elitist selection: whole fronts while they fit, then the least crowded of the next one. */
  List<TrialView> select(List<TrialView> pool) {
    List<TrialView> out = new ArrayList<>();
    for (List<TrialView> front : fronts(pool)) {
      if (out.size() + front.size() <= populationSize) {
        out.addAll(front);
        continue;
      }
      Map<TrialView, Double> crowding = crowding(front);
      front.sort(
          Comparator.comparingDouble((TrialView t) -> -crowding.get(t))
              .thenComparingLong(TrialView::number));
      out.addAll(front.subList(0, populationSize - out.size()));
      break;
    }
    return out;
  }

  /** Non-dominated fronts (best first) under constrained domination. */
  List<List<TrialView>> fronts(List<TrialView> pool) {
    return domination.fronts(pool);
  }

  /** Constrained domination (Deb 2002). */
  boolean dominates(TrialView a, TrialView b) {
    return domination.dominates(a, b);
  }

  private Map<TrialView, Double> crowding(List<TrialView> front) {
    double[] d = Pareto.crowdingDistances(front.stream().map(domination::losses).toList());
    Map<TrialView, Double> distance = new HashMap<>();
    for (int i = 0; i < d.length; i++) {
      distance.put(front.get(i), d[i]);
    }
    return distance;
  }
}
