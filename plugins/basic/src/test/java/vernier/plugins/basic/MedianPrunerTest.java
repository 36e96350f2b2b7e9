package vernier.plugins.basic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vernier.spi.Constraint;
import vernier.spi.Direction;
import vernier.spi.FloatDomain;
import vernier.spi.Objective;
import vernier.spi.ParamValue;
import vernier.spi.Parameter;
import vernier.spi.Pruner;
import vernier.spi.PrunerFactory;
import vernier.spi.SearchSpace;
import vernier.spi.Settings;
import vernier.spi.StudyDefinition;
import vernier.spi.testkit.PrunerContractTest;
import vernier.spi.testkit.SimpleStudy;
import vernier.spi.testkit.SimpleTrial;

final class MedianPrunerTest extends PrunerContractTest {

  @Override
  protected PrunerFactory factory() {
    return new MedianPrunerFactory();
  }

  private static StudyDefinition definition(Direction direction) {
    return new StudyDefinition(
        "m",
        SearchSpace.of(Parameter.of("x", FloatDomain.continuous(0, 1))),
        List.of(new Objective("loss", direction)),
        List.<Constraint>of(),
        1);
  }

  /** Completed trials whose loss at every step is their index: median over 0..n-1. */
  private static SimpleStudy studyWithCompleted(Direction direction, int n, int steps) {
    SimpleStudy study = new SimpleStudy(definition(direction));
    for (int t = 0; t < n; t++) {
      SimpleTrial trial = study.start(Map.of("x", ParamValue.of(0.1)));
      for (long s = 0; s < steps; s++) {
        trial.report("loss", s, t);
      }
      trial.succeed("loss", t);
    }
    return study;
  }

  private Pruner pruner(SimpleStudy study, Map<String, ?> settings) {
    return factory()
        .create(study.definition(), Settings.of(settings).validate("median", factory().settings()));
  }

  @Test
  void prunesTrialWorseThanMedian_keepsBetterOne() {
    SimpleStudy study = studyWithCompleted(Direction.MINIMIZE, 5, 10); // median 2
    Pruner pruner = pruner(study, Map.of());
    SimpleTrial worse = study.start(Map.of("x", ParamValue.of(0.5))).report("loss", 3, 2.5);
    SimpleTrial better = study.start(Map.of("x", ParamValue.of(0.6))).report("loss", 3, 1.5);
    assertThat(pruner.shouldPrune(study, worse, 3)).isTrue();
    assertThat(pruner.shouldPrune(study, better, 3)).isFalse();
  }

  @Test
  void usesBestValueSoFar_notTheLatest() {
    SimpleStudy study = studyWithCompleted(Direction.MINIMIZE, 5, 10);
    Pruner pruner = pruner(study, Map.of());
    SimpleTrial trial =
        study.start(Map.of("x", ParamValue.of(0.5))).report("loss", 1, 0.5).report("loss", 2, 9);
    assertThat(pruner.shouldPrune(study, trial, 2)).isFalse();
  }

  @Test
  void maximize_prunesLowValues() {
    SimpleStudy study = studyWithCompleted(Direction.MAXIMIZE, 5, 10);
    Pruner pruner = pruner(study, Map.of());
    assertThat(pruner.shouldPrune(study, study.start(Map.of()).report("loss", 4, 1.0), 4)).isTrue();
    assertThat(pruner.shouldPrune(study, study.start(Map.of()).report("loss", 4, 3.0), 4))
        .isFalse();
  }

  @Test
  void startupTrials_warmupAndInterval_holdBackDecisions() {
    SimpleStudy few = studyWithCompleted(Direction.MINIMIZE, 3, 10);
    assertThat(pruner(few, Map.of()).shouldPrune(few, few.start(Map.of()).report("loss", 3, 99), 3))
        .isFalse();

    SimpleStudy study = studyWithCompleted(Direction.MINIMIZE, 5, 20);
    Pruner warm = pruner(study, Map.of("n_warmup_steps", 5.0));
    SimpleTrial t = study.start(Map.of()).report("loss", 4, 99);
    assertThat(warm.shouldPrune(study, t, 4)).isFalse();
    t.report("loss", 5, 99);
    assertThat(warm.shouldPrune(study, t, 5)).isTrue();

    Pruner interval = pruner(study, Map.of("interval_steps", 4.0));
    SimpleTrial u = study.start(Map.of()).report("loss", 4, 99);
    assertThat(interval.shouldPrune(study, u, 4)).isTrue();
    u.report("loss", 5, 99);
    assertThat(interval.shouldPrune(study, u, 5))
        .as("5 is inside the interval checked at 4")
        .isFalse();
    // sparse reporting: 5 -> 10 crosses the boundary at 8, so it is checked
    u.report("loss", 10, 99);
    assertThat(interval.shouldPrune(study, u, 10)).isTrue();
  }

