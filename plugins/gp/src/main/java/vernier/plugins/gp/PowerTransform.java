package vernier.plugins.gp;

import org.apache.commons.math3.analysis.UnivariateFunction;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;

/**
 * The Yeo-Johnson power transform (Yeo and Johnson, "A new family of power transformations to
 * improve normality or symmetry", Biometrika 2000) with its exponent chosen by maximum likelihood,
 * applied to standardised losses before the process is fitted. Losses of HPO problems are often
 * heavy-tailed (a few diverged runs, Rosenbrock's valley walls); a stationary Gaussian process fits
 * them badly, and warping the outputs fixes much of that (Cowen-Rivers et al., "HEBO: Pushing the
 * Limits of Sample-Efficient Hyperparameter Optimisation", JAIR 2022). The transform is monotone,
 * so the best trial stays the best.
 */
final class PowerTransform {

  private PowerTransform() {}

  /** The warped values, standardised again. */
  static double[] apply(double[] standardized) {
    UnivariateFunction likelihood = lambda -> logLikelihood(standardized, lambda);
    double lambda =
        new BrentOptimizer(1e-6, 1e-6)
            .optimize(
                new MaxEval(200),
                new UnivariateObjectiveFunction(likelihood),
                GoalType.MAXIMIZE,
                new SearchInterval(-3, 3))
            .getPoint();
    double[] warped = new double[standardized.length];
    for (int i = 0; i < warped.length; i++) {
      warped[i] = transform(standardized[i], lambda);
    }
    return Standardized.of(warped).values();
  }

  static double transform(double y, double lambda) {
    if (y >= 0) {
      return Math.abs(lambda) < 1e-12 ? Math.log1p(y) : (Math.pow(y + 1, lambda) - 1) / lambda;
    }
    return Math.abs(lambda - 2) < 1e-12
        ? -Math.log1p(-y)
        : -(Math.pow(1 - y, 2 - lambda) - 1) / (2 - lambda);
  }

  /** The profile log-likelihood of a normal fit to the transformed values (up to a constant). */
  static double logLikelihood(double[] y, double lambda) {
    double mean = 0;
    double[] t = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      t[i] = transform(y[i], lambda);
      mean += t[i] / y.length;
    }
    double variance = 0;
    double jacobian = 0;
    for (int i = 0; i < y.length; i++) {
      variance += (t[i] - mean) * (t[i] - mean) / y.length;
      jacobian += Math.signum(y[i]) * Math.log1p(Math.abs(y[i]));
    }
    return -0.5 * y.length * Math.log(Math.max(variance, 1e-300)) + (lambda - 1) * jacobian;
  }
}
