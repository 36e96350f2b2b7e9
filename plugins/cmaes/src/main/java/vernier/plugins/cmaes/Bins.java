package vernier.plugins.cmaes;

import vernier.spi.Domain;
import vernier.spi.FloatDomain;
import vernier.spi.IntDomain;
import vernier.spi.UnitInterval;

/**
 * The bins of a discrete parameter (an integer, or a float with a step) along its unit axis, laid
 * out as {@link UnitInterval} does: every legal value owns the positions that decode to it, and the
 * edge between two neighbours is where rounding changes the value, at value ± step / 2 in the
 * domain's units (through the logarithm on a log axis, so log-scaled bins are not of equal width).
 */
final class Bins {

  private final Domain domain;
  private final double half;
  private final double first;
  private final double last;

  Bins(Domain domain) {
    this.domain = domain;
    if (domain instanceof IntDomain i) {
      half = i.step() / 2.0;
      first = i.min();
      last = i.max();
    } else {
      FloatDomain f = (FloatDomain) domain;
      half = f.step() / 2;
      first = f.min();
      last = f.max();
    }
  }

  static boolean isDiscrete(Domain domain) {
    return domain instanceof IntDomain || domain instanceof FloatDomain f && f.hasStep();
  }

  /**
   * The edges {lower, upper} of the bin holding unit position {@code u}; NaN on a side where the
   * value has no neighbour (the smallest or largest legal value: its bin reaches the end of the
   * axis).
   */
  double[] edges(double u) {
    double v = UnitInterval.fromUnit(domain, u).asDouble();
    double tolerance =
        half * 1e-6; // a stepped float's grid point is only equal to max up to rounding
    double lower = v <= first + tolerance ? Double.NaN : UnitInterval.toUnit(domain, v - half);
    double upper = v >= last - tolerance ? Double.NaN : UnitInterval.toUnit(domain, v + half);
    return new double[] {lower, upper};
  }
}
