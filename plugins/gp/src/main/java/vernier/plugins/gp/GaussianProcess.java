package vernier.plugins.gp;

import java.util.Arrays;

/**
 * A zero-mean Gaussian-process posterior (Rasmussen and Williams, "Gaussian Processes for Machine
 * Learning", 2006, algorithm 2.1) over standardised observations, with the Cholesky factor kept so
 * that each prediction costs one triangular solve and pending points can be appended to it.
 */
final class GaussianProcess {

  /**
   * The smallest pivot accepted: below it the kernel matrix is not numerically positive definite.
   */
  private static final double MIN_PIVOT = 1e-14;

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
    double[][] lower = new double[x.length][];
    return factorFrom(0, x, lower, categorical, kernel, kernel.noise())
        ? solved(x, y, categorical, kernel, lower)
        : null;
  }

  /**
   * Fills rows {@code from..} of the lower Cholesky factor of {@code K + noise I}, row by row
   * (Cholesky–Banachiewicz: row i needs only rows before it, so a factor grows by appending rows).
   * Row i holds i + 1 entries; rows from {@code from} on get {@code noise} on the diagonal. False
   * when a pivot is not above {@link #MIN_PIVOT}.
   */
  private static boolean factorFrom(
      int from,
      double[][] x,
      double[][] lower,
      boolean[] categorical,
      Matern52 kernel,
      double noise) {
    double diagonal = kernel.scale() + noise;
    for (int i = from; i < x.length; i++) {
      double[] row = new double[i + 1];
      for (int r = 0; r < i; r++) {
        row[r] = (kernel.covariance(x[i], x[r], categorical) - dot(lower[r], row, r)) / lower[r][r];
      }
      double pivot = diagonal - dot(row, row, i);
      if (!(pivot > MIN_PIVOT)) {
        return false;
      }
      row[i] = Math.sqrt(pivot);
      lower[i] = row;
    }
    return true;
  }

  /** The posterior with the factor done: {@code alpha = K⁻¹ y} by two triangular solves. */
  private static GaussianProcess solved(
      double[][] x, double[] y, boolean[] categorical, Matern52 kernel, double[][] lower) {
    int n = x.length;
    double[] alpha = new double[n];
    for (int i = 0; i < n; i++) { // L z = y
      alpha[i] = (y[i] - dot(lower[i], alpha, i)) / lower[i][i];
    }
    for (int i = n - 1; i >= 0; i--) { // Lᵀ alpha = z, reading L by columns
      double s = alpha[i];
      for (int r = i + 1; r < n; r++) {
        s -= lower[r][i] * alpha[r];
      }
      alpha[i] = s / lower[i][i];
    }
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

  /** The posterior mean alone, O(n): what the Lipschitz estimate of local penalisation needs. */
  double mean(double[] point) {
    double mean = 0;
    for (int i = 0; i < x.length; i++) {
      mean += kernel.covariance(point, x[i], categorical) * alpha[i];
    }
    return mean;
  }

  /**
   * The gradient of the posterior mean at {@code point} over the numeric coordinates (0 on the
   * categorical ones), O(n d).
   */
  double[] meanGradient(double[] point) {
    double[] gradient = new double[point.length];
    for (int i = 0; i < x.length; i++) {
      kernel.addGradient(point, x[i], categorical, alpha[i], gradient);
    }
    return gradient;
  }

  /**
   * The constant liar (Ginsbourger, Le Riche and Carraro, "Kriging is well-suited to parallelize
   * optimization", 2010): pending points are added as if observed at {@code lie}, with the kernel
   * kept. The variance collapses there and, with a lie no better than average, the mean rises
   * around them, so parallel suggestions spread out instead of piling up at the current optimum.
   *
   * <p>The factor is extended, not redone: each pending point appends one row, O(n²), and the solve
   * for the new weights is O(n²), so a batch of k points costs O(k n²) on top of one O(n³)
   * conditioning. This process is unchanged (its rows are shared, never written).
   */
  GaussianProcess withLies(double[][] pending, double lie) {
    double[] lies = new double[pending.length];
    Arrays.fill(lies, lie);
    return withLies(pending, lies, kernel.noise());
  }

  /**
   * Pending points observed at one lie each, {@code lies[i]} at {@code pending[i]}, with {@code
   * noise} as their observation noise (the data keep the kernel's). With each lie the posterior
   * mean there and a tiny noise, this is the kriging believer (Ginsbourger et al. 2010): the latent
   * function is believed to equal its mean there, so the mean stays the same everywhere and the
   * variance collapses at the point (with the kernel's noise it would only shrink by the ratio of
   * noise to variance, and a noisy model would pick the same point again).
   */
  GaussianProcess withLies(double[][] pending, double[] lies, double noise) {
    if (pending.length == 0) {
      return this;
    }
    int n = x.length;
    int m = n + pending.length;
    double[][] xs = Arrays.copyOf(x, m);
    double[] ys = Arrays.copyOf(y, m);
    for (int i = 0; i < pending.length; i++) {
      xs[n + i] = pending[i];
      ys[n + i] = lies[i];
    }
    double[][] rows = Arrays.copyOf(lower, m);
    return factorFrom(n, xs, rows, categorical, kernel, noise)
        ? solved(xs, ys, categorical, kernel, rows)
        : this;
  }

  /** The kernel's observation noise variance. */
  double noise() {
    return kernel.noise();
  }

  /** How many points the posterior is conditioned on (observations and lies). */
  int size() {
    return x.length;
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
