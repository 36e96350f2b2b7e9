package vernier.bench;

import java.util.Arrays;
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;
import org.apache.commons.math3.stat.ranking.NaturalRanking;

/**
 * A two-sided Wilcoxon signed-rank test over seeds between two samplers' best values (lower is
 * better): run i of one is paired with run i of the other. Vernier and Optuna draw from different
 * random streams, so "seed i" pairs runs by index only; under the null hypothesis (both samplers'
 * bests have the same distribution) the paired differences are still symmetric about zero, so the
 * test is valid.
 *
 * @param medianDifference median over seeds of a[i] - b[i]; negative when a tends to be better
 * @param p two-sided p-value (exact for up to 30 non-zero differences, else the normal
 *     approximation)
 * @param aBetter whether a's signed-rank sum is the larger one (a below b), which gives the
 *     direction
 * @param n pairs with a non-zero difference
 */
record PairedTest(double medianDifference, double p, boolean aBetter, int n) {

  /** Compares the first min(a.length, b.length) runs of each. */
  static PairedTest of(double[] a, double[] b) {
    int pairs = Math.min(a.length, b.length);
    double[] d = new double[pairs];
    for (int i = 0; i < pairs; i++) {
      d[i] = a[i] == b[i] ? 0 : a[i] - b[i]; // both infinite (no feasible trial): a tie, not NaN
    }
    // Wilcoxon's convention drops zero differences; Commons Math would count them as ranks on one
    // side.
    double[] nonZero = Arrays.stream(d).filter(x -> x != 0).toArray();
    if (nonZero.length == 0) {
      return new PairedTest(Stats.median(d), 1, false, 0);
    }
    double p =
        new WilcoxonSignedRankTest()
            .wilcoxonSignedRankTest(nonZero, new double[nonZero.length], nonZero.length <= 30);
    return new PairedTest(
        Stats.median(d),
        Math.min(1, p),
        negativeRankSum(nonZero) > nonZero.length * (nonZero.length + 1) / 4.0,
        nonZero.length);
  }

  /** The sum of the ranks of |d| over the negative differences (ties get their mean rank). */
  private static double negativeRankSum(double[] d) {
    double[] ranks = new NaturalRanking().rank(Arrays.stream(d).map(Math::abs).toArray());
    double sum = 0;
    for (int i = 0; i < d.length; i++) {
      sum += d[i] < 0 ? ranks[i] : 0;
    }
    return sum;
  }

  /** "better", "worse" (for a, against b) or "no significant difference" at level alpha. */
  String verdict(double alpha) {
    if (p >= alpha) {
      return "no significant difference";
    }
    return aBetter ? "**better**" : "**worse**";
  }
}
