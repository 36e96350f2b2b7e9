package vernier.plugins.gp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import vernier.spi.CategoricalDomain;
import vernier.spi.Constraint;
import vernier.spi.Direction;
import vernier.spi.FloatDomain;
import vernier.spi.IntDomain;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.SamplingContext;
import vernier.spi.SearchSpace;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.Suggestion;
import vernier.spi.TrialView;
import vernier.spi.WithPending;
import vernier.spi.testkit.SamplerContractTest;
import vernier.spi.testkit.SimpleStudy;

final class GpSamplerTest extends SamplerContractTest {

  @Override
  protected SamplerFactory factory() {
    return new GpSamplerFactory();
  }

  @Override
  protected int trials() {
    return 25;
  }

  private static StudyDefinition study(SearchSpace space, long seed, Constraint... constraints) {
    return new StudyDefinition(
        "gp",
        space,
        List.of(new Objective("loss", Direction.MINIMIZE)),
        List.of(constraints),
        seed);
  }

  private static SearchSpace box(int dims, double min, double max) {
    Parameter[] params = new Parameter[dims];
    for (int i = 0; i < dims; i++) {
      params[i] = Parameter.of("x" + i, FloatDomain.continuous(min, max));
    }
    return SearchSpace.of(params);
  }

  /**
   * Runs a sequential study and returns the best value; metrics other than loss come from {@code
   * extra}.
   */
  private static double bestOf(
      Sampler sampler,
      StudyDefinition d,
      int trials,
      ToDoubleFunction<Map<String, ParamValue>> f,
      Map<String, ToDoubleFunction<Map<String, ParamValue>>> extra,
      Constraint constraint) {
    SimpleStudy study = new SimpleStudy(d);
    SplittableRandom random = new SplittableRandom(d.seed());
    double best = Double.POSITIVE_INFINITY;
    for (int t = 0; t < trials; t++) {
      Map<String, ParamValue> p =
          ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
              .values();
      Map<String, Double> told = new java.util.HashMap<>(Map.of("loss", f.applyAsDouble(p)));
      extra.forEach((name, g) -> told.put(name, g.applyAsDouble(p)));
      boolean feasible =
          constraint == null || constraint.isSatisfiedBy(told.get(constraint.metric()));
      if (feasible) {
        best = Math.min(best, told.get("loss"));
      }
      study.start(p).succeed(told);
    }
    return best;
  }

  private static double sphere(Map<String, ParamValue> p, double centre) {
    double v = 0;
    for (ParamValue x : p.values()) {
      v += (x.asDouble() - centre) * (x.asDouble() - centre);
    }
    return v;
  }

  @Test
  void findsTheMinimumOfASmoothFunctionFarFasterThanRandomSearch() {
    double gp = 0;
    double random = 0;
    for (long seed = 1; seed <= 3; seed++) {
      StudyDefinition d = study(box(3, -5, 5), seed);
      gp +=
          bestOf(
              new GpSamplerFactory().create(d, Settings.empty()),
              d,
              30,
              p -> sphere(p, 1.3),
              Map.of(),
              null);
      random +=
          bestOf(
              new GpSamplerFactory().create(d, Settings.of(Map.of("n_startup_trials", 1000))),
              d,
              30,
              p -> sphere(p, 1.3),
              Map.of(),
              null);
    }
    assertThat(gp / 3).as("mean best of gp").isLessThan(0.01);
    assertThat(random / 3).as("mean best of random search").isGreaterThan(0.5);
  }

  @Test
  void integerAndCategoricalParameters_areModelled() {
    SearchSpace space =
        SearchSpace.of(
            Parameter.of("lr", FloatDomain.logScale(1e-5, 1)),
            Parameter.of("layers", IntDomain.range(1, 8)),
            Parameter.of(
                "optimizer",
                CategoricalDomain.of(
                    ParamValue.of("adam"), ParamValue.of("sgd"), ParamValue.of("adagrad"))),
            Parameter.of("dropout", FloatDomain.continuous(0, 0.9)));
    ToDoubleFunction<Map<String, ParamValue>> mixed =
        p -> {
          String opt = ((ParamValue.StringValue) p.get("optimizer")).value();
          double bestLr = opt.equals("adam") ? 3e-3 : opt.equals("sgd") ? 5e-2 : 1e-2;
          double base = opt.equals("adam") ? 0 : opt.equals("sgd") ? 0.08 : 0.04;
          double lr = Math.log10(p.get("lr").asDouble()) - Math.log10(bestLr);
          double layers = p.get("layers").asDouble() - 4;
          double dropout = p.get("dropout").asDouble() - 0.2;
          return base + 0.5 * lr * lr + 0.02 * layers * layers + 2 * dropout * dropout;
        };
    StudyDefinition d = study(space, 5);
    double best =
        bestOf(new GpSamplerFactory().create(d, Settings.empty()), d, 50, mixed, Map.of(), null);
    assertThat(best).isLessThan(0.01);
  }

