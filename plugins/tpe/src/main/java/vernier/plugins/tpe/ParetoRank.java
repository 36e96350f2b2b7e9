package vernier.plugins.tpe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A scalar order for multi-objective losses, for MOTPE's split into good and bad trials (Ozaki,
 * Tanigaki, Watanabe and Onishi, "Multiobjective Tree-Structured Parzen Estimator", JAIR 2022):
 * non-dominated fronts first, and within a front the points that spread it (larger crowding
 * distance, Deb et al. 2002) before the crowded ones. The paper breaks ties within the last front
 * by hypervolume contribution; crowding distance is the cheap stand-in used here.
 */
final class ParetoRank {

  private ParetoRank() {}

  /** A score per row of {@code losses} (all minimised): lower is better; fronts are whole numbers apart. */
  static double[] scores(double[][] losses) {
    int n = losses.length;
    double[] score = new double[n];
    boolean[] placed = new boolean[n];
    int remaining = n;
    for (int front = 0; remaining > 0; front++) {
      List<Integer> members = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (!placed[i] && !dominatedByAnyUnplaced(i, losses, placed)) {
          members.add(i);
        }
      }
      double[] crowding = crowding(members, losses);
      for (int k = 0; k < members.size(); k++) {
        double c = crowding[k];
        score[members.get(k)] = front + (Double.isInfinite(c) ? 0 : 0.5 / (1 + c));
      }
      members.forEach(i -> placed[i] = true);
      remaining -= members.size();
    }
    return score;
  }

  private static boolean dominatedByAnyUnplaced(int i, double[][] losses, boolean[] placed) {
    for (int j = 0; j < losses.length; j++) {
      if (j != i && !placed[j] && dominates(losses[j], losses[i])) {
        return true;
      }
    }
    return false;
  }

  static boolean dominates(double[] a, double[] b) {
    boolean strictly = false;
    for (int m = 0; m < a.length; m++) {
      if (a[m] > b[m]) {
        return false;
      }
      strictly |= a[m] < b[m];
    }
    return strictly;
  }

  /** Crowding distance of each member within its front (the boundary points: infinite). */
  private static double[] crowding(List<Integer> members, double[][] losses) {
    int size = members.size();
    double[] distance = new double[size];
    if (size <= 2) {
      Arrays.fill(distance, Double.POSITIVE_INFINITY);
      return distance;
    }
    for (int m = 0; m < losses[members.get(0)].length; m++) {
      int objective = m;
      Integer[] order = new Integer[size];
      for (int k = 0; k < size; k++) {
        order[k] = k;
      }
      Arrays.sort(order, (x, y) -> Double.compare(losses[members.get(x)][objective], losses[members.get(y)][objective]));
      double range = losses[members.get(order[size - 1])][m] - losses[members.get(order[0])][m];
      distance[order[0]] = distance[order[size - 1]] = Double.POSITIVE_INFINITY;
      for (int k = 1; k < size - 1 && range > 0; k++) {
        distance[order[k]] += (losses[members.get(order[k + 1])][m] - losses[members.get(order[k - 1])][m]) / range;
      }
    }
    return distance;
  }
}
