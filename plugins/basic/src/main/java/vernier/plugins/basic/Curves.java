package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

  /** The non-NaN values of {@code metric} that {@code trials} reported at exactly {@code step}. */
  static double[] at(List<? extends TrialView> trials, String metric, long step) {
    List<Double> values = new ArrayList<>(trials.size());
    for (TrialView t : trials) {
      Double v = t.intermediate(metric).get(step);
      if (v != null && !Double.isNaN(v)) {
        values.add(v);
      }
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The q-th percentile (0-100) with linear interpolation between order statistics (numpy's default). */
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
