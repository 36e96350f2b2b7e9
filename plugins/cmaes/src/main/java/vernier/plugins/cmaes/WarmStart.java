package vernier.plugins.cmaes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * The prior of WS-CMA-ES (Nomura, Watanabe, Akimoto, Ozaki, Onishi, "Warm Starting CMA-ES for
 * Hyperparameter Optimization", AAAI 2021): a Gaussian fitted to the best {@code gamma} fraction of
 * earlier solutions, in the unit cube. Its covariance is that of those solutions plus {@code
 * alpha^2 I}, so a tight or single cluster still leaves room to move; CMA-ES starts from it with
 * sigma = det^(1/2n) and C = Sigma / det^(1/n) (C of determinant 1, as the paper does).
 */
final class WarmStart {

  /** A starting distribution: mean, step size and covariance (determinant 1). */
  record Prior(double[] mean, double sigma, double[][] cov) {}

  private WarmStart() {}

  /**
   * Fits the prior to {@code points} scored {@code losses} (lower is better), keeping the best
   * max(1, floor(gamma N)); ties keep the earlier point. With {@code diagonal}, the off-diagonal
   * terms are dropped (for sep-CMA-ES, which learns only the diagonal).
   */
  static Prior fit(
      List<double[]> points, List<Double> losses, double gamma, double alpha, boolean diagonal) {
    List<double[]> top = best(points, losses, Math.max(1, (int) Math.floor(gamma * points.size())));
    int n = top.get(0).length;
    double[] mean = new double[n];
    for (double[] x : top) {
      for (int i = 0; i < n; i++) {
        mean[i] += x[i] / top.size();
      }
    }
    double[][] sigma = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (diagonal && i != j) {
          continue;
        }
        double sum = 0;
        for (double[] x : top) {
          sum += (x[i] - mean[i]) * (x[j] - mean[j]);
        }
        sigma[i][j] = sum / top.size() + (i == j ? alpha * alpha : 0);
      }
    }
    // log det from the eigenvalues: det itself underflows for many parameters (alpha^2n).
    double logDet = 0;
    for (double value :
        new EigenDecomposition(new Array2DRowRealMatrix(sigma)).getRealEigenvalues()) {
      logDet += Math.log(value);
    }
    double unit = Math.exp(logDet / n);
    for (double[] row : sigma) {
      for (int j = 0; j < n; j++) {
        row[j] /= unit;
      }
    }
    return new Prior(mean, Math.sqrt(unit), sigma);
  }

  private static List<double[]> best(List<double[]> points, List<Double> losses, int count) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble(losses::get)); // stable: ties keep number order
    List<double[]> top = new ArrayList<>();
    for (int k = 0; k < Math.min(count, order.size()); k++) {
      top.add(points.get(order.get(k)));
    }
    return top;
  }
}
