package vernier.plugins.tpe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vernier.spi.CategoricalDomain;
import vernier.spi.Direction;
import vernier.spi.FloatDomain;
import vernier.spi.IntDomain;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.Sampler;
import vernier.spi.SamplingContext;
import vernier.spi.SearchSpace;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.Suggestion;
import vernier.spi.testkit.SimpleStudy;

final class ParzenEstimatorTest {

  private static final Kernel AXIS = new Kernel(FloatDomain.continuous(0, 100));

  /** Three observations, spread on x and two of them close on y; the prior sits at (50, 50). */
  private static final double[][] POINTS = {{10, 20}, {40, 22}, {90, 80}};

  private static ParzenEstimator estimator(boolean scott) {
    return new ParzenEstimator(
        List.of(AXIS, AXIS), POINTS, TpeSampler.weights(POINTS.length), 1.0, scott);
  }

  @Test
  void jointKernels_takeEachAxisNeighbourGaps_clippedByTheMagicClip() {
    ParzenEstimator pe = estimator(false);
    // x: 10, 40, 50 (prior), 90 -> gaps 30, 30, 40; y: 20, 22, 50, 80 -> 2, 28, 30; the floor is
    // range / (n + 2) = 20, so y's 2 becomes 20
    double[][] expected = {{30, 20}, {30, 28}, {40, 30}};
    for (int c = 0; c < POINTS.length; c++) {
      for (int d = 0; d < 2; d++) {
        assertThat(pe.sigma(c, d)).as("component %d, axis %d", c, d).isEqualTo(expected[c][d]);
      }
    }
    assertThat(pe.sigma(POINTS.length, 0)).as("the prior spans the range").isEqualTo(100);
  }

  @Test
  void scott_givesEveryJointComponentOneWidth() {
    ParzenEstimator pe = estimator(true);
    // 0.2 · 3^(-1/6) · 100 = 16.6, under the floor of 20
    for (int c = 0; c < POINTS.length; c++) {
      assertThat(pe.sigma(c, 0)).isEqualTo(20);
      assertThat(pe.sigma(c, 1)).isEqualTo(20);
    }
  }

  @Test
  void oneAxis_takesTheNeighbourGapsWithEitherRule() {
    double[][] xs = {{10}, {40}, {90}};
    for (boolean scott : new boolean[] {false, true}) {
      ParzenEstimator pe =
          new ParzenEstimator(List.of(AXIS), xs, TpeSampler.weights(3), 1.0, scott);
      assertThat(pe.sigma(0, 0)).isEqualTo(30);
      assertThat(pe.sigma(2, 0)).isEqualTo(40);
    }
  }

  @Test
  void densityIsNormalised() {
    // the truncated normals are normalised (Optuna 3.1 left out -log sigma): the mixture's mass
    // over the square is 1
    ParzenEstimator pe = estimator(false);
    double mass = 0;
    int cells = 200;
    double h = 100.0 / cells;
    for (int i = 0; i < cells; i++) {
      for (int j = 0; j < cells; j++) {
        mass += Math.exp(pe.logPdf(new double[] {(i + 0.5) * h, (j + 0.5) * h})) * h * h;
      }
    }
    assertThat(mass).isCloseTo(1, within(1e-3));
  }

  /**
   * A shifted 4-D sphere, 100 trials: with per-axis neighbour gaps the good estimator l narrows
   * around the good trials; under Scott's rule l's kernels keep 0.2 · 10^(-1/8) ≈ 15 % of the range
   * at ten good trials, however close together they are.
   */
  @Test
  void neighbourBandwidths_beatScottsRuleOnAShiftedSphere() {
    SearchSpace space =
        SearchSpace.of(
            Parameter.of("a", FloatDomain.continuous(-5, 5)),
            Parameter.of("b", FloatDomain.continuous(-5, 5)),
            Parameter.of("c", FloatDomain.continuous(-5, 5)),
            Parameter.of("d", FloatDomain.continuous(-5, 5)));
    int wins = 0;
    for (long seed = 0; seed < 10; seed++) {
      StudyDefinition def =
          new StudyDefinition(
              "s", space, List.of(new Objective("loss", Direction.MINIMIZE)), List.of(), seed);
      double neighbours = sphereBest(def, Settings.empty(), seed);
      double scott = sphereBest(def, Settings.of(Map.of("bandwidth", "scott")), seed);
      wins += neighbours < scott ? 1 : 0;
    }
    assertThat(wins).isGreaterThanOrEqualTo(7);
  }

