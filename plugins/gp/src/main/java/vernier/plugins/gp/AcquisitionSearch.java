package vernier.plugins.gp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * Maximises an acquisition function over the encoded space: score random points, then run a
 * coordinate-wise local search from the best of them and from given seeds (the best trials so far).
 * Continuous coordinates move by a step that shrinks when no move helps; integer and stepped ones
 * move to the next grid point at least; categorical ones try every other choice.
 */
final class AcquisitionSearch {

  private static final double FIRST_STEP = 0.1;
  private static final double LAST_STEP = 1e-4;

  private final Encoding encoding;
  private final int candidates;
  private final int localSearches;
  private final int evaluationsPerSearch;

  AcquisitionSearch(
      Encoding encoding, int candidates, int localSearches, int evaluationsPerSearch) {
    this.encoding = encoding;
    this.candidates = candidates;
    this.localSearches = localSearches;
    this.evaluationsPerSearch = evaluationsPerSearch;
  }

  double[] maximize(
      ToDoubleFunction<double[]> acquisition, List<double[]> seeds, RandomGenerator random) {
    List<Scored> starts = new ArrayList<>();
    for (int k = 0; k < candidates; k++) {
      double[] x = encoding.random(random);
      starts.add(new Scored(x, acquisition.applyAsDouble(x)));
    }
    starts.sort(Comparator.comparingDouble(Scored::value).reversed());
    starts = new ArrayList<>(starts.subList(0, Math.min(localSearches, starts.size())));
    for (double[] seed : seeds) {
      starts.add(new Scored(seed.clone(), acquisition.applyAsDouble(seed)));
    }
    Scored best = null;
    for (Scored start : starts) {
      Scored local = climb(start, acquisition);
      if (best == null || local.value() > best.value()) {
        best = local;
      }
    }
    return best.point();
  }

  private Scored climb(Scored start, ToDoubleFunction<double[]> acquisition) {
    double[] x = start.point();
    double fx = start.value();
    int evaluations = 0;
    double step = FIRST_STEP;
    while (step >= LAST_STEP && evaluations < evaluationsPerSearch) {
      boolean moved = false;
      for (int i = 0; i < x.length; i++) {
        for (double c : moves(i, x[i], step)) {
          double old = x[i];
          x[i] = c;
          double f = acquisition.applyAsDouble(x);
          evaluations++;
          if (f > fx) {
            fx = f;
            moved = true;
            break;
          }
          x[i] = old;
        }
      }
      if (!moved) {
        step /= 4;
      }
    }
    return new Scored(x, fx);
  }

  private double[] moves(int i, double u, double step) {
    if (encoding.isCategorical(i)) {
      double[] others = new double[encoding.choiceCount(i) - 1];
      for (int c = 0, k = 0; c <= others.length; c++) {
        if (c != (int) u) {
          others[k++] = c;
        }
      }
      return others;
    }
    double up = encoding.snap(i, u + step);
    double down = encoding.snap(i, u - step);
    if (encoding.isDiscrete(i)) {
      up = up == u ? encoding.neighbour(i, u, 1) : up;
      down = down == u ? encoding.neighbour(i, u, -1) : down;
    }
    return new double[] {up, down};
  }

  private record Scored(double[] point, double value) {}
}
