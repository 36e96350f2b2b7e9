package vernier.plugins.cmaes;

import java.util.Arrays;
import java.util.Comparator;
import java.util.random.RandomGenerator;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * One run of CMA-ES in the unit cube, following Hansen, "The CMA Evolution Strategy: A Tutorial"
 * (2016): weighted recombination of the best half, cumulative step-size adaptation, rank-one and
 * rank-mu covariance updates. With {@code separable}, only the diagonal of C is learnt (Ros and
 * Hansen, "A Simple Modification in CMA-ES Achieving Linear Time and Space Complexity", PPSN 2008),
 * with learning rates scaled by (n + 2) / 3. A {@link Margin} keeps integer and stepped coordinates
 * from fixing on one value; a {@link WarmStart.Prior} may give the starting mean and covariance.
 */
final class CmaState {

  final int n;
  final int lambda;
  private final int mu;
  private final double[] weights;
  private final double muEff;
  private final double cSigma;
  private final double dSigma;
  private final double cc;
  private final double c1;
  private final double cMu;
  private final double chiN;
  private final boolean separable;
  private final Margin margin;

  double[] mean;
  double sigma;
  private double[][] c;
  private double[] pSigma;
  private double[] pc;
  private double[][] b;
  private double[] d;
  private int generation;

  /**
   * Each generation's best loss, newest last, over the TolFun window (Hansen 2016, appendix B.3).
   */
  private final java.util.ArrayDeque<Double> bestLosses = new java.util.ArrayDeque<>();

