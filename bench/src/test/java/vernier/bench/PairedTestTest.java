package vernier.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

final class PairedTestTest {

  @Test
  void of_allTenPairsLower_isBetterWithTheExactTwoSidedP() {
    PairedTest t =
        PairedTest.of(
            new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
            new double[] {2, 3, 4, 5, 6, 7, 8, 9, 10, 11.5});

    assertThat(t.p()).isCloseTo(2.0 / 1024, within(1e-12));
    assertThat(t.aBetter()).isTrue();
    assertThat(t.verdict(0.05)).isEqualTo("**better**");
    assertThat(t.medianDifference()).isEqualTo(-1);
  }

  @Test
  void of_allPairsHigher_isWorse() {
    PairedTest t =
        PairedTest.of(new double[] {5, 6, 7, 8, 9, 10}, new double[] {1, 2, 3, 4, 5, 6.5});

    assertThat(t.aBetter()).isFalse();
    assertThat(t.verdict(0.05)).isEqualTo("**worse**");
  }

  @Test
  void of_dropsZeroDifferences() {
    PairedTest t = PairedTest.of(new double[] {0, 0, 1, 2, 3}, new double[] {0, 0, 2, 1, 3.5});

    assertThat(t.n()).isEqualTo(3);
    assertThat(t.verdict(0.05)).isEqualTo("no significant difference");
  }

  @Test
  void of_identicalRuns_isNoDifference() {
    PairedTest t = PairedTest.of(new double[] {1, 2}, new double[] {1, 2});

    assertThat(t.p()).isEqualTo(1);
    assertThat(t.verdict(0.05)).isEqualTo("no significant difference");
  }
}
