package vernier.plugins.gp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import vernier.spi.Constraint;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.Sampler;
import vernier.spi.SamplingContext;
import vernier.spi.StudyDefinition;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.TrialView;
import vernier.spi.Uniform;

/**
 * Gaussian-process Bayesian optimisation (Snoek, Larochelle and Adams, "Practical Bayesian
 * Optimization of Machine Learning Algorithms", NeurIPS 2012): a Matérn-5/2 ARD process fitted to
 * the finished trials by marginal likelihood ({@link KernelFit}), and the next point where the log
 * expected improvement (Ament et al., NeurIPS 2023) is largest ({@link AcquisitionSearch}).
 *
 * <ul>
 *   <li>Constraints: each gets its own process over its metric, and the acquisition adds the log
 *       probability that every bound holds (Gardner et al., "Bayesian Optimization with Inequality
 *       Constraints", ICML 2014). Until a trial is feasible, only that probability is maximised.
 *   <li>Running trials ({@code pending}, see {@link Pending}): lied into the objective's process at
 *       the posterior mean (kriging believer, the default), at the mean loss or at the worst loss,
 *       or penalised around (local penalisation), so parallel workers get different points. With 8
 *       workers and 100 trials the believer had the best median of the four on 5 of 8 reference
 *       problems and beat the mean liar (the default before) on 6 (bench/run-samplers.sh).
 *   <li>Batches ({@link #suggestBatch}): the models are fitted once, then the points are picked one
 *       after another, each treated as a running trial before the acquisition is maximised again:
 *       with a lie, the constant liar or kriging believer of Ginsbourger, Le Riche and Carraro,
 *       "Kriging is well-suited to parallelize optimization", 2010; González et al., "Batch
 *       Bayesian Optimization via Local Penalization", AISTATS 2016, compare these sequential batch
 *       heuristics with their penalisation. The batch's picks are treated as running trials are, so
 *       a batch picks the points that as many calls of {@link #suggest} would, without refitting in
 *       between; each lie appends a row to the Cholesky factor ({@link GaussianProcess#withLies})
 *       instead of redoing it. The random startup trials of a batch are distinct.
 *   <li>Refits ({@code refit_every}): the kernel's hyperparameters are refitted whenever new trials
 *       have finished while fewer than {@value #ALWAYS_REFIT_BELOW} are observed, and from then on
 *       once {@code refit_every} (default 5) new ones have arrived since the last fit; in between,
 *       the last kernel is kept and only the Cholesky conditioning on the current data is redone.
 *       Why: a fit is up to 300 marginal-likelihood evaluations, each an O(m³) factorisation of up
 *       to {@code max_fit_trials} points, so it dominates an ask once the study is past its first
 *       few dozen trials; by then the hyperparameters' posterior has concentrated and a few new
 *       points out of 50 or more (at most a tenth of the data) barely move its mode. Early on every
 *       point moves it a lot, and fits are cheap, so small studies refit as often as before. An ask
 *       that sees no new finished trial (a burst of workers asking one by one) reuses the kernel at
 *       any size. {@code refit_every = 1} refits on every new trial.
 *   <li>Cost: the posterior uses at most {@code max_model_trials} trials (the newest, plus always
 *       the best), and the hyperparameters are fitted on at most {@code max_fit_trials} of them;
 *       both bound the cubic cost of the Cholesky factorisation.
 *   <li>Conditional parameters are drawn at random (the model covers the unconditional ones).
 *   <li>Each fit starts from the previous one's hyperparameters. A server restart starts afresh, so
 *       a restarted study may differ slightly from an uninterrupted one with the same seed.
 * </ul>
 */
final class GpSampler implements Sampler {

  /**
   * While fewer finished trials than this are observed, the kernel is refitted on every new one.
   */
  static final int ALWAYS_REFIT_BELOW = 50;

  /**
   * Points, drawn from a fixed seed, at which local penalisation looks for the steepest slope of
   * the posterior mean (besides the observed points). A fixed seed keeps a batch equal to as many
   * single asks: the estimate does not consume the ask's randomness.
   */
  private static final int LIPSCHITZ_POINTS = 1000;

  /** The seed of those points. */
  private static final long LIPSCHITZ_SEED = 2016;

  /** Below this slope the mean is flat: local penalisation then uses {@link #FLAT_LIPSCHITZ}. */
  private static final double MIN_LIPSCHITZ = 1e-7;

  /**
   * The observation noise of the believer's lies: they are beliefs about the latent function, so
   * noise-free but for a jitter that keeps the factor positive definite when a point repeats.
   */
  private static final double BELIEF_NOISE = 1e-6;

