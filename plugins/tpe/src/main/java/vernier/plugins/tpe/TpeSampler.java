package vernier.plugins.tpe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.random.RandomGenerator;
import vernier.spi.Condition;
import vernier.spi.Constraint;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.Sampler;
import vernier.spi.SamplingContext;
import vernier.spi.SearchSpace;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.TrialState;
import vernier.spi.TrialView;
import vernier.spi.Uniform;
import vernier.spi.WithPending;

/**
 * The Tree-structured Parzen Estimator: Bergstra, Bardenet, Bengio and Kégl, "Algorithms for
 * Hyper-Parameter Optimization", NeurIPS 2011; the components follow Watanabe, "Tree-Structured
 * Parzen Estimator: Understanding Its Algorithm Components and Their Roles for Better Empirical
 * Performance", 2023, and Optuna's defaults.
 *
 * <p>After {@code n_startup_trials} random trials, the finished trials are split into the best
 * {@code min(ceil(gamma · n), gamma_max)} ("below") and the rest ("above"); pruned trials count as
 * above, and so do running ones when {@code constant_liar} is on, so parallel workers are steered
 * away from points already being evaluated. A Parzen estimator l is fitted to the below trials and
 * g to the above ones (older trials weigh less once there are more than 25), {@code
 * n_ei_candidates} points are drawn from l, and the one with the largest l/g is suggested.
 *
 * <p>Constraints follow c-TPE (Watanabe and Hutter, "c-TPE: Tree-Structured Parzen Estimator with
 * Inequality Constraints for Expensive Hyperparameter Optimization", IJCAI 2023): besides the
 * objective's split, each constraint splits the trials into those that satisfy it and those that do
 * not, and a candidate's score is the product over splits of the relative density ratios {@code
 * (gamma + (1 - gamma) g/l)^-1}, candidates being drawn from every split's l. The objective's good
 * set is stretched until it holds {@code goodCount} feasible trials. {@code
 * constraint_model=violation} keeps Optuna 3.1's rule instead: one split, feasible trials first and
 * infeasible ones by their total violation.
 *
 * <p>Conditional spaces are handled by groups: consecutive parameters with the same condition form
 * a group, sampled (jointly when {@code multivariate}) from the trials in which that group was
 * active, after its parents are assigned. Nothing falls back to independent random sampling.
 *
 * <p>Several objectives make it MOTPE (Ozaki et al., JAIR 2022): the good trials are the first
 * non-dominated fronts, completed by greedy hypervolume selection (see {@link ParetoRank}), and the
 * good trials are weighted by their hypervolume contribution instead of by age.
 *
 * <p>A batch ({@link #suggestBatch}) gives exactly what as many calls of {@link #suggest} would,
 * each seeing the batch's earlier points as running trials (the constant liar: Ginsbourger, Le
 * Riche and Carraro, "Kriging is well-suited to parallelize optimization", 2010, as Optuna's {@code
 * constant_liar} applies it to TPE), with the same random draws in the same order. What does not
 * depend on the running trials is built once per batch (a {@link Step}): the scores of the finished
 * trials (MOTPE's ranks), the splits, every good estimator l, and the constraints' bad estimators;
 * only the objective's bad estimator g, which holds the running trials, is rebuilt for each point
 * (and not even that without the liar).
 */
final class TpeSampler implements Sampler {

  private static final int FLAT_WEIGHTS = 25;

  private final Settings settings;

  /**
   * What is sampled jointly, in order: each group when multivariate, else each parameter alone (a
   * group's parameters share one condition, whose parent is outside the group).
   */
  private final List<List<Parameter>> units;

  /** The estimator axes of each unit. */
  private final List<List<Kernel>> unitKernels;

  private final List<Objective> objectives;
  private final List<Constraint> constraints;

  /** Models and estimators built so far (for tests: what a batch shares). */
  private int steps;

  private int estimators;

  /**
   * {@code ctpe}: constraints by c-TPE's density ratios; false: Optuna 3.1's violation order.
   * {@code candidateWidening}: bandwidth factor of the draws from l (1 for TPE; BOHB's b_w). {@code
   * bandwidth}: the rule for joint kernels (see {@link Bandwidth}).
   */
  record Settings(
      int startupTrials,
      int candidates,
      boolean multivariate,
      double gamma,
      int gammaMax,
      double priorWeight,
      boolean constantLiar,
      boolean ctpe,
      double candidateWidening,
      Bandwidth bandwidth) {}

