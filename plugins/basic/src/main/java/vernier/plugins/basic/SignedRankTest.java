package vernier.plugins.basic;

import java.util.Arrays;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * The one-sided Wilcoxon signed-rank test (Wilcoxon, "Individual Comparisons by Ranking Methods",
 * Biometrics Bulletin 1945): the p-value that paired differences tend to be positive. Zero
 * differences are ranked and their ranks split half to each side (Pratt's "zsplit", as Optuna's
 * {@code WilcoxonPruner} asks SciPy for), and tied magnitudes share their mean rank.
 *
 * <p>Up to {@link #EXACT_UP_TO} differences the p-value is exact: the distribution of the positive
 * rank sum over all 2ⁿ equally likely signs of the non-zero differences, given their ranks, counted
 * by dynamic programming over half-ranks in O(n³). Beyond, the normal approximation with tie and
 * continuity corrections (SciPy's {@code method='approx', correction=True}). Written here because
 * Commons Math's exact test enumerates all 2ⁿ sign patterns: near n = 30 one report took tens of
 * seconds, on the study's thread.
 */
final class SignedRankTest {

  static final int EXACT_UP_TO = 50;

  private SignedRankTest() {}

  /**
   * P(rank sum of positive differences ≥ the observed one) under the null of symmetric differences.
   */
  static double greaterP(double[] differences) {
    int n = differences.length;
    if (Arrays.stream(differences).allMatch(d -> d == 0)) {
      return 1;
    }
    double[] ranks =
        new NaturalRanking(TiesStrategy.AVERAGE)
            .rank(Arrays.stream(differences).map(Math::abs).toArray());
    double positiveRankSum = 0;
    for (int i = 0; i < n; i++) {
      positiveRankSum += differences[i] > 0 ? ranks[i] : differences[i] == 0 ? ranks[i] / 2 : 0;
    }
    return n <= EXACT_UP_TO
        ? exactGreaterP(differences, ranks, positiveRankSum)
        : normalGreaterP(ranks, positiveRankSum);
  }

  /**
   * Exact P(W ≥ w): W is the zeros' fixed half ranks plus the ranks of a uniformly random subset of
   * the non-zero differences. Mean ranks are multiples of 1/2, so the sums are counted in half
   * ranks, which are integers.
   */
  private static double exactGreaterP(double[] differences, double[] ranks, double observed) {
    int total = 0;
    double fixed = 0;
    int[] halfRanks = new int[ranks.length];
    int nonZero = 0;
    for (int i = 0; i < ranks.length; i++) {
      if (differences[i] == 0) {
        fixed += ranks[i] / 2;
      } else {
        halfRanks[nonZero] = (int) Math.round(2 * ranks[i]);
        total += halfRanks[nonZero++];
      }
    }
    double[] signPatternsSumming = new double[total + 1];
    signPatternsSumming[0] = 1;
    for (int i = 0; i < nonZero; i++) {
      for (int sum = total; sum >= halfRanks[i]; sum--) {
        signPatternsSumming[sum] += signPatternsSumming[sum - halfRanks[i]];
      }
    }
    long from = Math.round(2 * (observed - fixed));
    double atLeast = 0;
    for (long sum = Math.max(0, from); sum <= total; sum++) {
      atLeast += signPatternsSumming[(int) sum];
    }
    return atLeast / Math.pow(2, nonZero);
  }

  private static double normalGreaterP(double[] ranks, double positiveRankSum) {
    double n = ranks.length;
    double mean = n * (n + 1) / 4;
    double[] sorted = ranks.clone();
    Arrays.sort(sorted);
    double tieCorrection = 0;
    for (int i = 0; i < sorted.length; ) {
      int groupEnd = i;
      while (groupEnd < sorted.length && sorted[groupEnd] == sorted[i]) {
        groupEnd++;
      }
      double t = groupEnd - i; // ranks tied with sorted[i]
      tieCorrection += t * t * t - t;
      i = groupEnd;
    }
    double variance = n * (n + 1) * (2 * n + 1) / 24 - tieCorrection / 48;
    double z = (positiveRankSum - mean - 0.5) / Math.sqrt(variance);
    return new NormalDistribution(null, 0, 1)
        .cumulativeProbability(-z); // not 1 - Φ(z): keeps tiny tails
  }
}
