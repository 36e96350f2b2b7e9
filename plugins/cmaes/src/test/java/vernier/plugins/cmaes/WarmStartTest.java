package vernier.plugins.cmaes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.junit.jupiter.api.Test;
import vernier.spi.FloatDomain;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.Sampler;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.TrialState;
import vernier.spi.testkit.SimpleStudy;
import vernier.spi.testkit.SimpleTrial;

final class WarmStartTest {

  @Test
  void fit_isTheBestGammaFractionsGaussianPlusAlphaSquared() {
    List<double[]> points =
        List.of(
            new double[] {0.2, 0.4},
            new double[] {0.9, 0.9},
            new double[] {0.4, 0.6},
            new double[] {0.1, 0.1});
    List<Double> losses = List.of(1.0, 9.0, 2.0, 8.0);
    WarmStart.Prior prior =
        WarmStart.fit(points, losses, 0.5, 0.1, false); // best two: points 0 and 2
    assertThat(prior.mean()).containsExactly(new double[] {0.3, 0.5}, within(1e-12));
    // Sigma = 0.01 I + [[0.01, 0.01], [0.01, 0.01]]; sigma^2 C must give it back, with det C = 1
    double[][] expected = {{0.02, 0.01}, {0.01, 0.02}};
    double[][] cov = prior.cov();
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        assertThat(prior.sigma() * prior.sigma() * cov[i][j])
            .isCloseTo(expected[i][j], within(1e-12));
      }
    }
    assertThat(new LUDecomposition(new Array2DRowRealMatrix(cov)).getDeterminant())
        .isCloseTo(1, within(1e-9));
  }

  @Test
  void fit_withFewSolutions_keepsTheBestOne_asABallOfRadiusAlpha() {
    WarmStart.Prior prior =
        WarmStart.fit(
            List.of(new double[] {0.7, 0.2}, new double[] {0.1, 0.1}),
            List.of(0.5, 3.0),
            0.1,
            0.05,
            false);
    assertThat(prior.mean()).containsExactly(0.7, 0.2);
    assertThat(prior.sigma()).isCloseTo(0.05, within(1e-12));
    assertThat(prior.cov()[0]).containsExactly(new double[] {1, 0}, within(1e-12));
  }

  @Test
  void fit_diagonal_dropsTheCorrelation() {
    WarmStart.Prior prior =
        WarmStart.fit(
            List.of(new double[] {0.2, 0.4}, new double[] {0.4, 0.6}),
            List.of(1.0, 2.0),
            1,
            0.1,
            true);
    assertThat(prior.cov()[0][1]).isZero();
  }

  // ---- in the sampler --------------------------------------------------------------------------

  private static final double OPTIMUM = 3.5;

  private static double sphere(Map<String, ParamValue> p) {
    double v = 0;
    for (int i = 0; i < 4; i++) {
      double x = p.get("x" + i).asDouble() - OPTIMUM;
      v += x * x;
    }
    return v;
  }

  private static StudyDefinition definition(long seed) {
    Parameter[] params = new Parameter[4];
    for (int i = 0; i < 4; i++) {
      params[i] = Parameter.of("x" + i, FloatDomain.continuous(-5, 5));
    }
    return Studies.definition(seed, params);
  }

  /** Imports {@code count} finished trials scattered around the optimum, as ImportTrials would. */
  private static void importNearTheOptimum(SimpleStudy study, long seed, int count) {
    SplittableRandom random = new SplittableRandom(seed + 1000);
    for (int t = 0; t < count; t++) {
      Map<String, ParamValue> p = new LinkedHashMap<>();
      for (int i = 0; i < 4; i++) {
        p.put("x" + i, ParamValue.of(Math.max(-5, Math.min(5, OPTIMUM + random.nextGaussian()))));
      }
      study.start(p).succeed("loss", sphere(p));
    }
  }

  /** The sampled trials of a study with {@code imported} trials in front and the given settings. */
  private static List<Map<String, ParamValue>> sampled(
      long seed, int imported, Settings settings, int budget) {
    StudyDefinition d = definition(seed);
    SimpleStudy study = new SimpleStudy(d);
    importNearTheOptimum(study, seed, imported);
    return Studies.run(Studies.sampler(d, settings), study, seed, budget, WarmStartTest::sphere);
  }

  private static double[] average(List<Map<String, ParamValue>> trials) {
    double[] mean = new double[4];
    for (Map<String, ParamValue> p : trials) {
      for (int i = 0; i < 4; i++) {
        mean[i] += p.get("x" + i).asDouble() / trials.size();
      }
    }
    return mean;
  }

  private static double best(List<Map<String, ParamValue>> trials) {
    return trials.stream().mapToDouble(WarmStartTest::sphere).min().orElseThrow();
  }

  @Test
  void warmStart_firstGenerationStartsAtTheImportedOptimum_andBeatsTheColdStart() {
    int lambda = 8; // 4 + floor(3 ln 4)
    double warmTotal = 0;
    double coldTotal = 0;
    for (long seed = 1; seed <= 8; seed++) {
      List<Map<String, ParamValue>> warm =
          sampled(seed, 30, Settings.of(Map.of("warm_start_trials", 30.0)), 24);
      List<Map<String, ParamValue>> cold = sampled(seed, 0, Settings.empty(), 24);
      // The source's best 3 trials lie within about a unit of (3.5, ...); the cold start is at 0.
      assertThat(average(warm.subList(0, lambda)))
          .as("seed %d: warm generation 0", seed)
          .containsExactly(new double[] {OPTIMUM, OPTIMUM, OPTIMUM, OPTIMUM}, within(1.2));
      assertThat(average(cold.subList(0, lambda)))
          .as("seed %d: cold generation 0", seed)
          .containsExactly(new double[] {0, 0, 0, 0}, within(1.5));
      // three generations later (sampled trials only) the warm start is ahead on every seed ...
      assertThat(best(warm)).as("seed %d", seed).isLessThan(best(cold));
      warmTotal += best(warm);
      coldTotal += best(cold);
    }
    // ... and far ahead overall
    assertThat(warmTotal).isLessThan(coldTotal / 4);
  }

  @Test
  void warmStart_beatsTheSameImportsUsedAsGenerations() {
    for (long seed = 1; seed <= 8; seed++) {
      double warm = best(sampled(seed, 30, Settings.of(Map.of("warm_start_trials", 30.0)), 24));
      double asGenerations = best(sampled(seed, 30, Settings.empty(), 24)); // without warm start
      assertThat(warm).as("seed %d", seed).isLessThan(asGenerations);
    }
  }

  @Test
  void warmStart_fillsAMissingSourceWithRandomTrials_thenStartsFromIt() {
    StudyDefinition d = definition(3);
    SimpleStudy study = new SimpleStudy(d);
    List<Map<String, ParamValue>> asked =
        Studies.run(
            Studies.sampler(d, Settings.of(Map.of("warm_start_trials", 20.0))),
            study,
            3,
            60,
            WarmStartTest::sphere);
    // the first 20 are uniform over [-5, 5]^4; the first run starts from their best two
    List<double[]> points = new ArrayList<>();
    List<Double> losses = new ArrayList<>();
    for (Map<String, ParamValue> p : asked.subList(0, 20)) {
      double[] x = new double[4];
      for (int i = 0; i < 4; i++) {
        x[i] = (p.get("x" + i).asDouble() + 5) / 10;
      }
      points.add(x);
      losses.add(sphere(p));
    }
    double[] prior = WarmStart.fit(points, losses, 0.1, 0.1, false).mean();
    double[] generation0 = average(asked.subList(20, 28));
    for (int i = 0; i < 4; i++) {
      assertThat(generation0[i]).isCloseTo(prior[i] * 10 - 5, within(2.0));
    }
  }

  @Test
  void warmStart_waitsForUnfinishedSourceTrials_andIgnoresFailedOnes() {
    StudyDefinition d = definition(4);
    SimpleStudy study = new SimpleStudy(d);
    importNearTheOptimum(study, 4, 9);
    study
        .start(
            Map.of(
                "x0",
                ParamValue.of(-4.0),
                "x1",
                ParamValue.of(-4.0),
                "x2",
                ParamValue.of(-4.0),
                "x3",
                ParamValue.of(-4.0)))
        .finish(TrialState.FAILED);
    SimpleTrial running =
        study.start(
            Map.of(
                "x0",
                ParamValue.of(3.5),
                "x1",
                ParamValue.of(3.5),
                "x2",
                ParamValue.of(3.5),
                "x3",
                ParamValue.of(3.5))); // an enqueued trial still being evaluated
    Sampler sampler = Studies.sampler(d, Settings.of(Map.of("warm_start_trials", 11.0)));
    // generation 0 (8 trials) finishes, but its update waits for the source: trials 19.. still come
    // from the same prior, which is a function of the finished source trials alone
    List<Map<String, ParamValue>> first = Studies.run(sampler, study, 4, 12, WarmStartTest::sphere);
    Sampler rebuilt = Studies.sampler(d, Settings.of(Map.of("warm_start_trials", 11.0)));
    SplittableRandom random = new SplittableRandom(77);
    long seed = random.nextLong();
    assertThat(Studies.ask(rebuilt, study, new SplittableRandom(seed)))
        .isEqualTo(Studies.ask(sampler, study, new SplittableRandom(seed)));
    running.succeed("loss", 0.0);
    // now the source is complete: the exact optimum joins the prior and generation 0 is applied
    List<Map<String, ParamValue>> after = Studies.run(sampler, study, 5, 40, WarmStartTest::sphere);
    assertThat(first).hasSize(12);
    assertThat(best(after)).isLessThan(0.5);
  }
}