  /**
   * The bandwidth rule for a joint kernel (a lone parameter always takes the neighbour gaps):
   * per-axis neighbour gaps (Watanabe 2023's {@code hyperopt} rule), Scott's rule (BOHB's KDE,
   * Optuna 3.1's multivariate TPE), or {@code AUTO}: neighbour gaps for groups of numbers with one
   * objective, Scott's rule for a group that holds a categorical parameter and for MOTPE. Measured
   * (see docs/benchmarks.md): neighbour gaps win on every continuous single-objective problem of
   * the benchmark, but with a category in the kernel each component ties its numbers to one choice
   * and narrow kernels then commit l to the first good choice (problem {@code mixed}: 11 of 40
   * seeds ended in the wrong optimizer, 4 of 40 under Scott's rule), and MOTPE's good set spreads
   * along a front that narrow kernels cover less well (hypervolume on ZDT1 10.49 to 9.98, DTLZ2
   * 0.431 to 0.352).
   */
  enum Bandwidth {
    AUTO,
    NEIGHBOURS,
    SCOTT
  }

  TpeSampler(
      SearchSpace space,
      List<Objective> objectives,
      List<Constraint> constraints,
      Settings settings) {
    this.settings = settings;
    this.objectives = List.copyOf(objectives);
    this.constraints = List.copyOf(constraints);
    this.units = new ArrayList<>();
    for (List<Parameter> group : groups(space)) {
      if (settings.multivariate()) {
        units.add(group);
      } else {
        group.forEach(p -> units.add(List.of(p)));
      }
    }
    this.unitKernels =
        units.stream().map(u -> u.stream().map(p -> new Kernel(p.domain())).toList()).toList();
  }

  /**
   * Runs of consecutive parameters sharing one condition (parents always precede their children).
   */
  private static List<List<Parameter>> groups(SearchSpace space) {
    List<List<Parameter>> out = new ArrayList<>();
    Optional<Condition> current = null;
    for (Parameter p : space.parameters()) {
      if (out.isEmpty()
          || !Objects.equals(current, p.condition())
          || dependsOnGroup(out.get(out.size() - 1), p)) {
        out.add(new ArrayList<>());
        current = p.condition();
      }
      out.get(out.size() - 1).add(p);
    }
    return out;
  }

  private static boolean dependsOnGroup(List<Parameter> group, Parameter p) {
    return p.condition()
        .map(c -> group.stream().anyMatch(g -> g.name().equals(c.parent())))
        .orElse(false);
  }

  @Override
  public Suggestion suggest(StudyView study, SamplingContext context) {
    return suggestBatch(study, 1, context).get(0);
  }

  @Override
  public List<Suggestion> suggestBatch(StudyView study, int count, SamplingContext context) {
    Sampler.requireCount(count);
    RandomGenerator random = context.random();
    List<Suggestion> out = new ArrayList<>(count);
    List<Scored> finished = finished(study);
    if (finished.size() < settings.startupTrials()) {
      // the batch's points are running, not finished: all of it stays in the start-up phase
      while (out.size() < count) {
        out.add(
            Suggestion.of(
                study.definition().space().assign((p, a) -> Uniform.sample(p.domain(), random))));
      }
      return out;
    }
    Step step = step(finished, study.trials(TrialState.PRUNED));
    WithPending view = new WithPending(study);
    while (out.size() < count) {
      Suggestion.Params params = step.next(view, random);
      out.add(params);
      view.add(params);
    }
    return out;
  }

  /**
   * The TPE model of given scores: {@code finished} split into good and bad, {@code alsoBad} (and,
   * at each point, the running trials under constant liar) added to the bad ones. BOHB calls this
   * with its per-budget scores.
   */
  Step step(List<Scored> finished, List<? extends TrialView> alsoBad) {
    steps++;
    return new Step(finished, alsoBad);
  }

  /** How many models ({@link #step}) and estimators this sampler has built (for tests). */
  int[] built() {
    return new int[] {steps, estimators};
  }

  /**
   * One model of the finished trials: the splits, and the estimators that do not depend on the
   * running trials, built when first needed and kept for the points of a batch.
   */
  final class Step {

    /** The objective's split, its bad trials without the running ones. */
    private final Split objective;

    private final List<Split> splits = new ArrayList<>();

    /** Per unit: [split][0: l, 1: g]; the objective's g is null here under constant liar. */
    private final Map<Integer, ParzenEstimator[][]> kept = new HashMap<>();

