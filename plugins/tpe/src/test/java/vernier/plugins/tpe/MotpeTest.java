package vernier.plugins.tpe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vernier.spi.Constraint;
import vernier.spi.Direction;
import vernier.spi.FloatDomain;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.Sampler;
import vernier.spi.SamplingContext;
import vernier.spi.SearchSpace;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.Suggestion;
import vernier.spi.Uniform;
import vernier.spi.testkit.SimpleStudy;

/** TPE with two objectives is MOTPE: it is judged by the hypervolume of what it finds. */
final class MotpeTest {

  private static final int VARIABLES = 5;

  private static StudyDefinition zdt1(long seed) {
    Parameter[] params = new Parameter[VARIABLES];
    for (int i = 0; i < VARIABLES; i++) {
      params[i] = Parameter.of("x" + i, FloatDomain.continuous(0, 1));
    }
    return new StudyDefinition(
        "mo",
        SearchSpace.of(params),
        List.of(new Objective("f0", Direction.MINIMIZE), new Objective("f1", Direction.MINIMIZE)),
        List.<Constraint>of(),
        seed);
  }

  private static double[] zdt1(Map<String, ParamValue> p) {
    double s = 0;
    for (int i = 1; i < VARIABLES; i++) {
      s += p.get("x" + i).asDouble();
    }
    double g = 1 + 9 * s / (VARIABLES - 1);
    double x0 = p.get("x0").asDouble();
    return new double[] {x0, g * (1 - Math.sqrt(x0 / g))};
  }

  /** Hypervolume of the points w.r.t. (1.1, 11): a sweep over the front sorted by f0. */
  private static double hypervolume(List<double[]> points) {
    List<double[]> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparingDouble(a -> a[0]));
    double volume = 0;
    double lowestF1 = 11;
    for (double[] p : sorted) {
      if (p[0] < 1.1 && p[1] < lowestF1) {
        volume += (1.1 - p[0]) * (lowestF1 - p[1]);
        lowestF1 = p[1];
      }
    }
    return volume;
  }

  private static double run(Sampler sampler, StudyDefinition d, int trials) {
    SimpleStudy study = new SimpleStudy(d);
    SplittableRandom random = new SplittableRandom(d.seed());
    List<double[]> found = new ArrayList<>();
    for (int t = 0; t < trials; t++) {
      Map<String, ParamValue> p =
          ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
              .values();
      double[] f = zdt1(p);
      found.add(f);
      study.start(p).succeed(Map.of("f0", f[0], "f1", f[1]));
    }
    return hypervolume(found);
  }

  @Test
  void bohb_onATwoObjectiveStudy_modelsTheFirstObjective() {
    StudyDefinition d = zdt1(3);
    Sampler bohb = new BohbSamplerFactory().create(d, Settings.of(Map.of("max_resource", 9.0)));
    SimpleStudy study = new SimpleStudy(d);
    SplittableRandom random = new SplittableRandom(3);
    for (int t = 0; t < 40; t++) {
      double f0 = t % 7 / 7.0;
      study
          .start(
              ((Suggestion.Params) bohb.suggest(study, new SamplingContext(random.split())))
                  .values())
          .report("f0", 1, f0)
          .report("f0", 9, f0)
          .succeed(Map.of("f0", f0, "f1", 1 - f0));
    }
    assertThat(bohb.suggest(study, new SamplingContext(random.split())))
        .isInstanceOf(Suggestion.Params.class);
  }

  @Test
  void twoObjectives_findAFrontWithMoreHypervolumeThanRandomSearch() {
    int wins = 0;
    for (long seed = 0; seed < 5; seed++) {
      double motpe =
          run(new TpeSamplerFactory().create(zdt1(seed), Settings.empty()), zdt1(seed), 80);
      StudyDefinition d = zdt1(seed);
      double random =
          run(
              (study, ctx) ->
                  Suggestion.of(
                      d.space().assign((p, a) -> Uniform.sample(p.domain(), ctx.random()))),
              d,
              80);
      wins += motpe > random ? 1 : 0;
    }
    assertThat(wins).isGreaterThanOrEqualTo(4);
  }

  @Test
  void paretoRank_fillsTheGoodSetWithWholeFrontsThenByHypervolume() {
    double[][] losses = {{1, 5}, {2, 2}, {5, 1}, {3, 3}, {1.5, 4.5}, {6, 6}};
    // front 0: (1,5) (2,2) (5,1) (1.5,4.5); front 1: (3,3); front 2: (6,6). Two good ones: from
    // front 0,
    // the knee (2,2) adds the most hypervolume, then the next best addition
    double[] s = ParetoRank.scores(losses, 2, i -> true);
    assertThat(s[1]).isZero();
    for (int i : new int[] {0, 2, 4}) {
      assertThat(s[i]).isBetween(0.0, 1.0).isGreaterThan(s[1]);
    }
    // front 0 holds the two good ones, so the rest is not peeled: it shares the next score
    assertThat(s[3]).isEqualTo(1.0);
    assertThat(s[5]).isEqualTo(1.0);
    // when only rows 3 and 5 count (c-TPE: the feasible ones), fronts are peeled until both are
    // placed
    double[] feasibleOnly = ParetoRank.scores(losses, 2, i -> i == 3 || i == 5);
    assertThat(feasibleOnly[3]).isBetween(1.0, 2.0);
    assertThat(feasibleOnly[5]).isGreaterThanOrEqualTo(2);
  }

  @Test
  void hypervolume_isExactInTwoAndThreeDimensions() {
    assertThat(
            ParetoRank.hypervolume(
                List.of(new double[] {1, 2}, new double[] {2, 1}), new double[] {3, 3}))
        .isEqualTo(3.0);
    assertThat(ParetoRank.hypervolume(List.of(new double[] {0, 0, 0}), new double[] {1, 2, 3}))
        .isEqualTo(6.0);
    assertThat(
            ParetoRank.hypervolume(
                List.of(new double[] {0, 1, 1}, new double[] {1, 0, 1}, new double[] {1, 1, 0}),
                new double[] {2, 2, 2}))
        .isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-12)); // 3 boxes of 2, overlaps of 1
  }
}
