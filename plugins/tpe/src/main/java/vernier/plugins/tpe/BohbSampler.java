package vernier.plugins.tpe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import vernier.spi.Objective;
import vernier.spi.Sampler;
import vernier.spi.SamplingContext;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.TrialView;
import vernier.spi.Uniform;
import vernier.spi.WithPending;

/**
 * BOHB's sampler: Falkner, Klein and Hutter, "BOHB: Robust and Efficient Hyperparameter
 * Optimization at Scale", ICML 2018. Paired with the {@code hyperband} pruner, which decides how
 * far each trial trains, it replaces Hyperband's random configurations with a TPE model fitted per
 * budget.
 *
 * <p>The budgets are Hyperband's rung steps {@code min_resource · reduction_factor^k} up to {@code
 * max_resource}. A trial's loss at budget b is its first reported value of the objective metric at
 * or after step b. The model uses the largest budget with at least {@code parameters + 1 + 2}
 * observations (the paper's N_min + 2), splits them at {@code gamma} (the paper's 15 %) and
 * suggests by l/g over {@code n_ei_candidates} draws from l with its bandwidths widened by {@code
 * bandwidth_factor} (the paper's b_w = 3); a {@code random_fraction} of suggestions (the paper's
 * 1/3) stays uniformly random so the model cannot lock itself in.
 */
final class BohbSampler implements Sampler {

  private final TpeSampler tpe;
  private final Objective objective;
  private final long minResource;
  private final long maxResource;
  private final int reductionFactor;
  private final double randomFraction;
  private final int minPoints;

  BohbSampler(
      TpeSampler tpe,
      Objective objective,
      long minResource,
      long maxResource,
      int reductionFactor,
      double randomFraction,
      int parameters) {
    this.tpe = tpe;
    this.objective = objective;
    this.minResource = minResource;
    this.maxResource = maxResource;
    this.reductionFactor = reductionFactor;
    this.randomFraction = randomFraction;
    this.minPoints = parameters + 1 + 2;
  }

  @Override
  public Suggestion suggest(StudyView study, SamplingContext context) {
    return suggestBatch(study, 1, context).get(0);
  }

  /**
   * What as many calls of {@link #suggest} would give, each seeing the batch's earlier points as
   * running trials; a budget's scores and TPE model are built once per batch (the points of a batch
   * have no values yet, so they change neither).
   */
  @Override
  public List<Suggestion> suggestBatch(StudyView study, int count, SamplingContext context) {
    Sampler.requireCount(count);
    RandomGenerator random = context.random();
    Map<Long, List<TpeSampler.Scored>> scores = new HashMap<>();
    Map<Long, TpeSampler.Step> steps = new HashMap<>();
    WithPending view = new WithPending(study);
    List<Suggestion> out = new ArrayList<>(count);
    while (out.size() < count) {
      Suggestion.Params next = null;
      if (random.nextDouble() >= randomFraction) {
        for (long budget : budgetsLargestFirst()) {
          List<TpeSampler.Scored> scored = scores.computeIfAbsent(budget, b -> scoredAt(study, b));
          if (scored.size() >= minPoints) {
            next =
                steps.computeIfAbsent(budget, b -> tpe.step(scored, List.of())).next(view, random);
            break;
          }
        }
      }
      if (next == null) {
        next =
            new Suggestion.Params(
                study.definition().space().assign((p, a) -> Uniform.sample(p.domain(), random)));
      }
      out.add(next);
      view.add(next);
    }
    return out;
  }

  private List<Long> budgetsLargestFirst() {
    List<Long> budgets = new ArrayList<>();
    for (long b = minResource; b <= maxResource; b *= reductionFactor) {
      budgets.add(0, b);
    }
    return budgets;
  }

  /** Every trial's loss at {@code budget}: its first value at or after that step. */
  private List<TpeSampler.Scored> scoredAt(StudyView study, long budget) {
    List<TpeSampler.Scored> out = new ArrayList<>();
    for (TrialView t : study.trials()) {
      Map.Entry<Long, Double> e = t.intermediate(objective.metric()).ceilingEntry(budget);
      if (e != null && Double.isFinite(e.getValue())) {
        out.add(new TpeSampler.Scored(t, objective.direction().toLoss(e.getValue())));
      }
    }
    return out;
  }
}
