package vernier.plugins.basic;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import vernier.spi.Direction;
import vernier.spi.TrialView;

/** Helpers over reported learning curves shared by the pruners. */
final class Curves {

  private Curves() {}

  /** The best non-NaN value of a curve, NaN when there is none. */
  static double best(NavigableMap<Long, Double> curve, Direction direction) {
    double best = Double.NaN;
    for (double v : curve.values()) {
      if (!Double.isNaN(v) && (Double.isNaN(best) || direction.isBetter(v, best))) {
        best = v;
      }
    }
    return best;
  }

  /**
   * Each trial's non-NaN value of {@code metric} at {@code step} ({@link #valueAt}); trials without
   * one are left out.
   */
  static double[] at(List<? extends TrialView> trials, String metric, long step) {
    return trials.stream()
        .mapToDouble(t -> valueAt(t.intermediate(metric), step))
        .filter(v -> !Double.isNaN(v))
        .toArray();
  }

  /**
   * A curve's value at {@code step}: the reported one, or, between two reports, the straight line
   * between them, so that a trial reporting every 10 steps still counts at step 15 for one
   * reporting every 5. NaN outside the reported steps or next to a NaN report. Where trials report
   * at the same steps this is exactly their reported value.
   */
  static double valueAt(NavigableMap<Long, Double> curve, long step) {
    Double exact = curve.get(step);
    if (exact != null) {
      return exact;
    }
    Map.Entry<Long, Double> before = curve.lowerEntry(step);
    Map.Entry<Long, Double> after = curve.higherEntry(step);
    if (before == null || after == null) {
      return Double.NaN;
    }
    double fraction = (double) (step - before.getKey()) / (after.getKey() - before.getKey());
    return before.getValue() + fraction * (after.getValue() - before.getValue());
  }

  /**
   * The q-th percentile (0-100) with linear interpolation between order statistics (numpy's
   * default).
   */
  static double percentile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double position = q / 100 * (sorted.length - 1);
    int lower = (int) Math.floor(position);
    int upper = (int) Math.ceil(position);
    return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
  }

  /**
   * Whether {@code step} is checked: at or after {@code warmup}, and an interval boundary lies in
   * (the trial's previous reported step, step], so sparse reporting is still checked.
   */
  static boolean checked(NavigableMap<Long, Double> curve, long step, long warmup, long interval) {
    if (step < warmup) {
      return false;
    }
    long lastBoundary = Math.floorDiv(step - warmup, interval) * interval + warmup;
    Long previous = curve.lowerKey(step);
    return (previous == null ? -1 : previous) < lastBoundary;
  }
}
