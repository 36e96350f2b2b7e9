package vernier.plugins.cmaes;

import java.util.Arrays;
import org.apache.commons.math3.special.Erf;

/**
 * The margin of CMA-ES with Margin (Hamano, Saito, Nomura, Shirakawa, "CMA-ES with Margin:
 * Lower-Bounding Marginal Probability for Mixed-Integer Black-Box Optimization", GECCO 2022).
 *
 * <p>Why: a discrete coordinate decodes every point of its bin to one value, so once the best
 * trials share a value the covariance along it shrinks with nothing to stop it, and the value is
 * fixed for the rest of the run. After each update, this keeps the marginal probability that a
 * discrete coordinate leaves the bin of the mean at least {@code alpha}: a bin with neighbours on
 * both sides gets at least alpha / 2 on each side, by widening a diagonal affine scaling {@code A}
 * of that coordinate (and re-centring the mean inside the bin); a bin at the end of the axis has
 * one neighbour, so the mean is moved towards it until the chance of crossing is alpha.
 *
 * <p>Candidates are drawn as {@code x = m + sigma B D z} (the latent point the update learns from)
 * and decoded at {@code m + A (x - m)} on discrete coordinates. With no discrete coordinate (or the
 * margin off) {@code A} is the identity and nothing changes.
 */
final class Margin {

  private static final double SQRT2 = Math.sqrt(2);

  private final Bins[] bins;
  private final double alpha;
  private final double[] scale;

  /** {@code bins[i]} is null for a continuous coordinate; {@code alpha} is the lower bound. */
  Margin(Bins[] bins, double alpha) {
    this.bins = bins.clone();
    this.alpha = alpha;
    this.scale = new double[bins.length];
    Arrays.fill(scale, 1);
  }

  /** No margin: every coordinate is treated as continuous. */
  static Margin off(int n) {
    return new Margin(new Bins[n], 0);
  }

  boolean discrete(int i) {
    return bins[i] != null;
  }

  /**
   * The point to decode: discrete coordinates of the latent {@code x} spread by A around the mean.
   */
  double[] spread(double[] x, double[] mean) {
    double[] out = x.clone();
    for (int i = 0; i < out.length; i++) {
      if (discrete(i)) {
        out[i] = mean[i] + scale[i] * (x[i] - mean[i]);
      }
    }
    return out;
  }

  /**
   * The latent point of a trial read back from the study. Only the decoded value is stored, not the
   * point it was decoded from, so a discrete coordinate is estimated by the mean of the sampling
   * marginal N(m, (A sigma sqrt(C_ii))^2) over the value's bin, taken back through A. Why not the
   * bin centre: with A large, a neighbour one bin away would count as a step A times larger than
   * the one sampled and inflate sigma, and a mean off the centre would be pulled towards it every
   * generation, which the evolution path reads as progress.
   */
  double[] unspread(double[] u, double[] mean, double sigma, double[] cDiagonal) {
    double[] out = u.clone();
    for (int i = 0; i < out.length; i++) {
      if (discrete(i)) {
        double[] edges = bins[i].edges(u[i]);
        double spread =
            conditionalMean(
                mean[i],
                scale[i] * sigma * Math.sqrt(cDiagonal[i]),
                Double.isNaN(edges[0]) ? Double.NEGATIVE_INFINITY : edges[0],
                Double.isNaN(edges[1]) ? Double.POSITIVE_INFINITY : edges[1]);
        out[i] = mean[i] + (spread - mean[i]) / scale[i];
      }
    }
    return out;
  }

  /** E[X | a < X < b] for X ~ N(m, s^2); the point of [a, b] nearest m where that has no mass. */
  static double conditionalMean(double m, double s, double a, double b) {
    if (!(s > 0)) {
      return Math.min(b, Math.max(a, m));
    }
    double lo = (a - m) / s;
    double hi = (b - m) / s;
    double mass = lo > 0 ? phi(-lo) - phi(-hi) : phi(hi) - phi(lo); // the accurate tail
    if (!(mass > 1e-300)) {
      return Math.min(b, Math.max(a, m));
    }
    double value = m + s * (density(lo) - density(hi)) / mass;
    return Math.min(b, Math.max(a, value));
  }

  private static double density(double z) {
    return Double.isInfinite(z) ? 0 : Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
  }

  /** After an update: moves the mean and widens A where a discrete coordinate risks fixation. */
  void correct(double[] mean, double sigma, double[] cDiagonal) {
    for (int i = 0; i < mean.length; i++) {
      double base = sigma * Math.sqrt(cDiagonal[i]);
      if (!discrete(i) || !(base > 0) || !Double.isFinite(base)) {
        continue;
      }
      double[] edges = bins[i].edges(mean[i]);
      double s = scale[i] * base;
      double[] corrected = correct(mean[i], s, edges[0], edges[1], alpha);
      mean[i] = corrected[0];
      if (corrected[1] != s) { // only a bin with two neighbours changes the width
        scale[i] = corrected[1] / base;
      }
    }
  }

  /**
   * One coordinate: the mean {@code m} and standard deviation {@code s} (A sigma sqrt(C_ii)) of its
   * marginal, and the edges of the mean's bin (NaN where there is no neighbour). Returns the
   * corrected {m, s}.
   */
  static double[] correct(double m, double s, double lower, double upper, double alpha) {
    if (Double.isNaN(lower) && Double.isNaN(upper)) {
      return new double[] {m, s};
    }
    if (Double.isNaN(lower)) { // first value: only crossing upwards changes it
      return 1 - phi((upper - m) / s) >= alpha
          ? new double[] {m, s}
          : new double[] {upper - s * chi(alpha), s};
    }
    if (Double.isNaN(upper)) {
      return phi((lower - m) / s) >= alpha
          ? new double[] {m, s}
          : new double[] {lower + s * chi(alpha), s};
    }
    return correctInside(m, s, lower, upper, alpha);
  }

  /**
   * A bin with neighbours on both sides: each tail at least alpha / 2, mass taken from the rest.
   */
  private static double[] correctInside(
      double m, double s, double lower, double upper, double alpha) {
    double low = phi((lower - m) / s);
    double up = 1 - phi((upper - m) / s);
    double floor = alpha / 2;
    if (low >= floor && up >= floor) {
      return new double[] {m, s};
    }
    double mid = 1 - low - up;
    low = Math.max(low, floor);
    up = Math.max(up, floor);
    // Raising a tail added mass; take it back from the three parts in proportion to what each
    // has above the floor, so none falls below it (the paper's renormalisation).
    double added = low + up + mid - 1;
    double above = low + up + mid - 3 * floor;
    low = clip(low - added * (low - floor) / above);
    up = clip(up - added * (up - floor) / above);
    // The normal with tails `low` below `lower` and `up` above `upper`.
    double chiLow = chi(low);
    double chiUp = chi(up);
    double width = (upper - lower) / (chiLow + chiUp);
    double mean = (lower * chiUp + upper * chiLow) / (chiLow + chiUp);
    return new double[] {mean, width};
  }

  private static double clip(double p) {
    return Math.min(0.5 - 1e-10, Math.max(1e-10, p));
  }

  /** The standard normal distribution function. */
  static double phi(double x) {
    return 0.5 * Erf.erfc(-x / SQRT2);
  }

  /** The standard normal quantile of 1 - p, accurate for small p. */
  static double chi(double p) {
    return SQRT2 * Erf.erfcInv(2 * p);
  }
}
