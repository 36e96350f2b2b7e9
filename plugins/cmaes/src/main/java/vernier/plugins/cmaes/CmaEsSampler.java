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
import vernier.spi.SamplingContext;
import vernier.spi.Sampler;
import vernier.spi.StudyDefinition;
import vernier.spi.StudyView;
import vernier.spi.Suggestion;
import vernier.spi.TrialState;
import vernier.spi.TrialView;
import vernier.spi.Uniform;
import vernier.spi.UnitInterval;

/**
 * CMA-ES over the study's unconditional numeric parameters (see {@link CmaState}), with IPOP restarts
 * (Auger and Hansen, "A Restart CMA Evolution Strategy With Increasing Population Size", CEC 2005):
 * when a run converges or degenerates, a new one starts from a random point with twice the
 * population. Categorical and conditional parameters are drawn uniformly at random, independently.
 *
 * <p>Trials are read in number order: each run takes its generations as consecutive blocks of
 * {@code lambda} trials, and a generation updates the distribution once all its trials finished
 * (pruned, failed or infeasible ones rank last). The state is rebuilt from the study's trials, so a
 * restart of the server continues the same search.
 */
final class CmaEsSampler implements Sampler {

  private final StudyDefinition study;
  private final List<Parameter> dims = new ArrayList<>();
  private final Objective objective;
  private final double sigma0;
  private final boolean separable;
  private final boolean restarts;
  private final int basePopulation;

  private CmaState state;
  private int runStart;
  private int runs;
  private int generationsDone;

  CmaEsSampler(StudyDefinition study, double sigma0, int population, boolean separable, boolean restarts) {
    this.study = study;
    this.objective = study.objectives().get(0);
    this.sigma0 = sigma0;
    this.separable = separable;
    this.restarts = restarts;
    for (Parameter p : study.space().parameters()) {
      if (p.condition().isEmpty() && !(p.domain() instanceof CategoricalDomain)) {
        dims.add(p);
      }
    }
    int n = Math.max(1, dims.size());
    this.basePopulation = population > 0 ? population : 4 + (int) Math.floor(3 * Math.log(n));
  }

  @Override
  public Suggestion suggest(StudyView view, SamplingContext context) {
    RandomGenerator random = context.random();
    if (dims.isEmpty()) {
      return Suggestion.of(study.space().assign((p, a) -> Uniform.sample(p.domain(), random)));
    }
    catchUp(view.trials());
    double[] x = state.sample(random);
    return Suggestion.of(study.space().assign((p, assigned) -> {
      int i = dims.indexOf(p);
      return i >= 0 ? UnitInterval.fromUnit(p.domain(), x[i]) : Uniform.sample(p.domain(), random);
    }));
  }

  /** Applies every generation that has finished since the last call. */
  private void catchUp(List<? extends TrialView> trials) {
    if (state == null) {
      newRun(0);
    }
    while (true) {
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
      if (restarts && state.exhausted()) {
        runs++;
        newRun(to);
      }
    }
  }

  private void newRun(int start) {
    runStart = start;
    generationsDone = 0;
    int lambda = basePopulation << Math.min(runs, 10);
    double[] mean = new double[dims.size()];
    if (runs == 0) {
      Arrays.fill(mean, 0.5);
    } else {
      SplittableRandom random = new SplittableRandom(study.seed() * 31 + start); // deterministic restarts
      for (int i = 0; i < mean.length; i++) {
        mean[i] = random.nextDouble();
      }
    }
    state = new CmaState(dims.size(), lambda, mean, sigma0, separable);
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