  /** The slope assumed for a flat mean (as GPyOpt does). */
  private static final double FLAT_LIPSCHITZ = 10;

  /**
   * How the points being evaluated (running trials, and a batch's earlier picks) shape the
   * acquisition, so that parallel workers spread out. All but {@link #PENALIZE} add the points to
   * the objective's process as if observed at a lie (Ginsbourger, Le Riche and Carraro, "Kriging is
   * well-suited to parallelize optimization", 2010).
   */
  /** The least distance, in the encoded unit space, between a new point and a held one. */
  static final double MIN_GAP = 1e-6;

  enum Pending {
    /**
     * Constant liar at 0, the mean of the standardised (and warped) losses (CL-mean; the default
     * before the believer measured better).
     */
    MEAN,
    /**
     * Kriging believer (the default): each point observed, noise-free, at the posterior mean there,
     * and the best loss lowered to a lie below it. The mean stays put and the variance collapses at
     * the point, so the spreading comes from the variance term of EI alone.
     */
    BELIEVER,
    /** Pessimistic constant liar at the worst standardised loss observed (CL-max). */
    MAX,
    /**
     * Local penalisation (González, Dai, Hennig and Lawrence, "Batch Bayesian Optimization via
     * Local Penalization", AISTATS 2016): no lies; the acquisition is multiplied, for each point
     * {@code x_j}, by the probability that {@code x} lies outside the ball around {@code x_j} that
     * cannot hold the minimum given a Lipschitz constant {@code L} of the objective: {@code Φ((L |x
     * - x_j| - μ(x_j) + M) / σ(x_j))}, with {@code M} the best loss observed and {@code L} the
     * largest norm of the posterior mean's gradient found.
     */
    PENALIZE;

