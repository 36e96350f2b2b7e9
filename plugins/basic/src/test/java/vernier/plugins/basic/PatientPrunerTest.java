package vernier.plugins.basic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import vernier.spi.Direction;
import vernier.spi.Pruner;
import vernier.spi.PrunerFactory;
import vernier.spi.Settings;
import vernier.spi.testkit.PrunerContractTest;
import vernier.spi.testkit.ServiceLoaderLookup;
import vernier.spi.testkit.SimpleStudy;
import vernier.spi.testkit.SimpleTrial;

final class PatientPrunerTest extends PrunerContractTest {

  @Override
  protected PrunerFactory factory() {
    return new PatientPrunerFactory();
  }

  private Pruner pruner(SimpleStudy study, Map<String, ?> settings) {
    return factory()
        .create(
            study.definition(),
            Settings.of(settings).validate("patient", factory().settings()),
            ServiceLoaderLookup.INSTANCE);
  }

  @Test
  void toleratesPatienceStepsWithoutImprovement() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    Pruner p = pruner(study, Map.of("patience", 2.0));
    assertThat(p.shouldPrune(study, Studies.running(study, 5, 4, 3, 2), 3)).isFalse(); // improving
    assertThat(p.shouldPrune(study, Studies.running(study, 5, 1, 2, 2), 3))
        .isFalse(); // only 2 flat reports
    assertThat(p.shouldPrune(study, Studies.running(study, 5, 1, 2, 2, 2), 4))
        .isTrue(); // 3 reports, no gain
  }

  @Test
  void minDelta_toleratesSmallSetbacks() {
    SimpleStudy study = Studies.study(Direction.MAXIMIZE);
    Pruner strict = pruner(study, Map.of("patience", 1.0));
    Pruner tolerant = pruner(study, Map.of("patience", 1.0, "min_delta", 0.5));
    SimpleTrial slightlyWorse =
        Studies.running(study, 1, 2, 1.6, 1.7); // best of the last two: 0.3 below 2
    SimpleTrial muchWorse = Studies.running(study, 1, 2, 1.2, 1.4); // 0.6 below
    assertThat(strict.shouldPrune(study, slightlyWorse, 3)).isTrue();
    assertThat(tolerant.shouldPrune(study, slightlyWorse, 3)).isFalse();
    assertThat(tolerant.shouldPrune(study, muchWorse, 3)).isTrue();
  }

  @Test
  void patienceCountsReports_notSteps() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    Pruner p = pruner(study, Map.of("patience", 2.0));
    SimpleTrial sparse =
        study.start(Map.of()).report("loss", 0, 5).report("loss", 10, 1).report("loss", 20, 2);
    sparse.report("loss", 30, 2);
    assertThat(p.shouldPrune(study, sparse, 30)).isFalse(); // two reports without gain
    sparse.report("loss", 45, 2); // an irregular gap
    assertThat(p.shouldPrune(study, sparse, 45)).isTrue(); // the third
  }

  @Test
  void wrappedPruner_judgesThePatientsMetric() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    for (int t = 0;
        t < 5;
        t++) { // the objective is reversed: a pruner judging it would keep what aux prunes
      study.start(Map.of()).report("aux", 2, t).report("loss", 2, -t).succeed("loss", -t);
    }
    Pruner p =
        pruner(
            study,
            Map.of("patience", 1.0, "metric", "aux", "direction", "minimize", "wrapped", "median"));
    SimpleTrial stalledAndBad = study.start(Map.of());
    stalledAndBad.report("aux", 0, 3).report("aux", 1, 3.5).report("aux", 2, 3.5);
    stalledAndBad.report("loss", 0, -3).report("loss", 1, -3.5).report("loss", 2, -3.5);
    assertThat(p.shouldPrune(study, stalledAndBad, 2)).isTrue(); // aux 3 is worse than the median 2
  }

  @Test
  void wrappedSettingsNamingAMetric_keepTheirOwnDirection() {
    SimpleStudy study =
        new SimpleStudy(Studies.definition(Direction.MINIMIZE, Direction.MAXIMIZE)); // loss, m1
    for (int t = 0; t < 5; t++) {
      study
          .start(Map.of())
          .report("aux", 2, 0)
          .report("m1", 2, t)
          .succeed(Map.of("loss", 1.0, "m1", (double) t));
    }
    // patient watches aux (minimize); the median judges the maximised objective m1
    Pruner p =
        pruner(
            study,
            Map.of(
                "patience",
                1.0,
                "metric",
                "aux",
                "direction",
                "minimize",
                "wrapped",
                "median",
                "wrapped_settings",
                Map.of("metric", "m1")));
    SimpleTrial stalled = study.start(Map.of());
    stalled.report("aux", 0, 1).report("aux", 1, 2).report("aux", 2, 2);
    stalled.report("m1", 2, 3.5); // above the median 2 of m1: good when maximised, so kept
    assertThat(p.shouldPrune(study, stalled, 2)).isFalse();
  }

  @Test
  void wrappedSettings_configureTheWrappedPruner() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    for (int t = 0; t < 5; t++) {
      Studies.completed(study, 3, 2, 1, 1, 1);
    }
    Pruner p =
        pruner(
            study,
            Map.of(
                "patience",
                1.0,
                "wrapped",
                "median",
                "wrapped_settings",
                Map.of("n_startup_trials", 10.0)));
    assertThat(p.shouldPrune(study, Studies.running(study, 3, 1.5, 2, 2), 3))
        .isFalse(); // median waits for 10
  }

  @Test
  void stalledTrial_isJudgedByTheWrappedPruner() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    for (int t = 0; t < 5; t++) {
      Studies.completed(study, 3, 2, 1, 1, 1);
    }
    Pruner p = pruner(study, Map.of("patience", 1.0, "wrapped", "median"));
    assertThat(p.shouldPrune(study, Studies.running(study, 3, 0.4, 0.5, 0.5), 3))
        .isFalse(); // stalled, but good
    assertThat(p.shouldPrune(study, Studies.running(study, 3, 1.5, 2, 2), 3))
        .isTrue(); // stalled and bad
  }

  @Test
  void unknownWrappedPruner_isNamed() {
    assertThatThrownBy(() -> pruner(Studies.study(Direction.MINIMIZE), Map.of("wrapped", "nope")))
        .hasMessageContaining("'nope'");
  }
}
