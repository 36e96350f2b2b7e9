package vernier.plugins.basic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vernier.spi.Direction;
import vernier.spi.PrunerFactory;
import vernier.spi.Settings;
import vernier.spi.testkit.PrunerContractTest;
import vernier.spi.testkit.SimpleStudy;
import vernier.spi.testkit.SimpleTrial;

final class HyperbandPrunerTest extends PrunerContractTest {

  @Override
  protected PrunerFactory factory() {
    return new HyperbandPrunerFactory();
  }

  @Override
  protected Settings settings() {
    return Settings.of(Map.of("max_resource", 27.0));
  }

  private HyperbandPruner pruner(Map<String, ?> settings) {
    return (HyperbandPruner) factory().create(Studies.definition(Direction.MINIMIZE), Settings.of(settings));
  }

  @Test
  void bracketsFollowTheResourceRange_andTrialsSpreadOverThem() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    HyperbandPruner p = pruner(Map.of("min_resource", 1.0, "max_resource", 27.0, "reduction_factor", 3.0));
    p.shouldPrune(study, Studies.running(study, 1), 0);
    assertThat(p.bracketCount()).isEqualTo(4); // log3(27) + 1
    Map<Integer, Integer> perBracket = new HashMap<>();
    for (int n = 0; n < 1000; n++) {
      perBracket.merge(p.bracketOf(n), 1, Integer::sum);
    }
    assertThat(perBracket).containsOnlyKeys(0, 1, 2, 3);
    // budgets ceil(4*27/4)=27, ceil(4*9/3)=12, ceil(4*3/2)=6, 4: bracket 0 gets the most trials
    assertThat(perBracket.get(0)).isGreaterThan(perBracket.get(1)).isGreaterThan(perBracket.get(3));
  }

  @Test
  void aTrialCompetesOnlyWithinItsBracket_andItsFirstRungDependsOnTheBracket() {
    SimpleStudy study = Studies.study(Direction.MINIMIZE);
    HyperbandPruner p = pruner(Map.of("min_resource", 1.0, "max_resource", 27.0, "reduction_factor", 3.0));
    for (int t = 0; t < 40; t++) {
      Studies.completed(study, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    }
    int checked = 0;
    for (int t = 0; t < 30; t++) {
      SimpleTrial bad = Studies.running(study, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5);
      int bracket = p.bracketOf(bad.number());
      long firstRung = (long) Math.pow(3, bracket);
      if (firstRung <= 9) {
        assertThat(p.shouldPrune(study, bad, firstRung)).as("bracket %d at step %d", bracket, firstRung).isTrue();
        if (firstRung > 1) {
          assertThat(p.shouldPrune(study, bad, firstRung - 1)).isFalse();
        }
        checked++;
      }
    }
    assertThat(checked).isPositive();
  }
}
