package vernier.plugins.cmaes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vernier.spi.FloatDomain;
import vernier.spi.IntDomain;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.Sampler;
import vernier.spi.SamplerFactory;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.testkit.ContractSpaces;
import vernier.spi.testkit.SamplerContractTest;
import vernier.spi.testkit.SimpleStudy;
import vernier.spi.testkit.SimpleTrial;

final class CmaEsSamplerTest extends SamplerContractTest {

  @Override
  protected SamplerFactory factory() {
    return new CmaEsSamplerFactory();
  }

  private static double sphereBest(Settings settings, long seed, int trials) {
    Parameter[] params = new Parameter[4];
    for (int i = 0; i < 4; i++) {
      params[i] = Parameter.of("x" + i, FloatDomain.continuous(-5, 5));
    }
    StudyDefinition d = Studies.definition(seed, params);
    return Studies.run(
            Studies.sampler(d, settings),
            new SimpleStudy(d),
            seed,
            trials,
            CmaEsSamplerTest::sphere)
        .stream()
        .mapToDouble(CmaEsSamplerTest::sphere)
        .min()
        .orElseThrow();
  }

  private static double sphere(Map<String, ParamValue> p) {
    double v = 0;
    for (int i = 0; i < 4; i++) {
      double x = p.get("x" + i).asDouble() - 1.7;
      v += x * x;
    }
    return v;
  }

  @Test
  void convergesOnTheSphere() {
    assertThat(sphereBest(Settings.empty(), 1, 300)).isLessThan(1e-3);
  }

  @Test
  void separableVariant_alsoConverges() {
    assertThat(sphereBest(Settings.of(Map.of("separable", true)), 2, 300)).isLessThan(1e-3);
  }

  @Test
  void ipopRestarts_keepSearchingAfterConvergence() {
    // long enough to converge several times: restarts must not break the sampler
    assertThat(sphereBest(Settings.of(Map.of("restarts", true)), 3, 1200)).isLessThan(1e-6);
  }

  @Test
  void bipop_alternatesLargeRunsWithSmallLocalOnes() {
    Parameter[] params = new Parameter[4];
    for (int i = 0; i < 4; i++) {
      params[i] = Parameter.of("x" + i, FloatDomain.continuous(-5, 5));
    }
    StudyDefinition d = Studies.definition(5, params);
    CmaEsSampler sampler =
        (CmaEsSampler) Studies.sampler(d, Settings.of(Map.of("restart_strategy", "bipop")));
    SimpleStudy study = new SimpleStudy(d);
    int base = 4 + (int) Math.floor(3 * Math.log(4));
    java.util.Set<Integer> small = new java.util.TreeSet<>();
    int largest = base;
    for (int round = 0; round < 30; round++) {
      Studies.run(sampler, study, 5 + round, 100, CmaEsSamplerTest::sphere);
      if (sampler.inSmallRun()) {
        small.add(sampler.currentPopulation());
      } else {
        largest = Math.max(largest, sampler.currentPopulation());
      }
    }
    assertThat(largest).as("large runs double").isGreaterThan(base);
    assertThat(small).as("small runs happened").isNotEmpty();
    assertThat(small.stream().mapToInt(Integer::intValue).max().getAsInt())
        .isLessThanOrEqualTo(largest / 2);
    assertThat(Studies.run(sampler, study, 99, 1, CmaEsSamplerTest::sphere)).hasSize(1);
  }

