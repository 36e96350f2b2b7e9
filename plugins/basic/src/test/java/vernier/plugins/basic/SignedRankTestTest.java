package vernier.plugins.basic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The expected p-values are SciPy 1.10's (Debian python3-scipy):
 * {@code scipy.stats.wilcoxon(d, alternative='greater', method=...)}.
 */
final class SignedRankTestTest {

  @Test
  void exact_matchesScipy() {
    assertThat(SignedRankTest.greaterP(new double[] {0.5, -0.2, 1.3, 0.9, -0.1, 2.2, 0.7}))
        .isCloseTo(0.0390625, within(1e-12));
    double[] thirty = IntStream.range(0, 30).mapToDouble(i -> (i * 7) % 11 - 3.3 + 0.01 * i).toArray();
    assertThat(SignedRankTest.greaterP(thirty)).isCloseTo(0.004071489907801151, within(1e-12));
  }

  @Test
  void zeros_areDropped() {
    // scipy on the differences without the zeros, method='exact'
    assertThat(SignedRankTest.greaterP(new double[] {0, 0.4, -1.1, 0, 2.5, 0.3, 1.7, -0.6}))
        .isCloseTo(0.28125, within(1e-12));
    assertThat(SignedRankTest.greaterP(new double[] {0, 0})).isEqualTo(1);
  }

  @Test
  void tiesAndLongSamples_useTheNormalApproximation() {
    assertThat(SignedRankTest.greaterP(new double[] {1, 1, -1, 2, 2, 2, -3, 0.5, 4, 4}))
        .isCloseTo(0.05045203169334557, within(1e-9));
    double[] sixty = IntStream.range(0, 60).mapToDouble(i -> Math.sin(i * 1.7) + 0.2).toArray();
    assertThat(SignedRankTest.greaterP(sixty)).isCloseTo(0.018113247089393315, within(1e-9));
  }

  @Test
  void fiftyPairs_areStillExact() {
    double[] fifty = IntStream.range(0, 50).mapToDouble(i -> Math.sin(i * 1.3) + 0.1 + 1e-6 * i).toArray();
    assertThat(SignedRankTest.greaterP(fifty)).isCloseTo(0.11867649388519386, within(1e-12));
  }
}