    static Pending of(String name) {
      return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** Draws of a random point tried before a batch accepts one it already holds. */
  private static final int REDRAWS = 100;

  /** The knobs, validated by {@link GpSamplerFactory}. */
  record Settings(
      int startupTrials,
      int maxModelTrials,
      int maxFitTrials,
      int candidates,
      int localSearches,
      boolean warpOutput,
      int refitEvery,
      Pending pending) {}

  private final StudyDefinition study;
  private final Objective objective;
  private final Encoding encoding;
  private final boolean[] categorical;
  private final Settings settings;
  private final AcquisitionSearch search;

  /**
   * The last kernel fitted per model (0: the objective, c + 1: constraint c): the next fit starts
   * there, and asks between refits reuse it.
   */
  private final Map<Integer, Matern52> lastKernels = new HashMap<>();

  /** How many finished trials were observed at the last refit; -1 before the first. */
  private int observedAtRefit = -1;

  /** Kernel fits so far (for tests: a batch fits each model once). */
  private int kernelFits;

  /** The objective's process of the last modelled ask, before lies (for tests). */
  private GaussianProcess lastObjective;

  /** The lies at the running trials of the last modelled ask, in their order (for tests). */
  private double[] lastLies = new double[0];

  GpSampler(StudyDefinition study, Settings settings) {
    this.study = study;
    this.objective = study.objectives().get(0);
    this.encoding = new Encoding(study.space());
    this.categorical = encoding.categoricalMask();
    this.settings = settings;
    this.search =
        new AcquisitionSearch(encoding, settings.candidates(), settings.localSearches(), 300);
  }

  @Override
  public Suggestion suggest(StudyView view, SamplingContext context) {
    return suggestBatch(view, 1, context).get(0);
  }

  @Override
  public List<Suggestion> suggestBatch(StudyView view, int count, SamplingContext context) {
    Sampler.requireCount(count);
    RandomGenerator random = context.random();
    Observations observations = observed(view);
    List<Observed> observed = observations.kept();
    List<Suggestion> out = new ArrayList<>(count);
    Set<Map<String, ParamValue>> taken = new HashSet<>();
    if (encoding.size() == 0 || observed.size() < settings.startupTrials()) {
      while (out.size() < count) {
        Map<String, ParamValue> params = randomParams(random);
        for (int i = 0; i < REDRAWS && taken.contains(params); i++) {
          params = randomParams(random);
        }
        taken.add(params);
        out.add(Suggestion.of(params));
      }
      return out;
    }
    Fitted fitted = fit(observed, observations.total());
    Busy busy = null;
    if (fitted != null) {
      busy = new Busy(fitted);
      lastObjective = fitted.objective();
      lastLies = busy.add(pending(view));
    }
    List<double[]> held = new ArrayList<>(); // the points trials and this batch hold
    observed.forEach(o -> held.add(o.point()));
    held.addAll(List.of(pending(view)));
    while (out.size() < count) {
      double[] point = fitted == null ? encoding.random(random) : maximize(fitted, busy, random);
      Map<String, ParamValue> params = decode(point, random);
      for (int i = 0; i < REDRAWS && (taken.contains(params) || nextToHeld(point, held)); i++) {
        point = encoding.random(random); // the acquisition's best is taken or next to a held point
        params = decode(point, random);
      }
      taken.add(params);
      held.add(point);
      out.add(Suggestion.of(params));
      if (fitted != null && out.size() < count) {
        busy.add(new double[][] {point});
      }
    }
    return out;
  }

  /**
   * Whether {@code point} is within {@value #MIN_GAP} of a held point in the encoded unit space: no
   * new information there (the believer's nearly flat acquisition around a lie can land on it).
   */
  private static boolean nextToHeld(double[] point, List<double[]> held) {
    for (double[] h : held) {
      double sq = 0;
      for (int i = 0; i < point.length; i++) {
        sq += (point[i] - h[i]) * (point[i] - h[i]);
      }
      if (sq < MIN_GAP * MIN_GAP) {
        return true;
      }
    }
    return false;
  }

  /** How many kernel fits this sampler has run. */
  int kernelFits() {
    return kernelFits;
  }

  /** The objective's process of the last ask that modelled, before any lie (for tests). */
  GaussianProcess lastObjective() {
    return lastObjective;
  }

  /**
   * The lies the last ask that modelled gave its running trials, in {@code view.running()} order
   * (empty under {@link Pending#PENALIZE}; for tests).
   */
  double[] lastLies() {
    return lastLies.clone();
  }

  private Map<String, ParamValue> randomParams(RandomGenerator random) {
    return study.space().assign((p, a) -> Uniform.sample(p.domain(), random));
  }

  private Map<String, ParamValue> decode(double[] point, RandomGenerator random) {
    List<Parameter> dims = encoding.parameters();
    return study
        .space()
        .assign(
            (p, a) -> {
              int i = dims.indexOf(p);
              return i >= 0 ? encoding.decode(i, point[i]) : Uniform.sample(p.domain(), random);
            });
  }

  /**
   * The models of one ask, refitting the kernels if due (see the class comment), or null when the
   * objective's kernel matrix is not positive definite.
   */
  private Fitted fit(List<Observed> observed, int total) {
    boolean refit =
        observedAtRefit < 0
            || total < observedAtRefit
            || total - observedAtRefit >= (total < ALWAYS_REFIT_BELOW ? 1 : settings.refitEvery());
    double[][] x = observed.stream().map(Observed::point).toArray(double[][]::new);
    double[] loss =
        Standardized.of(observed.stream().mapToDouble(Observed::loss).toArray()).values();
    if (settings.warpOutput()) {
      loss = PowerTransform.apply(loss);
    }
    GaussianProcess objectiveModel = model(0, x, loss, refit);
    List<ConstraintModel> constraints = constraintModels(observed, x, refit);
    if (refit) {
      observedAtRefit = total;
    }
    if (objectiveModel == null) {
      return null;
    }
    double incumbent = Double.POSITIVE_INFINITY;
    double lowest = Double.POSITIVE_INFINITY;
    double highest = Double.NEGATIVE_INFINITY;
    List<double[]> seeds = new ArrayList<>();
    for (int i = 0; i < observed.size(); i++) {
      lowest = Math.min(lowest, loss[i]);
      highest = Math.max(highest, loss[i]);
      if (observed.get(i).feasible() && loss[i] < incumbent) {
        incumbent = loss[i];
        seeds.add(0, x[i]);
      }
    }
    return new Fitted(
        objectiveModel,
        constraints,
        incumbent,
        lowest,
        highest,
        x,
        seeds.subList(0, Math.min(3, seeds.size())));
  }

  /**
   * What one ask fits, shared by the points of a batch: the objective's process (before lies), the
   * constraints' processes, the best feasible standardised loss, the lowest and highest
   * standardised losses of all observed trials, their points, and the best trials (seeds of the
   * local searches).
   */
  private record Fitted(
      GaussianProcess objective,
      List<ConstraintModel> constraints,
      double incumbent,
      double lowest,
      double highest,
      double[][] points,
      List<double[]> seeds) {}

  /**
   * The points being evaluated in one ask (running trials, then the batch's picks so far), as the
   * {@code pending} setting models them: lied into {@link #believed}, or penalised around.
   */
  private final class Busy {
    private final Fitted fitted;
    private GaussianProcess believed;
    private final List<Penalty> penalties = new ArrayList<>();
    private double lipschitz = Double.NaN;
    private double incumbent;

    Busy(Fitted fitted) {
      this.fitted = fitted;
      this.believed = fitted.objective();
      this.incumbent = fitted.incumbent();
    }

    /**
     * The best standardised loss EI improves on. The believer's lies count as observations, as in
     * Ginsbourger et al.: a lie below the best becomes the best. Otherwise, where the mean dips
     * below the best loss (between points, or with noise), EI there stays about {@code best - μ}
     * however small the variance, and the believer picks the same point again and again.
     */
    double incumbent() {
      return incumbent;
    }

    /** Adds points being evaluated; returns their lies (none under {@link Pending#PENALIZE}). */
    double[] add(double[][] points) {
      if (settings.pending() == Pending.PENALIZE) {
        for (double[] p : points) {
          double[] mv = fitted.objective().predict(p);
          penalties.add(new Penalty(p, mv[0], Math.sqrt(mv[1])));
        }
        return new double[0];
      }
      double[] lies = new double[points.length];
      for (int i = 0; i < points.length; i++) {
        lies[i] =
            switch (settings.pending()) {
              case MEAN -> 0;
              case MAX -> fitted.highest();
              // the process before lies: with lies at its mean the mean does not move, so this is
              // the believed process's mean too, and a batch matches single asks to the bit
              case BELIEVER -> fitted.objective().mean(points[i]);
              case PENALIZE -> throw new AssertionError();
            };
      }
      believed =
          believed.withLies(
              points,
              lies,
              settings.pending() == Pending.BELIEVER
                  ? Math.min(BELIEF_NOISE, fitted.objective().noise())
                  : fitted.objective().noise());
      if (settings.pending() == Pending.BELIEVER && incumbent != Double.POSITIVE_INFINITY) {
        for (double lie : lies) {
          incumbent = Math.min(incumbent, lie);
        }
      }
      return lies;
    }

    /** Log EI of the believed process, plus the log penalisers around the points. */
    double logImprovement(double[] point, double best) {
      double[] mv = believed.predict(point);
      double value = LogNormalMath.logExpectedImprovement(mv[0], mv[1], best);
      return value + logPenalty(point);
    }

    /**
     * The sum of log Φ((L d_j - μ_j + M) / σ_j): log of the probability that {@code point} is
     * outside every excluded ball (González et al. 2016, eq. 3, for minimisation).
     */
    double logPenalty(double[] point) {
      if (penalties.isEmpty()) {
        return 0;
      }
      double l = lipschitz();
      double value = 0;
      for (Penalty p : penalties) {
        value +=
            LogNormalMath.logCdf(
                (l * distance(point, p.centre()) - p.mean() + fitted.lowest()) / p.sd());
      }
      return value;
    }

    /**
     * L: the largest gradient norm of the posterior mean at the observed points and at {@link
     * #LIPSCHITZ_POINTS} points drawn from a fixed seed (the paper maximises it; the max of a
     * sample suffices, since an underestimate only widens the balls a little).
     */
    private double lipschitz() {
      if (Double.isNaN(lipschitz)) {
        double largest = 0;
        for (double[] p : fitted.points()) {
          largest = Math.max(largest, norm(fitted.objective().meanGradient(p)));
        }
        SplittableRandom fixed = new SplittableRandom(LIPSCHITZ_SEED);
        for (int k = 0; k < LIPSCHITZ_POINTS; k++) {
          largest =
              Math.max(largest, norm(fitted.objective().meanGradient(encoding.random(fixed))));
        }
        lipschitz = largest < MIN_LIPSCHITZ ? FLAT_LIPSCHITZ : largest;
      }
      return lipschitz;
    }
  }

  /** A point being evaluated, with the posterior mean and standard deviation there. */
  private record Penalty(double[] centre, double mean, double sd) {}

  /**
   * The Euclidean distance in the encoding; a categorical coordinate adds 1 when choices differ.
   */
  private double distance(double[] a, double[] b) {
    double d2 = 0;
    for (int i = 0; i < a.length; i++) {
      double d = categorical[i] ? (a[i] == b[i] ? 0 : 1) : a[i] - b[i];
      d2 += d * d;
    }
    return Math.sqrt(d2);
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double e : v) {
      s += e * e;
    }
    return Math.sqrt(s);
  }