  @Test
  void restartStrategy_isChecked() {
    StudyDefinition d = Studies.definition(1, Parameter.of("x", FloatDomain.continuous(0, 1)));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Studies.sampler(d, Settings.of(Map.of("restart_strategy", "bogus"))))
        .hasMessage("cmaes: setting restart_strategy must be one of ipop, bipop, got 'bogus'");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                Studies.sampler(
                    d, Settings.of(Map.of("restart_strategy", "bipop", "restarts", false))))
        .hasMessage(
            "cmaes: setting restart_strategy has no effect with restarts false, got 'bipop'");
  }

  // ---- margin ----------------------------------------------------------------------------------

  private static final long[] TARGET = {3, -7, 11};
  private static final int INTEGER_LAMBDA = 4 + (int) Math.floor(3 * Math.log(3)); // 7

  private static List<long[]> integerQuadratic(Settings settings, long seed, int trials) {
    StudyDefinition d =
        Studies.definition(
            seed,
            Parameter.of("k0", IntDomain.range(-20, 20)),
            Parameter.of("k1", IntDomain.range(-20, 20)),
            Parameter.of("k2", IntDomain.range(-20, 20)));
    List<long[]> points = new ArrayList<>();
    for (Map<String, ParamValue> p :
        Studies.run(
            Studies.sampler(d, settings),
            new SimpleStudy(d),
            seed,
            trials,
            CmaEsSamplerTest::integerLoss)) {
      points.add(integers(p));
    }
    return points;
  }

  private static long[] integers(Map<String, ParamValue> p) {
    return new long[] {
      ((ParamValue.IntValue) p.get("k0")).value(),
      ((ParamValue.IntValue) p.get("k1")).value(),
      ((ParamValue.IntValue) p.get("k2")).value()
    };
  }

  private static double integerLoss(Map<String, ParamValue> p) {
    long[] k = integers(p);
    double v = 0;
    for (int i = 0; i < 3; i++) {
      v += (k[i] - TARGET[i]) * (k[i] - TARGET[i]);
    }
    return v;
  }

  /**
   * The share of generations from {@code firstGeneration} on whose members are all the same point.
   */
  private static double frozenShare(List<long[]> points, int firstGeneration) {
    int frozen = 0;
    int generations = points.size() / INTEGER_LAMBDA;
    for (int g = firstGeneration; g < generations; g++) {
      Set<List<Long>> distinct = new HashSet<>();
      for (int m = 0; m < INTEGER_LAMBDA; m++) {
        long[] k = points.get(g * INTEGER_LAMBDA + m);
        distinct.add(List.of(k[0], k[1], k[2]));
      }
      frozen += distinct.size() == 1 ? 1 : 0;
    }
    return frozen / (double) (generations - firstGeneration);
  }

  /**
   * The share of members' integers, from {@code firstGeneration} on, that differ from their
   * generation's mode.
   */
  private static double movedShare(List<long[]> points, int firstGeneration) {
    int moved = 0;
    int counted = 0;
    int generations = points.size() / INTEGER_LAMBDA;
    for (int g = firstGeneration; g < generations; g++) {
      for (int i = 0; i < 3; i++) {
        Map<Long, Integer> counts = new HashMap<>();
        for (int m = 0; m < INTEGER_LAMBDA; m++) {
          counts.merge(points.get(g * INTEGER_LAMBDA + m)[i], 1, Integer::sum);
        }
        moved += INTEGER_LAMBDA - Collections.max(counts.values());
        counted += INTEGER_LAMBDA;
      }
    }
    return moved / (double) counted;
  }

  @Test
  void margin_keepsIntegerValuesMovingAfterConvergence_andFindsTheOptimum() {
    double alpha = 1.0 / (3 * INTEGER_LAMBDA); // the default margin: 1 / (n lambda)
    for (long seed = 1; seed <= 6; seed++) {
      // restarts off: one run, so generations stay blocks of 7 and convergence is not undone
      List<long[]> on = integerQuadratic(Settings.of(Map.of("restarts", false)), seed, 600);
      List<long[]> off =
          integerQuadratic(Settings.of(Map.of("restarts", false, "with_margin", false)), seed, 600);
      assertThat(on)
          .as("seed %d: optimum found", seed)
          .anySatisfy(k -> assertThat(k).containsExactly(TARGET));
      // From generation 30 on both runs have converged. Without the margin the distribution has
      // collapsed onto one point: every generation is frozen. With it, each integer of each member
      // leaves the mean's value with probability >= alpha, so a generation is frozen with
      // probability at most (1 - alpha)^7 = 0.71, and about alpha of the integers move.
      assertThat(frozenShare(off, 30)).as("seed %d, no margin: frozen", seed).isGreaterThan(0.95);
      assertThat(movedShare(off, 30)).as("seed %d, no margin: moved", seed).isLessThan(0.005);
      assertThat(frozenShare(on, 30)).as("seed %d, margin: frozen", seed).isLessThan(0.75);
      assertThat(movedShare(on, 30)).as("seed %d, margin: moved", seed).isGreaterThan(alpha / 3);
    }
  }

  @Test
  void marginOff_reproducesTheSamplerBeforeTheMargin() {
    // Checksums of 300 trials recorded from the implementation before margin and warm start
    // (commit 7da3e25), with the same space, objective, seeds and settings.
    Map<String, Integer> recorded =
        Map.of(
            "5 false",
            -1740386689,
            "5 true",
            -163971923,
            "6 false",
            -975454220,
            "6 true",
            -1784307678);
    for (long seed : new long[] {5, 6}) {
      for (boolean separable : new boolean[] {false, true}) {
        StudyDefinition d =
            Studies.definition(
                seed,
                Parameter.of("a", IntDomain.range(-10, 10)),
                Parameter.of("b", new IntDomain(1, 64, true, 1)),
                Parameter.of("c", new FloatDomain(0, 1, false, 0.1)),
                Parameter.of("d", FloatDomain.continuous(-1, 1)));
        Sampler sampler =
            Studies.sampler(d, Settings.of(Map.of("separable", separable, "with_margin", false)));
        List<String> asked = new ArrayList<>();
        for (Map<String, ParamValue> p :
            Studies.run(
                sampler,
                new SimpleStudy(d),
                seed,
                300,
                p -> {
                  double a = p.get("a").asDouble() - 3;
                  double b = Math.log(p.get("b").asDouble()) / Math.log(2) - 3;
                  double c = p.get("c").asDouble() - 0.3;
                  double x = p.get("d").asDouble();
                  return a * a + b * b + c * c + x * x;
                })) {
          asked.add(p.get("a") + " " + p.get("b") + " " + p.get("c") + " " + p.get("d"));
        }
        assertThat(asked.hashCode())
            .as("seed %d, separable %s", seed, separable)
            .isEqualTo(recorded.get(seed + " " + separable));
      }
    }
  }

  @Test
  void margin_changesNothingWithoutDiscreteParameters() {
    StudyDefinition d =
        Studies.definition(
            4,
            Parameter.of("x", FloatDomain.continuous(-5, 5)),
            Parameter.of("y", FloatDomain.logScale(1e-3, 1)));
    List<Map<String, ParamValue>> on =
        Studies.run(
            Studies.sampler(d, Settings.empty()),
            new SimpleStudy(d),
            4,
            120,
            p -> Math.abs(p.get("x").asDouble() - 1) + Math.abs(Math.log(p.get("y").asDouble())));
    List<Map<String, ParamValue>> off =
        Studies.run(
            Studies.sampler(d, Settings.of(Map.of("with_margin", false))),
            new SimpleStudy(d),
            4,
            120,
            p -> Math.abs(p.get("x").asDouble() - 1) + Math.abs(Math.log(p.get("y").asDouble())));
    assertThat(on).isEqualTo(off);
  }

  // ---- restart of the server -------------------------------------------------------------------

  @Test
  void aSamplerRebuiltMidStudy_continuesTheSameSearch() {
    StudyDefinition d =
        Studies.definition(
            9,
            Parameter.of("k", IntDomain.range(0, 12)),
            Parameter.of("s", new FloatDomain(0, 1, false, 0.05)),
            Parameter.of("x", FloatDomain.continuous(-2, 2)));
    Settings settings = Settings.of(Map.of("warm_start_trials", 6.0));
    Sampler live = Studies.sampler(d, settings);
    SimpleStudy study = new SimpleStudy(d);
    SplittableRandom random = new SplittableRandom(9);
    Map<Integer, SimpleTrial> slow = new HashMap<>(); // finished 5 trials later: parallel workers
    Map<Integer, Double> slowLosses = new HashMap<>();
    for (int t = 0; t < 120; t++) {
      Map<String, ParamValue> p = Studies.ask(live, study, random);
      double k = p.get("k").asDouble() - 7;
      double s = p.get("s").asDouble() - 0.35;
      double loss = k * k + s * s + p.get("x").asDouble();
      if (t % 7 == 3) {
        slow.put(t + 5, study.start(p));
        slowLosses.put(t + 5, loss);
      } else {
        study.start(p).succeed("loss", loss);
      }
      if (slow.containsKey(t)) {
        slow.remove(t).succeed("loss", slowLosses.remove(t));
      }
      long seed = random.nextLong();
      Sampler rebuilt = Studies.sampler(d, settings);
      assertThat(Studies.ask(rebuilt, study, new SplittableRandom(seed)))
          .as("after trial %d", t)
          .isEqualTo(Studies.ask(live, study, new SplittableRandom(seed)));
    }
  }

  // ---- settings --------------------------------------------------------------------------------

  @Test
  void badSettings_areRejectedNamingTheSetting() {
    StudyDefinition d = ContractSpaces.definition(ContractSpaces.mixed(), 1);
    Map<Map<String, Object>, String> cases =
        Map.of(
            Map.of("sigma0", 0.0), "sigma0 must be a number in (0, 1], got 0",
            Map.of("population_size", 2.0),
                "population_size must be 0 or an integer in [4, 2147483647], got 2",
            Map.of("margin_alpha", 0.5), "margin_alpha must be a number in [0, 0.5), got 0.5",
            Map.of("margin_alpha", 0.1, "with_margin", false),
                "margin_alpha has no effect with with_margin false, got 0.1",
            Map.of("warm_start_trials", -1.0),
                "warm_start_trials must be an integer in [0, 2147483647], got -1",
            Map.of("warm_start_trials", 10.0, "warm_start_gamma", 0.0),
                "warm_start_gamma must be a number in (0, 1], got 0",
            Map.of("warm_start_trials", 10.0, "warm_start_alpha", 1.5),
                "warm_start_alpha must be a number in (0, 1], got 1.5",
            Map.of("warm_start_gamma", 0.2),
                "warm_start_gamma has no effect without warm_start_trials > 0, got 0.2");
    cases.forEach(
        (settings, message) ->
            assertThatThrownBy(() -> factory().create(d, Settings.of(settings)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cmaes: setting " + message));
  }

  @Test
  void goodSettings_areAccepted() {
    StudyDefinition d = ContractSpaces.definition(ContractSpaces.mixed(), 1);
    assertThat(
            factory()
                .create(
                    d,
                    Settings.of(
                        Map.of(
                            "with_margin",
                            true,
                            "margin_alpha",
                            0.2,
                            "warm_start_trials",
                            20.0,
                            "warm_start_gamma",
                            0.25,
                            "warm_start_alpha",
                            0.05))))
        .isNotNull();
  }
}
