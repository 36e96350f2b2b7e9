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

final class ThresholdPrunerTest extends PrunerContractTest {

  @Override
  protected PrunerFactory factory() {
    return new ThresholdPrunerFactory();
  }

  @Override
  protected Settings settings() {
    return Settings.of(Map.of("upper", 10.0));
  }

  @Override
  protected Settings mirroredSettings() {
    return Settings.of(
        Map.of("lower", -10.0)); // the bounds are absolute: mirrored for negated values
  }

  @Test
  void prunesOutsideTheBoundsAndNaN_afterWarmup() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    Pruner p =
        factory()
            .create(
                study.definition(),
                Settings.of(Map.of("lower", 0.0, "upper", 10.0, "n_warmup_steps", 2.0)));
    assertThat(p.shouldPrune(study, Studies.running(study, 50), 0)).isFalse(); // warm-up
    assertThat(p.shouldPrune(study, Studies.running(study, 5, 5, 50), 2)).isTrue();
    assertThat(p.shouldPrune(study, Studies.running(study, 5, 5, -1), 2)).isTrue();
    assertThat(p.shouldPrune(study, Studies.running(study, 5, 5, 9), 2)).isFalse();
    assertThat(p.shouldPrune(study, Studies.running(study, Double.NaN), 0)).isTrue(); // NaN: always
  }

  @Test
  void sparseReports_areCheckedAtTheFirstReportPastEachInterval_andNaNAtAny() {
    SimpleStudy study =
        Studies.study(Direction.MAXIMIZE); // bounds are absolute, whatever the direction
    Pruner p =
        factory()
            .create(
                study.definition(),
                Settings.of(Map.of("upper", 10.0, "n_warmup_steps", 5.0, "interval_steps", 10.0)));
    SimpleTrial t = study.start(Map.of()).report("loss", 3, 50);
    assertThat(p.shouldPrune(study, t, 3)).isFalse(); // warm-up
    t.report("loss", 12, 50);
    assertThat(p.shouldPrune(study, t, 12)).isTrue(); // the first report past step 5
    SimpleTrial u = study.start(Map.of()).report("loss", 8, 5).report("loss", 13, 50);
    assertThat(p.shouldPrune(study, u, 8)).isFalse(); // checked: within the bounds
    assertThat(p.shouldPrune(study, u, 13))
        .isFalse(); // step 5's check was at 8, the next is past 15
    u.report("loss", 14, Double.NaN);
    assertThat(p.shouldPrune(study, u, 14)).isTrue();
  }

  @Test
  void needsABound() {
    assertThatThrownBy(
            () -> factory().create(Studies.definition(Direction.MINIMIZE), Settings.empty()))
        .hasMessageContaining("lower")
        .hasMessageContaining("upper");
  }
}