  /**
   * The point where the acquisition is largest: log EI under the objective's process with the
   * pending points lied in (or penalised around, see {@link Busy}) plus the log probability of
   * feasibility.
   */
  private double[] maximize(Fitted fitted, Busy busy, RandomGenerator random) {
    double best = busy.incumbent();
    return search.maximize(
        point -> {
          double value = 0;
          for (ConstraintModel c : fitted.constraints()) {
            value += c.logFeasibility(point);
          }
          if (best == Double.POSITIVE_INFINITY) {
            // nothing feasible yet: look for the feasible region first (spread by the penalties)
            return value + busy.logPenalty(point);
          }
          return value + busy.logImprovement(point, best);
        },
        fitted.seeds(),
        random);
  }

  private GaussianProcess model(int index, double[][] x, double[] y, boolean refit) {
    Matern52 kernel = lastKernels.get(index);
    if (!refit && kernel != null) {
      GaussianProcess reused = GaussianProcess.condition(x, y, categorical, kernel);
      if (reused != null) {
        return reused;
      } // else the kernel no longer suits the data: refit now
    }
    int from = Math.max(0, x.length - settings.maxFitTrials());
    kernel =
        KernelFit.fit(
            Arrays.copyOfRange(x, from, x.length),
            Arrays.copyOfRange(y, from, y.length),
            categorical,
            kernel);
    kernelFits++;
    lastKernels.put(index, kernel);
    return GaussianProcess.condition(x, y, categorical, kernel);
  }

