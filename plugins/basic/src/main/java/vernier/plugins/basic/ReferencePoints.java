package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.List;

/**
 * Das and Dennis's structured reference points ("Normal-Boundary Intersection", SIAM J. Optim.
 * 8(3), 1998), as used by NSGA-III: every point of the unit simplex whose coordinates are multiples
 * of 1/p, for p divisions of each axis. There are C(p + M - 1, M - 1) of them for M objectives.
 */
final class ReferencePoints {

  /** More points than this cost too much memory and association time for any useful population. */
  static final long MAX_POINTS = 100_000;

  private ReferencePoints() {}

  /** C(p + M - 1, M - 1), or {@link Long#MAX_VALUE} when it does not fit a long. */
  static long count(int objectives, int divisions) {
    long n = 1;
    for (int i = 1; i < objectives; i++) {
      try {
        n = Math.multiplyExact(n, (long) divisions + i) / i; // exact: n * (p + i) / i = C(p + i, i)
      } catch (ArithmeticException overflow) {
        return Long.MAX_VALUE;
      }
    }
    return n;
  }

  /**
   * The default divisions: the largest p whose point count does not exceed the population, so each
   * parent can own a reference direction (Deb and Jain size the population to the point count). At
   * least 1, and 1 for a single objective, whose only point is the axis itself.
   */
  static int defaultDivisions(int objectives, int populationSize) {
    if (objectives == 1) {
      return 1;
    }
    long limit = Math.min(populationSize, MAX_POINTS);
    int p = 1;
    while (count(objectives, p + 1) <= limit) {
      p++;
    }
    return p;
  }

  /** The points, each a vector of {@code objectives} non-negative coordinates summing to 1. */
  static double[][] dasDennis(int objectives, int divisions) {
    List<double[]> out = new ArrayList<>();
    fill(new int[objectives], 0, divisions, divisions, out);
    return out.toArray(new double[0][]);
  }

  /** Distributes the {@code left} remaining units over axes {@code axis}..M-1 in every way. */
  private static void fill(int[] units, int axis, int left, int divisions, List<double[]> out) {
    if (axis == units.length - 1) {
      units[axis] = left;
      double[] point = new double[units.length];
      for (int i = 0; i < units.length; i++) {
        point[i] = (double) units[i] / divisions;
      }
      out.add(point);
      return;
    }
    for (int u = 0; u <= left; u++) {
      units[axis] = u;
      fill(units, axis + 1, left - u, divisions, out);
    }
  }
}
