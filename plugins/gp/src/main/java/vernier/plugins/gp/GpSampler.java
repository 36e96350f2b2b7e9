package vernier.plugins.gp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import vernier.spi.Constraint;
import vernier.spi.Objective;
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
 *   <li>Running trials: a constant liar at the mean loss, so parallel workers get different points.
 *   <li>Cost: the posterior uses at most {@code max_model_trials} trials (the newest, plus always
 *       the best), and the hyperparameters are fitted on at most {@code max_fit_trials} of them;
 *       both bound the cubic cost of the Cholesky factorisation.
 *   <li>Conditional parameters are drawn at random (the model covers the unconditional ones).
 *   <li>Each fit starts from the previous one's hyperparameters. A server restart starts afresh, so
 *       a restarted study may differ slightly from an uninterrupted one with the same seed.
 * </ul>
 */
final class GpSampler implements Sampler {

  /** The knobs, validated by {@link GpSamplerFactory}. */
  record Settings(
      int startupTrials,
      int maxModelTrials,
      int maxFitTrials,
      int candidates,
      int localSearches,
      boolean warpOutput) {}

  private final StudyDefinition study;
  private final Objective objective;
  private final Encoding encoding;
  private final boolean[] categorical;
  private final Settings settings;
  private final AcquisitionSearch search;

  /**
   * The last kernel fitted per model (0: the objective, c + 1: constraint c): the next fit starts
   * there.
   */
  private final Map<Integer, Matern52> lastKernels = new HashMap<>();

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
    RandomGenerator random = context.random();
    List<Observed> observed = observed(view);
    if (encoding.size() == 0 || observed.size() < settings.startupTrials()) {
      return Suggestion.of(study.space().assign((p, a) -> Uniform.sample(p.domain(), random)));
    }
    double[] point = suggestPoint(observed, pending(view), random);
    List<Parameter> dims = encoding.parameters();
    return Suggestion.of(
        study
            .space()
            .assign(
                (p, a) -> {
                  int i = dims.indexOf(p);
                  return i >= 0 ? encoding.decode(i, point[i]) : Uniform.sample(p.domain(), random);
                }));
  }

  private double[] suggestPoint(
      List<Observed> observed, double[][] pending, RandomGenerator random) {
    double[][] x = observed.stream().map(Observed::point).toArray(double[][]::new);
    double[] loss =
        Standardized.of(observed.stream().mapToDouble(Observed::loss).toArray()).values();
    if (settings.warpOutput()) {
      loss = PowerTransform.apply(loss);
    }
    GaussianProcess objectiveModel = model(0, x, loss);
    if (objectiveModel == null) {
      return encoding.random(random);
    }
    GaussianProcess believed =
        objectiveModel.withLies(pending, 0); // 0: the mean of the standardised losses
    List<ConstraintModel> constraints = constraintModels(observed, x);
    double incumbent = Double.POSITIVE_INFINITY;
    List<double[]> seeds = new ArrayList<>();
    for (int i = 0; i < observed.size(); i++) {
      if (observed.get(i).feasible() && loss[i] < incumbent) {
        incumbent = loss[i];
        seeds.add(0, x[i]);
      }
    }
    double best = incumbent;
    return search.maximize(
        point -> {
          double value = 0;
          for (ConstraintModel c : constraints) {
            value += c.logFeasibility(point);
          }
          if (best == Double.POSITIVE_INFINITY) {
            return value; // nothing feasible yet: look for the feasible region first
          }
          double[] mv = believed.predict(point);
          return value + LogNormalMath.logExpectedImprovement(mv[0], mv[1], best);
        },
        seeds.subList(0, Math.min(3, seeds.size())),
        random);
  }

  private GaussianProcess model(int index, double[][] x, double[] y) {
    int from = Math.max(0, x.length - settings.maxFitTrials());
    Matern52 kernel =
        KernelFit.fit(
            Arrays.copyOfRange(x, from, x.length),
            Arrays.copyOfRange(y, from, y.length),
            categorical,
            lastKernels.get(index));
    lastKernels.put(index, kernel);
    return GaussianProcess.condition(x, y, categorical, kernel);
  }

  private List<ConstraintModel> constraintModels(List<Observed> observed, double[][] x) {
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
      GaussianProcess gp = model(c + 1, xs.toArray(double[][]::new), g.values());
      if (gp != null) {
        models.add(
            new ConstraintModel(gp, g.scale(constraint.lower()), g.scale(constraint.upper())));
      }
    }
    return models;
  }

  /** The finished trials the model learns from: the newest ones, and always the best. */
  private List<Observed> observed(StudyView view) {
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
      return all;
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
    return kept;
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

  private record Observed(
      double[] point, double loss, boolean feasible, double[] constraintValues) {}

  private record ConstraintModel(GaussianProcess gp, double lower, double upper) {
    double logFeasibility(double[] point) {
      double[] mv = gp.predict(point);
      return LogNormalMath.logProbabilityWithin(mv[0], mv[1], lower, upper);
    }
  }
}