  private List<ConstraintModel> constraintModels(
      List<Observed> observed, double[][] x, boolean refit) {
    List<ConstraintModel> models = new ArrayList<>();
    for (int c = 0; c < study.constraints().size(); c++) {
      Constraint constraint = study.constraints().get(c);
      List<double[]> xs = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      for (int i = 0; i < observed.size(); i++) {
        double v = observed.get(i).constraintValues()[c];
        if (Double.isFinite(v)) {
          xs.add(x[i]);
          values.add(v);
        }
      }
      if (xs.isEmpty()) {
        continue;
      }
      Standardized g = Standardized.of(values.stream().mapToDouble(Double::doubleValue).toArray());
      GaussianProcess gp = model(c + 1, xs.toArray(double[][]::new), g.values(), refit);
      if (gp != null) {
        models.add(
            new ConstraintModel(gp, g.scale(constraint.lower()), g.scale(constraint.upper())));
      }
    }
    return models;
  }

  /**
   * The finished trials the model learns from: the newest ones, and always the best; and how many
   * there are in all.
   */
  private Observations observed(StudyView view) {
    List<Observed> all = new ArrayList<>();
    for (TrialView t : view.completed()) {
      double[] x = encoding.encode(t.params());
      if (x != null && t.value(objective.metric()).isPresent()) {
        double loss = objective.direction().toLoss(t.value(objective.metric()).getAsDouble());
        if (Double.isFinite(loss)) {
          double[] g = constraintValues(t);
          all.add(new Observed(x, loss, t.feasible() && satisfied(g), g));
        }
      }
    }
    if (all.size() <= settings.maxModelTrials()) {
      return new Observations(all, all.size());
    }
    Observed best =
        all.stream()
            .filter(Observed::feasible)
            .min(Comparator.comparingDouble(Observed::loss))
            .orElse(all.get(0));
    List<Observed> kept =
        new ArrayList<>(all.subList(all.size() - settings.maxModelTrials() + 1, all.size()));
    if (!kept.contains(best)) {
      kept.add(0, best);
    }
    return new Observations(kept, all.size());
  }

  private double[] constraintValues(TrialView t) {
    double[] values = new double[study.constraints().size()];
    for (int c = 0; c < values.length; c++) {
      values[c] = t.value(study.constraints().get(c).metric()).orElse(Double.NaN);
    }
    return values;
  }

  private boolean satisfied(double[] constraintValues) {
    for (int c = 0; c < constraintValues.length; c++) {
      if (!study.constraints().get(c).isSatisfiedBy(constraintValues[c])) {
        return false;
      }
    }
    return true;
  }

  private double[][] pending(StudyView view) {
    List<double[]> points = new ArrayList<>();
    for (TrialView t : view.running()) {
      double[] x = encoding.encode(t.params());
      if (x != null) {
        points.add(x);
      }
    }
    return points.toArray(double[][]::new);
  }

  private record Observations(List<Observed> kept, int total) {}

  private record Observed(
      double[] point, double loss, boolean feasible, double[] constraintValues) {}

  private record ConstraintModel(GaussianProcess gp, double lower, double upper) {
    double logFeasibility(double[] point) {
      double[] mv = gp.predict(point);
      return LogNormalMath.logProbabilityWithin(mv[0], mv[1], lower, upper);
    }
  }
}
