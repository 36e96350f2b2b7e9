package vernier.plugins.tpe;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A Parzen estimator over one or more parameters jointly: a weighted mixture with one
 * product-kernel component per observation plus a prior component (a wide normal at the centre of
 * each numeric range, uniform over categories), following Bergstra et al. 2011 and Optuna's
 * estimator.
 *
 * <p>Bandwidths, per numeric axis: each observation's sigma is the larger gap to its neighbours on
 * that axis (the prior's centre included, the bounds not: Optuna's {@code
 * consider_endpoints=false}), clipped to {@code [range / min(100, n + 2), range]} (Optuna's "magic
 * clip", the prior counted). This holds for joint (product) kernels too, as in the TPE of Watanabe
 * 2023 (its {@code hyperopt} bandwidth, applied per dimension also when multivariate). {@code
 * scott} instead gives every component of a joint kernel the bandwidth {@code 0.2 · n^(-1/(d+4)) ·
 * range}, clipped the same way: Optuna 3.1's multivariate rule, kept for BOHB's KDE and, by
 * default, for a group that holds a categorical parameter and for MOTPE (see {@link
 * TpeSampler.Bandwidth}). A categorical observation puts weight 1 on its choice plus {@code
 * prior_weight / (n + 1)} on every choice, normalised.
 */
final class ParzenEstimator {

  private final List<Kernel> dims;
  private final double[][] mus; // [component][dim]; the last component is the prior
  private final double[][] sigmas;
  private final double[][] logNormalisers;
  private final double[] logWeights;
  private final double[] cumulative;
  private final double categorySmoothing;

  ParzenEstimator(
      List<Kernel> dims,
      double[][] observations,
      double[] weights,
      double priorWeight,
      boolean scott) {
    this.dims = dims;
    int n = observations.length;
    // Optuna 3.1: every choice gets prior_weight / (observations + 1) before normalising, so the
    // smoothing fades as observations accumulate
    this.categorySmoothing = priorWeight / (n + 1);
    int components = n + 1;
    mus = new double[components][dims.size()];
    sigmas = new double[components][dims.size()];
    for (int d = 0; d < dims.size(); d++) {
      Kernel k = dims.get(d);
      double range = k.high - k.low;
      double prior = (k.low + k.high) / 2;
      double[] column = new double[n];
      for (int i = 0; i < n; i++) {
        column[i] = observations[i][d];
        mus[i][d] = column[i];
      }
      mus[n][d] = prior;
      sigmas[n][d] = range;
      if (k.categorical) {
        continue;
      }
      // Optuna 3.1's "magic clip": range / min(100, 1 + components), the prior counted as a
      // component
      double minSigma = range / Math.min(100.0, n + 2.0);
      // Scott's rule only for joint kernels: a lone axis always takes the neighbour gaps
      double[] s =
          scott && dims.size() > 1
              ? scott(n, dims.size(), range)
              : neighbourGaps(column, prior, range);
      for (int i = 0; i < n; i++) {
        sigmas[i][d] = Math.min(range, Math.max(minSigma, s[i]));
      }
    }
    logNormalisers = new double[components][dims.size()];
    for (int c = 0; c < components; c++) {
      for (int d = 0; d < dims.size(); d++) {
        Kernel k = dims.get(d);
        logNormalisers[c][d] = k.categorical ? 0 : k.logNormaliser(mus[c][d], sigmas[c][d]);
      }
    }
    double[] w = Arrays.copyOf(weights, components);
    w[n] = priorWeight;
    double total = Arrays.stream(w).sum();
    logWeights = new double[components];
    cumulative = new double[components];
    double running = 0;
    for (int i = 0; i < components; i++) {
      logWeights[i] = Math.log(w[i] / total);
      running += w[i] / total;
      cumulative[i] = running;
    }
  }

  private static double[] neighbourGaps(double[] mus, double prior, double range) {
    int n = mus.length;
    double[] all = Arrays.copyOf(mus, n + 1);
    all[n] = prior;
    Integer[] order = new Integer[n + 1];
    for (int i = 0; i <= n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(all[a], all[b]));
    double[] sigma = new double[n + 1];
    for (int r = 0; r <= n; r++) {
      double left = r > 0 ? all[order[r]] - all[order[r - 1]] : Double.NEGATIVE_INFINITY;
      double right = r < n ? all[order[r + 1]] - all[order[r]] : Double.NEGATIVE_INFINITY;
      double gap = Math.max(left, right);
      sigma[order[r]] = Double.isInfinite(gap) ? range : gap;
    }
    return Arrays.copyOf(sigma, n);
  }

  private static double[] scott(int n, int dimensions, double range) {
    double[] s = new double[n];
    Arrays.fill(s, 0.2 * Math.pow(Math.max(n, 1), -1.0 / (dimensions + 4)) * range);
    return s;
  }

  /**
   * A point drawn from the mixture, on the internal axes, with every numeric bandwidth multiplied
   * by {@code widen} (1: the mixture itself; capped at the range): BOHB draws its candidates this
   * way (its b_w = 3) and scores them with the unwidened densities, to keep exploring.
   */
  double[] sample(RandomGenerator random, double widen) {
    double u = random.nextDouble();
    int c = 0;
    while (c < cumulative.length - 1 && cumulative[c] < u) {
      c++;
    }
    double[] x = new double[dims.size()];
    for (int d = 0; d < x.length; d++) {
      Kernel k = dims.get(d);
      if (k.categorical) {
        x[d] = sampleCategory(k, c, random);
      } else {
        x[d] =
            k.snapInternal(
                k.sampleNormal(mus[c][d], Math.min(k.high - k.low, widen * sigmas[c][d]), random));
      }
    }
    return x;
  }

  private double sampleCategory(Kernel k, int component, RandomGenerator random) {
    int n = k.choices();
    boolean prior = component == mus.length - 1;
    double spread = n * categorySmoothing;
    if (prior || random.nextDouble() < spread / (spread + 1)) {
      return random.nextInt(n);
    }
    return mus[component][dimOf(k)];
  }

  private int dimOf(Kernel k) {
    return dims.indexOf(k);
  }

  /** The bandwidth of a component on an axis (the last component is the prior; for tests). */
  double sigma(int component, int dim) {
    return sigmas[component][dim];
  }

  /** log density (or mass) of the mixture at {@code x}. */
  double logPdf(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    double[] terms = new double[mus.length];
    for (int c = 0; c < mus.length; c++) {
      double t = logWeights[c];
      for (int d = 0; d < x.length; d++) {
        Kernel k = dims.get(d);
        t +=
            k.categorical
                ? logCategory(k, c, x[d])
                : k.logNormal(x[d], mus[c][d], sigmas[c][d], logNormalisers[c][d]);
      }
      terms[c] = t;
      max = Math.max(max, t);
    }
    double sum = 0;
    for (double t : terms) {
      sum += Math.exp(t - max);
    }
    return max + Math.log(sum);
  }

  private double logCategory(Kernel k, int component, double x) {
    int n = k.choices();
    if (component == mus.length - 1) {
      return -Math.log(n);
    }
    double p =
        (categorySmoothing + (mus[component][dimOf(k)] == x ? 1 : 0)) / (n * categorySmoothing + 1);
    return Math.log(p);
  }
}
