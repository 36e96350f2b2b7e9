package vernier.plugins.basic;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealVector;

/**
 * NSGA-III's adaptive normalization (Deb and Jain 2014, section IV-C): losses are translated so the
 * ideal point is the origin, then divided by the intercepts of the hyperplane through the extreme
 * points, so that reference directions mean the same thing whatever the objectives' scales.
 *
 * <p>When the hyperplane is degenerate (extreme points repeated or collinear, or an intercept that
 * is not positive), the intercepts fall back to the worst translated value of the non-dominated
 * members, as Deb and Jain suggest, then to the worst of all members; an intercept is never larger
 * than that worst value, which keeps a nearly flat plane from squashing every point towards the
 * origin.
 */
final class Normalization {

  /** Below this an intercept (in translated loss units) counts as zero. */
  private static final double TINY = 1e-10;

  /** Weight of the other axes in the achievement scalarizing function. */
  private static final double OFF_AXIS = 1e-6;

  private Normalization() {}

  /**
   * The normalized losses of {@code losses} (rows: members, columns: objectives); {@code
   * nondominated} marks the members of the first front.
   */
  static double[][] normalize(double[][] losses, boolean[] nondominated) {
    int m = losses[0].length;
    double[] ideal = new double[m];
    for (int j = 0; j < m; j++) {
      ideal[j] = extreme(losses, null, j, true);
    }
    double[][] translated = new double[losses.length][m];
    for (int i = 0; i < losses.length; i++) {
      for (int j = 0; j < m; j++) {
        translated[i][j] = losses[i][j] - ideal[j];
      }
    }
    double[] intercepts = intercepts(translated, nondominated);
    double[][] out = new double[losses.length][m];
    for (int i = 0; i < losses.length; i++) {
      for (int j = 0; j < m; j++) {
        out[i][j] = translated[i][j] / intercepts[j];
      }
    }
    return out;
  }

  static double[] intercepts(double[][] translated, boolean[] nondominated) {
    int m = translated[0].length;
    double[] plane = hyperplane(translated);
    double[] out = new double[m];
    for (int j = 0; j < m; j++) {
      double worst = extreme(translated, null, j, false);
      double value = plane != null ? plane[j] : extreme(translated, nondominated, j, false);
      if (!(value > TINY) || value > worst) {
        value = worst;
      }
      out[j] = value > TINY ? value : 1; // every member equal on this axis: any scale will do
    }
    return out;
  }

  /** The intercepts of the hyperplane through the M extreme points, or null when degenerate. */
  private static double[] hyperplane(double[][] translated) {
    int m = translated[0].length;
    double[][] extremes = new double[m][];
    for (int axis = 0; axis < m; axis++) {
      extremes[axis] = translated[extremePoint(translated, axis)];
    }
    DecompositionSolver solver =
        new LUDecomposition(new Array2DRowRealMatrix(extremes, false)).getSolver();
    if (!solver.isNonSingular()) {
      return null;
    }
    // the plane is {x : a . x = 1}; its intercept on axis j is 1 / a_j
    RealVector a = solver.solve(new ArrayRealVector(m, 1.0));
    double[] out = new double[m];
    for (int j = 0; j < m; j++) {
      out[j] = 1 / a.getEntry(j);
      if (!(out[j] > TINY) || Double.isInfinite(out[j])) {
        return null;
      }
    }
    return out;
  }

  /** The member that minimises the achievement scalarizing function for {@code axis}. */
  private static int extremePoint(double[][] translated, int axis) {
    int best = 0;
    double bestValue = Double.POSITIVE_INFINITY;
    for (int i = 0; i < translated.length; i++) {
      double asf = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < translated[i].length; j++) {
        asf = Math.max(asf, translated[i][j] / (j == axis ? 1 : OFF_AXIS));
      }
      if (asf < bestValue) {
        bestValue = asf;
        best = i;
      }
    }
    return best;
  }

  /**
   * The smallest or largest finite value of column j over the rows {@code among} marks (all if
   * null); 0 if none.
   */
  private static double extreme(double[][] rows, boolean[] among, int j, boolean smallest) {
    double out = smallest ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    for (int i = 0; i < rows.length; i++) {
      double v = rows[i][j];
      if ((among == null || among[i]) && Double.isFinite(v)) {
        out = smallest ? Math.min(out, v) : Math.max(out, v);
      }
    }
    return Double.isFinite(out) ? out : 0;
  }
}
