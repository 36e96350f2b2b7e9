package vernier.plugins.gp;

import java.util.Arrays;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;

/**
 * Chooses the kernel's hyperparameters by maximising the log marginal likelihood plus a weak log
 * prior (type-II maximum a posteriori), with Powell's bounded derivative-free BOBYQA from Commons
 * Math over {@code (log λ_1..d, log scale, log noise)}.
 *
 * <p>The prior has the shape Optuna's GPSampler uses: {@code -(0.1/λ + 0.1 λ)} per inverse squared
 * length scale (favouring length scales near the unit cube's size), Gamma(2, 1) on the scale and
 * Gamma(1.1, 30) on the noise. It keeps the fit sane with the handful of points BO starts with.
 */
final class KernelFit {

  static final double MIN_NOISE = 1e-6;
  private static final int MAX_EVALUATIONS = 300;

  private KernelFit() {}

  /**
   * The best kernel found for {@code (x, y)}, searched from {@code previous} (the last fit, which
   * is usually close and saves most of the evaluations) or, when null, from unit length scales.
   */
  static Matern52 fit(double[][] x, double[] y, boolean[] categorical, Matern52 previous) {
    int d = categorical.length;
    double[] lower = new double[d + 2];
    double[] upper = new double[d + 2];
    Arrays.fill(lower, 0, d, Math.log(1e-3));
    Arrays.fill(upper, 0, d, Math.log(1e4));
    lower[d] = Math.log(0.05);
    upper[d] = Math.log(20);
    lower[d + 1] = Math.log(MIN_NOISE);
    upper[d + 1] = Math.log(1);
    double[] start = new double[d + 2]; // λ = 1, scale = 1
    start[d + 1] = Math.log(0.01);
    if (previous != null) {
      for (int i = 0; i < d; i++) {
        start[i] = Math.log(previous.inverseSquaredLengthScales()[i]);
      }
      start[d] = Math.log(previous.scale());
      start[d + 1] = Math.log(previous.noise());
    }
    for (int i = 0; i < start.length; i++) {
      start[i] = Math.min(upper[i], Math.max(lower[i], start[i]));
    }

    Best best = new Best();
    ObjectiveFunction negativePosterior =
        new ObjectiveFunction(
            theta -> {
              Matern52 kernel = kernel(theta, d);
              GaussianProcess gp = GaussianProcess.condition(x, y, categorical, kernel);
              double value =
                  gp == null
                      ? Double.NEGATIVE_INFINITY
                      : gp.logMarginalLikelihood() + logPrior(kernel);
              best.offer(value, kernel);
              return Double.isFinite(value) ? -value : 1e300;
            });
    try {
      new BOBYQAOptimizer(2 * (d + 2) + 1, previous == null ? 1.0 : 0.25, 1e-3)
          .optimize(
              new MaxEval(MAX_EVALUATIONS),
              negativePosterior,
              GoalType.MINIMIZE,
              new InitialGuess(start),
              new SimpleBounds(lower, upper));
    } catch (TooManyEvaluationsException e) {
      // keep the best kernel seen so far
    }
    return best.kernel != null ? best.kernel : kernel(start, d);
  }

  private static Matern52 kernel(double[] theta, int d) {
    double[] lambda = new double[d];
    for (int i = 0; i < d; i++) {
      lambda[i] = Math.exp(theta[i]);
    }
    return new Matern52(lambda, Math.exp(theta[d]), Math.max(MIN_NOISE, Math.exp(theta[d + 1])));
  }

  static double logPrior(Matern52 kernel) {
    double p = 0;
    for (double lambda : kernel.inverseSquaredLengthScales()) {
      p -= 0.1 / lambda + 0.1 * lambda;
    }
    p += Math.log(kernel.scale()) - kernel.scale(); // Gamma(2, 1)
    p += 0.1 * Math.log(kernel.noise()) - 30 * kernel.noise(); // Gamma(1.1, 30)
    return p;
  }

  private static final class Best {
    double value = Double.NEGATIVE_INFINITY;
    Matern52 kernel;

    void offer(double candidate, Matern52 k) {
      if (candidate > value) {
        value = candidate;
        kernel = k;
      }
    }
  }
}