  /** A run from {@code mean} with step {@code sigma} and C = I. */
  CmaState(int n, int lambda, double[] mean, double sigma, boolean separable, Margin margin) {
    this.n = n;
    this.lambda = lambda;
    this.separable = separable;
    this.margin = margin;
    this.mu = lambda / 2;
    weights = new double[mu];
    double sum = 0;
    for (int i = 0; i < mu; i++) {
      weights[i] = Math.log(mu + 0.5) - Math.log(i + 1);
      sum += weights[i];
    }
    double squares = 0;
    for (int i = 0; i < mu; i++) {
      weights[i] /= sum;
      squares += weights[i] * weights[i];
    }
    muEff = 1 / squares;
    cSigma = (muEff + 2) / (n + muEff + 5);
    dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
    cc = (4 + muEff / n) / (n + 4 + 2 * muEff / n);
    double scale = separable ? (n + 2) / 3.0 : 1;
    c1 = Math.min(1, scale * 2 / ((n + 1.3) * (n + 1.3) + muEff));
    cMu = Math.min(1 - c1, scale * 2 * (muEff - 2 + 1 / muEff) / ((n + 2) * (n + 2) + muEff));
    chiN = Math.sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));
    this.mean = mean.clone();
    this.sigma = sigma;
    c = identity(n);
    pSigma = new double[n];
    pc = new double[n];
    b = identity(n);
    d = new double[n];
    Arrays.fill(d, 1);
  }

  /** A run from a warm-start prior (its covariance has determinant 1). */
  CmaState(int lambda, WarmStart.Prior prior, boolean separable, Margin margin) {
    this(prior.mean().length, lambda, prior.mean(), prior.sigma(), separable, margin);
    for (int i = 0; i < n; i++) {
      c[i] = prior.cov()[i].clone();
    }
    decompose();
  }

  private static double[][] identity(int n) {
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      m[i][i] = 1;
    }
    return m;
  }

  /**
   * A candidate x = m + sigma · B D z, resampled (then clipped) to stay inside the unit cube, with
   * discrete coordinates spread by the margin's A (and not resampled: decoding clamps them, as the
   * bins at the ends reach past the cube).
   */
  double[] sample(RandomGenerator random) {
    double[] x = new double[n];
    for (int attempt = 0; attempt < 100; attempt++) {
      double[] z = new double[n];
      for (int i = 0; i < n; i++) {
        z[i] = random.nextGaussian() * d[i];
      }
      boolean inside = true;
      for (int i = 0; i < n; i++) {
        double y = 0;
        for (int j = 0; j < n; j++) {
          y += b[i][j] * z[j];
        }
        x[i] = mean[i] + sigma * y;
        inside &= margin.discrete(i) || x[i] >= 0 && x[i] <= 1;
      }
      if (inside) {
        return margin.spread(x, mean);
      }
    }
    x = margin.spread(x, mean);
    for (int i = 0; i < n; i++) {
      x[i] = Math.min(1, Math.max(0, x[i]));
    }
    return x;
  }

  /**
   * Updates the distribution from one generation: {@code points[i]} (positions of decoded values)
   * scored {@code losses[i]} (lower is better).
   */
  void tell(double[][] points, double[] losses) {
    rememberBest(losses);
    double[] diagonal = new double[n];
    for (int i = 0; i < n; i++) {
      diagonal[i] = c[i][i];
    }
    double[][] xs = new double[points.length][];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = margin.unspread(points[i], mean, sigma, diagonal);
    }
    Integer[] order = new Integer[xs.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> losses[i]));
    double[] old = mean.clone();
    double[][] ys = new double[mu][n];
    mean = new double[n];
    for (int k = 0; k < mu; k++) {
      double[] x = xs[order[k]];
      for (int i = 0; i < n; i++) {
        mean[i] += weights[k] * x[i];
        ys[k][i] = (x[i] - old[i]) / sigma;
      }
    }
    double[] yw = new double[n];
    for (int i = 0; i < n; i++) {
      yw[i] = (mean[i] - old[i]) / sigma;
    }
    double[] invSqrtYw = invSqrtC(yw);
    double norm = 0;
    for (int i = 0; i < n; i++) {
      pSigma[i] =
          (1 - cSigma) * pSigma[i] + Math.sqrt(cSigma * (2 - cSigma) * muEff) * invSqrtYw[i];
      norm += pSigma[i] * pSigma[i];
    }
    norm = Math.sqrt(norm);
    generation++;
    boolean hSigma =
        norm / Math.sqrt(1 - Math.pow(1 - cSigma, 2.0 * generation)) < (1.4 + 2 / (n + 1.0)) * chiN;
    for (int i = 0; i < n; i++) {
      pc[i] = (1 - cc) * pc[i] + (hSigma ? Math.sqrt(cc * (2 - cc) * muEff) * yw[i] : 0);
    }
    double delta = hSigma ? 0 : cc * (2 - cc);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (separable && i != j) {
          continue;
        }
        double rankMu = 0;
        for (int k = 0; k < mu; k++) {
          rankMu += weights[k] * ys[k][i] * ys[k][j];
        }
        c[i][j] = (1 - c1 - cMu) * c[i][j] + c1 * (pc[i] * pc[j] + delta * c[i][j]) + cMu * rankMu;
      }
    }
    sigma *= Math.exp((cSigma / dSigma) * (norm / chiN - 1));
    sigma = Math.min(sigma, 1e3);
    decompose();
    for (int i = 0; i < n; i++) {
      diagonal[i] = c[i][i];
    }
    margin.correct(mean, sigma, diagonal);
  }

  private double[] invSqrtC(double[] v) {
    double[] t = new double[n];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < n; i++) {
        t[j] += b[i][j] * v[i];
      }
      t[j] /= d[j];
    }
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        out[i] += b[i][j] * t[j];
      }
    }
    return out;
  }

  private void decompose() {
    if (separable) {
      for (int i = 0; i < n; i++) {
        d[i] = Math.sqrt(Math.max(c[i][i], 1e-20));
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        c[i][j] = c[j][i]; // keep C exactly symmetric
      }
    }
    RealMatrix matrix = new Array2DRowRealMatrix(c);
    EigenDecomposition eigen = new EigenDecomposition(matrix);
    b = eigen.getV().getData();
    double[] values = eigen.getRealEigenvalues();
    for (int i = 0; i < n; i++) {
      d[i] = Math.sqrt(Math.max(values[i], 1e-20));
    }
  }

  /** Whether the run has converged or degenerated, so a restart should begin (IPOP). */
  boolean exhausted() {
    double maxD = Arrays.stream(d).max().orElse(1);
    double minD = Arrays.stream(d).min().orElse(1);
    return sigma * maxD < 1e-8 || maxD / minD > 1e7 || !Double.isFinite(sigma) || stagnant();
  }

  private void rememberBest(double[] losses) {
    bestLosses.addLast(Arrays.stream(losses).min().orElse(Double.POSITIVE_INFINITY));
    if (bestLosses.size() > tolFunWindow()) {
      bestLosses.removeFirst();
    }
  }

  private int tolFunWindow() {
    return 10 + (int) Math.ceil(30.0 * n / lambda);
  }

  /**
   * TolFun, relative: over the last 10 + ⌈30 n / λ⌉ generations the best loss moved by less than
   * 1e-9 of its size (an absolute 1e-12 as in the tutorial would depend on the objective's scale).
   * A run stuck in a local optimum so gives way to a restart long before its step size vanishes.
   */
  private boolean stagnant() {
    if (bestLosses.size() < tolFunWindow()) {
      return false;
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : bestLosses) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return Double.isFinite(max) && max - min <= 1e-9 * Math.max(1, Math.abs(min));
  }
}