    private Step(List<Scored> finished, List<? extends TrialView> alsoBad) {
      objective = objectiveSplit(finished, alsoBad);
      splits.add(objective);
      if (settings.ctpe()) {
        for (Constraint c : constraints) {
          constraintSplit(c, finished).ifPresent(splits::add);
        }
      }
    }

    /** Suggests one point, with {@code study}'s running trials bad under constant liar. */
    Suggestion.Params next(StudyView study, RandomGenerator random) {
      List<TrialView> liedBad = null;
      if (settings.constantLiar()) {
        liedBad = new ArrayList<>(objective.bad());
        liedBad.addAll(study.running());
        liedBad = byNumber(liedBad);
      }
      Map<String, ParamValue> assigned = new LinkedHashMap<>();
      for (int u = 0; u < units.size(); u++) {
        List<Parameter> unit = units.get(u);
        if (!SearchSpace.isActive(unit.get(0), assigned)) {
          continue;
        }
        ParzenEstimator[][] models = kept.computeIfAbsent(u, this::fixedEstimators).clone();
        if (liedBad != null) {
          models[0] = new ParzenEstimator[] {models[0][0], estimator(u, liedBad, null)};
        }
        double[] best = bestCandidate(models, random);
        for (int d = 0; d < unit.size(); d++) {
          assigned.put(unit.get(d).name(), unitKernels.get(u).get(d).decode(best[d]));
        }
      }
      return new Suggestion.Params(assigned);
    }

    private ParzenEstimator[][] fixedEstimators(int unit) {
      ParzenEstimator[][] models = new ParzenEstimator[splits.size()][];
      for (int k = 0; k < models.length; k++) {
        Split s = splits.get(k);
        models[k] =
            new ParzenEstimator[] {
              estimator(unit, s.good(), s.goodWeights()),
              k == 0 && settings.constantLiar() ? null : estimator(unit, s.bad(), null)
            };
      }
      return models;
    }

    /**
     * The best of {@code n_ei_candidates} draws from each split's l, scored by the sum over splits
     * of the log relative density ratio {@code -log(gamma + (1 - gamma) · g/l)}. With a single
     * split this ranks as l/g does; c-TPE needs the relative form so that a constraint nearly
     * everyone satisfies (gamma near 1) weighs little (Watanabe and Hutter 2023, section 4).
     */
    private double[] bestCandidate(ParzenEstimator[][] models, RandomGenerator random) {
      double[] best = null;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (ParzenEstimator[] source : models) {
        for (int i = 0; i < settings.candidates(); i++) {
          double[] x = source[0].sample(random, settings.candidateWidening());
          double score = 0;
          for (int k = 0; k < splits.size(); k++) {
            double gamma = splits.get(k).gamma();
            if (gamma >= 1) {
              continue; // no bad trials: a constant ratio
            }
            score -=
                logAddExp(
                    Math.log(gamma),
                    Math.log1p(-gamma) + models[k][1].logPdf(x) - models[k][0].logPdf(x));
          }
          if (best == null || score > bestScore) {
            best = x;
            bestScore = score;
          }
        }
      }
      return best;
    }
  }

  /**
   * One density ratio of the acquisition: good and bad trials (both by number), the good ones'
   * weights (null: by age), and {@code gamma}, the good fraction of the finished trials.
   */
  private record Split(
      List<TrialView> good, Map<Long, Double> goodWeights, List<TrialView> bad, double gamma) {
    Split {
      good = byNumber(good);
      bad = byNumber(bad);
    }
  }

  /**
   * The objective's split, without the running trials. Under c-TPE the finished trials are ordered
   * by loss alone and the good set is the shortest prefix holding {@code goodCount} feasible trials
   * (all of them while fewer are feasible, which leaves the search to the constraints' ratios).
   * Otherwise (Optuna 3.1's rule) feasible trials come first, then infeasible ones by total
   * violation.
   */
  private Split objectiveSplit(List<Scored> finished, List<? extends TrialView> alsoBad) {
    List<Scored> sorted = new ArrayList<>(finished);
    Comparator<Scored> byLoss =
        Comparator.comparingDouble(Scored::loss).thenComparingLong(s -> s.trial().number());
    sorted.sort(
        settings.ctpe()
            ? byLoss
            : Comparator.comparing((Scored s) -> !feasible(s.trial()))
                .thenComparingDouble(this::violation)
                .thenComparing(byLoss));
    int below =
        settings.ctpe()
            ? prefixWithFeasible(sorted, goodCount(sorted.size()))
            : goodCount(sorted.size());
    List<TrialView> good = sorted.subList(0, below).stream().map(Scored::trial).toList();
    List<TrialView> bad =
        new ArrayList<>(sorted.subList(below, sorted.size()).stream().map(Scored::trial).toList());
    bad.addAll(alsoBad);
    Map<Long, Double> weights =
        objectives.size() > 1 ? hypervolumeWeights(sorted.subList(0, below)) : null;
    return new Split(good, weights, bad, sorted.isEmpty() ? 1 : (double) below / sorted.size());
  }