  /**
   * The default rule: neighbour gaps for a group of numbers, Scott's rule for a group that holds a
   * category; the same seed then gives exactly the suggestions of the named rule.
   */
  @Test
  void auto_takesNeighbourGapsForNumbersAndScottsRuleBesideACategory() {
    SearchSpace numbers =
        SearchSpace.of(
            Parameter.of("a", FloatDomain.continuous(-5, 5)),
            Parameter.of("b", IntDomain.range(0, 20)));
    SearchSpace withCategory =
        SearchSpace.of(
            Parameter.of("a", FloatDomain.continuous(-5, 5)),
            Parameter.of("b", IntDomain.range(0, 20)),
            Parameter.of("c", CategoricalDomain.of(ParamValue.of("x"), ParamValue.of("y"))));
    assertThat(trace(numbers, Settings.empty()))
        .isEqualTo(trace(numbers, Settings.of(Map.of("bandwidth", "neighbours"))))
        .isNotEqualTo(trace(numbers, Settings.of(Map.of("bandwidth", "scott"))));
    assertThat(trace(withCategory, Settings.empty()))
        .isEqualTo(trace(withCategory, Settings.of(Map.of("bandwidth", "scott"))))
        .isNotEqualTo(trace(withCategory, Settings.of(Map.of("bandwidth", "neighbours"))));
  }

  @Test
  void auto_keepsScottsRuleForMotpe() {
    SearchSpace numbers =
        SearchSpace.of(
            Parameter.of("a", FloatDomain.continuous(-5, 5)),
            Parameter.of("b", IntDomain.range(0, 20)));
    List<Objective> two =
        List.of(new Objective("loss", Direction.MINIMIZE), new Objective("b", Direction.MINIMIZE));
    assertThat(trace(numbers, two, Settings.empty()))
        .isEqualTo(trace(numbers, two, Settings.of(Map.of("bandwidth", "scott"))))
        .isNotEqualTo(trace(numbers, two, Settings.of(Map.of("bandwidth", "neighbours"))));
  }

  private static List<Map<String, ParamValue>> trace(SearchSpace space, Settings settings) {
    return trace(space, List.of(new Objective("loss", Direction.MINIMIZE)), settings);
  }

  /** 40 suggestions on a bowl (c = "y" costs 1); a second objective, if any, is b. */
  private static List<Map<String, ParamValue>> trace(
      SearchSpace space, List<Objective> objectives, Settings settings) {
    StudyDefinition def = new StudyDefinition("t", space, objectives, List.of(), 3);
    Sampler sampler = new TpeSamplerFactory().create(def, settings);
    SimpleStudy study = new SimpleStudy(def);
    SplittableRandom random = new SplittableRandom(3);
    List<Map<String, ParamValue>> out = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Map<String, ParamValue> p =
          ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
              .values();
      double a = p.get("a").asDouble() - 1;
      double b = p.get("b").asDouble() - 7;
      double v = a * a + 0.1 * b * b + (ParamValue.of("y").equals(p.get("c")) ? 1 : 0);
      out.add(p);
      study.start(p).succeed(Map.of("loss", v, "b", p.get("b").asDouble()));
    }
    return out;
  }

  private static double sphereBest(StudyDefinition def, Settings settings, long seed) {
    Sampler sampler = new TpeSamplerFactory().create(def, settings);
    SimpleStudy study = new SimpleStudy(def);
    SplittableRandom random = new SplittableRandom(seed);
    double[] shift = {1.7, -2.3, 0.9, 3.1};
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < 100; i++) {
      Map<String, ParamValue> p =
          ((Suggestion.Params) sampler.suggest(study, new SamplingContext(random.split())))
              .values();
      double v = 0;
      int k = 0;
      for (String name : List.of("a", "b", "c", "d")) {
        double z = p.get(name).asDouble() - shift[k++];
        v += z * z;
      }
      best = Math.min(best, v);
      study.start(p).succeed("loss", v);
    }
    return best;
  }
}