  @Test
  void constraint_keepsTheSearchInTheFeasibleRegion() {
    // unconstrained optimum at (1, 1); x0 + x1 <= 1 makes the optimum (0.5, 0.5) with value 0.5
    Constraint sum = Constraint.atMost("sum", 1);
    StudyDefinition d = study(box(2, -3, 3), 9, sum);
    ToDoubleFunction<Map<String, ParamValue>> total =
        p -> p.get("x0").asDouble() + p.get("x1").asDouble();
    double best =
        bestOf(
            new GpSamplerFactory().create(d, Settings.empty()),
            d,
            35,
            p -> sphere(p, 1),
            Map.of("sum", total),
            sum);
    assertThat(best).isBetween(0.5, 0.6);
  }

  @Test
  void runningTrials_getDistinctSuggestions_spreadOutByTheMeanLiar() {
    // the believer (the default) exploits harder: distinct points, but they may be closer than 0.01
    // (everyPendingStrategy_givesLegalDistinctBatchesOfEight_andTheyDiffer covers every strategy)
    StudyDefinition d = study(box(2, 0, 1), 4);
    Sampler sampler = new GpSamplerFactory().create(d, Settings.of(Map.of("pending", "mean")));
    SimpleStudy study = new SimpleStudy(d);
    SplittableRandom random = new SplittableRandom(4);
    for (int t = 0; t < 12; t++) {
      Map<String, ParamValue> p =
          ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
              .values();
      study.start(p).succeed("loss", sphere(p, 0.5));
    }
    List<double[]> parallel = new ArrayList<>();
    for (int t = 0; t < 16; t++) { // 16 workers ask at once: none has told yet
      Map<String, ParamValue> p =
          ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
              .values();
      study.start(p);
      parallel.add(new double[] {p.get("x0").asDouble(), p.get("x1").asDouble()});
    }
    Set<List<Double>> distinct = new HashSet<>();
    for (double[] x : parallel) {
      distinct.add(List.of(x[0], x[1]));
    }
    assertThat(distinct).hasSize(16);
    for (int i = 0; i < parallel.size(); i++) {
      for (int j = 0; j < i; j++) {
        double dx = parallel.get(i)[0] - parallel.get(j)[0];
        double dy = parallel.get(i)[1] - parallel.get(j)[1];
        assertThat(Math.hypot(dx, dy))
            .as("distance of suggestions %d and %d", i, j)
            .isGreaterThan(0.01);
      }
    }
  }

  /** A sampler told {@code trials} sequential trials of {@code f}; returns the study. */
  private static SimpleStudy history(
      Sampler sampler,
      StudyDefinition d,
      int trials,
      ToDoubleFunction<Map<String, ParamValue>> f,
      SplittableRandom random) {
    SimpleStudy study = new SimpleStudy(d);
    for (int t = 0; t < trials; t++) {
      Map<String, ParamValue> p =
          ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
              .values();
      study.start(p).succeed("loss", f.applyAsDouble(p));
    }
    return study;
  }

