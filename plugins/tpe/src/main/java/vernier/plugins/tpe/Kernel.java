package vernier.plugins.tpe;

import java.util.random.RandomGenerator;
import org.apache.commons.numbers.gamma.Erf;
import org.apache.commons.numbers.gamma.InverseErf;
import vernier.spi.CategoricalDomain;
import vernier.spi.Domain;
import vernier.spi.FloatDomain;
import vernier.spi.IntDomain;
import vernier.spi.ParamValue;

/**
 * One dimension of a Parzen estimator: how a parameter is represented inside the estimator and how
 * one component (an observation or the prior) spreads probability over it.
 *
 * <p>Numbers live on an internal axis (log of the value for log scales); integers and stepped
 * floats are the bins {@code [x - step/2, x + step/2]} of that axis, so a component's mass on a
 * value is a difference of normal CDFs. Every component is a normal truncated to the domain.
 * Categories are a distribution over the choices.
 */
final class Kernel {

  private static final double SQRT2 = Math.sqrt(2);

  final Domain domain;
  final boolean categorical;
  final double low;
  final double high;
  final double halfBin;

  Kernel(Domain domain) {
    this.domain = domain;
    this.categorical = domain instanceof CategoricalDomain;
    if (domain instanceof FloatDomain f) {
      halfBin = f.hasStep() ? f.step() / 2 : 0;
      low = f.log() ? Math.log(f.min()) : f.min() - halfBin;
      high = f.log() ? Math.log(f.max()) : f.max() + halfBin;
    } else if (domain instanceof IntDomain i) {
      halfBin = i.log() ? 0 : i.step() / 2.0;
      low = i.log() ? Math.log(i.min() - 0.5) : i.min() - halfBin;
      high = i.log() ? Math.log(i.max() + 0.5) : i.max() + halfBin;
    } else {
      halfBin = 0;
      low = 0;
      high = ((CategoricalDomain) domain).choices().size();
    }
  }

  int choices() {
    return ((CategoricalDomain) domain).choices().size();
  }

  /** A value on the internal axis (for categories: the choice index). */
  double encode(ParamValue v) {
    if (categorical) {
      return ((CategoricalDomain) domain).indexOf(v);
    }
    double x = v.asDouble();
    boolean log = domain instanceof FloatDomain f ? f.log() : ((IntDomain) domain).log();
    return log ? Math.log(x) : x;
  }

  /** The legal value nearest to an internal coordinate. */
  ParamValue decode(double u) {
    if (categorical) {
      return ((CategoricalDomain) domain).choices().get((int) u);
    }
    if (domain instanceof FloatDomain f) {
      return ParamValue.of(f.snap(f.log() ? Math.exp(u) : u));
    }
    IntDomain i = (IntDomain) domain;
    return ParamValue.of(i.snap(i.log() ? Math.exp(u) : u));
  }

  /** A draw from a normal (mu, sigma) truncated to [low, high]. */
  double sampleNormal(double mu, double sigma, RandomGenerator random) {
    double a = cdf((low - mu) / sigma);
    double b = cdf((high - mu) / sigma);
    double p = a + (b - a) * random.nextDouble();
    p = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
    double x = mu + sigma * SQRT2 * InverseErf.value(2 * p - 1);
    return Math.min(high, Math.max(low, x));
  }

  /**
   * The part of {@link #logNormal} that depends only on the component: minus the log of the mass
   * the truncation keeps, and for continuous axes minus the log of the normal's normaliser.
   * Computed once per component so that scoring candidates needs no erf for continuous axes.
   */
  double logNormaliser(double mu, double sigma) {
    double z = cdf((high - mu) / sigma) - cdf((low - mu) / sigma);
    double log = -Math.log(Math.max(z, 1e-300));
    return halfBin > 0 ? log : log - Math.log(sigma * Math.sqrt(2 * Math.PI));
  }

  /** log of the mass (bins) or density (continuous) of the truncated normal at {@code u}. */
  double logNormal(double u, double mu, double sigma, double logNormaliser) {
    if (halfBin > 0) {
      double mass = cdf((u + halfBin - mu) / sigma) - cdf((u - halfBin - mu) / sigma);
      return Math.log(Math.max(mass, 1e-300)) + logNormaliser;
    }
    double t = (u - mu) / sigma;
    return -0.5 * t * t + logNormaliser;
  }

  private static double cdf(double t) {
    return 0.5 * (1 + Erf.value(t / SQRT2));
  }

  /** The internal value of an integer or stepped float snapped to its bin centre. */
  double snapInternal(double u) {
    return encode(decode(u));
  }
}
