package vernier.plugins.cmaes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class CmaStateTest {

  @Test
  void aRunWhoseBestLossStopsMoving_isExhausted_soARestartCanFollow() {
    int n = 3;
    int lambda = 6;
    CmaState state =
        new CmaState(n, lambda, new double[] {0.5, 0.5, 0.5}, 0.2, false, Margin.off(n));
    SplittableRandom random = new SplittableRandom(1);
    int window = 10 + (int) Math.ceil(30.0 * n / lambda);
    for (int generation = 1; generation <= window; generation++) {
      double[][] xs = new double[lambda][];
      for (int k = 0; k < lambda; k++) {
        xs[k] = state.sample(random);
      }
      double[] flat = new double[lambda];
      Arrays.fill(flat, 3.0); // a plateau: nothing distinguishes the points
      assertThat(state.exhausted()).as("generation %d", generation).isFalse();
      state.tell(xs, flat);
    }
    assertThat(state.exhausted()).isTrue();
  }
}
