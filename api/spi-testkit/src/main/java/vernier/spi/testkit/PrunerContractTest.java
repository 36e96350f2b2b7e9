package vernier.spi.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import vernier.spi.Constraint;
import vernier.spi.Direction;
import vernier.spi.FloatDomain;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.PluginLookup;
import vernier.spi.Pruner;
import vernier.spi.PrunerFactory;
import vernier.spi.SearchSpace;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;

/**
 * The contract every pruner plugin passes: discoverable, well-formed settings (defaults within
 * their ranges, values just outside refused by {@code create} naming the setting), no decision
 * before any other trial finished, deterministic, and robust to sparse steps and NaN. On trials
 * reporting at different intervals, a maximised study of the negated values gets the same decisions
 * as the minimised one, and pruning on a named metric in its own direction (settings {@code metric}
 * and {@code direction}, when the pruner declares them) the same as pruning on the objective that
 * carried those values.
 */
public abstract class PrunerContractTest {

  protected abstract PrunerFactory factory();

  protected Settings settings() {
    return Settings.empty();
  }

  /**
   * The settings for the maximised study of the negated values: by default {@link #settings()}. A
   * pruner with settings tied to the sign of the values (bounds) mirrors them here; one that is not
   * symmetric in the sign at all (ratios, relative thresholds) returns null to skip that test.
   */
  protected Settings mirroredSettings() {
    return settings();
  }

  /**
   * Whether the pruner prunes some trials of the contract's learning curves (trials of clearly
   * different quality, one far worse than all). False only for a pruner that never prunes on finite
   * values, such as {@code none}.
   */
  protected boolean prunesLearningCurves() {
    return true;
  }

  /**
   * The plugins a wrapper may delegate to: by default every pruner and sampler on the class path.
   */
  protected PluginLookup plugins() {
    return ServiceLoaderLookup.INSTANCE;
  }

  @Test
  public void serviceFileListsTheFactory() {
    List<Class<?>> found = new ArrayList<>();
    ServiceLoader.load(PrunerFactory.class).stream().forEach(p -> found.add(p.type()));
    assertThat(found)
        .as("META-INF/services/vernier.spi.PrunerFactory")
        .contains(factory().getClass());
  }

  @Test
  public void nameAndSettingsAreWellFormed() {
    PluginChecks.checkFactory(factory());
  }

