package vernier.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

final class ParetoTest {

  @Test
  void domination_needsNoWorseEverywhereAndBetterSomewhere() {
    assertThat(Pareto.dominates(new double[] {1, 2}, new double[] {1, 3})).isTrue();
    assertThat(Pareto.dominates(new double[] {1, 3}, new double[] {1, 3})).as("equal").isFalse();
    assertThat(Pareto.dominates(new double[] {0, 4}, new double[] {1, 3}))
        .as("a trade-off")
        .isFalse();
  }

  @Test
  void crowding_isInfiniteAtTheExtremesAndSumsNormalisedGapsInside() {
    // a straight front: (0,4) (1,3) (3,1) (4,0); spans 4 in both objectives
    double[] d =
        Pareto.crowdingDistances(
            List.of(
                new double[] {0, 4},
                new double[] {1, 3},
                new double[] {3, 1},
                new double[] {4, 0}));
    assertThat(d[0]).isInfinite();
    assertThat(d[3]).isInfinite();
    assertThat(d[1]).isEqualTo((3 - 0) / 4.0 + (4 - 1) / 4.0);
    assertThat(d[2]).isEqualTo((4 - 1) / 4.0 + (3 - 0) / 4.0);
    assertThat(Pareto.crowdingDistances(List.of(new double[] {1, 1}, new double[] {2, 0})))
        .containsOnly(Double.POSITIVE_INFINITY);
  }
}
