package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import vernier.spi.Sampler;
import vernier.spi.SamplingContext;
import vernier.spi.StudyDefinition;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.TrialView;

/**
 * NSGA-III: Deb and Jain, "An Evolutionary Many-Objective Optimization Algorithm Using
 * Reference-Point-Based Nondominated Sorting Approach, Part I: Solving Problems With Box
 * Constraints", IEEE TEVC 18(4), 2014.
 *
 * <p>Everything but survival selection is {@code nsga2}'s ({@link Generations}, {@link Domination},
 * {@link Offspring}): generations are blocks of {@code population_size} trials rebuilt from the
 * study, domination is constrained, children come from binary tournaments, uniform crossover and
 * uniform mutation as in Optuna. Where NSGA-II cuts the last front that does not fit by crowding
 * distance, NSGA-III normalizes the kept members' losses ({@link Normalization}), associates each
 * with the nearest of Das and Dennis's reference directions ({@link ReferencePoints}) and fills the
 * population niche by niche ({@link Niching}); crowding distance fails to spread points once there
 * are more than two or three objectives, reference directions do not.
 *
 * <p>The extreme points are found afresh each generation from the kept members rather than carried
 * over as in the paper, so the state stays a function of the study's trials.
 */
final class Nsga3Sampler implements Sampler {

  private final StudyDefinition study;
  private final int populationSize;
  private final Domination domination;
  private final Niching niching;
  private final Generations generations;
  private final Offspring offspring;

  Nsga3Sampler(
      StudyDefinition study,
      int populationSize,
      int divisions,
      double crossoverProbability,
      double mutationProbability) {
    this.study = study;
    this.populationSize = populationSize;
    this.domination = new Domination(study);
    this.niching = new Niching(ReferencePoints.dasDennis(study.objectives().size(), divisions));
    this.generations =
        new Generations(
            domination,
            populationSize,
            (pool, generation) -> select(pool, selectionRandom(generation)));
    this.offspring = new Offspring(study, domination, crossoverProbability, mutationProbability);
  }

  @Override
  public Suggestion suggest(StudyView view, SamplingContext context) {
    return offspring.child(generations.parentsOfNext(view), context.random());
  }

  /** The current parents: the population the next trial's generation is bred from. */
  List<TrialView> parents(StudyView view) {
    return generations.parentsOfNext(view);
  }

  int referencePoints() {
    return niching.size();
  }

  /**
   * Ties in niching are random, but the parents of a generation must not depend on which trial's
   * call first computes them (after a restart it is another one), so the source is derived from the
   * study seed and the generation, not from the per-call {@link SamplingContext#random()}.
   */
  private RandomGenerator selectionRandom(int generation) {
    return new SplittableRandom(study.seed() ^ (0x9E3779B97F4A7C15L * (generation + 1)));
  }

  /** Elitist selection: whole fronts while they fit, then the last front niche by niche. */
  List<TrialView> select(List<TrialView> pool, RandomGenerator random) {
    List<List<TrialView>> fronts = domination.fronts(pool);
    List<TrialView> out = new ArrayList<>();
    for (List<TrialView> front : fronts) {
      if (out.size() == populationSize) {
        break;
      }
      if (out.size() + front.size() <= populationSize) {
        out.addAll(front);
        continue;
      }
      out.addAll(cut(out, fronts.get(0), front, random));
    }
    return out;
  }

  /**
   * The {@code populationSize - kept.size()} members of {@code last} that best fill empty niches.
   */
  private List<TrialView> cut(
      List<TrialView> kept,
      List<TrialView> firstFront,
      List<TrialView> last,
      RandomGenerator random) {
    List<TrialView> members = new ArrayList<>(kept);
    members.addAll(last);
    double[][] losses = new double[members.size()][];
    boolean[] nondominated = new boolean[members.size()];
    for (int i = 0; i < members.size(); i++) {
      losses[i] = domination.losses(members.get(i));
      nondominated[i] = firstFront.contains(members.get(i));
    }
    double[][] normalized = Normalization.normalize(losses, nondominated);
    Niching.Association[] associations = new Niching.Association[members.size()];
    int[] niches = new int[niching.size()];
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      associations[i] = niching.associate(normalized[i]);
      if (i < kept.size()) {
        niches[associations[i].reference()]++;
      } else {
        candidates.add(i);
      }
    }
    List<TrialView> out = new ArrayList<>();
    for (int i :
        niching.choose(associations, candidates, populationSize - kept.size(), niches, random)) {
      out.add(members.get(i));
    }
    return out;
  }
}
