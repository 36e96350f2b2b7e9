package vernier.plugins.basic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import vernier.spi.Direction;
import vernier.spi.Pruner;
import vernier.spi.PrunerFactory;
import vernier.spi.Settings;
import vernier.spi.testkit.PrunerContractTest;
import vernier.spi.testkit.SimpleStudy;
import vernier.spi.testkit.SimpleTrial;

final class SuccessiveHalvingPrunerTest extends PrunerContractTest {

  @Override
  protected PrunerFactory factory() {
    return new SuccessiveHalvingPrunerFactory();
  }

  @Override
  protected Settings settings() {
    return Settings.of(Map.of("min_resource", 1.0, "bootstrap_count", 0.0));
  }

  private Pruner pruner(SimpleStudy study, Map<String, ?> settings) {
    return factory().create(study.definition(), Settings.of(settings));
  }

  @Test
  void atEachRung_keepsTheBestOneInReductionFactor() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    Pruner p = pruner(study, Map.of("min_resource", 1.0, "reduction_factor", 2.0));
    for (double v : new double[] {1, 2, 3, 4}) {
      Studies.completed(study, 9, v, v, v); // rung 0 at step 1
    }
    // rung 0 values {1,2,3,4} plus ours: the best 5/2 = 2 survive
    assertThat(p.shouldPrune(study, Studies.running(study, 9, 3.5), 1)).isTrue();
    assertThat(p.shouldPrune(study, Studies.running(study, 9, 1.5), 1)).isFalse();
    assertThat(p.shouldPrune(study, Studies.running(study, 9, 1.5, 1.5), 2))
        .as("step 2: rung 1")
        .isFalse();
  }

  @Test
  void beforeTheFirstRung_andBetweenRungs_nothingIsDecided() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    Pruner p = pruner(study, Map.of("min_resource", 4.0, "reduction_factor", 3.0));
    for (int t = 0; t < 4; t++) {
      Studies.completed(study, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    }
    SimpleTrial bad = Studies.running(study, 9, 9, 9);
    assertThat(p.shouldPrune(study, bad, 2)).isFalse(); // rung 0 is at step 4
    bad.report("loss", 4, 9);
    assertThat(p.shouldPrune(study, bad, 4)).isTrue();
  }

  @Test
  void sparseReports_areJudgedAtTheFirstReportPastARung() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    Pruner p = pruner(study, Map.of("min_resource", 4.0, "reduction_factor", 2.0));
    for (double v : new double[] {1, 2, 3}) {
      SimpleTrial t = study.start(Map.of());
      t.report("loss", 5, v).report("loss", 10, v).succeed("loss", v); // reported every 5 steps
    }
    SimpleTrial other =
        study.start(Map.of()).report("loss", 3, 9).report("loss", 7, 9); // every 4, from 3
    assertThat(p.shouldPrune(study, other, 7)).isTrue(); // 7 is its first report past the rung at 4
  }

  @Test
  void minEarlyStoppingRate_movesTheFirstRungLater() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    Pruner p =
        pruner(
            study,
            Map.of("min_resource", 1.0, "reduction_factor", 2.0, "min_early_stopping_rate", 2.0));
    for (int t = 0; t < 4; t++) {
      Studies.completed(study, 1, 1, 1, 1, 1, 1);
    }
    SimpleTrial bad = Studies.running(study, 9, 9, 9);
    assertThat(p.shouldPrune(study, bad, 2)).isFalse(); // rung 0 is at 1 * 2^2 = 4
    bad.report("loss", 3, 9).report("loss", 4, 9);
    assertThat(p.shouldPrune(study, bad, 4)).isTrue();
  }

  @Test
  void bootstrapCount_prunesUntilMoreTrialsThanItReachedTheRung() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    Pruner p =
        pruner(study, Map.of("min_resource", 1.0, "reduction_factor", 2.0, "bootstrap_count", 2.0));
    Studies.completed(study, 5, 5);
    // the best so far, but only two trials (itself included) reached the rung: as Optuna, pruned
    assertThat(p.shouldPrune(study, Studies.running(study, 0, 0), 1)).isTrue();
    Studies.completed(study, 6, 6);
    Studies.completed(study, 7, 7);
    assertThat(p.shouldPrune(study, Studies.running(study, 0, 0), 1)).isFalse();
  }

  @Test
  void autoMinResource_waitsForACompletedTrial() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    Pruner p = pruner(study, Map.of());
    assertThat(p.shouldPrune(study, Studies.running(study, 9, 9, 9), 2)).isFalse();
  }

  @Test
  void autoMinResource_onlyValuesJudgedAtARungCompete_asInOptuna() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    Pruner p = pruner(study, Map.of("reduction_factor", 4.0));
    // the first trial trains 100 steps while the resource is unknown: its values were never judged
    Studies.completed(study, new double[101]);
    SimpleTrial second = Studies.running(study, 9, 9);
    assertThat(p.shouldPrune(study, second, 1))
        .as("alone at the rung at step 1 (resource 100 / 100)")
        .isFalse();
    SimpleTrial third = Studies.running(study, 9, 10);
    assertThat(p.shouldPrune(study, third, 1)).as("judged against the second only").isTrue();
  }

  @Test
  void maximize_keepsTheHighest() {
    SimpleStudy study = Studies.study(Direction.MAXIMIZE);
    Pruner p = pruner(study, Map.of("min_resource", 1.0, "reduction_factor", 2.0));
    for (double v : new double[] {1, 2, 3, 4}) {
      Studies.completed(study, 0, v);
    }
    assertThat(p.shouldPrune(study, Studies.running(study, 0, 3.5), 1)).isFalse();
    assertThat(p.shouldPrune(study, Studies.running(study, 0, 1.5), 1)).isTrue();
  }
}
