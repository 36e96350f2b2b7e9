package vernier.plugins.basic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Expected p-values: SciPy 1.10's (Debian python3-scipy) {@code scipy.stats.wilcoxon(d,
 * alternative='greater', zero_method='zsplit', method='exact')} without zeros or ties, its {@code
 * method='approx', correction=True} beyond 50 differences, and brute-force enumeration of the signs
 * where SciPy 1.10 has no exact method (zeros, ties).
 */
final class SignedRankTestTest {

  @Test
  void exactWithoutZerosOrTies_matchesScipy() {
    assertThat(SignedRankTest.greaterP(new double[] {0.5, -0.2, 1.3, 0.9, -0.1, 2.2, 0.7}))
        .isCloseTo(0.0390625, within(1e-12));
    double[] thirty =
        IntStream.range(0, 30).mapToDouble(i -> (i * 7) % 11 - 3.3 + 0.01 * i).toArray();
    assertThat(SignedRankTest.greaterP(thirty)).isCloseTo(0.004071489907801151, within(1e-12));
  }

  @Test
  void zerosAndTies_areExactGivenTheirRanks() {
    // zeros split their ranks (Optuna's zero_method='zsplit'); the expected values enumerate all
    // 2^n
    // signs of the non-zero differences by brute force
    assertThat(SignedRankTest.greaterP(new double[] {0, 0.4, -1.1, 0, 2.5, 0.3, 1.7, -0.6}))
        .isCloseTo(0.25, within(1e-12));
    assertThat(SignedRankTest.greaterP(new double[] {1, 1, -1, 2, 2, 2, -3, 0.5, 4, 4}))
        .isCloseTo(0.0478515625, within(1e-12));
    // three equal differences: 1/8, not the normal approximation's 0.074 that would prune at p 0.1
    assertThat(SignedRankTest.greaterP(new double[] {1, 1, 1})).isCloseTo(0.125, within(1e-12));
    double[] twentyZeros = new double[23];
    twentyZeros[20] = twentyZeros[21] = twentyZeros[22] = 1;
    assertThat(SignedRankTest.greaterP(twentyZeros)).isCloseTo(0.125, within(1e-12));
    assertThat(SignedRankTest.greaterP(new double[] {0, 0})).isEqualTo(1);
  }

  @Test
  void longSamples_useTheNormalApproximation() {
    double[] sixty = IntStream.range(0, 60).mapToDouble(i -> Math.sin(i * 1.7) + 0.2).toArray();
    assertThat(SignedRankTest.greaterP(sixty)).isCloseTo(0.018113247089393315, within(1e-9));
    // five zeros and many ties (values rounded to 0.1)
    double[] tied =
        IntStream.range(0, 60)
            .mapToDouble(i -> i < 5 ? 0 : Math.round(10 * (Math.sin((i - 5) * 1.7) + 0.2)) / 10.0)
            .toArray();
    assertThat(SignedRankTest.greaterP(tied)).isCloseTo(0.02231965779209501, within(1e-9));
    // past 1,024 differences n(n+1)(2n+1) overflows an int
    double[] many = IntStream.range(0, 1100).mapToDouble(i -> Math.sin(i * 1.7) + 0.2).toArray();
    assertThat(SignedRankTest.greaterP(many)).isCloseTo(4.024257292397867e-21, within(1e-23));
  }

  @Test
  void fiftyPairs_areStillExact() {
    double[] fifty =
        IntStream.range(0, 50).mapToDouble(i -> Math.sin(i * 1.3) + 0.1 + 1e-6 * i).toArray();
    assertThat(SignedRankTest.greaterP(fifty)).isCloseTo(0.11867649388519386, within(1e-12));
  }
}
