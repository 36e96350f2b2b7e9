package vernier.plugins.tpe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
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
import vernier.spi.Uniform;
import vernier.spi.testkit.SamplerContractTest;
import vernier.spi.testkit.SimpleStudy;

final class TpeSamplerTest extends SamplerContractTest {

  @Override
  protected SamplerFactory factory() {
    return new TpeSamplerFactory();
  }

  @Override
  protected int trials() {
    return 40; // past the 10 start-up trials
  }

  private static final SearchSpace SPACE =
      SearchSpace.of(
          Parameter.of("x", FloatDomain.continuous(-5, 5)),
          Parameter.of("y", FloatDomain.continuous(-5, 5)),
          Parameter.of("n", IntDomain.range(0, 20)));

  private static double objective(Map<String, ParamValue> p) {
    double x = p.get("x").asDouble() - 1.3;
    double y = p.get("y").asDouble() + 2.1;
    double n = p.get("n").asDouble() - 7;
    return x * x + y * y + 0.1 * n * n;
  }

  private static double bestOf(Sampler sampler, StudyDefinition d, long seed, int n) {
    SimpleStudy study = new SimpleStudy(d);
    SplittableRandom random = new SplittableRandom(seed);
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      Map<String, ParamValue> p =
          ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
              .values();
      double v = objective(p);
      best = Math.min(best, v);
      study.start(p).succeed("loss", v);
    }
    return best;
  }

  private static StudyDefinition definition(long seed) {
    return new StudyDefinition(
        "t",
        SPACE,
        List.of(new Objective("loss", Direction.MINIMIZE)),
        List.<Constraint>of(),
        seed);
  }

  @Test
  void beatsRandomSearchOnASmoothProblem() {
    int wins = 0;
    for (long seed = 0; seed < 7; seed++) {
      double tpe =
          bestOf(factory().create(definition(seed), Settings.empty()), definition(seed), seed, 60);
      double random =
          bestOf(
              (study, ctx) ->
                  Suggestion.of(SPACE.assign((p, a) -> Uniform.sample(p.domain(), ctx.random()))),
              definition(seed),
              seed,
              60);
      wins += tpe < random ? 1 : 0;
    }
    assertThat(wins).isGreaterThanOrEqualTo(6);
  }

  @Test
  void infeasibleTrials_rankByHowFarTheyMiss_soTheSearchFindsASmallFeasibleRegion() {
    // maximise x + y under x + y <= 0.2 on [0, 1]²: about 2 % of the square is feasible
    SearchSpace square =
        SearchSpace.of(
            Parameter.of("x", vernier.spi.FloatDomain.continuous(0, 1)),
            Parameter.of("y", vernier.spi.FloatDomain.continuous(0, 1)));
    Constraint sum = Constraint.atMost("sum", 0.2);
    StudyDefinition d =
        new StudyDefinition(
            "c", square, List.of(new Objective("loss", Direction.MINIMIZE)), List.of(sum), 4);
    Sampler sampler = factory().create(d, Settings.empty());
    SimpleStudy study = new SimpleStudy(d);
    java.util.SplittableRandom random = new java.util.SplittableRandom(4);
    int feasibleLate = 0;
    for (int i = 0; i < 60; i++) {
      Map<String, ParamValue> p =
          ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
              .values();
      double s = p.get("x").asDouble() + p.get("y").asDouble();
      study.start(p).succeed(Map.of("loss", -s, "sum", s)).feasible(sum.isSatisfiedBy(s));
      feasibleLate += i >= 30 && sum.isSatisfiedBy(s) ? 1 : 0;
    }
    assertThat(feasibleLate)
        .as("feasible among the last 30 (random search: about 1)")
        .isGreaterThanOrEqualTo(8);
  }

  /**
   * Maximise x + y on [0, 1]² subject to x <= 0.3 and y <= 0.3 (9 % of the square is feasible; the
   * optimum, 0.6, is the corner both constraints meet at): each constraint is learnable on its own
   * axis, which c-TPE's per-constraint ratios exploit.
   */
  private static double cornerBest(Sampler sampler, StudyDefinition d, long seed, int n) {
    SimpleStudy study = new SimpleStudy(d);
    SplittableRandom random = new SplittableRandom(seed);
    double best = 0;
    for (int i = 0; i < n; i++) {
      Map<String, ParamValue> p =
          ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
              .values();
      double x = p.get("x").asDouble();
      double y = p.get("y").asDouble();
      boolean feasible =
          d.constraints().get(0).isSatisfiedBy(x) && d.constraints().get(1).isSatisfiedBy(y);
      study.start(p).succeed(Map.of("loss", -(x + y), "cx", x, "cy", y)).feasible(feasible);
      best = feasible ? Math.max(best, x + y) : best;
    }
    return best;
  }

  private static StudyDefinition corner(long seed) {
    SearchSpace square =
        SearchSpace.of(
            Parameter.of("x", FloatDomain.continuous(0, 1)),
            Parameter.of("y", FloatDomain.continuous(0, 1)));
    return new StudyDefinition(
        "g",
        square,
        List.of(new Objective("loss", Direction.MINIMIZE)),
        List.of(Constraint.atMost("cx", 0.3), Constraint.atMost("cy", 0.3)),
        seed);
  }

  @Test
  void ctpe_getsCloserToTheConstrainedOptimumThanRandomSearch() {
    int wins = 0;
    double gap = 0;
    double randomGap = 0;
    for (long seed = 0; seed < 10; seed++) {
      StudyDefinition d = corner(seed);
      double ctpe = cornerBest(factory().create(d, Settings.empty()), d, seed, 60);
      double random =
          cornerBest(
              (study, ctx) ->
                  Suggestion.of(
                      d.space().assign((p, a) -> Uniform.sample(p.domain(), ctx.random()))),
              d,
              seed,
              60);
      wins += ctpe > random ? 1 : 0;
      gap += (0.6 - ctpe) / 10;
      randomGap += (0.6 - random) / 10;
    }
    assertThat(wins)
        .isGreaterThanOrEqualTo(9); // seen: 10 of 10, mean gap 0.042 against random's 0.154
    // a third: these ten seeds are unlucky for per-axis neighbour bandwidths (0.042, Scott's rule
    // 0.014); over seeds 0-39 the means are 0.032 and 0.027 and the medians 0.012 each
    assertThat(gap).as("mean distance to the optimum").isLessThan(randomGap / 3);
  }

  @Test
  void ctpe_aConstraintEveryTrialSatisfiesChangesNothing() {
    // c-TPE's ratio for a constraint without violations is constant, so the suggestions are exactly
    // those of the unconstrained study (same seed, same draws)
    StudyDefinition free = definition(11);
    StudyDefinition bounded =
        new StudyDefinition(
            "t", SPACE, free.objectives(), List.of(Constraint.atMost("loss", 1e9)), 11);
    Sampler a = factory().create(free, Settings.empty());
    Sampler b = factory().create(bounded, Settings.empty());
    SimpleStudy sa = new SimpleStudy(free);
    SimpleStudy sb = new SimpleStudy(bounded);
    SplittableRandom ra = new SplittableRandom(11);
    SplittableRandom rb = new SplittableRandom(11);
    for (int i = 0; i < 30; i++) {
      Map<String, ParamValue> pa =
          ((Suggestion.Params) a.suggest(sa, new SamplingContext(ra.split()))).values();
      Map<String, ParamValue> pb =
          ((Suggestion.Params) b.suggest(sb, new SamplingContext(rb.split()))).values();
      assertThat(pb).isEqualTo(pa);
      sa.start(pa).succeed("loss", objective(pa));
      sb.start(pb).succeed("loss", objective(pb));
    }
  }

  @Test
  void constraintModel_isValidated() {
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    factory()
                        .create(corner(1), Settings.of(Map.of("constraint_model", "penalty")))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tpe: setting constraint_model must be one of ctpe, violation, got 'penalty'");
    double violation =
        cornerBest(
            factory().create(corner(2), Settings.of(Map.of("constraint_model", "violation"))),
            corner(2),
            2,
            60);
    assertThat(violation).as("Optuna 3.1's rule also finds feasible points").isGreaterThan(0.3);
  }

  @Test
  void univariateMode_alsoLearns() {
    Settings univariate = Settings.of(Map.of("multivariate", false));
    double tpe = bestOf(factory().create(definition(3), univariate), definition(3), 3, 60);
    assertThat(tpe).isLessThan(1.0);
  }

  @Test
  void constantLiar_spreadsParallelSuggestions() {
    StudyDefinition d = definition(5);
    Sampler sampler = factory().create(d, Settings.empty());
    SimpleStudy study = new SimpleStudy(d);
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 30; i++) {
      Map<String, ParamValue> p =
          ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
              .values();
      study.start(p).succeed("loss", objective(p));
    }
    Set<Map<String, ParamValue>> running = new HashSet<>();
    for (int w = 0; w < 16; w++) { // 16 workers ask before anyone tells
      Map<String, ParamValue> p =
          ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
              .values();
      study.start(p);
      running.add(p);
    }
    assertThat(running).hasSize(16);
  }

  @Test
  void weights_areFlatForTheNewest25AndRampForOlderOnes() {
    assertThat(TpeSampler.weights(10)).containsOnly(1.0);
    double[] w = TpeSampler.weights(50);
    assertThat(w[0]).isEqualTo(1.0 / 50);
    assertThat(w[24]).isEqualTo(1.0);
    assertThat(w[49]).isEqualTo(1.0);
    assertThat(w[10]).isGreaterThan(w[5]);
  }
}
