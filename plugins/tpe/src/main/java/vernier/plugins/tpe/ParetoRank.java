package vernier.plugins.tpe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntPredicate;
import vernier.spi.Pareto;

/**
 * MOTPE's split into good and bad trials (Ozaki, Tanigaki, Watanabe and Onishi, "Multiobjective
 * Tree-Structured Parzen Estimator", JAIR 2022): whole non-dominated fronts first; from the front
 * that does not fit whole, the points a greedy hypervolume subset selection picks (each time the
 * point adding the most hypervolume; reference: 1.1 × that front's worst loss per objective).
 * Beyond four objectives, where exact hypervolume gets costly, crowding distance (Deb et al. 2002)
 * decides.
 */
final class ParetoRank {

  private static final int MAX_HYPERVOLUME_OBJECTIVES = 4;

  private ParetoRank() {}

  /**
   * A score per row of {@code losses} (all minimised), lower is better, such that the {@code good}
   * lowest are MOTPE's good trials; fronts are whole numbers apart. Fronts are peeled only until
   * they hold {@code good} rows that {@code counted} accepts (c-TPE stretches the good set until it
   * has that many feasible trials); the rows left share the next whole score, as their order no
   * longer matters. This keeps an ask at O(fronts needed · n²) instead of O(all fronts · n²).
   */
  static double[] scores(double[][] losses, int good, IntPredicate counted) {
    int n = losses.length;
    double[] score = new double[n];
    boolean[] placed = new boolean[n];
    int remaining = n;
    int before = 0;
    int countedBefore = 0;
    for (int front = 0; remaining > 0; front++) {
      if (countedBefore >= good) {
        for (int i = 0; i < n; i++) {
          score[i] = placed[i] ? score[i] : front;
        }
        break;
      }
      List<Integer> members = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (!placed[i] && !dominatedByAnyUnplaced(i, losses, placed)) {
          members.add(i);
        }
      }
      List<Integer> order =
          before < good && before + members.size() > good
              ? selectionOrder(
                  members,
                  losses,
                  reference(members.stream().map(i -> losses[i]).toArray(double[][]::new)),
                  good - before)
              : members;
      for (int k = 0; k < order.size(); k++) {
        score[order.get(k)] = front + (double) k / order.size();
      }
      members.forEach(i -> placed[i] = true);
      remaining -= members.size();
      before += members.size();
      countedBefore += (int) members.stream().filter(counted::test).count();
    }
    return score;
  }

  /** The front's points in the order they are chosen: the first {@code k} by greedy hypervolume. */
  private static List<Integer> selectionOrder(
      List<Integer> members, double[][] losses, double[] reference, int k) {
    if (reference.length > MAX_HYPERVOLUME_OBJECTIVES) {
      double[] crowding = Pareto.crowdingDistances(members.stream().map(i -> losses[i]).toList());
      List<Integer> byCrowding = new ArrayList<>(members);
      byCrowding.sort(Comparator.comparingDouble((Integer i) -> -crowding[members.indexOf(i)]));
      return byCrowding;
    }
    List<Integer> chosen = new ArrayList<>();
    List<Integer> left = new ArrayList<>(members);
    List<double[]> set = new ArrayList<>();
    double volume = 0;
    while (chosen.size() < k) {
      int best = -1;
      double bestVolume = -1;
      for (int c = 0; c < left.size(); c++) {
        set.add(losses[left.get(c)]);
        double v = hypervolume(set, reference);
        set.remove(set.size() - 1);
        if (v - volume > bestVolume) {
          bestVolume = v - volume;
          best = c;
        }
      }
      set.add(losses[left.get(best)]);
      volume += bestVolume;
      chosen.add(left.remove(best));
    }
    chosen.addAll(left);
    return chosen;
  }

  /**
   * Each point's exclusive hypervolume contribution (reference: 1.1 × the worst per objective),
   * divided by the largest and at least 1e-12; 1 each beyond four objectives.
   */
  static double[] contributions(List<double[]> points) {
    double[] weights = new double[points.size()];
    Arrays.fill(weights, 1);
    if (points.isEmpty() || points.get(0).length > MAX_HYPERVOLUME_OBJECTIVES) {
      return weights;
    }
    double[] reference = reference(points.toArray(double[][]::new));
    double all = hypervolume(points, reference);
    double max = 0;
    for (int i = 0; i < weights.length; i++) {
      List<double[]> others = new ArrayList<>(points);
      others.remove(i);
      weights[i] = all - hypervolume(others, reference);
      max = Math.max(max, weights[i]);
    }
    for (int i = 0; i < weights.length; i++) {
      weights[i] = max > 0 ? Math.max(1e-12, weights[i] / max) : 1;
    }
    return weights;
  }

  private static double[] reference(double[][] losses) {
    double[] r = new double[losses.length == 0 ? 0 : losses[0].length];
    Arrays.fill(r, Double.NEGATIVE_INFINITY);
    for (double[] l : losses) {
      for (int m = 0; m < r.length; m++) {
        r[m] = Math.max(r[m], l[m]);
      }
    }
    for (int m = 0; m < r.length; m++) {
      r[m] =
          r[m] == 0
              ? 1e-12
              : Math.max(1.1 * r[m], 0.9 * r[m]); // beyond the worst, whatever its sign
    }
    return r;
  }

  /**
   * Exact hypervolume dominated by {@code points} below {@code reference}: slices along the last
   * objective.
   */
  static double hypervolume(List<double[]> points, double[] reference) {
    return hypervolume(points, reference, reference.length);
  }

  private static double hypervolume(List<double[]> points, double[] reference, int dims) {
    if (points.isEmpty()) {
      return 0;
    }
    int last = dims - 1;
    if (dims == 1) {
      double min = points.stream().mapToDouble(p -> p[0]).min().getAsDouble();
      return Math.max(0, reference[0] - min);
    }
    List<double[]> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparingDouble(p -> p[last]));
    double volume = 0;
    for (int i = 0; i < sorted.size(); i++) {
      double top = i + 1 < sorted.size() ? sorted.get(i + 1)[last] : reference[last];
      double height = Math.min(top, reference[last]) - sorted.get(i)[last];
      if (height > 0) {
        volume += height * hypervolume(sorted.subList(0, i + 1), reference, dims - 1);
      }
    }
    return volume;
  }

  private static boolean dominatedByAnyUnplaced(int i, double[][] losses, boolean[] placed) {
    for (int j = 0; j < losses.length; j++) {
      if (j != i && !placed[j] && Pareto.dominates(losses[j], losses[i])) {
        return true;
      }
    }
    return false;
  }
}