  @Test
  public void unknownSettingIsRejectedWithItsName() {
    Settings bad = Settings.of(Map.of("no-such-setting", 1.0));
    assertThatThrownBy(() -> bad.validate(factory().name(), factory().settings()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no-such-setting");
  }

  @Test
  public void defaultsAreAllowedByTheirOwnRanges() {
    PluginChecks.checkDefaults(factory());
  }

  @Test
  public void valuesOutsideASettingsRange_areRefusedByCreateNamingTheSetting() {
    PluginChecks.checkRefusals(
        factory(), settings(), s -> factory().create(definition(), s, plugins()));
  }

  @Test
  public void firstTrialIsNeverPrunedOnFiniteValues() {
    SimpleStudy study = new SimpleStudy(definition());
    Pruner pruner = create(study);
    SimpleTrial trial = study.start(Map.of("x", ParamValue.of(0.5)));
    for (long step = 0; step < 20; step++) {
      trial.report(ContractSpaces.OBJECTIVE, step, 10.0 - step * 0.1);
      assertThat(pruner.shouldPrune(study, trial, step)).as("step %d", step).isFalse();
    }
  }

  @Test
  public void decisionsAreDeterministicAndHandleSparseStepsAndNaN() {
    assertThat(decisions()).isEqualTo(decisions());
  }

  private List<Boolean> decisions() {
    SimpleStudy study = new SimpleStudy(definition());
    Pruner pruner = create(study);
    for (int t = 0; t < 8; t++) {
      SimpleTrial done = study.start(Map.of("x", ParamValue.of(t / 10.0)));
      for (long step = 0; step < 30; step += 1 + t % 3) { // different reporting intervals
        done.report(ContractSpaces.OBJECTIVE, step, t + 1.0 / (1 + step));
      }
      done.succeed(ContractSpaces.OBJECTIVE, t);
    }
    List<Boolean> out = new ArrayList<>();
    SimpleTrial bad = study.start(Map.of("x", ParamValue.of(0.9)));
    for (long step : new long[] {0, 3, 4, 11, 29}) {
      bad.report(ContractSpaces.OBJECTIVE, step, 100.0);
      out.add(pruner.shouldPrune(study, bad, step));
    }
    SimpleTrial nan = study.start(Map.of("x", ParamValue.of(0.8)));
    nan.report(ContractSpaces.OBJECTIVE, 5, Double.NaN);
    out.add(pruner.shouldPrune(study, nan, 5));
    return out;
  }

  @Test
  public void maximizingTheNegatedValues_givesTheSameDecisions() {
    assumeTrue(mirroredSettings() != null, "the pruner is not symmetric in the sign of the values");
    List<Boolean> minimized = referenceDecisions();
    List<Boolean> maximized =
        decisionsOnMixedIntervals(
            Direction.MAXIMIZE, -1, ContractSpaces.OBJECTIVE, mirroredSettings());
    assertThat(maximized).isEqualTo(minimized);
  }

  @Test
  public void pruningOnANamedMetric_judgesThatMetricInItsDirection() {
    assumeTrue(
        declares("metric") && declares("direction"),
        "the pruner has no 'metric' and 'direction' settings");
    Map<String, Object> named = new HashMap<>(settings().asMap());
    named.put("metric", AUX);
    named.put("direction", "minimize");
    // the objective is maximised over the same values: judging it, or aux in its direction,
    // reverses the order
    assertThat(decisionsOnMixedIntervals(Direction.MAXIMIZE, 1, AUX, Settings.of(named)))
        .isEqualTo(referenceDecisions());
  }

  private static final String AUX = "aux_loss";

  private boolean declares(String setting) {
    return factory().settings().stream().anyMatch(s -> s.name().equals(setting));
  }

  /**
   * The minimised study's decisions, checked to contain prunes and keeps unless the pruner never
   * prunes.
   */
  private List<Boolean> referenceDecisions() {
    List<Boolean> decisions =
        decisionsOnMixedIntervals(Direction.MINIMIZE, 1, ContractSpaces.OBJECTIVE, settings());
    if (prunesLearningCurves()) {
      assertThat(decisions)
          .as("the scenario should make %s both prune and keep", factory().name())
          .contains(true, false);
    }
    return decisions;
  }

  /**
   * Twelve completed trials reporting every 1, 2 or 3 steps, then running trials of several
   * qualities reporting every 1, 2, 5 or 7 steps, each judged at every report until pruned. The
   * values, times {@code sign}, go to {@code metric}; when that is not the objective, the objective
   * gets the same values too.
   */
  private List<Boolean> decisionsOnMixedIntervals(
      Direction objective, double sign, String metric, Settings settings) {
    SimpleStudy study =
        new SimpleStudy(
            new StudyDefinition(
                "contract",
                SPACE,
                List.of(new Objective(ContractSpaces.OBJECTIVE, objective)),
                List.<Constraint>of(),
                1));
    Pruner pruner =
        factory()
            .create(
                study.definition(),
                settings.validate(factory().name(), factory().settings()),
                plugins());
    for (int t = 0; t < 12; t++) {
      double last = (t * 5) % 12; // finals 0..11, in a shuffled order of trial numbers
      SimpleTrial done = study.start(Map.of("x", ParamValue.of(t / 12.0)));
      for (long step = 0; step <= 60; step += 1 + t % 3) {
        report(done, metric, step, sign * (last + 1.0 / (1 + step)));
      }
      done.succeed(ContractSpaces.OBJECTIVE, sign * last);
    }
    List<Boolean> out = new ArrayList<>();
    double[] levels = {-0.5, 2.5, 5.5, 8.5, 11.5, 3.2, 30};
    long[] intervals = {1, 2, 5, 7};
    for (int i = 0; i < levels.length; i++) {
      SimpleTrial running = study.start(Map.of("x", ParamValue.of(0.05 + i / 10.0)));
      long interval = intervals[i % intervals.length];
      boolean pruned = false;
      for (long step = interval - 1; step <= 60 && !pruned; step += interval) {
        double noise = 0.3 * Math.sin(step * (i + 1)); // not monotone: stalls and recoveries
        report(running, metric, step, sign * (levels[i] + 2.0 / (1 + step) + noise));
        pruned = pruner.shouldPrune(study, running, step);
        out.add(pruned);
      }
    }
    return out;
  }

  private static void report(SimpleTrial trial, String metric, long step, double value) {
    trial.report(metric, step, value);
    if (!metric.equals(ContractSpaces.OBJECTIVE)) {
      trial.report(ContractSpaces.OBJECTIVE, step, value);
    }
  }

  private static final SearchSpace SPACE =
      SearchSpace.of(Parameter.of("x", FloatDomain.continuous(0, 1)));

  private Pruner create(SimpleStudy study) {
    return factory()
        .create(
            study.definition(),
            settings().validate(factory().name(), factory().settings()),
            plugins());
  }

  private static StudyDefinition definition() {
    return ContractSpaces.definition(
        SearchSpace.of(Parameter.of("x", FloatDomain.continuous(0, 1))), 1);
  }
}
