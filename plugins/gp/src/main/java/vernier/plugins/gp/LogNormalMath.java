package vernier.plugins.gp;

import org.apache.commons.math3.special.Erf;

/**
 * Acquisition values in log space, stable far into the tails where the plain formulas underflow to
 * zero and leave the optimiser a flat landscape.
 *
 * <p>Log expected improvement follows Ament et al., "Unexpected Improvements to Expected
 * Improvement for Bayesian Optimization", NeurIPS 2023: {@code log EI = log σ + log h(z)} with
 * {@code h(z) = φ(z) + z Φ(z)}. In the lower tail {@code h} is rewritten with the Mills ratio
 * {@code M(t) = Φ(-t) / φ(t)} evaluated by Laplace's continued fraction, so that no two nearly
 * equal numbers are subtracted.
 */
final class LogNormalMath {

  private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
  private static final double TAIL = -3;
  private static final int FRACTION_TERMS = 60;

  private LogNormalMath() {}

  /** log E[max(best - f, 0)] for f ~ N(mean, variance): improvement when minimising. */
  static double logExpectedImprovement(double mean, double variance, double best) {
    double sigma = Math.sqrt(variance);
    return Math.log(sigma) + logH((best - mean) / sigma);
  }

  /** log P(lower <= f <= upper) for f ~ N(mean, variance); either bound may be infinite. */
  static double logProbabilityWithin(double mean, double variance, double lower, double upper) {
    double sigma = Math.sqrt(variance);
    if (lower == Double.NEGATIVE_INFINITY) {
      return upper == Double.POSITIVE_INFINITY ? 0 : logCdf((upper - mean) / sigma);
    }
    if (upper == Double.POSITIVE_INFINITY) {
      return logCdf((mean - lower) / sigma);
    }
    double p = cdf((upper - mean) / sigma) - cdf((lower - mean) / sigma);
    return p > 1e-300
        ? Math.log(p)
        : Math.min(logCdf((upper - mean) / sigma), logCdf((mean - lower) / sigma));
  }

  /** log(φ(z) + z Φ(z)). */
  static double logH(double z) {
    if (z > TAIL) {
      return Math.log(logPdfExp(z) + z * cdf(z));
    }
    double t = -z;
    double rest = restOfFraction(t);
    // h(z) = φ(z) (1 - t M(t)) and 1/M(t) = t + rest, so 1 - t M(t) = M(t) · rest
    return logPdf(z) - Math.log(t + rest) + Math.log(rest);
  }

  /** log Φ(z). */
  static double logCdf(double z) {
    if (z > TAIL) {
      return Math.log(cdf(z));
    }
    double t = -z;
    return logPdf(z) - Math.log(t + restOfFraction(t)); // Φ(z) = φ(t) M(t)
  }

  static double cdf(double z) {
    return 0.5 * Erf.erfc(-z / Math.sqrt(2));
  }

  private static double logPdf(double z) {
    return -0.5 * z * z - LOG_SQRT_2PI;
  }

  private static double logPdfExp(double z) {
    return Math.exp(logPdf(z));
  }

  /** 1 / (t + 2 / (t + 3 / (t + ...))), the continued fraction of 1/M(t) - t, for t >= 3. */
  private static double restOfFraction(double t) {
    double r = t;
    for (int k = FRACTION_TERMS; k >= 2; k--) {
      r = t + k / r;
    }
    return 1 / r;
  }
}
