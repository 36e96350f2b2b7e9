package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import vernier.spi.Constraint;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.SamplingContext;
import vernier.spi.Sampler;
import vernier.spi.StudyDefinition;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.TrialState;
import vernier.spi.TrialView;
import vernier.spi.Uniform;

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
 * cached), so a restart loses nothing.
 */
final class Nsga2Sampler implements Sampler {

  private final StudyDefinition study;
  private final int populationSize;
  private final double crossoverProbability;
  private final double mutationProbability;
  private final Map<Integer, List<TrialView>> parents = new HashMap<>();

  Nsga2Sampler(StudyDefinition study, int populationSize, double crossoverProbability, double mutationProbability) {
    this.study = study;
    this.populationSize = populationSize;
    this.crossoverProbability = crossoverProbability;
    this.mutationProbability = mutationProbability;
  }

  @Override
  public Suggestion suggest(StudyView view, SamplingContext context) {
    RandomGenerator random = context.random();
    int generation = view.trials().size() / populationSize;
    List<TrialView> population = generation == 0 ? List.of() : parents(view, generation);
    if (population.size() < 2) {
      return Suggestion.of(study.space().assign((p, a) -> Uniform.sample(p.domain(), random)));
    }
    TrialView first = tournament(population, random);
    TrialView second = tournament(population, random);
    boolean cross = random.nextDouble() < crossoverProbability;
    double mutation = mutationProbability > 0 ? mutationProbability : 1.0 / study.space().parameters().size();
    return Suggestion.of(study.space().assign((p, assigned) -> {
      if (random.nextDouble() < mutation) {
        return Uniform.sample(p.domain(), random);
      }
      TrialView from = cross && random.nextBoolean() ? second : first;
      ParamValue inherited = from.params().get(p.name());
      return inherited != null && p.domain().contains(inherited) ? inherited : Uniform.sample(p.domain(), random);
    }));
  }

  /** The parents of {@code generation} (1 or more). */
  private List<TrialView> parents(StudyView view, int generation) {
    List<TrialView> cached = parents.get(generation);
    if (cached != null) {
      return cached;
    }
    List<TrialView> pool = new ArrayList<>(generation > 1 ? parents(view, generation - 1) : List.of());
    List<? extends TrialView> trials = view.trials();
    for (int k = (generation - 1) * populationSize; k < Math.min(trials.size(), generation * populationSize); k++) {
      TrialView t = trials.get(k);
      if (t.state() == TrialState.SUCCEEDED && hasAllObjectives(t)) {
        pool.add(t);
      }
    }
    List<TrialView> selected = select(pool);
    if (generationIsComplete(trials, generation)) {
      parents.put(generation, selected); // a later trial of g-1 may still finish otherwise
    }
    return selected;
  }

  private boolean generationIsComplete(List<? extends TrialView> trials, int generation) {
    for (int k = (generation - 1) * populationSize; k < generation * populationSize; k++) {
      if (k >= trials.size() || !trials.get(k).state().isFinished()) {
        return false;
      }
    }
    return true;
  }

  private boolean hasAllObjectives(TrialView t) {
    return study.objectives().stream().allMatch(o -> t.value(o.metric()).isPresent());
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
      front.sort(Comparator.comparingDouble((TrialView t) -> -crowding.get(t)).thenComparingLong(TrialView::number));
      out.addAll(front.subList(0, populationSize - out.size()));
      break;
    }
    return out;
  }

  /** Non-dominated fronts (best first) under constrained domination. */
  List<List<TrialView>> fronts(List<TrialView> pool) {
    List<List<TrialView>> fronts = new ArrayList<>();
    List<TrialView> remaining = new ArrayList<>(pool);
    while (!remaining.isEmpty()) {
      List<TrialView> front = new ArrayList<>();
      for (TrialView a : remaining) {
        if (remaining.stream().noneMatch(b -> b != a && dominates(b, a))) {
          front.add(a);
        }
      }
      remaining.removeAll(front);
      fronts.add(front);
    }
    return fronts;
  }

  private Map<TrialView, Double> crowding(List<TrialView> front) {
    Map<TrialView, Double> distance = new LinkedHashMap<>();
    front.forEach(t -> distance.put(t, 0.0));
    for (Objective o : study.objectives()) {
      List<TrialView> sorted = new ArrayList<>(front);
      sorted.sort(Comparator.comparingDouble(t -> loss(t, o)));
      double span = loss(sorted.get(sorted.size() - 1), o) - loss(sorted.get(0), o);
      distance.put(sorted.get(0), Double.POSITIVE_INFINITY);
      distance.put(sorted.get(sorted.size() - 1), Double.POSITIVE_INFINITY);
      for (int i = 1; i < sorted.size() - 1 && span > 0; i++) {
        distance.merge(sorted.get(i), (loss(sorted.get(i + 1), o) - loss(sorted.get(i - 1), o)) / span, Double::sum);
      }
    }
    return distance;
  }

  private TrialView tournament(List<TrialView> population, RandomGenerator random) {
    TrialView a = population.get(random.nextInt(population.size()));
    TrialView b = population.get(random.nextInt(population.size()));
    return dominates(b, a) ? b : a;
  }

  /** Constrained domination (Deb 2002). */
  boolean dominates(TrialView a, TrialView b) {
    double va = violation(a);
    double vb = violation(b);
    if (va > 0 || vb > 0) {
      return va < vb;
    }
    boolean strictly = false;
    for (Objective o : study.objectives()) {
      double la = loss(a, o);
      double lb = loss(b, o);
      if (la > lb) {
        return false;
      }
      strictly |= la < lb;
    }
    return strictly;
  }

  private double violation(TrialView t) {
    double total = 0;
    for (Constraint c : study.constraints()) {
      total += c.violation(t.value(c.metric()).orElse(Double.NaN));
    }
    return total;
  }

  private static double loss(TrialView t, Objective o) {
    return o.direction().toLoss(t.value(o.metric()).orElse(Double.NaN));
  }
}
