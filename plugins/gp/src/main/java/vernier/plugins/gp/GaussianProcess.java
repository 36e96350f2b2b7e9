package vernier.plugins.gp;

import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;

/**
 * A zero-mean Gaussian-process posterior (Rasmussen and Williams, "Gaussian Processes for Machine
 * Learning", 2006, algorithm 2.1) over standardised observations, with the Cholesky factor kept so
 * that each prediction costs one triangular solve.
 */
final class GaussianProcess {

  private final double[][] x;
  private final double[] y;
  private final boolean[] categorical;
  private final Matern52 kernel;
  private final double[][] lower;
  private final double[] alpha;
  private final double logMarginalLikelihood;

  private GaussianProcess(
      double[][] x,
      double[] y,
      boolean[] categorical,
      Matern52 kernel,
      double[][] lower,
      double[] alpha,
      double logMarginalLikelihood) {
    this.x = x;
    this.y = y;
    this.categorical = categorical;
    this.kernel = kernel;
    this.lower = lower;
    this.alpha = alpha;
    this.logMarginalLikelihood = logMarginalLikelihood;
  }

  /**
   * The posterior given the observations {@code y} at {@code x}, or null when the kernel matrix is
   * not numerically positive definite.
   */
  static GaussianProcess condition(
      double[][] x, double[] y, boolean[] categorical, Matern52 kernel) {
    int n = x.length;
    double[][] k = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        k[i][j] = k[j][i] = kernel.covariance(x[i], x[j], categorical);
      }
      k[i][i] = kernel.scale() + kernel.noise();
    }
    CholeskyDecomposition cholesky;
    try {
      cholesky = new CholeskyDecomposition(new Array2DRowRealMatrix(k, false), 1e-12, 1e-14);
    } catch (NonPositiveDefiniteMatrixException e) {
      return null;
    }
    double[][] lower = cholesky.getL().getData();
    double[] alpha = cholesky.getSolver().solve(new ArrayRealVector(y, false)).toArray();
    double lml = -0.5 * dot(y, alpha) - 0.5 * n * Math.log(2 * Math.PI);
    for (int i = 0; i < n; i++) {
      lml -= Math.log(lower[i][i]);
    }
    return new GaussianProcess(x, y, categorical, kernel, lower, alpha, lml);
  }

  double logMarginalLikelihood() {
    return logMarginalLikelihood;
  }

  /** The posterior mean and variance of the latent function at {@code point}: {mean, variance}. */
  double[] predict(double[] point) {
    int n = x.length;
    double[] v = new double[n];
    double mean = 0;
    for (int i = 0; i < n; i++) {
      v[i] = kernel.covariance(point, x[i], categorical);
      mean += v[i] * alpha[i];
    }
    // forward substitution L v = k*, in place: the variance is k** - |v|²
    double explained = 0;
    for (int i = 0; i < n; i++) {
      v[i] = (v[i] - dot(lower[i], v, i)) / lower[i][i];
      explained += v[i] * v[i];
    }
    return new double[] {mean, Math.max(kernel.scale() - explained, 1e-12)};
  }

  /**
   * The constant liar (Ginsbourger, Le Riche and Carraro, "Kriging is well-suited to parallelize
   * optimization", 2010): pending points are added as if observed at {@code lie}, with the kernel
   * kept. The variance collapses there and, with a lie no better than average, the mean rises
   * around them, so parallel suggestions spread out instead of piling up at the current optimum.
   */
  GaussianProcess withLies(double[][] pending, double lie) {
    if (pending.length == 0) {
      return this;
    }
    double[][] xs = Arrays.copyOf(x, x.length + pending.length);
    double[] ys = Arrays.copyOf(y, y.length + pending.length);
    for (int i = 0; i < pending.length; i++) {
      xs[x.length + i] = pending[i];
      ys[y.length + i] = lie;
    }
    GaussianProcess lied = condition(xs, ys, categorical, kernel);
    return lied == null ? this : lied;
  }

  private static double dot(double[] a, double[] b) {
    return dot(a, b, a.length);
  }

  /**
   * The dot product of the first {@code n} entries; four running sums, so the additions pipeline.
   */
  private static double dot(double[] a, double[] b, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += a[i] * b[i];
      s1 += a[i + 1] * b[i + 1];
      s2 += a[i + 2] * b[i + 2];
      s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++) {
      s0 += a[i] * b[i];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
