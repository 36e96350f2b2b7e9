package vernier.plugins.basic;

import java.util.Arrays;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * The one-sided Wilcoxon signed-rank test (Wilcoxon, "Individual Comparisons by Ranking Methods",
 * Biometrics Bulletin 1945): the p-value that paired differences tend to be positive. Zero
 * differences are dropped (Wilcoxon's rule). Up to {@link #EXACT_UP_TO} differences without tied
 * magnitudes the p-value is exact, from the null distribution of the positive rank sum counted by
 * dynamic programming in O(n³); otherwise the normal approximation with tie and continuity
 * corrections. Written here because Commons Math's exact test enumerates all 2ⁿ sign patterns:
 * near n = 30 one report took tens of seconds, on the study's thread.
 */
final class SignedRankTest {

  static final int EXACT_UP_TO = 50;

  private SignedRankTest() {}

  /** P(rank sum of positive differences ≥ the observed one) under the null of symmetric differences. */
  static double greaterP(double[] differences) {
    double[] nonZero = Arrays.stream(differences).filter(d -> d != 0).toArray();
    int n = nonZero.length;
    if (n == 0) {
      return 1;
    }
    double[] magnitudes = Arrays.stream(nonZero).map(Math::abs).toArray();
    double[] ranks = new NaturalRanking(TiesStrategy.AVERAGE).rank(magnitudes);
    double positiveRankSum = 0;
    for (int i = 0; i < n; i++) {
      positiveRankSum += nonZero[i] > 0 ? ranks[i] : 0;
    }
    boolean ties = Arrays.stream(magnitudes).distinct().count() < n;
    return n <= EXACT_UP_TO && !ties ? exactGreaterP(n, (int) Math.round(positiveRankSum))
        : normalGreaterP(n, positiveRankSum, magnitudes);
  }

  /** Exact P(W ≥ w) where W is the sum of a uniformly random subset of the ranks 1..n. */
  private static double exactGreaterP(int n, int w) {
    int max = n * (n + 1) / 2;
    double[] subsetsSumming = new double[max + 1]; // subsets of {1..k} per sum, for growing k
    subsetsSumming[0] = 1;
    for (int rank = 1; rank <= n; rank++) {
      for (int sum = max; sum >= rank; sum--) {
        subsetsSumming[sum] += subsetsSumming[sum - rank];
      }
    }
    double atLeast = 0;
    for (int sum = w; sum <= max; sum++) {
      atLeast += subsetsSumming[sum];
    }
    return atLeast / Math.pow(2, n);
  }

  private static double normalGreaterP(int n, double positiveRankSum, double[] magnitudes) {
    double mean = n * (n + 1) / 4.0;
    double tieCorrection = 0;
    double[] sorted = magnitudes.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < n; ) {
      int groupEnd = i;
      while (groupEnd < n && sorted[groupEnd] == sorted[i]) {
        groupEnd++;
      }
      double t = groupEnd - i; // magnitudes tied with sorted[i]
      tieCorrection += t * t * t - t;
      i = groupEnd;
    }
    double variance = n * (n + 1) * (2 * n + 1) / 24.0 - tieCorrection / 48;
    if (variance <= 0) {
      return 0.5;
    }
    double z = (positiveRankSum - mean - 0.5) / Math.sqrt(variance);
    return 1 - new NormalDistribution(null, 0, 1).cumulativeProbability(z);
  }
}
