package vernier.plugins.cmaes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import vernier.spi.CategoricalDomain;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.Sampler;
import vernier.spi.SamplingContext;
import vernier.spi.StudyDefinition;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.TrialState;
import vernier.spi.TrialView;
import vernier.spi.Uniform;
import vernier.spi.UnitInterval;

/**
 * CMA-ES over the study's unconditional numeric parameters (see {@link CmaState}), with IPOP or
 * BIPOP restarts (Auger and Hansen, "A Restart CMA Evolution Strategy With Increasing Population
 * Size", CEC 2005): when a run converges or degenerates, a new one starts from a random point with
 * twice the population. Categorical and conditional parameters are drawn uniformly at random,
 * independently. Integer and stepped parameters get the margin of CMA-ES with Margin ({@link
 * Margin}) unless it is turned off.
 *
 * <p>Trials are read in number order: each run takes its generations as consecutive blocks of
 * {@code lambda} trials, and a generation updates the distribution once all its trials finished
 * (pruned, failed or infeasible ones rank last). The state is rebuilt from the study's trials, so a
 * restart of the server continues the same search.
 *
 * <p>Warm start (WS-CMA-ES, {@link WarmStart}): the first {@code warmStartTrials} trials in number
 * order are the source, whoever made them (imported or enqueued trials; uniform random ones from
 * this sampler while fewer exist). The first run starts after them, from the Gaussian fitted to the
 * source's best succeeded feasible trials, and its first update waits until every source trial has
 * finished: until then the prior is refitted at each call from the source trials finished so far,
 * so it is always a function of the stored trials, and a rebuilt sampler agrees with a live one.
 */
final class CmaEsSampler implements Sampler {

  /** The factory's validated settings. */
  record Options(
      double sigma0,
      int population,
      boolean separable,
      boolean restarts,
      boolean bipop,
      boolean margin,
      double marginAlpha,
      int warmStartTrials,
      double warmStartGamma,
      double warmStartAlpha) {}

  private final StudyDefinition study;
  private final Options options;
  private final List<Parameter> dims = new ArrayList<>();
  private final Bins[] bins;
  private final Objective objective;
  private final int basePopulation;

  private CmaState state;
  private boolean sourcePending;
  private int runStart;
  private int runs;
  private int generationsDone;
  // BIPOP's bookkeeping: trials spent in each regime, and the large regime's runs so far
  private boolean smallRun;
  private int largeBudget;
  private int smallBudget;
  private int largeRuns;

  CmaEsSampler(StudyDefinition study, Options options) {
    this.study = study;
    this.options = options;
    this.objective = study.objectives().get(0);
    for (Parameter p : study.space().parameters()) {
      if (p.condition().isEmpty() && !(p.domain() instanceof CategoricalDomain)) {
        dims.add(p);
      }
    }
    bins = new Bins[dims.size()];
    for (int i = 0; i < bins.length; i++) {
      Parameter p = dims.get(i);
      bins[i] = options.margin() && Bins.isDiscrete(p.domain()) ? new Bins(p.domain()) : null;
    }
    int n = Math.max(1, dims.size());
    this.basePopulation =
        options.population() > 0 ? options.population() : 4 + (int) Math.floor(3 * Math.log(n));
  }

  @Override
  public Suggestion suggest(StudyView view, SamplingContext context) {
    RandomGenerator random = context.random();
    if (dims.isEmpty() || view.trials().size() < options.warmStartTrials()) {
      // nothing to model, or the warm-start source is not full yet: random trials fill it
      return Suggestion.of(study.space().assign((p, a) -> Uniform.sample(p.domain(), random)));
    }
    catchUp(view.trials());
    double[] x = state.sample(random);
    return Suggestion.of(
        study
            .space()
            .assign(
                (p, assigned) -> {
                  int i = dims.indexOf(p);
                  return i >= 0
                      ? UnitInterval.fromUnit(p.domain(), x[i])
                      : Uniform.sample(p.domain(), random);
                }));
  }

  /** Applies every generation that has finished since the last call. */
  private void catchUp(List<? extends TrialView> trials) {
    if (state == null || sourcePending) {
      firstRun(trials);
    }
    while (!sourcePending) {
      int from = runStart + state.lambda * generationsDone;
      int to = from + state.lambda;
      if (to > trials.size() || !allFinished(trials, from, to)) {
        return;
      }
      double[][] xs = new double[state.lambda][];
      double[] losses = new double[state.lambda];
      for (int k = from; k < to; k++) {
        xs[k - from] = encode(trials.get(k));
        losses[k - from] = loss(trials.get(k));
      }
      state.tell(xs, losses);
      generationsDone++;
      if (options.restarts() && state.exhausted()) {
        runs++;
        if (smallRun) {
          smallBudget += to - runStart;
        } else {
          largeBudget += to - runStart;
        }
        newRun(to, null);
      }
    }
  }

