package vernier.bench;

import java.util.Arrays;

/** Order statistics for the benchmark tables. */
final class Stats {

  private Stats() {}

  /** The q-quantile (0-1) with linear interpolation between order statistics. */
  static double quantile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    if (Double.isInfinite(sorted[lo]) || Double.isInfinite(sorted[hi])) {
      return pos - lo < 0.5 ? sorted[lo] : sorted[hi];
    }
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  static double median(double[] values) {
    return quantile(values, 0.5);
  }
}