  @Test
  void completedTrialsReportingAtOtherSteps_countOnTheLineBetweenTheirReports() {
    SimpleStudy study = new SimpleStudy(definition(Direction.MINIMIZE));
    for (int t = 0; t < 5; t++) { // validation every 10 steps: loss 10 + t at step 10, t at step 20
      study.start(Map.of()).report("loss", 10, 10.0 + t).report("loss", 20, t).succeed("loss", t);
    }
    Pruner pruner = pruner(study, Map.of());
    // at step 15 the completed trials stand at 5 + t: median 7
    assertThat(pruner.shouldPrune(study, study.start(Map.of()).report("loss", 15, 7.5), 15))
        .isTrue();
    assertThat(pruner.shouldPrune(study, study.start(Map.of()).report("loss", 15, 6.5), 15))
        .isFalse();
    // before their first report nothing is known about them
    assertThat(pruner.shouldPrune(study, study.start(Map.of()).report("loss", 5, 99), 5)).isFalse();
  }

  @Test
  void nMinTrials_needsThatManyCompletedTrialsWithAValueAtTheStep() {
    SimpleStudy study = studyWithCompleted(Direction.MINIMIZE, 5, 10); // steps 0..9
    for (int t = 0; t < 2; t++) { // two longer trials reach step 15
      study.start(Map.of()).report("loss", 0, 0).report("loss", 20, 0).succeed("loss", 0);
    }
    SimpleTrial late = study.start(Map.of()).report("loss", 15, 99);
    assertThat(pruner(study, Map.of("n_min_trials", 3.0)).shouldPrune(study, late, 15)).isFalse();
    assertThat(pruner(study, Map.of("n_min_trials", 2.0)).shouldPrune(study, late, 15)).isTrue();
  }

  @Test
  void noCompletedTrialAtThisStep_meansNoDecision() {
    SimpleStudy study = studyWithCompleted(Direction.MINIMIZE, 5, 10);
    Pruner pruner = pruner(study, Map.of());
    assertThat(pruner.shouldPrune(study, study.start(Map.of()).report("loss", 50, 99), 50))
        .isFalse();
  }

  @Test
  void nanIsPruned() {
    SimpleStudy study = studyWithCompleted(Direction.MINIMIZE, 1, 2);
    Pruner pruner = pruner(study, Map.of());
    assertThat(pruner.shouldPrune(study, study.start(Map.of()).report("loss", 1, Double.NaN), 1))
        .isTrue();
  }

  @Test
  void prunesOnAnotherMetric_whenDirectionGiven() {
    SimpleStudy study = new SimpleStudy(definition(Direction.MINIMIZE));
    for (int t = 0; t < 5; t++) {
      study.start(Map.of()).report("accuracy", 2, t / 10.0).succeed("loss", 1);
    }
    Pruner pruner = pruner(study, Map.of("metric", "accuracy", "direction", "maximize"));
    assertThat(pruner.shouldPrune(study, study.start(Map.of()).report("accuracy", 2, 0.05), 2))
        .isTrue();
    assertThatThrownBy(() -> pruner(study, Map.of("metric", "accuracy")))
        .hasMessageContaining("accuracy")
        .hasMessageContaining("direction");
  }

  @Test
  void badSettingValues_areRejected() {
    SimpleStudy study = studyWithCompleted(Direction.MINIMIZE, 1, 1);
    assertThatThrownBy(() -> pruner(study, Map.of("interval_steps", 0.0)))
        .hasMessageContaining("interval_steps");
    assertThatThrownBy(() -> pruner(study, Map.of("n_startup_trials", -1.0)))
        .hasMessageContaining("n_startup_trials");
  }
}