  @Test
  void aBatchAfterARunningTrial_keepsApartFromIt_asTheServersJobsAsk() {
    for (long seed = 1; seed <= 20; seed++) {
      StudyDefinition d = study(box(2, -5, 5), seed);
      Sampler sampler = new GpSamplerFactory().create(d, Settings.empty());
      SplittableRandom random = new SplittableRandom(seed);
      SimpleStudy study =
          history(
              sampler,
              d,
              12,
              p ->
                  Math.pow(p.get("x0").asDouble() - 1, 2) + Math.pow(p.get("x1").asDouble() + 2, 2),
              random);
      List<Map<String, ParamValue>> points = new ArrayList<>();
      Suggestion.Params first =
          (Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split()));
      study.start(first);
      points.add(first.values());
      for (Suggestion s : sampler.suggestBatch(study, 15, new SamplingContext(random.split()))) {
        points.add(((Suggestion.Params) s).values());
      }
      for (int i = 0; i < points.size(); i++) {
        for (int j = 0; j < i; j++) {
          double gap =
              Math.hypot(
                  points.get(i).get("x0").asDouble() - points.get(j).get("x0").asDouble(),
                  points.get(i).get("x1").asDouble() - points.get(j).get("x1").asDouble());
          assertThat(gap) // 10 * MIN_GAP in the unit square
              .as("seed %d: points %d and %d", seed, i, j)
              .isGreaterThan(1e-5);
        }
      }
    }
  }

  @Test
  void batchFromAFittedModel_isLegalAndDistinct_andFitsTheKernelOnce() {
    StudyDefinition d = study(box(3, -5, 5), 21);
    GpSampler sampler =
        (GpSampler) new GpSamplerFactory().create(d, Settings.of(Map.of("pending", "mean")));
    SplittableRandom random = new SplittableRandom(21);
    SimpleStudy study = history(sampler, d, 25, p -> sphere(p, 1.3), random);
    for (int count : new int[] {8, 16}) {
      int fits = sampler.kernelFits();
      List<Suggestion> batch =
          sampler.suggestBatch(study, count, new SamplingContext(random.split()));
      assertThat(sampler.kernelFits() - fits).as("kernel fits for a batch of %d", count).isOne();
      assertThat(batch).hasSize(count).allMatch(s -> s instanceof Suggestion.Params);
      List<double[]> points = new ArrayList<>();
      for (Suggestion s : batch) {
        Map<String, ParamValue> p = ((Suggestion.Params) s).values();
        for (Parameter param : d.space().parameters()) {
          assertThat(param.domain().contains(p.get(param.name()))).isTrue();
        }
        points.add(
            new double[] {p.get("x0").asDouble(), p.get("x1").asDouble(), p.get("x2").asDouble()});
      }
      for (int i = 0; i < points.size(); i++) {
        for (int j = 0; j < i; j++) {
          double[] a = points.get(i);
          double[] b = points.get(j);
          assertThat(
                  Math.sqrt(
                      (a[0] - b[0]) * (a[0] - b[0])
                          + (a[1] - b[1]) * (a[1] - b[1])
                          + (a[2] - b[2]) * (a[2] - b[2])))
              .as("distance of batch points %d and %d", i, j)
              .isGreaterThan(1e-3);
        }
      }
      for (Suggestion s : batch) {
        Map<String, ParamValue> p = ((Suggestion.Params) s).values();
        study.start(p).succeed("loss", sphere(p, 1.3));
      }
    }
  }

  private static final List<String> STRATEGIES = List.of("mean", "believer", "max", "penalize");

  @Test
  void batch_picksWhatSuggestPicksWithTheEarlierPointsRunning() {
    for (String pending : STRATEGIES) {
      batchEqualsSingleAsks(pending);
    }
  }

  private static void batchEqualsSingleAsks(String pending) {
    SearchSpace space =
        SearchSpace.of(
            Parameter.of("lr", FloatDomain.logScale(1e-5, 1)),
            Parameter.of("layers", IntDomain.range(1, 8)),
            Parameter.of(
                "optimizer", CategoricalDomain.of(ParamValue.of("adam"), ParamValue.of("sgd"))));
    ToDoubleFunction<Map<String, ParamValue>> f =
        p ->
            Math.pow(Math.log10(p.get("lr").asDouble()) + 2.5, 2)
                + 0.1 * Math.abs(p.get("layers").asDouble() - 3)
                + (p.get("optimizer").equals(ParamValue.of("sgd")) ? 0.3 : 0);
    StudyDefinition d = study(space, 8);
    Settings s =
        Settings.of(Map.of("n_candidates", 128, "n_local_searches", 3, "pending", pending));
    Sampler batched = new GpSamplerFactory().create(d, s);
    Sampler oneByOne = new GpSamplerFactory().create(d, s);
    SimpleStudy study = history(batched, d, 20, f, new SplittableRandom(8));
    history(oneByOne, d, 20, f, new SplittableRandom(8));
    study.start(
        ((Suggestion.Params) batched.suggest(study, new SamplingContext(new SplittableRandom(1))))
            .values());
    oneByOne.suggest(study, new SamplingContext(new SplittableRandom(1))); // the same state

    List<Suggestion> batch =
        batched.suggestBatch(study, 6, new SamplingContext(new SplittableRandom(2)));
    WithPending view = new WithPending(study);
    SamplingContext context = new SamplingContext(new SplittableRandom(2));
    List<Suggestion> sequential = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Suggestion.Params p = (Suggestion.Params) oneByOne.suggest(view, context);
      sequential.add(p);
      view.add(p);
    }
    assertThat(batch).as("pending %s", pending).isEqualTo(sequential);
  }

  /** The three coordinates of a suggestion on {@code box(3, ...)}. */
  private static double[] xyz(Suggestion s) {
    Map<String, ParamValue> p = ((Suggestion.Params) s).values();
    return new double[] {p.get("x0").asDouble(), p.get("x1").asDouble(), p.get("x2").asDouble()};
  }

  @Test
  void everyPendingStrategy_givesLegalDistinctBatchesOfEight_andTheyDiffer() {
    StudyDefinition d = study(box(3, -5, 5), 13);
    Set<List<Suggestion>> batches = new HashSet<>();
    for (String pending : STRATEGIES) {
      Sampler sampler = new GpSamplerFactory().create(d, Settings.of(Map.of("pending", pending)));
      SplittableRandom random = new SplittableRandom(13);
      SimpleStudy study = history(sampler, d, 20, p -> sphere(p, 1.3), random);
      for (int i = 0; i < 2; i++) { // two workers already running
        study.start(
            ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
                .values());
      }
      List<Suggestion> batch = sampler.suggestBatch(study, 8, new SamplingContext(random.split()));
      assertThat(batch).hasSize(8).allMatch(s -> s instanceof Suggestion.Params);
      List<double[]> points = new ArrayList<>();
      for (TrialView running : study.running()) {
        Map<String, ParamValue> p = running.params();
        points.add(
            new double[] {p.get("x0").asDouble(), p.get("x1").asDouble(), p.get("x2").asDouble()});
      }
      for (Suggestion s : batch) {
        Map<String, ParamValue> p = ((Suggestion.Params) s).values();
        for (Parameter param : d.space().parameters()) {
          assertThat(param.domain().contains(p.get(param.name()))).isTrue();
        }
        points.add(xyz(s));
      }
      for (int i = 0; i < points.size(); i++) {
        for (int j = 0; j < i; j++) {
          double[] a = points.get(i);
          double[] b = points.get(j);
          double distance =
              Math.sqrt(
                  (a[0] - b[0]) * (a[0] - b[0])
                      + (a[1] - b[1]) * (a[1] - b[1])
                      + (a[2] - b[2]) * (a[2] - b[2]));
          assertThat(distance)
              .as(
                  "pending %s: distance of points %d and %d (2 running, then the batch)",
                  pending, i, j)
              .isGreaterThan(1e-3);
        }
      }
      batches.add(batch);
    }
    assertThat(batches).as("the strategies' batches").hasSize(STRATEGIES.size());
  }

  @Test
  void lies_areThePosteriorMeanForTheBeliever_zeroForTheMean_theWorstLossForMax() {
    StudyDefinition d = study(box(2, -5, 5), 17);
    Encoding encoding = new Encoding(d.space());
    for (String pending : STRATEGIES) {
      GpSampler sampler =
          (GpSampler) new GpSamplerFactory().create(d, Settings.of(Map.of("pending", pending)));
      SplittableRandom random = new SplittableRandom(17);
      List<Double> losses = new ArrayList<>();
      SimpleStudy study =
          history(
              sampler,
              d,
              15,
              p -> {
                double loss = sphere(p, 2);
                losses.add(loss);
                return loss;
              },
              random);
      for (int i = 0; i < 3; i++) {
        study.start(
            ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
                .values());
      }
      sampler.suggest(study, new SamplingContext(random.split()));
      double[] lies = sampler.lastLies();
      List<? extends TrialView> running = study.running();
      if (pending.equals("penalize")) {
        assertThat(lies).isEmpty();
        continue;
      }
      assertThat(lies).hasSize(running.size()).hasSize(3);
      double worst =
          java.util.Arrays.stream(
                  PowerTransform.apply(
                      Standardized.of(losses.stream().mapToDouble(Double::doubleValue).toArray())
                          .values()))
              .max()
              .orElseThrow();
      for (int i = 0; i < lies.length; i++) {
        double[] x = encoding.encode(running.get(i).params());
        double expected =
            switch (pending) {
              case "believer" -> sampler.lastObjective().predict(x)[0];
              case "max" -> worst;
              default -> 0;
            };
        assertThat(lies[i]).as("pending %s: lie %d", pending, i).isCloseTo(expected, within(1e-9));
      }
      if (pending.equals("believer")) {
        assertThat(lies).as("believer lies differ point by point").doesNotHaveDuplicates();
      }
    }
  }

  @Test
  void startupBatch_onASmallGrid_holdsDistinctPoints() {
    StudyDefinition d = study(SearchSpace.of(Parameter.of("n", IntDomain.range(0, 9))), 3);
    Sampler sampler = new GpSamplerFactory().create(d, Settings.empty());
    List<Suggestion> batch =
        sampler.suggestBatch(new SimpleStudy(d), 8, new SamplingContext(new SplittableRandom(3)));
    assertThat(batch.stream().map(s -> ((Suggestion.Params) s).values()).distinct()).hasSize(8);
  }

  @Test
  void refitEvery_keepsTheKernelBetweenRefitsOnceTheStudyIsLarge() {
    for (int every : new int[] {5, 1}) {
      StudyDefinition d = study(box(2, -5, 5), 6);
      GpSampler sampler =
          (GpSampler)
              new GpSamplerFactory()
                  .create(
                      d,
                      Settings.of(
                          Map.of(
                              "n_startup_trials", 5,
                              "refit_every", every,
                              "n_candidates", 64,
                              "n_local_searches", 2)));
      SimpleStudy study = new SimpleStudy(d);
      SplittableRandom random = new SplittableRandom(6);
      Set<Integer> refittedAt = new HashSet<>();
      for (int n = 0; n < 65; n++) {
        int fits = sampler.kernelFits();
        Map<String, ParamValue> p =
            ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
                .values();
        if (sampler.kernelFits() > fits) {
          refittedAt.add(n);
        }
        fits = sampler.kernelFits();
        sampler.suggest(study, new SamplingContext(random.split())); // nothing new: no refit
        assertThat(sampler.kernelFits()).as("fits after a second ask at %d", n).isEqualTo(fits);
        study.start(p).succeed("loss", sphere(p, 1));
      }
      Set<Integer> expected = new HashSet<>();
      for (int n = 5; n < 65; n++) {
        if (n < GpSampler.ALWAYS_REFIT_BELOW
            || (n - (GpSampler.ALWAYS_REFIT_BELOW - 1)) % every == 0) {
          expected.add(n);
        }
      }
      assertThat(refittedAt)
          .as("observations at each refit, refit_every %d", every)
          .isEqualTo(expected);
    }
  }

  @Test
  void modelCap_keepsWorkingBeyondIt() {
    StudyDefinition d = study(box(2, -5, 5), 2);
    Sampler capped =
        new GpSamplerFactory()
            .create(d, Settings.of(Map.of("max_model_trials", 15, "max_fit_trials", 10)));
    assertThat(bestOf(capped, d, 40, p -> sphere(p, 2), Map.of(), null)).isLessThan(0.05);
  }

  @Test
  void multiObjectiveStudies_andBadSettings_areRejectedWithTheReason() {
    StudyDefinition two =
        new StudyDefinition(
            "gp",
            box(2, 0, 1),
            List.of(new Objective("a", Direction.MINIMIZE), new Objective("b", Direction.MINIMIZE)),
            List.of(),
            1);
    assertThatThrownBy(() -> new GpSamplerFactory().create(two, Settings.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one objective");
    assertThatThrownBy(
            () ->
                new GpSamplerFactory()
                    .create(study(box(2, 0, 1), 1), Settings.of(Map.of("max_model_trials", 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max_model_trials");
    assertThatThrownBy(
            () ->
                new GpSamplerFactory()
                    .create(study(box(2, 0, 1), 1), Settings.of(Map.of("pending", "min"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pending");
  }
}