  /**
   * The length of the shortest prefix of {@code sorted} with {@code wanted} feasible trials, or all
   * of it.
   */
  private int prefixWithFeasible(List<Scored> sorted, int wanted) {
    int feasible = 0;
    for (int i = 0; i < sorted.size(); i++) {
      feasible += feasible(sorted.get(i).trial()) ? 1 : 0;
      if (feasible >= wanted) {
        return i + 1;
      }
    }
    return sorted.size();
  }

  /**
   * c-TPE's split for one constraint: good are the completed trials that satisfy it (or, while none
   * does, the one closest to it), bad the other completed ones. Empty when nothing violates it, as
   * its ratio would be constant.
   */
  private Optional<Split> constraintSplit(Constraint c, List<Scored> finished) {
    List<TrialView> good = new ArrayList<>();
    List<TrialView> bad = new ArrayList<>();
    TrialView closest = null;
    double closestViolation = Double.POSITIVE_INFINITY;
    for (Scored s : finished) {
      TrialView t = s.trial();
      if (t.state() != TrialState.SUCCEEDED) {
        continue; // BOHB also scores running trials, whose constraint metrics are not known yet
      }
      double violation = c.violation(t.value(c.metric()).orElse(Double.NaN));
      (violation == 0 ? good : bad).add(t);
      if (violation < closestViolation) {
        closest = t;
        closestViolation = violation;
      }
    }
    if (bad.isEmpty()) {
      return Optional.empty();
    }
    if (good.isEmpty() && closest != null) {
      bad.remove(closest);
      good.add(closest);
    }
    return Optional.of(
        new Split(good, null, bad, (double) good.size() / (good.size() + bad.size())));
  }

  private static List<TrialView> byNumber(List<TrialView> trials) {
    List<TrialView> sorted = new ArrayList<>(trials);
    sorted.sort(Comparator.comparingLong(TrialView::number));
    return sorted;
  }

  private static double logAddExp(double a, double b) {
    double max = Math.max(a, b);
    return max == Double.NEGATIVE_INFINITY
        ? max
        : max + Math.log(Math.exp(a - max) + Math.exp(b - max));
  }

  /**
   * The estimator of a unit over {@code trials} (those in which it is active); weights by trial
   * number ({@code weights}), or Optuna's recency weights when null.
   */
  private ParzenEstimator estimator(int unit, List<TrialView> trials, Map<Long, Double> weights) {
    estimators++;
    List<Parameter> group = units.get(unit);
    List<Kernel> kernels = unitKernels.get(unit);
    List<double[]> points = new ArrayList<>();
    List<Double> given = new ArrayList<>();
    for (TrialView t : trials) {
      double[] x = new double[group.size()];
      boolean complete = true;
      for (int d = 0; d < x.length && complete; d++) {
        ParamValue v = t.params().get(group.get(d).name());
        complete = v != null && group.get(d).domain().contains(v);
        x[d] = complete ? kernels.get(d).encode(v) : 0;
      }
      if (complete) {
        points.add(x);
        given.add(weights == null ? 1.0 : weights.get(t.number()));
      }
    }
    double[] w =
        weights == null
            ? weights(points.size())
            : given.stream().mapToDouble(Double::doubleValue).toArray();
    return new ParzenEstimator(
        kernels, points.toArray(double[][]::new), w, settings.priorWeight(), scott(kernels));
  }

  /** Whether a unit with these axes takes Scott's rule (see {@link Bandwidth}). */
  private boolean scott(List<Kernel> kernels) {
    return switch (settings.bandwidth()) {
      case SCOTT -> true;
      case NEIGHBOURS -> false;
      case AUTO -> objectives.size() > 1 || kernels.stream().anyMatch(k -> k.categorical);
    };
  }

