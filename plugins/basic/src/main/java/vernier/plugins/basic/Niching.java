package vernier.plugins.basic;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * NSGA-III's association and niche-preserving operation (Deb and Jain 2014, Algorithms 3 and 4):
 * each normalized member joins the reference line nearest to it (perpendicular distance); the last
 * front is then cut by repeatedly taking the reference point with the fewest members so far and
 * giving it one more, so the population spreads over all reference directions.
 */
final class Niching {

  /** Which reference line a member joined, and how far it is from it. */
  record Association(int reference, double distance) {}

  private final double[][] references;

  Niching(double[][] references) {
    this.references = references;
  }

  int size() {
    return references.length;
  }

  /**
   * The nearest reference line to {@code point}; ties (and NaN coordinates) go to the lowest index.
   */
  Association associate(double[] point) {
    int best = 0;
    double bestDistance = distance(point, references[0]);
    for (int r = 1; r < references.length; r++) {
      double d = distance(point, references[r]);
      if (d < bestDistance) {
        best = r;
        bestDistance = d;
      }
    }
    return new Association(best, bestDistance);
  }

  /** Distance from {@code point} to the line through the origin along {@code direction}. */
  static double distance(double[] point, double[] direction) {
    double dot = 0;
    double norm = 0;
    for (int j = 0; j < point.length; j++) {
      dot += point[j] * direction[j];
      norm += direction[j] * direction[j];
    }
    double t = dot / norm;
    double squared = 0;
    for (int j = 0; j < point.length; j++) {
      double diff = point[j] - t * direction[j];
      squared += diff * diff;
    }
    return Math.sqrt(squared);
  }

  /**
   * Picks {@code k} of the {@code candidates} (indices into {@code associations}); {@code niches}
   * holds each reference point's count among the members already chosen and is updated.
   *
   * <p>A reference point nobody has joined yet takes its nearest candidate (the one that best
   * represents that direction); one that has members takes a random candidate, since distance no
   * longer matters for spread. Ties between equally empty niches are broken at random.
   */
  List<Integer> choose(
      Association[] associations,
      List<Integer> candidates,
      int k,
      int[] niches,
      RandomGenerator random) {
    List<Integer> remaining = new ArrayList<>(candidates);
    boolean[] exhausted = new boolean[references.length];
    List<Integer> chosen = new ArrayList<>();
    while (chosen.size() < k && !remaining.isEmpty()) {
      int niche = leastCrowded(niches, exhausted, random);
      List<Integer> joined = new ArrayList<>();
      for (int c : remaining) {
        if (associations[c].reference() == niche) {
          joined.add(c);
        }
      }
      if (joined.isEmpty()) {
        exhausted[niche] = true; // nothing left in the last front for this direction
        continue;
      }
      Integer pick =
          niches[niche] == 0
              ? nearest(joined, associations)
              : joined.get(random.nextInt(joined.size()));
      chosen.add(pick);
      remaining.remove(pick);
      niches[niche]++;
    }
    return chosen;
  }

  private static int leastCrowded(int[] niches, boolean[] exhausted, RandomGenerator random) {
    int min = Integer.MAX_VALUE;
    List<Integer> ties = new ArrayList<>();
    for (int r = 0; r < niches.length; r++) {
      if (exhausted[r] || niches[r] > min) {
        continue;
      }
      if (niches[r] < min) {
        min = niches[r];
        ties.clear();
      }
      ties.add(r);
    }
    return ties.get(random.nextInt(ties.size()));
  }

  private static Integer nearest(List<Integer> joined, Association[] associations) {
    Integer best = joined.get(0);
    for (Integer c : joined) {
      if (Double.compare(associations[c].distance(), associations[best].distance()) < 0) {
        best = c;
      }
    }
    return best;
  }
}
