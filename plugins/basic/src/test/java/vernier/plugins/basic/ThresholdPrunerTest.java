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

final class ThresholdPrunerTest extends PrunerContractTest {

  @Override
  protected PrunerFactory factory() {
    return new ThresholdPrunerFactory();
  }

  @Override
  protected Settings settings() {
    return Settings.of(Map.of("upper", 1000.0));
  }

  @Test
  void prunesOutsideTheBoundsAndNaN_afterWarmup() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    Pruner p = factory().create(study.definition(), Settings.of(Map.of("lower", 0.0, "upper", 10.0,
        "n_warmup_steps", 2.0)));
    assertThat(p.shouldPrune(study, Studies.running(study, 50), 0)).isFalse(); // warm-up
    assertThat(p.shouldPrune(study, Studies.running(study, 5, 5, 50), 2)).isTrue();
    assertThat(p.shouldPrune(study, Studies.running(study, 5, 5, -1), 2)).isTrue();
    assertThat(p.shouldPrune(study, Studies.running(study, 5, 5, 9), 2)).isFalse();
    assertThat(p.shouldPrune(study, Studies.running(study, Double.NaN), 0)).isTrue(); // NaN: always
  }

  @Test
  void needsABound() {
    assertThatThrownBy(() -> factory().create(Studies.definition(Direction.MINIMIZE), Settings.empty()))
        .hasMessageContaining("lower").hasMessageContaining("upper");
  }
}