  /**
   * MOTPE's weights of the good trials: each one's hypervolume contribution within the good set,
   * relative to the largest (at least 1e-12), so the trials that define the front weigh most.
   */
  private static Map<Long, Double> hypervolumeWeights(List<Scored> good) {
    double[] contributions =
        ParetoRank.contributions(good.stream().map(Scored::objectives).toList());
    Map<Long, Double> weights = new HashMap<>();
    for (int i = 0; i < good.size(); i++) {
      weights.put(good.get(i).trial().number(), contributions[i]);
    }
    return weights;
  }

  /**
   * Whether a trial counts as feasible; without constraints every trial does (BOHB also scores
   * running trials, which the server marks feasible only once they succeed).
   */
  private boolean feasible(TrialView t) {
    return constraints.isEmpty() || t.feasible();
  }

  /**
   * 0 for a feasible trial, else the sum of its constraints' violations (a missing metric:
   * infinite).
   */
  private double violation(Scored s) {
    if (feasible(s.trial())) {
      return 0;
    }
    double total = 0;
    for (Constraint c : constraints) {
      total += c.violation(s.trial().value(c.metric()).orElse(Double.NaN));
    }
    return total;
  }

  /** How many of {@code n} finished trials are good: min(ceil(gamma · n), gamma_max). */
  private int goodCount(int n) {
    return Math.min((int) Math.ceil(settings.gamma() * n), settings.gammaMax());
  }

  /**
   * Optuna's default weights: flat for the newest 25, a linear ramp up from 1/n for the older ones.
   */
  static double[] weights(int n) {
    double[] w = new double[n];
    int ramp = Math.max(0, n - FLAT_WEIGHTS);
    for (int i = 0; i < n; i++) {
      w[i] = i < ramp ? (ramp == 1 ? 1.0 / n : 1.0 / n + (1 - 1.0 / n) * i / (ramp - 1)) : 1;
    }
    return w;
  }

  /**
   * MOTPE's order. Under Optuna 3.1's constraint rule only the feasible trials are ranked (the
   * infeasible ones follow by violation); under c-TPE the objectives are modelled apart from the
   * constraints, so all are ranked together.
   */
  private double[] paretoScores(List<TrialView> trials, List<double[]> losses) {
    double[] scores = new double[trials.size()];
    List<Integer> ranked = new ArrayList<>();
    for (int i = 0; i < trials.size(); i++) {
      if (settings.ctpe() || feasible(trials.get(i))) {
        ranked.add(i);
      } else {
        scores[i] = Double.POSITIVE_INFINITY;
      }
    }
    double[] rankedScores =
        ParetoRank.scores(
            ranked.stream().map(losses::get).toArray(double[][]::new),
            goodCount(ranked.size()),
            k -> feasible(trials.get(ranked.get(k))));
    for (int k = 0; k < ranked.size(); k++) {
      scores[ranked.get(k)] = rankedScores[k];
    }
    return scores;
  }

  /**
   * A finished trial's score (its loss, or MOTPE's rank) and, with several objectives, their
   * losses.
   */
  record Scored(TrialView trial, double loss, double[] objectives) {
    Scored(TrialView trial, double loss) {
      this(trial, loss, null);
    }
  }

  /**
   * The completed trials with all objective values, scored: the loss for one objective; for
   * several, MOTPE's order ({@link ParetoRank}), so "good" means the first non-dominated fronts.
   */
  private List<Scored> finished(StudyView study) {
    List<TrialView> trials = new ArrayList<>();
    List<double[]> losses = new ArrayList<>();
    for (TrialView t : study.completed()) {
      double[] loss = new double[objectives.size()];
      boolean finite = true;
      for (int m = 0; m < loss.length && finite; m++) {
        OptionalDouble v = t.value(objectives.get(m).metric());
        finite = v.isPresent() && Double.isFinite(v.getAsDouble());
        loss[m] = finite ? objectives.get(m).direction().toLoss(v.getAsDouble()) : 0;
      }
      if (finite) {
        trials.add(t);
        losses.add(loss);
      }
    }
    double[] scores =
        objectives.size() == 1
            ? losses.stream().mapToDouble(l -> l[0]).toArray()
            : paretoScores(trials, losses);
    List<Scored> out = new ArrayList<>();
    for (int i = 0; i < trials.size(); i++) {
      out.add(new Scored(trials.get(i), scores[i], losses.get(i)));
    }
    return out;
  }
}
