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
import vernier.spi.testkit.SimpleStudy;
import vernier.spi.testkit.SimpleTrial;

final class PercentilePrunerTest extends PrunerContractTest {

  @Override
  protected PrunerFactory factory() {
    return new PercentilePrunerFactory();
  }

  private Pruner pruner(SimpleStudy study, Map<String, ?> settings) {
    return factory()
        .create(
            study.definition(), Settings.of(settings).validate("percentile", factory().settings()));
  }

  @Test
  void keepsOnlyTheBestQuarter() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    for (int t = 1; t <= 5; t++) {
      Studies.completed(study, t, t); // values 1..5 at every step: 25th percentile = 2
    }
    Pruner p = pruner(study, Map.of("percentile", 25.0));
    assertThat(p.shouldPrune(study, Studies.running(study, 2.5), 0))
        .isTrue(); // median level: pruned at 25
    assertThat(p.shouldPrune(study, Studies.running(study, 1.5), 0)).isFalse();
    Pruner median = pruner(study, Map.of("percentile", 50.0));
    assertThat(median.shouldPrune(study, Studies.running(study, 2.5), 0)).isFalse();
  }

  @Test
  void maximize_countsFromTheTop() {
    SimpleStudy study = Studies.study(Direction.MAXIMIZE);
    for (int t = 1; t <= 5; t++) {
      Studies.completed(study, t);
    }
    Pruner p = pruner(study, Map.of("percentile", 25.0)); // keep values >= 4
    assertThat(p.shouldPrune(study, Studies.running(study, 3.5), 0)).isTrue();
    assertThat(p.shouldPrune(study, Studies.running(study, 4.5), 0)).isFalse();
  }

  @Test
  void multiObjective_prunesTrialsDominatedByMostCompletedOnes() {
    SimpleStudy study = new SimpleStudy(Studies.definition(Direction.MINIMIZE, Direction.MINIMIZE));
    double[][] done = {{1, 1}, {2, 2}, {1, 3}, {3, 1}};
    for (double[] d : done) {
      study
          .start(Map.of())
          .report("loss", 0, d[0])
          .report("m1", 0, d[1])
          .succeed(Map.of("loss", d[0], "m1", d[1]));
    }
    Pruner p =
        factory()
            .create(
                study.definition(),
                Settings.of(Map.of("percentile", 50.0, "n_startup_trials", 1.0)));
    SimpleTrial dominated =
        study.start(Map.of()).report("loss", 0, 4).report("m1", 0, 4); // by all four
    SimpleTrial tradeOff =
        study.start(Map.of()).report("loss", 0, 0.5).report("m1", 0, 5); // by none
    SimpleTrial middle =
        study.start(Map.of()).report("loss", 0, 2.5).report("m1", 0, 1.5); // by 1 of 4
    assertThat(p.shouldPrune(study, dominated, 0)).isTrue();
    assertThat(p.shouldPrune(study, tradeOff, 0)).isFalse();
    assertThat(p.shouldPrune(study, middle, 0)).isFalse();
  }

  @Test
  void percentileOutOfRange_isRejected() {
    assertThatThrownBy(() -> pruner(Studies.study(Direction.MINIMIZE), Map.of("percentile", 120.0)))
        .hasMessageContaining("percentile");
  }
}
