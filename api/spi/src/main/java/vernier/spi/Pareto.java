package vernier.spi;

import java.util.Arrays;
import java.util.List;

/**
 * Pareto domination and crowding distance over loss vectors (every objective minimised; see {@link
 * Direction#toLoss}), for multi-objective samplers and pruners.
 */
public final class Pareto {

  private Pareto() {}

  /** Whether {@code a} is no worse than {@code b} in every objective and better in at least one. */
  public static boolean dominates(double[] a, double[] b) {
    boolean strictly = false;
    for (int m = 0; m < a.length; m++) {
      if (a[m] > b[m]) {
        return false;
      }
      strictly |= a[m] < b[m];
    }
    return strictly;
  }

  /**
   * The crowding distance of each point of a front (Deb, Pratap, Agarwal and Meyarivan, "A Fast and
   * Elitist Multiobjective Genetic Algorithm: NSGA-II", IEEE TEC 2002): per objective, the gap
   * between a point's neighbours divided by the front's span, summed; the extreme points of each
   * objective (and every point of a front of one or two) are infinite.
   */
  public static double[] crowdingDistances(List<double[]> front) {
    int size = front.size();
    double[] distance = new double[size];
    if (size <= 2) {
      Arrays.fill(distance, Double.POSITIVE_INFINITY);
      return distance;
    }
    for (int m = 0; m < front.get(0).length; m++) {
      int objective = m;
      Integer[] order = new Integer[size];
      for (int k = 0; k < size; k++) {
        order[k] = k;
      }
      Arrays.sort(
          order, (x, y) -> Double.compare(front.get(x)[objective], front.get(y)[objective]));
      double span = front.get(order[size - 1])[m] - front.get(order[0])[m];
      distance[order[0]] = Double.POSITIVE_INFINITY;
      distance[order[size - 1]] = Double.POSITIVE_INFINITY;
      for (int k = 1; k < size - 1 && span > 0; k++) {
        distance[order[k]] += (front.get(order[k + 1])[m] - front.get(order[k - 1])[m]) / span;
      }
    }
    return distance;
  }
}