  /**
   * The first run: after the warm-start source (if any), from its prior when it has a usable trial.
   */
  private void firstRun(List<? extends TrialView> trials) {
    int sourceSize = options.warmStartTrials();
    sourcePending = !allFinished(trials, 0, sourceSize);
    List<double[]> points = new ArrayList<>();
    List<Double> losses = new ArrayList<>();
    for (TrialView t : trials.subList(0, sourceSize)) {
      double loss = loss(t);
      if (loss < Double.MAX_VALUE) { // succeeded and feasible
        points.add(encode(t));
        losses.add(loss);
      }
    }
    newRun(
        sourceSize,
        points.isEmpty()
            ? null
            : WarmStart.fit(
                points,
                losses,
                options.warmStartGamma(),
                options.warmStartAlpha(),
                options.separable()));
  }

  /**
   * A new run from {@code start}. IPOP doubles the population each restart; BIPOP (Hansen,
   * "Benchmarking a BI-Population CMA-ES on the BBOB-2009 Function Testbed", GECCO 2009)
   * alternates: a restart goes to whichever regime has spent fewer trials, the large one doubling
   * as IPOP does, the small one drawing U uniform in [0, 1) for a population of base · (largest / 2
   * / base)^(U²) and a step size of sigma0 · 10^(-2U), for fine local searches between the broad
   * ones.
   */
  private void newRun(int start, WarmStart.Prior prior) {
    runStart = start;
    generationsDone = 0;
    // deterministic restarts: a rebuilt sampler makes the same ones
    SplittableRandom random = new SplittableRandom(study.seed() * 31 + start);
    smallRun = options.bipop() && runs > 0 && smallBudget < largeBudget;
    double sigma = options.sigma0();
    int lambda;
    if (smallRun) {
      double u = random.nextDouble();
      int largest = basePopulation << Math.min(largeRuns, 10);
      lambda =
          Math.max(
              2,
              (int)
                  Math.floor(
                      basePopulation
                          * Math.pow(Math.max(1, 0.5 * largest / basePopulation), u * u)));
      sigma *= Math.pow(10, -2 * u);
    } else {
      largeRuns = runs == 0 ? 0 : largeRuns + 1;
      lambda = basePopulation << Math.min(options.bipop() ? largeRuns : runs, 10);
    }
    Margin margin =
        new Margin(
            bins, options.marginAlpha() > 0 ? options.marginAlpha() : 1.0 / (dims.size() * lambda));
    if (prior != null) {
      state = new CmaState(lambda, prior, options.separable(), margin);
      return;
    }
    double[] mean = new double[dims.size()];
    if (runs == 0) {
      Arrays.fill(mean, 0.5);
    } else {
      for (int i = 0; i < mean.length; i++) {
        mean[i] = random.nextDouble();
      }
    }
    state = new CmaState(dims.size(), lambda, mean, sigma, options.separable(), margin);
  }

  /** The current run's population and whether it is a BIPOP small run (for tests). */
  int currentPopulation() {
    return state.lambda;
  }

  boolean inSmallRun() {
    return smallRun;
  }

  private static boolean allFinished(List<? extends TrialView> trials, int from, int to) {
    for (int k = from; k < to; k++) {
      if (!trials.get(k).state().isFinished()) {
        return false;
      }
    }
    return true;
  }

  private double loss(TrialView t) {
    if (t.state() != TrialState.SUCCEEDED || t.value(objective.metric()).isEmpty()) {
      return Double.POSITIVE_INFINITY;
    }
    double loss = objective.direction().toLoss(t.value(objective.metric()).getAsDouble());
    return t.feasible() ? loss : Double.MAX_VALUE; // infeasible: after every feasible trial
  }

  /** A trial's point in the unit cube (a parameter it lacks sits at the centre). */
  private double[] encode(TrialView t) {
    double[] x = new double[dims.size()];
    for (int i = 0; i < x.length; i++) {
      ParamValue v = t.params().get(dims.get(i).name());
      x[i] = v == null ? 0.5 : UnitInterval.toUnit(dims.get(i).domain(), v.asDouble());
    }
    return x;
  }
}
